"""Uploading a filled workbook: what it would change and its problems by cell, then apply on request."""

from __future__ import annotations

import streamlit as st

from pages._form import RELOAD
from pages._pickers import problem_rows
from pages._session import call, flash, labelled
from survey.files import MAX_BYTES
from survey.i18n import t
from usecases import import_reports, respond
from usecases.access import Principal


def upload_section(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Upload a filled workbook: show what it would change and its problems by cell, then apply it on request."""
    file = st.file_uploader(t("upload_workbook", lang), type=["xlsx"], key="respond_upload")
    st.caption(t("upload_limits", lang).format(mb=MAX_BYTES // 2**20))
    if file is None:
        return
    data = file.getvalue()
    check = call(respond.upload, principal, agency_id, cycle_year, data, lang=lang)
    if check.message is not None:
        (st.info if check.accepted else st.error)(check.message.get(lang))
    if not check.diff.empty:
        st.caption(t("upload_changes", lang))
        st.dataframe(labelled(import_reports.change_table(check.diff, lang), lang), hide_index=True)
    if check.problems:
        st.dataframe(problem_rows(check.problems, lang), hide_index=True)
    if check.accepted and st.button(t("apply_upload", lang), key="apply_upload"):
        applied = call(respond.upload, principal, agency_id, cycle_year, data, dry_run=False, lang=lang)
        if applied.accepted:
            flash("success", applied.message.get(lang) if applied.message else t("done", lang))
            st.session_state[RELOAD] = True
            st.rerun()
        st.error(applied.message.get(lang) if applied.message else t("access_denied", lang))
