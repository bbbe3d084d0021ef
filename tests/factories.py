"""Seeded factories for intake tests: a ministry, agencies, a cycle and its frame, on any engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from data.db import session_scope
from data.models import Agency, Cycle, FrameEntry, Ministry
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, ServiceInput

CYCLE = 2568
CLOSES = dt.date(2025, 8, 31)


def make_agency(**overrides: Any) -> Agency:
    fields: dict[str, Any] = {"id": "A001", "ministry_id": "MDES", "name_th": "กรมทดสอบดิจิทัล",
                              "name_en": "Department of Digital Testing"}
    fields.update(overrides)
    return Agency(**fields)


def seed_intake(engine: Engine, agencies: int = 2, cycles: tuple[int, ...] = (2567, CYCLE)) -> list[str]:
    """Create ministry MDES, agencies A001.., cycles (closing 31 Aug of their C.E. year) and their frames."""
    ids = [f"A{i + 1:03d}" for i in range(agencies)]
    with session_scope(engine) as s:
        s.add(Ministry(id="MDES", name_th="กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", name_en="Ministry of Digital Economy and Society"))
        s.flush()
        for i, aid in enumerate(ids):
            s.add(make_agency(id=aid, name_th=f"กรมทดสอบ {i + 1}", name_en=f"Test Department {i + 1}"))
        for year in cycles:
            ce = year - 543
            s.add(Cycle(year_be=year, year_ce=ce, opens_on=dt.date(ce, 6, 1), closes_on=dt.date(ce, 8, 31),
                        catalogue_version=default_catalogue().version))
        s.flush()
        for year in cycles:
            for aid in ids:
                s.add(FrameEntry(cycle_year=year, agency_id=aid))
    return ids


def full_answers(**overrides: Any) -> dict[str, AnswerInput]:
    """Every required answer, valid, with evidence on each."""
    values: dict[str, Any] = {}
    for ind in default_catalogue().entered_indicators():
        values[ind.id] = {"count": 5, "percentage": 50, "yes_no": 0, "stage": 2, "multi_choice": ["GDX"]}[ind.type]
    values.update({"SKL.01": 100, "SKL.02": 10, "SHR.01": ["DIGITAL_ID"]})
    values.update(overrides)
    return {k: AnswerInput(v, evidence="https://example.go.th/e") for k, v in values.items()}


def services() -> list[ServiceInput]:
    return [ServiceInput(code="S1", name="ขออนุญาตก่อสร้าง", digital_level=4, annual_volume=1200, paper_required=False,
                         uses_digital_id=True),
            ServiceInput(code="S2", name="Registration of boats", digital_level=2, annual_volume=300)]
