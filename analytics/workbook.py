"""The executive Excel workbook of a cycle: figures beside their method, in Thai or English.

Pure: `CycleResults`, the catalogue, the targets and the register's names in, xlsx bytes out; no
database, no Streamlit. Written with xlsxwriter in constant-memory mode (each sheet top to bottom,
rows flushed as they are finished), with native charts and conditional formats, so an 8,000-agency
workbook costs little more than writing its cells (`write_floor`, benchmarked in benchmarks/run.py).

Every string, and above all every string that came from users (agency and ministry names, flag
messages that quote answers), goes through `write_string`, so a name such as `=HYPERLINK(...)` stays
text; user text starting with = + - @ tab or carriage return also carries Excel's quote-prefix
style, so editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from analytics.actions import effective_weights
from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from analytics.targets import target_path
from analytics.uncertainty import Uncertainty
from survey import clock, workflow
from survey.catalogue import Catalogue
from survey.cells import formula_like
from survey.i18n import fmt_date, t
from survey.targets import Target, target_for
from survey.workflow import Status
from survey.years import display_year

#: Actions listed per agency on the Gaps and actions sheet (the largest gains first).
ACTIONS_PER_AGENCY = 3
#: The KPIs whose gap and status the Ministries and Agencies sheets show, by column prefix.
STATUS_KPIS = {"online": "KPI.ONLINE_RATIO", "readiness": "KPI.READINESS"}
HEADLINE_KPIS = ("KPI.ONLINE_RATIO", "KPI.READINESS", "KPI.RESPONSE_RATE")
ADOPTION_KINDS = ("standard", "platform", "shared_service")
_WB_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while cells are written.

    Writing allocates millions of short-lived, acyclic objects; in a process already holding a
    large heap (the results of an 8,000-agency cycle), the collections they trigger cost as much
    as the writing. Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Col:
    """One column of a table: its text key (header wb_col_<key>, meaning wb_def_<key>) and its cells."""

    key: str
    values: list[Any]
    kind: str  # "num" | "text" | "user"
    fmt: str | None = None
    header: str | None = None


class _Writer:
    """The workbook being written, its formats, and the data dictionary gathered from each table."""

    def __init__(self, buffer: io.BytesIO, lang: str) -> None:
        self.lang = lang
        self.wb: Workbook = xlsxwriter.Workbook(buffer, _WB_OPTIONS)
        add = self.wb.add_format
        self.fmt = {
            "title": add({"bold": True, "font_size": 16}),
            "h2": add({"bold": True, "font_size": 12, "font_color": "#1F4E79"}),
            "head": add({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True,
                         "valign": "top", "border": 1}),
            "demo": add({"bold": True, "font_size": 14, "font_color": "#FFFFFF", "bg_color": "#C00000"}),
            "label": add({"bold": True}),
            "user": add({"quote_prefix": True}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            "score": add({"num_format": "0.0"}),
            "pct": add({"num_format": "0.00"}),
            "change": add({"num_format": "+0.0;-0.0;0.0"}),
            "int": add({"num_format": "0"}),
            "share": add({"num_format": "0.000"}),
            "note": add({"italic": True, "font_color": "#7F6000", "text_wrap": True}),
            "good": add({"bg_color": "#C6EFCE", "font_color": "#006100"}),
            "warn": add({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "bad": add({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        }
        self.dictionary: list[tuple[str, str, str]] = []

    def sheet(self, key: str) -> tuple[Worksheet, str]:
        name = t(key, self.lang)
        return self.wb.add_worksheet(name), name

    def table(self, ws: Worksheet, sheet: str, row: int, cols: Sequence[_Col], *, filter_freeze: bool = False,
              first_col_width: float | None = None) -> int:
        """Write a header row and the columns' cells from `row`; return the row after the table."""
        head = self.fmt["head"]
        for c, col in enumerate(cols):
            header = col.header or t(f"wb_col_{col.key}", self.lang)
            ws.write_string(row, c, header, head)
            entry = (sheet, header, t(f"wb_def_{col.key}", self.lang))
            if entry not in self.dictionary:
                self.dictionary.append(entry)
        n = len(cols[0].values) if cols else 0
        plan: list[tuple[int, Callable[..., Any], list[Any], Any, list[Any] | None]] = []
        for c, col in enumerate(cols):
            if col.kind == "num":
                plan.append((c, ws.write_number, col.values, self.fmt[col.fmt] if col.fmt else None, None))
            elif col.kind == "user" and any(formula_like(v) for v in col.values):
                quoted = self.fmt["user"]
                plan.append((c, ws.write_string, col.values, None,
                             [quoted if formula_like(v) else None for v in col.values]))
            else:
                plan.append((c, ws.write_string, col.values, None, None))
        # The hot loop of the workbook: one bound-method call per non-empty cell, nothing else.
        for i in range(n):
            r = row + 1 + i
            for c, fn, vals, fmt, fmts in plan:
                v = vals[i]
                if v is not None:
                    fn(r, c, v, fmt if fmts is None else fmts[i])
        if filter_freeze and cols:
            ws.freeze_panes(row + 1, 0)
            ws.autofilter(row, 0, row + max(n, 1), len(cols) - 1)
        for c in range(len(cols)):
            ws.set_column(c, c, first_col_width if c == 0 and first_col_width else 16)
        return row + 1 + n

    def status_colours(self, ws: Worksheet, first: int, last: int, col: int) -> None:
        """Traffic lights on a status column: on track green, at risk amber, off track red."""
        for status, fmt in (("on track", "good"), ("at risk", "warn"), ("off track", "bad")):
            ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("wb_status_" + status, self.lang)}"',
                                                          "format": self.fmt[fmt]})


# Column makers ----------------------------------------------------------------------------------

