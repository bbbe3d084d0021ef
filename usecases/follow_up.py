"""Follow-up of late agencies: who has not submitted in a cycle, with their coordinators' contacts, for reminders.

Administrators and planners see every agency; a ministry coordinator sees the agencies of their
ministry. Exports (CSV and Excel) are checked and recorded through `usecases.access.require_export`;
text that came from users is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection

import pandas as pd
import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, Cycle
from survey import workflow
from survey.cells import csv_bytes, formula_like, safe_cell
from survey.i18n import fmt_date, t
from survey.workflow import Channel, Status
from survey.years import display_year, to_be
from usecases import tracking
from usecases.access import AccessDenied, Principal, Role, can_open, require_export

#: Response states that still owe a submission.
NOT_SUBMITTED = frozenset({workflow.NOT_STARTED, Status.DRAFT, Status.RETURNED})
#: Roles that follow up every agency; coordinators follow up their own ministry.
ALL_AGENCY_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER})
CONTACT_COLUMNS = ("coordinator_name", "coordinator_position", "coordinator_phone", "coordinator_email")
COLUMNS = ("agency_id", "ministry_id", "name_th", "name_en", "status", "deadline", "late", *CONTACT_COLUMNS)
#: A cell starting with one of these is read as a formula by spreadsheet programs.


def cycle_years(session: Session) -> list[int]:
    """Return the cycles (B.E.), newest first."""
    return sorted(session.scalars(select(Cycle.year_be)), reverse=True)


def late_agencies(session: Session, principal: Principal, cycle_year: int, today: dt.date | None = None
                  ) -> pd.DataFrame:
    """Return the agencies of a cycle's frame that have not submitted, with their coordinators' contacts."""
    if not can_open(principal, "follow_up"):
        raise AccessDenied()
    year = to_be(cycle_year)
    frame = tracking.tracking_rows(session, year, today)
    frame = frame[frame["status"].isin(list(NOT_SUBMITTED))]
    if not principal.has(*ALL_AGENCY_ROLES):
        frame = frame[frame["ministry_id"].isin(sorted(principal.ministry_scope()))]
    contacts = pd.DataFrame.from_records(
        session.execute(select(Agency.id, *(getattr(Agency, c) for c in CONTACT_COLUMNS))
                        .where(Agency.id.in_(frame["agency_id"].tolist()))).all(),
        columns=["agency_id", *CONTACT_COLUMNS])
    out = frame.merge(contacts, on="agency_id", how="left")
    return out[list(COLUMNS)].sort_values(["ministry_id", "agency_id"], ignore_index=True)


def _safe(value: object) -> str:
    """Return a cell's text so that no spreadsheet reads it as a formula (`survey.cells.safe_cell`)."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(safe_cell(str(value)))


def _header(lang: str) -> list[str]:
    return [t(f"col_{c}", lang) for c in COLUMNS]


def _cells(frame: pd.DataFrame, lang: str) -> list[list[str]]:
    rows = []
    for rec in frame.to_dict("records"):
        row = []
        for c in COLUMNS:
            value = rec[c]
            if c == "deadline" and value is not None and not pd.isna(value):
                value = fmt_date(value, lang)
            elif c == "late":
                value = t("yes" if value else "no", lang)
            elif c == "status":
                value = t(f"status_{value}", lang)
            row.append(value)
        rows.append(row)
    return rows


def follow_up_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """Return the list as CSV (UTF-8 with BOM, so Excel reads Thai), every cell safe from formula injection."""
    table = pd.DataFrame([[_safe(v) for v in row] for row in _cells(frame, lang)], columns=_header(lang))
    return csv_bytes(table)


def follow_up_workbook(frame: pd.DataFrame, lang: str, cycle_year: int) -> bytes:
    """Return the list as an Excel workbook; every cell is written as a string, never as a formula."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(t("follow_up", lang)[:31])
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{t('follow_up', lang)} {t('cycle', lang)} {display_year(to_be(cycle_year), lang)}",
                       bold)
    for col, name in enumerate(_header(lang)):
        sheet.write_string(2, col, name, bold)
        sheet.set_column(col, col, 22)
    quoted = book.add_format({"quote_prefix": True})  # Excel's own "text, as typed", as survey.cells asks
    for r, row in enumerate(_cells(frame, lang), start=3):
        for col, value in enumerate(row):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            sheet.write_string(r, col, text, quoted if formula_like(text) else None)
    book.close()
    return buf.getvalue()


def record_follow_up_export(session: Session, principal: Principal, cycle_year: int, what: str,
                            agency_ids: Collection[str], channel: str = Channel.WEB) -> None:
    """Check that the principal may export the list and record the export in the audit log."""
    if not can_open(principal, "follow_up"):
        raise AccessDenied("export_denied")
    require_export(session, principal, f"{what} ({to_be(cycle_year)})", agency_ids, channel=channel,
                   allowed_roles=ALL_AGENCY_ROLES)


def export_follow_up(session: Session, principal: Principal, cycle_year: int, fmt: str, lang: str,
                     today: dt.date | None = None, channel: str = Channel.WEB) -> bytes:
    """Return the list of late agencies as `csv` or `xlsx`, after checking and recording the export."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")
    frame = late_agencies(session, principal, cycle_year, today)
    record_follow_up_export(session, principal, cycle_year, f"follow_up.{fmt}", frame["agency_id"].tolist(), channel)
    return follow_up_csv(frame, lang) if fmt == "csv" else follow_up_workbook(frame, lang, cycle_year)
