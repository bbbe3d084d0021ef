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


#: Month abbreviations as Thai government documents write them (ม.ค. ... ธ.ค.), and English ones.
MONTHS = {
    "th": ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def fmt_date(day: dt.date | dt.datetime | None, lang: str) -> str:
    """Return a date as Thai readers write it (5 มี.ค. 2568, B.E.) or English ones do (5 Mar 2025); a dash when missing.

    A moment (datetime) is first turned into its Thai date (`survey.clock.local`).
    """
    if day is None or day != day:  # None, NaT
        return "–"
    if isinstance(day, dt.datetime):
        from survey.clock import local

        day = local(day)
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return f"{day.day} {MONTHS[lang][day.month - 1]} {display_year(day.year, lang)}"


def fmt_datetime(when: dt.datetime | None, lang: str) -> str:
    """Return a moment in Thai time: "5 มี.ค. 2568 เวลา 17.15 น." for Thai readers, "5 Mar 2025, 17:15 (Thai time)" in English.

    A naive moment is taken as UTC (as stored). A missing one shows as a dash.
    """
    if when is None or when != when:  # None, NaT
        return "–"
    from survey.clock import local

    moment = local(when)
    if lang == "th":
        return f"{fmt_date(moment.date(), lang)} เวลา {moment:%H.%M} น."
    return f"{fmt_date(moment.date(), lang)}, {moment:%H:%M} (Thai time)"