def _nums(values: Any) -> list[float | None]:
    """Return numbers as a list with missing values as None (written as empty cells)."""
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    out: list[float | None] = arr.tolist()
    if np.isnan(arr).any():
        out = [None if v != v else v for v in out]
    return out


def _texts(values: Any) -> list[str | None]:
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in pd.Series(values).tolist()]


def _year(year_be: int | float | None, lang: str) -> float | None:
    """Return a year as a number in the reader's era (B.E. in Thai, C.E. in English)."""
    if year_be is None or year_be != year_be:
        return None
    return float(display_year(int(year_be), lang))


def _date(value: Any, lang: str) -> str | None:
    """Return a date as the reader writes it (`survey.i18n.fmt_date`: 5 มี.ค. 2568, 5 Mar 2025); None when missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    d = pd.Timestamp(value)
    return None if pd.isna(d) else fmt_date(d.date(), lang)


def _status(values: Any, lang: str) -> list[str | None]:
    return [None if not isinstance(s, str) else t(f"wb_status_{s}", lang) for s in pd.Series(values).tolist()]


def _names(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    if frame is None or frame.empty:
        return {}
    col = "name_th" if lang == "th" else "name_en"
    names = frame[col].where(frame[col].notna(), frame["name_en" if lang == "th" else "name_th"])
    return dict(zip(frame[key].astype(str), names.astype(str), strict=True))


def _kpi_status(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return per unit the gap and status of each STATUS_KPIS target (columns <prefix>_gap, <prefix>_status)."""
    out = pd.DataFrame(columns=[key])
    if table.empty:
        return out
    for prefix, kpi in STATUS_KPIS.items():
        part = table[table["kpi"] == kpi][[key, "gap", "status"]].drop_duplicates(key)
        part = part.rename(columns={"gap": f"{prefix}_gap", "status": f"{prefix}_status"})
        out = part if out.empty and len(out.columns) == 1 else out.merge(part, on=key, how="outer")
    return out


# Tables -----------------------------------------------------------------------------------------

def agency_table(results: CycleResults, catalogue: Catalogue, ministry: str | None = None) -> pd.DataFrame:
    """Return one row per agency of the cycle (of `ministry` when given), best rank first.

    Columns: agency_id, ministry_id, agency_type, online_service_ratio, online_change, the composite
    and dimension scores, composite_change (against the previous cycle under the same method), band,
    coverage, rank (1 = highest composite; ties share the best rank), rank_p05 and rank_p95 (Monte
    Carlo, `analytics.uncertainty.monte_carlo`), online_gap/online_status and
    readiness_gap/readiness_status (`analytics.targets.target_progress`).
    """
    method = method_from_catalogue(catalogue)
    root = method.root
    a = results.agency_scores.copy()
    if ministry is not None:
        a = a[a["ministry_id"] == ministry]
    on = results.online_agency[["agency_id", "online_service_ratio", "online_service_ratio_change"]]
    a = a.merge(on.rename(columns={"online_service_ratio_change": "online_change"}), on="agency_id", how="left")
    a = _with_change(a, results.previous_agency_scores, "agency_id", root)
    a = _with_ranks(a, results.uncertainty, "agency_id", results.agency_scores.set_index("agency_id")[root])
    a = a.merge(_kpi_status(results.targets_agency, "agency_id"), on="agency_id", how="left")
    for col in ("online_gap", "online_status", "readiness_gap", "readiness_status"):
        if col not in a.columns:
            a[col] = np.nan if col.endswith("gap") else None
    return a.sort_values(["rank", "agency_id"], na_position="last", ignore_index=True)


def _with_ranks(table: pd.DataFrame, uncertainty: Uncertainty | None, key: str, scores: pd.Series) -> pd.DataFrame:
    """Add rank, rank_p05 and rank_p95 to `table` (one row per `key`).

    With a Monte Carlo (`uncertainty`): its nominal rank and 5th-95th percentile rank interval.
    Without one: the rank of `scores` (indexed by `key`, over every unit, 1 = highest, ties share the
    best rank) and no interval.
    """
    if uncertainty is not None:
        u = uncertainty.scores[[key, "rank_nominal", "rank_p05", "rank_p95"]].rename(columns={"rank_nominal": "rank"})
        return table.merge(u, on=key, how="left")
    rank = scores.rank(ascending=False, method="min")
    return table.assign(rank=table[key].map(rank).to_numpy(dtype=float), rank_p05=np.nan, rank_p95=np.nan)


def _with_change(table: pd.DataFrame, previous: pd.DataFrame, key: str, root: str) -> pd.DataFrame:
    """Add composite_change = this cycle's composite - last cycle's (NaN without a previous cycle)."""
    if previous.empty:
        return table.assign(composite_change=np.nan)
    out = table.merge(previous[[key, root]].rename(columns={root: "_prev"}), on=key, how="left")
    return out.assign(composite_change=out[root] - out["_prev"])


def ministry_table(results: CycleResults, catalogue: Catalogue) -> pd.DataFrame:
    """Return one row per ministry, best rank first: the agency table's columns, as ministry means.

    The composite and dimension scores are the mean over the ministry's scored agencies; the online
    ratio is pooled over its services. rank, rank_p05 and rank_p95 are the ministries' nominal rank
    and 5th-95th percentile rank interval from `results.ministry_uncertainty`
    (`analytics.uncertainty.group_uncertainty`: the composite of each ministry's mean indicator
    profile, as the Ministries page ranks them); without it, rank orders the ministries by the mean
    composite (1 = highest) and there is no interval.
    """
    method = method_from_catalogue(catalogue)
    root = method.root
    m = results.ministry_scores.copy()
    on = results.online_ministry[["ministry_id", "online_service_ratio", "online_service_ratio_change"]]
    m = m.merge(on.rename(columns={"online_service_ratio_change": "online_change"}), on="ministry_id", how="left")
    m = _with_change(m, results.previous_ministry_scores, "ministry_id", root)
    m = _with_ranks(m, results.ministry_uncertainty, "ministry_id", m.set_index("ministry_id")[root])
    m["band"] = [np.nan if pd.isna(v) else catalogue.band_for(v).level for v in m[root].tolist()]
    m = m.merge(_kpi_status(results.targets_ministry, "ministry_id"), on="ministry_id", how="left")
    for col in ("online_gap", "online_status", "readiness_gap", "readiness_status"):
        if col not in m.columns:
            m[col] = np.nan if col.endswith("gap") else None
    return m.sort_values(["rank", "ministry_id"], na_position="last", ignore_index=True)


