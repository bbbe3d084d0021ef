"""Survey administration as the pages and tests call it: cycles and agencies, checked against the principal.

Every function takes the signed-in `Principal` and raises `AccessDenied` unless it holds the
administrator role; the work itself (and its audit) is done by `usecases.cycles` and `usecases.organisations`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, AuditEntry, Cycle, FrameEntry, Ministry, Response
from survey import files
from survey.errors import Message, Year
from survey.files import read_table
from survey.versions import editions
from survey.workflow import Channel
from usecases import cycles, organisation_import, organisations, register
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.jobs import Progress
from usecases.organisation_import import Note, OrganisationReport, Place
from usecases.organisations import ImportRow, OrganisationError
from usecases.register import RegisterReport
from usecases.register_mapping import RegisterMapping, parse_mapping


def require_administrator(principal: Principal) -> None:
    """Raise `AccessDenied` unless the principal administers the survey."""
    if not principal.has(Role.ADMINISTRATOR):
        raise AccessDenied()


def operator(actor: str) -> Principal:
    """Return the principal of someone running the command line.

    The command line works with the database's own credentials, so whoever can run it already
    administers the data; `actor` is the name the audit trail records for them.
    """
    return Principal(0, actor, grants=frozenset({Grant(Role.ADMINISTRATOR)}))


# Cycles -----------------------------------------------------------------------------------------

def cycles_table(session: Session, principal: Principal) -> pd.DataFrame:
    """Return the cycles, newest first, with how many agencies each expects."""
    require_administrator(principal)
    cols = ["cycle_year", "opens_on", "closes_on", "catalogue_version", "status", "agencies_expected"]
    rows = [(c.year_be, c.opens_on, c.closes_on, c.catalogue_version, c.status, c.expected)
            for c in reversed(cycles.list_cycles(session))]
    return pd.DataFrame.from_records(rows, columns=cols)


def proposed_cycle(session: Session, principal: Principal, today: dt.date | None = None) -> cycles.Proposal:
    """Return the cycle the Cycles page proposes to open: the current fiscal year's (`cycles.propose`)."""
    require_administrator(principal)
    return cycles.propose(session.scalars(select(Cycle.year_be)), today)


def no_open_cycle_notice(session: Session, principal: Principal, today: dt.date | None = None) -> Message | None:
    """Return, for an administrator, a notice that no cycle is open and which one to open; None otherwise."""
    if not principal.has(Role.ADMINISTRATOR) or cycles.open_years(session):
        return None
    return Message("no_open_cycle_admin", {"year": Year(proposed_cycle(session, principal, today).year)})


def frame_table(session: Session, principal: Principal, year: int) -> pd.DataFrame:
    """Return a cycle's frame: each expected agency with its ministry and its own deadline, if extended."""
    require_administrator(principal)
    cycle = cycles.get_cycle(session, year)
    stmt = (select(FrameEntry.agency_id, Agency.ministry_id, Agency.name_th, Agency.name_en, FrameEntry.deadline)
            .join(Agency, Agency.id == FrameEntry.agency_id).where(FrameEntry.cycle_year == cycle.year_be)
            .order_by(FrameEntry.agency_id))
    return pd.DataFrame.from_records(session.execute(stmt).all(),
                                     columns=["agency_id", "ministry_id", "name_th", "name_en", "deadline"])


def open_cycle(session: Session, principal: Principal, year: int, opens_on: dt.date, closes_on: dt.date,
               catalogue_version: str, copy_frame_from: int | None = None, add: Iterable[str] = (),
               remove: Iterable[str] = (), channel: str = Channel.WEB) -> Cycle:
    """Open a cycle from last year's frame (or `copy_frame_from`'s), plus `add`, less `remove`.

    The instrument version must be one of the stored editions (`survey.versions.editions`), and the dates must
    make a cycle of the fiscal year (`cycles.check_dates`).
    """
    require_administrator(principal)
    cycles.check_dates(year, opens_on, closes_on)
    known = [e.version for e in editions()]
    if catalogue_version not in known:
        raise cycles.CycleError("unknown_instrument_version", version=catalogue_version, known=", ".join(known))
    return cycles.open_cycle(session, year, opens_on, closes_on, catalogue_version, principal.username,
                             copy_frame_from, add, remove, channel)


def set_frame(session: Session, principal: Principal, year: int, add: Iterable[str] = (),
              remove: Iterable[str] = (), channel: str = Channel.WEB) -> list[str]:
    """Add agencies to and remove them from a cycle's frame; return the new frame."""
    require_administrator(principal)
    return cycles.set_frame(session, year, add, remove, principal.username, channel)


def extend_deadline(session: Session, principal: Principal, year: int, new_date: dt.date,
                    agency_id: str | None = None, channel: str = Channel.WEB) -> None:
    """Move the whole cycle's closing date, or one agency's own deadline."""
    require_administrator(principal)
    cycles.extend_deadline(session, year, new_date, principal.username, agency_id or None, channel)


def close_cycle(session: Session, principal: Principal, year: int, channel: str = Channel.WEB) -> None:
    require_administrator(principal)
    cycles.close_cycle(session, year, principal.username, channel)


# Agencies ---------------------------------------------------------------------------------------

def ministries_table(session: Session, principal: Principal) -> pd.DataFrame:
    require_administrator(principal)
    rows = session.execute(select(Ministry.id, Ministry.name_th, Ministry.name_en).order_by(Ministry.id)).all()
    return pd.DataFrame.from_records(rows, columns=["ministry_id", "name_th", "name_en"])


