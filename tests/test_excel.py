"""The Excel round trip: a filled workbook lands the same answers as the form; bad files change nothing."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select

from data.db import session_scope
from data.models import Agency, Answer, AuditEntry, Response, Service
from survey import answers, excel, files
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, Problem
from tests.factories import CYCLE, FORM, FORM_SERVICES, TICKED, TYPED, fill, seed_intake
from usecases import answer_import, intake, tracking

CAT = default_catalogue()


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    seed_intake(sqlite_engine)
    return sqlite_engine


def template_for(engine: Engine, agency_id: str = "A001", lang: str = "en") -> bytes:
    with session_scope(engine) as s:
        agency = s.get(Agency, agency_id)
        resp = s.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == CYCLE))
        answers, services = intake.current_answers(s, resp.id) if resp else ({}, [])
        return excel.build_template(CAT, agency, CYCLE, lang, answers, {}, services, resp.version if resp else 0)


def snapshot(engine: Engine) -> tuple[int, ...]:
    with session_scope(engine) as s:
        counts = [int(s.scalar(select(func.count()).select_from(t)) or 0) for t in (Response, Answer, Service, AuditEntry)]
        versions = int(s.scalar(select(func.coalesce(func.sum(Response.version), 0))) or 0)
        return (*counts, versions)


def test_workbook_round_trip_lands_the_same_answers_as_the_form(engine: Engine) -> None:
    parsed = excel.read_workbook(fill(template_for(engine, "A001")), CAT, expected_agency_id="A001", expected_cycle=CYCLE)
    assert isinstance(parsed, excel.ParsedWorkbook)
    with session_scope(engine) as s:
        result = answer_import.apply_workbook(s, parsed, "somchai", CAT)
    assert result.accepted, [p.message.en for p in result.problems]

    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, "A002", CYCLE, "somchai")
        form = {k: AnswerInput(v, evidence="https://example.go.th/e") for k, v in FORM.items()}
        assert intake.save_draft(s, resp.id, resp.version, form, FORM_SERVICES, "somchai", "web").ok
    with session_scope(engine) as s:
        ids = dict(s.execute(select(Response.agency_id, Response.id)).all())
        via_excel = intake.current_answers(s, ids["A001"])
        via_form = intake.current_answers(s, ids["A002"])
    assert via_excel == via_form
    assert via_excel[0]["PLT.01"].value == ["GDX", "GDCC"] and via_excel[0]["DAT.01"].value == 3
    with session_scope(engine) as s:
        channels = set(tracking.history_rows(s, "A001")["channel"])
    assert "excel" in channels


def test_prefilled_workbook_reads_back_unchanged(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert answer_import.apply_workbook(s, excel.read_workbook(fill(template_for(engine)), CAT), "somchai", CAT).accepted  # type: ignore[arg-type]
    for lang in ("th", "en"):
        again = excel.read_workbook(template_for(engine, lang=lang), CAT)
        assert isinstance(again, excel.ParsedWorkbook)
        with session_scope(engine) as s:
            rid = s.scalar(select(Response.id).where(Response.agency_id == "A001"))
            stored, services = intake.current_answers(s, rid)
        assert excel.diff(again, stored, services).empty, lang


def refused(data: bytes, **expect: Any) -> list[Problem]:
    result = excel.read_workbook(data, CAT, **expect)
    assert isinstance(result, list) and len(result) == 1 and result[0].is_error
    assert result[0].message.th and "Nothing was changed" in result[0].message.en
    return result


def test_bad_files_are_refused_with_the_right_message(engine: Engine) -> None:
    before = snapshot(engine)
    good = template_for(engine)
    assert refused(b"this is not a workbook")[0].code == "corrupt"
    assert refused(good[: len(good) // 2])[0].code == "corrupt"
    assert refused(b"x" * (files.MAX_BYTES + 1))[0].code == "too_large"

    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00macro")
    assert refused(macro.getvalue())[0].code == "macro"

    plain = io.BytesIO()
    Workbook().save(plain)
    assert refused(plain.getvalue())[0].code == "foreign"

    other = refused(good, expected_agency_id="A002")[0]
    assert other.code == "wrong_agency" and "A001" in other.message.en and "A002" in other.message.th
    assert refused(good, expected_cycle=2567)[0].code == "wrong_cycle"

    wb = load_workbook(io.BytesIO(good))
    wb[excel.META_SHEET]["B2"] = "A002"  # pretend to be another agency's workbook
    tampered = io.BytesIO()
    wb.save(tampered)
    assert refused(tampered.getvalue())[0].code == "checksum"

    wb = load_workbook(io.BytesIO(good))
    wb["DAT"]["A5"], wb["DAT"]["A6"] = wb["DAT"]["A6"].value, wb["DAT"]["A5"].value  # rows swapped
    moved = io.BytesIO()
    wb.save(moved)
    problem = refused(moved.getvalue())[0]
    assert problem.code == "structure" and "DAT!A5" in problem.message.en
    assert snapshot(engine) == before


def test_out_of_range_values_are_refused_whole_with_cells(engine: Engine) -> None:
    before = snapshot(engine)
    data = fill(template_for(engine), typed={**TYPED, "INT.05": 150, "DAT.02": "lots"},
                ticked={**TICKED, "SHR.01": {"DIGITAL_ID": "perhaps"}})
    parsed = excel.read_workbook(data, CAT)
    assert isinstance(parsed, excel.ParsedWorkbook)
    assert ("out_of_range", "INT!D8") in {(p.code, p.where()) for p in parsed.problems}
    with session_scope(engine) as s:
        result = answer_import.apply_workbook(s, parsed, "somchai", CAT)
    assert not result.accepted and result.message is not None and "nothing was changed" in result.message.en
    where = {(p.code, p.where()) for p in result.problems if p.is_error}
    assert ("out_of_range", "INT!D8") in where and ("not_a_number", "DAT!D5") in where
    assert any(code == "not_yes_no" and cell.startswith("SHR!D") for code, cell in where)
    assert snapshot(engine) == before


def test_import_after_someone_else_saved_is_a_conflict(engine: Engine) -> None:
    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, "A001", CYCLE, "somchai")
    data = fill(template_for(engine))
    with session_scope(engine) as s:
        assert intake.save_draft(s, resp.id, resp.version, {"DAT.02": AnswerInput(99)}, None, "anong", "web").ok
    parsed = excel.read_workbook(data, CAT)
    with session_scope(engine) as s:
        result = answer_import.apply_workbook(s, parsed, "somchai", CAT)  # type: ignore[arg-type]
    assert not result.accepted and result.saved is not None and result.saved.conflict is not None
    item = next(i for i in result.saved.conflict.items if i.field == "DAT.02")
    assert (item.theirs, item.yours) == ("99", "12")


def test_workbook_is_protected_labelled_and_safe_from_formulas(engine: Engine) -> None:
    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, "A001", CYCLE, "somchai")
        intake.save_draft(s, resp.id, resp.version, {"DAT.02": AnswerInput(3, comment="@SUM(A1:A9)")},
                          FORM_SERVICES, "somchai", "web")
    th = template_for(engine, lang="th")
    wb = load_workbook(io.BytesIO(th))
    assert wb.sheetnames[0] == "คำชี้แจง" and "บัญชีบริการ" in wb.sheetnames
    assert "2568" in str(wb["คำชี้แจง"]["A3"].value)
    assert "2025" in str(load_workbook(io.BytesIO(template_for(engine)))["Instructions"]["A3"].value)
    assert wb[excel.META_SHEET].sheet_state == "veryHidden" and wb[excel.META_SHEET].protection.sheet
    dat = wb["DAT"]
    assert dat.protection.sheet and dat["A5"].protection.locked and not dat["D5"].protection.locked
    assert dat["D5"].value == 3 and dat["F5"].value == "@SUM(A1:A9)" and dat["F5"].data_type == "s"
    kinds = {dv.type for dv in dat.data_validations.dataValidation}
    assert {"list", "whole"} <= kinds
    services = wb["บัญชีบริการ"]
    assert "Services" in services.tables and services["B2"].value == "=Building permit"
    with zipfile.ZipFile(io.BytesIO(th)) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    assert "ใช่" in str(services["F2"].value)


def test_import_of_a_workbook_made_before_the_draft_existed_sees_later_saves(engine: Engine) -> None:
    data = fill(template_for(engine))  # no response yet: version 0 in the workbook
    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, "A001", CYCLE, "anong")
        assert intake.save_draft(s, resp.id, resp.version, {"DAT.02": AnswerInput(99)}, None, "anong", "web").ok
    with session_scope(engine) as s:
        result = answer_import.apply_workbook(s, excel.read_workbook(data, CAT), "somchai", CAT)  # type: ignore[arg-type]
    assert not result.accepted and result.saved is not None and result.saved.conflict is not None


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2000), cut=st.integers(min_value=0, max_value=30000), flip=st.integers(0, 255))
def test_damaged_files_never_raise(data: bytes, cut: int, flip: int) -> None:
    assert isinstance(excel.read_workbook(data, CAT), list)
    damaged = bytearray(_GOOD)
    damaged[cut % len(damaged)] ^= flip or 1
    result = excel.read_workbook(bytes(damaged), CAT)
    assert isinstance(result, list | excel.ParsedWorkbook)


class _Agency:
    id, name_th, name_en = "A001", "กรมทดสอบ", "Test Department"


_GOOD = excel.build_template(CAT, _Agency(), CYCLE, "th", {}, {}, [])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice Calc is not installed (make test installs it)")
def test_workbook_saved_again_by_a_spreadsheet_app_still_imports(engine: Engine, tmp_path: Path) -> None:
    """LibreOffice Calc opens the filled workbook and saves it as .xlsx; it reads back the same."""
    filled = fill(template_for(engine))
    (tmp_path / "in.xlsx").write_bytes(filled)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(tmp_path / "in.xlsx")],
                   check=True, capture_output=True, timeout=120)
    resaved = excel.read_workbook((tmp_path / "out" / "in.xlsx").read_bytes(), CAT)
    direct = excel.read_workbook(filled, CAT)
    assert isinstance(resaved, excel.ParsedWorkbook) and isinstance(direct, excel.ParsedWorkbook)
    assert resaved.answers == direct.answers
    assert [excel.diff(resaved, {}, []).to_dict("records")] == [excel.diff(direct, {}, []).to_dict("records")]


def test_none_of_these_lands_the_same_from_a_workbook_and_the_form(engine: Engine) -> None:
    """Every PLT.01 option answered "No" in the workbook, and "None of these" in the web form: the same stored row.

    (INT.01 is "No": a yes there needs GDX in PLT.01.)"""
    all_no = {o.id: "No" for o in CAT.indicator("PLT.01").options}
    parsed = excel.read_workbook(fill(template_for(engine, "A001"), typed={**TYPED, "INT.01": "No"},
                                      ticked={**TICKED, "PLT.01": all_no}), CAT,
                                 expected_agency_id="A001", expected_cycle=CYCLE)
    assert isinstance(parsed, excel.ParsedWorkbook)
    with session_scope(engine) as s:
        assert answer_import.apply_workbook(s, parsed, "somchai", CAT).accepted
        resp = intake.get_or_create_draft(s, "A002", CYCLE, "somchai")
        form = {k: AnswerInput(v, evidence="https://example.go.th/e") for k, v in FORM.items()}
        form["PLT.01"] = AnswerInput(["NONE"], evidence="https://example.go.th/e")
        form["INT.01"] = AnswerInput(False, evidence="https://example.go.th/e")
        assert intake.save_draft(s, resp.id, resp.version, form, FORM_SERVICES, "somchai", "web").ok
    with session_scope(engine) as s:
        rows = s.execute(select(Response.agency_id, Answer.value_num, Answer.value_text).join(Response)
                         .where(Answer.indicator_id == "PLT.01").order_by(Response.agency_id)).all()
        assert [tuple(r) for r in rows] == [("A001", 0.0, "[]"), ("A002", 0.0, "[]")]
        assert answers.storage("PLT.01", "NONE", CAT) == (0.0, "[]")  # a CSV's NONE, the same again
        ids = dict(s.execute(select(Response.agency_id, Response.id)).all())
        assert intake.current_answers(s, ids["A001"]) == intake.current_answers(s, ids["A002"])
    again = load_workbook(io.BytesIO(template_for(engine, "A002")))  # and it goes back out as every option "No"
    rows = [r for r in again["PLT"].iter_rows(values_only=True) if r[0] == "PLT.01" and r[1]]
    assert rows and {r[3] for r in rows} == {"No"}
