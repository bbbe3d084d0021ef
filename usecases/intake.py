"""Drafts, submission and review of an agency's self-assessment, in the database.

Every function takes a SQLAlchemy session and the acting user's name (`actor`); access checks
are the caller's job. Every change to an answer, a service or a status writes audit rows (who,
when, old and new value, channel) and bumps the data version so cached results refresh.

Saving is optimistic: a save names the response version it started from. When someone else
saved in between, nothing is written and a `Conflict` lists the answers that changed since,
theirs beside yours, so no answer is ever silently lost. The version check is a single
compare-and-set UPDATE, so two racing saves cannot both win on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data.models import Agency, Answer, AuditEntry, Cycle, Response, Service, utcnow
from data.repository import bump_data_version
from survey.answers import keep_lineage, service_key, service_record, show, storage, stored_value, text_or_none
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import DomainError, Localised, Message, Word, Year, message
from survey.validation import (
    AnswerInput,
    Problem,
    ServiceInput,
    errors,
    validate,
)
from survey.workflow import EDITABLE, Channel, InventorySource, Status


class IntakeError(DomainError, ValueError):
    """A request that cannot be carried out (unknown response, agency or cycle)."""


@dataclass(frozen=True)
class ConflictItem:
    """One answer that someone else changed after your version: their stored value and yours."""

    field: str
    theirs: str | None
    yours: str | None
    changed_by: str | None
    you_sent_it: bool


@dataclass(frozen=True)
class Conflict:
    """A refused save: what others changed since your version, and every change of yours left unsaved."""

    response_id: int
    expected_version: int
    current_version: int
    items: tuple[ConflictItem, ...]
    unsaved: tuple[str, ...]
    message: Localised


@dataclass(frozen=True)
class SaveResult:
    """What a save, submission or review step did."""

    ok: bool
    response_id: int
    version: int
    status: str
    problems: list[Problem] = field(default_factory=list)
    changed: tuple[str, ...] = ()
    conflict: Conflict | None = None
    message: Localised | None = None


# ---------------------------------------------------------------------------------------------
# Stored answers <-> inputs














def current_answers(session: Session, response_id: int,
                    catalogue: Catalogue | None = None) -> tuple[dict[str, AnswerInput], list[ServiceInput]]:
    """Return a response's stored answers and service inventory as inputs (what a form shows)."""
    catalogue = catalogue or default_catalogue()
    types = {i.id: i.type for i in catalogue.indicators()}
    answers = {}
    for a in session.scalars(select(Answer).where(Answer.response_id == response_id)):
        answers[a.indicator_id] = AnswerInput(stored_value(types.get(a.indicator_id, ""), a.value_num, a.value_text),
                                              a.evidence, a.comment)
    services = [ServiceInput(code=s.code, name=s.name, digital_level=s.digital_level, annual_volume=s.annual_volume,
                             paper_required=s.paper_required, uses_digital_id=s.uses_digital_id,
                             uses_e_payment=s.uses_e_payment, uses_e_signature=s.uses_e_signature,
                             uses_e_certificate=s.uses_e_certificate, register_status=s.register_status,
                             register_reason=s.register_reason, project=s.project,
                             not_applicable=bool(s.not_applicable))
                for s in session.scalars(select(Service).where(Service.response_id == response_id).order_by(Service.id))]
    return answers, services


def previous_values(session: Session, agency_id: str, cycle_year: int) -> dict[str, float]:
    """Return the agency's numeric answers from its latest earlier cycle (for year-on-year checks)."""
    prev = session.scalar(select(Response.id).where(Response.agency_id == agency_id, Response.cycle_year < cycle_year)
                          .order_by(Response.cycle_year.desc()).limit(1))
    if prev is None:
        return {}
    rows = session.execute(select(Answer.indicator_id, Answer.value_num).where(Answer.response_id == prev)).all()
    return {i: float(v) for i, v in rows if v is not None}


def previous_answers(session: Session, agency_id: str, cycle_year: int,
                     catalogue: Catalogue | None = None) -> tuple[dict[str, AnswerInput], list[ServiceInput]]:
    """Return the agency's answers and services from its latest earlier cycle (empty when there is none)."""
    prev = session.scalar(select(Response.id).where(Response.agency_id == agency_id, Response.cycle_year < cycle_year)
                          .order_by(Response.cycle_year.desc()).limit(1))
    return current_answers(session, prev, catalogue) if prev is not None else ({}, [])






# ---------------------------------------------------------------------------------------------
# Drafts


def load_response(session: Session, response_id: int) -> Response:
    resp = session.get(Response, response_id, populate_existing=True)
    if resp is None:
        raise IntakeError("no_response", id=response_id)
    return resp


def audit_change(session: Session, resp: Response, actor: str, channel: str, action: str, field_name: str | None,
           old: str | None, new: str | None, version: int, note: str | None = None) -> None:
    detail: dict[str, Any] = {"version": version}
    if note:
        detail["note"] = note
    session.add(AuditEntry(at=utcnow(), actor=actor, channel=str(channel), action=action, agency_id=resp.agency_id,
                           cycle_year=resp.cycle_year, response_id=resp.id, field=field_name, old_value=old,
                           new_value=new, detail=json.dumps(detail, ensure_ascii=False)))