def agencies_table(session: Session, principal: Principal) -> pd.DataFrame:
    """Return every agency, active or not, with the agency it was merged into."""
    require_administrator(principal)
    cols = ("id", "ministry_id", "name_th", "name_en", "agency_type", "province", "active", "merged_into_id")
    rows = session.execute(select(*(getattr(Agency, c) for c in cols)).order_by(Agency.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(cols)).rename(columns={"id": "agency_id"})


def add_agency(session: Session, principal: Principal, agency_id: str, ministry_id: str, name_th: str,
               name_en: str, agency_type: str, province: str | None = None) -> Agency:
    require_administrator(principal)
    return organisations.add_agency(session, agency_id, ministry_id, name_th, name_en, agency_type,
                                    principal.username, province or None)


def rename_agency(session: Session, principal: Principal, agency_id: str, name_th: str | None = None,
                  name_en: str | None = None) -> None:
    require_administrator(principal)
    organisations.rename_agency(session, agency_id, principal.username, name_th, name_en)


def move_agency(session: Session, principal: Principal, agency_id: str, ministry_id: str) -> None:
    require_administrator(principal)
    organisations.move_agency(session, agency_id, ministry_id, principal.username)


def retire_agency(session: Session, principal: Principal, agency_id: str) -> None:
    require_administrator(principal)
    organisations.retire_agency(session, agency_id, principal.username)


def merge_agencies(session: Session, principal: Principal, source_id: str, target_id: str) -> None:
    require_administrator(principal)
    organisations.merge_agencies(session, source_id, target_id, principal.username)


def agency_file_text(filename: str, content: bytes) -> str:
    """Return an agency list (CSV, or the first sheet of an .xlsx workbook) as CSV text, read through the upload gate.

    Raises `FileRefused` (message in Thai and English, nothing changed) for a file the gate refuses,
    or whose header renames, repeats, merges or lacks one of `organisations.IMPORT_COLUMNS`.
    """
    table = files.table_or_raise(content, filename)
    problems = files.check_header(table, organisations.IMPORT_COLUMNS[:5], organisations.IMPORT_COLUMNS[5:])
    if problems:
        raise files.FileRefused(problems)
    return str(files.frame_of(table).to_csv(index=False))


def import_agencies(session: Session, principal: Principal, filename: str, content: bytes,
                    progress: Progress | None = None) -> pd.DataFrame:
    """Add or update agencies from a CSV file or a workbook; return each row's outcome (line, agency, outcome, message)."""
    require_administrator(principal)
    report: list[ImportRow] = organisations.import_agencies(session, agency_file_text(filename, content),
                                                            principal.username, Channel.WEB, progress)
    return pd.DataFrame({"line": [r.line for r in report], "agency_id": [r.agency_id for r in report],
                         "outcome": [r.outcome for r in report],
                         "message_th": [r.message.get("th") if r.message else "" for r in report],
                         "message_en": [r.message.get("en") if r.message else "" for r in report]})


@dataclass(frozen=True)
class AgencyHistory:
    """An agency with every agency merged into it: their changes and their responses, together."""

    lineage: tuple[str, ...]
    changes: pd.DataFrame
    responses: pd.DataFrame


def agency_history(session: Session, principal: Principal, agency_id: str) -> AgencyHistory:
    """Return the audited changes and the responses of an agency and of every agency merged into it."""
    require_administrator(principal)
    ids = organisations.lineage(session, agency_id)
    cols = ("at", "agency_id", "actor", "channel", "action", "cycle_year", "field", "old_value", "new_value", "detail")
    changes = session.execute(select(*(getattr(AuditEntry, c) for c in cols)).where(AuditEntry.agency_id.in_(ids))
                              .order_by(AuditEntry.at, AuditEntry.id)).all()
    rcols = ("cycle_year", "agency_id", "status", "catalogue_version", "submitted_at")
    responses = session.execute(select(*(getattr(Response, c) for c in rcols)).where(Response.agency_id.in_(ids))
                                .order_by(Response.cycle_year, Response.agency_id)).all()
    return AgencyHistory(tuple(ids), pd.DataFrame.from_records(changes, columns=list(cols)),
                         pd.DataFrame.from_records(responses, columns=list(rcols)))


# Real lists and the national services register (docs/INTAKE.md) ----------------------------------

def _mapping(mapping_yaml: bytes, services: bool) -> RegisterMapping:
    try:
        return parse_mapping(yaml.safe_load(mapping_yaml.decode("utf-8-sig")), services=services)
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise OrganisationError("register_mapping_invalid", detail=str(exc)) from exc


def import_organisation_list(session: Session, principal: Principal, filename: str, content: bytes,
                             mapping_yaml: bytes, dry_run: bool, progress: Progress | None = None
                             ) -> OrganisationReport:
    """Create and update ministries and agencies from a list and its mapping (nothing kept in a dry run)."""
    require_administrator(principal)
    mapping = _mapping(mapping_yaml, services=False)
    table = read_table(content, filename, mapping.sheet)
    if isinstance(table, list):
        return OrganisationReport(problems=[Note(Place(mapping.sheet, ()), p.message) for p in table])
    report = organisation_import.import_organisations(session, table, mapping, principal.username, Channel.WEB,
                                                      progress=progress)
    if dry_run:
        session.rollback()
    return report


def import_services_register(session: Session, principal: Principal, filename: str, content: bytes,
                             mapping_yaml: bytes, cycle_year: int, create_organisations: bool, dry_run: bool,
                             progress: Progress | None = None) -> RegisterReport:
    """Load a national services register into the cycle's inventories (channel register; nothing kept in a dry run)."""
    require_administrator(principal)
    mapping = _mapping(mapping_yaml, services=True)
    report = register.import_register(session, content, filename, mapping, cycle_year, principal.username,
                                      create_organisations, progress)
    if dry_run:
        session.rollback()
    return report