def top_actions(results: CycleResults, catalogue: Catalogue, agency_ids: Sequence[str] | None = None,
                per_agency: int = ACTIONS_PER_AGENCY) -> pd.DataFrame:
    """Return each agency's `per_agency` actions with the largest gain, the largest gains first overall.

    Vectorised `analytics.actions.agency_actions` (same gain: effective weight x (100 - normalised
    score) x scale / 100, an unanswered item counting as 0; ties broken by indicator id), for every
    agency with indicator scores. Columns: agency_id, priority (the rank in `agency_actions`),
    indicator_id, dimension_id, normalised, gain. Actions with no gain are left out.
    """
    method = method_from_catalogue(catalogue)
    eff = effective_weights(method)
    ind = results.scores[results.scores["kind"] == "indicator"]
    if agency_ids is not None:
        ind = ind[ind["agency_id"].isin(list(agency_ids))]
    cols = ["agency_id", "priority", "indicator_id", "dimension_id", "normalised", "gain"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    wide = ind.pivot_table(index="agency_id", columns="node", values="score", aggfunc="first", dropna=False)
    ids = list(method.indicator_ids())
    wide = wide.reindex(columns=ids)
    norm = wide.to_numpy(dtype=float)
    weights = np.array([eff[i] for i in ids])
    gain = weights[None, :] * (100.0 - np.nan_to_num(norm, nan=0.0)) * method.scale / 100.0
    # Order within an agency: gain descending, then indicator id (ids are sorted ascending already here).
    order_ids = np.argsort(np.array(ids), kind="stable")
    gain_o, norm_o = gain[:, order_ids], norm[:, order_ids]
    ids_o = np.array(ids)[order_ids]
    rank = np.argsort(-gain_o, axis=1, kind="stable")[:, :per_agency]
    rows = np.repeat(np.arange(len(wide)), rank.shape[1])
    picks = rank.ravel()
    parent = {i.id: i.parent for i in method.indicators}
    out = pd.DataFrame({
        "agency_id": wide.index.to_numpy()[rows],
        "priority": np.tile(np.arange(1, rank.shape[1] + 1), len(wide)),
        "indicator_id": ids_o[picks],
        "normalised": norm_o[rows, picks],
        "gain": gain_o[rows, picks],
    })
    out["dimension_id"] = out["indicator_id"].map(parent)
    out = out[out["gain"] > 0]
    return out.sort_values(["gain", "agency_id", "priority"], ascending=[False, True, True], ignore_index=True)[cols]


def late_or_missing(frame: pd.DataFrame, responses: pd.DataFrame, year: int, data_date: dt.date,
                    closes_on: dt.date | None = None) -> pd.DataFrame:
    """Return the cycle's agencies that have not submitted, or submitted after their deadline.

    The deadline is the later of the agency's own and the cycle's closing date `closes_on` (`survey.workflow.deadline`).
    days_late = submission date (or `data_date` when not submitted) - deadline; agencies without a
    response have status None. Columns: agency_id, ministry_id, status, deadline, submitted, days_late.
    """
    f = frame[frame["cycle_year"] == year][["agency_id", "ministry_id", "deadline"]]
    r = responses[responses["cycle_year"] == year][["agency_id", "status", "submitted_at"]]
    out = f.merge(r, on="agency_id", how="left")
    # Submission days are Thai dates, as tracking judges them; a returned response is due again.
    submitted = pd.to_datetime(out["submitted_at"], utc=True).dt.tz_convert(clock.BANGKOK).dt.tz_localize(None).dt.normalize()
    submitted = submitted.where(out["status"] != Status.RETURNED)
    deadline = pd.to_datetime(out["deadline"].map(lambda own: workflow.deadline(closes_on, own)))
    out["deadline"] = deadline
    until = submitted.fillna(pd.Timestamp(data_date))
    out["days_late"] = (until - deadline).dt.days
    out["submitted"] = submitted
    late = submitted.isna() | (out["days_late"] > 0)
    out = out[late].sort_values(["days_late", "agency_id"], ascending=[False, True], ignore_index=True)
    return out[["agency_id", "ministry_id", "status", "deadline", "submitted", "days_late"]]


def key_findings(results: CycleResults, catalogue: Catalogue, lang: str, agencies_tbl: pd.DataFrame,
                 ministries_tbl: pd.DataFrame, actions: pd.DataFrame, agency_names: dict[str, str],
                 ministry_names: dict[str, str]) -> list[str]:
    """Return up to five findings in `lang`, generated from the tables of the workbook.

    In this order, each when the data allow it: the ministry furthest below the online-services
    milestone (and how many are off track), the agencies whose composite rose and fell most since the
    last cycle, the national targets at risk or off track, the weakest dimension (mean over agencies),
    and the action with the largest total gain over the agencies listed.
    """
    method = method_from_catalogue(catalogue)
    out = []
    gaps = ministries_tbl.dropna(subset=["online_gap"])
    off = gaps[gaps["online_gap"] < 0]
    if not off.empty:
        worst = off.sort_values("online_gap").iloc[0]
        out.append(t("wb_find_gap", lang).format(
            name=ministry_names.get(worst["ministry_id"], worst["ministry_id"]),
            actual=f"{worst['online_service_ratio']:.1f} %", milestone=f"{worst['online_service_ratio'] + -worst['online_gap']:.1f} %",
            gap=f"{-worst['online_gap']:.1f}", n=int((gaps["online_status"] == "off track").sum())))
    elif not gaps.empty:
        out.append(t("wb_find_no_gap", lang))
    moved = agencies_tbl.dropna(subset=["composite_change"])
    if not moved.empty:
        ordered = moved.sort_values("composite_change")
        up, down = ordered.iloc[-1], ordered.iloc[0]
        if up["composite_change"] > 0:
            out.append(t("wb_find_up", lang).format(name=agency_names.get(up["agency_id"], up["agency_id"]),
                                                    change=f"{up['composite_change']:.1f}", value=f"{up[method.root]:.1f}"))
        if down["composite_change"] < 0:
            out.append(t("wb_find_down", lang).format(name=agency_names.get(down["agency_id"], down["agency_id"]),
                                                      change=f"{-down['composite_change']:.1f}",
                                                      value=f"{down[method.root]:.1f}"))
    tg = results.targets
    if not tg.empty:
        risky = tg[tg["status"].isin(["at risk", "off track"])]
        if risky.empty:
            out.append(t("wb_find_targets_ok", lang))
        else:
            items = "; ".join(f"{catalogue.kpi(k).name.get(lang)} ({t('wb_status_' + s, lang)})"
                              for k, s in zip(risky["kpi"], risky["status"], strict=True))
            out.append(t("wb_find_targets_risk", lang).format(items=items))
    dims = list(method.children(method.root))
    means = agencies_tbl[dims].mean()
    if means.notna().any():
        weakest = str(means.idxmin())
        out.append(t("wb_find_weakest", lang).format(name=catalogue.dimension(weakest).name.get(lang),
                                                     value=f"{means[weakest]:.1f}"))
    if not actions.empty:
        total = actions.groupby("indicator_id")["gain"].agg(["sum", "count"]).sort_values("sum", ascending=False)
        top = str(total.index[0])
        action = catalogue.indicator(top).action
        name = action.get(lang) if action else catalogue.indicator(top).question.get(lang)
        out.append(t("wb_find_action", lang).format(name=name, agencies=int(total.iloc[0]["count"])))
    return out[:5]


# The workbook -----------------------------------------------------------------------------------

def build_workbook(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...], lang: str, *,
                   ministry: str | None = None, agencies: pd.DataFrame | None = None,
                   ministries: pd.DataFrame | None = None, demo: bool = False,
                   data_date: dt.date | None = None, timeliness: pd.DataFrame | None = None) -> bytes:
    """Return the executive workbook of `results` as xlsx bytes, in `lang`, for the country or one ministry.

    Sheets: Summary (headlines against this cycle's milestones, the national trajectory, ministries
    compared, key findings), Ministries, Agencies, Gaps and actions, Adoption, Data quality and
    Methodology (versions, weights, goalposts, bands, targets and their sources, a data dictionary).
    `agencies` and `ministries` are the register (ids and names in both languages); `timeliness` is
    `late_or_missing(...)` (without it, the agencies that did not respond are listed as missing).
    """
    if lang not in ("th", "en"):
        raise ValueError(f"unknown language {lang!r}")
    method = method_from_catalogue(catalogue)
    root, dims = method.root, list(method.children(method.root))
    data_date = data_date or clock.today()
    ministries = ministries if ministries is not None else pd.DataFrame(columns=["ministry_id", "name_th", "name_en"])
    agencies = agencies if agencies is not None else pd.DataFrame(columns=["agency_id", "name_th", "name_en"])
    if ministry is not None and ministry not in set(results.agency_scores["ministry_id"]):
        raise ValueError(f"no agencies of ministry {ministry!r} in cycle {results.year}")
    a_names, m_names = _names(agencies, "agency_id", lang), _names(ministries, "ministry_id", lang)

    ag = agency_table(results, catalogue, ministry)
    mi = ministry_table(results, catalogue)
    scope_ids = set(ag["agency_id"])
    actions = top_actions(results, catalogue, sorted(scope_ids) if ministry is not None else None)
    findings = key_findings(results, catalogue, lang, ag, mi, actions, a_names, m_names)

    buffer = io.BytesIO()
    with _no_gc():
        w = _Writer(buffer, lang)
        _summary(w, results, catalogue, targets, ministry, demo, data_date, findings, m_names, len(mi))
        _ministries_sheet(w, mi, catalogue, dims, m_names)
        _agencies_sheet(w, ag, catalogue, dims, a_names, m_names, root)
        _actions_sheet(w, actions, catalogue, a_names, dict(zip(ag["agency_id"], ag["ministry_id"], strict=True)),
                       m_names)
        _adoption_sheet(w, results, catalogue, ministry, m_names)
        _quality_sheet(w, results, ministry, scope_ids, timeliness, data_date, a_names, m_names, ag)
        _method_sheet(w, results, catalogue, targets, data_date)
        w.wb.close()
    return buffer.getvalue()


