"""Agencies over time: add, rename, move between ministries, retire and merge, keeping history. Audited."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, AgencyType, AuditEntry, Ministry
from survey.errors import DomainError, Localised, message
from survey.workflow import Channel
from usecases.jobs import Progress

AGENCY_TYPES = tuple(t.value for t in AgencyType)


class OrganisationError(DomainError, ValueError):
    """An organisation change that cannot be done."""


def _audit(session: Session, actor: str, channel: str, action: str, agency_id: str | None, field: str | None = None,
           old: str | None = None, new: str | None = None, detail: str | None = None) -> None:
    session.add(AuditEntry(actor=actor, channel=channel, action=action, agency_id=agency_id, field=field,
                           old_value=old, new_value=new, detail=detail))


def _agency(session: Session, agency_id: str) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise OrganisationError("org_no_agency", id=agency_id)
    return agency


def _ministry(session: Session, ministry_id: str) -> Ministry:
    ministry = session.get(Ministry, ministry_id)
    if ministry is None:
        raise OrganisationError("org_no_ministry", id=ministry_id)
    return ministry


def add_ministry(session: Session, ministry_id: str, name_th: str, actor: str, name_en: str | None = None,
                 channel: str = Channel.WEB) -> Ministry:
    """Add a ministry; without an English name it is shown under its Thai name until one is given."""
    ministry_id, name_th = ministry_id.strip(), name_th.strip()
    if not ministry_id or not name_th:
        raise OrganisationError("org_names_required")
    if len(ministry_id) > 16:
        raise OrganisationError("org_id_too_long", id=ministry_id, limit=16)
    if session.get(Ministry, ministry_id) is not None:
        raise OrganisationError("org_ministry_exists", id=ministry_id)
    ministry = Ministry(id=ministry_id, name_th=name_th, name_en=(name_en or "").strip() or name_th)
    session.add(ministry)
    _audit(session, actor, channel, "ministry_add", None, "ministry_id", None, ministry_id, detail=name_th)
    session.flush()
    return ministry


def rename_ministry(session: Session, ministry_id: str, actor: str, name_th: str | None = None,
                    name_en: str | None = None, channel: str = Channel.WEB) -> None:
    ministry = _ministry(session, ministry_id)
    for field, value in (("name_th", name_th), ("name_en", name_en)):
        if value is not None and value.strip() and value.strip() != getattr(ministry, field):
            _audit(session, actor, channel, "ministry_rename", None, field, getattr(ministry, field), value.strip(),
                   detail=ministry_id)
            setattr(ministry, field, value.strip())
    session.flush()


def set_agency_type(session: Session, agency_id: str, agency_type: str, actor: str, channel: str = Channel.WEB) -> None:
    agency = _agency(session, agency_id)
    if agency_type not in AGENCY_TYPES:
        raise OrganisationError("org_unknown_type", type=repr(agency_type))
    if agency.agency_type != agency_type:
        _audit(session, actor, channel, "agency_type", agency_id, "agency_type", agency.agency_type, agency_type)
        agency.agency_type = agency_type
    session.flush()


def set_province(session: Session, agency_id: str, province: str | None, actor: str,
                 channel: str = Channel.WEB) -> None:
    agency = _agency(session, agency_id)
    province = (province or "").strip() or None
    if agency.province != province:
        _audit(session, actor, channel, "agency_province", agency_id, "province", agency.province, province)
        agency.province = province
    session.flush()


def add_agency(session: Session, agency_id: str, ministry_id: str, name_th: str, name_en: str | None,
               agency_type: str, actor: str, province: str | None = None, channel: str = Channel.WEB) -> Agency:
    """Add an agency; without an English name it is shown under its Thai name until one is given."""
    agency_id = agency_id.strip()
    name_en = (name_en or "").strip() or name_th.strip()
    if not agency_id or not name_th.strip():
        raise OrganisationError("org_names_required")
    if len(agency_id) > 32:
        raise OrganisationError("org_id_too_long", id=agency_id, limit=32)
    if session.get(Agency, agency_id) is not None:
        raise OrganisationError("org_agency_exists", id=agency_id)
    if agency_type not in AGENCY_TYPES:
        raise OrganisationError("org_unknown_type", type=repr(agency_type))
    _ministry(session, ministry_id)
    agency = Agency(id=agency_id, ministry_id=ministry_id, name_th=name_th.strip(), name_en=name_en.strip(),
                    agency_type=agency_type, province=province, active=True, is_demo=False)
    session.add(agency)
    _audit(session, actor, channel, "agency_add", agency_id, detail=f"{name_en} in {ministry_id}")
    session.flush()
    return agency


def rename_agency(session: Session, agency_id: str, actor: str, name_th: str | None = None,
                  name_en: str | None = None, channel: str = Channel.WEB) -> None:
    agency = _agency(session, agency_id)
    for field, value in (("name_th", name_th), ("name_en", name_en)):
        if value is not None and value.strip() and value.strip() != getattr(agency, field):
            _audit(session, actor, channel, "agency_rename", agency_id, field, getattr(agency, field), value.strip())
            setattr(agency, field, value.strip())
    session.flush()


def move_agency(session: Session, agency_id: str, ministry_id: str, actor: str, channel: str = Channel.WEB) -> None:
    """Move an agency to another ministry; its responses and history stay with it."""
    agency = _agency(session, agency_id)
    _ministry(session, ministry_id)
    if agency.ministry_id != ministry_id:
        _audit(session, actor, channel, "agency_move", agency_id, "ministry_id", agency.ministry_id, ministry_id)
        agency.ministry_id = ministry_id
    session.flush()


def retire_agency(session: Session, agency_id: str, actor: str, channel: str = Channel.WEB) -> None:
    agency = _agency(session, agency_id)
    if agency.active:
        _audit(session, actor, channel, "agency_retire", agency_id, "active", "true", "false")
        agency.active = False
    session.flush()


def merge_agencies(session: Session, source_id: str, target_id: str, actor: str, channel: str = Channel.WEB) -> None:
    """Merge `source` into `target`: the source is retired and points at the target; both histories stay."""
    if source_id == target_id:
        raise OrganisationError("org_merge_self")
    source, target = _agency(session, source_id), _agency(session, target_id)
    if not target.active:
        raise OrganisationError("org_retired", id=target_id)
    if target.merged_into_id is not None:
        raise OrganisationError("org_merged_already", id=target_id)
    # Agencies merged into the source earlier follow it into the target.
    for earlier in session.scalars(select(Agency).where(Agency.merged_into_id == source_id)):
        earlier.merged_into_id = target_id
    source.merged_into_id = target_id
    source.active = False
    _audit(session, actor, channel, "agency_merge", source_id, "merged_into_id", None, target_id)
    _audit(session, actor, channel, "agency_merge", target_id, detail=f"absorbed {source_id}")
    session.flush()


def lineage(session: Session, agency_id: str) -> list[str]:
    """Return the agency and every agency merged into it, whose histories show under it."""
    _agency(session, agency_id)
    return [agency_id, *sorted(session.scalars(select(Agency.id).where(Agency.merged_into_id == agency_id)))]


@dataclass(frozen=True)
class ImportRow:
    line: int
    agency_id: str
    outcome: str  # "added", "updated", "rejected"
    message: Localised | None = None


IMPORT_COLUMNS = ("agency_id", "ministry_id", "name_th", "name_en", "agency_type", "province")


def import_agencies(session: Session, csv_text: str, actor: str, channel: str = Channel.CLI,
                    progress: Progress | None = None) -> list[ImportRow]:
    """Add or update agencies from CSV text with columns IMPORT_COLUMNS (name_en, province optional); report every row.

    `progress(done, total, message)` is called as rows are done (a page's or the terminal's progress bar).
    """
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS[:5] if c != "name_en" and c not in (reader.fieldnames or [])]
    if missing:
        cols = ", ".join(missing)
        return [ImportRow(1, "", "rejected", message("org_missing_columns", columns=cols))]
    report: list[ImportRow] = []
    rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if progress is not None:
            progress(line - 2, len(rows), f"row {line}")
        aid = (row.get("agency_id") or "").strip()
        try:
            with session.begin_nested():
                if session.get(Agency, aid) is None:
                    add_agency(session, aid, (row["ministry_id"] or "").strip(), row["name_th"] or "",
                               row.get("name_en") or "", (row["agency_type"] or "").strip(), actor,
                               (row.get("province") or "").strip() or None, channel)
                    report.append(ImportRow(line, aid, "added"))
                else:
                    rename_agency(session, aid, actor, row["name_th"], row.get("name_en"), channel)
                    move_agency(session, aid, (row["ministry_id"] or "").strip(), actor, channel)
                    report.append(ImportRow(line, aid, "updated"))
        except OrganisationError as err:
            report.append(ImportRow(line, aid, "rejected", err.text))
    if progress is not None:
        progress(len(rows), len(rows), "done")
    return report