def checked_channel(channel: str) -> str:
    allowed = {c.value for c in Channel}
    if channel not in allowed:
        raise ValueError(f"unknown channel {channel!r}; use one of {sorted(allowed)}")
    return str(channel)


def get_or_create_draft(session: Session, agency_id: str, cycle_year: int, actor: str,
                        channel: str = Channel.WEB) -> Response:
    """Return the agency's response for the cycle, creating an empty draft when there is none."""
    checked_channel(channel)
    resp = session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year))
    if resp is not None:
        return resp
    cycle = session.get(Cycle, cycle_year)
    if cycle is None:
        raise IntakeError("no_cycle_year", year=Year(cycle_year))
    if session.get(Agency, agency_id) is None:
        raise IntakeError("no_agency_id", id=agency_id)
    # Two first saves at once must end in one draft: insert unless it exists, then read it back.
    now = utcnow()
    values = {"cycle_year": cycle_year, "agency_id": agency_id, "status": Status.DRAFT.value, "version": 1,
              "catalogue_version": cycle.catalogue_version, "created_at": now, "updated_at": now, "updated_by": actor}
    keys = ["cycle_year", "agency_id"]
    table = cast(Table, Response.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = pg_insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    else:
        raise ValueError(f"unsupported database {dialect!r}; use PostgreSQL or SQLite")
    created = session.execute(stmt.returning(table.c.id)).scalar()
    resp = session.scalars(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year)
                           .execution_options(populate_existing=True)).one()
    if created is not None:
        audit_change(session, resp, actor, channel, "create", "status", None, Status.DRAFT, resp.version)
        bump_data_version(session)
    return resp


def _changed_since(session: Session, response_id: int, version: int) -> dict[str, tuple[str, str | None]]:
    """Return the fields changed after `version`, with who changed each last and the value they left."""
    out: dict[str, tuple[str, str | None]] = {}
    rows = session.execute(select(AuditEntry.field, AuditEntry.actor, AuditEntry.new_value, AuditEntry.detail)
                           .where(AuditEntry.response_id == response_id).order_by(AuditEntry.id)).all()
    for fname, actor, new_value, detail in rows:
        try:
            v = int(json.loads(detail or "{}").get("version", 0))
        except (ValueError, TypeError, AttributeError):
            v = 0
        if v > version and fname:
            out[fname] = (actor, new_value)
    return out


def conflict_of(session: Session, resp: Response, expected: int, yours: Mapping[str, str | None]) -> Conflict:
    current = int(session.scalar(select(Response.version).where(Response.id == resp.id)) or 0)
    changed = _changed_since(session, resp.id, expected)
    stored = {a.indicator_id: a for a in session.scalars(select(Answer).where(Answer.response_id == resp.id))}
    items = []
    for fname, (who, last_value) in changed.items():
        base, _, part = fname.partition("#")
        row = stored.get(base)
        if row is None:
            theirs = last_value  # services, status, and answers since cleared: as the audit left them
        elif part in ("evidence", "comment"):
            theirs = getattr(row, part)
        else:
            theirs = show(row.value_num, row.value_text)
        items.append(ConflictItem(fname, theirs, yours.get(fname), who, fname in yours))
    names = ", ".join(i.field for i in items) or "-"
    return Conflict(resp.id, expected, current, tuple(items), tuple(yours),
                    message("save_conflict", expected=expected, current=current, fields=names))


