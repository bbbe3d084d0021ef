"""Buddhist-Era and Common-Era years: B.E. = C.E. + 543."""

from __future__ import annotations

BE_OFFSET = 543
BE_THRESHOLD = 2400


def to_be(year: int) -> int:
    """Return a year in the Buddhist Era; years >= 2400 are taken as B.E. already, others as C.E."""
    if year <= 0:
        raise ValueError(f"not a year: {year}")
    return year if year >= BE_THRESHOLD else year + BE_OFFSET


def to_ce(year_be: int) -> int:
    return to_be(year_be) - BE_OFFSET


def display_year(year_be: int, lang: str) -> str:
    """Return the year as Thai users read it (B.E.) or as English users do (C.E.)."""
    return str(to_be(year_be)) if lang == "th" else str(to_ce(year_be))
