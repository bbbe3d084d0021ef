"""Who may see and change what: roles, the signed-in principal, and the checks every agency-level read goes through.

Pages get agency-level data only through the functions here, each of which takes the principal and
raises `AccessDenied` (or filters rows) when the caller has no right to it, so a page that forgets
its own check still cannot show or change another agency's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from data import repository
from data.audit import ACCESS_ACTIONS, AccessAction, record
from data.models import Agency, Answer, AuditEntry, Response, utcnow
from survey import clock
from survey.errors import DomainError
from survey.workflow import Channel, Status
from usecases import cycles


class Role(StrEnum):
    RESPONDENT = "respondent"
    COORDINATOR = "coordinator"
    PLANNER = "planner"
    EXECUTIVE = "executive"
    ADMINISTRATOR = "administrator"


ALL_ROLES: frozenset[Role] = frozenset(Role)
ROLE_NAMES: frozenset[str] = frozenset(role.value for role in Role)

#: What a role's scope names: an agency, a ministry, or nothing (the role covers everything).
ROLE_SCOPE: dict[Role, str | None] = {
    Role.RESPONDENT: "agency",
    Role.COORDINATOR: "ministry",
    Role.PLANNER: None,
    Role.EXECUTIVE: None,
    Role.ADMINISTRATOR: None,
}

#: Which roles may open each page, by the page's key (the `url_path` in app.py). Add new pages here.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "overview": ALL_ROLES,
    # The dashboard (issue 6). Agency-level rows inside these pages are filtered by
    # readable_agency_ids, so a coordinator sees their ministry and a respondent their own agency.
    "ministries": frozenset({Role.PLANNER, Role.EXECUTIVE, Role.COORDINATOR}),
    "agency": frozenset({Role.PLANNER, Role.COORDINATOR, Role.RESPONDENT}),
    "gaps": frozenset({Role.PLANNER, Role.EXECUTIVE, Role.COORDINATOR}),
    "adoption": frozenset({Role.PLANNER, Role.EXECUTIVE, Role.COORDINATOR}),
    "quality": frozenset({Role.PLANNER, Role.COORDINATOR}),
    "methodology": ALL_ROLES,
    "account": ALL_ROLES,
    "my_response": frozenset({Role.RESPONDENT}),
    "review": frozenset({Role.COORDINATOR}),
    "tracking": frozenset({Role.COORDINATOR, Role.PLANNER, Role.ADMINISTRATOR}),
    "history": frozenset({Role.RESPONDENT, Role.COORDINATOR, Role.PLANNER, Role.ADMINISTRATOR}),
    "users": frozenset({Role.ADMINISTRATOR}),
    "audit": frozenset({Role.ADMINISTRATOR}),
    "cycles": frozenset({Role.ADMINISTRATOR}),
    "organisations": frozenset({Role.ADMINISTRATOR}),
    "register": frozenset({Role.ADMINISTRATOR}),
    "instrument": frozenset({Role.ADMINISTRATOR, Role.PLANNER}),
    "targets": frozenset({Role.PLANNER, Role.ADMINISTRATOR}),
    "follow_up": frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.COORDINATOR}),
}

#: Roles that read every agency's responses and answers.
READ_ALL_ROLES: frozenset[Role] = frozenset({Role.PLANNER})
#: Roles that export national and ministry summaries.
SUMMARY_EXPORT_ROLES: frozenset[Role] = frozenset({Role.PLANNER, Role.EXECUTIVE})
#: Response states in which a respondent may still change answers.
EDITABLE_STATUSES: frozenset[str] = frozenset({Status.DRAFT, Status.RETURNED})


class AccessDenied(DomainError, PermissionError):
    """The caller has no right to this (`key` names why: access_denied, cycle_closed, export_denied...)."""

    def __init__(self, key: str = "access_denied") -> None:
        super().__init__(key)


@dataclass(frozen=True)
class Grant:
    """One role with its scope: an agency for a respondent, a ministry for a coordinator."""

    role: Role
    agency_id: str | None = None
    ministry_id: str | None = None


@dataclass(frozen=True)
class Principal:
    """The signed-in user and the roles they hold, as the checks here see them."""

    user_id: int
    username: str
    display_name: str = ""
    grants: frozenset[Grant] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def agency_scope(self) -> frozenset[str]:
        return frozenset(g.agency_id for g in self.grants if g.role == Role.RESPONDENT and g.agency_id)

    def ministry_scope(self) -> frozenset[str]:
        return frozenset(g.ministry_id for g in self.grants if g.role == Role.COORDINATOR and g.ministry_id)


# Pages ------------------------------------------------------------------------------------------

def can_open(principal: Principal, page: str) -> bool:
    """True when one of the principal's roles may open `page` (a key of `PAGE_ROLES`)."""
    if page not in PAGE_ROLES:
        raise ValueError(f"unknown page {page!r}; known: {sorted(PAGE_ROLES)}")
    return bool(principal.roles & PAGE_ROLES[page])


def allowed_pages(principal: Principal) -> list[str]:
    """Return the keys of the pages the principal may open, in the order of `PAGE_ROLES`."""
    return [page for page in PAGE_ROLES if can_open(principal, page)]


