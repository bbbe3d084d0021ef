"""Ministries and agencies from real lists: an agencies or ministries sheet, or a register's own service rows.

The mapping (`usecases.register_mapping`) names the columns: `agency` (code), `agency_name` (Thai,
required to create one), `agency_name_en` (optional), `agency_type` (free text, translated by the
mapping's `agency_types`), `province`, `ministry` (code), `ministry_name` (Thai), `ministry_name_en`.
One organisation per code however many rows name it (a services sheet names its agency on every
row); rows that disagree about it refuse it. Each ministry and agency is created, updated,
unchanged or refused, with the rows that gave it as Excel numbers them; an agency type text the
mapping does not list is refused with the nearest mapped text as a line to add, never guessed.
Changes are audited and made in the caller's session: the caller commits, or rolls back for a dry run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, AgencyType, Ministry
from survey.errors import Localised, message
from survey.files import Table
from survey.workflow import Channel
from usecases import organisations
from usecases.jobs import Progress
from usecases.organisations import OrganisationError
from usecases.register_mapping import RegisterMapping, clean_cell, nearest, text_key, yaml_key

KINDS = ("ministry", "agency")
OUTCOMES = ("created", "updated", "unchanged", "refused")
MAX_ROWS_SHOWN = 8


@dataclass(frozen=True)
class Place:
    """Rows of a sheet (or of a CSV) as Excel numbers them."""

    sheet: str | None
    rows: tuple[int, ...]

    def get(self, lang: str) -> str:
        if not self.rows:
            return message("place_sheet" if self.sheet else "place_file", sheet=self.sheet).get(lang)
        shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
        if len(self.rows) > MAX_ROWS_SHOWN:
            shown = message("place_more", rows=shown, n=len(self.rows) - MAX_ROWS_SHOWN).get(lang)
        many = "_many" if len(self.rows) > 1 else ""
        if self.sheet is None:
            return message(f"place_rows{many}", rows=shown).get(lang)
        return message(f"place_sheet_rows{many}", sheet=self.sheet, rows=shown).get(lang)


@dataclass(frozen=True)
class Note:
    """A message about some rows of a file: "sheet “X” row 5: ..."."""

    place: Place
    message: Localised

    def get(self, lang: str) -> str:
        return f"{self.place.get(lang)}: {self.message.get(lang)}"


@dataclass(frozen=True)
class OrgOutcome:
    """What happened to one ministry or agency, with the rows that named it."""

    kind: str
    id: str
    outcome: str
    place: Place
    changes: tuple[str, ...] = ()
    message: Localised | None = None


@dataclass
class OrganisationReport:
    """Per kind: created, updated, unchanged, refused; and the problems that are not one organisation's."""

    outcomes: list[OrgOutcome] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        found = Counter((o.kind, o.outcome) for o in self.outcomes)
        return {k: {o: found[(k, o)] for o in OUTCOMES} for k in KINDS}

    @property
    def changed(self) -> bool:
        return any(o.outcome in ("created", "updated") for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(o.outcome == "refused" for o in self.outcomes)

    def refused_ids(self, kind: str) -> set[str]:
        return {o.id for o in self.outcomes if o.kind == kind and o.outcome == "refused"}

    def summary(self, lang: str) -> list[str]:
        """Return one line per kind: created, updated, unchanged, refused."""
        return [message("org_summary", kind=message(f"org_kind_{k}"), **n).get(lang) for k, n in self.counts().items()]


def column_positions(table: Table, mapping: RegisterMapping, fields: Iterable[str]) -> dict[str, int] | Localised:
    """Return the position of each mapped field's column in the header, or a message naming the missing ones."""
    header = {text_key(h): i for i, h in enumerate(table.header) if h.strip()}
    found, missing = {}, []
    for name in fields:
        if name in mapping.columns:
            i = header.get(text_key(mapping.columns[name]))
            if i is None:
                missing.append(f"“{mapping.columns[name]}”")
            else:
                found[name] = i
    if missing:
        return message("import_missing_columns", columns=", ".join(missing),
                       found=", ".join(f"“{h}”" for h in table.header if h.strip()))
    return found


def column_cells(table: Table, positions: dict[str, int]) -> dict[str, list[str]]:
    """Return each mapped field's cells, cleaned (`clean_cell`), in row order."""
    return {name: [clean_cell(v) for v in table.rows[i].tolist()] for name, i in positions.items()}


@dataclass
class _Given:
    """What the rows say about one organisation: each field's first value and the row that gave it."""

    kind: str
    id: str
    rows: list[int] = field(default_factory=list)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)
    conflict: Localised | None = None

    def add(self, row: int, **values: str) -> None:
        self.rows.append(row)
        for name, value in values.items():
            if not value or self.conflict is not None:
                continue
            first = self.values.get(name)
            if first is None:
                self.values[name] = (value, row)
            elif text_key(first[0]) != text_key(value):
                self.conflict = message("org_conflict", id=self.id, field=name, first=first[0], row_first=first[1],
                                        second=value, row_second=row)

    def get(self, name: str) -> str | None:
        found = self.values.get(name)
        return None if found is None else found[0]


