"""Large exports as jobs (data/exports.py): the whole-country workbook built in the background, downloaded by its owner."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from benchmarks.workbook_floor import workbook_cells
from data.db import make_engine, session_scope
from data.models import Agency, AuditEntry, ExportFile, Job, User, UserRole, utcnow
from survey.catalogue import default_catalogue
from tests.conftest import add_user, dead_pid, job_ended, signed_in_app, sqlite_engine_at
from usecases import exports, sessions
from usecases.access import AccessDenied, Principal
from usecases.demo import DemoSpec, seed_demo
from usecases.exports import WORKBOOK_STEPS, executive_workbook
from usecases.jobs import Progress, job_status, recent_jobs

YEAR = 2568
NATIONAL = "readiness_2025_national_en.xlsx"


@pytest.fixture
def engine(app_on_demo: Path) -> Iterator[Engine]:
    """A private copy of the demo database (320 agencies, B.E. 2564-2568); the app points at it too."""
    eng = make_engine(f"sqlite:///{app_on_demo}")
    yield eng
    eng.dispose()


def person(engine: Engine, roles: list[tuple[str, str | None]], name: str) -> Principal:
    add_user(str(engine.url), name, roles)
    with session_scope(engine) as s:
        user_id = s.scalar(select(User.id).where(User.username == name))
        principal = sessions.load_principal(s, int(user_id or 0))
    assert principal is not None
    return principal


def exports_logged(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "export")
                         .order_by(AuditEntry.id)).all()
    return [(a, d or "") for a, d in rows]


def small(session: object, progress: Progress) -> bytes:
    progress(0, 2, "export_step_write")
    return b"PK\x03\x04 a small file"


def test_the_whole_country_workbook_runs_as_a_job_and_matches_the_immediate_one(engine: Engine) -> None:
    planner = person(engine, [("planner", None)], "planner1")
    with session_scope(engine) as s:
        assert exports.runs_as_job(s, YEAR, None) and not exports.runs_as_job(s, YEAR, "MDES")  # 320 <= 500
        assert exports.frame_size(s, YEAR) == 320
    job_id = exports.start_workbook_export(engine, planner, YEAR, "en")  # in a background thread
    assert exports_logged(engine) == []  # checked at start, recorded at download
    assert job_ended(engine, job_id).status == "finished"
    with session_scope(engine) as s:
        status = job_status(s, job_id)
        assert status is not None and status.fraction == 1.0 and status.done == status.total == 4
        assert status.result == {"file_name": NATIONAL, "bytes": s.get_one(ExportFile, job_id).size}
        [mine] = exports.my_exports(s, planner)
        assert mine.ready and mine.file_name == NATIONAL and mine.job.id == job_id
        made = exports.download(s, planner, job_id)
        immediate = executive_workbook(s, YEAR, "en")
    assert workbook_cells(made) == workbook_cells(immediate)
    assert exports_logged(engine) == [("planner1", f"{NATIONAL} (summary)")]


def test_the_workbook_reports_its_steps(tmp_path: Path) -> None:
    """executive_workbook names each step as it begins, leaving the last of 4 for the job to store the file."""
    heard: list[tuple[int, int, str]] = []
    eng = sqlite_engine_at(tmp_path / "small.sqlite3")
    seed_demo(eng, default_catalogue(), DemoSpec(agencies=20, provincial=0))
    with session_scope(eng) as s:
        executive_workbook(s, YEAR, "th", draws=10, progress=lambda d, t, m="": heard.append((d, t, m)))
    eng.dispose()
    assert heard == [(0, 4, "export_step_read"), (1, 4, "export_step_compute"), (2, 4, "export_step_write")]
    assert tuple(m for _, _, m in heard) == WORKBOOK_STEPS


def test_a_ministry_workbook_runs_as_a_job_only_above_the_threshold(engine: Engine,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "JOB_THRESHOLD_AGENCIES", 319)
    with session_scope(engine) as s:
        assert exports.runs_as_job(s, YEAR, "MDES") and exports.runs_as_job(s, 2025, "MDES")
        assert exports.workbook_file_name(YEAR, "th", "MDES") == "readiness_2568_MDES_th.xlsx"


@pytest.mark.parametrize("roles", [[("respondent", "D0001")], [("coordinator", "MDES")], [("administrator", None)]])
def test_a_user_without_export_rights_cannot_start_an_export(engine: Engine, roles: list[tuple[str, str | None]]) -> None:
    someone = person(engine, roles, "someone")
    with pytest.raises(AccessDenied) as denied:
        exports.start_workbook_export(engine, someone, YEAR, "en", background=False)
    assert denied.value.key == "export_denied"
    with session_scope(engine) as s:
        assert recent_jobs(s, "someone") == [] and s.scalars(select(ExportFile)).all() == []


def test_the_download_checks_the_rights_again(engine: Engine) -> None:
    planner = person(engine, [("planner", None)], "planner1")
    job_id = exports.start_export(engine, planner, small, "small.xlsx", background=False)
    with session_scope(engine) as s:  # the planner role is taken away after the job started
        s.execute(delete(UserRole).where(UserRole.user_id == planner.user_id))
        demoted = sessions.load_principal(s, planner.user_id)
    assert demoted is not None
    with session_scope(engine) as s:
        [mine] = exports.my_exports(s, demoted)
        assert mine.job.status == "finished" and mine.file_name == "small.xlsx" and not mine.ready
        with pytest.raises(AccessDenied) as denied:
            exports.download(s, demoted, job_id)
    assert denied.value.key == "export_denied" and exports_logged(engine) == []


def test_another_user_cannot_download_someone_elses_export(engine: Engine) -> None:
    owner = person(engine, [("planner", None)], "owner")
    other = person(engine, [("planner", None), ("administrator", None)], "other")
    job_id = exports.start_export(engine, owner, small, "small.xlsx", background=False)
    with session_scope(engine) as s:
        assert exports.my_exports(s, other) == []
        for job in (job_id, job_id + 1):  # someone else's file, and none: the same refusal
            with pytest.raises(AccessDenied) as denied:
                exports.download(s, other, job)
            assert denied.value.key == "access_denied"
        assert exports.download(s, owner, job_id) == b"PK\x03\x04 a small file"
    assert exports_logged(engine) == [("owner", "small.xlsx (summary)")]


def test_an_export_of_agency_rows_is_checked_against_those_agencies(engine: Engine) -> None:
    coordinator = person(engine, [("coordinator", "MDES")], "coord")
    with session_scope(engine) as s:
        mine = list(s.scalars(select(Agency.id).where(Agency.ministry_id == "MDES")))
        theirs = s.scalar(select(Agency.id).where(Agency.ministry_id != "MDES"))
    job_id = exports.start_export(engine, coordinator, small, "mdes.csv", agency_ids=mine, media_type="text/csv",
                                  background=False)
    with pytest.raises(AccessDenied):
        exports.start_export(engine, coordinator, small, "x.csv", agency_ids=[*mine, str(theirs)], background=False)
    with session_scope(engine) as s:
        assert exports.download(s, coordinator, job_id).startswith(b"PK")
    assert exports_logged(engine) == [("coord", f"mdes.csv ({len(mine)} agencies)")]


def test_a_failed_export_is_recorded_and_offers_nothing(engine: Engine) -> None:
    planner = person(engine, [("planner", None)], "planner1")

    def broken(session: object, progress: Progress) -> bytes:
        progress(1, 4, "export_step_compute")
        raise MemoryError("out of memory while writing")

    job_id = exports.start_export(engine, planner, broken, "big.xlsx", background=False)
    with session_scope(engine) as s:
        [mine] = exports.my_exports(s, planner)
        assert mine.job.status == "failed" and "out of memory" in (mine.job.error or "") and not mine.ready
        with pytest.raises(AccessDenied):
            exports.download(s, planner, job_id)


def _labels(at: object, kind: str) -> list[str]:
    return [b.proto.label for b in at.get(kind)]  # type: ignore[attr-defined]


def test_the_overview_prepares_the_national_workbook_as_a_job_and_offers_it_when_ready(app_on_demo: Path,
                                                                                     engine: Engine) -> None:
    at = signed_in_app(app_on_demo, [("planner", None)], "en", username="planner1").run()
    assert "Prepare the executive Excel workbook" in _labels(at, "button")
    assert "Download the executive Excel workbook" not in _labels(at, "download_button")
    at.button(key="workbook_prepare").click().run()
    assert not at.exception
    [started] = [i.value for i in at.info if "started" in i.value]
    job_id = int(started.split()[1])
    assert job_ended(engine, job_id).status == "finished"
    at.run()
    assert f"Download {NATIONAL}" in _labels(at, "download_button")
    at.selectbox(key="workbook_scope").set_value("MDES").run()  # a ministry of a 320-agency cycle: immediate
    assert "Download the executive Excel workbook" in _labels(at, "download_button")


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_overview_says_when_an_export_failed(app_on_demo: Path, engine: Engine, lang: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr("usecases.exports.executive_workbook", broken)
    at = signed_in_app(app_on_demo, [("executive", None)], lang, username="exec1").run()
    at.button(key="workbook_prepare").click().run()
    with session_scope(engine) as s:
        [job] = recent_jobs(s, "exec1")
    assert job_ended(engine, job.id).status == "failed"
    at.run()
    expected = {"en": f"Export {job.id} could not be prepared, so there is no file to download.",
                "th": f"เตรียมไฟล์ส่งออกหมายเลข {job.id} ไม่สำเร็จ ไม่มีไฟล์ให้ดาวน์โหลด"}[lang]
    assert any(e.value.startswith(expected) for e in at.error)
    assert not [b for b in at.get("download_button") if b.proto.label.startswith(("Download readiness", "ดาวน์โหลด readiness"))]


def test_files_older_than_a_week_are_deleted_when_an_export_starts(engine: Engine) -> None:
    planner = person(engine, [("planner", None)], "planner1")
    old = exports.start_export(engine, planner, small, "old.xlsx", background=False)
    kept = exports.start_export(engine, planner, small, "kept.xlsx", background=False)
    with session_scope(engine) as s:
        now = s.get_one(ExportFile, old).created_at
        s.get_one(ExportFile, old).created_at = now - dt.timedelta(days=exports.KEEP_DAYS, minutes=1)
        s.get_one(ExportFile, kept).created_at = now - dt.timedelta(days=exports.KEEP_DAYS - 1)
    exports.start_export(engine, planner, small, "new.xlsx", background=False)
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(ExportFile.file_name))) == ["kept.xlsx", "new.xlsx"]
        gone = next(e for e in exports.my_exports(s, planner) if e.job.id == old)
        assert gone.job.status == "finished" and gone.file_name is None and not gone.ready


def test_the_overview_offers_to_try_again_an_export_whose_server_died(app_on_demo: Path, engine: Engine) -> None:
    """An export job left "running" by a server process that is gone is marked failed when the app starts; the
    exports section says why and offers "Try again", which prepares the workbook anew."""
    person(engine, [("planner", None)], "planner1")
    with session_scope(engine) as s:
        job = Job(kind="export", created_by="planner1", status="running", done=1, total=4,
                  worker=f"{socket.gethostname()}:{dead_pid()}:a1b2c3d4e5f6", last_beat_at=utcnow(),
                  params=json.dumps({"workbook": {"year": YEAR, "lang": "en", "ministry": None}}))
        s.add(job)
        s.flush()
        dead = job.id
    at = signed_in_app(app_on_demo, [("planner", None)], "en", username="planner1b").run()
    assert not at.exception
    assert [e.value for e in at.error] == []  # planner1's job: nothing shown to planner1b, nothing listed ...
    with session_scope(engine) as s:
        assert s.get_one(Job, dead).status == "failed"  # ... so it was marked when the app started
        s.get_one(Job, dead).created_by = "planner1b"  # now show it to the signed-in user
    at.run()
    assert [e.value for e in at.error] == [
        f"Export {dead} could not be prepared, so there is no file to download. Please try again; if it fails again, "
        "tell the administrator this job number. This job stopped because the server running it stopped or "
        "restarted, so it was marked failed."]
    at.button(key=f"export_retry_{dead}").click().run()
    assert not at.exception
    with session_scope(engine) as s:
        [again] = [j for j in recent_jobs(s, "planner1b") if j.id != dead]
    assert job_ended(engine, again.id).status == "finished"
    at.run()
    assert f"Download {NATIONAL}" in _labels(at, "download_button")