def require_page(principal: Principal, page: str) -> None:
    if not can_open(principal, page):
        raise AccessDenied()


# Agencies ---------------------------------------------------------------------------------------

def _agency_clause(principal: Principal) -> ColumnElement[bool] | None:
    """Return the SQL condition on `Agency.id` for the agencies the principal reads; None means all."""
    if principal.has(*READ_ALL_ROLES):
        return None
    parts: list[ColumnElement[bool]] = []
    if principal.agency_scope():
        parts.append(Agency.id.in_(sorted(principal.agency_scope())))
    if principal.ministry_scope():
        parts.append(Agency.ministry_id.in_(sorted(principal.ministry_scope())))
    return or_(*parts) if parts else false()


def readable_agency_ids(session: Session, principal: Principal) -> frozenset[str]:
    """Return the ids of the agencies whose responses, answers and audit trail the principal may read."""
    stmt = select(Agency.id)
    clause = _agency_clause(principal)
    if clause is not None:
        stmt = stmt.where(clause)
    return frozenset(session.scalars(stmt))


def writable_agency_ids(session: Session, principal: Principal) -> frozenset[str]:
    """Return the ids of the agencies whose answers the principal may change (respondents only)."""
    scope = principal.agency_scope()
    if not scope:
        return frozenset()
    return frozenset(session.scalars(select(Agency.id).where(Agency.id.in_(sorted(scope)))))


def can_read_agency(session: Session, principal: Principal, agency_id: str) -> bool:
    clause = _agency_clause(principal)
    stmt = select(Agency.id).where(Agency.id == agency_id)
    if clause is not None:
        stmt = stmt.where(clause)
    return session.scalar(stmt) is not None


def require_read_agency(session: Session, principal: Principal, agency_id: str) -> None:
    if not can_read_agency(session, principal, agency_id):
        raise AccessDenied()


