"""Backup and restore move the whole database between backends, and analytics stay identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from analytics.trajectory import national_series
from data import repository
from data.backup import BackupError, backup, read_manifest, restore
from data.models import Agency, ExportFile, Job, Service, User
from survey.catalogue import default_catalogue
from tests.conftest import ROOT, sqlite_engine_at
from usecases.demo import DemoSpec, seed_demo


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
