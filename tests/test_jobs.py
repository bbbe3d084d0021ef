"""Long work runs in the background with its progress in the database, and is found finished later."""

from __future__ import annotations

import io
import threading
import time

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import job_ended
from usecases.jobs import Progress, cli_progress, job_status, recent_jobs, run_job


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
