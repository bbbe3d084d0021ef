"""Access log (administrators): sign-ins, failed sign-ins, exports and role changes."""

import datetime as dt

import streamlit as st

from pages._auth import page_principal
from pages._session import current_lang, labelled
from survey import clock
from survey.i18n import t
from usecases import tables
from usecases.access import ACCESS_ACTIONS, access_log
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("audit")
st.title(t("access_log", lang))

cols = st.columns(3)
actions = cols[0].multiselect(t("action", lang), sorted(ACCESS_ACTIONS), format_func=lambda a: t(f"action_{a}", lang),
                              placeholder=t("all_actions", lang), key="log_actions")
since = cols[1].date_input(t("since", lang), value=clock.today() - dt.timedelta(days=30), key="log_since")
until = cols[2].date_input(t("until", lang), value=clock.today(), key="log_until")
start = dt.datetime.combine(since, dt.time(), tzinfo=clock.BANGKOK)
end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=clock.BANGKOK)
with transaction() as session:
    log = access_log(session, principal, actions=actions or None, since=start, until=end)
shown = tables.audit_table(log[["at", "actor", "channel", "action", "agency_id", "detail"]], lang)
st.dataframe(labelled(shown, lang), hide_index=True, width="stretch")
