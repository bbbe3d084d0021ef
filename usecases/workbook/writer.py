"""The executive workbook's writer: formats, tables with their data dictionary, and cells in the reader's words.

Written with xlsxwriter in constant-memory mode (each sheet top to bottom, rows flushed as they are
finished). Every string goes through `write_string`, so a name such as `=HYPERLINK(...)` stays text;
user text that `survey.cells.formula_like` flags also carries Excel's quote-prefix style."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from survey.catalogue import Catalogue
from survey.cells import formula_like
from survey.i18n import fmt_date, t
from survey.years import display_year

WB_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}



@dataclass
class Col:
    """One column of a table: its text key (header wb_col_<key>, meaning wb_def_<key>) and its cells."""

    key: str
    values: list[Any]
    kind: str  # "num" | "text" | "user"
    fmt: str | None = None
    header: str | None = None



class Writer:
    """The workbook being written, its formats, and the data dictionary gathered from each table."""

    def __init__(self, buffer: io.BytesIO, lang: str) -> None:
        self.lang = lang
        self.wb: Workbook = xlsxwriter.Workbook(buffer, WB_OPTIONS)
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

    def table(self, ws: Worksheet, sheet: str, row: int, cols: Sequence[Col], *, filter_freeze: bool = False,
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



def nums(values: Any) -> list[float | None]:
    """Return numbers as a list with missing values as None (written as empty cells)."""
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    out: list[float | None] = arr.tolist()
    if np.isnan(arr).any():
        out = [None if v != v else v for v in out]
    return out



def texts(values: Any) -> list[str | None]:
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in pd.Series(values).tolist()]



def year_cell(year_be: int | float | None, lang: str) -> float | None:
    """Return a year as a number in the reader's era (B.E. in Thai, C.E. in English)."""
    if year_be is None or year_be != year_be:
        return None
    return float(display_year(int(year_be), lang))



def date_cell(value: Any, lang: str) -> str | None:
    """Return a date as the reader writes it (`survey.i18n.fmt_date`: 5 มี.ค. 2568, 5 Mar 2025); None when missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    d = pd.Timestamp(value)
    return None if pd.isna(d) else fmt_date(d.date(), lang)



def status_words(values: Any, lang: str) -> list[str | None]:
    return [None if not isinstance(s, str) else t(f"wb_status_{s}", lang) for s in pd.Series(values).tolist()]



def names_of(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    if frame is None or frame.empty:
        return {}
    col = "name_th" if lang == "th" else "name_en"
    names = frame[col].where(frame[col].notna(), frame["name_en" if lang == "th" else "name_th"])
    return dict(zip(frame[key].astype(str), names.astype(str), strict=True))



def scope_label(ministry: str | None, lang: str, m_names: dict[str, str]) -> str:
    return t("wb_scope_nation", lang) if ministry is None else f"{m_names.get(ministry, ministry)} ({ministry})"



def score_cols(tbl: pd.DataFrame, catalogue: Catalogue, dims: list[str], root: str, lang: str) -> list[Col]:
    cols = [Col("composite", nums(tbl[root]), "num", "score"),
            Col("composite_change", nums(tbl["composite_change"]), "num", "change")]
    for d in dims:
        name = catalogue.dimension(d).name.get(lang)
        cols.append(Col("dimension", nums(tbl[d]), "num", "score",
                         header=t("wb_col_dimension", lang).format(name=name)))
    return cols



def status_cols(tbl: pd.DataFrame, lang: str) -> list[Col]:
    return [Col("online_gap", nums(tbl["online_gap"]), "num", "change"),
            Col("online_status", status_words(tbl["online_status"], lang), "text"),
            Col("readiness_gap", nums(tbl["readiness_gap"]), "num", "change"),
            Col("readiness_status", status_words(tbl["readiness_status"], lang), "text")]



def band_labels(levels: Any, catalogue: Catalogue, lang: str) -> list[str | None]:
    label = {b.level: b.label.get(lang) for b in catalogue.bands}
    return [None if pd.isna(v) else label.get(int(v)) for v in pd.Series(levels).tolist()]



def colour_scores(w: Writer, ws: Worksheet, first: int, last: int, cols: list[Col]) -> None:
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
