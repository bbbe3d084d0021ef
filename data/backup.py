"""Back up the whole database to one portable file, and restore it on any backend.

The file is a zip: `manifest.json` (format, schema revision, row counts, SHA-256 of each table
file) and one JSON-lines file per table. Values are written as JSON (dates and times in ISO
8601, binary contents such as prepared export files in base64), so a SQLite backup restores into
PostgreSQL and back.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, LargeBinary, delete, insert, inspect, select, text

from data.db import reset_sequences
from data.migrate import upgrade
from data.models import AppState, Base
from survey import clock, files

FORMAT = "readiness-backup/1"
BATCH = 5000
#: What a backup may hold unzipped, and one line of it (one row; export files are the longest, a few MB):
#: a backup is checked by the upload gate (survey.files.check_zip: sizes, compression ratio, parts) before it is read.
MAX_UNZIPPED = 4 * 1024**3
MAX_LINE = 64 * 1024 * 1024


class BackupError(ValueError):
    """A backup file that cannot be restored; nothing was changed."""


def _revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):  # export files: base64 text, so the line stays JSON
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def backup(engine: Engine, path: Path | str) -> dict[str, int]:
    """Write every table of the database to `path`; return row counts per table."""
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf, engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            buf = io.StringIO()
            n = 0
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)).mappings():
                buf.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                n += 1
            data = buf.getvalue().encode("utf-8")
            zf.writestr(f"{table.name}.jsonl", data)
            counts[table.name] = n
            digests[table.name] = hashlib.sha256(data).hexdigest()
        manifest = {"format": FORMAT, "revision": _revision(engine), "created_at": clock.utcnow().isoformat(),
                    "counts": counts, "sha256": digests}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def _rows(zf: zipfile.ZipFile, name: str, table: Any) -> Iterator[dict[str, Any]]:
    converters: dict[str, Callable[[str], Any]] = {}
    for col in table.columns:
        if isinstance(col.type, DateTime):
            converters[col.name] = dt.datetime.fromisoformat
        elif isinstance(col.type, Date):
            converters[col.name] = dt.date.fromisoformat
        elif isinstance(col.type, LargeBinary):
            converters[col.name] = base64.b64decode
    with zf.open(name) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8")
        while line := text.readline(MAX_LINE):
            if len(line) >= MAX_LINE and not line.endswith("\n"):
                raise BackupError(f"table {table.name} in the backup has a row longer than {MAX_LINE} characters")
            row = json.loads(line)
            for key, conv in converters.items():
                if row.get(key) is not None:
                    row[key] = conv(row[key])
            yield row


def _digest(zf: zipfile.ZipFile, name: str) -> str:
    """Return the SHA-256 of a part, read in chunks (a table file can be larger than memory should hold)."""
    digest = hashlib.sha256()
    with zf.open(name) as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path: Path | str) -> dict[str, Any]:
    """Open a backup and check it whole (format, every table file and its checksum) before any change."""
    refused, _ = files.check_zip(Path(path), MAX_UNZIPPED, max_parts=len(Base.metadata.sorted_tables) + 10,
                                 xml_suffixes=())
    if refused:
        raise BackupError(f"not a readable backup file: {refused[0].message.get('en')}")
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.getinfo("manifest.json").file_size > 1024 * 1024:
                raise BackupError("not a backup of this application (its manifest is too large)")
            manifest = json.loads(zf.read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"not a backup of this application (format {manifest.get('format')!r})")
            for table in Base.metadata.sorted_tables:
                name = f"{table.name}.jsonl"
                if name not in zf.namelist():
                    raise BackupError(f"the backup has no data for table {table.name}")
                if _digest(zf, name) != manifest["sha256"].get(table.name):
                    raise BackupError(f"table {table.name} in the backup is damaged (checksum mismatch)")
            return dict(manifest)
    except BackupError:
        raise
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError, ValueError, TypeError, AttributeError,
            zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BackupError(f"not a readable backup file: {exc}") from exc


def restore(engine: Engine, path: Path | str) -> dict[str, int]:
    """Replace the database's contents with a backup, in one transaction; return row counts."""
    manifest = read_manifest(path)
    upgrade(engine)
    if manifest.get("revision") != _revision(engine):
        raise BackupError(f"the backup is of schema {manifest.get('revision')}, the database is at "
                          f"{_revision(engine)}; restore with the application version that made it")
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf, engine.begin() as conn:
        before = conn.execute(select(AppState.value).where(AppState.key == "data_version")).scalar()
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            batch: list[dict[str, Any]] = []
            n = 0
            for row in _rows(zf, f"{table.name}.jsonl", table):
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(insert(table), batch)
                    n += len(batch)
                    batch = []
            if batch:
                conn.execute(insert(table), batch)
                n += len(batch)
            counts[table.name] = n
        if conn.dialect.name == "postgresql":
            reset_sequences(conn)
        # Caches key on the data version: move it past both histories so nothing stale is served.
        restored = conn.execute(select(AppState.value).where(AppState.key == "data_version")).scalar()
        version = max(int(before or 0), int(restored or 0)) + 1
        conn.execute(delete(AppState).where(AppState.key.in_(["data_version", "data_epoch"])))
        # A new epoch: results kept per cycle (usecases.views.results.cycle_rows) are never reused across a restore.
        conn.execute(insert(AppState), [{"key": "data_version", "value": str(version)},
                                        {"key": "data_epoch", "value": uuid.uuid4().hex}])
    counts["app_state"] = manifest["counts"].get("app_state", counts.get("app_state", 0))
    if counts != manifest["counts"]:
        raise BackupError(f"restored counts {counts} differ from the backup's {manifest['counts']}")
    return counts