ORG_FIELDS = ("agency", "agency_name", "agency_name_en", "agency_type", "province", "ministry", "ministry_name",
              "ministry_name_en")


def gather(table: Table, cells: dict[str, list[str]], rows: Sequence[int] | None = None,
           ministry_ids: Mapping[str, str] | None = None) -> tuple[dict[str, _Given], dict[str, _Given], list[int]]:
    """Return what the rows say per ministry code and per agency code, and the rows that name neither.

    `ministry_ids` turns a ministry column's text into the id of the ministry it names (code or name).
    """
    ministry_ids = ministry_ids or {}
    ministries: dict[str, _Given] = {}
    agencies: dict[str, _Given] = {}
    blank: list[int] = []
    column = {name: cells.get(name) for name in ORG_FIELDS}

    def cell(name: str, i: int) -> str:
        values = column[name]
        return values[i] if values is not None else ""

    for i in rows if rows is not None else range(len(table.rows)):
        row = table.sheet_row(i)
        ministry, agency = cell("ministry", i), cell("agency", i)
        ministry = ministry_ids.get(ministry, ministry)
        if not ministry and not agency:
            blank.append(row)
            continue
        if ministry:
            ministries.setdefault(ministry, _Given("ministry", ministry)).add(
                row, name_th=cell("ministry_name", i), name_en=cell("ministry_name_en", i))
        if agency:
            agencies.setdefault(agency, _Given("agency", agency)).add(
                row, name_th=cell("agency_name", i), name_en=cell("agency_name_en", i), ministry=ministry,
                type=cell("agency_type", i), province=cell("province", i))
    return ministries, agencies, blank


def type_gaps(agencies: dict[str, _Given], mapping: RegisterMapping, sheet: str | None) -> tuple[list[Note], set[str]]:
    """Return one error per agency type text the mapping does not list (its rows, the nearest mapped text)."""
    rows_of: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    for given in agencies.values():
        text = given.get("type")
        if text and mapping.agency_type(text) is None:
            rows_of.setdefault(text_key(text), []).extend(given.rows)
            shown.setdefault(text_key(text), text)
    notes = []
    mapped = {written: kind for written, kind in mapping.agency_types.values()}
    for key, rows in rows_of.items():
        text = shown[key]
        near = nearest(text, mapped)
        if near is None:
            msg = message("register_unmapped_type_none", text=text, n=len(rows), line=f"{yaml_key(text)}: other")
        else:
            msg = message("register_unmapped_type", text=text, n=len(rows), nearest=near,
                          line=f"{yaml_key(text)}: {mapped[near]}")
        notes.append(Note(Place(sheet, tuple(sorted(rows))), msg))
    return notes, set(rows_of)


def import_organisations(session: Session, table: Table, mapping: RegisterMapping, actor: str,
                         channel: str = Channel.CLI, rows: Sequence[int] | None = None,
                         progress: Progress | None = None) -> OrganisationReport:
    """Create and update the ministries and agencies the table names (its `rows` only, if given); report each.

    Refused: an organisation whose rows disagree, one without a Thai name to create it, an agency whose
    ministry cannot be found or created, or whose type text the mapping does not list.
    """
    report = OrganisationReport()
    positions = column_positions(table, mapping, ORG_FIELDS)
    if not isinstance(positions, dict):
        report.problems.append(Note(Place(table.sheet, (table.header_row,)), positions))
        return report
    cells = column_cells(table, positions)
    ministries, agencies, blank = gather(table, cells, rows, ministry_ids(session, cells.get("ministry", [])))
    if blank and rows is None:
        report.skipped.append(Note(Place(table.sheet, tuple(blank)), message("org_row_no_id")))
    gaps, unmapped = type_gaps(agencies, mapping, table.sheet)
    report.problems.extend(gaps)
    total, done = len(ministries) + len(agencies), 0
    for given in ministries.values():
        report.outcomes.append(_ministry(session, given, table.sheet, actor, channel))
        done += 1
        if progress is not None:
            progress(done, total, given.id)
    refused_ministries = report.refused_ids("ministry")
    untyped: list[int] = []
    for given in agencies.values():
        outcome = _agency(session, given, mapping, unmapped, refused_ministries, table.sheet, actor, channel,
                          "agency_type" in positions)
        report.outcomes.append(outcome)
        if outcome.outcome == "created" and given.get("type") is None:
            untyped.extend(given.rows)
        done += 1
        if progress is not None:
            progress(done, total, given.id)
    if untyped:
        report.warnings.append(Note(Place(table.sheet, tuple(sorted(untyped))), message("org_type_empty")))
    return report


