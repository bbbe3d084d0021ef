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
    Proposal,
    accepts_submission,
    check_dates,
    close_cycle,
    deadline_for,
    extend_deadline,
    open_cycle,
    propose,
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


# ---------------------------------------------------------------------------------------------
# The cycle the Cycles page proposes, and the dates it accepts (issue 15: it proposed "last cycle + 1" and took any dates)


@pytest.mark.parametrize(("today", "existing", "expected"), [
    # 6 Dec 2026 is in fiscal year 2570 (1 Oct 2026 - 30 Sep 2027): the last cycle is 2568, yet 2570 is proposed.
    (dt.date(2026, 12, 6), [2564, 2568], Proposal(2570, dt.date(2026, 12, 6), dt.date(2027, 3, 6), 2568)),
    # 30 Sep is the last day of fiscal year 2570, 1 Oct the first of 2571.
    (dt.date(2027, 9, 30), [2569], Proposal(2570, dt.date(2027, 9, 30), dt.date(2027, 12, 29), 2569)),
    (dt.date(2027, 10, 1), [2569, 2570], Proposal(2571, dt.date(2027, 10, 1), dt.date(2027, 12, 30), 2570)),
    # This year's cycle exists: the next fiscal year's, opening when that year starts.
    (dt.date(2026, 12, 6), [2569, 2570], Proposal(2571, dt.date(2027, 10, 1), dt.date(2027, 12, 30), 2570)),
    (dt.date(2026, 12, 6), [], Proposal(2570, dt.date(2026, 12, 6), dt.date(2027, 3, 6), None)),
])
def test_proposes_the_current_fiscal_year(today: dt.date, existing: list[int], expected: Proposal) -> None:
    assert propose(existing, today) == expected


def test_dates_outside_the_fiscal_year_are_refused_naming_the_problem() -> None:
    """Fiscal year 2570 runs 1 Oct 2026 - 30 Sep 2027; a cycle may open from three months before it (92 days:
    1 Jul 2026) until its end, and close from its start until three months after it (31 Dec 2027)."""
    check_dates(2570, dt.date(2026, 7, 1), dt.date(2027, 12, 31))  # both edges accepted
    check_dates(2027, dt.date(2026, 12, 6), dt.date(2027, 3, 6))  # C.E. 2027 is B.E. 2570
    with pytest.raises(CycleError) as same_day:
        check_dates(2570, dt.date(2026, 12, 6), dt.date(2026, 12, 6))
    assert same_day.value.message("th") == "วันปิดรับ (6 ธ.ค. 2569) ต้องอยู่หลังวันเปิดรับ (6 ธ.ค. 2569)"
    assert same_day.value.message("en") == "The closing date (6 Dec 2026) must come after the opening date (6 Dec 2026)."
    with pytest.raises(CycleError) as early:
        check_dates(2570, dt.date(2026, 6, 30), dt.date(2026, 12, 31))
    assert early.value.message("th") == ("วันเปิดรับ 30 มิ.ย. 2569 ไม่อยู่ในช่วงของปีงบประมาณ 2570 (1 ต.ค. 2569 – 30 ก.ย. 2570):"
                                         " รอบสำรวจเปิดรับได้เร็วสุด 3 เดือนก่อนปีงบประมาณเริ่ม และต้องเปิดรับก่อนปีงบประมาณสิ้นสุด")
    assert early.value.message("en") == ("The opening date 30 Jun 2026 does not fit fiscal year 2027 (1 Oct 2026 – 30 Sep "
                                         "2027): a cycle opens at most three months before its fiscal year starts, and "
                                         "before the year ends.")
    with pytest.raises(CycleError, match="opening date 1 Oct 2027"):
        check_dates(2570, dt.date(2027, 10, 1), dt.date(2027, 12, 1))
    with pytest.raises(CycleError) as late:
        check_dates(2570, dt.date(2027, 6, 1), dt.date(2028, 1, 1))
    assert late.value.message("en").startswith("The closing date 1 Jan 2028 does not fit fiscal year 2027")
    with pytest.raises(CycleError, match="closing date 30 Sep 2026"):
        check_dates(2570, dt.date(2026, 8, 1), dt.date(2026, 9, 30))
