"""Gaps and priorities: where closing gaps moves the national figures most, which agencies, and the international crosswalk."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, show_table, styled
from pages._session import cached, current_lang
from survey.i18n import t
from usecases.views.common import filter_options
from usecases.views.gaps import gaps_view

lang = current_lang()
principal = page_principal("gaps")
st.title(t("gaps", lang))
demo_banner(lang)
year, ministry, agency_type = filter_bar(lang, cached(filter_options, lang))
view = cached(gaps_view, principal, year, ministry, agency_type, lang)
freshness(view.last_updated, lang)
if not view.has_data:
    empty_state(lang)

st.header(t("gains_title", lang))
top = view.indicators.head(12).iloc[::-1]
fig = go.Figure(go.Bar(x=top["gain"], y=top["indicator"], orientation="h", customdata=top[["dimension", "mean_score"]],
                       text=[f"{g:.2f}" for g in top["gain"]],
                       hovertemplate="%{y}<br>%{customdata[0]}<br>%{x:.2f} / %{customdata[1]:.1f}<extra></extra>"))
styled(fig, t("gains_title", lang), t("gains_axis", lang), None, height=520)
st.caption(t("gains_note", lang) + " · " + t("national_not_filtered", lang))
show_table(view.indicators, lang, principal, f"gaps_indicators_{year}")

st.header(t("online_agencies_title", lang))
show_table(view.online_agencies, lang, principal, f"gaps_online_{year}", view.online_agencies["agency_id"].tolist())
st.header(t("readiness_agencies_title", lang))
show_table(view.readiness_agencies, lang, principal, f"gaps_readiness_{year}",
           view.readiness_agencies["agency_id"].tolist())

st.header(t("crosswalk_title", lang))
cw = view.crosswalk
fig = go.Figure(go.Bar(x=cw["framework"] + " " + cw["dimension"], y=cw["mean_score"], customdata=cw["share_below"],
                       text=[f"{v:.0f}" for v in cw["mean_score"]],
                       hovertemplate="%{x}: %{y:.1f}<br>< 50: %{customdata:.1f} %<extra></extra>"))
fig.update_yaxes(range=[0, 100])
styled(fig, t("crosswalk_chart", lang), t("col_framework", lang), t("score_0_100", lang), height=380)
show_table(cw, lang, principal, f"gaps_crosswalk_{year}")
