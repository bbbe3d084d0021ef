"""Follow-up of late agencies: who has not submitted, coordinators' contacts, CSV and Excel exports, audit, injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from data.db import session_scope
from data.models import Agency, AuditEntry, FrameEntry, Ministry, Response
from survey.workflow import Status
from tests.factories import CYCLE, make_agency, seed_intake
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.follow_up import export_follow_up, late_agencies

ADMIN = Principal(1, "admin", grants=frozenset({Grant(Role.ADMINISTRATOR)}))
COORDINATOR = Principal(2, "coord", grants=frozenset({Grant(Role.COORDINATOR, ministry_id="MDES")}))
RESPONDENT = Principal(3, "resp", grants=frozenset({Grant(Role.RESPONDENT, agency_id="A001")}))
EVIL = '=HYPERLINK("http://evil.example","x")'
TODAY = dt.date(2025, 9, 5)  # after the cycle closed on 31 Aug 2025


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_intake(engine, agencies=3)
    with session_scope(engine) as s:
        s.add(Ministry(id="MOF", name_th="กระทรวงการคลัง", name_en="Ministry of Finance"))
        s.flush()
        s.add(make_agency(id="F001", ministry_id="MOF", name_th="กรมบัญชีกลาง", name_en="Comptroller General"))
        s.flush()
        s.add(FrameEntry(cycle_year=CYCLE, agency_id="F001"))
        a2 = s.get(Agency, "A002")
        assert a2 is not None
        a2.coordinator_name, a2.coordinator_position = EVIL, "ผู้อำนวยการกอง"
        a2.coordinator_phone, a2.coordinator_email = "+66 2 123 4567", "somsri@dept.go.th"
        s.add(Response(cycle_year=CYCLE, agency_id="A001", status=Status.SUBMITTED, catalogue_version="x"))
        s.add(Response(cycle_year=CYCLE, agency_id="A002", status=Status.DRAFT, catalogue_version="x"))
    return engine


def test_agencies_not_submitted_with_contacts(seeded: Engine) -> None:
    with session_scope(seeded) as s:
        everyone = late_agencies(s, ADMIN, 2025, TODAY)  # C.E. 2025 is cycle 2568
        assert everyone["agency_id"].tolist() == ["A002", "A003", "F001"]
        assert everyone["status"].tolist() == ["draft", "not_started", "not_started"]
        assert everyone["late"].all()
        assert everyone.iloc[0]["coordinator_email"] == "somsri@dept.go.th"
        assert late_agencies(s, COORDINATOR, CYCLE, TODAY)["agency_id"].tolist() == ["A002", "A003"]
        with pytest.raises(AccessDenied):
            late_agencies(s, RESPONDENT, CYCLE, TODAY)


def test_exports_are_audited_and_never_formulas(seeded: Engine) -> None:
    with session_scope(seeded) as s:
        data = export_follow_up(s, COORDINATOR, CYCLE, "csv", "en", TODAY)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Agency id", "Ministry", "Thai name"]
        assert [r[0] for r in rows[1:]] == ["A002", "A003"]
        assert rows[1][7] == "'" + EVIL and rows[1][5] == "31 Aug 2025" and rows[1][6] == "Yes"
        book = load_workbook(io.BytesIO(export_follow_up(s, ADMIN, CYCLE, "xlsx", "th", TODAY)))
        sheet = book.active
        assert sheet is not None
        assert sheet["A1"].value == "ติดตามหน่วยงานที่ยังไม่ส่ง รอบสำรวจ 2568"
        assert [sheet.cell(r, 1).value for r in range(4, 7)] == ["A002", "A003", "F001"]
        name = sheet.cell(4, 8)
        assert name.value == EVIL and name.data_type == "s"  # text, not a formula
        assert sheet.cell(4, 5).value == "ฉบับร่าง" and sheet.cell(4, 6).value == "31 ส.ค. 2568"
        with pytest.raises(AccessDenied):
            export_follow_up(s, RESPONDENT, CYCLE, "csv", "en", TODAY)
    with session_scope(seeded) as s:
        exports = s.execute(select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "export")
                            .order_by(AuditEntry.id)).all()
        assert [tuple(e) for e in exports] == [("coord", "follow_up.csv (2568) (2 agencies)"),
                                               ("admin", "follow_up.xlsx (2568) (3 agencies)")]
