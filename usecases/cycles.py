"""Survey cycles: open one from last year's, set its frame, extend deadlines, close it. Audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.models import Agency, AuditEntry, Cycle, FrameEntry
from data.repository import bump_data_version
from survey import clock, workflow
from survey.errors import DomainError, Year
from survey.workflow import Channel
from survey.years import to_be, to_ce


class CycleError(DomainError, ValueError):
    """A cycle operation that cannot be done."""


def _audit(session: Session, actor: str, channel: str, action: str, year: int, detail: str,
           agency_id: str | None = None, old: str | None = None, new: str | None = None) -> None:
    session.add(AuditEntry(actor=actor, channel=channel, action=action, cycle_year=year, agency_id=agency_id,
                           old_value=old, new_value=new, detail=detail))


#: A cycle may open up to this long before its fiscal year starts and close up to this long after it ends
#: (a survey of the year's plans often opens in September; late agencies are chased after September).
NEAR_FISCAL_YEAR = dt.timedelta(days=92)
#: How long a proposed cycle stays open.
PROPOSED_LENGTH = dt.timedelta(days=90)


def check_dates(year: int, opens_on: dt.date, closes_on: dt.date) -> None:
    """Refuse dates that do not make a cycle of fiscal year `year`: closing on or before opening, or opening or
    closing more than `NEAR_FISCAL_YEAR` outside the fiscal year (1 October to 30 September)."""
    year = to_be(year)
    if closes_on <= opens_on:
        raise CycleError("cycle_closes_not_after_opens", opens=opens_on, closes=closes_on)
    first, last = clock.fiscal_year_bounds(year)
    bounds = {"year": Year(year), "first": first, "last": last}
    if not first - NEAR_FISCAL_YEAR <= opens_on <= last:
        raise CycleError("cycle_opens_outside_fiscal_year", opens=opens_on, **bounds)
    if not first <= closes_on <= last + NEAR_FISCAL_YEAR:
        raise CycleError("cycle_closes_outside_fiscal_year", closes=closes_on, **bounds)


@dataclass(frozen=True)
class Proposal:
    """The cycle the Cycles page proposes to open: its fiscal year (B.E.), dates, and the cycle whose frame it copies."""

    year: int
    opens_on: dt.date
    closes_on: dt.date
    copy_frame_from: int | None


def propose(existing: Iterable[int], today: dt.date | None = None) -> Proposal:
    """Return the cycle to open next: the current fiscal year's (the next one once it exists), opening today (or on
    the first day of its fiscal year when that is later) for `PROPOSED_LENGTH`."""
    today = today or clock.today()
    years = sorted(to_be(y) for y in existing)
    year = clock.fiscal_year_be(today)
    while year in years:
        year += 1
    opens = max(today, clock.fiscal_year_bounds(year)[0])
    earlier = [y for y in years if y < year]
    return Proposal(year, opens, opens + PROPOSED_LENGTH, earlier[-1] if earlier else None)


def open_years(session: Session) -> list[int]:
    """Return the years of the cycles open now."""
    return list(session.scalars(select(Cycle.year_be).where(Cycle.status == "open").order_by(Cycle.year_be)))


def get_cycle(session: Session, year: int) -> Cycle:
    cycle = session.get(Cycle, to_be(year))
    if cycle is None:
        raise CycleError("cycle_not_found", year=to_be(year))
    return cycle


def open_cycle(session: Session, year: int, opens_on: dt.date, closes_on: dt.date, catalogue_version: str,
               actor: str, copy_frame_from: int | None = None, add: Iterable[str] = (),
               remove: Iterable[str] = (), channel: str = Channel.WEB) -> Cycle:
    """Open a new cycle; its frame is last year's (or `copy_frame_from`'s) plus `add`, less `remove`.

    Without a cycle to copy from, the frame is every active agency.
    """
    year = to_be(year)
    if session.get(Cycle, year) is not None:
        raise CycleError("cycle_exists", year=year)
    if closes_on < opens_on:
        raise CycleError("closes_before_opens")
    source = copy_frame_from if copy_frame_from is not None else year - 1
    frame = set(session.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == to_be(source))))
    if not frame:
        frame = set(session.scalars(select(Agency.id).where(Agency.active.is_(True))))
    frame = (frame | set(add)) - set(remove)
    _check_agencies(session, frame)
    cycle = Cycle(year_be=year, year_ce=to_ce(year), opens_on=opens_on, closes_on=closes_on,
                  catalogue_version=catalogue_version, status="open")
    session.add(cycle)
    session.flush()
    session.add_all(FrameEntry(cycle_year=year, agency_id=a) for a in sorted(frame))
    _audit(session, actor, channel, "cycle_open", year,
           f"frame of {len(frame)} agencies from {to_be(source)}; closes {closes_on.isoformat()}")
    bump_data_version(session)
    return cycle


def _check_agencies(session: Session, ids: set[str]) -> None:
    known = set(session.scalars(select(Agency.id).where(Agency.id.in_(ids)))) if ids else set()
    unknown = sorted(ids - known)
    if unknown:
        names = ", ".join(unknown)
        raise CycleError("unknown_agencies", ids=names)


def set_frame(session: Session, year: int, add: Iterable[str], remove: Iterable[str], actor: str,
              channel: str = Channel.WEB) -> list[str]:
    """Add agencies to, and remove them from, a cycle's frame; return the new frame."""
    cycle = get_cycle(session, year)
    add, remove = set(add), set(remove)
    _check_agencies(session, add)
    current = set(session.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == cycle.year_be)))
    for agency_id in sorted(add - current):
        session.add(FrameEntry(cycle_year=cycle.year_be, agency_id=agency_id))
        _audit(session, actor, channel, "frame_add", cycle.year_be, "added to the frame", agency_id)
    if remove & current:
        session.execute(delete(FrameEntry).where(FrameEntry.cycle_year == cycle.year_be,
                                                 FrameEntry.agency_id.in_(remove & current)))
        for agency_id in sorted(remove & current):
            _audit(session, actor, channel, "frame_remove", cycle.year_be, "removed from the frame", agency_id)
    bump_data_version(session)
    return sorted((current | add) - remove)


