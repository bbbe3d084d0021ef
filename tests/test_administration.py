"""Survey administration through the pages' data functions: only administrators, cycles end to end, merges, imports."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.db import session_scope
from data.models import Agency, AuditEntry
from survey.catalogue import default_catalogue
from survey.workflow import Status
from tests.factories import full_answers, seed_intake, services
from usecases import administration, intake, submission
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.cycles import CycleError
from usecases.demo import DemoSpec, seed_demo

ADMIN = Principal(1, "admin.dga", grants=frozenset({Grant(Role.ADMINISTRATOR)}))
PLANNER = Principal(2, "planner", grants=frozenset({Grant(Role.PLANNER)}))


def test_only_administrators_administer(engine: Engine) -> None:
    seed_intake(engine)
    with session_scope(engine) as s:
        for call in (lambda: administration.cycles_table(s, PLANNER),
                     lambda: administration.close_cycle(s, PLANNER, 2568),
                     lambda: administration.extend_deadline(s, PLANNER, 2568, dt.date(2025, 9, 30)),
                     lambda: administration.retire_agency(s, PLANNER, "A001"),
                     lambda: administration.import_agencies(s, PLANNER, "a.csv", b"")):
            with pytest.raises(AccessDenied):
                call()
        assert s.scalars(select(AuditEntry)).all() == []


def test_open_a_cycle_change_frame_and_deadline_then_a_late_submission(any_engine: Engine) -> None:
    """Open 2569 from 2568's frame, edit the frame, and see a late submission refused, then accepted after an extension."""
    seed_intake(any_engine, agencies=3)
    version = default_catalogue().version
    with session_scope(any_engine) as s, pytest.raises(CycleError, match=r"Unknown instrument version 1999\.9"):
        administration.open_cycle(s, ADMIN, 2569, dt.date(2026, 6, 1), dt.date(2026, 8, 31), "1999.9")
    with session_scope(any_engine) as s:
        administration.open_cycle(s, ADMIN, 2026, dt.date(2026, 6, 1), dt.date(2026, 8, 31), version,
                                  remove=["A003"])
        assert administration.frame_table(s, ADMIN, 2569)["agency_id"].tolist() == ["A001", "A002"]
        assert administration.set_frame(s, ADMIN, 2569, add=["A003"], remove=["A002"]) == ["A001", "A003"]
        table = administration.cycles_table(s, ADMIN)
        assert table.iloc[0].to_dict() == {"cycle_year": 2569, "opens_on": dt.date(2026, 6, 1),
                                              "closes_on": dt.date(2026, 8, 31), "catalogue_version": version,
                                              "status": "open", "agencies_expected": 2}
        resp = intake.get_or_create_draft(s, "A001", 2569, "somchai")
        rid = resp.id
        v = intake.save_draft(s, rid, resp.version, full_answers(), services(), "somchai", "web").version
    late = dt.date(2026, 9, 10)
    with session_scope(any_engine) as s:
        refused = submission.submit(s, rid, v, "somchai", "web", today=late)
        assert not refused.ok and refused.message is not None and "deadline has passed" in refused.message.en
        administration.extend_deadline(s, ADMIN, 2569, dt.date(2026, 9, 15), agency_id="A001")
        assert administration.frame_table(s, ADMIN, 2569)["deadline"].tolist() == [dt.date(2026, 9, 15), None]
    with session_scope(any_engine) as s:
        accepted = submission.submit(s, rid, v, "somchai", "web", today=late)
        assert accepted.ok and accepted.status == Status.SUBMITTED
        administration.close_cycle(s, ADMIN, 2569)
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.cycle_year == 2569,
                                                            AuditEntry.actor == "admin.dga").order_by(AuditEntry.id))
        assert list(actions) == ["cycle_open", "frame_add", "frame_remove", "deadline_extend", "cycle_close"]


def test_merging_keeps_both_histories_under_the_merged_agency(any_engine: Engine) -> None:
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=8, years=(2567, 2568)))
    with session_scope(any_engine) as s:
        administration.rename_agency(s, ADMIN, "D0002", name_en="Old Department Two")
        administration.merge_agencies(s, ADMIN, "D0002", "D0001")
    with session_scope(any_engine) as s:
        found = administration.agency_history(s, ADMIN, "D0001")
        assert found.lineage == ("D0001", "D0002")
        assert set(found.responses["agency_id"]) == {"D0001", "D0002"}
        assert sorted(found.responses.query("agency_id == 'D0002'")["cycle_year"]) == [2567, 2568]
        by_agency = found.changes.groupby("agency_id")["action"].apply(list).to_dict()
        assert by_agency["D0002"][-2:] == ["agency_rename", "agency_merge"]
        assert "agency_merge" in by_agency["D0001"]
        agencies = administration.agencies_table(s, ADMIN).set_index("agency_id")
        assert agencies.loc["D0002", "merged_into_id"] == "D0001" and not agencies.loc["D0002", "active"]


def test_import_agencies_from_csv_and_workbook(engine: Engine) -> None:
    seed_intake(engine, agencies=1)
    rows = pd.DataFrame({"agency_id": ["N001", "A001", "N002"], "ministry_id": ["MDES", "MDES", "NOPE"],
                         "name_th": ["กรมใหม่", "กรมทดสอบ 1 (ชื่อใหม่)", "กรมอื่น"],
                         "name_en": ["New Department", "Test Department 1", "Other"],
                         "agency_type": ["department"] * 3, "province": ["", "", ""]})
    book = io.BytesIO()
    rows.to_excel(book, index=False)
    seen: list[tuple[int, int]] = []
    with session_scope(engine) as s:
        report = administration.import_agencies(s, ADMIN, "agencies.xlsx", book.getvalue(),
                                                progress=lambda done, total, message="": seen.append((done, total)))
        assert report["outcome"].tolist() == ["added", "updated", "rejected"]
        assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
        assert report.loc[2, "message_en"] == "No ministry with id NOPE" and report.loc[2, "message_th"]
        assert s.get(Agency, "A001").name_th == "กรมทดสอบ 1 (ชื่อใหม่)"  # type: ignore[union-attr]
        csv = rows.iloc[[0]].assign(agency_id="N003").to_csv(index=False).encode("utf-8-sig")
        assert administration.import_agencies(s, ADMIN, "more.csv", csv)["outcome"].tolist() == ["added"]
        assert s.get(Agency, "N003") is not None
        audit = list(s.scalars(select(AuditEntry.action).where(AuditEntry.actor == "admin.dga")))
        assert audit.count("agency_add") == 2 and "agency_rename" in audit
