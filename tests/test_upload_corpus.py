"""Every upload path against a corpus of malicious and malformed files (tests/corpus.py), on SQLite and PostgreSQL.

Issue 14: the register reader and the organisations upload had no size or zip-bomb guard (a 4.8 MB
file ran 180 s to 3.5 GB; a shared-strings bomb ended in MemoryError; corrupt, encrypted, legacy
or XML-entity files ended in tracebacks). Now one gate (survey/files.py) reads every upload.

The corpus runs in a child process, so that its peak memory (VmHWM, see `peak_mb`) is its own: every file
through every path, each call timed, the database fingerprinted before and after each file.
Passing means: no exception other than a refusal with a message in Thai and English, no call over
10 s, the whole run under 90 s, the process never over 500 MB, and the database unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text

from tests.conftest import ROOT
from tests.factories import CYCLE, seed_intake

MAX_MB = 500
MAX_CALL_S = 10.0
MAX_RUN_S = 90.0
PATHS = ("read_table", "read_workbook", "respond_upload", "cli_import", "organisations", "organisation_list",
         "register", "register_page", "users", "restore")
EXAMPLES = ROOT / "docs" / "examples"


def peak_mb() -> int:
    """Return this process's peak resident memory in MB.

    On Linux, VmHWM of /proc/self/status: the high-water mark of this process's own memory. Not
    ru_maxrss, which Linux carries over an exec from the process that forked the child (a pytest
    worker of 600 MB makes every child it starts report 600 MB at least).
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def fingerprint(engine: Engine) -> str:
    """Return a hash of every row of every table (the seeded database is a few dozen rows)."""
    from data.models import Base

    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _check_messages(problems: Any) -> str:
    """Return "refused" when every problem has a message in both languages (raises otherwise)."""
    assert isinstance(problems, list) and problems, problems
    for p in problems:
        assert p.message.get("th") and p.message.get("en"), p
    return "refused"


