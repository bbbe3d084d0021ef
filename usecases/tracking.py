"""Who is expected in a cycle and where each agency stands; an agency's audited history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, AuditEntry, Cycle, FrameEntry, Response
from survey import clock
from survey.catalogue import Text
from survey.cells import csv_bytes
from survey.workflow import NOT_STARTED, Status, deadline, is_late
from usecases import access
from usecases.access import AccessDenied, Principal, Role

AUDIT_COLUMNS = ("at", "actor", "channel", "action", "cycle_year", "response_id", "field", "old_value",
                   "new_value", "detail")



def history_rows(session: Session, agency_id: str, cycle_year: int | None = None) -> pd.DataFrame:
    """Return every audited change for an agency (optionally one cycle), oldest first."""
    stmt = select(*(getattr(AuditEntry, c) for c in AUDIT_COLUMNS)).where(AuditEntry.agency_id == agency_id)
    if cycle_year is not None:
        stmt = stmt.where(AuditEntry.cycle_year == cycle_year)
    rows = session.execute(stmt.order_by(AuditEntry.at, AuditEntry.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(AUDIT_COLUMNS))



def tracking_rows(session: Session, cycle_year: int, today: dt.date | None = None) -> pd.DataFrame:
    """Return one row per expected agency: status (or not_started), deadline, submission date, late, and who wrote
    its service inventory (inventory_source: "register", counted without submission, or "respondent").

    Late: submitted after the agency's deadline, or not submitted and the deadline has passed.
    """
    today = today or clock.today()
    cycle = session.get(Cycle, cycle_year)
    closes = cycle.closes_on if cycle else None
    stmt = (select(FrameEntry.agency_id, Agency.ministry_id, Agency.name_th, Agency.name_en, FrameEntry.deadline,
                   Response.status, Response.submitted_at, Response.inventory_source)
            .join(Agency, Agency.id == FrameEntry.agency_id)
            .outerjoin(Response, (Response.agency_id == FrameEntry.agency_id) & (Response.cycle_year == cycle_year))
            .where(FrameEntry.cycle_year == cycle_year).order_by(FrameEntry.agency_id))
    records = []
    for agency_id, ministry_id, name_th, name_en, own, status, submitted_at, source in session.execute(stmt):
        due = deadline(closes, own)
        status = status or NOT_STARTED
        # A returned response is judged as not submitted: it is due again.
        submitted_on = clock.local_date(submitted_at) if submitted_at is not None and status != Status.RETURNED else None
        late = is_late(due, submitted_on, today)
        records.append({"agency_id": agency_id, "ministry_id": ministry_id, "name_th": name_th, "name_en": name_en,
                        "deadline": due, "status": status, "submitted_at": submitted_at, "late": bool(late),
                        "inventory_source": source})
    cols = ["agency_id", "ministry_id", "name_th", "name_en", "deadline", "status", "submitted_at", "late",
            "inventory_source"]
    return pd.DataFrame.from_records(records, columns=cols)



def tracking_summary(per_agency: pd.DataFrame) -> dict[str, int]:
    """Return the counts a completeness view shows: expected, each status, not started, late."""
    counts = per_agency["status"].value_counts() if not per_agency.empty else pd.Series(dtype=int)
    out = {"expected": len(per_agency)}
    for s in (NOT_STARTED, *(st.value for st in Status)):
        out[s] = int(counts.get(s, 0))
    out["late"] = int(per_agency["late"].sum()) if not per_agency.empty else 0
    return out


#: Roles that track every agency (coordinators track their ministries').
TRACKING_ROLES = (Role.PLANNER, Role.ADMINISTRATOR)



def cycles(session: Session, principal: Principal) -> list[int]:
    """Return every cycle year, newest first (cycles are no secret: every signed-in user may list them)."""
    return list(session.scalars(select(Cycle.year_be).order_by(Cycle.year_be.desc())))



def tracking(session: Session, principal: Principal, cycle_year: int, today: dt.date | None = None) -> pd.DataFrame:
    """Return who is expected in the cycle and where each stands: all agencies, or a coordinator's ministries."""
    frame = tracking_rows(session, cycle_year, today)
    if principal.has(*TRACKING_ROLES):
        return frame
    ministries = principal.ministry_scope()
    if not ministries:
        raise AccessDenied()
    return frame.loc[frame["ministry_id"].isin(ministries)].reset_index(drop=True)



def tracking_csv(session: Session, principal: Principal, cycle_year: int, today: dt.date | None = None) -> bytes:
    """Return the tracking table as CSV, after checking and auditing the export."""
    frame = tracking(session, principal, cycle_year, today)
    agencies = None if principal.has(*TRACKING_ROLES) else list(frame["agency_id"])
    access.require_export(session, principal, f"tracking {cycle_year}", agencies, allowed_roles=TRACKING_ROLES)
    return csv_bytes(frame)



def history_agencies(session: Session, principal: Principal) -> list[tuple[str, Text]]:
    """Return the agencies whose history the principal may read (administrators: all)."""
    stmt = select(Agency.id, Agency.name_th, Agency.name_en).order_by(Agency.id)
    if not principal.has(Role.ADMINISTRATOR):
        stmt = stmt.where(Agency.id.in_(sorted(access.readable_agency_ids(session, principal))))
    return [(i, Text(th, en)) for i, th, en in session.execute(stmt).all()]



HISTORY_COLUMNS = ["at", "actor", "channel", "action", "cycle_year", "field", "old_value", "new_value"]



def history(session: Session, principal: Principal, agency_id: str) -> pd.DataFrame:
    """Return the agency's audit trail (who, when, field, old, new, channel), newest first."""
    return access.audit_trail(session, principal, agency_id)[HISTORY_COLUMNS]



def history_csv(session: Session, principal: Principal, agency_id: str) -> bytes:
    """Return the agency's audit trail as CSV, after checking and auditing the export."""
    frame = history(session, principal, agency_id)
    access.require_export(session, principal, f"history {agency_id}", [agency_id], allowed_roles=(Role.ADMINISTRATOR,))
    return csv_bytes(frame)
