"""The self-assessment as the signed-in user may see and change it: every call checks the principal.

`usecases.intake` does the work and trusts its caller; the functions here are what pages call. Each
takes the `Principal` and raises `AccessDenied` before touching a response the user has no right
to, so a page that forgets its own check still cannot read, change, export or review another
agency's answers. Respondents work on their own agencies; coordinators review their ministry's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, Cycle, FrameEntry, Response
from survey import answers, clock, excel, workflow
from survey.catalogue import Catalogue, Text, default_catalogue
from survey.errors import Localised
from survey.validation import (
    SERVICE_BOOLEANS,
    AnswerInput,
    Problem,
    ServiceInput,
    is_missing,
    parse_yes_no,
    validate,
)
from survey.workflow import Channel, Status
from usecases import access, answer_import, intake, submission
from usecases.access import AccessDenied, Principal
from usecases.answer_import import ImportResult
from usecases.cycles import accepts_changes
from usecases.intake import SaveResult

SERVICE_COLUMNS = ("name", "digital_level", "annual_volume", *SERVICE_BOOLEANS)
#: Statuses in which the respondent's form can be changed (not started: the first save creates the draft).
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, workflow.NOT_STARTED})


# ---------------------------------------------------------------------------------------------
# Who may do what


def require_own_agency(principal: Principal, agency_id: str) -> None:
    """Raise `AccessDenied` unless the principal is a respondent for this agency."""
    if agency_id not in principal.agency_scope():
        raise AccessDenied()


def my_agencies(session: Session, principal: Principal) -> list[tuple[str, Text]]:
    """Return the agencies the principal answers for, with their names."""
    ids = access.writable_agency_ids(session, principal)
    rows = session.execute(select(Agency.id, Agency.name_th, Agency.name_en).where(Agency.id.in_(sorted(ids)))
                           .order_by(Agency.id)).all()
    return [(i, Text(th, en)) for i, th, en in rows]


def open_cycles(session: Session, principal: Principal, agency_id: str) -> list[int]:
    """Return the open cycles (newest first) that expect an answer from this agency."""
    require_own_agency(principal, agency_id)
    stmt = (select(Cycle.year_be).join(FrameEntry, FrameEntry.cycle_year == Cycle.year_be)
            .where(FrameEntry.agency_id == agency_id, Cycle.status == "open").order_by(Cycle.year_be.desc()))
    return list(session.scalars(stmt))


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


@dataclass(frozen=True)
class CycleChoice:
    """A cycle in which the agency has something to do: an open one, a returned response, or an extension."""

    year: int
    cycle_status: str
    response_status: str
    accepts_changes: bool

    @property
    def returned(self) -> bool:
        return self.response_status == Status.RETURNED


def my_cycles(session: Session, principal: Principal, agency_id: str,
              today: dt.date | None = None) -> list[CycleChoice]:
    """Return, newest first, the cycles the agency's respondent works in.

    Those are the open cycles that expect the agency, every cycle (open or closed) whose response
    a reviewer returned to it, and closed cycles in which an administrator extended the agency's
    deadline. `accepts_changes` says whether the form can be changed now (`cycles.accepts_changes`).
    """
    require_own_agency(principal, agency_id)
    day = _today(today)
    stmt = (select(Cycle.year_be, Cycle.status, Response.status, FrameEntry.agency_id)
            .outerjoin(FrameEntry, (FrameEntry.cycle_year == Cycle.year_be) & (FrameEntry.agency_id == agency_id))
            .outerjoin(Response, (Response.cycle_year == Cycle.year_be) & (Response.agency_id == agency_id))
            .order_by(Cycle.year_be.desc()))
    out = []
    for year, cycle_status, status, in_frame in session.execute(stmt):
        accepts = accepts_changes(session, year, agency_id, day)
        if (in_frame is not None and accepts) or status == Status.RETURNED:
            out.append(CycleChoice(int(year), str(cycle_status), str(status or workflow.NOT_STARTED), accepts))
    return out


# ---------------------------------------------------------------------------------------------
# The respondent's form


@dataclass(frozen=True)
class Form:
    """One agency's response for one cycle as the form shows it (version 0: not started)."""

    agency_id: str
    cycle_year: int
    response_id: int | None
    version: int
    status: str
    answers: dict[str, AnswerInput]
    services: list[ServiceInput]
    previous: dict[str, AnswerInput]
    comments: pd.DataFrame
    deadline: dt.date | None
    problems: list[Problem] = field(default_factory=list)
    #: False when the cycle is closed to the agency (no administrator reopened or extended it).
    accepts_changes: bool = True
    #: Last cycle's services, offered (as the Excel template offers them) while the draft holds none.
    suggested_services: list[ServiceInput] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        """True when the respondent can change and submit the form now."""
        return self.status in EDITABLE and self.accepts_changes