def _scope_label(ministry: str | None, lang: str, m_names: dict[str, str]) -> str:
    return t("wb_scope_nation", lang) if ministry is None else f"{m_names.get(ministry, ministry)} ({ministry})"


def _summary(w: _Writer, results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
             ministry: str | None, demo: bool, data_date: dt.date, findings: list[str], m_names: dict[str, str],
             n_ministries: int) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_summary")
    ws.set_column(0, 0, 48)
    ws.set_column(1, 6, 15)
    ws.write_string(0, 0, t("wb_title", lang), f["title"])
    row = 1
    if demo:
        ws.write_string(row, 0, t("wb_demo", lang), f["demo"])
        row += 1
    for key, value, fmt in (("wb_scope", _scope_label(ministry, lang, m_names), f["user"]),
                            ("wb_cycle", display_year(results.year, lang), None),
                            ("wb_data_date", _date(data_date, lang) or "", None)):
        ws.write_string(row, 0, t(key, lang), f["label"])
        ws.write_string(row, 1, value, fmt if formula_like(value) else None)
        row += 1
    row += 1
    ws.write_string(row, 0, t("wb_headlines", lang), f["h2"])
    row += 1
    head = _headlines(results, catalogue, lang, ministry)
    first = row + 1
    row = w.table(ws, sheet, row, head, first_col_width=48)
    w.status_colours(ws, first, row - 1, 4)
    ws.write_string(row, 0, t("wb_assumption_note", lang), f["note"])
    row += 2
    ws.write_string(row, 0, t("wb_findings", lang), f["h2"])
    row += 1
    for text in findings:
        ws.write_string(row, 0, f"• {text}")
        row += 1
    row += 1
    ws.write_string(row, 0, t("wb_trajectory", lang), f["h2"])
    row += 1
    years, actual, path = _trajectory(results, catalogue, targets)
    cols = [_Col("year", [_year(y, lang) for y in years], "num", "int"), _Col("actual", actual, "num", "pct"),
            _Col("target_path", path, "num", "pct")]
    target = target_for(targets, "KPI.ONLINE_RATIO")
    if target is not None and target.is_assumption:
        cols[2].header = f"{t('wb_col_target_path', lang)} ({t('wb_basis_assumption', lang)})"
    top = row
    row = w.table(ws, sheet, row, cols, first_col_width=48)
    if years:
        chart = w.wb.add_chart({"type": "line"})
        for c, colour, dash in ((1, "#1F4E79", "solid"), (2, "#C00000", "dash")):
            chart.add_series({"name": [sheet, top, c], "categories": [sheet, top + 1, 0, row - 1, 0],
                              "values": [sheet, top + 1, c, row - 1, c], "marker": {"type": "circle"},
                              "line": {"color": colour, "dash_type": dash}})
        chart.set_title({"name": t("wb_trajectory", lang)})
        chart.set_y_axis({"min": 0, "max": 100, "name": "%"})
        chart.set_size({"width": 640, "height": 320})
        ws.insert_chart(1, 8, chart)
    if n_ministries:
        ms = t("wb_sheet_ministries", lang)
        bar = w.wb.add_chart({"type": "bar"})
        # Ministries sheet: names in column B, online ratio in E, composite in G (see _ministries_sheet).
        for c in (4, 6):
            bar.add_series({"name": [ms, 0, c], "categories": [ms, 1, 1, n_ministries, 1],
                            "values": [ms, 1, c, n_ministries, c]})
        bar.set_title({"name": t("wb_ministry_chart", lang)})
        bar.set_x_axis({"min": 0, "max": 100})
        bar.set_y_axis({"reverse": True})
        bar.set_size({"width": 640, "height": max(320, 22 * n_ministries + 80)})
        ws.insert_chart(18, 8, bar)


