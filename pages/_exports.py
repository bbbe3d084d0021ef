"""The executive workbook's download: scope choice, deferred build, audited click."""

from __future__ import annotations

from functools import partial

import streamlit as st

from data.access import Principal, can_export_summary
from data.reports import ministry_names
from pages._auth import record_export
from pages._shared import cached, workbook_bytes
from survey.i18n import fmt_year, t


def workbook_download(principal: Principal, year: int, lang: str) -> None:
    """Offer planners and executives the executive workbook of `year`, nationally or for one ministry."""
    if not can_export_summary(principal):
        return
    names = cached(ministry_names)
    scope = st.selectbox(t("wb_scope", lang), [None, *names["ministry_id"].tolist()], key="workbook_scope",
                         format_func=lambda m: t("wb_scope_nation", lang) if m is None else
                         names.set_index("ministry_id").loc[m, f"name_{lang}"])
    file_name = f"readiness_{fmt_year(year, lang)}_{scope or 'national'}_{lang}.xlsx"
    st.download_button(t("wb_download", lang), partial(workbook_bytes, year, lang, scope), file_name=file_name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click=record_export, args=(principal, file_name), icon=":material/download:")
