"""The key services table of the form, in a fragment: a cell's change is saved at once (only what changed) and
reruns the table alone, so the page around it does not redraw while the respondent types the next cell."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages import _form as F
from pages._pickers import show_problems
from pages._session import show_flash
from survey.catalogue import default_catalogue
from survey.i18n import fmt_number, t
from usecases import form as form_state
from usecases import respond
from usecases.access import Principal

_WHOLE_PAGE = "respond_services_page_rerun"  # the table's save needs the whole page redrawn


def _header_stale(form: respond.Form) -> bool:
    """True when a save since `form` was loaded changed what the page's header shows: the status, or the note
    that last cycle's services are saved with the next change (the table's fragment alone does not redraw it)."""
    state = st.session_state
    return state[F.STATUS] != form.status or bool(form.suggested_services and not form.services and state[F.SAVED])


def _save(principal: Principal, form: respond.Form, lang: str) -> None:
    """The table's callback: save its change at once; a refusal, a conflict, or a save that changed the page's
    header (the first save: the status, the pre-filled note) is shown by the whole page, once."""
    if not F.autosave(principal, form.agency_id, form.cycle_year, lang) or _header_stale(form):
        st.session_state[_WHOLE_PAGE] = True


def _columns(lang: str) -> dict[str, Any]:
    cat = default_catalogue()
    cols: dict[str, Any] = {
        "name": st.column_config.TextColumn(t("col_name", lang), required=True, width=320),
        "digital_level": st.column_config.SelectboxColumn(
            t("col_digital_level", lang), options=[lv.value for lv in cat.digital_levels], width=230,
            format_func=lambda v: f"{v} - {cat.digital_level_label(int(v), lang)}", required=True, default=0),
        "annual_volume": st.column_config.NumberColumn(t("col_annual_volume", lang), min_value=0, step=1, width=140),
        "code": st.column_config.TextColumn(t("col_code", lang), width=110)}
    return cols | {f: st.column_config.CheckboxColumn(t(f"col_{f}", lang), default=f == "paper_required", width=110)
                   for f in respond.SERVICE_COLUMNS[3:]}


@st.fragment
def services_editor(principal: Principal, form: respond.Form, problems: form_state.TabProblems, lang: str,
                    disabled: bool) -> None:
    """The key services: fixed column widths and one key for the whole visit, so Tab and Enter move from cell
    to cell while each change is saved; the rows as typed live in `F.SERVICES` (kept across pages)."""
    if st.session_state.pop(_WHOLE_PAGE, False):
        st.rerun(scope="app")
    show_flash()  # the toast of the table's own save
    st.caption(t("services_help", lang))
    if form.suggested_services and not form.services:
        st.info(t("services_prefilled", lang).format(n=fmt_number(len(form.suggested_services), lang)))
    st.data_editor(st.session_state[F.SOURCE], key=F.editor_key(), num_rows="dynamic", column_config=_columns(lang),
                   hide_index=True, disabled=disabled, width="stretch", placeholder="", on_change=_save,
                   args=(principal, form, lang))
    show_problems(problems.services, lang)