def _headlines(results: CycleResults, catalogue: Catalogue, lang: str, ministry: str | None) -> list[_Col]:
    """Return the headline rows: the followed KPIs against their milestones, then adoption by kind."""
    nat = dict(zip(results.national["figure"], results.national["value"], strict=True))
    nat_change = dict(zip(results.national["figure"], results.national["change"], strict=True))
    figure_of = {"KPI.ONLINE_RATIO": "online_service_ratio", "KPI.READINESS": "readiness_index",
                 "KPI.RESPONSE_RATE": "response_rate"}
    tg = results.targets if ministry is None else results.targets_ministry
    if ministry is not None and not tg.empty:
        tg = tg[tg["ministry_id"] == ministry]
    rows: list[tuple[str, Any, Any, Any, Any, Any, Any]] = []
    for kpi in HEADLINE_KPIS:
        name = catalogue.kpi(kpi).name.get(lang)
        row = tg[tg["kpi"] == kpi] if not tg.empty else tg
        if ministry is None:
            actual, change = nat.get(figure_of[kpi], np.nan), nat_change.get(figure_of[kpi], np.nan)
        else:
            actual = float(row["actual"].iloc[0]) if not row.empty else np.nan
            change = _ministry_change(results, catalogue, kpi, ministry)
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
    return [_Col("figure", list(cols[0]), "text"), _Col("actual", _nums(cols[1]), "num", "pct"),
            _Col("milestone", _nums(cols[2]), "num", "pct"), _Col("gap", _nums(cols[3]), "num", "change"),
            _Col("status", list(cols[4]), "text"), _Col("basis", list(cols[5]), "text"),
            _Col("change", _nums(cols[6]), "num", "change")]


def _ministry_change(results: CycleResults, catalogue: Catalogue, kpi: str, ministry: str) -> float:
    if kpi == "KPI.ONLINE_RATIO":
        row = results.online_ministry[results.online_ministry["ministry_id"] == ministry]
        return float(row["online_service_ratio_change"].iloc[0]) if not row.empty else np.nan
    if kpi == "KPI.READINESS" and not results.previous_ministry_scores.empty:
        root = method_from_catalogue(catalogue).root
        now = results.ministry_scores.set_index("ministry_id")[root]
        before = results.previous_ministry_scores.set_index("ministry_id")[root]
        return float(now.get(ministry, np.nan) - before.get(ministry, np.nan))
    return np.nan


def _trajectory(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...]
                ) -> tuple[list[int], list[float | None], list[float | None]]:
    """Return years (B.E.), the national online ratio per cycle, and the target path, aligned by year."""
    nation = results.online_nation[results.online_nation["cycle_year"] <= results.year]
    actual = dict(zip(nation["cycle_year"].astype(int), nation["online_service_ratio"], strict=True))
    path: dict[int, float] = {}
    target = target_for(targets, "KPI.ONLINE_RATIO")
    if target is not None:
        base = actual.get(target.baseline_year)
        p = target_path(target, None if base is None or base != base else float(base))
        path = dict(zip(p["year"].astype(int), p["value"], strict=True))
    years = sorted(set(actual) | set(path))
    return years, _nums([actual.get(y, np.nan) for y in years]), _nums([path.get(y, np.nan) for y in years])


