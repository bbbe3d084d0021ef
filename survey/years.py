"""Buddhist-Era and Common-Era years: B.E. = C.E. + 543."""

from __future__ import annotations

BE_OFFSET = 543
BE_THRESHOLD = 2400


MAX_YEAR = 3100  # beyond any survey year, C.E. or B.E.


def to_be(year: int) -> int:
    """Return a year in the Buddhist Era; years >= 2400 are taken as B.E. already, others as C.E."""
    if not 0 < year <= MAX_YEAR:
        raise ValueError(f"not a year: {year}")
    return year if year >= BE_THRESHOLD else year + BE_OFFSET


def cycle_argument(text: str) -> int:
    """Parse a command-line cycle year (B.E. from 2400, else C.E.) into B.E., with a clear message if it is not one."""
    import argparse

    try:
        return to_be(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a survey year (for example 2568 B.E. or 2025 C.E.)") from None


def to_ce(year_be: int) -> int:
    return to_be(year_be) - BE_OFFSET


def display_year(year_be: int, lang: str) -> str:
    """Return the year as Thai users read it (B.E.) or as English users do (C.E.)."""
    return str(to_be(year_be)) if lang == "th" else str(to_ce(year_be))
