"""Long work with progress kept in the database, so a user can leave the page and find it finished.

`run_job` runs a function in a background thread; the function reports progress through the
`Progress` callback it is given, which writes to the `jobs` table (throttled). Pages draw a
progress bar from `job_status`; the command line prints one through `cli_progress`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.models import Job, utcnow


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobStatus:
    id: int
    kind: str
    status: str  # running, finished, failed
    done: int
    total: int
    message: str | None
    result: Any
    error: str | None

    @property
    def fraction(self) -> float:
        if self.status == "finished":  # also work that never reported a total
            return 1.0
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)


def create_job(engine: Engine, kind: str, actor: str, total: int = 0) -> int:
    with Session(engine) as s:
        job = Job(kind=kind, created_by=actor, total=total, done=0, status="running")
        s.add(job)
        s.commit()
        return job.id


def db_progress(engine: Engine, job_id: int, min_interval: float = 0.5) -> Progress:
    """Return a progress callback that writes to the job row at most every `min_interval` seconds."""
    last = [0.0]

    def report(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < min_interval and done < total:
            return
        last[0] = now
        with Session(engine) as s:
            job = s.get(Job, job_id)
            if job is not None:
                job.done, job.total, job.message = done, total, message
                s.commit()

    return report


def finish_job(engine: Engine, job_id: int, result: Any = None, error: str | None = None) -> None:
    with Session(engine) as s:
        job = s.get(Job, job_id)
        if job is None:
            return
        job.status = "failed" if error else "finished"
        job.error = error
        job.result = json.dumps(result, ensure_ascii=False, default=str) if result is not None else None
        if not error:
            job.done = max(job.done, job.total)
        job.finished_at = utcnow()
        s.commit()


def run_job(engine: Engine, kind: str, actor: str, work: Callable[[Progress], Any],
            background: bool = True) -> int:
    """Start `work(progress)` as a job; return its id at once (or after it ends, when not in background)."""
    job_id = create_job(engine, kind, actor)
    start_job(engine, job_id, work, background)
    return job_id


def start_job(engine: Engine, job_id: int, work: Callable[[Progress], Any], background: bool = True) -> None:
    """Run `work(progress)` for a job made by `create_job` (for work that needs its job's id), recording the end."""
    progress = db_progress(engine, job_id)

    def target() -> None:
        try:
            result = work(progress)
        except Exception as exc:  # the job records any failure for the user to read
            finish_job(engine, job_id, error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        else:
            finish_job(engine, job_id, result=result)

    if background:
        threading.Thread(target=target, name=f"job-{job_id}", daemon=True).start()
    else:
        target()


def job_status(session: Session, job_id: int) -> JobStatus | None:
    job = session.get(Job, job_id)
    if job is None:
        return None
    return JobStatus(job.id, job.kind, job.status, job.done, job.total, job.message,
                     json.loads(job.result) if job.result else None, job.error)


def recent_jobs(session: Session, actor: str | None = None, limit: int = 20) -> list[JobStatus]:
    stmt = select(Job.id).order_by(Job.id.desc()).limit(limit)
    if actor is not None:
        stmt = stmt.where(Job.created_by == actor)
    return [s for s in (job_status(session, i) for i in session.scalars(stmt)) if s is not None]


def cli_progress(stream: TextIO = sys.stderr, width: int = 30) -> Progress:
    """Return a progress callback that draws a text progress bar on a terminal."""

    def report(done: int, total: int, message: str = "") -> None:
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        bar = "#" * int(frac * width)
        stream.write(f"\r[{bar:<{width}}] {done}/{total} {message[:40]:<40}")
        if total and done >= total:
            stream.write("\n")
        stream.flush()

    return report
