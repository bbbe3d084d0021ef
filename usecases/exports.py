"""Large exports as background jobs: started with a check, followed by a progress bar, downloaded by their owner.

Which exports are large (`runs_as_job`): the executive workbook of the whole country, always; and
an executive workbook of one ministry when the cycle's frame holds more than
`JOB_THRESHOLD_AGENCIES` agencies, because building any workbook scores every agency of the cycle
(with 1,000 Monte Carlo draws), so its time grows with the frame, not with the scope: about 3 s at
320 agencies, 14 s at 1,900 and 23 s at 8,000 (docs/PERFORMANCE.md: analytics, Monte Carlo and
workbook columns). Smaller workbooks stay immediate, and so do the other downloads (CSV tables,
tracking, history, follow-up), which hold the table their page has already drawn.

Rights are checked when the job starts (`access.check_export`, nothing recorded yet) and again
when the file is downloaded (`access.require_export`, which also records the export in the access
log, as an immediate download does). The file is kept in `export_files` with the id of the user who
started the job; nobody else can download it, whatever their role. Files older than `KEEP_DAYS`
are deleted when a new export starts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from data import repository
from data.db import session_scope
from data.models import ExportFile, FrameEntry, Job, utcnow
from survey import clock
from survey.catalogue import default_catalogue
from survey.years import display_year, to_be
from usecases import access
from usecases.access import AccessDenied, Principal
from usecases.jobs import JobStatus, Progress, create_job, job_status, recent_jobs, start_job
from usecases.target_edits import effective_targets
from usecases.views.results import cycle_rows

JOB_KIND = "export"
#: A workbook of a cycle whose frame is larger than this runs as a job (about 5 s of work at 500).
JOB_THRESHOLD_AGENCIES = 500
KEEP_DAYS = 7
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The last step of every export job, after the builder's own steps (which leave room for it).
STORE_STEP = "export_step_store"

Build = Callable[[Session, Progress], bytes]


def frame_size(session: Session, year: int) -> int:
    """Return how many agencies the cycle expects to answer."""
    stmt = select(func.count()).select_from(FrameEntry).where(FrameEntry.cycle_year == to_be(year))
    return int(session.scalar(stmt) or 0)


def runs_as_job(session: Session, year: int, ministry: str | None) -> bool:
    """True when the executive workbook of `year` for `ministry` (None: the whole country) is built as a job."""
    return ministry is None or frame_size(session, year) > JOB_THRESHOLD_AGENCIES


def workbook_file_name(year: int, lang: str, ministry: str | None) -> str:
    """Return the executive workbook's file name: year as the reader counts it, scope, language."""
    return f"readiness_{display_year(to_be(year), lang)}_{ministry or 'national'}_{lang}.xlsx"


def _forget_old(session: Session, now: dt.datetime) -> None:
    session.execute(delete(ExportFile).where(ExportFile.created_at < now - dt.timedelta(days=KEEP_DAYS)))


def start_export(engine: Engine, principal: Principal, build: Build, file_name: str, *,
                 agency_ids: Collection[str] | None = None, what: str | None = None, media_type: str = XLSX,
                 background: bool = True, params: dict[str, Any] | None = None) -> int:
    """Start `build(session, progress)` as an export job once the principal may export it; return the job's id.

    Raises `AccessDenied` (and starts nothing) when the principal may not export these data:
    `agency_ids` None is a summary, otherwise the agencies the file holds (`access.check_export`).
    The bytes built are kept for the principal alone; `what` (default: the file name) is what the
    access log records at download. `params` (JSON) lets `retry_export` start the same export again.
    """
    with session_scope(engine) as session:
        access.check_export(session, principal, agency_ids)
        _forget_old(session, utcnow())
    job_id = create_job(engine, JOB_KIND, principal.username, params=params)
    ids = None if agency_ids is None else json.dumps(sorted(set(agency_ids)))

    def work(progress: Progress) -> dict[str, object]:
        steps = [1]

        def relay(done: int, total: int, message: str = "") -> None:
            steps[0] = max(total, 1)
            progress(done, total, message)

        with session_scope(engine) as session:
            data = build(session, relay)
        progress(steps[0] - 1, steps[0], STORE_STEP)  # builders leave the last step for this
        with session_scope(engine) as session:
            session.add(ExportFile(job_id=job_id, owner_id=principal.user_id, file_name=file_name,
                                   media_type=media_type, what=what or file_name, agency_ids=ids, size=len(data),
                                   content=data))
        return {"file_name": file_name, "bytes": len(data)}

    start_job(engine, job_id, work, background)
    return job_id


def start_workbook_export(engine: Engine, principal: Principal, year: int, lang: str, ministry: str | None = None,
                          background: bool = True) -> int:
    """Start building the executive workbook (`executive_workbook`) as an export job; return its id."""
    year = to_be(year)

    def build(session: Session, progress: Progress) -> bytes:
        return executive_workbook(session, year, lang, ministry, progress=progress)

    return start_export(engine, principal, build, workbook_file_name(year, lang, ministry), background=background,
                        params={"workbook": {"year": year, "lang": lang, "ministry": ministry}})