def _score_cols(tbl: pd.DataFrame, catalogue: Catalogue, dims: list[str], root: str, lang: str) -> list[_Col]:
    cols = [_Col("composite", _nums(tbl[root]), "num", "score"),
            _Col("composite_change", _nums(tbl["composite_change"]), "num", "change")]
    for d in dims:
        name = catalogue.dimension(d).name.get(lang)
        cols.append(_Col("dimension", _nums(tbl[d]), "num", "score",
                         header=t("wb_col_dimension", lang).format(name=name)))
    return cols


def _status_cols(tbl: pd.DataFrame, lang: str) -> list[_Col]:
    return [_Col("online_gap", _nums(tbl["online_gap"]), "num", "change"),
            _Col("online_status", _status(tbl["online_status"], lang), "text"),
            _Col("readiness_gap", _nums(tbl["readiness_gap"]), "num", "change"),
            _Col("readiness_status", _status(tbl["readiness_status"], lang), "text")]


def _band_labels(levels: Any, catalogue: Catalogue, lang: str) -> list[str | None]:
    label = {b.level: b.label.get(lang) for b in catalogue.bands}
    return [None if pd.isna(v) else label.get(int(v)) for v in pd.Series(levels).tolist()]


def _colour_scores(w: _Writer, ws: Worksheet, first: int, last: int, cols: list[_Col]) -> None:
    """Colour scales on score columns, data bars on the online ratio, traffic lights on statuses."""
    if last < first:
        return
    for c, col in enumerate(cols):
        if col.key in ("composite", "dimension"):
            ws.conditional_format(first, c, last, c, {"type": "3_color_scale", "min_color": "#F8696B",
                                                      "mid_color": "#FFEB84", "max_color": "#63BE7B"})
        elif col.key == "online_ratio":
            ws.conditional_format(first, c, last, c, {"type": "data_bar", "bar_color": "#5B9BD5",
                                                      "min_type": "num", "min_value": 0, "max_type": "num",
                                                      "max_value": 100})
        elif col.key.endswith("_status"):
            w.status_colours(ws, first, last, c)


