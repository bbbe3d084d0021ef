"""Agency profile: history per dimension, radar against peers, gaps and actions, services, submission health."""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, keep_param, kept_param, show_table, styled
from pages._session import cached, current_lang
from survey.i18n import fmt_date, fmt_percent, fmt_year, t
from usecases.views.agency import agency_view
from usecases.views.common import filter_options

lang = current_lang()
principal = page_principal("agency")
st.title(t("agency_profile", lang))
demo_banner(lang)
year, ministry, agency_type = filter_bar(lang, cached(filter_options, lang))
wanted = kept_param("agency")
view = cached(agency_view, principal, year, wanted, ministry, agency_type, lang)
if not view.choices:
    st.info(t("no_agencies", lang))
    st.stop()
ids = [c[0] for c in view.choices]
labels = dict(view.choices)
agency = st.selectbox(t("choose_agency", lang), ids, index=ids.index(view.agency_id), format_func=lambda a: labels.get(a, a),
                      placeholder=t("choose_option", lang))
keep_param("agency", agency)
if agency != view.agency_id:
    view = cached(agency_view, principal, year, agency, ministry, agency_type, lang)
freshness(view.last_updated, lang)
if not view.has_data:
    empty_state(lang)
one = [agency]

st.header(t("health_title", lang))
h = view.health
cols = st.columns(4)
cols[0].metric(t("health_status", lang), t(f"resp_{h['status']}", lang) if h["status"] else "–")
cols[1].metric(t("health_on_time", lang), t("no" if h["late"] else "yes", lang))
cols[2].metric(t("health_completeness", lang), fmt_percent(h["completeness"], lang, 1), help=", ".join(h["missing"]))
cols[3].metric(t("health_open_flags", lang), h["open_flags"])
# A date is too wide for a metric in a row of four (it was cut to "31 ส.ค. 2…"): a line of text under them.
st.markdown(f"{t('health_deadline', lang)}: **{fmt_date(h['deadline'], lang)}** · "
            f"{t('health_submitted', lang)}: **{fmt_date(h['submitted_at'], lang)}**")

left, right = st.columns(2)
with left:
    fig = px.line(view.history, x="cycle_year", y="score", color="dimension", markers=True,
                  labels={"cycle_year": t("fiscal_year", lang), "score": t("score_0_100", lang),
                          "dimension": t("col_dimension", lang)})
    years = sorted(view.history["cycle_year"].unique())
    fig.update_xaxes(tickvals=years, ticktext=[fmt_year(int(y), lang) for y in years])
    styled(fig, t("history_title", lang), t("fiscal_year", lang), t("score_0_100", lang), height=480)
with right:
    fig = go.Figure()
    dims = [c for c in view.radar.columns if c != "series"]
    for row in view.radar.itertuples(index=False):
        values = list(row[1:])
        fig.add_scatterpolar(r=values + values[:1], theta=dims + dims[:1], name=t(f"series_{row[0]}", lang),
                             fill="toself" if row[0] == "agency" else None,
                             hovertemplate="%{theta}: %{r:.1f}<extra>%{fullData.name}</extra>")
    fig.update_polars(radialaxis_range=[0, 100], domain={"x": [0.12, 0.88]})
    styled(fig, t("radar_title", lang), height=480)

st.header(t("agency_targets", lang))
show_table(view.targets, lang, principal, f"agency_{agency}_targets", one)
st.header(t("weakest_title", lang))
show_table(view.weakest, lang, principal, f"agency_{agency}_dimensions", one)
st.header(t("actions_title", lang))
show_table(view.actions, lang, principal, f"agency_{agency}_actions", one)

st.header(t("services_title", lang))
fig = go.Figure(go.Bar(x=view.levels["level"], y=view.levels["services"], text=view.levels["services"],
                       hovertemplate="%{x}: %{y}<extra></extra>"))
styled(fig, t("services_chart", lang), t("col_digital_level", lang), t("col_services", lang), height=340)
show_table(view.services, lang, principal, f"agency_{agency}_services", one)
st.header(t("flags_title", lang))
show_table(view.flags, lang, principal, f"agency_{agency}_flags", one)
