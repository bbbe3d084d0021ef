"""User-facing words in Thai and English, and number and year formats per language."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from survey.texts import collect
from survey.texts.glossary import GLOSSARY
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


#: Decimals shown for each kind of figure, the one rounding rule of the pages and the workbook: cards and
#: tables format with `fmt_number`/`fmt_percent`, the workbook's number formats are made by `excel_format`.
DECIMALS = {"percent": 2, "score": 1, "change": 1, "share": 3, "count": 0, "number": 2}


def rounded(value: float, decimals: int) -> Decimal:
    """Return `value` rounded as Excel and LibreOffice display it, so a card and a workbook cell agree.

    The value is first read to 15 significant digits (what a spreadsheet keeps of a double), then
    rounded half away from zero: 95.625 -> 95.63, 72.705 -> 72.71 (the double is 72.70499999999999...),
    -0.05 -> -0.1 at one decimal. Python's own format rounds the binary value half to even (95.62, 72.70).
    """
    exact = Decimal(value) if isinstance(value, int) else Decimal(f"{value:.15g}")
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a number with thousands separators, rounded by `rounded`; a missing value shows as a dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    r = rounded(value, decimals)
    return f"{r.copy_abs() if r.is_zero() else r:,.{decimals}f}"


def fmt_percent(value: float | None, lang: str, decimals: int = DECIMALS["percent"]) -> str:
    """Format a percentage for a card or a table cell: 95.63 % (a dash when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{fmt_number(value, lang, decimals)} %"


def fmt_percent_text(value: float | None, lang: str, decimals: int = DECIMALS["percent"]) -> str:
    """Format a percentage inside a sentence: "ร้อยละ 95.63" in Thai (as Thai official writing does), "95.63 %" in English."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    number = fmt_number(value, lang, decimals)
    return f"{GLOSSARY['percent'].th} {number}" if lang == "th" else f"{number} %"


def fmt_change(value: float | None, lang: str, decimals: int = DECIMALS["change"]) -> str:
    """Format a change with its sign, rounded by `rounded`: +1.3, -0.4, 0.0 (a dash when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    r = rounded(value, decimals)
    return f"{r:+,.{decimals}f}" if not r.is_zero() else f"{r.copy_abs():,.{decimals}f}"


def excel_format(kind: str) -> str:
    """Return the workbook's number format for a kind of figure of DECIMALS ("0.00" for percent)."""
    if kind not in DECIMALS:
        raise ValueError(f"unknown kind of figure {kind!r}")
    digits = "0" + ("." + "0" * DECIMALS[kind] if DECIMALS[kind] else "")
    if kind != "change":
        return digits
    # Sections by the rounded value, as fmt_change signs it: -0.04 shows 0.0, not -0.0.
    half = f"{0.5 * 10 ** -DECIMALS[kind]:g}"
    return f"[>={half}]+{digits};[<=-{half}]-{digits};{digits}"


def join_list(items: Sequence[str], lang: str) -> str:
    """Join the items of a list inside a sentence: Thai writing separates them with spaces, English with "; "."""
    return (" " if lang == "th" else "; ").join(items)


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