def _ministries_sheet(w: _Writer, mi: pd.DataFrame, catalogue: Catalogue, dims: list[str],
                      m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_ministries")
    root = method_from_catalogue(catalogue).root
    ids = mi["ministry_id"].astype(str).tolist()
    cols = [_Col("ministry_id", ids, "user"), _Col("ministry", [m_names.get(i, i) for i in ids], "user"),
            _Col("agencies", _nums(mi["agencies"]), "num", "int"), _Col("scored", _nums(mi["scored"]), "num", "int"),
            _Col("online_ratio", _nums(mi["online_service_ratio"]), "num", "pct"),
            _Col("online_change", _nums(mi["online_change"]), "num", "change"),
            *_score_cols(mi, catalogue, dims, root, lang),
            _Col("band", _band_labels(mi["band"], catalogue, lang), "text"),
            _Col("ministry_rank", _nums(mi["rank"]), "num", "int", header=t("wb_col_rank", lang)),
            _Col("ministry_rank_p05", _nums(mi["rank_p05"]), "num", "int", header=t("wb_col_rank_p05", lang)),
            _Col("ministry_rank_p95", _nums(mi["rank_p95"]), "num", "int", header=t("wb_col_rank_p95", lang)),
            *_status_cols(mi, lang)]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    ws.set_column(1, 1, 40)
    _colour_scores(w, ws, 1, end - 1, cols)


def _agencies_sheet(w: _Writer, ag: pd.DataFrame, catalogue: Catalogue, dims: list[str], a_names: dict[str, str],
                    m_names: dict[str, str], root: str) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_agencies")
    ids = ag["agency_id"].astype(str).tolist()
    mids = ag["ministry_id"].astype(str).tolist()
    cols = [_Col("agency_id", ids, "user"), _Col("agency", [a_names.get(i, i) for i in ids], "user"),
            _Col("ministry", [m_names.get(m, m) for m in mids], "user"), _Col("agency_type", _texts(ag["agency_type"]), "user"),
            _Col("online_ratio", _nums(ag["online_service_ratio"]), "num", "pct"),
            _Col("online_change", _nums(ag["online_change"]), "num", "change"),
            *_score_cols(ag, catalogue, dims, root, lang),
            _Col("band", _band_labels(ag["band"], catalogue, lang), "text"),
            _Col("rank", _nums(ag["rank"]), "num", "int"), _Col("rank_p05", _nums(ag["rank_p05"]), "num", "int"),
            _Col("rank_p95", _nums(ag["rank_p95"]), "num", "int"), _Col("coverage", _nums(ag["coverage"]), "num", "share"),
            *_status_cols(ag, lang)]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    ws.freeze_panes(1, 2)
    ws.set_column(1, 2, 40)
    _colour_scores(w, ws, 1, end - 1, cols)


def _actions_sheet(w: _Writer, actions: pd.DataFrame, catalogue: Catalogue, a_names: dict[str, str],
                   ministry_of: dict[str, str], m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_actions")
    ids = actions["agency_id"].astype(str).tolist()
    inds = {i.id: i for i in catalogue.indicators()}
    text_of: dict[str, tuple[str, str | None, str | None]] = {
        i: (ind.question.get(lang), ind.action.get(lang) if ind.action else None, ind.owner.get(lang) if ind.owner else None)
        for i, ind in inds.items()}
    ind_ids = actions["indicator_id"].astype(str).tolist()
    cols = [_Col("agency_id", ids, "user"), _Col("agency", [a_names.get(i, i) for i in ids], "user"),
            _Col("ministry", [m_names.get(ministry_of.get(i, ""), ministry_of.get(i, "")) for i in ids], "user"),
            _Col("priority", _nums(actions["priority"]), "num", "int"), _Col("indicator_id", ind_ids, "text"),
            _Col("indicator", [text_of[i][0] for i in ind_ids], "text"),
            _Col("normalised", _nums(actions["normalised"]), "num", "score"),
            _Col("gain", _nums(actions["gain"]), "num", "pct"),
            _Col("action", [text_of[i][1] for i in ind_ids], "text"), _Col("owner", [text_of[i][2] for i in ind_ids], "text")]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    ws.set_column(1, 2, 36)
    ws.set_column(5, 5, 40)
    ws.set_column(8, 8, 60)
    if end > 1:
        ws.conditional_format(1, 7, end - 1, 7, {"type": "data_bar", "bar_color": "#ED7D31"})


def _adoption_sheet(w: _Writer, results: CycleResults, catalogue: Catalogue, ministry: str | None,
                    m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_adoption")
    nat = results.adoption
    if nat.empty:
        w.table(ws, sheet, 0, [_Col("item", [], "text")])
        return
    labels: dict[str, str] = {}
    for ind in catalogue.indicators():
        labels[ind.id] = ind.question.get(lang)
        for opt in ind.options:
            labels.setdefault(opt.id, opt.label.get(lang))
    by_m = results.adoption_ministry
    if ministry is not None:
        by_m = by_m[by_m["group"] == ministry]
    wide = by_m.pivot_table(index="item", columns="group", values="rate", aggfunc="first")
    items = nat["item"].astype(str).tolist()
    wide = wide.reindex(index=items)
    cols = [_Col("item", [labels.get(i, i) for i in items], "text"),
            _Col("kind", [t(f"wb_kind_{k}", lang) for k in nat["kind"]], "text"),
            _Col("national", _nums(nat["rate"]), "num", "pct")]
    for m in wide.columns:
        cols.append(_Col("ministry_rate", _nums(wide[m]), "num", "pct",
                         header=t("wb_col_ministry_rate", lang).format(name=m_names.get(str(m), str(m)))))
    end = w.table(ws, sheet, 0, cols, filter_freeze=True, first_col_width=50)
    ws.freeze_panes(1, 1)
    if end > 1:
        ws.conditional_format(1, 2, end - 1, len(cols) - 1, {"type": "3_color_scale", "min_color": "#F8696B",
                                                             "mid_color": "#FFEB84", "max_color": "#63BE7B"})


def _quality_sheet(w: _Writer, results: CycleResults, ministry: str | None, scope_ids: set[str],
                   timeliness: pd.DataFrame | None, data_date: dt.date, a_names: dict[str, str],
                   m_names: dict[str, str], ag: pd.DataFrame) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_quality")
    if timeliness is None:
        missing = results.online_agency[results.online_agency["missing"]]
        timeliness = pd.DataFrame({"agency_id": missing["agency_id"], "ministry_id": missing["ministry_id"],
                                   "status": None, "deadline": None, "submitted": None, "days_late": np.nan})
    late = timeliness[timeliness["agency_id"].isin(scope_ids)] if ministry is not None else timeliness
    ws.write_string(0, 0, t("wb_late_missing", lang), f["h2"])
    ids = late["agency_id"].astype(str).tolist()
    status = [t("wb_status_not_started", lang) if not isinstance(s, str) else t(f"wb_response_{s}", lang)
              for s in late["status"].tolist()]
    cols = [_Col("agency_id", ids, "user"), _Col("agency", [a_names.get(i, i) for i in ids], "user"),
            _Col("ministry", [m_names.get(str(m), str(m)) for m in late["ministry_id"]], "user"),
            _Col("response_status", status, "text"),
            _Col("deadline", [_date(d, lang) for d in late["deadline"].tolist()], "text"),
            _Col("submitted", [_date(d, lang) for d in late["submitted"].tolist()], "text"),
            _Col("days_late", _nums(late["days_late"]), "num", "int")]
    row = w.table(ws, sheet, 1, cols, first_col_width=14) + 1
    flags = results.quality_flags
    if ministry is not None and not flags.empty:
        flags = flags[flags["agency_id"].isin(scope_ids)]
    ws.write_string(row, 0, t("wb_flags", lang), f["h2"])
    order = {"error": 0, "warning": 1, "info": 2}
    if not flags.empty:
        flags = flags.assign(_o=flags["severity"].map(order)).sort_values(["_o", "agency_id", "indicator_id"])
    fids = flags["agency_id"].astype(str).tolist() if not flags.empty else []
    fcols = [_Col("agency_id", fids, "user"), _Col("agency", [a_names.get(i, i) for i in fids], "user"),
             _Col("indicator_id", _texts(flags["indicator_id"]) if fids else [], "text"),
             _Col("rule", _texts(flags["rule"]) if fids else [], "text"),
             _Col("severity", [t(f"wb_severity_{v}", lang) for v in flags["severity"]] if fids else [], "text"),
             _Col("value", _nums(flags["value"]) if fids else [], "num"),
             _Col("message", _texts(flags[f"message_{lang}"]) if fids else [], "user")]
    end = w.table(ws, sheet, row + 1, fcols, filter_freeze=True)
    ws.set_column(1, 2, 36)
    ws.set_column(6, 6, 80)
    if fids:
        for sev, fmt in (("error", "bad"), ("warning", "warn")):
            ws.conditional_format(row + 2, 4, end - 1, 4, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("wb_severity_" + sev, lang)}"',
                                                          "format": f[fmt]})


def _method_sheet(w: _Writer, results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
                  data_date: dt.date) -> None:
    lang, f = w.lang, w.fmt
    ws, sheet = w.sheet("wb_sheet_method")
    method = method_from_catalogue(catalogue)
    ws.write_string(0, 0, t("wb_sheet_method", lang), f["title"])
    draws = results.uncertainty.draws if results.uncertainty is not None else 0
    settings = [("wb_set_catalogue", catalogue.version), ("wb_set_method", results.method_version),
                ("wb_set_normalisation", method.normalisation), ("wb_set_aggregation", method.aggregation),
                ("wb_set_min_coverage", f"{method.min_coverage:g}"),
                ("wb_set_online_level", catalogue.digital_level_label(catalogue.online_level, lang)),
                ("wb_set_draws", str(draws)), ("wb_set_data_date", _date(data_date, lang) or "")]
    row = w.table(ws, sheet, 1, [_Col("setting", [t(k, lang) for k, _ in settings], "text"),
                                 _Col("setting_value", [v for _, v in settings], "text")], first_col_width=44) + 1
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
    row = w.table(ws, sheet, row + 1, [_Col("node", nodes, "text"), _Col("weight", _nums(weights), "num", "pct"),
                                       _Col("effective_weight", _nums(shares), "num", "share"),
                                       _Col("goal_low", _nums(lo), "num"), _Col("goal_high", _nums(hi), "num"),
                                       _Col("polarity", _nums(pol), "num", "int")]) + 1
    ws.write_string(row, 0, t("wb_bands", lang), f["h2"])
    row = w.table(ws, sheet, row + 1, [_Col("band", [b.label.get(lang) for b in catalogue.bands], "text"),
                                       _Col("band_min", [b.min for b in catalogue.bands], "num", "score")]) + 1
    ws.write_string(row, 0, t("wb_targets", lang), f["h2"])
    tg = list(targets)
    row = w.table(ws, sheet, row + 1, [
        _Col("target", [f"{x.id} – {catalogue.kpi(x.kpi).name.get(lang)}" for x in tg], "text"),
        _Col("basis", [t(f"wb_basis_{x.basis}", lang) for x in tg], "text"),
        _Col("source", [x.source for x in tg], "text"),
        _Col("baseline_year", [_year(x.baseline_year, lang) for x in tg], "num", "int"),
        _Col("baseline", _nums([x.baseline_value for x in tg]), "num"),
        _Col("goal_year", [_year(x.goal_year, lang) for x in tg], "num", "int"),
        _Col("goal", [float(x.goal_value) for x in tg], "num"),
        _Col("milestones", ["; ".join(f"{display_year(y, lang)}: {v:g}" for y, v in sorted(x.milestones.items()))
                            or None for x in tg], "text"),
        _Col("note", [x.note.get(lang) if x.note else None for x in tg], "text")]) + 1
    ws.write_string(row, 0, t("wb_assumption_note", lang), f["note"])
    row += 2
    ws.write_string(row, 0, t("wb_dictionary", lang), f["h2"])
    for key in ("sheet", "column", "meaning"):
        entry = (sheet, t(f"wb_col_{key}", lang), t(f"wb_def_{key}", lang))
        if entry not in w.dictionary:
            w.dictionary.append(entry)
    d = w.dictionary
    w.table(ws, sheet, row + 1, [_Col("sheet", [e[0] for e in d], "text"), _Col("column", [e[1] for e in d], "text"),
                                 _Col("meaning", [e[2] for e in d], "text")], first_col_width=44)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 70)


