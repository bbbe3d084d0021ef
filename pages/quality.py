"""Data quality and response tracking: who is late, which quality flags to follow up, how complete the answers are."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, show_table, styled
from pages._session import cached, current_lang
from survey.i18n import fmt_number, t
from usecases.views.common import filter_options
from usecases.views.quality import quality_view

lang = current_lang()
principal = page_principal("quality")
st.title(t("data_quality", lang))
demo_banner(lang)
year, ministry, agency_type = filter_bar(lang, cached(filter_options, lang))
view = cached(quality_view, principal, year, ministry, agency_type, lang)
freshness(view.last_updated, lang)
if not view.has_frame:
    empty_state(lang)


def ids(frame):
    return sorted(set(frame["agency_id"])) if not frame.empty else []


st.header(t("tracking_title", lang))
keys = ["expected", "not_started", "draft", "submitted", "returned", "approved", "late"]
for col, key in zip(st.columns(len(keys)), keys, strict=True):
    col.metric(t(f"resp_{key}", lang), fmt_number(view.summary.get(key, 0), lang))
st.header(t("late_title", lang))
show_table(view.late, lang, principal, f"late_{year}", ids(view.late))

st.header(t("flags_title", lang))
if not view.flag_counts.empty:
    fc = view.flag_counts
    fig = go.Figure(go.Bar(x=fc["rule"] + " (" + fc["severity"] + ")", y=fc["flags"], text=fc["flags"],
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    styled(fig, t("flag_counts_chart", lang), t("col_rule", lang), t("col_flags", lang), height=340)
show_table(view.flags, lang, principal, f"quality_flags_{year}", ids(view.flags), height=400)

st.header(t("completeness_title", lang))
show_table(view.completeness, lang, principal, f"completeness_{year}", ids(view.completeness), height=400)
if not view.indicator_completeness.empty:
    st.header(t("indicator_completeness_title", lang))
    show_table(view.indicator_completeness, lang, principal, f"indicator_completeness_{year}")
st.header(t("tracking_title", lang))
show_table(view.tracking, lang, principal, f"tracking_{year}", ids(view.tracking), height=400)
