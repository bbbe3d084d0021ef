"""User-facing words in Thai and English, and number and year formats per language."""

from __future__ import annotations

import datetime as dt
import math

from survey.texts import collect
from survey.years import display_year

LANGS = ("th", "en")
DEFAULT_LANG = "th"

TEXTS: dict[str, tuple[str, str]] = collect()


def t(key: str, lang: str) -> str:
    """Return the text for `key` in `lang`."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    try:
        th, en = TEXTS[key]
    except KeyError:
        raise KeyError(f"no text for key {key!r}") from None
    return th if lang == "th" else en


def fmt_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a number with thousands separators; a missing value shows as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}"


def fmt_percent(value: float | None, lang: str, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_number(value, lang, decimals)} %"


def fmt_year(year_be: int, lang: str) -> str:
    """Return a year as B.E. for Thai readers, C.E. for English ones."""
    return display_year(year_be, lang)


def fmt_date(day: dt.date | dt.datetime | None, lang: str) -> str:
    """Return a date as day/month/year, the year in B.E. for Thai readers; a missing date as a dash."""
    if day is None or day != day:  # None, NaT
        return "–"
    return f"{day.day:02d}/{day.month:02d}/{display_year(day.year, lang)}"


def fmt_datetime(when: dt.datetime | None, lang: str) -> str:
    """Return a moment as day/month/year hour:minute UTC (`fmt_date`'s year: B.E. for Thai readers).

    An aware moment is shown in UTC; a naive one is taken as UTC already. A missing one shows as a dash.
    """
    if when is None or when != when:  # None, NaT
        return "–"
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return f"{fmt_date(when, lang)} {when:%H:%M} UTC"
