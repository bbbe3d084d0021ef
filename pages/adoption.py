"""Adoption: standards, central platforms and shared services, nationally and by ministry, with who has not adopted."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, show_table, styled
from pages._session import cached, current_lang
from survey.i18n import t
from usecases.views.adoption import adoption_view
from usecases.views.common import filter_options

lang = current_lang()
principal = page_principal("adoption")
st.title(t("adoption", lang))
demo_banner(lang)
year, ministry, agency_type = filter_bar(lang, cached(filter_options, lang))
view = cached(adoption_view, principal, year, ministry, agency_type, lang)
freshness(view.last_updated, lang)
if not view.has_data:
    empty_state(lang)

nat = view.national.iloc[::-1]
fig = go.Figure(go.Bar(x=nat["rate"], y=nat["item"], orientation="h", customdata=nat[["kind", "adopted", "agencies"]],
                       text=[f"{r:.0f} %" for r in nat["rate"]],
                       hovertemplate="%{y} (%{customdata[0]})<br>%{x:.1f} %: %{customdata[1]} / %{customdata[2]}"
                                     "<extra></extra>"))
fig.update_xaxes(range=[0, 100])
styled(fig, t("adoption_national", lang), t("col_rate", lang), None, height=max(420, 24 * len(nat) + 120))
show_table(view.national, lang, principal, f"adoption_{year}")

heat = view.heatmap
if not heat.empty:
    fig = go.Figure(go.Heatmap(z=heat.to_numpy(), x=list(heat.columns), y=list(heat.index), zmin=0, zmax=100,
                               colorscale="RdYlGn", texttemplate="%{z:.0f}",
                               colorbar={"title": {"text": "%"}},
                               hovertemplate="%{y}<br>%{x}: %{z:.1f} %<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-40)
    styled(fig, t("adoption_heatmap", lang), t("filter_ministry", lang), None, height=max(520, 26 * len(heat) + 260))

st.header(t("non_adopters", lang))
show_table(view.non_adopters, lang, principal, f"non_adopters_{year}",
           sorted(set(view.non_adopters["agency_id"])) if not view.non_adopters.empty else [], height=400)
