"""The Data quality and Methodology sheets: flags, completeness, timeliness; versions, weights, goalposts,
bands, targets and their sources, and the data dictionary."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics.actions import effective_weights
from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from analytics.quality import rule_label
from survey.catalogue import Catalogue, KpiId
from survey.i18n import fmt_number, fmt_percent_text, t
from survey.targets import Target
from survey.years import display_year
from usecases.workbook.writer import (
    Col,
    Writer,
    date_cell,
    nums,
    texts,
    year_cell,
)

#: Column widths (characters) of the Data quality sheet: its two tables share the columns.
QUALITY_WIDTHS = (9.0, 30.0, 22.0, 28.0, 12.0, 10.0, 64.0)
#: Column widths of the Methodology sheet (settings, weights, bands, targets and the data dictionary).
METHOD_WIDTHS = (46.0, 24.0, 50.0, 10.0, 10.0, 10.0, 10.0, 22.0, 40.0)


def quality_sheet(w: Writer, results: CycleResults, ministry: str | None, scope_ids: set[str],
                   timeliness: pd.DataFrame | None, data_date: dt.date, a_names: dict[str, str],
                   m_names: dict[str, str], ag: pd.DataFrame) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_quality")
    if timeliness is None:
        missing = results.online_agency[results.online_agency["missing"]]
        timeliness = pd.DataFrame({"agency_id": missing["agency_id"], "ministry_id": missing["ministry_id"],
                                   "status": None, "deadline": None, "submitted": None, "days_late": np.nan})
    late = timeliness[timeliness["agency_id"].isin(scope_ids)] if ministry is not None else timeliness
    widths = QUALITY_WIDTHS
    ws.write_string(0, 0, t("wb_late_missing", lang), f["h2"])
    ids = late["agency_id"].astype(str).tolist()
    status = [t("wb_status_not_started", lang) if not isinstance(s, str) else t(f"wb_response_{s}", lang)
              for s in late["status"].tolist()]
    cols = [Col("agency_id", ids, "user"), Col("agency", [a_names.get(i, i) for i in ids], "user"),
            Col("ministry", [m_names.get(str(m), str(m)) for m in late["ministry_id"]], "user"),
            Col("response_status", status, "text"),
            Col("deadline", [date_cell(d, lang) for d in late["deadline"].tolist()], "text"),
            Col("submitted", [date_cell(d, lang) for d in late["submitted"].tolist()], "text"),
            Col("days_late", nums(late["days_late"]), "num", "int")]
    row = w.table(ws, sheet, 1, cols, widths=widths) + 1
    flags = results.quality_flags
    if ministry is not None and not flags.empty:
        flags = flags[flags["agency_id"].isin(scope_ids)]
    ws.write_string(row, 0, t("wb_flags", lang), f["h2"])
    order = {"error": 0, "warning": 1, "info": 2}
    if not flags.empty:
        flags = flags.assign(_o=flags["severity"].map(order)).sort_values(["_o", "agency_id", "indicator_id"])
    fids = flags["agency_id"].astype(str).tolist() if not flags.empty else []
    fcols = [Col("agency_id", fids, "user"), Col("agency", [a_names.get(i, i) for i in fids], "user"),
             Col("indicator_id", texts(flags["indicator_id"]) if fids else [], "text"),
             Col("rule", [rule_label(r, lang) for r in flags["rule"]] if fids else [], "text"),
             Col("severity", [t(f"wb_severity_{v}", lang) for v in flags["severity"]] if fids else [], "text"),
             Col("value", nums(flags["value"]) if fids else [], "num", "value"),
             Col("message", texts(flags[f"message_{lang}"]) if fids else [], "user")]
    header = row + 1
    end = w.table(ws, sheet, header, fcols, filter_freeze=True, widths=widths)
    if fids:
        for sev, fmt in (("error", "bad"), ("warning", "warn")):
            ws.conditional_format(row + 2, 4, end - 1, 4, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("wb_severity_" + sev, lang)}"',
                                                          "format": f[fmt]})
    # The flags are the long list: their header repeats on every printed page after the first.
    w.print_setup(ws, sheet, end - 1, len(fcols) - 1, header_row=header)



def method_sheet(w: Writer, results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
                  data_date: dt.date) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_method")
    method = method_from_catalogue(catalogue)
    ws.write_string(0, 0, t("wb_sheet_method", lang), f["title"])
    draws = results.uncertainty.draws if results.uncertainty is not None else 0
    widths = METHOD_WIDTHS
    settings = [("wb_set_catalogue", catalogue.version), ("wb_set_method", results.method_version),
                ("wb_set_normalisation", t(f"normalisation_{method.normalisation}", lang)),
                ("wb_set_aggregation", t(f"aggregation_{method.aggregation}", lang)),
                ("wb_set_min_coverage", fmt_percent_text(100 * method.min_coverage, lang, 0)),
                ("wb_set_online_level", online_levels_text(catalogue, lang)),
                ("wb_set_online_definition", online_definition_text(catalogue, lang)),
                ("wb_set_draws", fmt_number(draws, lang)), ("wb_set_data_date", date_cell(data_date, lang) or "")]
    row = w.table(ws, sheet, 1, [Col("setting", [t(k, lang) for k, _ in settings], "text"),
                                 Col("setting_value", [v for _, v in settings], "text")],
                  widths=widths) + 1
    ws.write_string(row, 0, t("wb_weights", lang), f["h2"])
    eff = effective_weights(method)
    nodes: list[str] = []
    weights: list[float] = []
    shares: list[float] = []
    lo: list[float | None] = []
    hi: list[float | None] = []
    pol: list[float | None] = []
    for dim in catalogue.dimensions:
        nodes.append(f"{dim.id} {dim.name.get(lang)}")
        weights.append(dim.weight)
        shares.append(sum(eff.get(i.id, 0.0) for i in dim.indicators))
        lo.append(None)
        hi.append(None)
        pol.append(None)
        for ind in dim.indicators:
            if ind.id not in eff:
                continue
            nodes.append(f"    {ind.id} {ind.question.get(lang)}")
            weights.append(ind.weight)
            shares.append(eff[ind.id])
            lo.append(ind.goalposts[0] if ind.goalposts else None)
            hi.append(ind.goalposts[1] if ind.goalposts else None)
            pol.append(float(ind.polarity))
    row = w.table(ws, sheet, row + 1, [Col("node", nodes, "text"), Col("weight", nums(weights), "num", "pct"),
                                       Col("effective_weight", nums(shares), "num", "share"),
                                       Col("goal_low", nums(lo), "num"), Col("goal_high", nums(hi), "num"),
                                       Col("polarity", nums(pol), "num", "int")], widths=widths) + 1
    ws.write_string(row, 0, t("wb_bands", lang), f["h2"])
    row = w.table(ws, sheet, row + 1, [Col("band", [b.label.get(lang) for b in catalogue.bands], "text"),
                                       Col("band_min", [b.min for b in catalogue.bands], "num", "score")],
                  widths=widths) + 1
    ws.write_string(row, 0, t("wb_targets", lang), f["h2"])
    tg = list(targets)
    row = w.table(ws, sheet, row + 1, [
        Col("target", [f"{x.id} – {catalogue.kpi(x.kpi).name.get(lang)}" for x in tg], "text"),
        Col("basis", [t(f"wb_basis_{x.basis}", lang) for x in tg], "text"),
        Col("source", [source_text(x, lang) for x in tg], "text"),
        Col("baseline_year", [year_cell(x.baseline_year, lang) for x in tg], "num", "int"),
        Col("baseline", nums([x.baseline_value for x in tg]), "num"),
        Col("goal_year", [year_cell(x.goal_year, lang) for x in tg], "num", "int"),
        Col("goal", [float(x.goal_value) for x in tg], "num"),
        Col("milestones", [", ".join(f"{display_year(y, lang)}: {v:g}" for y, v in sorted(x.milestones.items()))
                            or None for x in tg], "text"),
        Col("note", [x.note.get(lang) if x.note else None for x in tg], "text")], widths=widths) + 1
    row = w.paragraph(ws, row, t("wb_assumption_note", lang), "note", 2, sum(widths[:3])) + 1
    ws.write_string(row, 0, t("wb_dictionary", lang), f["h2"])
    for key in ("sheet", "column", "meaning"):
        entry = (sheet, t(f"wb_col_{key}", lang), t(f"wb_def_{key}", lang))
        if entry not in w.dictionary:
            w.dictionary.append(entry)
    d = w.dictionary
    header = row + 1
    end = w.table(ws, sheet, header, [Col("sheet", [e[0] for e in d], "text"),
                                      Col("column", [e[1] for e in d], "text"),
                                      Col("meaning", [e[2] for e in d], "text")], widths=widths)
    # The data dictionary is the long table: its header repeats on the pages after the first.
    w.print_setup(ws, sheet, end - 1, len(widths) - 1, header_row=header)


def source_text(target: Target, lang: str) -> str | None:
    """Return where a target comes from, in the reader's language."""
    return target.source.get(lang) if target.source else None


def online_definition_text(catalogue: Catalogue, lang: str) -> str:
    """Return what the headline share of services online counts, and the source its name comes from."""
    kpi = catalogue.kpi(KpiId.ONLINE_RATIO)
    parts = [kpi.definition.get(lang) if kpi.definition else kpi.name.get(lang)]
    if kpi.source:
        parts.append(f"{t('source', lang)}: {kpi.source.get(lang)}")
    return " ".join(parts) if lang == "th" else ". ".join(parts)


def online_levels_text(catalogue: Catalogue, lang: str) -> str:
    """Return the digital levels counted as online, each with its name ("4 Fully online end to end")."""
    return ", ".join(f"{lv.value} {lv.label.get(lang)}" for lv in catalogue.digital_levels
                     if lv.value >= catalogue.online_level)
