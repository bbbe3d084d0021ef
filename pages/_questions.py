"""The self-assessment form's widgets: each dimension's questions, evidence, comment and last cycle's answers, and
the services table; their values live under the keys `pages._form` loads, and each change is saved at once."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages import _form as F
from pages._pickers import show_problems
from pages._service_table import services_editor
from survey import answers as shown_answers
from survey.catalogue import Dimension, Indicator, default_catalogue
from survey.i18n import t
from survey.validation import AnswerInput
from usecases import form as form_state
from usecases import respond
from usecases.access import Principal


def _widget(ind: Indicator, lang: str, disabled: bool, save: dict[str, Any]) -> None:
    """Draw a question's widget; empty (None) until answered, so a cleared number stays unanswered."""
    label, key, cat = f"{ind.id} {ind.question.get(lang)}", f"ans_{ind.id}", default_catalogue()
    common: dict[str, Any] = {"key": key, "help": ind.help.get(lang) or None, "disabled": disabled, **save}
    shown: dict[str, Any] = {**common, "format_func": lambda v: shown_answers.shown(ind, v, lang)}
    if ind.type == "yes_no":
        st.radio(label, [1, 0], index=None, horizontal=True, **shown)
    elif ind.type == "stage":
        st.selectbox(label, [lv.value for lv in cat.stages], index=None, placeholder=t("choose_answer", lang), **shown)
    elif ind.type == "multi_choice":
        st.multiselect(label, shown_answers.choice_options(ind), placeholder=t("choose_answers", lang),
                       **{**common, "format_func": lambda o: shown_answers.choice_label(ind, o, lang)})
    elif ind.type == "count":
        st.number_input(label, value=None, step=1, placeholder=t("not_answered", lang), **common)
    else:
        st.number_input(label, value=None, step=0.5, format="%.2f", placeholder=t("not_answered", lang), **common)

def section(principal: Principal, dim: Dimension, form: respond.Form, problems: form_state.TabProblems,
            done: tuple[int, int], lang: str, disabled: bool) -> None:
    """Draw one dimension: its progress, its problems that belong to no question, the services table when it has
    one, then each question with help, evidence, last cycle's answer, the comment where one is asked, and its problems."""
    save: dict[str, Any] = {"on_change": F.autosave, "args": (principal, form.agency_id, form.cycle_year, lang)}
    st.progress(done[0] / done[1] if done[1] else 1.0, text=t("answered_of", lang).format(done=done[0], total=done[1]))
    show_problems(problems.other, lang)
    if any(i.type == "service_inventory" for i in dim.indicators):
        st.header(t("my_services_title", lang))
        services_editor(principal, form, problems, lang, disabled)
    for ind in dim.indicators:
        if not ind.entered:
            continue
        mine = problems.by_question.get(ind.id, [])
        with st.container(border=True):
            _widget(ind, lang, disabled, save)
            before = form.previous.get(ind.id, AnswerInput()).value
            st.caption(f"{t('last_cycle', lang)}: {shown_answers.shown(ind, before, lang)}")
            st.text_input(t("evidence", lang), key=f"ev_{ind.id}", disabled=disabled, **save)
            if any(p.code == "jump" for p in mine) or st.session_state[F.VALUES].get(f"cm_{ind.id}"):
                st.text_input(t("comment_explain", lang), key=f"cm_{ind.id}", disabled=disabled, **save)
            show_problems(mine, lang)

