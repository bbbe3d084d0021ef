"""Instrument versions (administrators, planners): editions, what changed between two, the lineage check, recompute."""

import streamlit as st

from pages._auth import page_principal
from pages._jobs import jobs_section
from pages._session import current_lang, labelled, show_rows
from survey.i18n import fmt_year, t
from survey.versions import CHANGES, compare, diff_rows, edition_summary, editions, lineage_check
from usecases import runtime
from usecases.follow_up import cycle_years
from usecases.recompute import start_recompute, start_uncertainty
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("instrument")
st.title(t("instrument", lang))
history = editions()
show_rows(labelled(edition_summary(history), lang), lang)
check = lineage_check(history)
if check.ok:
    st.success(t("lineage_ok", lang))
else:
    st.error(t("lineage_problems", lang) + "\n\n" + "\n".join(f"- {p}" for p in check.problems))

st.header(t("what_changed", lang))
versions = [e.version for e in history]
if len(versions) < 2:
    st.info(t("one_edition", lang).format(version=versions[0]))
else:
    cols = st.columns(2)
    old = cols[0].selectbox(t("old_version", lang), versions, index=len(versions) - 2, key="diff_old", placeholder=t("choose_option", lang))
    new = cols[1].selectbox(t("new_version", lang), versions, index=len(versions) - 1, key="diff_new", placeholder=t("choose_option", lang))
    by_version = {e.version: e for e in history}
    diff = compare(by_version[old], by_version[new])
    counts = st.columns(5)
    for col, change in zip(counts, CHANGES, strict=True):
        col.metric(t(f"change_{change}", lang), len(getattr(diff, change)))
    rows = diff_rows(diff)
    rows = rows.assign(change=[t(f"change_{c}", lang) for c in rows["change"]])
    show_rows(labelled(rows, lang), lang)
st.caption(t("versions_recorded", lang))

st.header(t("recompute", lang))
st.caption(t("recompute_help", lang))
if st.button(t("recompute_all", lang), key="recompute_all"):
    job = start_recompute(runtime.engine(), principal)
    st.info(t("job_started", lang).format(id=job))
with transaction() as session:
    years = cycle_years(session)
year = st.selectbox(t("cycle", lang), years, format_func=lambda y: fmt_year(y, lang), key="unc_year", placeholder=t("choose_option", lang))
if st.button(t("run_uncertainty", lang), key="run_uncertainty") and year is not None:
    job = start_uncertainty(runtime.engine(), principal, year)
    st.info(t("job_started", lang).format(id=job))
jobs_section(principal, lang)
