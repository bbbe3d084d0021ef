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

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data import cycles
from data.models import Agency, Answer, AuditEntry, Cycle, FrameEntry, Response, ReviewComment, Service, utcnow
from data.repository import bump_data_version
from survey.catalogue import Catalogue, Text, default_catalogue
from survey.validation import (
    MAX_TEXT,
    SERVICE_BOOLEANS,
    AnswerInput,
    Problem,
    ServiceInput,
    clean_answer,
    clean_text,
    errors,
    is_missing,
    normalise_value,
    parse_level,
    parse_number,
    parse_yes_no,
    validate,
)
from survey.workflow import Channel, Status
from survey.years import display_year, to_be

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
#: Allowed review transitions: from -> to.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.RETURNED, Status.APPROVED}),
    Status.RETURNED: frozenset({Status.SUBMITTED}),
    Status.APPROVED: frozenset({Status.LOCKED}),
    Status.LOCKED: frozenset(),
}
REOPENABLE = frozenset({Status.SUBMITTED, Status.APPROVED, Status.LOCKED})
NOT_STARTED = "not_started"
SERVICE_FIELDS = ("code", "name", "digital_level", "annual_volume", *SERVICE_BOOLEANS)


class IntakeError(ValueError):
    """A request that cannot be carried out (unknown response, agency or cycle), in both languages."""

    def __init__(self, message: Text):
        self.text = message
        super().__init__(message.en)


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
    message: Text


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
    message: Text | None = None


# ---------------------------------------------------------------------------------------------
# Stored answers <-> inputs


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _raw_text(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return [clean_text(str(v))[:200] for v in value]
    return clean_text(str(value))[:MAX_TEXT]


def storage(ind_id: str, value: Any, catalogue: Catalogue) -> tuple[float | None, str | None]:
    """Return (value_num, value_text) to store: the clean value, or what was typed when it is not valid."""
    ind = catalogue.indicator(ind_id)
    value = normalise_value(ind, value)
    if is_missing(value):
        return None, None
    cleaned, _ = clean_answer(ind, value, catalogue)
    if cleaned is not None:
        if cleaned.choices is not None:
            order = ind.option_ids()
            return cleaned.number, json.dumps(sorted(cleaned.choices, key=order.index))
        return cleaned.number, None
    return None, json.dumps(_raw_text(value), ensure_ascii=False)


def stored_value(ind_type: str, value_num: float | None, value_text: str | None) -> Any:
    """Return a stored answer as an input value (a list for multi-choice, a whole number where whole)."""
    if value_text is not None:
        try:
            return json.loads(value_text)
        except ValueError:
            return value_text
    if value_num is None:
        return None
    if ind_type in ("count", "stage", "yes_no") and float(value_num).is_integer():
        return int(value_num)
    return value_num


def show(value_num: float | None, value_text: str | None) -> str | None:
    """Return a stored value as the audit trail and conflicts show it."""
    if value_text is not None:
        return value_text
    return None if value_num is None else _fmt(value_num)


def _text_or_none(x: Any) -> str | None:
    text = None if x is None else clean_text(str(x))
    if text is None or not text.strip():
        return None
    return text[:MAX_TEXT]


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
                             uses_e_certificate=s.uses_e_certificate)
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


def _service_record(svc: ServiceInput) -> dict[str, Any]:
    level = parse_level(svc.digital_level)
    volume = None if is_missing(svc.annual_volume) else parse_number(svc.annual_volume)
    record: dict[str, Any] = {
        "code": None if is_missing(svc.code) else clean_text(str(svc.code)).strip()[:64],
        "name": clean_text(str(svc.name)).strip()[:300],
        "digital_level": int(level) if level is not None else 0,
        "annual_volume": int(volume) if volume is not None else None,
    }
    for flag in SERVICE_BOOLEANS:
        raw = getattr(svc, flag)
        record[flag] = (flag == "paper_required") if is_missing(raw) else parse_yes_no(raw) == 1.0
    return record


def _service_key(record: Mapping[str, Any], row: int) -> str:
    return str(record.get("code") or record.get("name") or f"row {row + 1}")[:56]


# ---------------------------------------------------------------------------------------------
# Drafts


def _response(session: Session, response_id: int) -> Response:
    resp = session.get(Response, response_id, populate_existing=True)
    if resp is None:
        raise IntakeError(Text(f"ไม่พบแบบสำรวจหมายเลข {response_id}", f"no response with id {response_id}"))
    return resp


