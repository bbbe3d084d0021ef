"""Plan targets (planners, administrators): edit goals and milestones, checked like the file, with history."""

import streamlit as st

from pages._auth import page_principal
from pages._session import act, current_lang, labelled
from survey.i18n import fmt_year, t
from survey.targets import BASES
from usecases.runtime import transaction
from usecases.target_edits import TargetEdit, edit_target, effective_targets, shown_targets

lang = current_lang()
principal = page_principal("targets")
st.title(t("targets", lang))
st.caption(t("targets_help", lang))
with transaction() as session:
    table, changes = shown_targets(session, principal, lang)
    targets = {tg.id: tg for tg in effective_targets(session)}
st.dataframe(labelled(table, lang), hide_index=True, width="stretch")

target_id = st.selectbox(t("target", lang), list(targets), key="target_chosen",
                         placeholder=t("choose_option", lang))
if target_id is not None:
    tg = targets[target_id]
    year = lambda y: int(fmt_year(y, lang))  # noqa: E731
    with st.form(f"target_form_{target_id}"):
        basis = st.radio(t("basis", lang), BASES, index=BASES.index(tg.basis), horizontal=True,
                         format_func=lambda b: t(f"basis_{b}", lang), key=f"tg_basis_{target_id}")
        source = st.text_input(t("source", lang), tg.source.get(lang) if tg.source else "",
                               key=f"tg_source_{target_id}")
        cols = st.columns(2)
        note_th = cols[0].text_input(t("note_th", lang), tg.note.th if tg.note else "", key=f"tg_note_th_{target_id}")
        note_en = cols[1].text_input(t("note_en", lang), tg.note.en if tg.note else "", key=f"tg_note_en_{target_id}")
        baseline_year = cols[0].number_input(t("baseline_year", lang), value=year(tg.baseline_year), key=f"tg_by_{target_id}")
        baseline_value = cols[1].number_input(t("baseline_value", lang), value=tg.baseline_value, key=f"tg_bv_{target_id}")
        goal_year = cols[0].number_input(t("goal_year", lang), value=year(tg.goal_year), key=f"tg_gy_{target_id}")
        goal_value = cols[1].number_input(t("goal_value", lang), value=tg.goal_value, key=f"tg_gv_{target_id}")
        milestones = st.text_input(t("milestones", lang), key=f"tg_ms_{target_id}", help=t("milestones_help", lang),
                                   value=", ".join(f"{fmt_year(y, lang)}: {v:g}" for y, v in tg.milestones.items()))
        margin = st.number_input(t("at_risk_margin", lang), min_value=0.0, value=tg.at_risk_margin, key=f"tg_margin_{target_id}")
        if st.form_submit_button(t("save_target", lang), key="tg_submit"):
            edit = TargetEdit(basis=basis, source=source, note_th=note_th, note_en=note_en,
                              baseline_year=int(baseline_year), baseline_value=baseline_value,
                              goal_year=int(goal_year), goal_value=goal_value, milestones=milestones,
                              at_risk_margin=margin)
            act(edit_target, principal, target_id, edit, rerun=True)

st.header(t("target_history", lang))
st.dataframe(labelled(changes, lang), hide_index=True, width="stretch")