def _paths(engine: Engine, tmp: Path) -> dict[str, Callable[[str, bytes], str]]:
    """Return each upload path as a function of (filename, bytes) -> outcome; an exception escapes as a crash."""
    from data import backup
    from data.db import session_scope
    from survey import __main__ as survey_cli
    from survey import excel, files
    from survey.catalogue import default_catalogue
    from usecases import accounts, administration, register, respond
    from usecases.access import Grant, Principal, Role

    catalogue = default_catalogue()
    admin = administration.operator("corpus")
    respondent = Principal(0, "corpus-respondent", grants=frozenset({Grant(Role.RESPONDENT, agency_id="A001")}))
    mapping = register.parse_mapping({"columns": {"agency": "agency_id", "code": "code", "name": "name_th",
                                                  "status": "status"},
                                      "status_levels": {"E-SERVICE": 4, "OFFLINE": 0}})
    services_yaml = (EXAMPLES / "services-mapping.yaml").read_bytes()
    organisations_yaml = (EXAMPLES / "organisations-mapping.yaml").read_bytes()
    cli_args = argparse.Namespace(actor="corpus", lang="en", dry_run=False)

    def on_disk(name: str, data: bytes) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    def read_table(name: str, data: bytes) -> str:
        table = files.read_table(data, name)
        return "table" if isinstance(table, files.Table) else _check_messages(table)

    def read_workbook(name: str, data: bytes) -> str:
        parsed = excel.read_workbook(data, catalogue)
        return "parsed" if isinstance(parsed, excel.ParsedWorkbook) else _check_messages(parsed)

    def respond_upload(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            result = respond.upload(s, respondent, "A001", CYCLE, data, dry_run=False, today=dt.date(2025, 7, 1))
        assert not result.accepted, name
        return _check_messages(result.problems)

    def cli_import(name: str, data: bytes) -> str:
        path = on_disk(name, data)
        reader = survey_cli._import_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else survey_cli._import_csv
        with session_scope(engine) as s:
            ok, lines = reader(s, path, cli_args, catalogue)
        assert not ok and lines, (name, lines)
        return "refused"

    def organisations(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            report = administration.import_agencies(s, admin, name, data)
        assert set(report["outcome"]) <= {"rejected"}, report
        return "rejected rows"

    def register_import(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            report = register.import_register(s, data, name, mapping, CYCLE, "corpus")
        assert report.placed == 0 and not report.changed, report
        return "nothing placed"

    def register_page(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            report = administration.import_services_register(s, admin, name, data, services_yaml, CYCLE,
                                                             create_organisations=True, dry_run=False)
        assert report.placed == 0 and not report.changed, report
        return "nothing placed"

    def organisation_list(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            report = administration.import_organisation_list(s, admin, name, data, organisations_yaml, dry_run=False)
        assert not report.changed, report
        return "nothing changed"

    def users(name: str, data: bytes) -> str:
        with session_scope(engine) as s:
            report = accounts.import_users_file(s, admin, name, data)
        assert not report.created and not report.granted, report
        return "no users"

    def restore(name: str, data: bytes) -> str:
        backup.restore(engine, on_disk(name, data))
        raise AssertionError(f"{name} was restored")

    return {"read_table": read_table, "read_workbook": read_workbook, "respond_upload": respond_upload,
            "cli_import": cli_import, "organisations": organisations, "organisation_list": organisation_list,
            "register": register_import, "register_page": register_page, "users": users, "restore": restore}


def run_corpus(url: str, schema: str | None, tmp: Path) -> dict[str, Any]:
    """Run every corpus file through every path (in this process); return what happened, for the parent to judge."""
    from data.backup import BackupError
    from survey.errors import DomainError
    from tests.corpus import GENERATORS

    connect = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(url, connect_args=connect)
    paths = _paths(engine, tmp)
    crashes: list[str] = []
    changed: list[str] = []
    slow: list[tuple[str, str, float]] = []
    timings: list[tuple[float, str, str]] = []
    outcomes: dict[str, dict[str, int]] = {p: {} for p in PATHS}
    files_seen = 0
    growth: list[tuple[int, str]] = []  # (peak MB after the file, file) where the peak rose by 20 MB or more
    peak = peak_mb()
    started = time.perf_counter()
    for make in GENERATORS:
        for label, name, data in make():
            files_seen += 1
            before = fingerprint(engine)
            for path, call in paths.items():
                t0 = time.perf_counter()
                try:
                    outcome = call(name, data)
                except (DomainError, BackupError) as exc:
                    message = exc.message("th") + exc.message("en") if isinstance(exc, DomainError) else str(exc)
                    assert message, label
                    outcome = "refused"
                except Exception:
                    crashes.append(f"{path} / {label}: {traceback.format_exc(limit=6)}")
                    outcome = "crash"
                took = time.perf_counter() - t0
                timings.append((round(took, 2), path, label))
                if took > MAX_CALL_S:
                    slow.append((path, label, round(took, 1)))
                outcomes[path][outcome] = outcomes[path].get(outcome, 0) + 1
            if fingerprint(engine) != before:
                changed.append(label)
            now = peak_mb()
            if now >= peak + 20:
                growth.append((now, label))
            peak = max(peak, now)
    engine.dispose()
    return {"files": files_seen, "crashes": crashes, "changed": changed, "slow": slow, "outcomes": outcomes,
            "slowest": sorted(timings, reverse=True)[:5], "growth": growth,
            "seconds": round(time.perf_counter() - started, 1),
            "max_rss_mb": peak_mb()}


def _child() -> None:
    url, schema, tmp, out = sys.argv[1:5]
    result = run_corpus(url, schema or None, Path(tmp))
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def test_every_upload_path_refuses_the_corpus_cleanly(any_engine: Engine, tmp_path: Path) -> None:
    """At least 150 malicious or malformed files, each through the 10 paths of PATHS.

    Before issue 14 the register and organisations paths read workbooks with pandas.read_excel
    (no size or bomb check: the 300 MB deflate bomb ran for minutes, the billion laughs raised),
    and the users page decoded bytes itself (UnicodeDecodeError).
    """
    seed_intake(any_engine)
    url = any_engine.url.render_as_string(hide_password=False)
    schema = ""
    if any_engine.dialect.name == "postgresql":
        with any_engine.connect() as conn:
            schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    work = tmp_path / "files"
    work.mkdir()
    out = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", "from tests.test_upload_corpus import _child; _child()", url, schema,
                           str(work), str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=MAX_RUN_S + 60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["files"] >= 150
    assert result["crashes"] == []
    assert result["slow"] == []
    assert result["changed"] == []
    assert result["max_rss_mb"] < MAX_MB, result
    assert result["seconds"] < MAX_RUN_S, result
    # Every file went through every path, and the streaming reader refused most outright.
    assert all(sum(counts.values()) == result["files"] for counts in result["outcomes"].values()), result["outcomes"]
    assert result["outcomes"]["read_table"].get("refused", 0) >= 100, result["outcomes"]