def _audit(session: Session, resp: Response, actor: str, channel: str, action: str, field_name: str | None,
           old: str | None, new: str | None, version: int, note: str | None = None) -> None:
    detail: dict[str, Any] = {"version": version}
    if note:
        detail["note"] = note
    session.add(AuditEntry(at=utcnow(), actor=actor, channel=str(channel), action=action, agency_id=resp.agency_id,
                           cycle_year=resp.cycle_year, response_id=resp.id, field=field_name, old_value=old,
                           new_value=new, detail=json.dumps(detail, ensure_ascii=False)))


def _check_channel(channel: str) -> str:
    allowed = {c.value for c in Channel}
    if channel not in allowed:
        raise ValueError(f"unknown channel {channel!r}; use one of {sorted(allowed)}")
    return str(channel)


def get_or_create_draft(session: Session, agency_id: str, cycle_year: int, actor: str,
                        channel: str = Channel.WEB) -> Response:
    """Return the agency's response for the cycle, creating an empty draft when there is none."""
    _check_channel(channel)
    resp = session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year))
    if resp is not None:
        return resp
    cycle = session.get(Cycle, cycle_year)
    if cycle is None:
        raise IntakeError(Text(f"ไม่มีรอบสำรวจปี {display_year(cycle_year, 'th')}",
                               f"there is no survey cycle {display_year(cycle_year, 'en')}"))
    if session.get(Agency, agency_id) is None:
        raise IntakeError(Text(f"ไม่พบหน่วยงานรหัส {agency_id}", f"no agency with id {agency_id}"))
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
        _audit(session, resp, actor, channel, "create", "status", None, Status.DRAFT, resp.version)
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


def _conflict(session: Session, resp: Response, expected: int, yours: Mapping[str, str | None]) -> Conflict:
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
    return Conflict(resp.id, expected, current, tuple(items), tuple(yours), Text(
        f"มีผู้อื่นบันทึกแบบสำรวจนี้หลังจากที่ท่านเปิด (ฉบับ {expected} เป็น {current}) ยังไม่ได้บันทึกข้อมูลของท่าน "
        f"ข้อที่เปลี่ยน: {names} กรุณาตรวจสอบแล้วบันทึกอีกครั้ง",
        f"Someone else saved this response after you opened it (version {expected} -> {current}); nothing of yours "
        f"was saved. Changed since: {names}. Review them and save again."))