# Benchmark floor --------------------------------------------------------------------------------

Cells = list[tuple[str, list[tuple[int, int, float | str]]]]


def write_floor(cells: Cells) -> bytes:
    """Return an xlsx holding exactly `cells` (per sheet: row, column, value), written as fast as xlsxwriter can.

    The floor the workbook is measured against (benchmarks/run.py): the same cells, values and
    sheets, in constant-memory mode, with no formats, charts or conditional formats, one
    `write_number` / `write_string` call per cell and nothing else (and, like the workbook, with the
    cyclic garbage collector paused).
    """
    buffer = io.BytesIO()
    with _no_gc():
        wb = xlsxwriter.Workbook(buffer, _WB_OPTIONS)
        for name, sheet_cells in cells:
            ws = wb.add_worksheet(name)
            write_number, write_string = ws.write_number, ws.write_string
            for r, c, v in sheet_cells:
                if isinstance(v, str):
                    write_string(r, c, v)
                else:
                    write_number(r, c, v)
        wb.close()
    return buffer.getvalue()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def workbook_cells(xlsx: bytes) -> Cells:
    """Return every cell of an xlsx written by this module, per sheet in order, for `write_floor`."""
    from xml.etree import ElementTree

    from xlsxwriter.utility import xl_cell_to_rowcol

    out: Cells = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") or "" for s in book.iter(f"{_NS}sheet")]
        for k, name in enumerate(names, start=1):
            sheet_cells: list[tuple[int, int, float | str]] = []
            with z.open(f"xl/worksheets/sheet{k}.xml") as fh:
                for _, el in ElementTree.iterparse(fh):
                    if el.tag != f"{_NS}c":
                        continue
                    r, c = xl_cell_to_rowcol(el.get("r") or "A1")
                    if el.get("t") == "inlineStr":
                        sheet_cells.append((r, c, "".join(el.itertext())))
                    else:
                        v = el.find(f"{_NS}v")
                        if v is not None and v.text is not None:
                            sheet_cells.append((r, c, float(v.text)))
                    el.clear()
            out.append((name, sheet_cells))
    return out


def count_cells(xlsx: bytes) -> tuple[int, int]:
    """Return the numbers of numeric and of text cells in an xlsx written by this module."""
    values = [v for _, sheet in workbook_cells(xlsx) for _, _, v in sheet]
    strings = sum(isinstance(v, str) for v in values)
    return len(values) - strings, strings