def _response(session: Session, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise AccessDenied()  # the same answer as for a forbidden one: ids reveal nothing
    return response


def require_read_response(session: Session, principal: Principal, response_id: int) -> Response:
    """Return the response when the principal may read it, else raise `AccessDenied`."""
    response = _response(session, response_id)
    require_read_agency(session, principal, response.agency_id)
    return response


def require_open_cycle(session: Session, agency_id: str, cycle_year: int, today: dt.date | None = None) -> None:
    """Raise `AccessDenied("cycle_closed")` unless the cycle still accepts changes from the agency on `today`.

    A closed cycle accepts them only from an agency an administrator has given a deadline of its
    own that has not passed (`usecases.cycles.accepts_changes`); the message says who can reopen it.
    """
    if not cycles.accepts_changes(session, cycle_year, agency_id, today or clock.today()):
        raise AccessDenied("cycle_closed")


def require_write_response(session: Session, principal: Principal, response_id: int,
                           today: dt.date | None = None) -> Response:
    """Return the response when the principal may change its answers now, else raise `AccessDenied`.

    Now means: the principal answers for its agency, the response is a draft or returned, and its
    cycle still accepts changes from the agency on `today` (open, or closed with an extension).
    """
    response = _response(session, response_id)
    if response.agency_id not in principal.agency_scope():
        raise AccessDenied()
    if response.status not in EDITABLE_STATUSES:
        raise AccessDenied("response_not_editable")
    require_open_cycle(session, response.agency_id, response.cycle_year, today)
    return response


def require_review_response(session: Session, principal: Principal, response_id: int) -> Response:
    """Return the response when the principal coordinates its agency's ministry, else raise `AccessDenied`."""
    response = _response(session, response_id)
    ministry = session.scalar(select(Agency.ministry_id).where(Agency.id == response.agency_id))
    if ministry is None or ministry not in principal.ministry_scope():
        raise AccessDenied()
    return response


# Reads ------------------------------------------------------------------------------------------

def _only_readable(session: Session, principal: Principal, frame: pd.DataFrame) -> pd.DataFrame:
    if principal.has(*READ_ALL_ROLES):
        return frame
    keep = frame["agency_id"].isin(readable_agency_ids(session, principal))
    return frame.loc[keep].reset_index(drop=True)


def authorised_responses(session: Session, principal: Principal, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return the responses (one row per agency and cycle) of the agencies the principal may read."""
    return _only_readable(session, principal, repository.responses(session, years))


def authorised_answers(session: Session, principal: Principal, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return answers in long form for the agencies the principal may read."""
    return _only_readable(session, principal, repository.answers(session, years))


def authorised_services(session: Session, principal: Principal, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return service inventories for the agencies the principal may read."""
    return _only_readable(session, principal, repository.services(session, years))


def response_answers(session: Session, principal: Principal, response_id: int) -> pd.DataFrame:
    """Return one response's answers, when the principal may read it."""
    require_read_response(session, principal, response_id)
    stmt = select(Answer.indicator_id, Answer.value_num, Answer.value_text, Answer.evidence, Answer.comment,
                  Answer.updated_at, Answer.updated_by).where(Answer.response_id == response_id)
    rows = session.execute(stmt.order_by(Answer.indicator_id)).all()
    return pd.DataFrame.from_records(rows, columns=["indicator_id", "value_num", "value_text", "evidence", "comment",
                                                    "updated_at", "updated_by"])


# Writes -----------------------------------------------------------------------------------------

def write_answer(session: Session, principal: Principal, response_id: int, indicator_id: str, *,
                 value_num: float | None = None, value_text: str | None = None, evidence: str | None = None,
                 comment: str | None = None, channel: str = Channel.WEB) -> Answer:
    """Set one answer of a response the principal may change, and record the change in the audit log."""
    response = require_write_response(session, principal, response_id)
    answer = session.scalar(select(Answer).where(Answer.response_id == response_id,
                                                 Answer.indicator_id == indicator_id))
    now = utcnow()
    if answer is None:
        answer = Answer(response_id=response_id, indicator_id=indicator_id)
        session.add(answer)
    old = (answer.value_num, answer.value_text, answer.evidence, answer.comment)
    answer.value_num, answer.value_text, answer.evidence, answer.comment = value_num, value_text, evidence, comment
    answer.updated_at, answer.updated_by = now, principal.username
    for name, before, after in zip(("value_num", "value_text", "evidence", "comment"), old,
                                   (value_num, value_text, evidence, comment), strict=True):
        if before != after:
            record(session, principal.username, channel, "answer_change", agency_id=response.agency_id,
                   cycle_year=response.cycle_year, response_id=response_id, field=f"{indicator_id}.{name}",
                   old_value=None if before is None else str(before),
                   new_value=None if after is None else str(after), at=now)
    response.updated_at, response.updated_by = now, principal.username
    session.flush()
    repository.bump_data_version(session)
    return answer


# Exports and audit ------------------------------------------------------------------------------

def check_export(session: Session, principal: Principal, agency_ids: Collection[str] | None = None,
                 allowed_roles: Collection[Role] = ()) -> None:
    """Raise `AccessDenied("export_denied")` unless the principal may export these data; record nothing.

    `agency_ids` None means a summary (national or ministry figures): planners and executives.
    Otherwise every agency listed must be one the principal may read. A principal holding one of
    `allowed_roles` may export this particular list whatever its scope (e.g. administrators the
    contact list of late agencies). An export job checks this when it starts; the download then
    goes through `require_export`, which checks again and records it.
    """
    if principal.has(*allowed_roles):
        return
    if agency_ids is None:
        if not principal.has(*SUMMARY_EXPORT_ROLES):
            raise AccessDenied("export_denied")
    elif not principal.has(*READ_ALL_ROLES) and not set(agency_ids) <= readable_agency_ids(session, principal):
        raise AccessDenied("export_denied")


def require_export(session: Session, principal: Principal, what: str, agency_ids: Collection[str] | None = None,
                   channel: str = Channel.WEB, now: dt.datetime | None = None,
                   allowed_roles: Collection[Role] = ()) -> None:
    """Check that the principal may export `what` (`check_export`), and record the export in the audit log."""
    check_export(session, principal, agency_ids, allowed_roles)
    scope = "summary" if agency_ids is None else f"{len(set(agency_ids))} agencies"
    only = next(iter(agency_ids)) if agency_ids is not None and len(set(agency_ids)) == 1 else None
    record(session, principal.username, channel, AccessAction.EXPORT, detail=f"{what} ({scope})",
           agency_id=only, at=now)


def can_export_summary(principal: Principal) -> bool:
    return principal.has(*SUMMARY_EXPORT_ROLES)


_AUDIT_COLUMNS = ("at", "actor", "channel", "action", "agency_id", "cycle_year", "response_id", "field",
                  "old_value", "new_value", "detail")


def _audit_frame(session: Session, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    rows = session.execute(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
    return pd.DataFrame.from_records(rows, columns=list(_AUDIT_COLUMNS))


def audit_trail(session: Session, principal: Principal, agency_id: str) -> pd.DataFrame:
    """Return an agency's audit trail, newest first, when the principal may read the agency or administers."""
    if not principal.has(Role.ADMINISTRATOR):
        require_read_agency(session, principal, agency_id)
    stmt = select(*(getattr(AuditEntry, c) for c in _AUDIT_COLUMNS)).where(AuditEntry.agency_id == agency_id)
    return _audit_frame(session, stmt)


def access_log(session: Session, principal: Principal, *, actions: Collection[str] | None = None,
               since: dt.datetime | None = None, until: dt.datetime | None = None, actor: str | None = None,
               limit: int = 5000) -> pd.DataFrame:
    """Return sign-ins, failed sign-ins, exports and role changes, newest first (administrators only)."""
    if not principal.has(Role.ADMINISTRATOR):
        raise AccessDenied()
    chosen = sorted(set(actions) & ACCESS_ACTIONS) if actions else sorted(ACCESS_ACTIONS)
    stmt = select(*(getattr(AuditEntry, c) for c in _AUDIT_COLUMNS)).where(AuditEntry.action.in_(chosen))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    return _audit_frame(session, stmt.limit(limit))
