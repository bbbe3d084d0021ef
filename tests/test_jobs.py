"""Long work runs in the background with its progress in the database, and is found finished later; a job whose
worker died is marked failed, not left running for ever."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.models import Job, User, utcnow
from survey.catalogue import default_catalogue
from tests.conftest import ROOT, add_user, dead_pid, engine_url, job_ended
from usecases import exports, jobs, sessions
from usecases.access import AccessDenied
from usecases.demo import DemoSpec, seed_demo
from usecases.jobs import Progress, cli_progress, job_status, recent_jobs, recover, run_job, worker_id


def test_background_job_reports_progress_and_result(sqlite_engine: Engine) -> None:
    gate = threading.Event()

    def work(progress: Progress) -> dict[str, int]:
        progress(3, 10, "imported 3 files")
        gate.wait(10)
        for i in range(4, 11):
            progress(i, 10, f"file {i}")
        return {"accepted": 9, "rejected": 1}

    job_id = run_job(sqlite_engine, "import", "planner", work)
    deadline = time.monotonic() + 10
    while True:
        with Session(sqlite_engine) as s:
            st = job_status(s, job_id)
        if st is not None and st.done == 3:
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert st.status == "running" and st.fraction == 0.3 and st.message == "imported 3 files"
    gate.set()
    assert job_ended(sqlite_engine, job_id, timeout=20).status == "finished"
    with Session(sqlite_engine) as s:
        done = job_status(s, job_id)
        assert done is not None and done.result == {"accepted": 9, "rejected": 1} and done.fraction == 1.0
        assert [j.id for j in recent_jobs(s, "planner")] == [job_id]
        assert recent_jobs(s, "someone else") == []


def test_a_failing_job_is_recorded_as_failed(sqlite_engine: Engine) -> None:
    def work(progress: Progress) -> None:
        progress(1, 2)
        raise ValueError("row 7: not a number")

    job_id = run_job(sqlite_engine, "import", "planner", work, background=False)
    with Session(sqlite_engine) as s:
        st = job_status(s, job_id)
    assert st is not None and st.status == "failed" and "row 7: not a number" in (st.error or "")


def test_cli_progress_bar() -> None:
    out = io.StringIO()
    bar = cli_progress(out, width=10)
    bar(5, 10, "half")
    bar(10, 10, "done")
    text = out.getvalue()
    assert "[#####     ] 5/10 half" in text
    assert text.endswith("\n") and "[##########] 10/10 done" in text


# --- Jobs outlive the process that ran them (issue 14) ------------------------------------------------------

def _job(engine: Engine, worker: str | None, beat_age: float | None, started_age: float = 0, **values: Any) -> int:
    now = utcnow()
    with Session(engine) as s:
        job = Job(kind="import", created_by="planner", status="running", done=1, total=4, worker=worker,
                  last_beat_at=None if beat_age is None else now - dt.timedelta(seconds=beat_age),
                  started_at=now - dt.timedelta(seconds=started_age), **values)
        s.add(job)
        s.commit()
        return job.id


def test_a_job_whose_worker_is_gone_is_marked_failed_when_jobs_are_listed(any_engine: Engine) -> None:
    """STALE_SECONDS is 60: a heartbeat 61 s old is stale, one 59 s old is not. A worker of this host whose
    process is gone, or an earlier process that had this one's id (another token), is gone at once, whatever
    its heartbeat; another host's worker is judged by its heartbeat alone. A row from before heartbeats
    (no worker, no beat) is judged by its start, here 2 hours ago."""
    assert jobs.STALE_SECONDS == 60
    host = socket.gethostname()
    ids = {
        "this process, stale": _job(any_engine, worker_id(), 61),
        "this process, beating": _job(any_engine, worker_id(), 59),
        "dead process of this host": _job(any_engine, f"{host}:{dead_pid()}:a1b2c3d4e5f6", 0),
        "earlier process with this id": _job(any_engine, f"{host}:{os.getpid()}:000000000000", 0),
        "another host, beating": _job(any_engine, "elsewhere:1:a1b2c3d4e5f6", 30),
        "another host, stale": _job(any_engine, "elsewhere:1:a1b2c3d4e5f6", 61),
        "before heartbeats": _job(any_engine, None, None, started_age=7200),
    }
    with Session(any_engine) as s:
        listed = {j.id: (j.status, j.error) for j in recent_jobs(s, "planner")}
        s.commit()
    failed = ("failed", jobs.ABANDONED)
    assert {case: listed[i] for case, i in ids.items()} == {
        "this process, stale": failed, "this process, beating": ("running", None),
        "dead process of this host": failed, "earlier process with this id": failed,
        "another host, beating": ("running", None), "another host, stale": failed, "before heartbeats": failed}
    with Session(any_engine) as s:  # recorded, with the moment it was noticed
        stored = s.get_one(Job, ids["dead process of this host"])
        assert stored.status == "failed" and stored.error == jobs.ABANDONED and stored.finished_at is not None
        still = job_status(s, ids["this process, beating"])
        assert still is not None and still.status == "running" and not still.abandoned


def test_the_heartbeat_moves_while_the_work_runs_without_reporting(sqlite_engine: Engine,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With a beat every 0.05 s, work that reports nothing for 0.5 s still moves its heartbeat several times."""
    monkeypatch.setattr(jobs, "BEAT_SECONDS", 0.05)
    gate = threading.Event()
    job_id = run_job(sqlite_engine, "import", "planner", lambda progress: gate.wait(10))
    beats = set()
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        with Session(sqlite_engine) as s:
            beats.add(s.get_one(Job, job_id).last_beat_at)
        time.sleep(0.02)
    gate.set()
    assert job_ended(sqlite_engine, job_id).status == "finished"
    assert len(beats) >= 3


