"""Long work with progress kept in the database, so a user can leave the page and find it finished.

`run_job` runs a function in a background thread; the function reports progress through the
`Progress` callback it is given, which writes to the `jobs` table (throttled). Pages draw a
progress bar from `job_status`; the command line prints one through `cli_progress`.

A job outlives the process that runs it only as a row: if the process dies (a restart, a crash, a
killed server), the work is lost. So that such a job does not stay "running" for ever, its row
names its worker (host, process id and a token new in every process) and carries a heartbeat,
moved every `BEAT_SECONDS` by a timer beside the work and by every progress report. A running
job is abandoned when its heartbeat is older than `STALE_SECONDS`, or at once when its worker
was a process of this host that is gone (or an earlier process that had this one's id).
`fail_abandoned` marks such jobs failed with the message `job_abandoned`; it runs when the app
starts (`recover`) and whenever jobs are listed or read. A task library was not worth it here:
the ones that keep jobs in a database without a broker serve either PostgreSQL (procrastinate)
or SQLite (huey), not both, and both backends are supported.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from data.db import session_scope
from data.models import Job, utcnow

#: Seconds between a running job's heartbeats.
BEAT_SECONDS = 10.0
#: A running job whose heartbeat is older than this (six missed beats) has lost its worker.
STALE_SECONDS = 60.0
#: The error recorded on a job whose worker is gone (a text key).
ABANDONED = "job_abandoned"

log = logging.getLogger(__name__)


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
    params: Any = None

    @property
    def fraction(self) -> float:
        if self.status == "finished":  # also work that never reported a total
            return 1.0
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    @property
    def abandoned(self) -> bool:
        """True when the job failed because its worker process is gone."""
        return self.status == "failed" and self.error == ABANDONED


@functools.cache
def _token() -> str:
    return uuid.uuid4().hex[:12]


def worker_id() -> str:
    """Return this process's name as a job's worker: `host:pid:token`, the token new in every process."""
    return f"{socket.gethostname()}:{os.getpid()}:{_token()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: it exists
        return True
    return True


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def worker_gone(worker: str | None, last_beat: dt.datetime, now: dt.datetime) -> bool:
    """True when a running job's worker is gone: its heartbeat is stale, or it was a process of this host that
    no longer runs (or an earlier process that had this one's id, as after a container restart)."""
    if (now - _aware(last_beat)).total_seconds() > STALE_SECONDS:
        return True
    host, _, rest = (worker or "").partition(":")
    pid_text, _, token = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another server's job: only its heartbeat tells
    pid = int(pid_text)
    if pid == os.getpid():
        return token != _token()
    return not _alive(pid)


def fail_abandoned(session: Session, ids: Collection[int] | None = None, now: dt.datetime | None = None) -> list[int]:
    """Mark failed (`ABANDONED`) each running job (of `ids`, default all) whose worker is gone; return their ids.

    The caller commits. A worker that was only late and still finishes records its end over this.
    """
    now = now or utcnow()
    stmt = select(Job.id, Job.worker, Job.last_beat_at, Job.started_at).where(Job.status == "running")
    if ids is not None:
        stmt = stmt.where(Job.id.in_(list(ids)))
    gone = [row.id for row in session.execute(stmt) if worker_gone(row.worker, row.last_beat_at or row.started_at, now)]
    if gone:
        session.execute(update(Job).where(Job.id.in_(gone), Job.status == "running")
                        .values(status="failed", error=ABANDONED, finished_at=now))
        log.warning("jobs %s lost their worker and were marked failed", gone)
    return gone


def recover(engine: Engine) -> list[int]:
    """Mark failed every job whose worker is gone (run when the app starts); return their ids."""
    with session_scope(engine) as session:
        return fail_abandoned(session)


def create_job(engine: Engine, kind: str, actor: str, total: int = 0, params: Any = None) -> int:
    """Record a running job owned by this process; `params` (JSON) is what starts it again."""
    with Session(engine) as s:
        job = Job(kind=kind, created_by=actor, total=total, done=0, status="running", worker=worker_id(),
                  last_beat_at=utcnow(), params=json.dumps(params) if params is not None else None)
        s.add(job)
        s.commit()
        return job.id


def _beat(engine: Engine, job_id: int, **values: Any) -> None:
    with Session(engine) as s:
        s.execute(update(Job).where(Job.id == job_id).values(last_beat_at=utcnow(), **values))
        s.commit()


def db_progress(engine: Engine, job_id: int, min_interval: float = 0.5) -> Progress:
    """Return a progress callback that writes to the job row (and its heartbeat) at most every `min_interval` s."""
    last = [0.0]

    def report(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < min_interval and done < total:
            return
        last[0] = now
        _beat(engine, job_id, done=done, total=total, message=message)

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
        job.finished_at = job.last_beat_at = utcnow()
        s.commit()


def run_job(engine: Engine, kind: str, actor: str, work: Callable[[Progress], Any],
            background: bool = True) -> int:
    """Start `work(progress)` as a job; return its id at once (or after it ends, when not in background)."""
    job_id = create_job(engine, kind, actor)
    start_job(engine, job_id, work, background)
    return job_id


def _heart(engine: Engine, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(BEAT_SECONDS):
        try:
            _beat(engine, job_id)
        except SQLAlchemyError as exc:  # the database is briefly away: the next beat tries again
            log.warning("job %s: heartbeat not written: %s", job_id, exc)


def start_job(engine: Engine, job_id: int, work: Callable[[Progress], Any], background: bool = True) -> None:
    """Run `work(progress)` for a job made by `create_job` (for work that needs its job's id), recording the end.

    A heartbeat timer runs beside the work until it ends, however it ends.
    """
    progress = db_progress(engine, job_id)

    def target() -> None:
        stop = threading.Event()
        _beat(engine, job_id, worker=worker_id())
        threading.Thread(target=_heart, args=(engine, job_id, stop), name=f"job-{job_id}-beat", daemon=True).start()
        try:
            result = work(progress)
        except Exception as exc:  # the job records any failure for the user to read
            finish_job(engine, job_id, error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        else:
            finish_job(engine, job_id, result=result)
        finally:
            stop.set()

    if background:
        threading.Thread(target=target, name=f"job-{job_id}", daemon=True).start()
    else:
        target()


def _status(job: Job) -> JobStatus:
    return JobStatus(job.id, job.kind, job.status, job.done, job.total, job.message,
                     json.loads(job.result) if job.result else None, job.error,
                     json.loads(job.params) if job.params else None)


def job_status(session: Session, job_id: int) -> JobStatus | None:
    """Return a job's status (a job whose worker is gone is marked failed first)."""
    fail_abandoned(session, [job_id])
    job = session.get(Job, job_id)
    return None if job is None else _status(job)


def recent_jobs(session: Session, actor: str | None = None, limit: int = 20) -> list[JobStatus]:
    """Return the latest jobs (of `actor`), newest first; running jobs whose worker is gone are marked failed first."""
    fail_abandoned(session)
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if actor is not None:
        stmt = stmt.where(Job.created_by == actor)
    return [_status(job) for job in session.scalars(stmt)]


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
