"""The Summary sheet: headlines against this cycle's milestones, the national trajectory, ministries compared,
key findings."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from analytics.targets import target_path
from analytics.workbook import (
    ADOPTION_KINDS,
)
from survey.catalogue import Catalogue, KpiId
from survey.cells import formula_like
from survey.i18n import t
from survey.targets import Target, target_for
from survey.years import display_year
from usecases.workbook.writer import (
    STATUS_WIDTH,
    Col,
    Writer,
    date_cell,
    nums,
    scope_label,
    year_cell,
)

#: The Summary's tables: a first column of names and six figures, in characters; the charts stand right of them.
SUMMARY_COLUMNS = 7
SUMMARY_FIRST_WIDTH = 44.0
SUMMARY_WIDTH = 13.0
CHART_WIDTH = 600


def summary_sheet(w: Writer, results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
             ministry: str | None, demo: bool, data_date: dt.date, findings: list[str], m_names: dict[str, str],
             n_ministries: int) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_summary")
    widths = [SUMMARY_FIRST_WIDTH] + [SUMMARY_WIDTH] * (SUMMARY_COLUMNS - 1)
    widths[4] = STATUS_WIDTH  # the status column (see headlines)
    text_width = sum(widths)
    ws.write_string(0, 0, t("wb_title", lang), f["title"])
    row = 1
    if demo:
        ws.merge_range(row, 0, row, SUMMARY_COLUMNS - 1, t("wb_demo", lang), f["demo"])
        row += 1
    for key, value in (("wb_scope", scope_label(ministry, lang, m_names)),
                       ("wb_cycle", display_year(results.year, lang)),
                       ("wb_data_date", date_cell(data_date, lang) or "")):
        ws.write_string(row, 0, t(key, lang), f["label"])
        ws.write_string(row, 1, value, f["line_user"] if formula_like(value) else f["line"])
        row += 1
    row += 1
    ws.write_string(row, 0, t("wb_headlines", lang), f["h2"])
    row += 1
    head = headlines(results, catalogue, lang, ministry)
    first = row + 1
    row = w.table(ws, sheet, row, head, widths=widths)
    w.status_colours(ws, first, row - 1, 4)
    row = w.paragraph(ws, row, t("wb_assumption_note", lang), "note", SUMMARY_COLUMNS - 1, text_width) + 1
    ws.write_string(row, 0, t("wb_findings", lang), f["h2"])
    row += 1
    for text in findings:
        row = w.paragraph(ws, row, f"• {text}", None, SUMMARY_COLUMNS - 1, text_width)
    row += 1
    ws.write_string(row, 0, t("wb_trajectory", lang), f["h2"])
    row += 1
    years, actual, path = trajectory(results, catalogue, targets)
    cols = [Col("year", [year_cell(y, lang) for y in years], "num", "int"), Col("actual", actual, "num", "pct"),
            Col("target_path", path, "num", "pct")]
    target = target_for(targets, KpiId.ONLINE_RATIO)
    if target is not None and target.is_assumption:
        cols[2].header = f"{t('wb_col_target_path', lang)} ({t('wb_basis_assumption', lang)})"
    top = row
    row = w.table(ws, sheet, row, cols, widths=widths)
    # The charts stand right of the tables (column I on), one above the other, so none covers a cell in use.
    ws.set_column(SUMMARY_COLUMNS, SUMMARY_COLUMNS, 2)
    chart_col = SUMMARY_COLUMNS + 1
    line_height = bar_height = 0
    if years:
        chart = w.wb.add_chart({"type": "line"})
        for c, colour, dash in ((1, "#1F4E79", "solid"), (2, "#C00000", "dash")):
            chart.add_series({"name": [sheet, top, c], "categories": [sheet, top + 1, 0, row - 1, 0],
                              "values": [sheet, top + 1, c, row - 1, c], "marker": {"type": "circle"},
                              "line": {"color": colour, "dash_type": dash}})
        chart.set_title({"name": t("wb_trajectory", lang), "name_font": {"size": 11}})
        chart.set_y_axis({"min": 0, "max": 100, "name": "%"})
        chart.set_legend({"position": "bottom"})
        line_height = 300
        chart.set_size({"width": CHART_WIDTH, "height": line_height})
        ws.insert_chart(1, chart_col, chart)
    if n_ministries:
        ms = t("wb_sheet_ministries", lang)
        bar = w.wb.add_chart({"type": "bar"})
        # Ministries sheet: names in column B, online ratio in E, composite in G (see ministries_sheet).
        for c in (4, 6):
            bar.add_series({"name": [ms, 0, c], "categories": [ms, 1, 1, n_ministries, 1],
                            "values": [ms, 1, c, n_ministries, c]})
        bar.set_title({"name": t("wb_ministry_chart", lang), "name_font": {"size": 11}})
        bar.set_x_axis({"min": 0, "max": 100})
        bar.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        bar.set_legend({"position": "bottom"})
        bar_height = max(300, 20 * n_ministries + 100)
        bar.set_size({"width": CHART_WIDTH, "height": bar_height})
        ws.insert_chart(1, chart_col, bar, {"y_offset": line_height + 16 if line_height else 0})
    # The print area reaches the charts' far corner (default rows are 20 pixels, default columns 64).
    chart_rows = 1 + math.ceil((line_height + 16 + bar_height) / 20)
    w.print_setup(ws, sheet, max(row, chart_rows), chart_col + math.ceil(CHART_WIDTH / 64), one_page=True)



def headlines(results: CycleResults, catalogue: Catalogue, lang: str, ministry: str | None) -> list[Col]:
    """Return the headline rows: the followed KPIs against their milestones, then adoption by kind."""
    nat = dict(zip(results.national["figure"], results.national["value"], strict=True))
    nat_change = dict(zip(results.national["figure"], results.national["change"], strict=True))
    tg = results.targets if ministry is None else results.targets_ministry
    if ministry is not None and not tg.empty:
        tg = tg[tg["ministry_id"] == ministry]
    rows: list[tuple[str, Any, Any, Any, Any, Any, Any]] = []
    for headline in catalogue.headline_kpis:
        kpi, figure, name = headline.id, str(headline.figure), headline.name.get(lang)
        row = tg[tg["kpi"] == kpi] if not tg.empty else tg
        if ministry is None:
            actual, change = nat.get(figure, np.nan), nat_change.get(figure, np.nan)
        else:
            actual = float(row["actual"].iloc[0]) if not row.empty else np.nan
            change = ministry_change(results, catalogue, kpi, ministry)
        if row.empty:
            rows.append((name, actual, np.nan, np.nan, t("wb_no_target", lang), None, change))
        else:
            r = row.iloc[0]
            rows.append((name, actual, r["milestone"], r["gap"], t(f"wb_status_{r['status']}", lang),
                         t(f"wb_basis_{r['basis']}", lang), change))
    adoption = results.adoption if ministry is None else results.adoption_ministry[
        results.adoption_ministry["group"] == ministry]
    for kind in ADOPTION_KINDS:
        rates = adoption[adoption["kind"] == kind]["rate"] if not adoption.empty else pd.Series(dtype=float)
        rows.append((t(f"wb_adoption_avg_{kind}", lang), float(rates.mean()) if len(rates) else np.nan,
                     np.nan, np.nan, t("wb_no_target", lang), None, np.nan))
    cols = list(zip(*rows, strict=True))
    return [Col("figure", list(cols[0]), "text"), Col("actual", nums(cols[1]), "num", "pct"),
            Col("milestone", nums(cols[2]), "num", "pct"), Col("gap", nums(cols[3]), "num", "change"),
            Col("status", list(cols[4]), "text"), Col("basis", list(cols[5]), "text"),
            Col("change", nums(cols[6]), "num", "change")]



def ministry_change(results: CycleResults, catalogue: Catalogue, kpi: str, ministry: str) -> float:
    if kpi == KpiId.ONLINE_RATIO:
        row = results.online_ministry[results.online_ministry["ministry_id"] == ministry]
        return float(row["online_service_ratio_change"].iloc[0]) if not row.empty else np.nan
    if kpi == KpiId.READINESS and not results.previous_ministry_scores.empty:
        root = method_from_catalogue(catalogue).root
        now = results.ministry_scores.set_index("ministry_id")[root]
        before = results.previous_ministry_scores.set_index("ministry_id")[root]
        return float(now.get(ministry, np.nan) - before.get(ministry, np.nan))
    return np.nan



def trajectory(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...]
                ) -> tuple[list[int], list[float | None], list[float | None]]:
    """Return years (B.E.), the national online ratio per cycle, and the target path, aligned by year."""
    nation = results.online_nation[results.online_nation["cycle_year"] <= results.year]
    actual = dict(zip(nation["cycle_year"].astype(int), nation["online_service_ratio"], strict=True))
    path: dict[int, float] = {}
    target = target_for(targets, KpiId.ONLINE_RATIO)
    if target is not None:
        base = actual.get(target.baseline_year)
        p = target_path(target, None if base is None or base != base else float(base))
        path = dict(zip(p["year"].astype(int), p["value"], strict=True))
    years = sorted(set(actual) | set(path))
    return years, nums([actual.get(y, np.nan) for y in years]), nums([path.get(y, np.nan) for y in years])
