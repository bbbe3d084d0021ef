"""Dashboard charts drawn from a view: the Overview's online-share trajectory."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from pages._dashboard import styled
from survey.i18n import fmt_year, t

HOVER = "%{text}: %{y:.2f} %<extra>%{fullData.name}</extra>"


def trajectory_chart(view: Any, lang: str) -> Any:
    """Draw the online share per cycle against the target path, the fitted trend and the goal.

    A provisional cycle's point is hollow and named so (legend and hover); the view leaves it out of the trend.
    """
    years = sorted({*view.actuals["year"], *view.path.get("year", []), *view.trend.get("year", [])})
    fig = go.Figure()
    final, provisional = view.actuals[view.actuals["final"]], view.actuals[~view.actuals["final"]]
    fig.add_scatter(x=final["year"], y=final["value"], mode="lines+markers", name=t("actual", lang),
                    text=[fmt_year(int(y), lang) for y in final["year"]], hovertemplate=HOVER)
    if not provisional.empty:
        fig.add_scatter(x=provisional["year"], y=provisional["value"], mode="markers",
                        marker={"symbol": "circle-open", "size": 12, "line": {"width": 2}},
                        name=t("actual_provisional", lang), hovertemplate=HOVER,
                        text=[f"{fmt_year(int(y), lang)} ({t('provisional', lang)})" for y in provisional["year"]])
    if not view.path.empty:
        label = t("target_path", lang) + (f" ({t('assumption', lang)})" if view.target.is_assumption else "")
        fig.add_scatter(x=view.path["year"], y=view.path["value"], mode="lines", line={"dash": "dash"}, name=label,
                        text=[fmt_year(int(y), lang) for y in view.path["year"]], hovertemplate=HOVER)
    if not view.trend.empty:
        fig.add_scatter(x=view.trend["year"], y=view.trend["value"], mode="lines", line={"dash": "dot"},
                        name=t("fitted_trend", lang), text=[fmt_year(int(y), lang) for y in view.trend["year"]],
                        hovertemplate=HOVER)
    if view.goal is not None:
        fig.add_scatter(x=[view.goal[0]], y=[view.goal[1]], mode="markers", marker={"symbol": "star", "size": 14},
                        name=f"{t('goal', lang)} {fmt_year(view.goal[0], lang)}", text=[fmt_year(view.goal[0], lang)],
                        hovertemplate=HOVER)
    if view.reaches_goal is not None:
        fig.add_vline(x=view.reaches_goal, line_dash="dot", line_color="gray",
                      annotation_text=f"{t('trend_reaches', lang)} {fmt_year(view.reaches_goal, lang)}")
    fig.update_xaxes(tickvals=years, ticktext=[fmt_year(int(y), lang) for y in years])
    return styled(fig, t("trajectory_title", lang), t("fiscal_year", lang), f"{t('percent', lang)} (%)")