def extend_deadline(session: Session, year: int, new_date: dt.date, actor: str, agency_id: str | None = None,
                    channel: str = Channel.WEB) -> None:
    """Move the closing date of the whole cycle, or only one agency's deadline."""
    cycle = get_cycle(session, year)
    if new_date < cycle.opens_on:
        raise CycleError("closes_before_opens")
    if agency_id is None:
        old = cycle.closes_on
        cycle.closes_on = new_date
        if cycle.status == "closed" and new_date >= clock.today():
            cycle.status = "open"
        _audit(session, actor, channel, "deadline_extend", cycle.year_be, "whole cycle",
               old=old.isoformat(), new=new_date.isoformat())
    else:
        entry = session.get(FrameEntry, (cycle.year_be, agency_id))
        if entry is None:
            raise CycleError("agency_not_in_frame", agency=agency_id, year=cycle.year_be)
        old_deadline = entry.deadline
        entry.deadline = new_date
        _audit(session, actor, channel, "deadline_extend", cycle.year_be, "one agency", agency_id,
               old=old_deadline.isoformat() if old_deadline else None, new=new_date.isoformat())
    session.flush()


def deadline_for(session: Session, year: int, agency_id: str) -> dt.date:
    """Return the date an agency's submission is due: its own extension, else the cycle's close."""
    cycle = get_cycle(session, year)
    entry = session.get(FrameEntry, (cycle.year_be, agency_id))
    return workflow.deadline(cycle.closes_on, entry.deadline if entry is not None else None) or cycle.closes_on


def accepts_submission(session: Session, year: int, agency_id: str, today: dt.date) -> bool:
    """True when an agency may still submit for the cycle on `today`."""
    return today <= deadline_for(session, year, agency_id)


def accepts_changes(session: Session, year: int, agency_id: str, today: dt.date) -> bool:
    """True when an agency may still change (and resubmit) its response for the cycle on `today`.

    An open cycle accepts changes from every agency (submitting still needs the deadline,
    `accepts_submission`). A closed cycle accepts them only from an agency an administrator gave
    its own deadline (`extend_deadline` with the agency) that has not passed; extending the whole
    cycle to a date not yet passed reopens it for everyone.
    """
    cycle = session.get(Cycle, to_be(year))
    if cycle is None:
        return False
    if cycle.status == "open":
        return True
    entry = session.get(FrameEntry, (cycle.year_be, agency_id))
    if entry is None or entry.deadline is None:
        return False
    due = workflow.deadline(cycle.closes_on, entry.deadline)
    return due is not None and today <= due


def close_cycle(session: Session, year: int, actor: str, channel: str = Channel.WEB) -> None:
    cycle = get_cycle(session, year)
    cycle.status = "closed"
    _audit(session, actor, channel, "cycle_close", cycle.year_be, "closed")
    session.flush()


@dataclass(frozen=True)
class CycleInfo:
    year_be: int
    opens_on: dt.date
    closes_on: dt.date
    catalogue_version: str
    status: str
    expected: int


def frame_ids(session: Session, year: int) -> list[str]:
    """Return the ids of the agencies expected to answer in a cycle."""
    return sorted(session.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == to_be(year))))


def list_cycles(session: Session) -> list[CycleInfo]:
    """Return every cycle, oldest first, with the size of its frame."""
    sizes = dict(session.execute(select(FrameEntry.cycle_year, func.count()).group_by(FrameEntry.cycle_year)).all())
    return [CycleInfo(c.year_be, c.opens_on, c.closes_on, c.catalogue_version, c.status, int(sizes.get(c.year_be, 0)))
            for c in session.scalars(select(Cycle).order_by(Cycle.year_be))]
