"""Backup and restore move the whole database between backends, and analytics stay identical; a backup is one
snapshot; a restore checks everything first and replaces all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from analytics.trajectory import national_series
from data import repository
from data.__main__ import main as data_cli
from data.backup import BackupError, backup, read_manifest, restore
from data.migrate import revisions
from data.models import Agency, Answer, ExportFile, Job, Service, User
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput
from tests.conftest import ROOT, sibling_engine, sqlite_engine_at, table_dumps
from usecases.cycles import open_cycle
from usecases.demo import DemoSpec, seed_demo
from usecases.intake import get_or_create_draft, save_draft


def _figures(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Session(engine) as s:
        national = national_series(repository.frame(s), repository.responses(s), repository.services(s))
        answers = repository.answers(s).sort_values(["response_id", "indicator_id"]).reset_index(drop=True)
    return national, answers


@pytest.fixture
def source(tmp_path: Path) -> Engine:
    engine = sqlite_engine_at(tmp_path / "source.sqlite3")
    seed_demo(engine, default_catalogue(), DemoSpec(agencies=40, provincial=3))
    return engine


def test_sqlite_to_any_backend_and_back(source: Engine, any_engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "backup.zip"
    counts = backup(source, file)
    assert counts["agencies"] == 43 and counts["cycles"] == 5
    restored = restore(any_engine, file)
    assert restored == counts
    before, after = _figures(source), _figures(any_engine)
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    with Session(any_engine) as s:
        # New rows after a restore get fresh ids (PostgreSQL sequences moved past the restored ones).
        rid = s.scalars(select(Service.response_id)).first()
        s.add(Service(response_id=rid, name="after restore", digital_level=4))
        s.commit()
        assert repository.data_version(s) >= 2
    back = tmp_path / "back.zip"
    backup(any_engine, back)
    again = sqlite_engine_at(tmp_path / "again.sqlite3")
    restore(again, back)
    with Session(again) as s:
        assert s.scalar(select(func.count()).select_from(Service)) == counts["services"] + 1


def test_damaged_or_foreign_files_change_nothing(source: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.zip"
    backup(source, good)
    target = sqlite_engine_at(tmp_path / "target.sqlite3")
    seed_demo(target, default_catalogue(), DemoSpec(agencies=5, years=(2568,)))
    with Session(target) as s:
        agencies_before = s.scalar(select(func.count()).select_from(Agency))
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            zout.writestr(item, data.replace(b"Fictional", b"Fictitious") if item == "agencies.jsonl" else data)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello", encoding="utf-8")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something-else"}))
    for bad, message in ((damaged, "damaged"), (not_zip, "not a readable backup"), (foreign, "not a backup")):
        with pytest.raises(BackupError, match=message):
            restore(target, bad)
    with Session(target) as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == agencies_before
    assert read_manifest(good)["counts"]["agencies"] == 43


def test_command_line(source: Engine, tmp_path: Path) -> None:
    file = tmp_path / "cli.zip"
    env = {**os.environ, "DATABASE_URL": str(source.url)}
    out = subprocess.run([sys.executable, "-m", "data", "backup", str(file)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    target = tmp_path / "cli-target.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{target}"
    out = subprocess.run([sys.executable, "-m", "data", "restore", str(file)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["agencies"] == 43
    bad = subprocess.run([sys.executable, "-m", "data", "restore", str(tmp_path / "missing.zip")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "nothing changed" in bad.stderr


def test_prepared_export_files_survive_a_backup_byte_for_byte(any_engine: Engine, tmp_path: Path) -> None:
    """Export files are binary: the backup writes them as base64 and the restore gives back the same bytes."""
    source = sqlite_engine_at(tmp_path / "exports.sqlite3")
    content = bytes(range(256)) * 3 + b"PK\x03\x04\x00\xff"
    with Session(source) as s:
        user = User(username="planner1", display_name="Planner", active=True, failed_attempts=0)
        job = Job(kind="export", created_by="planner1", status="finished", done=4, total=4)
        s.add_all([user, job])
        s.flush()
        s.add(ExportFile(job_id=job.id, owner_id=user.id, file_name="readiness.xlsx", media_type="application/x",
                         what="readiness.xlsx", size=len(content), content=content))
        s.commit()
    file = tmp_path / "exports.zip"
    assert backup(source, file)["export_files"] == 1
    restore(any_engine, file)
    with Session(any_engine) as s:
        restored = s.scalars(select(ExportFile)).one()
        assert bytes(restored.content) == content and restored.file_name == "readiness.xlsx"
    source.dispose()


# --- One snapshot, all or nothing (issue 14) ---------------------------------------------------------------

def _open_2569(engine: Engine) -> None:
    """Six demo agencies answered B.E. 2568; the 2569 cycle is open, with a saved draft for D0001 (audit rows too)."""
    seed_demo(engine, default_catalogue(), DemoSpec(agencies=6, years=(2568,)))
    with Session(engine, expire_on_commit=False) as s:
        open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 12, 31), "2568.1", "admin")
        s.commit()
        draft = get_or_create_draft(s, "D0001", 2569, "respondent")
        s.commit()
        saved = save_draft(s, draft.id, draft.version, {"DAT.02": AnswerInput(7), "DAT.03": AnswerInput(40)}, None,
                           "respondent", "web")
        s.commit()
    assert saved.ok


def test_a_backup_taken_while_someone_saves_restores_as_of_its_start(any_engine: Engine, tmp_path: Path) -> None:
    """A draft (a response and its answers) is committed through another connection just after the backup has
    read `responses` and before it reads `answers`. Read table by table, the file held the answers but not their
    response, and its restore failed on the foreign key. Read in one snapshot, it holds neither: it restores, and
    the restored database equals, row for row, the database as it was when the backup began."""
    _open_2569(any_engine)
    before = table_dumps(any_engine, skip_state=True)
    saved: list[int] = []

    def save_between(conn: object, cursor: object, statement: str, *args: object) -> None:
        if saved or "FROM responses" not in statement:
            return
        saved.append(0)
        with Session(any_engine) as s:  # another connection of the pool, committing on its own
            draft = get_or_create_draft(s, "D0003", 2569, "respondent")
            s.flush()
            result = save_draft(s, draft.id, draft.version, {"DAT.02": AnswerInput(3), "DAT.04": AnswerInput(9)},
                                None, "respondent", "web")
            s.commit()
            assert result.ok
            saved[0] = draft.id

    event.listen(any_engine, "after_cursor_execute", save_between)
    try:
        counts = backup(any_engine, tmp_path / "during.zip")
    finally:
        event.remove(any_engine, "after_cursor_execute", save_between)
    assert saved and saved[0] > 0
    with Session(any_engine) as s:  # the draft did reach the database while the backup ran ...
        assert s.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == saved[0])) == 2
    with sibling_engine(any_engine, tmp_path) as fresh:  # ... but not the backup, which restores whole
        restore(fresh, tmp_path / "during.zip")
        assert table_dumps(fresh, skip_state=True) == before
    assert counts["responses"] == len(before["responses"]) and counts["answers"] == len(before["answers"])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Edit = Callable[[bytes], bytes]


def _line(number: int, change: Callable[[dict[str, Any]], None]) -> Edit:
    """Return an edit of a table file that changes the JSON object on line `number` (1-based)."""
    def edit(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        row = json.loads(lines[number - 1])
        change(row)
        lines[number - 1] = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        return b"".join(lines)
    return edit


def _broken(good: Path, out: Path, parts: dict[str, Edit] | None = None,
            manifest: Callable[[dict[str, Any]], None] | None = None, raw_manifest: bytes | None = None,
            fix_checksums: bool = True) -> Path:
    """Write a copy of the good backup with parts edited; their checksums are fixed unless told not to,
    so that each broken file is refused by the check it is made for, not by the checksum."""
    with zipfile.ZipFile(good) as zin:
        files = {name: zin.read(name) for name in zin.namelist()}
    man = json.loads(files.pop("manifest.json"))
    for name, edit in (parts or {}).items():
        files[name] = edit(files[name])
        if fix_checksums:
            man["sha256"][name.removesuffix(".jsonl")] = _sha(files[name])
    if manifest is not None:
        manifest(man)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in files.items():
            zout.writestr(name, data)
        zout.writestr("manifest.json", raw_manifest if raw_manifest is not None else json.dumps(man).encode())
    return out


def _bump(table: str, by: int = 1) -> Callable[[dict[str, Any]], None]:
    def change(man: dict[str, Any]) -> None:
        man["counts"][table] += by
    return change


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update(values)


def _without(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(man: dict[str, Any]) -> None:
        for key in keys:
            del man[key]
    return change


def _cases(good: Path, tmp: Path) -> list[tuple[str, Path, str]]:
    """Return (case, broken file, the reason the restore must give in English)."""
    counts = read_manifest(good)["counts"]
    first_agency = json.loads(zipfile.ZipFile(good).read("agencies.jsonl").splitlines()[0])["id"]
    head = revisions()[-1]
    bad_json = b'{"format": "readiness-backup/1", "counts": {'  # 44 characters: a name is missing at char 44
    return [
        ("count off by one", _broken(good, tmp / "count.zip", manifest=_bump("answers")),
         f"table answers holds {counts['answers']} rows, the manifest says {counts['answers'] + 1}"),
        ("manifest not JSON", _broken(good, tmp / "json.zip", raw_manifest=bad_json),
         "manifest.json is not valid JSON (Expecting property name enclosed in double quotes: line 1 column 45 "
         "(char 44))"),
        ("manifest missing keys", _broken(good, tmp / "keys.zip", manifest=_without("counts", "sha256")),
         "manifest.json lacks counts, sha256"),
        ("bad UTF-8", _broken(good, tmp / "utf8.zip", parts={"answers.jsonl": lambda d: d.replace(
            b'"indicator_id": "', b'"indicator_id": "\xff', 3).replace(b'"indicator_id": "\xff', b'"indicator_id": "', 2)}),
         "table answers, line 3: not UTF-8 text"),
        ("bad date", _broken(good, tmp / "date.zip", parts={"cycles.jsonl": _line(1, _set(opens_on="2021-02-30"))}),
         "table cycles, line 1: opens_on = 2021-02-30 is not a date (YYYY-MM-DD)"),
        ("duplicate key", _broken(good, tmp / "dup.zip", manifest=_bump("agencies"),
                                  parts={"agencies.jsonl": lambda d: d + d.splitlines(keepends=True)[0]}),
         f"table agencies, line {counts['agencies'] + 1}: id = {first_agency} repeats an earlier row"),
        ("dangling foreign key", _broken(good, tmp / "fk.zip",
                                         parts={"answers.jsonl": _line(1, _set(response_id=999999))}),
         "table answers, line 1: response_id = 999999 names no row of responses"),
        ("wrong checksum", _broken(good, tmp / "sum.zip", fix_checksums=False,
                                   parts={"agencies.jsonl": lambda d: d.replace(b"Fictional", b"Fictitious")}),
         "table agencies in the backup is damaged (checksum mismatch)"),
        ("newer schema revision", _broken(good, tmp / "rev.zip", manifest=lambda m: m.update(revision="0099")),
         f"the backup is of schema 0099, which this application does not know (it is at {head}); restore it with "
         "the version that made it"),
        ("wrong type", _broken(good, tmp / "type.zip", parts={"agencies.jsonl": _line(2, _set(is_demo="yes"))}),
         "table agencies, line 2: is_demo = yes is not true or false"),
        ("unknown column", _broken(good, tmp / "col.zip", parts={"responses.jsonl": _line(1, _set(hacked=1))}),
         "table responses, line 1: there is no column hacked"),
        ("missing required value", _broken(good, tmp / "req.zip",
                                           parts={"responses.jsonl": _line(2, _set(agency_id=None))}),
         "table responses, line 2: agency_id is required"),
        ("not a zip", _text(tmp / "notes.zip", "hello"), "not a readable backup file (BadZipFile: File is not a zip file)"),
        ("no such file", tmp / "missing.zip", "there is no file missing.zip"),
    ]


def _text(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_every_broken_backup_is_refused_with_its_reason_and_changes_nothing(
        source: Engine, any_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each broken copy of a good backup is refused by `python -m data restore` with exit status 2 and its
    reason, and every table of the database (its audit log, the open cycle's draft and answers included) is row
    for row as before. Before the fix, a count off by one was noticed only after the replacement was
    committed, and the malformed files ended in tracebacks."""
    good = tmp_path / "good.zip"
    backup(source, good)
    _open_2569(any_engine)
    before = table_dumps(any_engine)
    assert before["audit_log"] and any(r for r in before["responses"] if r[1] == 2569)
    monkeypatch.setattr("data.__main__.make_engine", lambda: any_engine)
    for case, file, reason in _cases(good, tmp_path):
        assert data_cli(["restore", str(file)]) == 2, case
        assert table_dumps(any_engine) == before, case
        assert capsys.readouterr().err == f"Restore refused, nothing changed: {reason}\n", case
    assert data_cli(["restore", str(tmp_path / "missing.zip"), "--lang", "th"]) == 2
    assert capsys.readouterr().err == "ไม่กู้คืนข้อมูล ไม่มีข้อมูลใดถูกเปลี่ยน: ไม่พบไฟล์ missing.zip\n"
    assert data_cli(["restore", str(good)]) == 0  # the good one does restore
    assert json.loads(capsys.readouterr().out)["agencies"] == 43