def next_version(session: Session, resp: Response, expected: int, actor: str, **values: Any) -> bool:
    """Move the response from version `expected` to the next, atomically; False when it moved already."""
    table = cast(Table, Response.__table__)
    result = session.execute(update(table).where(table.c.id == resp.id, table.c.version == expected)
                             .values(version=expected + 1, updated_at=utcnow(), updated_by=actor, **values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(resp)
    return True


def refused(resp: Response, message: Localised, problems: list[Problem] | None = None,
             conflict: Conflict | None = None) -> SaveResult:
    return SaveResult(False, resp.id, resp.version, resp.status, problems or [], (), conflict, message)


def not_editable(resp: Response) -> Message:
    return message("response_status_not_editable", status=Word("status", resp.status))


def save_draft(
    session: Session,
    response_id: int,
    expected_version: int,
    answers: Mapping[str, AnswerInput],
    services: Sequence[ServiceInput] | None,
    actor: str,
    channel: str,
    catalogue: Catalogue | None = None,
) -> SaveResult:
    """Save answers (valid or not) to a draft, unless someone saved after `expected_version`.

    `answers` holds the questions to change (others stay as stored; a missing value clears one);
    `services` replaces the inventory, or None leaves it; a row without the register's lineage keeps
    that of the stored service with its code (`keep_lineage`). Whoever changes the inventory owns it
    (`responses.inventory_source`: "register" for channel register, else "respondent"; see
    `survey.workflow.inventory_counts`). Answers that cannot be stored as clean values are kept as
    typed. Service rows with errors leave the stored inventory as it was (the problems say so). The
    result's problems cover the whole response after the save.
    """
    channel = checked_channel(channel)
    catalogue = catalogue or default_catalogue()
    resp = load_response(session, response_id)
    if resp.status not in EDITABLE:
        return refused(resp, not_editable(resp))
    stored_rows = {a.indicator_id: a for a in session.scalars(select(Answer).where(Answer.response_id == resp.id))}
    stored_inputs, stored_services = current_answers(session, resp.id, catalogue)
    entered = {i.id for i in catalogue.entered_indicators()}

    if services is not None:
        services = keep_lineage(services, stored_services)
    merged = dict(stored_inputs)
    merged.update({k: v if isinstance(v, AnswerInput) else AnswerInput(v) for k, v in answers.items()})
    new_services = list(services) if services is not None else stored_services
    problems = validate(merged, new_services, catalogue, previous_values(session, resp.agency_id, resp.cycle_year))

    # What would change: (field, old, new) and the new stored columns per indicator.
    changes: list[tuple[str, str | None, str | None]] = []
    rows_to_write: dict[str, tuple[float | None, str | None, str | None, str | None]] = {}
    for key, given in answers.items():
        if key not in entered:
            continue
        given = given if isinstance(given, AnswerInput) else AnswerInput(given)
        num, text = storage(key, given.value, catalogue)
        evidence, comment = text_or_none(given.evidence), text_or_none(given.comment)
        old = stored_rows.get(key)
        old_cols = (old.value_num, old.value_text, old.evidence, old.comment) if old else (None, None, None, None)
        if (num, text, evidence, comment) == old_cols:
            continue
        rows_to_write[key] = (num, text, evidence, comment)
        if show(num, text) != show(old_cols[0], old_cols[1]):
            changes.append((key, show(old_cols[0], old_cols[1]), show(num, text)))
        if evidence != old_cols[2]:
            changes.append((f"{key}#evidence", old_cols[2], evidence))
        if comment != old_cols[3]:
            changes.append((f"{key}#comment", old_cols[3], comment))

    service_changes: list[tuple[str, str | None, str | None]] = []
    new_records: list[dict[str, Any]] | None = None
    if services is not None:
        service_errors = [p for p in errors(problems) if p.row is not None]
        if service_errors:
            problems.append(Problem("SVC.01", None, "warning", "services_not_saved", message("services_not_saved")))
        else:
            old_records = [service_record(s) for s in stored_services]
            new_records = [service_record(s) for s in services]
            if old_records != new_records:
                old_by = {service_key(r, i): r for i, r in enumerate(old_records)}
                new_by = {service_key(r, i): r for i, r in enumerate(new_records)}
                for key in list(old_by) + [k for k in new_by if k not in old_by]:
                    before, after = old_by.get(key), new_by.get(key)
                    if before != after:
                        service_changes.append((f"service:{key}",
                                                None if before is None else json.dumps(before, ensure_ascii=False),
                                                None if after is None else json.dumps(after, ensure_ascii=False)))
                if not service_changes:  # same rows, new order
                    service_changes.append(("service:order", None, None))
            else:
                new_records = None

    yours = {f: new for f, _, new in changes + service_changes}
    if resp.version != expected_version:
        conflict = conflict_of(session, resp, expected_version, yours)
        return refused(resp, conflict.message, problems, conflict)
    if not changes and not service_changes:
        return SaveResult(True, resp.id, resp.version, resp.status, problems, (), None, None)
    owner = {}
    if new_records is not None:
        owner["inventory_source"] = (InventorySource.REGISTER if channel == Channel.REGISTER
                                     else InventorySource.RESPONDENT).value
    if not next_version(session, resp, expected_version, actor, **owner):
        conflict = conflict_of(session, resp, expected_version, yours)
        return refused(resp, conflict.message, problems, conflict)

    version = resp.version
    now = utcnow()
    for key, (num, text, evidence, comment) in rows_to_write.items():
        row = stored_rows.get(key)
        if row is None:
            row = Answer(response_id=resp.id, indicator_id=key)
            session.add(row)
        row.value_num, row.value_text, row.evidence, row.comment = num, text, evidence, comment
        row.updated_at, row.updated_by = now, actor
    for fname, old_text, new_text in changes:
        audit_change(session, resp, actor, channel, "answer", fname, old_text, new_text, version)
    if new_records is not None:
        for svc in session.scalars(select(Service).where(Service.response_id == resp.id)):
            session.delete(svc)
        session.flush()
        session.add_all(Service(response_id=resp.id, **r) for r in new_records)
        for fname, old_text, new_text in service_changes:
            audit_change(session, resp, actor, channel, "service", fname, old_text, new_text, version)
    bump_data_version(session)
    session.flush()
    return SaveResult(True, resp.id, version, resp.status, problems,
                      tuple(f for f, _, _ in changes + service_changes), None, None)


# ---------------------------------------------------------------------------------------------
# Submission and review




















# ---------------------------------------------------------------------------------------------
# History and tracking










# ---------------------------------------------------------------------------------------------
# Imports (Excel, CSV): the same validation, refused whole when it has errors










