"""Survey cycles: opened from last year's frame, frame edits, deadlines and extensions, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.models import AuditEntry, FrameEntry
from survey.catalogue import default_catalogue
from usecases.cycles import (
    CycleError,
    accepts_submission,
    close_cycle,
    deadline_for,
    extend_deadline,
    open_cycle,
    set_frame,
)
from usecases.demo import DemoSpec, seed_demo


@pytest.fixture
def seeded(any_engine: Engine) -> Engine:
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=30, years=(2567, 2568)))
    return any_engine


def _frame(s: Session, year: int) -> set[str]:
    return set(s.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == year)))


def test_open_from_last_year_edit_frame_and_deadlines(seeded: Engine) -> None:
    with Session(seeded) as s:
        last = _frame(s, 2568)
        assert len(last) == 30
        cycle = open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 8, 31), "2568.1", "admin",
                           remove=["D0001"])
        assert (cycle.year_be, cycle.year_ce, cycle.status) == (2569, 2026, "open")
        assert _frame(s, 2569) == last - {"D0001"}
        frame = set_frame(s, 2569, add=["D0001"], remove=["D0002"], actor="admin")
        assert set(frame) == last - {"D0002"}
        # Late submission: refused after the close date, accepted after a one-agency extension.
        late = dt.date(2026, 9, 10)
        assert not accepts_submission(s, 2569, "D0003", late)
        extend_deadline(s, 2569, dt.date(2026, 9, 15), "admin", agency_id="D0003")
        assert accepts_submission(s, 2569, "D0003", late)
        assert not accepts_submission(s, 2569, "D0004", late)
        assert deadline_for(s, 2569, "D0003") == dt.date(2026, 9, 15)
        # The whole cycle's deadline moves for everyone.
        extend_deadline(s, 2569, dt.date(2026, 9, 30), "admin")
        assert accepts_submission(s, 2569, "D0004", late)
        close_cycle(s, 2569, "admin")
        s.commit()
        actions = [a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.cycle_year == 2569)
                                               .order_by(AuditEntry.id))]
        assert actions == ["cycle_open", "frame_add", "frame_remove", "deadline_extend", "deadline_extend",
                           "cycle_close"]


def test_bad_cycle_operations_are_refused_in_both_languages(seeded: Engine) -> None:
    with Session(seeded) as s:
        with pytest.raises(CycleError) as err:
            open_cycle(s, 2568, dt.date(2025, 6, 1), dt.date(2025, 8, 31), "2568.1", "admin")
        assert err.value.text.th == "มีรอบสำรวจปี 2568 อยู่แล้ว"
        with pytest.raises(CycleError, match="cannot come before"):
            open_cycle(s, 2026, dt.date(2026, 8, 1), dt.date(2026, 6, 1), "2568.1", "admin")
        with pytest.raises(CycleError, match="Unknown agency ids: X9"):
            open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 8, 31), "2568.1", "admin", add=["X9"])
        with pytest.raises(CycleError, match="not in the frame"):
            extend_deadline(s, 2568, dt.date(2025, 9, 30), "admin", agency_id="NOPE")
        with pytest.raises(CycleError, match="No survey cycle 2590"):
            close_cycle(s, 2590, "admin")
