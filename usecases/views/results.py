"""Each cycle's computed results, kept per data version: what every dashboard view and the workbook start from."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

import analytics
from analytics.index import IndexMethod, method_from_catalogue
from analytics.models import PATCH_SHARE, CycleModels
from analytics.pipeline import (
    CycleBase,
    CycleResults,
    changed_agencies,
    cycle_base,
    cycle_fingerprints,
    cycle_results,
    patch_base,
    unit_by_unit,
)
from data import repository
from survey.catalogue import Catalogue, default_catalogue
from survey.targets import TARGETS_PATH
from usecases import base_store
from usecases.cache import Store, database_key
from usecases.target_edits import effective_targets

#: Monte Carlo draws for rank intervals in the pages (the methodology page says so); the
#: workbook and `python -m analytics` use the full 1,000.
PAGE_DRAWS = 300
#: Each cycle's results per (database, cycle, data version, draws, detail); a few versions are kept.
RESULTS: Store[CycleResults] = Store(maxsize=4)
#: The wide score table of every cycle per (database, data version).
HISTORY: Store[pd.DataFrame] = Store(maxsize=4)
#: Each cycle's agency-level base (values, scores, service counts), kept per (database, cycle, digest of
#: the cycle's frame and counted responses, catalogue, method): enough for every cycle of a few databases.
BASES: Store[CycleBase] = Store(maxsize=48)
#: Every cycle's frame, responses and fingerprints per (database, data version, cycles): shared, never changed.
FRAMES: Store[tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]] = Store(maxsize=4)
#: Each cycle's frame and responses as last read, per (database and epoch, schema, mark of the change counters), with
#: the cycle's and the agencies' change counters they were read at and its fingerprint (`frames`).
PARTS: Store[dict[int, tuple[tuple[int, int], pd.DataFrame, pd.DataFrame, str | None]]] = Store(maxsize=4)
#: Each cycle's fitted isolation forest and k-means per owner (database, epoch, schema, cycle, catalogue, method).
MODELS: Store[CycleModels] = Store(maxsize=16)


@dataclass(frozen=True)
class CycleRows:
    """What `cycle_rows` read: every cycle's frame and responses, the answers and services of `read`
    cycles only, and every cycle's base."""

    frame: pd.DataFrame
    responses: pd.DataFrame
    services: pd.DataFrame
    answers: pd.DataFrame
    bases: dict[int, CycleBase]


