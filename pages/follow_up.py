"""Follow-up (administrators, planners, coordinators for their ministry): agencies not yet submitted, for reminders."""

import streamlit as st

from pages._auth import in_session, page_principal
from pages._session import current_lang, labelled, show_rows
from survey.i18n import fmt_number, fmt_year, t
from usecases import tables
from usecases.follow_up import cycle_years, follow_up_csv, follow_up_workbook, late_agencies, record_follow_up_export
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("follow_up")
st.title(t("follow_up", lang))
with transaction() as session:
    years = cycle_years(session)
if not years:
    st.info(t("no_cycles", lang))
    st.stop()
year = st.selectbox(t("cycle", lang), years, format_func=lambda y: fmt_year(y, lang), key="fu_year", placeholder=t("choose_option", lang))
with transaction() as session:
    late = late_agencies(session, principal, year)
cols = st.columns(2)
cols[0].metric(t("not_submitted", lang), fmt_number(len(late), lang))
cols[1].metric(t("past_deadline", lang), fmt_number(int(late["late"].sum()), lang))
show_rows(labelled(tables.readable(late, lang), lang), lang)
ids = late["agency_id"].tolist()
name = f"follow_up_{fmt_year(year, lang)}"
cols = st.columns(2)
cols[0].download_button(t("download_csv", lang), follow_up_csv(late, lang), file_name=f"{name}.csv", mime="text/csv",
                        on_click=in_session, args=(record_follow_up_export, principal, year, f"{name}.csv", ids),
                        key="fu_csv")
cols[1].download_button(t("download_xlsx", lang), follow_up_workbook(late, lang, year), file_name=f"{name}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click=in_session,
                        args=(record_follow_up_export, principal, year, f"{name}.xlsx", ids), key="fu_xlsx")
