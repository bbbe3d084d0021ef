"""Agencies over time: rename, move, retire, merge (both histories stay visible), CSV import."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data.models import Agency, AuditEntry, Response
from survey.catalogue import default_catalogue
from usecases.demo import DemoSpec, seed_demo
from usecases.organisations import (
    OrganisationError,
    import_agencies,
    lineage,
    merge_agencies,
    move_agency,
    rename_agency,
    retire_agency,
)


@pytest.fixture
def seeded(any_engine: Engine) -> Engine:
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=12, years=(2567, 2568)))
    return any_engine


def _responses(s: Session, ids: list[str]) -> int:
    return int(s.scalar(select(func.count()).select_from(Response).where(Response.agency_id.in_(ids))) or 0)


def test_merge_keeps_both_histories(seeded: Engine) -> None:
    with Session(seeded) as s:
        before_a, before_b = _responses(s, ["D0001"]), _responses(s, ["D0002"])
        merge_agencies(s, "D0002", "D0001", "admin")
        s.commit()
        assert lineage(s, "D0001") == ["D0001", "D0002"]
        assert _responses(s, lineage(s, "D0001")) == before_a + before_b
        merged = s.get(Agency, "D0002")
        assert merged is not None and not merged.active and merged.merged_into_id == "D0001"
        # A later merge of the target carries the earlier one along.
        merge_agencies(s, "D0001", "D0004", "admin")
        assert lineage(s, "D0004") == ["D0004", "D0001", "D0002"]
        with pytest.raises(OrganisationError, match="merged into itself"):
            merge_agencies(s, "D0004", "D0004", "admin")
        with pytest.raises(OrganisationError, match="is retired"):
            merge_agencies(s, "D0005", "D0001", "admin")


def test_rename_move_retire_are_audited(seeded: Engine) -> None:
    with Session(seeded) as s:
        old = s.get(Agency, "D0003")
        assert old is not None
        old_name, old_ministry = old.name_en, old.ministry_id
        new_ministry = "MDES" if old_ministry != "MDES" else "MOF"
        rename_agency(s, "D0003", "admin", name_en="Renamed Fictional Department")
        move_agency(s, "D0003", new_ministry, "admin")
        retire_agency(s, "D0003", "admin")
        s.commit()
        rows = s.scalars(select(AuditEntry).where(AuditEntry.agency_id == "D0003").order_by(AuditEntry.id)).all()
        assert [(r.action, r.old_value, r.new_value) for r in rows] == [
            ("agency_rename", old_name, "Renamed Fictional Department"),
            ("agency_move", old_ministry, new_ministry),
            ("agency_retire", "true", "false"),
        ]
        with pytest.raises(OrganisationError, match="No ministry with id NOPE"):
            move_agency(s, "D0004", "NOPE", "admin")


def test_csv_import_reports_every_row(seeded: Engine) -> None:
    csv_text = (
        "agency_id,ministry_id,name_th,name_en,agency_type,province\n"
        "N0001,MOPH,กรมใหม่ (สมมติ),New Fictional Department,department,\n"
        "D0001,MOF,ชื่อใหม่ (สมมติ),Fictional Renamed,department,\n"
        "N0002,NOPE,กรม,Dept,department,\n"
        "N0003,MOF,กรม,Dept,ministry_of_magic,\n"
    )
    with Session(seeded) as s:
        report = import_agencies(s, csv_text, "admin")
        s.commit()
        assert [(r.line, r.agency_id, r.outcome) for r in report] == [
            (2, "N0001", "added"), (3, "D0001", "updated"), (4, "N0002", "rejected"), (5, "N0003", "rejected")]
        assert report[2].message is not None and "NOPE" in report[2].message.en
        assert report[3].message is not None and "ministry_of_magic" in report[3].message.th
        assert s.get(Agency, "N0002") is None
        d1 = s.get(Agency, "D0001")
        assert d1 is not None and d1.ministry_id == "MOF" and d1.name_en == "Fictional Renamed"
    bad = import_agencies(Session(seeded), "id,name\nX,Y\n", "admin")
    assert bad[0].outcome == "rejected" and "agency_id" in (bad[0].message.en if bad[0].message else "")
