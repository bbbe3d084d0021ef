"""The executive workbook's writer: formats, tables with their data dictionary, cells in the reader's words,
and the page set-up that makes every sheet print.

Written with xlsxwriter in constant-memory mode (each sheet top to bottom, rows flushed as they are
finished). Every string goes through `write_string`, so a name such as `=HYPERLINK(...)` stays text;
user text that `survey.cells.formula_like` flags also carries Excel's quote-prefix style.

The house style is the workbook's default cell style: text wraps and every cell sits at the top of its
row (a table row is as tall as its longest text). A cell carries a style of its own only where it
differs: headers, titles, labels, number formats, quoted user text. Styling every cell instead costs
about a third more time to write at 8,000 agencies, one attribute per cell, and makes the file larger.

Printing: every sheet is A4, one page wide (landscape where wide), its table's header row repeated on
every page; text that wraps gets a row height set here, because neither Excel nor LibreOffice grows a
row written with a height of its own, and one that keeps the default height lets wrapped text run
over its neighbours on paper."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from survey.catalogue import Catalogue
from survey.cells import formula_like
from survey.i18n import excel_format, fmt_date, t
from survey.years import display_year

#: The default cell style (xlsxwriter's own font and size): wrapped text, top-aligned.
HOUSE_STYLE = {"font_name": "Calibri", "font_size": 11, "text_wrap": True, "valign": "top"}
#: What a format needs so that it does not take the house style's wrapping (a title runs on to the right).
ONE_LINE = {"text_wrap": False}
WB_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "default_format_properties": HOUSE_STYLE}
#: Column widths (characters of the default font) of a number and of a short text column.
NUM_WIDTH = 10.0
TEXT_WIDTH = 16.0
#: A target status in words fits on one line ("เป็นไปตามเป้าหมาย", "off track").
STATUS_WIDTH = 17.0
#: Points per line of wrapped text: Thai script stands taller than Latin (vowels and tone marks above
#: and below the line), so a Thai row needs more room.
LINE_POINTS = {"th": 16.0, "en": 15.0}
#: A4 paper in xlsxwriter's numbering.
A4 = 9



@dataclass
class Col:
    """One column of a table: its text key (header wb_col_<key>, meaning wb_def_<key>) and its cells."""

    key: str
    values: list[Any]
    kind: str  # "num" | "text" | "user"
    fmt: str | None = None
    header: str | None = None
    width: float | None = None  # characters; NUM_WIDTH or TEXT_WIDTH when not given

    def column_width(self) -> float:
        return self.width if self.width is not None else NUM_WIDTH if self.kind == "num" else TEXT_WIDTH



class Writer:
    """The workbook being written, its formats, and the data dictionary gathered from each table."""

    def __init__(self, buffer: io.BytesIO, lang: str, running_head: str = "") -> None:
        self.lang = lang
        self.running_head = running_head
        self.wb: Workbook = xlsxwriter.Workbook(buffer, WB_OPTIONS)
        add = self.wb.add_format
        self.fmt = {
            "title": add({"bold": True, "font_size": 16, **ONE_LINE}),
            "h2": add({"bold": True, "font_size": 12, "font_color": "#1F4E79", **ONE_LINE}),
            "head": add({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "border": 1}),
            "demo": add({"bold": True, "font_size": 14, "font_color": "#FFFFFF", "bg_color": "#C00000", **ONE_LINE}),
            "label": add({"bold": True, **ONE_LINE}),
            "line": add(ONE_LINE),  # a value that runs on to the right, as the Summary's scope and cycle
            "line_user": add({"quote_prefix": True, **ONE_LINE}),
            "user": add({"quote_prefix": True}),
            "score": add({"num_format": excel_format("score")}),
            "pct": add({"num_format": excel_format("percent")}),
            "change": add({"num_format": excel_format("change")}),
            "int": add({"num_format": excel_format("count")}),
            "share": add({"num_format": excel_format("share")}),
            "value": add({"num_format": "#,##" + excel_format("number")}),
            "note": add({"italic": True, "font_color": "#7F6000"}),
            "good": add({"bg_color": "#C6EFCE", "font_color": "#006100"}),
            "warn": add({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "bad": add({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        }
        self.dictionary: list[tuple[str, str, str]] = []

    def sheet(self, key: str) -> tuple[Worksheet, str]:
        name = t(key, self.lang)
        return self.wb.add_worksheet(name), name

    def table(self, ws: Worksheet, sheet: str, row: int, cols: Sequence[Col], *, filter_freeze: bool = False,
              widths: Sequence[float] | None = None) -> int:
        """Write a header row and the columns' cells from `row`; return the row after the table.

        Column widths are the columns' own, or `widths` (the sheet's, for a sheet of several tables);
        text wraps (the house style), and each row is made tall enough for its longest text.
        """
        head = self.fmt["head"]
        widths = list(widths[:len(cols)]) if widths is not None else [c.column_width() for c in cols]
        headers = [col.header or t(f"wb_col_{col.key}", self.lang) for col in cols]
        self.set_height(ws, row, max((text_lines(h, w) for h, w in zip(headers, widths, strict=True)), default=1))
        for c, (col, header) in enumerate(zip(cols, headers, strict=True)):
            ws.write_string(row, c, header, head)
            entry = (sheet, header, t(f"wb_def_{col.key}", self.lang))
            if entry not in self.dictionary:
                self.dictionary.append(entry)
        n = len(cols[0].values) if cols else 0
        plan: list[tuple[int, Callable[..., Any], list[Any], Any, list[Any] | None]] = []
        quoted = self.fmt["user"]
        for c, col in enumerate(cols):
            if col.kind == "num":
                plan.append((c, ws.write_number, col.values, self.fmt[col.fmt] if col.fmt else None, None))
                continue
            styles = [quoted if formula_like(v) else None for v in col.values] if col.kind == "user" else []
            plan.append((c, ws.write_string, col.values, None, styles if any(styles) else None))
        wrapped = [(col.values, widths[c]) for c, col in enumerate(cols) if col.kind != "num"]
        heights = [max((text_lines(vals[i], w) for vals, w in wrapped), default=1) for i in range(n)] if wrapped \
            else []
        # The hot loop of the workbook: one bound-method call per non-empty cell, nothing else.
        for i in range(n):
            r = row + 1 + i
            if wrapped and heights[i] > 1:
                self.set_height(ws, r, heights[i])
            for c, fn, vals, fmt, fmts in plan:
                v = vals[i]
                if v is not None:
                    fn(r, c, v, fmt if fmts is None else fmts[i])
        if filter_freeze and cols:
            ws.freeze_panes(row + 1, 0)
            ws.autofilter(row, 0, row + max(n, 1), len(cols) - 1)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        return row + 1 + n

    def set_height(self, ws: Worksheet, row: int, lines: int) -> None:
        """Give `row` the height of `lines` lines of text (rows of one line keep the default height)."""
        if lines > 1:
            ws.set_row(row, math.ceil(lines * LINE_POINTS[self.lang]))

    def paragraph(self, ws: Worksheet, row: int, text: str, fmt: str | None, last_col: int, width: float) -> int:
        """Write `text` across columns 0..last_col (`width` characters in all), wrapped; return the next row."""
        self.set_height(ws, row, text_lines(text, width))
        style = self.fmt[fmt] if fmt else None
        if last_col > 0:
            ws.merge_range(row, 0, row, last_col, text, style)
        else:
            ws.write_string(row, 0, text, style)
        return row + 1

    def print_setup(self, ws: Worksheet, sheet: str, last_row: int, last_col: int, *, header_row: int | None = None,
                    landscape: bool = True, one_page: bool = False) -> None:
        """Make the sheet print: A4, one page wide (and one page tall with `one_page`), `header_row` repeated
        on every page, the print area over the written cells, the workbook's title, the sheet and the
        page number in the page's header and footer."""
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.fit_to_pages(1, 1 if one_page else 0)
        ws.print_area(0, 0, max(last_row, 0), max(last_col, 0))
        if header_row is not None:
            ws.repeat_rows(header_row)
        head = _header_text(self.running_head)
        ws.set_header(f"&L&8{head}&R&8{_header_text(sheet)}", {"margin": 0.25})
        page = t("wb_page", self.lang).format(page="&P", pages="&N")
        ws.set_footer(f"&R&8{page}", {"margin": 0.25})

    def status_colours(self, ws: Worksheet, first: int, last: int, col: int) -> None:
        """Traffic lights on a status column: on track green, at risk amber, off track red."""
        for status, fmt in (("on track", "good"), ("at risk", "warn"), ("off track", "bad")):
            ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("wb_status_" + status, self.lang)}"',
                                                          "format": self.fmt[fmt]})