def _find(session: Session, agency_id: str, cycle_year: int) -> Response | None:
    return session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year)
                          .execution_options(populate_existing=True))


def load_form(session: Session, principal: Principal, agency_id: str, cycle_year: int,
              catalogue: Catalogue | None = None, today: dt.date | None = None) -> Form:
    """Return the agency's stored answers, last cycle's, the status, the reviewers' comments and whether
    the cycle still accepts changes from the agency.

    While an editable draft holds no services, last cycle's are offered (`suggested_services`), as the
    Excel template pre-fills them; they are stored with the draft's next save.
    """
    require_own_agency(principal, agency_id)
    catalogue = catalogue or default_catalogue()
    resp = _find(session, agency_id, cycle_year)
    answers, services = intake.current_answers(session, resp.id, catalogue) if resp else ({}, [])
    previous, previous_services = intake.previous_answers(session, agency_id, cycle_year, catalogue)
    comments = submission.review_comments(session, resp.id) if resp else submission.review_comments(session, -1)
    problems = validate(answers, services, catalogue, intake.previous_values(session, agency_id, cycle_year))
    status = resp.status if resp else workflow.NOT_STARTED
    accepts = accepts_changes(session, cycle_year, agency_id, _today(today))
    suggested = previous_services if not services and status in EDITABLE and accepts else []
    return Form(agency_id, cycle_year, resp.id if resp else None, resp.version if resp else 0, status, answers,
                services, previous, comments, submission.deadline_for(session, agency_id, cycle_year), problems,
                accepts, suggested)


def check(session: Session, principal: Principal, agency_id: str, cycle_year: int, answers: Mapping[str, AnswerInput],
          services: Sequence[ServiceInput], submitting: bool = False,
          catalogue: Catalogue | None = None) -> list[Problem]:
    """Return the problems of answers as typed (errors for missing answers only when `submitting`)."""
    require_own_agency(principal, agency_id)
    catalogue = catalogue or default_catalogue()
    return validate(answers, services, catalogue, intake.previous_values(session, agency_id, cycle_year),
                    mode="submit" if submitting else "draft")


def save(session: Session, principal: Principal, agency_id: str, cycle_year: int, expected_version: int,
         answers: Mapping[str, AnswerInput], services: Sequence[ServiceInput] | None,
         catalogue: Catalogue | None = None, today: dt.date | None = None) -> SaveResult:
    """Save the form as the agency's draft (valid or not), unless someone saved after `expected_version`.

    Refused (`AccessDenied`) in a cycle closed to the agency, before a draft is created.
    """
    require_own_agency(principal, agency_id)
    access.require_open_cycle(session, agency_id, cycle_year, today)
    resp = intake.get_or_create_draft(session, agency_id, cycle_year, principal.username, Channel.WEB)
    access.require_write_response(session, principal, resp.id, today)
    # Version 0: the form was opened before the response existed; creating it made version 1.
    return intake.save_draft(session, resp.id, max(expected_version, 1), answers, services, principal.username,
                             Channel.WEB, catalogue)


def submit(session: Session, principal: Principal, response_id: int, expected_version: int,
           today: dt.date | None = None, catalogue: Catalogue | None = None) -> SaveResult:
    """Submit the agency's response: refused with errors, after the deadline, in a cycle closed to the agency,
    or by anyone but its respondent."""
    access.require_write_response(session, principal, response_id, today)
    return submission.submit(session, response_id, expected_version, principal.username, Channel.WEB, _today(today),
                         catalogue)


def progress(answers: Mapping[str, AnswerInput], services: Sequence[ServiceInput],
             catalogue: Catalogue | None = None) -> dict[str, tuple[int, int]]:
    """Return per dimension id (answered, questions to answer); the service inventory counts when it has rows.

    A multi-choice answer of no option (`[]`, "none of these", as stored) is an answer, as the
    validator and the completeness figures count it; an unanswered question is `None`.
    """
    catalogue = catalogue or default_catalogue()
    out = {}
    for dim in catalogue.dimensions:
        asked = [i for i in dim.indicators if i.entered or i.type == "service_inventory"]
        done = sum(1 for i in asked if (bool(services) if i.type == "service_inventory"
                                        else not is_missing(_value(answers.get(i.id)))))
        out[dim.id] = (done, len(asked))
    return out


def _value(given: AnswerInput | None) -> Any:
    return given.value if given is not None else None


# ---------------------------------------------------------------------------------------------
# The service inventory in an editable table


