"""One clock: the moment and the date in Thailand's time (Asia/Bangkok), and the fiscal year.

Deadlines, lateness, the demo's dates and the workbook's "as of" day are Thai dates: an agency
that submits at 01:00 on 1 April in Bangkok (18:00 UTC on 31 March) submitted on 1 April.
Moments are stored in UTC (`utcnow`); they are shown and turned into dates in Thai time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from survey.years import BE_OFFSET

BANGKOK = ZoneInfo("Asia/Bangkok")
#: The Thai government's fiscal year starts on 1 October: fiscal year 2570 B.E. runs 1 Oct 2026 - 30 Sep 2027.
FISCAL_YEAR_FIRST_MONTH = 10


def now() -> dt.datetime:
    """Return the current moment in Thai time (an aware datetime)."""
    return dt.datetime.now(BANGKOK)


def utcnow() -> dt.datetime:
    """Return the current moment in UTC, as the database stores moments."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Return today's date in Thailand."""
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """Return a stored moment in Thai time; a naive one is taken as UTC (SQLite hands moments back naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BANGKOK)


def local_date(moment: dt.datetime) -> dt.date:
    """Return the Thai date of a stored moment."""
    return local(moment).date()


def moment_on(day: dt.date) -> dt.datetime:
    """Return a moment (UTC) on the Thai date `day`, at the current Thai time of day."""
    return dt.datetime.combine(day, now().timetz()).astimezone(dt.UTC)


def fiscal_year_be(day: dt.date | None = None) -> int:
    """Return the Thai fiscal year (B.E.) that `day` (default: today) falls in."""
    day = day or today()
    return day.year + BE_OFFSET + (1 if day.month >= FISCAL_YEAR_FIRST_MONTH else 0)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of fiscal year `year_be` (B.E.)."""
    year_ce = year_be - BE_OFFSET
    return dt.date(year_ce - 1, FISCAL_YEAR_FIRST_MONTH, 1), dt.date(year_ce, FISCAL_YEAR_FIRST_MONTH, 1) - dt.timedelta(days=1)
