"""Cycle bases kept on disk, so that a server's first request after a restart reads no answers it already scored.

A base (`analytics.pipeline.CycleBase`) is written as Arrow IPC files, one per table, in a folder of
the bases directory (`data.config.bases_dir`, `var/bases` by default). The folder's name is made of
two digests: one of what the base belongs to (database and, on PostgreSQL, its schema; the data
epoch, which every restore and seed changes; the cycle; the catalogue; the method) and one of the
cycle's fingerprint (its frame and counted responses, `cycle_fingerprints`). So a base is found
again only for the same data: another database, a restore or a change to the cycle never reuses
one, and a base of the same cycle under an earlier fingerprint can still be patched
(`usecases.views.results.cycle_rows`). Folders are written whole or not at all (written aside,
then renamed); the least recently used are removed beyond `MAX_KEPT`.

Beside a cycle's bases, one file keeps the isolation forest and k-means fitted on that cycle
(`analytics.models.CycleModels`, `<digest of what it belongs to>.models.pkl`): the same owner (data epoch,
cycle, catalogue, method), so a restore, another catalogue or method never reuses them, and a restarted
server scores changed agencies with them instead of fitting again. They are pickled (scikit-learn's own
way of keeping a model) with the scikit-learn version and the data version they were fitted at, in the
server-only folder; a file of another scikit-learn version, or one that cannot be read, is ignored (refit).

Writes are made on one writer thread, `WRITE_DELAY` seconds after they are handed over, and only the latest of
each file: a burst of submissions writes the last state once, off the requests that computed it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import pickle
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import sklearn

from analytics.models import CycleModels
from analytics.pipeline import CycleBase
from data.config import bases_dir

#: Bases kept on disk at most (the oldest used are removed first): every cycle of a few databases.
MAX_KEPT = 64
TABLES = ("values", "scores", "service_counts", "score_rows", "counted", "answers", "services")
_LOG = logging.getLogger(__name__)


def _digest(parts: tuple[Hashable, ...]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def folder_name(owner: tuple[Hashable, ...], fingerprint: str) -> str:
    """Return the folder of a base: `<digest of what it belongs to>-<digest of the cycle's fingerprint>`."""
    return f"{_digest(owner)}-{_digest((fingerprint,))}"


#: The layout of the pickles kept here: a header pickle, then the value's (2: header read on its own).
PICKLE_FORMAT = 2
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="base-store")
_PENDING: list[Future[None]] = []
_PENDING_LOCK = threading.Lock()
#: Seconds a write waits before it is made: during a burst of changes only the last state of each file is written
#: (several hundred MB a minute otherwise at 8,000 agencies). A process stopped meanwhile leaves the state before,
#: which the next start patches (`usecases.views.results.cycle_rows`), so nothing is lost but a little time.
WRITE_DELAY = 2.0
#: Set by `flush`: every waiting write is made at once.
_HURRY = threading.Event()
#: The ticket of the latest write handed over per file (kind and owner).
_LATEST: dict[Hashable, int] = {}
_TICKETS = itertools.count(1)


def save_later(owner: tuple[Hashable, ...], fingerprint: str, base: CycleBase) -> None:
    """Write `base` on the one writer thread, off the request that computed it (`flush` waits for it)."""
    root = bases_dir()
    if root is not None:
        _later(("base", owner, base.counted is not None), save, owner, fingerprint, base, root)


def _later(key: Hashable, write: Callable[..., None], *args: object) -> None:
    """Hand a write to the one writer thread, to be made `WRITE_DELAY` seconds from now unless a newer write of the
    same `key` (the same file's next state) is handed over meanwhile; forget the writes already done."""
    with _PENDING_LOCK:
        ticket = next(_TICKETS)
        _LATEST[key] = ticket
        _PENDING[:] = [f for f in _PENDING if not f.done()]
        _PENDING.append(_WRITER.submit(_when_due, key, ticket, time.monotonic() + WRITE_DELAY, write, args))


def _when_due(key: Hashable, ticket: int, due: float, write: Callable[..., None], args: tuple[object, ...]) -> None:
    _HURRY.wait(max(0.0, due - time.monotonic()))
    with _PENDING_LOCK:
        if _LATEST.get(key) != ticket:  # a newer state of the same file follows: this one is never read
            return
    write(*args)


def flush() -> None:
    """Make every write handed over now, without waiting for its delay, and wait until they are done."""
    _HURRY.set()
    try:
        with _PENDING_LOCK:
            pending = list(_PENDING)
        for f in pending:
            f.result()
    finally:
        _HURRY.clear()


def save(owner: tuple[Hashable, ...], fingerprint: str, base: CycleBase, root: Path | None = None) -> None:
    """Write `base` under `owner` and `fingerprint`; a failure to write is logged, never raised (the base is kept
    in memory all the same)."""
    root = root or bases_dir()
    if root is None:
        return
    final = root / folder_name(owner, fingerprint)
    if final.exists():
        return
    part = root / f".{final.name}.{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)  # agencies' answers: readable by the server only
        part.mkdir()
        dtypes: dict[str, dict[str, str]] = {}
        for name in TABLES:
            table = getattr(base, name)
            if table is None or (table.empty and len(table.columns) == 0):  # read back as an empty table
                continue
            dtypes[name] = {str(c): str(t) for c, t in table.dtypes.items()}
            feather.write_feather(table.reset_index(drop=True), part / f"{name}.arrow", compression="lz4")
        meta = {"year": base.year, "method_version": base.method_version, "dtypes": dtypes}
        (part / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        os.replace(part, final)
        # The cycle's earlier bases are stale now (only the latest is ever read or patched again).
        for stale in root.glob(final.name.split("-")[0] + "-*"):
            if stale != final:
                shutil.rmtree(stale, ignore_errors=True)
    except OSError as exc:  # another process wrote it first, or the disk is full: keep going without it
        _LOG.warning("could not keep cycle base %s on disk: %s", final.name, exc)
        shutil.rmtree(part, ignore_errors=True)
        return
    _prune(root)


def load(owner: tuple[Hashable, ...], fingerprint: str, root: Path | None = None) -> CycleBase | None:
    """Return the base kept under `owner` and `fingerprint`, or None when there is none (or it cannot be read)."""
    root = root or bases_dir()
    if root is None:
        return None
    return _read(root / folder_name(owner, fingerprint))


def latest_with_rows(owner: tuple[Hashable, ...], root: Path | None = None) -> CycleBase | None:
    """Return the most recently written base under `owner` (any fingerprint) that kept its rows, for patching."""
    root = root or bases_dir()
    if root is None or not root.is_dir():
        return None
    prefix = _digest(owner) + "-"
    found = sorted((p for p in root.iterdir() if p.name.startswith(prefix) and (p / "counted.arrow").exists()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    return _read(found[0]) if found else None


def _read(folder: Path) -> CycleBase | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        tables: dict[str, pd.DataFrame | None] = {}
        for name in TABLES:
            kinds = meta["dtypes"].get(name)
            if kinds is None:
                tables[name] = None
                continue
            table = feather.read_table(folder / f"{name}.arrow", memory_map=False).to_pandas(
                types_mapper={pa.large_string(): pd.StringDtype(na_value=float("nan")),
                              pa.string(): pd.StringDtype(na_value=float("nan"))}.get)
            # Arrow keeps every type but plain Python objects: give each column back the type it was written with.
            wrong = {c: t for c, t in kinds.items() if str(table[c].dtype) != t}
            tables[name] = table.astype(wrong) if wrong else table
        os.utime(folder)  # recently used: pruned last
    except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
        if folder.exists():
            _LOG.warning("could not read kept cycle base %s: %s", folder.name, exc)
        return None
    def whole(name: str) -> pd.DataFrame:
        table = tables[name]
        return pd.DataFrame() if table is None else table

    return CycleBase(int(meta["year"]), str(meta["method_version"]), whole("values"), whole("scores"),
                     whole("service_counts"), whole("score_rows"), tables["counted"], tables["answers"],
                     tables["services"])


def _prune(root: Path, keep: int = MAX_KEPT) -> None:
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    for old in sorted(folders, key=lambda p: p.stat().st_mtime)[: max(len(folders) - keep, 0)]:
        shutil.rmtree(old, ignore_errors=True)
    owners = {p.name.split("-")[0] for p in root.iterdir() if p.is_dir()}
    for suffix in (MODELS_SUFFIX, RESULTS_SUFFIX):  # models and results of an owner none of whose bases is kept
        for kept in root.glob("*" + suffix):
            if kept.name.split(".")[0] not in owners:
                kept.unlink(missing_ok=True)


MODELS_SUFFIX = ".models.pkl"
RESULTS_SUFFIX = ".results.pkl"


def models_path(owner: tuple[Hashable, ...], root: Path) -> Path:
    return root / f"{_digest(owner)}{MODELS_SUFFIX}"


def save_models_later(owner: tuple[Hashable, ...], models: CycleModels, data_version: int) -> None:
    """Write a cycle's fitted models on the writer thread (`flush` waits for it)."""
    root = bases_dir()
    if root is not None:
        _later(("models", owner), save_models, owner, models, data_version, root)


def save_models(owner: tuple[Hashable, ...], models: CycleModels, data_version: int, root: Path | None = None
                ) -> None:
    """Keep `models` beside the bases of `owner`, replacing the ones kept before (a failure is logged, not raised)."""
    root = root or bases_dir()
    if root is None:
        return
    header = {"owner": repr(owner), "sklearn": sklearn.__version__, "data_version": data_version,
              "year": models.year, "method_version": models.method_version}
    _save_pickle(models_path(owner, root), root, header, models)


def load_models(owner: tuple[Hashable, ...], root: Path | None = None) -> CycleModels | None:
    """Return the models kept for `owner`, or None when there are none, or they are of another scikit-learn."""
    root = root or bases_dir()
    if root is None:
        return None
    found = _read_pickle(models_path(owner, root), lambda header: header.get("owner") == repr(owner)
                         and header.get("sklearn") == sklearn.__version__)
    models = found[1] if found is not None else None
    return models if isinstance(models, CycleModels) else None


def forget(root: Path | None = None) -> None:
    """Remove every kept base (tests; a restore needs nothing of this: its new epoch changes every folder name)."""
    root = root or bases_dir()
    if root is not None and root.is_dir():
        for p in root.iterdir():
            with contextlib.suppress(OSError):
                shutil.rmtree(p)


def _pickle_path(owner: tuple[Hashable, ...], root: Path, suffix: str, variant: str = "") -> Path:
    return root / f"{_digest(owner)}.{variant}{suffix}" if variant else root / f"{_digest(owner)}{suffix}"


def save_results_later(owner: tuple[Hashable, ...], variant: str, version: tuple[Hashable, ...], results: object) -> None:
    """Keep a cycle's computed results on disk on the writer thread, for the data `version` they were computed at
    (one file per owner and `variant`: a newer version replaces it)."""
    root = bases_dir()
    if root is None:
        return
    _later(("results", owner, variant), _save_pickle, _pickle_path(owner, root, RESULTS_SUFFIX, variant), root,
           {"owner": repr(owner), "version": repr(version), "sklearn": sklearn.__version__}, results)


def load_results(owner: tuple[Hashable, ...], variant: str, version: tuple[Hashable, ...]) -> object | None:
    """Return the results kept for `owner` and `variant` if they were computed at data `version`, else None."""
    root = bases_dir()
    if root is None:
        return None
    return _load_pickle(_pickle_path(owner, root, RESULTS_SUFFIX, variant),
                        {"owner": repr(owner), "version": repr(version), "sklearn": sklearn.__version__})


def _save_pickle(final: Path, root: Path, header: dict[str, object], value: object) -> None:
    """Write `header`, then `value`, as two pickles in one file: a reader checks the header without the value."""
    part = root / f".{final.name}.{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with part.open("wb") as f:
            pickle.dump({**header, "format": PICKLE_FORMAT}, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(part, 0o600)
        os.replace(part, final)
    except OSError as exc:
        _LOG.warning("could not keep %s on disk: %s", final.name, exc)
        part.unlink(missing_ok=True)


def _load_pickle(path: Path, header: dict[str, object]) -> object | None:
    """Return the value kept at `path` when its header is `header`; the value is read only then (results of an
    older data version, a hundred MB at 8,000 agencies, were read whole only to be thrown away)."""
    found = _read_pickle(path, lambda kept: kept == header)
    return found[1] if found is not None else None


def _read_pickle(path: Path, wanted: Callable[[dict[str, object]], bool] = lambda _: True
                 ) -> tuple[dict[str, object], object] | None:
    """Return the (header, value) kept at `path` when `wanted(header)`, or None when there is none, it is not wanted,
    or it cannot be read (a file of an older format is not wanted)."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as f:  # written by this server only, in its own 0700 folder
            header = pickle.load(f)
            if not isinstance(header, dict) or header.pop("format", None) != PICKLE_FORMAT or not wanted(header):
                return None
            value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError) as exc:
        _LOG.warning("could not read the kept %s: %s", path.name, exc)
        return None
    return header, value