def services_table(services: Sequence[ServiceInput]) -> pd.DataFrame:
    """Return the service rows as the editable table's source (one column per field)."""
    records = []
    for s in services:
        level = s.digital_level
        records.append({"name": s.name, "digital_level": int(level) if isinstance(level, int | float) else None,
                        "annual_volume": s.annual_volume,
                        **{f: parse_yes_no(getattr(s, f)) == 1.0 for f in SERVICE_BOOLEANS}, "code": s.code})
    return pd.DataFrame.from_records(records, columns=[*SERVICE_COLUMNS, "code"]).astype(
        {"name": "object", "digital_level": "Int64", "annual_volume": "Int64", "code": "object",
         **dict.fromkeys(SERVICE_BOOLEANS, "bool")})


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str | list) and bool(pd.isna(value)))


def edited_services(source: pd.DataFrame, delta: Mapping[str, Any] | None) -> list[ServiceInput]:
    """Return the service rows after a table editor's changes (its edited, added and deleted rows) to `source`.

    Applying the editor's delta to the unchanged source, instead of feeding the editor its own
    output, is what keeps every edit (see Streamlit issues #7354, #7749). Blank rows (no name, no volume, the
    level empty or the column's default 0) are dropped.
    """
    delta = delta or {}
    rows = [dict(r) for r in source.to_dict("records")]
    for index, changes in (delta.get("edited_rows") or {}).items():
        if 0 <= int(index) < len(rows):
            rows[int(index)].update(changes)
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    rows.extend(dict(r) for r in delta.get("added_rows") or [])
    out = []
    for r in rows:
        clean = {k: (None if _blank(v) else v) for k, v in r.items() if k in (*SERVICE_COLUMNS, "code")}
        if clean.get("name") in (None, "") and clean.get("annual_volume") is None and clean.get("digital_level") in (None, 0):
            continue  # a row added (Enter on the table's last row) and left with the column defaults
        for flag in SERVICE_BOOLEANS:
            clean[flag] = bool(clean.get(flag)) if flag != "paper_required" or flag in clean else True
        out.append(ServiceInput(**clean))
    return out


# ---------------------------------------------------------------------------------------------
# The Excel round trip


def workbook(session: Session, principal: Principal, agency_id: str, cycle_year: int, lang: str,
             catalogue: Catalogue | None = None) -> bytes:
    """Return the agency's workbook for the cycle, prefilled; the download is checked and audited."""
    require_own_agency(principal, agency_id)
    access.require_export(session, principal, f"workbook {agency_id} {cycle_year}", [agency_id])
    catalogue = catalogue or default_catalogue()
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise AccessDenied()
    resp = _find(session, agency_id, cycle_year)
    current, services = intake.current_answers(session, resp.id, catalogue) if resp else ({}, [])
    previous, previous_services = intake.previous_answers(session, agency_id, cycle_year, catalogue)
    return excel.build_template(catalogue, agency, cycle_year, lang, current, previous, services or previous_services,
                                resp.version if resp else 0)


@dataclass(frozen=True)
class Upload:
    """A checked workbook: what it would change and its problems (by sheet and cell), or why it is refused."""

    accepted: bool
    diff: pd.DataFrame
    problems: list[Problem]
    message: Localised | None
    result: ImportResult | None = None


def upload(session: Session, principal: Principal, agency_id: str, cycle_year: int, data: bytes,
           dry_run: bool = True, catalogue: Catalogue | None = None, today: dt.date | None = None) -> Upload:
    """Check (dry run) or apply an uploaded workbook to the agency's draft, channel excel.

    A foreign, edited, macro-carrying, oversized or damaged file, one for another agency or cycle,
    or one with errors, is refused whole and nothing changes; applying one in a cycle closed to the
    agency raises `AccessDenied`.
    """
    require_own_agency(principal, agency_id)
    catalogue = catalogue or default_catalogue()
    resp = _find(session, agency_id, cycle_year)
    if not dry_run:
        access.require_open_cycle(session, agency_id, cycle_year, today)
        if resp is not None:
            access.require_write_response(session, principal, resp.id, today)
    parsed = excel.read_workbook(data, catalogue, agency_id, cycle_year)
    if isinstance(parsed, list):
        return Upload(False, answers.diff_answers({}, {}), parsed, parsed[0].message if parsed else None)
    result = answer_import.apply_workbook(session, parsed, principal.username, catalogue, dry_run=dry_run)
    return Upload(result.accepted, result.diff, result.problems, result.message, result)


# ---------------------------------------------------------------------------------------------
# Review (coordinators)


# ---------------------------------------------------------------------------------------------
# Tracking and history


def submit_form(session: Session, principal: Principal, agency_id: str, cycle_year: int, expected_version: int,
                today: dt.date | None = None) -> SaveResult:
    """Submit the agency's response for the cycle, as the form shows it (`submit`)."""
    require_own_agency(principal, agency_id)
    resp = _find(session, agency_id, cycle_year)
    return submit(session, principal, resp.id if resp is not None else -1, expected_version, today)
