"""The self-assessment form's widgets: each dimension's questions, evidence and last cycle's answers, and the
services table; their values live under the keys `pages._form` loads and saves."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages._form import EDITOR_N, SOURCE, save_services
from pages._pickers import show_problems
from survey import answers as shown_answers
from survey.catalogue import Dimension, Indicator, default_catalogue
from survey.i18n import t
from survey.validation import AnswerInput, Problem
from usecases import respond
from usecases.access import Principal


def _widget(ind: Indicator, lang: str, disabled: bool) -> None:
    label, key, cat = f"{ind.id} {ind.question.get(lang)}", f"ans_{ind.id}", default_catalogue()
    common: dict[str, Any] = {"key": key, "help": ind.help.get(lang) or None, "disabled": disabled}
    if ind.type == "yes_no":
        st.radio(label, [1, 0], format_func=lambda v: shown_answers.shown(ind, v, lang), horizontal=True, **common)
    elif ind.type == "stage":
        st.selectbox(label, [lv.value for lv in cat.stages], format_func=lambda v: shown_answers.shown(ind, v, lang), **common)
    elif ind.type == "multi_choice":
        st.multiselect(label, shown_answers.choice_options(ind), format_func=lambda o: shown_answers.choice_label(ind, o, lang),
                       **common)
    elif ind.type == "count":
        st.number_input(label, step=1, **common)
    else:
        st.number_input(label, step=0.5, format="%.2f", **common)


def section(principal: Principal, dim: Dimension, form: respond.Form, problems: list[Problem], done: tuple[int, int],
            lang: str, disabled: bool) -> None:
    """Draw one dimension: its progress, the services table when it has one, then each question with help,
    evidence, last cycle's answer and its problems."""
    st.progress(done[0] / done[1] if done[1] else 1.0, text=t("answered_of", lang).format(done=done[0], total=done[1]))
    if any(i.type == "service_inventory" for i in dim.indicators):
        st.header(t("my_services_title", lang))
        services_editor(principal, form, problems, lang, disabled)
    for ind in dim.indicators:
        if not ind.entered:
            continue
        with st.container(border=True):
            _widget(ind, lang, disabled)
            before = form.previous.get(ind.id, AnswerInput()).value
            st.caption(f"{t('last_cycle', lang)}: {shown_answers.shown(ind, before, lang)}")
            st.text_input(t("evidence", lang), key=f"ev_{ind.id}", disabled=disabled)
            show_problems([p for p in problems if p.field == ind.id and p.row is None], lang)


def services_editor(principal: Principal, form: respond.Form, problems: list[Problem], lang: str,
                    disabled: bool) -> None:
    cat = default_catalogue()
    cols = {"name": st.column_config.TextColumn(t("col_name", lang), required=True),
            "digital_level": st.column_config.SelectboxColumn(
                t("col_digital_level", lang), options=[lv.value for lv in cat.digital_levels],
                format_func=lambda v: f"{v} - {cat.digital_level_label(int(v), lang)}", required=True, default=0),
            "annual_volume": st.column_config.NumberColumn(t("col_annual_volume", lang), min_value=0, step=1),
            "code": st.column_config.TextColumn(t("col_code", lang))}
    cols |= {f: st.column_config.CheckboxColumn(t(f"col_{f}", lang), default=f == "paper_required")
             for f in respond.SERVICE_COLUMNS[3:]}
    st.caption(t("services_help", lang))
    st.data_editor(st.session_state[SOURCE], key=f"services_{st.session_state[EDITOR_N]}", num_rows="dynamic",
                   column_config=cols, hide_index=True, disabled=disabled, width="stretch",
                   on_change=save_services, args=(principal, form.agency_id, form.cycle_year, lang))
    show_problems([p for p in problems if p.row is not None or p.field == "SVC.01"], lang)
