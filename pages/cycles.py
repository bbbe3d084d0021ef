"""Survey cycles (administrators): open a cycle from last year's frame, edit the frame, extend deadlines, close."""

import datetime as dt

import streamlit as st

from pages._auth import page_principal
from pages._session import act, current_lang, labelled
from survey import clock
from survey.catalogue import default_catalogue
from survey.i18n import fmt_year, t
from survey.versions import editions
from usecases import administration
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("cycles")
st.title(t("cycles", lang))
with transaction() as session:
    table = administration.cycles_table(session, principal)
    agencies = administration.agencies_table(session, principal)
years = [int(y) for y in table["cycle_year"]]
year_label = lambda y: fmt_year(y, lang)  # noqa: E731
shown = table.assign(cycle_year=[year_label(y) for y in years],
                     status=[t(f"cycle_status_{s}", lang) for s in table["status"]])
st.dataframe(labelled(shown, lang), hide_index=True, width="stretch")
active = agencies[agencies["active"]]
names = dict(zip(agencies["agency_id"], agencies["name_th" if lang == "th" else "name_en"], strict=True))
agency_label = lambda a: f"{a} {names.get(a, '')}"  # noqa: E731

open_tab, frame_tab, deadline_tab, close_tab = st.tabs([t("open_cycle", lang), t("edit_frame", lang),
                                                        t("extend_deadline", lang), t("close_cycle", lang)])
with open_tab, st.form("open_cycle_form"):
    next_year = (max(years) + 1) if years else 2569
    year = st.number_input(t("fiscal_year_any_era", lang), min_value=1900, max_value=2700,
                           value=int(fmt_year(next_year, lang)), key="open_year")
    cols = st.columns(2)
    opens = cols[0].date_input(t("opens_on", lang), clock.today(), key="open_opens")
    closes = cols[1].date_input(t("closes_on", lang), clock.today() + dt.timedelta(days=90), key="open_closes")
    versions = [e.version for e in reversed(editions())]
    version = st.selectbox(t("instrument_version", lang), versions, key="open_version",
                           index=versions.index(default_catalogue().version))
    source = st.selectbox(t("copy_frame_from", lang), years, format_func=year_label, index=0 if years else None,
                          key="open_source")
    add = st.multiselect(t("frame_add", lang), active["agency_id"].tolist(), format_func=agency_label, key="open_add")
    remove = st.multiselect(t("frame_remove", lang), agencies["agency_id"].tolist(), format_func=agency_label,
                            key="open_remove")
    if st.form_submit_button(t("open_cycle", lang), key="open_submit"):
        act(administration.open_cycle, principal, int(year), opens, closes, version, source, add, remove, rerun=True)

chosen = st.sidebar.selectbox(t("cycle", lang), years, format_func=year_label, key="cycle_chosen") if years else None
with frame_tab:
    if chosen is not None:
        with transaction() as session:
            frame = administration.frame_table(session, principal, chosen)
        st.caption(t("frame_size", lang).format(n=len(frame), year=year_label(chosen)))
        st.dataframe(labelled(frame, lang), hide_index=True, width="stretch", height=240)
        add = st.multiselect(t("frame_add", lang), active["agency_id"].tolist(), format_func=agency_label, key="fr_add")
        remove = st.multiselect(t("frame_remove", lang), frame["agency_id"].tolist(), format_func=agency_label,
                                key="fr_remove")
        if st.button(t("save_frame", lang), key="frame_submit"):
            act(administration.set_frame, principal, chosen, add, remove, rerun=True)

with deadline_tab:
    if chosen is not None:
        new_date = st.date_input(t("new_deadline", lang), clock.today(), key="dl_date")
        agency = st.selectbox(t("one_agency_optional", lang), agencies["agency_id"].tolist(), index=None,
                              format_func=agency_label, placeholder=t("whole_cycle", lang), key="dl_agency")
        if st.button(t("extend_deadline", lang), key="dl_submit"):
            act(administration.extend_deadline, principal, chosen, new_date, agency, rerun=True)

with close_tab:
    if chosen is not None:
        st.caption(t("close_cycle_help", lang).format(year=year_label(chosen)))
        if st.button(t("close_cycle", lang), key="close_submit", type="primary"):
            act(administration.close_cycle, principal, chosen, rerun=True)
