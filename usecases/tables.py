"""Tables as readers see them: dates in the reader's calendar, empty cells as a dash, codes in words.

A page draws a frame as it gets it, so a missing value shows as "None", a date as 2027-03-05 and a stored code
(`return`, `register`) as it is stored. `readable` turns a frame into what a reader reads, in their language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from survey.i18n import TEXTS, fmt_date, fmt_datetime, fmt_number, t

#: What an empty cell shows.
EMPTY = "–"
#: Columns holding codes, and the text prefix that says each code in words (`<prefix>_<code>`).
CODE_WORDS: dict[str, str] = {"status": "status", "inventory_source": "inventory_source"}


def missing(value: Any) -> bool:
    """True for an empty cell: None, NaN, NaT, pandas' NA, or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def cell(value: Any, lang: str) -> Any:
    """Return one cell as a reader reads it: a dash when empty, a moment in Thai time, a date in the reader's calendar."""
    if missing(value):
        return EMPTY
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return fmt_datetime(value, lang)
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    return value


def code_word(prefix: str, code: Any, lang: str) -> str:
    """Return a stored code in words (the text `<prefix>_<code>`), the code itself when no text names it."""
    if missing(code):
        return EMPTY
    key = f"{prefix}_{code}"
    return t(key, lang) if key in TEXTS else str(code)


def _number(value: Any, lang: str) -> str:
    if missing(value):
        return EMPTY
    number = float(value)
    return fmt_number(number, lang, 0 if number.is_integer() else 2)


def readable(frame: pd.DataFrame, lang: str, codes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return `frame` for display: dates and moments in the reader's calendar (`fmt_date`, `fmt_datetime`), empty
    cells as "–", and coded columns (`CODE_WORDS`, plus `codes`: column -> text prefix) in words.

    Number columns without an empty cell stay numbers (the table sorts them); one with an empty cell becomes text.
    """
    words = {**CODE_WORDS, **(codes or {})}
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if col in words:
            out[col] = [code_word(words[col], v, lang) for v in series]
        elif pd.api.types.is_bool_dtype(series.dtype):
            continue
        elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_datetime64_any_dtype(series.dtype):
            if series.isna().any():
                out[col] = [_number(v, lang) for v in series]
        else:
            out[col] = [cell(v, lang) for v in series]
    return out