def ministry_ids(session: Session, texts: Iterable[str]) -> dict[str, str]:
    """Return, for each ministry text that is not a ministry's id, the one ministry it names (Thai or English name)."""
    ministries = session.execute(select(Ministry.id, Ministry.name_th, Ministry.name_en)).all()
    ids = {m for m, _, _ in ministries}
    by_name: dict[str, set[str]] = {}
    for m, th, en in ministries:
        for name in (th, en):
            by_name.setdefault(text_key(name), set()).add(m)
    out = {}
    for text in set(texts):
        found = by_name.get(text_key(text), set()) if text and text not in ids else set()
        if len(found) == 1:
            out[text] = next(iter(found))
    return out


def _ministry(session: Session, given: _Given, sheet: str | None, actor: str, channel: str) -> OrgOutcome:
    place = Place(sheet, tuple(given.rows))
    if given.conflict is not None:
        return OrgOutcome("ministry", given.id, "refused", place, message=given.conflict)
    existing = session.get(Ministry, given.id)
    name_th, name_en = given.get("name_th"), given.get("name_en")
    # Every check that can refuse comes before the first write, so a refusal leaves nothing half done
    # (no savepoint: SQLite's driver commits a savepoint opened before any write).
    try:
        if existing is None:
            if name_th is None:
                return OrgOutcome("ministry", given.id, "refused", place,
                                  message=message("org_ministry_missing", id=given.id))
            organisations.add_ministry(session, given.id, name_th, actor, name_en, channel)
            return OrgOutcome("ministry", given.id, "created", place)
        changes = tuple(f for f, v in (("name_th", name_th), ("name_en", name_en))
                        if v is not None and v != getattr(existing, f))
        organisations.rename_ministry(session, given.id, actor, name_th, name_en, channel)
    except OrganisationError as err:
        return OrgOutcome("ministry", given.id, "refused", place, message=err.text)
    return OrgOutcome("ministry", given.id, "updated" if changes else "unchanged", place, changes)


def _agency(session: Session, given: _Given, mapping: RegisterMapping, unmapped: set[str], refused_ministries: set[str],
            sheet: str | None, actor: str, channel: str, typed: bool) -> OrgOutcome:
    place = Place(sheet, tuple(given.rows))

    def refuse(why: Localised) -> OrgOutcome:
        return OrgOutcome("agency", given.id, "refused", place, message=why)

    if given.conflict is not None:
        return refuse(given.conflict)
    type_text = given.get("type")
    if type_text is not None and text_key(type_text) in unmapped:
        return refuse(message("register_type_not_mapped", text=type_text))
    kind = mapping.agency_type(type_text) if type_text is not None else None
    ministry = given.get("ministry")
    if ministry in refused_ministries:
        return refuse(message("org_ministry_refused", id=ministry))
    if ministry is not None and session.get(Ministry, ministry) is None:
        return refuse(message("org_ministry_missing", id=ministry))
    existing = session.get(Agency, given.id)
    name_th, name_en, province = given.get("name_th"), given.get("name_en"), given.get("province")
    try:
        if existing is None:
            if name_th is None:
                return refuse(message("org_name_missing", id=given.id))
            if ministry is None:
                return refuse(message("org_no_ministry_given", id=given.id))
            organisations.add_agency(session, given.id, ministry, name_th, name_en, kind or AgencyType.OTHER.value,
                                     actor, province, channel)
            return OrgOutcome("agency", given.id, "created", place)
        wanted = {"name_th": name_th, "name_en": name_en, "ministry_id": ministry,
                  "agency_type": kind if typed else None, "province": province}
        changes = tuple(f for f, v in wanted.items() if v is not None and v != getattr(existing, f))
        organisations.rename_agency(session, given.id, actor, name_th, name_en, channel)
        if ministry is not None:
            organisations.move_agency(session, given.id, ministry, actor, channel)
        if kind is not None:
            organisations.set_agency_type(session, given.id, kind, actor, channel)
        if province is not None and province != existing.province:
            organisations.set_province(session, given.id, province, actor, channel)
    except OrganisationError as err:
        return refuse(err.text)
    return OrgOutcome("agency", given.id, "updated" if changes else "unchanged", place, changes)
