"""Review (coordinators): the ministry's agencies' responses; return with comments, approve, lock, reopen."""

import streamlit as st

from pages import _pickers as P
from pages import _review_steps as RV
from pages import _session as S
from pages._auth import page_principal
from pages._session import current_lang
from survey.catalogue import default_catalogue
from survey.i18n import t
from usecases import review, tracking

lang = current_lang()
principal = page_principal("review")
st.title(t("review", lang))
cycle = P.cycle_picker(S.call(tracking.cycles, principal, lang=lang), lang, "review_cycle")
listing = S.call(review.review_list, principal, cycle, lang=lang)
S.show_rows(P.table(listing.drop(columns=["response_id"]), lang), lang)
choices = review.started(listing, lang)
if not choices:
    st.info(t("no_responses", lang))
    st.stop()
rid = st.selectbox(t("open_response", lang), list(choices), key="review_response",
                   format_func=lambda r: f"{choices[r][0]} ({P.status_label(choices[r][1], lang)})", placeholder=t("choose_option", lang))
view = S.call(review.review_view, principal, rid, lang, lang=lang)
S.show_flash()
st.metric(t("status", lang), P.status_label(view.status, lang))

st.header(t("answers", lang))
S.show_rows(P.table(view.answers, lang), lang)
st.header(t("my_services_title", lang))
S.show_rows(P.table(view.services, lang), lang)
if view.problems:
    st.header(t("problems", lang))
    S.show_rows(P.problem_rows(view.problems, lang), lang)
if not view.comments.empty:
    st.header(t("reviewer_comments", lang))
    S.show_rows(P.table(review.comments_table(view.comments, lang), lang), lang)

args = (principal, rid, view.version, lang)
with st.expander(t("return_with_comments", lang), expanded=view.status == "submitted"), st.form("review_return_form"):
    st.text_area(t("general_comment", lang), key="rc_")
    for ind in default_catalogue().entered_indicators():
        st.text_input(t("comment_on", lang).format(id=f"{ind.id} {ind.question.get(lang)}"), key=f"rc_{ind.id}")
    st.form_submit_button(t("return_with_comments", lang), key="review_return", on_click=RV.review,
                          args=("return", *args))
cols = st.columns(2)
cols[0].button(t("approve", lang), key="review_approve", on_click=RV.review, args=("approve", *args), type="primary")
cols[1].button(t("lock", lang), key="review_lock", on_click=RV.review, args=("lock", *args))
st.text_input(t("reopen_reason", lang), key="reopen_reason")
st.button(t("reopen", lang), key="review_reopen", on_click=RV.review, args=("reopen", *args))