def _cas(session: Session, resp: Response, expected: int, actor: str, **values: Any) -> bool:
    """Move the response from version `expected` to the next, atomically; False when it moved already."""
    table = cast(Table, Response.__table__)
    result = session.execute(update(table).where(table.c.id == resp.id, table.c.version == expected)
                             .values(version=expected + 1, updated_at=utcnow(), updated_by=actor, **values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(resp)
    return True


def _refused(resp: Response, message: Text, problems: list[Problem] | None = None,
             conflict: Conflict | None = None) -> SaveResult:
    return SaveResult(False, resp.id, resp.version, resp.status, problems or [], (), conflict, message)


def _not_editable(resp: Response) -> Text:
    return Text(f"แบบสำรวจอยู่ในสถานะ {resp.status} แก้ไขไม่ได้ (แก้ได้เฉพาะฉบับร่างหรือฉบับที่ถูกส่งกลับ)",
                f"the response is {resp.status} and cannot be edited (only drafts and returned responses can)")


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
    `services` replaces the inventory, or None leaves it. Answers that cannot be stored as clean
    values are kept as typed. Service rows with errors leave the stored inventory as it was (the
    problems say so). The result's problems cover the whole response after the save.
    """
    channel = _check_channel(channel)
    catalogue = catalogue or default_catalogue()
    resp = _response(session, response_id)
    if resp.status not in EDITABLE:
        return _refused(resp, _not_editable(resp))
    stored_rows = {a.indicator_id: a for a in session.scalars(select(Answer).where(Answer.response_id == resp.id))}
    stored_inputs, stored_services = current_answers(session, resp.id, catalogue)
    entered = {i.id for i in catalogue.entered_indicators()}

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
        evidence, comment = _text_or_none(given.evidence), _text_or_none(given.comment)
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
            problems.append(Problem("SVC.01", None, "warning", "services_not_saved", Text(
                "บัญชีบริการยังไม่ถูกบันทึกจนกว่าจะแก้ไขแถวที่มีข้อผิดพลาด",
                "The service inventory was not saved: correct the rows with errors first.")))
        else:
            old_records = [_service_record(s) for s in stored_services]
            new_records = [_service_record(s) for s in services]
            if old_records != new_records:
                old_by = {_service_key(r, i): r for i, r in enumerate(old_records)}
                new_by = {_service_key(r, i): r for i, r in enumerate(new_records)}
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
        conflict = _conflict(session, resp, expected_version, yours)
        return _refused(resp, conflict.message, problems, conflict)
    if not changes and not service_changes:
        return SaveResult(True, resp.id, resp.version, resp.status, problems, (), None, None)
    if not _cas(session, resp, expected_version, actor):
        conflict = _conflict(session, resp, expected_version, yours)
        return _refused(resp, conflict.message, problems, conflict)

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
        _audit(session, resp, actor, channel, "answer", fname, old_text, new_text, version)
    if new_records is not None:
        for svc in session.scalars(select(Service).where(Service.response_id == resp.id)):
            session.delete(svc)
        session.flush()
        session.add_all(Service(response_id=resp.id, **r) for r in new_records)
        for fname, old_text, new_text in service_changes:
            _audit(session, resp, actor, channel, "service", fname, old_text, new_text, version)
    bump_data_version(session)
    session.flush()
    return SaveResult(True, resp.id, version, resp.status, problems,
                      tuple(f for f, _, _ in changes + service_changes), None, None)


# ---------------------------------------------------------------------------------------------
# Submission and review


def deadline_for(session: Session, agency_id: str, cycle_year: int) -> dt.date | None:
    """Return the agency's deadline (its own extension, never earlier than the cycle's close), None without a cycle."""
    if session.get(Cycle, cycle_year) is None:
        return None
    return cycles.deadline_for(session, cycle_year, agency_id)


def _date_text(day: dt.date) -> Text:
    return Text(f"{day.day}/{day.month}/{display_year(day.year, 'th')}", day.isoformat())


def _transition(session: Session, response_id: int, expected_version: int, actor: str, channel: str, to: str,
                allowed_from: frozenset[str], note: str | None = None, **values: Any) -> tuple[SaveResult, Response]:
    channel = _check_channel(channel)
    resp = _response(session, response_id)
    if resp.status not in allowed_from:
        return _refused(resp, Text(f"เปลี่ยนสถานะจาก {resp.status} เป็น {to} ไม่ได้",
                                   f"a response cannot go from {resp.status} to {to}")), resp
    before = resp.status
    if resp.version != expected_version or not _cas(session, resp, expected_version, actor, status=to, **values):
        conflict = _conflict(session, resp, expected_version, {"status": to})
        return _refused(resp, conflict.message, conflict=conflict), resp
    _audit(session, resp, actor, channel, to, "status", before, to, resp.version, note)
    bump_data_version(session)
    session.flush()
    return SaveResult(True, resp.id, resp.version, resp.status, [], ("status",), None, None), resp


def submit(session: Session, response_id: int, expected_version: int, actor: str, channel: str, today: dt.date,
           catalogue: Catalogue | None = None) -> SaveResult:
    """Submit a draft or returned response: no errors allowed, and not after the agency's deadline."""
    catalogue = catalogue or default_catalogue()
    resp = _response(session, response_id)
    if resp.status not in TRANSITIONS or Status.SUBMITTED not in TRANSITIONS[resp.status]:
        return _refused(resp, Text(f"ส่งแบบสำรวจที่อยู่ในสถานะ {resp.status} ไม่ได้",
                                   f"a response that is {resp.status} cannot be submitted"))
    deadline = deadline_for(session, resp.agency_id, resp.cycle_year)
    if deadline is not None and today > deadline:
        d = _date_text(deadline)
        return _refused(resp, Text(f"พ้นกำหนดส่งแล้ว (กำหนดส่ง {d.th}) ติดต่อผู้ดูแลรอบสำรวจเพื่อขอขยายเวลา",
                                   f"the deadline has passed (it was {d.en}); ask the survey office for an extension"))
    answers, services = current_answers(session, resp.id, catalogue)
    problems = validate(answers, services, catalogue, previous_values(session, resp.agency_id, resp.cycle_year),
                        mode="submit")
    if errors(problems):
        return _refused(resp, Text(f"ยังส่งไม่ได้: มีข้อผิดพลาด {len(errors(problems))} รายการ",
                                   f"cannot submit yet: {len(errors(problems))} errors to correct"), problems)
    # Dated `today`, the date the deadline was checked against, so tracking judges lateness the same way.
    submitted_at = dt.datetime.combine(today, utcnow().time(), tzinfo=dt.UTC)
    result, _ = _transition(session, response_id, expected_version, actor, channel, Status.SUBMITTED,
                            frozenset({resp.status}), submitted_at=submitted_at)
    return SaveResult(result.ok, result.response_id, result.version, result.status, problems, result.changed,
                      result.conflict, result.message)


def return_response(session: Session, response_id: int, expected_version: int, actor: str, channel: str,
                    comments: Mapping[str, str], catalogue: Catalogue | None = None) -> SaveResult:
    """Send a submitted response back to the agency with comments per question ("" for a general one)."""
    catalogue = catalogue or default_catalogue()
    known = {i.id for i in catalogue.indicators()} | {""}
    clean = {k: v.strip() for k, v in comments.items() if isinstance(v, str) and v.strip()}
    resp = _response(session, response_id)
    if not clean:
        return _refused(resp, Text("ต้องระบุความเห็นอย่างน้อยหนึ่งข้อเมื่อส่งกลับ", "returning needs at least one comment"))
    unknown = sorted(k for k in clean if k not in known)
    if unknown:
        return _refused(resp, Text(f"ไม่มีข้อ {', '.join(unknown)} ในแบบสำรวจ", f"unknown questions: {', '.join(unknown)}"))
    result, resp = _transition(session, response_id, expected_version, actor, channel, Status.RETURNED,
                               frozenset({Status.SUBMITTED}))
    if result.ok:
        for ind_id, text in clean.items():
            session.add(ReviewComment(response_id=resp.id, indicator_id=ind_id or None, action="return",
                                      comment=text[:MAX_TEXT], actor=actor, at=utcnow()))
            _audit(session, resp, actor, channel, "review_comment", ind_id or None, None, text[:MAX_TEXT], resp.version)
        session.flush()
    return result


def approve(session: Session, response_id: int, expected_version: int, actor: str, channel: str) -> SaveResult:
    """Approve a submitted response."""
    return _transition(session, response_id, expected_version, actor, channel, Status.APPROVED,
                       frozenset({Status.SUBMITTED}), approved_at=utcnow())[0]


def lock(session: Session, response_id: int, expected_version: int, actor: str, channel: str) -> SaveResult:
    """Lock an approved response: its answers are final for the cycle."""
    return _transition(session, response_id, expected_version, actor, channel, Status.LOCKED,
                       frozenset({Status.APPROVED}))[0]


def reopen(session: Session, response_id: int, expected_version: int, actor: str, channel: str,
           reason: str) -> SaveResult:
    """Reopen a submitted, approved or locked response for the agency to edit (as returned); a reason is required."""
    resp = _response(session, response_id)
    if not isinstance(reason, str) or not reason.strip():
        return _refused(resp, Text("ต้องระบุเหตุผลในการเปิดแก้ไข", "reopening needs a reason"))
    result, resp = _transition(session, response_id, expected_version, actor, channel, Status.RETURNED, REOPENABLE,
                               note=reason.strip()[:MAX_TEXT])
    if result.ok:
        session.add(ReviewComment(response_id=resp.id, indicator_id=None, action="reopen",
                                  comment=reason.strip()[:MAX_TEXT], actor=actor, at=utcnow()))
        session.flush()
    return result


def review_comments(session: Session, response_id: int) -> pd.DataFrame:
    """Return the reviewers' comments on a response, oldest first."""
    cols = ("at", "actor", "action", "indicator_id", "comment")
    rows = session.execute(select(*(getattr(ReviewComment, c) for c in cols))
                           .where(ReviewComment.response_id == response_id).order_by(ReviewComment.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(cols))


# ---------------------------------------------------------------------------------------------
# History and tracking


HISTORY_COLUMNS = ("at", "actor", "channel", "action", "cycle_year", "response_id", "field", "old_value",
                   "new_value", "detail")


def history(session: Session, agency_id: str, cycle_year: int | None = None) -> pd.DataFrame:
    """Return every audited change for an agency (optionally one cycle), oldest first."""
    stmt = select(*(getattr(AuditEntry, c) for c in HISTORY_COLUMNS)).where(AuditEntry.agency_id == agency_id)
    if cycle_year is not None:
        stmt = stmt.where(AuditEntry.cycle_year == cycle_year)
    rows = session.execute(stmt.order_by(AuditEntry.at, AuditEntry.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(HISTORY_COLUMNS))


def tracking(session: Session, cycle_year: int, today: dt.date | None = None) -> pd.DataFrame:
    """Return one row per expected agency: status (or not_started), deadline, submission date, late.

    Late: submitted after the agency's deadline, or not submitted and the deadline has passed.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    cycle = session.get(Cycle, cycle_year)
    closes = cycle.closes_on if cycle else None
    stmt = (select(FrameEntry.agency_id, Agency.ministry_id, Agency.name_th, Agency.name_en, FrameEntry.deadline,
                   Response.status, Response.submitted_at)
            .join(Agency, Agency.id == FrameEntry.agency_id)
            .outerjoin(Response, (Response.agency_id == FrameEntry.agency_id) & (Response.cycle_year == cycle_year))
            .where(FrameEntry.cycle_year == cycle_year).order_by(FrameEntry.agency_id))
    records = []
    for agency_id, ministry_id, name_th, name_en, own, status, submitted_at in session.execute(stmt):
        deadline = own or closes
        status = status or NOT_STARTED
        submitted_on = submitted_at.date() if submitted_at is not None else None
        if submitted_on is not None and status != Status.RETURNED:
            late = deadline is not None and submitted_on > deadline
        else:
            late = deadline is not None and today > deadline
        records.append({"agency_id": agency_id, "ministry_id": ministry_id, "name_th": name_th, "name_en": name_en,
                        "deadline": deadline, "status": status, "submitted_at": submitted_at, "late": bool(late)})
    cols = ["agency_id", "ministry_id", "name_th", "name_en", "deadline", "status", "submitted_at", "late"]
    return pd.DataFrame.from_records(records, columns=cols)


def tracking_summary(per_agency: pd.DataFrame) -> dict[str, int]:
    """Return the counts a completeness view shows: expected, each status, not started, late."""
    counts = per_agency["status"].value_counts() if not per_agency.empty else pd.Series(dtype=int)
    out = {"expected": len(per_agency)}
    for s in (NOT_STARTED, *(st.value for st in Status)):
        out[s] = int(counts.get(s, 0))
    out["late"] = int(per_agency["late"].sum()) if not per_agency.empty else 0
    return out


# ---------------------------------------------------------------------------------------------
# Imports (Excel, CSV): the same validation, refused whole when it has errors


def diff_answers(new: Mapping[str, AnswerInput], stored: Mapping[str, AnswerInput],
                 new_services: Sequence[ServiceInput] | None = None,
                 stored_services: Sequence[ServiceInput] | None = None,
                 catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return what an import would change: one row per field with its old and new value."""
    catalogue = catalogue or default_catalogue()
    entered = {i.id for i in catalogue.entered_indicators()}
    rows = []
    for key, given in new.items():
        if key not in entered:
            continue
        before = stored.get(key, AnswerInput())
        old = show(*storage(key, before.value, catalogue))
        now = show(*storage(key, given.value, catalogue))
        if old != now:
            rows.append({"indicator": key, "old": old, "new": now})
        for part in ("evidence", "comment"):
            o, n = _text_or_none(getattr(before, part)), _text_or_none(getattr(given, part))
            if o != n:
                rows.append({"indicator": f"{key}#{part}", "old": o, "new": n})
    if new_services is not None:
        old_by = {_service_key(r, i): r for i, r in enumerate(_service_record(s) for s in stored_services or [])}
        new_by = {_service_key(r, i): r for i, r in enumerate(_service_record(s) for s in new_services)}
        for key in list(old_by) + [k for k in new_by if k not in old_by]:
            if old_by.get(key) != new_by.get(key):
                rows.append({"indicator": f"service:{key}",
                             "old": None if key not in old_by else json.dumps(old_by[key], ensure_ascii=False),
                             "new": None if key not in new_by else json.dumps(new_by[key], ensure_ascii=False)})
    return pd.DataFrame.from_records(rows, columns=["indicator", "old", "new"])


@dataclass(frozen=True)
class ImportResult:
    """What importing one agency's answers did (or, in a dry run, would do)."""

    agency_id: str
    cycle_year: int
    accepted: bool
    problems: list[Problem]
    diff: pd.DataFrame
    saved: SaveResult | None = None
    message: Text | None = None


def import_answers(session: Session, agency_id: str, cycle_year: int, answers: Mapping[str, AnswerInput],
                   services: Sequence[ServiceInput] | None, actor: str, channel: str,
                   expected_version: int | None = None, dry_run: bool = False,
                   catalogue: Catalogue | None = None) -> ImportResult:
    """Validate an imported set of answers against what is stored and save it as the draft, or refuse it whole.

    Refused (nothing stored) when what it brings has an error (its answers, a rule they take part
    in, its service rows), when the response cannot be edited, or when someone else saved after
    `expected_version` (the version the workbook was made from). Errors already stored in answers
    it does not touch do not block it.
    """
    catalogue = catalogue or default_catalogue()
    resp = session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year))
    if resp is None and (session.get(Cycle, cycle_year) is None or session.get(Agency, agency_id) is None):
        msg = Text(f"ไม่พบหน่วยงาน {agency_id} หรือรอบสำรวจ {display_year(cycle_year, 'th')}",
                   f"unknown agency {agency_id} or survey cycle {display_year(cycle_year, 'en')}")
        return ImportResult(agency_id, cycle_year, False, [], diff_answers({}, {}), None, msg)
    stored, stored_services = current_answers(session, resp.id, catalogue) if resp else ({}, [])
    merged = {**stored, **answers}
    problems = validate(merged, list(services) if services is not None else stored_services, catalogue,
                        previous_values(session, agency_id, cycle_year))
    changes = diff_answers(answers, stored, services, stored_services, catalogue)
    if resp is not None and resp.status not in EDITABLE:
        return ImportResult(agency_id, cycle_year, False, problems, changes, None, _not_editable(resp))
    blocking = [p for p in errors(problems)
                if p.field in answers or (p.code == "rule" and answers) or (services is not None and p.row is not None)]
    if blocking:
        n = len(blocking)
        return ImportResult(agency_id, cycle_year, False, problems, changes, None, Text(
            f"ไม่นำเข้า: พบข้อผิดพลาด {n} รายการ ไม่มีการเปลี่ยนแปลงข้อมูล",
            f"not imported: {n} errors found; nothing was changed"))
    if dry_run:
        return ImportResult(agency_id, cycle_year, True, problems, changes, None, Text(
            f"ทดลองนำเข้า: จะเปลี่ยน {len(changes)} รายการ", f"dry run: {len(changes)} changes would be made"))
    if resp is None:
        resp = get_or_create_draft(session, agency_id, cycle_year, actor, channel)
        expected = resp.version
    elif expected_version is None:
        expected = resp.version
    else:
        # 0: the workbook was made before the response existed; it was created at version 1.
        expected = max(expected_version, 1)
    saved = save_draft(session, resp.id, expected, answers, services, actor, channel, catalogue)
    if not saved.ok:
        return ImportResult(agency_id, cycle_year, False, problems, changes, saved, saved.message)
    return ImportResult(agency_id, cycle_year, True, saved.problems, changes, saved, Text(
        f"นำเข้าแล้ว: เปลี่ยน {len(saved.changed)} รายการ", f"imported: {len(saved.changed)} changes saved"))


ANSWER_TABLE_COLUMNS = ("agency_id", "cycle", "indicator_id", "value")


def answers_from_table(frame: pd.DataFrame) -> dict[tuple[str, int], dict[str, AnswerInput]]:
    """Group a long table of answers (agency_id, cycle, indicator_id, value[, evidence, comment]) by agency and cycle.

    Cycles of 2400 and above are B.E., others C.E. Raise ValueError naming missing columns or bad cycles.
    """
    missing = [c for c in ANSWER_TABLE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the table has no column {', '.join(missing)}; it needs {', '.join(ANSWER_TABLE_COLUMNS)}")
    out: dict[tuple[str, int], dict[str, AnswerInput]] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        cycle = parse_number(rec["cycle"])
        # A survey year, C.E. or B.E.: anything else (a huge number, a date serial) is refused by line.
        if cycle is None or not cycle.is_integer() or not (1900 <= cycle <= 3100):
            raise ValueError(f"line {i}: cycle {rec['cycle']!r} is not a year")
        key = (str(rec["agency_id"]).strip(), to_be(int(cycle)))
        evidence, comment = rec.get("evidence"), rec.get("comment")
        out.setdefault(key, {})[str(rec["indicator_id"]).strip()] = AnswerInput(
            rec["value"], _text_or_none(evidence), _text_or_none(comment))
    return out