def cycle_rows(session: Session, years: list[int], catalogue: Catalogue, read: tuple[int, ...] = (),
               per_version: bool = False) -> CycleRows:
    """Read the cycles `years` once, reusing each unchanged cycle's base instead of its answers and services.

    A cycle's base is kept while the digest of its frame and counted responses stays the same
    (`cycle_fingerprints`), so after a submission only the changed cycle is scored again. Cycles in
    `read` (the ones a page shows) keep their answers and services in the base: after a change to a
    few responses of a cycle with such a base (any cycle, read or not), only those responses' rows are read
    and those agencies scored again (`patch_base`), when the method scores each agency on its own values. The
    rows returned are
    those of `read` cycles and of cycles that had to be read whole. With `per_version` (for callers whose
    results are themselves kept per data version), the frames and responses read are shared by every such
    call of the same data version.
    """
    method = method_from_catalogue(catalogue)
    frame, responses, prints = frames(session, years, per_version)
    db, shape = _database(session), repr(method)
    keys = {y: (db, y, prints.get(y, ""), catalogue.sha256, shape) for y in years}
    kept = dict(BASES.snapshot())
    bases = {y: kept[k] for y, k in keys.items() if k in kept}
    # A restarted server finds the bases it kept on disk (under the database's schema too, on PostgreSQL).
    owners = {y: _owner(session, y, catalogue, method) for y in years}
    for y in [y for y in years if y not in bases]:
        found = base_store.load(owners[y], keys[y][2])
        if found is not None:
            bases[y] = found
            BASES.put(keys[y], found)
    # Any cycle whose responses changed since a base that kept its rows is patched, not read again: the Overview
    # (which reads no cycle's rows) after a submission too, so that the cards' results find the patched rows.
    earlier = {k[1]: b for k, b in kept.items() if isinstance(k, tuple) and k[0] == db
               and k[1] in keys and k[1] not in bases and k[3:] == (catalogue.sha256, shape) and b.counted is not None}
    for y in [y for y in years if y not in bases and y not in earlier]:
        last = base_store.latest_with_rows(owners[y])
        if last is not None:
            earlier[y] = last
    for y, old in earlier.items():  # a few responses changed: patch the kept base
        agencies = changed_agencies(old, frame, responses)
        size = len(old.counted) if old.counted is not None else 0
        if agencies is None or not unit_by_unit(method) or len(agencies) > PATCH_SHARE * max(size, 1):
            continue
        ids = responses.loc[(responses["cycle_year"] == y) & responses["agency_id"].isin(list(agencies)),
                            "response_id"].tolist()
        bases[y] = patch_base(old, frame, responses, repository.services(session, [y], ids),
                              repository.answers(session, [y], ids), agencies, catalogue, method)
        _keep_base(keys[y], bases[y], owners[y])
    whole = sorted({y for y in years if y not in bases} | {y for y in read if bases.get(y) is not None
                                                             and bases[y].answers is None})
    parts: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    if whole:
        sv, an = repository.services(session, whole), repository.answers(session, whole)
        for y in whole:
            bases[y] = cycle_base(y, frame, responses, sv, an, catalogue, method, keep_rows=y in read,
                                  keep_scores=y in read)
            _keep_base(keys[y], bases[y], owners[y])
        parts.append((sv, an))
    for y in read:
        b = bases.get(y)
        if y not in whole and b is not None and b.services is not None and b.answers is not None:
            parts.append((b.services, b.answers))
    if not parts:  # nothing to read and nothing kept: empty frames with their columns
        parts.append((repository.services(session, []), repository.answers(session, [])))
    services = pd.concat([p[0] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][0]
    answers = pd.concat([p[1] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][1]
    return CycleRows(frame, responses, services, answers, bases)


def frames(session: Session, years: list[int] | None = None, per_version: bool = True
           ) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """Return the frame and responses of `years` (None: every cycle) and each cycle's fingerprint.

    Callers whose own results are kept per data version (`results`, the Overview's view, which reads the cycles
    twice: its series, then its cards' results, and the cycles' standing every page shows) share one read per data
    version: the frames returned are shared, never to be changed. Without `per_version` they are read afresh.
    """
    if years is None:
        years = [int(y) for y in repository.cycles(session)["year_be"]]
    read_key = (database_key(session), repository.data_version(session), tuple(years))
    known = FRAMES.get(read_key) if per_version else None
    if known is None:
        known = _read_frames(session, years) if per_version else _whole(repository.frame(session, years),
                                                                         repository.responses(session, years))
        FRAMES.put_latest(read_key, known, 1)
    return known


def _read_frames(session: Session, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """Return the frames of `years`, reading again only the cycles whose change counter moved since they were last
    read (`repository.cycle_changes`: the database counts every write to a cycle's responses and frame); each cycle
    in the order a read of it alone gives (frame by agency, responses by id), so reuse never changes a result."""
    if not years:  # no cycle: the columns of an empty read
        return _whole(repository.frame(session, years), repository.responses(session, years))
    changes = repository.cycle_changes(session)
    owner = (_database(session), repository.schema_name(session), changes.get(-1, 0))
    parts = dict(PARTS.get(owner) or {})
    stamp = {y: (changes.get(y, 0), changes.get(0, 0)) for y in years}
    # The counters are read before the rows: a write between the two makes the rows newer than their stamp, so they
    # are read once more next time, never kept past a change.
    stale = [y for y in years if y not in parts or parts[y][0] != stamp[y]]
    if stale:
        frame, responses = repository.frame(session, stale), repository.responses(session, stale)
        prints = cycle_fingerprints(frame, responses)
        for y in stale:
            parts[y] = (stamp[y], *_ordered(frame[frame["cycle_year"] == y], responses[responses["cycle_year"] == y]),
                        prints.get(y))
        PARTS.put(owner, parts)
    return (_joined([parts[y][1] for y in years]), _joined([parts[y][2] for y in years]),
            {y: p for y in years if (p := parts[y][3]) is not None})


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The cycles' rows one after the other; an empty cycle's columns (read with no row to type them) take no part."""
    full = [p for p in parts if not p.empty]
    if not full:
        return parts[0]
    return full[0] if len(full) == 1 else pd.concat(full, ignore_index=True)


def _ordered(frame: pd.DataFrame, responses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (frame.sort_values("agency_id", kind="stable", ignore_index=True),
            responses.sort_values("response_id", kind="stable", ignore_index=True))


def _whole(frame: pd.DataFrame, responses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    return frame, responses, cycle_fingerprints(frame, responses)


def _database(session: Session) -> str:
    """The database and its data epoch: the epoch changes on every restore and seed, so nothing kept outlives
    the data it came from."""
    return f"{database_key(session)}#{repository.get_state(session, 'data_epoch', '')}"


def _owner(session: Session, year: int, catalogue: Catalogue, method: IndexMethod) -> tuple[str, str, int, str, str]:
    """What a cycle's kept base and models belong to: database and epoch, schema, cycle, catalogue, method."""
    return (_database(session), repository.schema_name(session), year, catalogue.sha256, repr(method))


def _models(owner: tuple[str, str, int, str, str]) -> CycleModels | None:
    """Return the cycle's kept models: in memory, else on disk (a restarted server), else None."""
    found = MODELS.get(owner)
    if found is None:
        found = base_store.load_models(owner)
        if found is not None:
            MODELS.put(owner, found)
    return found


def _keep_base(key: tuple[str, int, str, str, str], base: CycleBase, owner: tuple[str, str, int, str, str]) -> None:
    """Keep `base` in memory and on disk, dropping older bases of the same cycle that carry rows from memory
    (only the latest is ever patched)."""
    if base.counted is not None:
        BASES.drop(lambda k, b: not (isinstance(k, tuple) and k[:2] == key[:2] and k[3:] == key[3:] and k != key
                                     and b.counted is not None))
    BASES.put(key, base)
    base_store.save_later(owner, key[2], base)


def results(session: Session, year: int, draws: int = PAGE_DRAWS, detail: bool = True) -> CycleResults:
    """Return `cycle_results` for `year`, computed once per (database, cycle, data version, draws, detail).

    Every change to responses bumps the data version, so a new submission makes the next call
    recompute; results of an older version are dropped as newer ones arrive (a few are kept).
    """
    key = (database_key(session), year, repository.data_version(session), draws, detail)
    hit = RESULTS.get(key)
    if hit is not None:
        return hit
    catalogue = default_catalogue()
    owner = _owner(session, year, catalogue, method_from_catalogue(catalogue))
    # A restarted server finds the results it computed for this very data version on disk (and this code and
    # targets file): nothing of the cycle is read or computed again.
    variant, version = f"{draws}-{int(detail)}", (key[2], _code_digest(), _targets_digest())
    found = base_store.load_results(owner, variant, version)
    if isinstance(found, CycleResults):
        RESULTS.put_latest(key, found, 2)
        return found
    years = [y for y in repository.cycles(session)["year_be"].tolist() if y <= year]
    kept_models = _models(owner) if detail else None
    # One thread for the small k-means and isolation-forest fits: on a busy two-core server, OpenMP
    # threads fighting each other made the clustering alone take seconds instead of milliseconds.
    with threadpool_limits(limits=1):
        rows = cycle_rows(session, years, catalogue, read=(year,), per_version=True)
        res = cycle_results(year, rows.frame, rows.responses, rows.services, rows.answers, catalogue,
                            effective_targets(session, catalogue), draws=draws, detail=detail, bases=rows.bases,
                            models=kept_models)
    if res.models is not None and res.models is not kept_models:  # fitted now: keep them for the next change
        MODELS.put(owner, res.models)
        base_store.save_models_later(owner, res.models, repository.data_version(session))
    RESULTS.put_latest(key, res, 2)
    base_store.save_results_later(owner, variant, version, res)
    return res


@functools.cache
def _code_digest() -> str:
    """A digest of the code results are computed by (analytics/ and this module): kept results of other code are
    never read."""
    files = [*sorted(Path(analytics.__file__).parent.glob("*.py")), Path(__file__)]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


def _targets_digest() -> str:
    """The targets file's version (the planners' edits are in the database and move its data version)."""
    stat = TARGETS_PATH.stat()
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def all_scores(session: Session) -> pd.DataFrame:
    """Return the wide score table of every agency and cycle under today's method (cached per data version)."""
    key = (database_key(session), repository.data_version(session))
    hit = HISTORY.get(key)
    if hit is not None:
        return hit
    catalogue = default_catalogue()
    years = [int(y) for y in repository.cycles(session)["year_be"]]
    bases = cycle_rows(session, years, catalogue, per_version=True).bases
    # Each base's one row per agency is `scores_wide` of its scores with the root's coverage and band beside it.
    parts = [bases[y].score_rows.drop(columns=["coverage", "band", "band_label"]) for y in years
             if not bases[y].score_rows.empty]
    wide = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not wide.empty:  # the node columns in `scores_wide`'s order, whichever cycles have which nodes
        wide = wide[["cycle_year", "agency_id", *sorted(c for c in wide.columns if c not in ("cycle_year", "agency_id"))]]
    HISTORY.put_latest(key, wide, 1)
    return wide