def retry_export(engine: Engine, principal: Principal, job_id: int, background: bool = True) -> int:
    """Start again a failed export of the principal's (rights checked again); return the new job's id.

    Someone else's job, one that did not fail, or one that cannot be started again is `AccessDenied`.
    """
    with session_scope(engine) as session:
        job = job_status(session, job_id)
        owner = session.scalar(select(Job.created_by).where(Job.id == job_id))
    if job is None or owner != principal.username or job.kind != JOB_KIND or job.status != "failed" or \
            not isinstance(job.params, dict) or "workbook" not in job.params:
        raise AccessDenied()
    spec = job.params["workbook"]
    return start_workbook_export(engine, principal, int(spec["year"]), str(spec["lang"]), spec.get("ministry"),
                                 background=background)


@dataclass(frozen=True)
class ExportJob:
    """One of the user's export jobs: its progress, its file (None until made, or once deleted), and whether
    the user may still export what it holds."""

    job: JobStatus
    file_name: str | None
    media_type: str | None
    allowed: bool

    @property
    def ready(self) -> bool:
        """True when the file can be downloaded now."""
        return self.job.status == "finished" and self.file_name is not None and self.allowed

    @property
    def retryable(self) -> bool:
        """True when the export failed and can be started again (`retry_export`)."""
        return self.job.status == "failed" and isinstance(self.job.params, dict) and "workbook" in self.job.params


def any_running(exports: list[ExportJob]) -> bool:
    """True while one of these exports still runs (a page then refreshes itself; a job whose worker died
    is failed by then, so it never keeps a page polling)."""
    return any(e.job.status == "running" for e in exports)


def my_exports(session: Session, principal: Principal, limit: int = 5) -> list[ExportJob]:
    """Return the principal's latest export jobs, newest first, with the files that are theirs."""
    jobs = [j for j in recent_jobs(session, principal.username, limit=50) if j.kind == JOB_KIND][:limit]
    files = {f.job_id: f for f in session.scalars(select(ExportFile).where(
        ExportFile.job_id.in_([j.id for j in jobs]), ExportFile.owner_id == principal.user_id))}
    out = []
    for job in jobs:
        file = files.get(job.id)
        if file is None:
            out.append(ExportJob(job, None, None, False))
        else:
            out.append(ExportJob(job, file.file_name, file.media_type, _may_export(session, principal, file)))
    return out


def _scope(file: ExportFile) -> list[str] | None:
    return None if file.agency_ids is None else list(json.loads(file.agency_ids))


def _may_export(session: Session, principal: Principal, file: ExportFile) -> bool:
    try:
        access.check_export(session, principal, _scope(file))
    except AccessDenied:
        return False
    return True


def download(session: Session, principal: Principal, job_id: int) -> bytes:
    """Return an export job's file to the user who started it, after checking again that they may export it
    and recording the export in the access log. Anyone else, or a file that is gone, gets `AccessDenied`."""
    file = session.get(ExportFile, job_id)
    if file is None or file.owner_id != principal.user_id:
        raise AccessDenied()  # the same answer for someone else's file and for none: ids reveal nothing
    access.require_export(session, principal, file.what, _scope(file))
    return bytes(file.content)


#: The steps of building the executive workbook, as `progress` reports them (text keys; an export job adds a 4th).
WORKBOOK_STEPS = ("export_step_read", "export_step_compute", "export_step_write")



def executive_workbook(session: Session, year: int, lang: str, ministry: str | None = None,
                       draws: int = 1000, progress: Progress | None = None) -> bytes:
    """Return the executive Excel workbook of cycle `year` (B.E.) in `lang`, for the country or one ministry.

    Reads every cycle up to `year` (earlier ones feed changes and the trajectory), computes the
    cycle's results and hands them to `analytics.workbook.build_workbook`. The data date is the
    latest change to a response of the cycle. `progress` hears of each of `WORKBOOK_STEPS` as it begins.
    """
    from analytics.pipeline import cycle_results
    from analytics.workbook import late_or_missing
    from usecases.workbook.build import build_workbook

    def step(i: int) -> None:
        if progress is not None:
            progress(i, len(WORKBOOK_STEPS) + 1, WORKBOOK_STEPS[i])

    step(0)
    catalogue = default_catalogue()
    targets = effective_targets(session, catalogue)  # the file, with planners' edits over it
    cycles = repository.cycles(session)
    this = cycles[cycles["year_be"] == year]
    if this.empty:
        raise ValueError(f"no survey cycle {year} B.E. in the database; cycles: {sorted(cycles['year_be'].tolist())}")
    years = [int(y) for y in cycles["year_be"] if y <= year]
    rows = cycle_rows(session, years, catalogue, read=(year,))  # unchanged earlier cycles come from kept bases
    frame, responses = rows.frame, rows.responses
    step(1)
    with threadpool_limits(limits=1):
        results = cycle_results(year, frame, responses, rows.services, rows.answers, catalogue, targets, draws=draws,
                                bases=rows.bases)
    mine = responses[responses["cycle_year"] == year]
    data_date = clock.local_date(pd.Timestamp(mine["updated_at"].max()).to_pydatetime()) if not mine.empty else clock.today()
    closes_on = this["closes_on"].iloc[0]
    timeliness = late_or_missing(frame, responses, year, data_date, closes_on if pd.notna(closes_on) else None)
    step(2)
    return build_workbook(results, catalogue, targets, lang, ministry=ministry, agencies=repository.agencies(session),
                          ministries=repository.ministries(session), demo=repository.is_demo(session),
                          data_date=data_date, timeliness=timeliness)
