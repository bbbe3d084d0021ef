"""The jobs sections: recent long work with its progress, and the user's exports with their downloads."""

import streamlit as st

from pages._session import deferred, read
from survey.i18n import TEXTS, t
from usecases import exports, runtime
from usecases.access import AccessDenied, Principal
from usecases.jobs import ABANDONED, JobStatus, recent_jobs

#: Seconds between refreshes of the exports section while one of its jobs runs.
REFRESH_SECONDS = 2.0


def _said(text: str | None, lang: str) -> str | None:
    """Return what a job reports in the reader's language when it is a text key, else its first line."""
    if not text:
        return None
    return t(text, lang) if text in TEXTS else text.splitlines()[0]


def _line(job: JobStatus, lang: str) -> str:
    """Return a job's progress line; steps reported as text keys are shown in the reader's language."""
    text = f"#{job.id} {t('job_' + job.kind, lang)}: {t('job_status_' + job.status, lang)} ({job.done}/{job.total})"
    message = _said(job.message, lang)
    return f"{text} {message}" if message else text


def jobs_section(principal: Principal, lang: str) -> None:
    st.header(t("jobs", lang))
    jobs = read(recent_jobs, principal.username, limit=10)
    if not jobs:
        st.caption(t("no_jobs", lang))
    for job in jobs:
        st.progress(job.fraction, text=_line(job, lang))
        if job.error:
            st.error(_said(job.error, lang))
        elif job.status == "finished" and job.result is not None:
            with st.expander(t("job_result", lang)):
                st.json(job.result)
    st.button(t("refresh", lang), key="jobs_refresh")


def exports_section(principal: Principal, lang: str) -> None:
    """Draw the user's latest exports; while one runs, the section refreshes itself until it ends."""
    running = exports.any_running(read(exports.my_exports, principal))
    st.fragment(_exports, run_every=REFRESH_SECONDS if running else None)(principal, lang, running)


def _exports(principal: Principal, lang: str, was_running: bool) -> None:
    mine = read(exports.my_exports, principal)
    if not mine:
        return
    if was_running and not exports.any_running(mine):
        st.rerun()  # the last one ended: draw the page again, without the timer
    st.header(t("my_exports", lang))
    for export in mine:
        job = export.job
        if job.status == "failed":
            why = f" {t(ABANDONED, lang)}" if job.abandoned else ""
            st.error(t("export_failed", lang).format(id=job.id) + why, icon=":material/error:")
            if export.retryable and st.button(t("export_retry", lang), key=f"export_retry_{job.id}",
                                              icon=":material/refresh:"):
                _retry(principal, job.id, lang)
        elif export.ready:
            st.download_button(t("export_download", lang).format(name=export.file_name),
                               deferred(exports.download, principal, job.id), file_name=export.file_name,
                               mime=export.media_type, key=f"export_{job.id}", on_click="ignore",
                               icon=":material/download:")
        elif job.status == "finished":
            key = "export_not_allowed" if export.file_name else "export_gone"
            st.warning(t(key, lang).format(id=job.id, days=exports.KEEP_DAYS))
        else:
            st.progress(job.fraction, text=_line(job, lang))


def _retry(principal: Principal, job_id: int, lang: str) -> None:
    try:
        exports.retry_export(runtime.engine(), principal, job_id)
    except AccessDenied as exc:
        st.error(exc.message(lang))
    else:
        st.rerun()  # the whole page, so the section polls again while the new job runs
