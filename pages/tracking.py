"""Response tracking: per cycle who is expected, where each agency stands, deadlines and lateness; CSV."""

import streamlit as st

from pages import _pickers as P
from pages import _session as S
from pages._auth import page_principal
from pages._session import current_lang
from survey.i18n import fmt_number, t
from usecases import tracking

lang = current_lang()
principal = page_principal("tracking")
st.title(t("tracking", lang))
cycle = P.cycle_picker(S.call(tracking.cycles, principal, lang=lang), lang, "tracking_cycle")
frame = S.call(tracking.tracking, principal, cycle, lang=lang)
summary = tracking.tracking_summary(frame)
keys = ["expected", "not_started", "draft", "submitted", "returned", "approved", "locked", "late"]
for col, key in zip(st.columns(len(keys)), keys, strict=True):
    col.metric(t(key, lang) if key in ("expected", "late") else P.status_label(key, lang), fmt_number(summary[key], lang))
S.show_rows(P.table(frame, lang), lang)
st.download_button(t("download_tracking", lang), S.deferred(tracking.tracking_csv, principal, cycle),
                   file_name=f"tracking-{cycle}.csv", mime="text/csv", key="tracking_csv", on_click="ignore")
