"""Overview: the national share of key services fully online per cycle, against its target path."""

import plotly.graph_objects as go
import streamlit as st

from data.access import can_export_summary
from data.reports import overview
from pages._auth import page_principal, record_export
from pages._shared import cached, current_lang, demo_banner
from survey.i18n import fmt_number, fmt_percent, fmt_year, t

lang = current_lang()
principal = page_principal("overview")
st.title(t("overview", lang))
demo_banner(lang)
data = cached(overview)
national = data.national
if national.empty:
    st.info(t("empty_db", lang))
    st.caption(t("empty_db_hint", lang))
    st.stop()

latest = national.iloc[-1]
previous = national.iloc[-2] if len(national) > 1 else None
cols = st.columns(4)
delta = None
# A ratio is None or NaN for a cycle with no counted response yet (a cycle just opened).
if previous is not None and all(isinstance(r[k], int | float) and r[k] == r[k]
                                for r in (latest, previous) for k in ["online_service_ratio"]):
    delta = f"{latest['online_service_ratio'] - previous['online_service_ratio']:+.2f} {t('points', lang)}"
cols[0].metric(f"{t('online_ratio_short', lang)} {fmt_year(int(latest['cycle_be']), lang)}",
               fmt_percent(latest["online_service_ratio"], lang), delta)
cols[1].metric(t("agencies_expected", lang), fmt_number(latest["agencies_expected"], lang))
cols[2].metric(t("agencies_responded", lang), fmt_number(latest["agencies_responded"], lang))
cols[3].metric(t("response_rate", lang), fmt_percent(latest["response_rate"], lang, 1))

years = [fmt_year(int(y), lang) for y in national["cycle_be"]]
fig = go.Figure()
fig.add_scatter(x=years, y=national["online_service_ratio"], mode="lines+markers+text", name=t("actual", lang),
                text=[fmt_percent(v, lang) for v in national["online_service_ratio"]], textposition="top center",
                hovertemplate="%{x}: %{y:.2f} %<extra></extra>")
if data.path is not None:
    label = t("target_path", lang)
    if data.target is not None and data.target.is_assumption:
        label += f" ({t('assumption', lang)})"
    fig.add_scatter(x=[fmt_year(int(y), lang) for y in data.path["year"]], y=data.path["value"],
                    mode="lines", line={"dash": "dash"}, name=label, hovertemplate="%{x}: %{y:.2f} %<extra></extra>")
fig.update_layout(title=t("trajectory_title", lang), xaxis_title=t("fiscal_year", lang),
                  yaxis_title=f"{t('percent', lang)} (%)", yaxis_range=[0, 100],
                  font={"family": "Loma, Garuda, Sarabun, sans-serif"}, legend={"orientation": "h"})
st.plotly_chart(fig, width="stretch")

if data.target is not None:
    tg = data.target
    basis = t("assumption", lang) if tg.is_assumption else t("sourced", lang)
    note = tg.note.get(lang) if tg.note else (tg.source or "")
    st.caption(f"{t('goal', lang)}: {fmt_percent(tg.goal_value, lang)} ({fmt_year(tg.goal_year, lang)}), {basis}. "
               f"{note} {t('baseline', lang)} {fmt_year(tg.baseline_year, lang)}: {tg.baseline_source or ''}")

st.subheader(t("national_figures", lang))
table = national.assign(cycle=years)[["cycle", "online_service_ratio", "services", "services_online",
                                      "agencies_expected", "agencies_responded", "response_rate"]]
st.dataframe(table, hide_index=True, width="stretch")
if can_export_summary(principal):
    st.download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                       file_name="national_figures.csv", mime="text/csv", on_click=record_export,
                       args=(principal, "national_figures.csv"))
if data.last_updated is not None:
    st.caption(f"{t('last_updated', lang)}: {data.last_updated:%Y-%m-%d %H:%M} UTC")
