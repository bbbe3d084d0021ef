"""Overview: national cards against this cycle's milestones, the trajectory to the goal, the international picture."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._charts import trajectory_chart
from pages._dashboard import demo_banner, empty_state, filter_bar, freshness, show_table, styled
from pages._exports import workbook_download
from pages._session import cached, current_lang
from survey.i18n import fmt_change, fmt_number, fmt_percent, fmt_year, t
from usecases.views.common import filter_options
from usecases.views.overview import overview_view

lang = current_lang()
principal = page_principal("overview")
st.title(t("overview", lang))
demo_banner(lang)
options = cached(filter_options, lang)
if not options.cycles:
    empty_state(lang, "empty_db")
year, _, _ = filter_bar(lang, options, ministry=False, agency_type=False)
view = cached(overview_view, year, lang)
freshness(view.last_updated, lang)
if not view.has_data:
    empty_state(lang)

for col, card in zip(st.columns(len(view.cards)), view.cards, strict=True):
    with col.container(border=True):
        value = fmt_number(card.actual, lang, 1) if card.unit == "score" else fmt_percent(card.actual, lang)
        unit = t("index_points" if card.unit == "score" else "points", lang)
        gap = None if card.gap != card.gap else f"{fmt_change(card.gap, lang, 2)} {unit} ({t('gap', lang)})"
        st.metric(card.label, value, gap, help=card.name)
        if card.milestone == card.milestone:
            basis = f" ({t('basis_' + card.basis, lang)})" if card.basis else ""
            st.caption(f"{t('milestone', lang)}: {fmt_number(card.milestone, lang, 2)}{basis} · "
                       f"**{t('status_' + card.status, lang)}** · {t('per_year_needed', lang)} "
                       f"{fmt_number(card.required_per_year, lang, 2)}")
        else:
            st.caption(t("status_no target", lang))

trajectory_chart(view, lang)
if view.target is not None:
    st.caption(f"{t('goal', lang)}: {fmt_percent(view.target.goal_value, lang)} ({fmt_year(view.target.goal_year, lang)}). "
               f"{view.target.note.get(lang) if view.target.note else ''} {t('baseline', lang)} "
               f"{fmt_year(view.target.baseline_year, lang)}: {view.target.baseline_source.get(lang) if view.target.baseline_source else ''}")

st.header(t("international", lang))
for col, row in zip(st.columns(len(view.international)), view.international.itertuples(), strict=True):
    digits = 0 if row.unit == "rank" else 4
    col.metric(f"{row.name} ({fmt_year(row.latest_year, lang)})", fmt_number(row.latest, lang, digits),
               help=row.source)
    col.caption(f"{t('goal', lang)} {fmt_year(row.goal_year, lang)}: {fmt_number(row.goal, lang, digits)} "
                f"({t('basis_' + row.basis, lang)})")
ranks = view.ranks
fig = go.Figure()
fig.add_scatter(x=ranks["year"], y=ranks["value"], mode="lines+markers+text", name=t("actual", lang),
                text=[fmt_number(v, lang) for v in ranks["value"]], textposition="top center",
                customdata=ranks["source"], hovertemplate="%{y}: %{customdata}<extra></extra>")
if view.rank_goal is not None:
    fig.add_hline(y=view.rank_goal, line_dash="dash", annotation_text=t("top_n_goal", lang).format(n=f"{view.rank_goal:g}"))
fig.update_xaxes(tickvals=ranks["year"].tolist(), ticktext=[fmt_year(int(y), lang) for y in ranks["year"]])
fig.update_yaxes(autorange="reversed")
styled(fig, t("egdi_chart", lang), t("fiscal_year", lang), t("egdi_rank_axis", lang), height=340)
st.header(t("national_figures", lang))
show_table(view.national.assign(cycle_be=[fmt_year(int(y), lang) for y in view.national["cycle_be"]]), lang,
           principal, "national_figures")
if year is not None:
    workbook_download(principal, year, lang)
