"""History: an agency's audit trail (who, when, field, old and new value, channel), with CSV export."""

import streamlit as st

from pages import _pickers as P
from pages import _session as S
from pages._auth import page_principal
from pages._session import current_lang, labelled
from survey.i18n import t
from usecases import tables, tracking

lang = current_lang()
principal = page_principal("history")
st.title(t("history", lang))
agency_id = P.agency_picker(dict(S.call(tracking.history_agencies, principal, lang=lang)), lang, "history_agency")
trail = S.call(tracking.history, principal, agency_id, lang=lang)
st.dataframe(labelled(tables.audit_table(trail, lang), lang), hide_index=True, width="stretch")
st.download_button(t("download_history", lang), S.deferred(tracking.history_csv, principal, agency_id),
                   file_name=f"history-{agency_id}.csv", mime="text/csv", key="history_csv", on_click="ignore")
