"""Seeded factories for intake tests: a ministry, agencies, a cycle and its frame, on any engine."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine

from data.db import session_scope
from data.models import Agency, Cycle, FrameEntry, Ministry
from survey import excel
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


# What a respondent types in the workbook (TYPED, TICKED, SERVICE_ROWS), and what the same respondent
# gives the web form (FORM, FORM_SERVICES).
TYPED: dict[str, Any] = {"DAT.01": "3 - Adopted", "DAT.02": 12, "DAT.03": 40, "DAT.04": 30, "DAT.05": 2,
                         "INT.01": "Yes", "INT.02": 4, "INT.03": "No", "INT.04": "Yes", "INT.05": 62.5,
                         "STD.01": "0 - Not started", "STD.02": "1 - Planned", "STD.03": "4 - Audited",
                         "STD.04": "2 - Piloting", "STD.05": "2 - Piloting", "STD.06": "1 - Planned", "PLT.02": 35,
                         "SEC.01": "Yes", "SEC.02": "No", "SEC.03": "Yes", "SEC.04": 80, "SEC.05": 0, "SKL.01": 250,
                         "SKL.02": 40, "SKL.04": "No", "SKL.05": "3 - Adopted"}
FORM: dict[str, Any] = {**{k: v for k, v in TYPED.items() if isinstance(v, int | float)},
                        "DAT.01": 3, "INT.01": True, "INT.03": False, "INT.04": "yes", "STD.01": 0, "STD.02": 1,
                        "STD.03": 4, "STD.04": 2, "STD.05": 2, "STD.06": 1, "SEC.01": 1, "SEC.02": 0, "SEC.03": "yes",
                        "SKL.04": "no", "SKL.05": 3, "PLT.01": ["GDX", "GDCC"], "SHR.01": ["DIGITAL_ID", "E_PAYMENT"]}
TICKED = {"PLT.01": {"GDX": "Yes", "GDCC": "Yes", "GIN": "No"}, "SHR.01": {"DIGITAL_ID": "Yes", "E_PAYMENT": "Yes"}}
SERVICE_ROWS = [("S1", "=Building permit", "4 - Fully online end to end", 1200, "No", "Yes", "Yes", "No", "No"),
                ("S2", "ขอรับเงินอุดหนุนเกษตรกร", "2 - Forms downloadable", 300, "Yes", "No", "No", "No", "No")]
FORM_SERVICES = [ServiceInput(code="S1", name="=Building permit", digital_level=4, annual_volume=1200,
                              paper_required=False, uses_digital_id=True, uses_e_payment=True),
                 ServiceInput(code="S2", name="ขอรับเงินอุดหนุนเกษตรกร", digital_level=2, annual_volume=300,
                              paper_required=True)]


def fill(data: bytes, typed: dict[str, Any] | None = None, ticked: dict[str, dict[str, str]] | None = None,
         service_rows: list[tuple[Any, ...]] | None = None, evidence: str = "https://example.go.th/e") -> bytes:
    """Fill a downloaded workbook through openpyxl, as a respondent would in Excel."""
    typed = TYPED if typed is None else typed
    ticked = TICKED if ticked is None else ticked
    wb = load_workbook(io.BytesIO(data))
    for slot in excel.layout(default_catalogue()):
        ws = wb[slot.sheet]
        if slot.option_id is None:
            if slot.indicator_id in typed:
                ws[f"D{slot.row}"] = typed[slot.indicator_id]
            ws[f"E{slot.row}"] = evidence
        elif slot.option_id in ticked.get(slot.indicator_id, {}):
            ws[f"D{slot.row}"] = ticked[slot.indicator_id][slot.option_id]
    services = wb[next(n for n in wb.sheetnames if n in ("Services", "บัญชีบริการ"))]
    for r, row in enumerate(service_rows if service_rows is not None else SERVICE_ROWS, start=2):
        for col, value in enumerate(row, start=1):
            cell = services.cell(row=r, column=col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
