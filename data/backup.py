"""Back up the whole database to one portable file, and restore it on any backend, all or nothing.

The file is a zip: `manifest.json` (format, schema revision, row counts, SHA-256 of each table
file) and one JSON-lines file per table. Values are written as JSON (dates and times in ISO
8601, binary contents such as prepared export files in base64), so a SQLite backup restores into
PostgreSQL and back.

A backup is one snapshot: every table is read in one read transaction (`snapshot`), so rows
committed while it runs are either all in the file or none of them are.

A restore checks the whole file before it changes anything: the zip itself (unpacked size,
compression ratio, encryption), the manifest (format, keys, schema revision), each table file's
checksum, every row against the models and every key (`data.backup_rows.check_tables`), and the
row counts. Only then does it replace the contents, in one transaction that is rolled back if
the database refuses anything. Every refusal is a `BackupError` whose message (Thai and English)
says that nothing changed, which by then is true.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, delete, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from data.backup_rows import RowError, check_tables, read_rows
from data.db import reset_sequences
from data.migrate import revisions, upgrade
from data.models import AppState, Base
from survey import clock
from survey.errors import DomainError, Message, message
from survey.files import MAX_RATIO

FORMAT = "readiness-backup/1"
MANIFEST = "manifest.json"
MANIFEST_KEYS = ("format", "revision", "counts", "sha256")
BATCH = 5000
#: The most a backup may unpack to. The demo's 320 agencies x 5 cycles take 13 MB, so 8,000 agencies about 0.4 GB.
MAX_UNZIPPED = 4 * 1024**3
#: Parts smaller than this are not judged by their compression ratio (tiny repetitive files compress very well).
RATIO_FLOOR = 1024 * 1024


class BackupError(DomainError, ValueError):
    """A backup file that is not restored, and why; nothing was changed. `reason` is the why alone."""

    def __init__(self, key: str, **params: Any) -> None:
        self.reason: Message = message(key, **params)
        super().__init__("restore_refused", why=self.reason)


class RestoreUncertain(DomainError):
    """The database failed while committing a restore: it holds the old contents or the restored ones, whole,
    and which is not known."""


def _table_file(table: Any) -> str:
    return f"{table.name}.jsonl"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):  # export files: base64 text, so the line stays JSON
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """Yield a connection whose reads all see the database as it was at the first one.

    PostgreSQL: a read-only repeatable-read transaction. SQLite: an explicit read transaction
    (the driver would otherwise run each SELECT on its own); in WAL mode, which `make_engine` sets,
    writers go on meanwhile and this reader keeps its view.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                postgresql_readonly=True) as conn, conn.begin():
            yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def dump_table(conn: Connection, table: Any, fh: IO[bytes]) -> tuple[int, str]:
    """Write a table's rows to `fh` as JSON lines, in primary-key order; return the row count and the SHA-256."""
    digest = hashlib.sha256()
    n = 0
    stmt = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH)
    rows = conn.execute(stmt)
    for row in rows.mappings():
        line = (json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n").encode("utf-8")
        fh.write(line)
        digest.update(line)
        n += 1
    return n, digest.hexdigest()


def backup(engine: Engine, path: Path | str) -> dict[str, int]:
    """Write every table of the database, as of one moment, to `path`; return row counts per table.

    The file is written beside `path` and renamed into place at the end, so a failed backup leaves
    no file that looks whole.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    try:
        with snapshot(engine) as conn, zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                        if inspect(conn).has_table("alembic_version") else None)
            for table in Base.metadata.sorted_tables:
                with zf.open(_table_file(table), "w", force_zip64=True) as fh:
                    counts[table.name], digests[table.name] = dump_table(conn, table, fh)
            manifest = {"format": FORMAT, "revision": revision, "created_at": clock.utcnow().isoformat(),
                        "counts": counts, "sha256": digests}
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return counts


@contextmanager
def open_backup(path: Path | str, max_unzipped: int = MAX_UNZIPPED) -> Iterator[zipfile.ZipFile]:
    """Open a backup file once its zip directory passes the guards (size unpacked, ratio, encryption).

    A damaged part found later while reading (bad CRC, truncated stream) is a `BackupError` too.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError("backup_no_file", name=path.name)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > max_unzipped:
                raise BackupError("backup_too_large", size=total // 1024**2, limit=max_unzipped // 1024**2)
            for info in infos:
                if info.flag_bits & 0x1:
                    raise BackupError("backup_encrypted", part=info.filename)
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                    raise BackupError("backup_bomb", part=info.filename, ratio=int(ratio))
            yield zf
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise BackupError("backup_unreadable", detail=type(exc).__name__ + (f": {exc}" if str(exc) else "")) from exc


def _manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    """Return the manifest, checked: JSON, our format, every key, a schema revision this application knows."""
    if MANIFEST not in zf.namelist():
        raise BackupError("backup_manifest_missing")
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except ValueError as exc:  # also bad UTF-8
        raise BackupError("backup_manifest_not_json", detail=str(exc)[:80]) from exc
    if not isinstance(manifest, dict):
        raise BackupError("backup_manifest_bad", field="manifest")
    if manifest.get("format") != FORMAT:
        raise BackupError("backup_not_ours", format=json.dumps(manifest.get("format"))[:40])
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        raise BackupError("backup_manifest_keys", keys=", ".join(missing))
    known = revisions()
    revision = manifest["revision"]
    if revision not in known:
        raise BackupError("backup_schema_unknown", revision=str(revision)[:40], head=known[-1])
    if revision != known[-1]:
        raise BackupError("backup_schema_older", revision=revision, head=known[-1])
    for key in ("counts", "sha256"):
        value = manifest[key]
        kind = int if key == "counts" else str
        if not isinstance(value, dict) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value.values()):
            raise BackupError("backup_manifest_bad", field=key)
    tables = {t.name for t in Base.metadata.sorted_tables}
    for key in ("counts", "sha256"):
        if missing := sorted(tables - set(manifest[key])):
            raise BackupError("backup_table_missing", table=missing[0])
        if extra := sorted(set(manifest[key]) - tables):
            raise BackupError("backup_unexpected_part", part=f"{MANIFEST}: {key}.{extra[0]}"[:80])
    return manifest


def _check_parts(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Check that the zip holds exactly the manifest and one file per table, each with the manifest's checksum."""
    names = [i.filename for i in zf.infolist()]
    expected = {MANIFEST} | {_table_file(t) for t in Base.metadata.sorted_tables}
    for name in names:
        if name not in expected or names.count(name) > 1:
            raise BackupError("backup_unexpected_part", part=name[:80])
    for table in Base.metadata.sorted_tables:
        if _table_file(table) not in names:
            raise BackupError("backup_table_missing", table=table.name)
        digest = hashlib.sha256()
        with zf.open(_table_file(table)) as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != manifest["sha256"][table.name]:
            raise BackupError("backup_damaged", table=table.name)


def _check(zf: zipfile.ZipFile) -> dict[str, Any]:
    """Check a whole backup without touching any database; return its manifest."""
    manifest = _manifest(zf)
    _check_parts(zf, manifest)
    try:
        counts = check_tables(Base.metadata.sorted_tables, lambda t: zf.open(_table_file(t)))
    except RowError as err:
        raise BackupError(err.key, **err.text.params) from err
    for name, found in counts.items():
        if found != manifest["counts"][name]:
            raise BackupError("backup_count_mismatch", table=name, found=found, expected=manifest["counts"][name])
    return manifest


def read_manifest(path: Path | str, max_unzipped: int = MAX_UNZIPPED) -> dict[str, Any]:
    """Check a backup whole (zip, manifest, checksums, every row and key, counts) and return its manifest."""
    with open_backup(path, max_unzipped) as zf:
        return _check(zf)


def restore(engine: Engine, path: Path | str, max_unzipped: int = MAX_UNZIPPED) -> dict[str, int]:
    """Replace the database's contents with a checked backup, in one transaction; return row counts.

    Raises `BackupError`, with the database as it was, when any check fails or the database
    refuses a row (the transaction is then rolled back); `RestoreUncertain` when the commit itself fails.
    """
    with open_backup(path, max_unzipped) as zf:
        manifest = _check(zf)
        upgrade(engine)  # a new, empty database gets its tables; a current one is left as it is
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != manifest["revision"]:
            raise BackupError("backup_schema_unknown", revision=manifest["revision"], head=str(current))
        _replace(engine, zf, manifest["counts"])
    return dict(manifest["counts"])


def _replace(engine: Engine, zf: zipfile.ZipFile, expected: dict[str, int]) -> None:
    """Delete every row and insert the backup's, in one transaction; roll back on any refusal."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            _load(conn, zf, expected)
        except BaseException as exc:
            transaction.rollback()  # if even this fails, that error is raised: nothing is claimed
            if isinstance(exc, RowError):  # the file changed since it was checked
                raise BackupError(exc.key, **exc.text.params) from exc
            if isinstance(exc, SQLAlchemyError | zipfile.BadZipFile | zlib.error | ValueError):
                raise BackupError("restore_rolled_back", error=_short(exc)) from exc
            raise
        try:
            transaction.commit()
        except SQLAlchemyError as exc:
            raise RestoreUncertain("restore_commit_failed", error=_short(exc)) from exc


def _load(conn: Connection, zf: zipfile.ZipFile, expected: dict[str, int]) -> None:
    before = conn.execute(select(AppState.value).where(AppState.key == "data_version")).scalar()
    for table in reversed(Base.metadata.sorted_tables):
        conn.execute(delete(table))
    for table in Base.metadata.sorted_tables:
        batch: list[dict[str, Any]] = []
        n = 0
        with zf.open(_table_file(table)) as fh:
            for _line, row in read_rows(fh, table):
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(insert(table), batch)
                    n, batch = n + len(batch), []
        if batch:
            conn.execute(insert(table), batch)
            n += len(batch)
        if n != expected[table.name]:  # checked before; a file that changed under us is refused all the same
            raise RowError("backup_count_mismatch", table=table.name, found=n, expected=expected[table.name])
    if conn.dialect.name == "postgresql":
        reset_sequences(conn)
    # Caches key on the data version: move it past both histories so nothing stale is served.
    restored = conn.execute(select(AppState.value).where(AppState.key == "data_version")).scalar()
    version = max(_number(before), _number(restored)) + 1
    conn.execute(delete(AppState).where(AppState.key.in_(["data_version", "data_epoch"])))
    # A new epoch: results kept per cycle (usecases.views.results.cycle_rows) are never reused across a restore.
    conn.execute(insert(AppState), [{"key": "data_version", "value": str(version)},
                                    {"key": "data_epoch", "value": uuid.uuid4().hex}])


def _number(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0


def _short(exc: BaseException) -> str:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (first[0] if first else type(exc).__name__)[:200]