def test_a_zip_bomb_or_an_oversized_backup_is_refused_before_it_is_unpacked(source: Engine, tmp_path: Path) -> None:
    """A part of 8 MiB of newlines deflates to about 8 KiB: a ratio near 1,000, over survey.files.MAX_RATIO (200),
    while real table files compress 16-22 times (the 320-agency demo). A limit on the unpacked size refuses a
    backup whose parts add up to more than it, from the zip's directory alone."""
    good = tmp_path / "good.zip"
    backup(source, good)
    bomb = _broken(good, tmp_path / "bomb.zip", parts={"audit_log.jsonl": lambda d: b"\n" * (8 * 1024 * 1024)})
    info = zipfile.ZipFile(bomb).getinfo("audit_log.jsonl")
    ratio = info.file_size // info.compress_size
    assert ratio > 200
    with pytest.raises(BackupError) as refused:
        read_manifest(bomb)
    assert refused.value.reason.en == f"part audit_log.jsonl of the backup expands {ratio} times, far beyond real " \
                                      "data, and may be harmful"
    total = sum(i.file_size for i in zipfile.ZipFile(good).infolist())
    with pytest.raises(BackupError) as refused:
        read_manifest(good, max_unzipped=total - 1)
    assert refused.value.reason.en == f"the backup would unpack to {total // 1024**2} MB, more than the " \
                                      f"{(total - 1) // 1024**2} MB allowed"
    extra = tmp_path / "extra.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(extra, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
        zout.writestr("../../etc/cron.d/evil", b"* * * * * root true\n")
    with pytest.raises(BackupError) as refused:
        read_manifest(extra)
    assert refused.value.reason.en == "the backup holds an unexpected part ../../etc/cron.d/evil"


