"""Ministries: ranked by readiness with Monte Carlo rank intervals, and a ministry x dimension heatmap."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, show_table, styled
from pages._session import cached, current_lang
from survey.i18n import fmt_percent_text, t
from usecases.views.common import filter_options
from usecases.views.ministries import ministries_view

lang = current_lang()
principal = page_principal("ministries")
st.title(t("ministries", lang))
demo_banner(lang)
year, _, agency_type = filter_bar(lang, cached(filter_options, lang), ministry=False)
view = cached(ministries_view, principal, year, agency_type, lang)
freshness(view.last_updated, lang)
if not view.has_data:
    empty_state(lang)

st.header(t("ranked_table", lang))
st.caption(t("rank_note", lang).format(draws=view.draws, stable=fmt_percent_text(100 * view.stable_pair_share, lang, 0)))
show_table(view.table, lang, principal, f"ministries_{year}")

heat = view.heatmap
fig = go.Figure(go.Heatmap(z=heat.to_numpy(), x=list(heat.columns), y=list(heat.index), zmin=0, zmax=100,
                           colorscale="RdYlGn", colorbar={"title": {"text": t("score_0_100", lang)}},
                           texttemplate="%{z:.0f}",
                           hovertemplate="%{y}<br>%{x}: %{z:.1f}<extra></extra>"))
fig.update_yaxes(autorange="reversed")
fig.update_xaxes(tickangle=-30)
styled(fig, t("heatmap_title", lang), t("col_dimension", lang), t("filter_ministry", lang), height=max(420, 28 * len(heat) + 200))
