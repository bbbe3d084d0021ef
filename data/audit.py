"""Write entries to the audit log: changes to answers, sign-ins, exports and role changes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy.orm import Session

from data.models import AuditEntry, utcnow


class AccessAction(StrEnum):
    """Audit actions about who got in and what left the system."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    LOCKED_OUT = "locked_out"
    PASSWORD_CHANGE = "password_change"
    EXPORT = "export"
    ROLE_CHANGE = "role_change"
    USER_CREATE = "user_create"
    USER_DEACTIVATE = "user_deactivate"
    USER_REACTIVATE = "user_reactivate"
    USER_IMPORT = "user_import"


ACCESS_ACTIONS: frozenset[str] = frozenset(AccessAction)


def record(session: Session, actor: str, channel: str, action: str, *, detail: str | None = None,
           agency_id: str | None = None, cycle_year: int | None = None, response_id: int | None = None,
           field: str | None = None, old_value: str | None = None, new_value: str | None = None,
           at: dt.datetime | None = None) -> AuditEntry:
    """Add one audit entry to the session (it is written with the session's transaction)."""
    entry = AuditEntry(at=at or utcnow(), actor=actor[:100], channel=channel, action=action, detail=detail,
                       agency_id=agency_id, cycle_year=cycle_year, response_id=response_id, field=field,
                       old_value=old_value, new_value=new_value)
    session.add(entry)
    return entry
