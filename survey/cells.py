"""Cells that are safe to open in a spreadsheet: text a spreadsheet would run as a formula stays text.

A value a user typed (a comment, an agency or service name) that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula or a DDE
call (OWASP, "CSV Injection"). Every CSV and Excel output goes through `formula_like`: CSV cells
get a leading apostrophe (`safe_cell`), workbook cells are written as text with Excel's quote
prefix, which shows the text as typed.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """True when `value` is text that a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """Return a value for a CSV cell: risky text behind an apostrophe; numbers, dates and empty cells unchanged."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    if isinstance(value, str):
        return "'" + value if formula_like(value) else value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every text cell (and column name) passed through `safe_cell`."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(safe_cell)
    return out.rename(columns=lambda c: safe_cell(c) if isinstance(c, str) else c)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return `frame` as UTF-8 CSV with a byte-order mark (Excel opens Thai text right), every cell safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")