def _header_text(text: str) -> str:
    """Return `text` for a page header: & doubled (a lone & starts a control code), at most 100 characters."""
    return text.replace("&", "&&")[:100]


#: Thai vowel and tone marks written above or below a letter (Unicode category Mn): no width of their own.
_MARKS = re.compile("[" + "".join(chr(cp) for cp in range(0x0E00, 0x0E80) if unicodedata.category(chr(cp)) == "Mn") + "]")


@lru_cache(maxsize=65536)
def text_lines(text: Any, width: float) -> int:
    """Return about how many lines `text` takes wrapped in a column `width` characters wide (rather more than fewer).

    Widths are in the column's unit (a digit of the default font). A Thai letter takes about 0.85 of
    it, and its vowel and tone marks above or below none; a Latin letter or digit about 1.05 (the
    fonts LibreOffice substitutes run wider than Calibri): measured on LibreOffice's PDF of the
    workbook. Words do not break, so a line holds about two units less than the width. Called for
    every wrapped cell, so it counts in C: a Thai letter is three bytes in UTF-8, a Latin one one.
    """
    if text is None or width <= 0:
        return 1
    room = max(width - 2, 1.0)
    total = 0
    for part in str(text).split("\n"):
        letters = _MARKS.sub("", part)
        thai = (len(letters.encode("utf-8")) - len(letters)) // 2
        units = 0.85 * thai + 1.05 * (len(letters) - thai)
        total += max(1, math.ceil(units / room))
    return total


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
            Col("online_status", status_words(tbl["online_status"], lang), "text", width=STATUS_WIDTH),
            Col("readiness_gap", nums(tbl["readiness_gap"]), "num", "change"),
            Col("readiness_status", status_words(tbl["readiness_status"], lang), "text", width=STATUS_WIDTH)]



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
