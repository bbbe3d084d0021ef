"""Load a national services register (xlsx or CSV) into agencies' service inventories for a cycle.

A mapping file (`usecases.register_mapping`, docs/INTAKE.md) names the register's columns,
the digital level of each register status, the statuses not meant to go online and the agency
types. Each row is one service; a row is placed in its agency's inventory or refused on its own
(an odd row never refuses the agency's other services), and every message names the sheet and
the row as Excel shows it. Rows without a service code (total rows) are skipped and listed. With
`create_organisations`, ministries and agencies the register names are created (or updated when
their code matches) from its own columns first (`usecases.organisation_import`).

What is stored is an official source: channel `register`, and the inventory is marked as the
register's, so it counts in the figures without a respondent submitting. When it meets a
respondent's own inventory, the rule of `survey.workflow.inventory_counts` decides (the
respondent's wins; docs/INTAKE.md). Each agency receiving an inventory joins the cycle's frame.
Changes are made in the caller's session: it commits, or rolls back for a dry run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import repository
from data.models import Cycle, FrameEntry, Response, Service
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import Localised, Word, Year, message
from survey.files import Table
from survey.files import read_table as read_upload
from survey.validation import LONG_SERVICE_NAME, MAX_TEXT, MAX_VOLUME, ServiceInput, parse_number
from survey.workflow import EDITABLE, Channel, InventorySource
from usecases import cycles, intake
from usecases.cycles import CycleError
from usecases.jobs import Progress
from usecases.organisation_import import (
    Note,
    OrganisationReport,
    Place,
    column_cells,
    column_positions,
    import_organisations,
)
from usecases.register_mapping import (
    OPTIONAL_COLUMNS,
    SERVICE_COLUMNS,
    RegisterMapping,
    load_mapping,
    nearest,
    parse_mapping,
    text_key,
    yaml_key,
)

__all__ = ["AgencyResult", "RegisterMapping", "RegisterReport", "import_register", "load_mapping", "parse_mapping",
           "read_table"]
FLAGS = ("paper_required", "uses_digital_id", "uses_e_payment", "uses_e_signature", "uses_e_certificate")


@dataclass(frozen=True)
class AgencyResult:
    """What the register did to one agency's inventory: created, updated, unchanged, kept or refused."""

    agency_id: str
    outcome: str
    services: int
    place: Place
    changes: int = 0
    message: Localised | None = None


@dataclass
class RegisterReport:
    """What loading a register did (or, rolled back, would do): per agency, per row, per organisation."""

    file: str
    cycle_year: int = 0
    sheet: str | None = None
    rows: int = 0
    organisations: OrganisationReport | None = None
    agencies: list[AgencyResult] = field(default_factory=list)
    refused: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)
    framed: list[str] = field(default_factory=list)
    #: The file, its columns or the cycle could not be used: nothing was read.
    unusable: bool = False

    @property
    def placed(self) -> int:
        """The services matched to an agency whose inventory now holds them."""
        return sum(a.services for a in self.agencies if a.outcome in ("created", "updated", "unchanged"))

    @property
    def changed(self) -> bool:
        return bool(self.framed) or any(a.outcome in ("created", "updated") for a in self.agencies) or bool(
            self.organisations and self.organisations.changed)

    @property
    def ok(self) -> bool:
        """False when a row or an agency was refused, the file or mapping failed, or nothing matched."""
        orgs_ok = self.organisations is None or self.organisations.ok
        return (not self.problems and not self.refused and orgs_ok and self.placed > 0
                and not any(a.outcome == "refused" for a in self.agencies))


def read_table(path: Path | str, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or the first (or named) sheet of an xlsx, every cell as text."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        if path.suffix.lower() != ".xlsx":
            raise ValueError(f"{path.name}: only .xlsx workbooks are read (no macros, no legacy .xls)")
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, engine="openpyxl")
    else:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return frame.fillna("")


