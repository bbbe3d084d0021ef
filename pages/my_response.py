"""My response (respondents): the agency's self-assessment for an open cycle or a returned response, drafts,
submission, Excel."""

from typing import Any, cast

import streamlit as st

from pages import _form as F
from pages import _pickers as P
from pages import _questions as Q
from pages import _session as S
from pages import _upload as U
from pages._auth import page_principal
from pages._session import current_lang
from survey.catalogue import default_catalogue
from survey.i18n import fmt_date, fmt_number, t
from usecases import form as form_state
from usecases import respond, review

lang = current_lang()
principal = page_principal("my_response")
st.title(t("my_response", lang))
agency_id = P.agency_picker(dict(S.call(respond.my_agencies, principal, lang=lang)), lang, "respond_agency")
cycle = P.my_cycle_picker(S.call(respond.my_cycles, principal, agency_id, lang=lang), lang)
form = F.load(principal, agency_id, cycle, lang)
editable = form.editable
args = (principal, agency_id, cycle, lang)

cols = st.columns(3)
cols[0].metric(t("status", lang), P.status_label(form.status, lang))
cols[1].metric(t("deadline", lang), fmt_date(form.deadline, lang))
S.show_flash()
if form.status in respond.EDITABLE and not form.accepts_changes:
    st.warning(t("cycle_closed", lang), icon=":material/lock:")
elif not editable:
    st.info(t("not_editable_now", lang))
if not form.comments.empty:
    st.header(t("reviewer_comments", lang))
    for note in review.comment_notes(form.comments, lang):
        st.warning(f"**{note.label}**: {note.comment}")

conflict = st.session_state.get(F.CONFLICT)
if conflict is not None:
    st.header(t("conflict_title", lang))
    st.dataframe([{t("col_field", lang): i.field, t("col_new_value", lang): i.theirs, t("col_actor", lang): i.changed_by,
                   t("answers", lang): i.yours} for i in conflict.items], hide_index=True)
    keep, drop = st.columns(2)
    keep.button(t("conflict_keep", lang), key="conflict_keep", on_click=F.save_over, args=args)
    drop.button(t("conflict_discard", lang), key="conflict_discard", on_click=F.discard)

catalogue = default_catalogue()
answers, services = F.typed_answers(), F.typed_services()
problems = S.call(respond.check, principal, agency_id, cycle, answers, services,
                  bool(st.session_state.get(F.SUBMITTING)), lang=lang)
tabs, done = form_state.form_tabs(problems, lang), respond.progress(answers, services)
if st.session_state.get(F.SUBMITTING) and tabs.errors:
    st.error(t("submit_blocked", lang).format(n=fmt_number(tabs.errors, lang), tabs=", ".join(tabs.marked)))
st.session_state[F.TAB_BAR] = tabs.label(st.session_state.get(F.TAB))
drawn = st.tabs(list(tabs.labels.values()), default=st.session_state[F.TAB_BAR], key=F.TAB_BAR, on_change=F.keep_tab,
               args=(tabs,))
for dim, tab in zip(catalogue.dimensions, drawn, strict=True):
    with tab:
        Q.section(principal, dim, form, tabs.problems[dim.id], done[dim.id], lang, not editable)

left, right = st.columns(2)
left.button(t("save_draft", lang), key="save_draft", on_click=cast(Any, F.save), args=args, disabled=not editable)
right.button(t("submit", lang), key="submit", type="primary", on_click=F.submit, args=args, disabled=not editable)

with st.expander(t("excel_title", lang)):
    for code in ("th", "en"):
        st.download_button(f"{t('download_workbook', lang)} ({code.upper()})",
                           S.deferred(respond.workbook, principal, agency_id, cycle, code),
                           file_name=f"{agency_id}-{cycle}-{code}.xlsx", key=f"workbook_{code}", on_click="ignore")
    if editable:
        U.upload_section(principal, agency_id, cycle, lang)