CHILD = """
import sys, time
from data.db import make_engine
from usecases.jobs import create_job, start_job
engine = make_engine(sys.argv[1])
job = create_job(engine, "export", "planner1", params={"workbook": {"year": 2568, "lang": "en", "ministry": None}})
def work(progress):
    progress(1, 4, "export_step_read")
    time.sleep(600)
start_job(engine, job, work, background=False)
"""


def test_an_export_killed_with_its_server_is_failed_at_the_next_start_and_can_be_tried_again(
        any_engine: Engine) -> None:
    """A server process runs an export job and is killed (SIGKILL) in the middle of it. Before, the job stayed
    "running" for ever and its page polled every two seconds. Now the next start (`recover`) marks it failed,
    the exports section no longer polls, and its Retry starts the same export again, which finishes."""
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=6, years=(2568,)))
    url = engine_url(any_engine)
    add_user(url, "planner1", [("planner", None)])
    server = subprocess.Popen([sys.executable, "-c", CHILD, url], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with Session(any_engine) as s:
                job = s.scalars(select(Job)).first()
                if job is not None and job.done == 1:
                    break
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.05)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
    with Session(any_engine) as s:
        assert s.get_one(Job, job.id).status == "running"  # what a killed worker leaves behind
        planner = sessions.load_principal(s, s.scalars(select(User.id)).one())
    assert planner is not None
    assert recover(any_engine) == [job.id]
    with Session(any_engine) as s:
        [mine] = exports.my_exports(s, planner)
        assert mine.job.status == "failed" and mine.job.abandoned and mine.retryable and not mine.ready
        assert not exports.any_running([mine])  # the section draws without a refresh timer
    again = exports.retry_export(any_engine, planner, job.id, background=False)
    with Session(any_engine) as s:
        newest, failed = exports.my_exports(s, planner)
        assert (newest.job.id, newest.job.status, newest.ready) == (again, "finished", True)
        assert newest.file_name == "readiness_2025_national_en.xlsx" and failed.job.id == job.id
    with pytest.raises(AccessDenied):  # only a failed job of one's own starts again
        exports.retry_export(any_engine, planner, again)