def import_register(session: Session, data: bytes, filename: str, mapping: RegisterMapping, cycle_year: int,
                    actor: str, create_organisations: bool = False, progress: Progress | None = None,
                    catalogue: Catalogue | None = None) -> RegisterReport:
    """Place the register's services in their agencies' inventories for the cycle (channel register); report all."""
    catalogue = catalogue or default_catalogue()
    report = RegisterReport(filename, cycle_year)
    table = read_upload(data, filename, mapping.sheet)
    if isinstance(table, list):
        report.problems.extend(Note(Place(mapping.sheet, ()), p.message) for p in table)
        report.unusable = True
        return report
    report.sheet, report.rows = table.sheet, len(table.rows)
    if session.get(Cycle, cycle_year) is None:
        report.problems.append(Note(Place(table.sheet, ()), message("register_no_cycle", year=Year(cycle_year))))
        report.unusable = True
        return report
    positions = column_positions(table, mapping, SERVICE_COLUMNS + OPTIONAL_COLUMNS)
    if not isinstance(positions, dict):
        report.problems.append(Note(Place(table.sheet, (table.header_row,)), positions))
        report.unusable = True
        return report
    cells = column_cells(table, positions)
    rows = _rows_with_id(table, cells, report)
    rows = _known_status(table, cells, rows, mapping, report)
    if create_organisations:
        # Agencies named by code (or by nothing known yet) come from the register's columns; one matched
        # only by its name stays as it is.
        before = _Matcher.of(session)
        ministry = cells.get("ministry", [""] * len(table.rows))
        orgs = [i for i in rows if cells["agency"][i] in before.ids
                or before.agency(cells["agency"][i], ministry[i])[0] is None]
        report.organisations = import_organisations(session, table, mapping, actor, Channel.REGISTER, orgs)
    per_agency = _services(session, table, cells, rows, mapping, report)
    total = len(per_agency)
    for done, (agency_id, (services, places)) in enumerate(sorted(per_agency.items())):
        if progress is not None:
            progress(done, total, agency_id)
        report.agencies.append(_store(session, agency_id, cycle_year, services, Place(table.sheet, tuple(places)),
                                      actor, catalogue))
    if progress is not None:
        progress(total, total, "")
    _join_frame(session, cycle_year, report, actor)
    report.refused.sort(key=lambda n: n.place.rows)
    return report


def _rows_with_id(table: Table, cells: Mapping[str, list[str]], report: RegisterReport) -> list[int]:
    """Return the rows that have a service code; list the others (total rows) as skipped."""
    codes = cells["code"]
    blank = [i for i, c in enumerate(codes) if not c]
    if blank:
        report.skipped.append(Note(Place(table.sheet, tuple(table.sheet_row(i) for i in blank)),
                                   message("register_row_no_id")))
    return [i for i, c in enumerate(codes) if c]


def _known_status(table: Table, cells: Mapping[str, list[str]], rows: list[int], mapping: RegisterMapping,
                  report: RegisterReport) -> list[int]:
    """Return the rows whose status the mapping knows; refuse the others, with one suggestion per unknown status."""
    unknown: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    for i in rows:
        text = cells["status"][i]
        if mapping.status(text) is None:
            unknown.setdefault(text_key(text), []).append(i)
            shown.setdefault(text_key(text), text)
            report.refused.append(Note(Place(table.sheet, (table.sheet_row(i),)),
                                       message("register_unknown_status", text=text)))
    mapped = {code: level for code, level in mapping.statuses.values()}
    for key, found in unknown.items():
        text = shown[key]
        near = nearest(text, mapped)
        if near is not None and text:
            report.problems.append(Note(Place(table.sheet, tuple(table.sheet_row(i) for i in found)),
                                        message("register_unmapped_status", text=text, n=len(found), nearest=near,
                                                line=f"{yaml_key(text)}: {mapped[near]}")))
    return [i for i in rows if mapping.status(cells["status"][i]) is not None]


@dataclass
class _Matcher:
    """Agencies by code or Thai or English name, and ministries likewise, as the register names them."""

    by_key: dict[str, set[str]]
    ids: set[str]
    ministry_of: dict[str, str]
    ministries: dict[str, str]

    @classmethod
    def of(cls, session: Session) -> _Matcher:
        agencies = repository.agencies(session)
        by_key: dict[str, set[str]] = {}
        for aid, th, en in zip(agencies["agency_id"], agencies["name_th"], agencies["name_en"], strict=True):
            for value in (th, en):
                by_key.setdefault(text_key(str(value)), set()).add(str(aid))
        mins = repository.ministries(session)
        keys = {text_key(str(m)): str(m) for m in mins["ministry_id"]}
        for m, th, en in zip(mins["ministry_id"], mins["name_th"], mins["name_en"], strict=True):
            keys.setdefault(text_key(str(th)), str(m))
            keys.setdefault(text_key(str(en)), str(m))
        return cls(by_key, set(map(str, agencies["agency_id"])),
                   dict(zip(map(str, agencies["agency_id"]), map(str, agencies["ministry_id"]), strict=True)), keys)

    def agency(self, agency_text: str, ministry_text: str) -> tuple[str | None, Localised | None]:
        """Return the one agency a row names, or why there is none."""
        ministry = None
        if ministry_text:
            ministry = self.ministries.get(text_key(ministry_text))
            if ministry is None:
                return None, message("register_unknown_ministry", text=ministry_text)
        found = {agency_text} if agency_text in self.ids else self.by_key.get(text_key(agency_text), set())
        if ministry is not None:
            found = {a for a in found if self.ministry_of.get(a) == ministry}
        if len(found) != 1:
            key = "register_unknown_agency" if not found else "register_ambiguous_agency"
            return None, message(key, text=agency_text)
        return next(iter(found)), None


