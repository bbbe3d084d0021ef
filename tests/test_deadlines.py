"""One deadline rule (survey.workflow.deadline) and one clock (survey.clock): the write check, tracking, follow-up
and the executive workbook agree on when an agency's answers are due, after extensions too."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analytics.workbook import late_or_missing
from data import repository
from survey import clock
from survey.catalogue import default_catalogue
from survey.workflow import deadline, is_late
from usecases.cycles import accepts_changes, accepts_submission, close_cycle, deadline_for, extend_deadline, open_cycle
from usecases.demo import DemoSpec, seed_demo
from usecases.tracking import tracking_rows

CLOSE = dt.date(2026, 8, 31)


@pytest.mark.parametrize(("own", "expected"), [
    (None, CLOSE),                      # no extension: the cycle's close
    (dt.date(2026, 9, 15), dt.date(2026, 9, 15)),  # a later extension holds
    (dt.date(2026, 8, 20), CLOSE),      # an "extension" before the close never shortens the time
    (CLOSE, CLOSE),
])
def test_the_later_of_close_and_extension_holds(own: dt.date | None, expected: dt.date) -> None:
    assert deadline(CLOSE, own) == expected


def test_deadline_without_a_close_is_the_extension_and_lateness() -> None:
    assert deadline(None, dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
    assert deadline(None, None) is None
    assert deadline(CLOSE, pd.NaT) == CLOSE
    assert is_late(CLOSE, dt.date(2026, 9, 1), dt.date(2026, 9, 1))       # submitted a day after
    assert not is_late(CLOSE, CLOSE, dt.date(2026, 12, 1))                # on the day is on time
    assert is_late(CLOSE, None, dt.date(2026, 9, 1)) and not is_late(CLOSE, None, CLOSE)
    assert not is_late(None, None, dt.date(2030, 1, 1))


def test_thai_dates_and_fiscal_years() -> None:
    """23:30 UTC on 31 Mar is 06:30 on 1 Apr in Bangkok (UTC+7); the fiscal year starts on 1 October."""
    assert clock.local_date(dt.datetime(2027, 3, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2027, 4, 1)
    assert clock.local_date(dt.datetime(2027, 3, 31, 16, 59)) == dt.date(2027, 3, 31)  # naive: UTC, 23:59 in Bangkok
    assert clock.fiscal_year_be(dt.date(2026, 9, 30)) == 2569
    assert clock.fiscal_year_be(dt.date(2026, 10, 1)) == 2570
    assert clock.fiscal_year_be(dt.date(2026, 12, 5)) == 2570
    assert clock.fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert clock.today() == clock.now().date() and clock.now().utcoffset() == dt.timedelta(hours=7)


@pytest.fixture
def cycle(sqlite_engine: Engine) -> Engine:
    seed_demo(sqlite_engine, default_catalogue(), DemoSpec(agencies=6, years=(2568,)))
    with Session(sqlite_engine) as s:
        open_cycle(s, 2569, dt.date(2026, 6, 1), CLOSE, "2568.1", "admin")
        extend_deadline(s, 2569, dt.date(2026, 9, 15), "admin", agency_id="D0001")   # later: holds
        extend_deadline(s, 2569, dt.date(2026, 8, 20), "admin", agency_id="D0002")   # earlier: the close holds
        s.commit()
    return sqlite_engine


def test_write_check_tracking_and_workbook_agree_after_extensions(cycle: Engine) -> None:
    """On 10 Sep 2026 (after the close, before D0001's extension): D0001 may still submit and is not late; D0002,
    whose own date is earlier than the close, is due on 31 Aug like everyone else and is 10 days late."""
    day = dt.date(2026, 9, 10)
    with Session(cycle) as s:
        assert deadline_for(s, 2569, "D0001") == dt.date(2026, 9, 15)
        assert deadline_for(s, 2569, "D0002") == CLOSE
        assert accepts_submission(s, 2569, "D0001", day) and not accepts_submission(s, 2569, "D0002", day)
        track = tracking_rows(s, 2569, day).set_index("agency_id")
        assert track.loc["D0001", "deadline"] == dt.date(2026, 9, 15) and not track.loc["D0001", "late"]
        assert track.loc["D0002", "deadline"] == CLOSE and track.loc["D0002", "late"]
        late = late_or_missing(repository.frame(s, [2569]), repository.responses(s, [2569]), 2569, day,
                               closes_on=CLOSE).set_index("agency_id")
        assert late.loc["D0002", "deadline"] == pd.Timestamp(CLOSE) and late.loc["D0002", "days_late"] == 10
        assert late.loc["D0001", "deadline"] == pd.Timestamp(2026, 9, 15) and late.loc["D0001", "days_late"] == -5
        # Closed: only an agency whose own extension has not passed may still change its answers.
        close_cycle(s, 2569, "admin")
        assert accepts_changes(s, 2569, "D0001", day) and not accepts_changes(s, 2569, "D0003", day)
        assert not accepts_changes(s, 2569, "D0002", day)
