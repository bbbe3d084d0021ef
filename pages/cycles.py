"""Survey cycles (administrators): open a cycle from last year's frame, edit the frame, extend deadlines, close."""

import streamlit as st

from pages import _cycle_open as CO
from pages._auth import page_principal
from pages._session import act, current_lang, labelled, show_rows
from survey import clock
from survey.i18n import fmt_date, fmt_year, t
from usecases import administration, tables
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("cycles")
st.title(t("cycles", lang))
CO.notice(principal, lang)
with transaction() as session:
    table = administration.cycles_table(session, principal)
    agencies = administration.agencies_table(session, principal)
    proposal = administration.proposed_cycle(session, principal)
years = [int(y) for y in table["cycle_year"]]
year_label = lambda y: fmt_year(y, lang)  # noqa: E731
shown = tables.readable(table.assign(cycle_year=[year_label(y) for y in years]), lang, {"status": "cycle_status"})
show_rows(labelled(shown, lang), lang)
active = agencies[agencies["active"]]
names = dict(zip(agencies["agency_id"], agencies["name_th" if lang == "th" else "name_en"], strict=True))
agency_label = lambda a: f"{a} {names.get(a, '')}"  # noqa: E731

open_tab, frame_tab, deadline_tab, close_tab = st.tabs([t("open_cycle", lang), t("edit_frame", lang),
                                                        t("extend_deadline", lang), t("close_cycle", lang)])
with open_tab:
    CO.open_form(principal, proposal, years, agencies, lang)

chosen = st.sidebar.selectbox(t("cycle", lang), years, format_func=year_label, key="cycle_chosen", placeholder=t("choose_option", lang)) if years else None
with frame_tab:
    if chosen is not None:
        with transaction() as session:
            frame = administration.frame_table(session, principal, chosen)
        st.caption(t("frame_size", lang).format(n=len(frame), year=year_label(chosen)))
        show_rows(labelled(tables.readable(frame, lang), lang), lang, height=240)
        add = st.multiselect(t("frame_add", lang), active["agency_id"].tolist(), format_func=agency_label, key="fr_add", placeholder=t("choose_options", lang))
        remove = st.multiselect(t("frame_remove", lang), frame["agency_id"].tolist(), format_func=agency_label,
                                key="fr_remove", placeholder=t("choose_options", lang))
        if st.button(t("save_frame", lang), key="frame_submit"):
            act(administration.set_frame, principal, chosen, add, remove, rerun=True,
                done=t("frame_saved", lang).format(year=year_label(chosen)))

with deadline_tab:
    if chosen is not None:
        new_date = st.date_input(t("new_deadline", lang), clock.today(), key="dl_date", format="DD/MM/YYYY")
        agency = st.selectbox(t("one_agency_optional", lang), agencies["agency_id"].tolist(), index=None,
                              format_func=agency_label, placeholder=t("whole_cycle", lang), key="dl_agency")
        st.caption(fmt_date(new_date, lang))
        moved = t("deadline_moved_agency" if agency else "deadline_moved", lang).format(
            year=year_label(chosen), date=fmt_date(new_date, lang), agency=agency_label(agency) if agency else "")
        if st.button(t("extend_deadline", lang), key="dl_submit"):
            act(administration.extend_deadline, principal, chosen, new_date, agency, rerun=True, done=moved)

with close_tab:
    if chosen is not None:
        st.caption(t("close_cycle_help", lang).format(year=year_label(chosen)))
        if st.button(t("close_cycle", lang), key="close_submit", type="primary"):
            act(administration.close_cycle, principal, chosen, rerun=True,
                done=t("cycle_closed_done", lang).format(year=year_label(chosen)))