def test_a_restore_the_database_refuses_halfway_is_rolled_back_whole(source: Engine, any_engine: Engine,
                                                                      tmp_path: Path) -> None:
    """The database fails while the answers are inserted, after every table was emptied and the earlier ones
    refilled: the one transaction is rolled back and every table is as before."""
    good = tmp_path / "good.zip"
    backup(source, good)
    _open_2569(any_engine)
    before = table_dumps(any_engine)

    def fail_on_answers(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("INSERT INTO answers"):
            raise OperationalError(statement[:30], {}, Exception("disk I/O error"))

    event.listen(any_engine, "before_cursor_execute", fail_on_answers)
    try:
        with pytest.raises(BackupError) as refused:
            restore(any_engine, good)
    finally:
        event.remove(any_engine, "before_cursor_execute", fail_on_answers)
    assert refused.value.message("en") == ("Restore refused, nothing changed: the database refused the restored rows "
                                           "(disk I/O error) and the whole restore was rolled back")
    assert table_dumps(any_engine) == before


def test_a_restore_whose_commit_fails_says_the_outcome_is_unknown(source: Engine, sqlite_engine: Engine,
                                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Once the commit has been sent, "nothing changed" cannot be said: the command says the database holds
    one whole state or the other, and exits with status 3."""
    good = tmp_path / "good.zip"
    backup(source, good)

    replaced: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("DELETE FROM"):
            replaced.append(statement)

    def fail(conn: object) -> None:
        if replaced:  # the restore's own commit, not the migration's before it
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(sqlite_engine, "before_cursor_execute", note)
    event.listen(sqlite_engine, "commit", fail)
    monkeypatch.setattr("data.__main__.make_engine", lambda: sqlite_engine)
    try:
        assert data_cli(["restore", str(good)]) == 3
    finally:
        event.remove(sqlite_engine, "commit", fail)
        event.remove(sqlite_engine, "before_cursor_execute", note)
    assert capsys.readouterr().err == (
        "The database failed while committing the restore (server closed the connection unexpectedly): it holds "
        "either the old contents or the restored ones, whole; check which before going on.\n")
