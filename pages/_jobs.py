"""The jobs section: recent long work with its progress, found finished after leaving the page."""

import streamlit as st

from data.access import Principal
from data.db import session_scope
from data.jobs import recent_jobs
from pages._shared import engine
from survey.i18n import t


def jobs_section(principal: Principal, lang: str) -> None:
    st.subheader(t("jobs", lang))
    with session_scope(engine()) as session:
        jobs = recent_jobs(session, principal.username, limit=10)
    if not jobs:
        st.caption(t("no_jobs", lang))
    for job in jobs:
        text = f"#{job.id} {t('job_' + job.kind, lang)}: {t('job_status_' + job.status, lang)} ({job.done}/{job.total})"
        st.progress(job.fraction, text=f"{text} {job.message}" if job.message else text)
        if job.error:
            st.error(job.error.splitlines()[0])
        elif job.status == "finished" and job.result is not None:
            with st.expander(t("job_result", lang)):
                st.json(job.result)
    st.button(t("refresh", lang), key="jobs_refresh")