def _services(session: Session, table: Table, cells: Mapping[str, list[str]], rows: list[int],
              mapping: RegisterMapping, report: RegisterReport) -> dict[str, tuple[list[ServiceInput], list[int]]]:
    """Return each matched agency's services and their sheet rows; refuse (and list) the rows that cannot be placed."""
    matcher = _Matcher.of(session)
    refused_agencies = report.organisations.refused_ids("agency") if report.organisations else set()
    out: dict[str, tuple[list[ServiceInput], list[int]]] = {}
    first_row: dict[tuple[str, str], int] = {}

    def cell(name: str, i: int) -> str:
        return cells[name][i] if name in cells else ""

    def refuse(i: int, why: Localised) -> None:
        report.refused.append(Note(Place(table.sheet, (table.sheet_row(i),)), why))

    for i in rows:
        row = table.sheet_row(i)
        agency_text, code, name = cell("agency", i), cell("code", i), cell("name", i)
        agency_id, why = matcher.agency(agency_text, cell("ministry", i))
        if agency_id is None:
            refuse(i, message("register_agency_refused", id=agency_text) if agency_text in refused_agencies
                   else why or message("register_unknown_agency", text=agency_text))
            continue
        if len(code) > 64:
            refuse(i, message("register_code_too_long", code=code))
            continue
        if (agency_id, code) in first_row:
            refuse(i, message("register_code_repeats", code=code, first=first_row[(agency_id, code)]))
            continue
        if not name:
            refuse(i, message("register_no_name"))
            continue
        if len(name) > MAX_TEXT:
            refuse(i, message("register_name_too_long", n=f"{len(name):,}", limit=f"{MAX_TEXT:,}"))
            continue
        volume = _volume(cell("volume", i))
        if volume is False:
            refuse(i, message("register_bad_volume", text=cell("volume", i)))
            continue
        if len(name) > LONG_SERVICE_NAME:
            report.warnings.append(Note(Place(table.sheet, (row,)), message(
                "register_long_name", code=code, n=f"{len(name):,}", limit=LONG_SERVICE_NAME)))
        first_row[(agency_id, code)] = row
        status, level = mapping.status(cell("status", i)) or ("", 0)
        flags: dict[str, Any] = {f: text_key(cell(f, i)) in mapping.true_values for f in FLAGS if cell(f, i)}
        service = ServiceInput(code=code, name=name, digital_level=level, annual_volume=volume, **flags,
                               register_status=status, register_reason=cell("reason", i) or None,
                               project=cell("project", i) or None,
                               not_applicable=text_key(status) in mapping.not_applicable)
        services, places = out.setdefault(agency_id, ([], []))
        services.append(service)
        places.append(row)
    return out


def _volume(text: str) -> int | bool | None:
    """Return a yearly volume (commas allowed), None when empty, False when it is not a whole number >= 0."""
    if not text:
        return None
    number = parse_number(text.replace(",", ""))
    if number is None or not number.is_integer() or not 0 <= number <= MAX_VOLUME:
        return False
    return int(number)


def _store(session: Session, agency_id: str, cycle_year: int, services: list[ServiceInput], place: Place,
           actor: str, catalogue: Catalogue) -> AgencyResult:
    """Write the register's inventory of one agency, unless the precedence rule keeps the stored one."""
    n = len(services)
    resp = session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year))
    if resp is not None and resp.status not in EDITABLE:
        return AgencyResult(agency_id, "kept", n, place, 0,
                            message("register_kept_review", status=Word("status", resp.status)))
    if resp is not None and resp.inventory_source != InventorySource.REGISTER and session.scalar(
            select(Service.id).where(Service.response_id == resp.id).limit(1)) is not None:
        return AgencyResult(agency_id, "kept", n, place, 0, message("register_kept_respondent"))
    created = resp is None
    if resp is None:
        resp = intake.get_or_create_draft(session, agency_id, cycle_year, actor, Channel.REGISTER)
    saved = intake.save_draft(session, resp.id, resp.version, {}, services, actor, Channel.REGISTER, catalogue)
    if not saved.ok:
        return AgencyResult(agency_id, "refused", n, place, 0, saved.message)
    if not saved.changed:
        return AgencyResult(agency_id, "unchanged", n, place)
    return AgencyResult(agency_id, "created" if created else "updated", n, place, len(saved.changed))


def _join_frame(session: Session, cycle_year: int, report: RegisterReport, actor: str) -> None:
    """Add the agencies whose inventory the register now holds to the cycle's frame, so that they count."""
    held = {a.agency_id for a in report.agencies if a.outcome in ("created", "updated", "unchanged")}
    framed = set(session.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == cycle_year)))
    missing = sorted(held - framed)
    if not missing:
        return
    try:
        cycles.set_frame(session, cycle_year, missing, (), actor, Channel.REGISTER)
    except CycleError as err:
        report.problems.append(Note(Place(report.sheet, ()), err.text))
        return
    report.framed = missing

