"""The executive workbook's download: scope choice; a small one built on click, a large one as a job."""

from __future__ import annotations

from functools import partial

import streamlit as st

from pages._auth import in_session
from pages._jobs import exports_section
from pages._session import cached, read
from survey.i18n import t
from usecases import runtime
from usecases.access import AccessDenied, Principal, can_export_summary
from usecases.exports import (
    XLSX,
    executive_workbook,
    record_workbook_export,
    runs_as_job,
    start_workbook_export,
    workbook_file_name,
)
from usecases.views.overview import ministry_names


def workbook_bytes(year: int, lang: str, ministry: str | None) -> bytes:
    """Return the executive workbook (the download button's deferred data; runs outside the page script)."""
    data: bytes = read(executive_workbook, year, lang, ministry)
    return data


def workbook_download(principal: Principal, year: int, lang: str) -> None:
    """Offer planners and executives the executive workbook of `year`, nationally or for one ministry.

    A large one (`usecases.exports.runs_as_job`: the whole country, or a big cycle) is prepared as a job
    and downloaded from the exports section when ready; a small one is built when its button is pressed.
    """
    if not can_export_summary(principal):
        return
    names = cached(ministry_names)
    scope = st.selectbox(t("wb_scope", lang), [None, *names["ministry_id"].tolist()], key="workbook_scope",
                         format_func=lambda m: t("wb_scope_nation", lang) if m is None else
                         names.set_index("ministry_id").loc[m, f"name_{lang}"], placeholder=t("choose_option", lang))
    file_name = workbook_file_name(year, lang, scope)
    if not cached(runs_as_job, year, scope):
        st.download_button(t("wb_download", lang), partial(workbook_bytes, year, lang, scope), file_name=file_name,
                           mime=XLSX, on_click=in_session, args=(record_workbook_export, principal, year, lang, scope),
                           icon=":material/download:")
        return
    st.caption(t("wb_job_help", lang))
    if st.button(t("wb_prepare", lang), key="workbook_prepare", icon=":material/hourglass_top:"):
        try:
            job = start_workbook_export(runtime.engine(), principal, year, lang, scope)
        except AccessDenied as exc:
            st.error(exc.message(lang))
        else:
            st.info(t("job_started", lang).format(id=job))
    exports_section(principal, lang)
