"""Import hygiene (issue 14): duplicate answer rows, text over its limit, trailing styled rows, bad header cells,
and writes through the data layer, each on SQLite and PostgreSQL where a database is involved."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from sqlalchemy import Engine, func, select

from data.db import session_scope
from data.models import Agency, Answer, Response, ReviewComment
from survey import excel, files
from survey.answers import answers_from_table
from survey.catalogue import default_catalogue
from survey.validation import MAX_TEXT, AnswerInput, Refused
from survey.workflow import Status
from tests.factories import CYCLE, fill, seed_intake
from usecases import access, accounts, administration, answer_import, intake, respond, submission
from usecases.access import Grant, Principal, Role

CAT = default_catalogue()
TODAY = dt.date(2025, 7, 1)  # the seeded cycle 2568 runs 1 June - 31 August 2025
ME = Principal(0, "somchai", grants=frozenset({Grant(Role.RESPONDENT, agency_id="A001")}))
HEADER = "agency_id,cycle,indicator_id,value,evidence,comment\n"


def _table(text: str) -> files.Table:
    table = files.read_table(text.encode("utf-8"), "answers.csv")
    assert isinstance(table, files.Table), table
    return table


def _texts(problems: object) -> list[str]:
    assert isinstance(problems, list)
    return [p.message.get("en") for p in problems]


def _workbook(rows: list[list[object]], merge: str | None = None, styled: tuple[int, int] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    if styled:
        ws.cell(row=styled[0], column=styled[1]).fill = PatternFill("solid", fgColor="FFFF00")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Duplicate rows ---------------------------------------------------------------------------------

def test_duplicate_answer_rows_are_an_error_naming_both_rows() -> None:
    """Issue 14: two rows for one answer in a CSV, the last won silently. Rows are counted as in a spreadsheet:
    the header is row 1, so the 1st and 3rd data lines are rows 2 and 4; 2568 B.E. reads 2025 in English."""
    table = _table(HEADER + "A001,2568,DAT.02,5,,\nA001,2568,DAT.03,7,,\nA001,2025,DAT.02,9,,\n")
    assert _texts(answers_from_table(table)) == [
        "rows 2 and 4 both answer DAT.02 for agency A001, year 2025; keep one of them"]
    distinct = answers_from_table(_table(HEADER + "A001,2568,DAT.02,5,,\nA002,2568,DAT.02,9,,\n"))
    assert isinstance(distinct, dict) and set(distinct) == {("A001", 2568), ("A002", 2568)}


# Header cells -----------------------------------------------------------------------------------

def test_renamed_duplicated_and_empty_header_cells_are_refused_with_the_cell() -> None:
    """Issue 14: a renamed ("comments"), a repeated ("value" in D1 and G1) and an empty header cell above data were
    accepted (the renamed column was dropped, pandas renamed the repeat "value.1")."""
    renamed = answers_from_table(_table("agency_id,cycle,indicator_id,value,evidence,comments\nA001,2568,DAT.02,5,,x\n"))
    assert _texts(renamed) == ["header cell F1: unknown column “comments” (the columns are: agency_id, cycle, "
                               "indicator_id, value, evidence, comment)"]
    repeated = answers_from_table(_table("agency_id,cycle,indicator_id,value,evidence,comment,value\n"
                                         "A001,2568,DAT.02,5,,,6\n"))
    assert _texts(repeated) == ["header cell G1: the column “value” appears again (first in D1)"]
    hole = answers_from_table(_table("agency_id,cycle,,value\nA001,2568,DAT.02,5\n"))
    assert _texts(hole) == ["header cell C1 is empty but its column holds data",
                            "the header (row 1) has no column indicator_id"]


def test_merged_header_cells_are_refused_with_the_range() -> None:
    data = _workbook([["agency_id", None, "indicator_id", "value"], ["A001", 2568, "DAT.02", 5]], merge="A1:B1")
    table = files.read_table(data, "answers.xlsx")
    assert isinstance(table, files.Table) and table.merged == ("A1:B1",)
    assert _texts(answers_from_table(table)) == [
        "the header cells A1:B1 are merged; unmerge them so that each column has its own name",
        "header cell B1 is empty but its column holds data",
        "the header (row 1) has no column cycle"]


def test_organisations_and_users_uploads_check_their_headers(any_engine: Engine) -> None:
    seed_intake(any_engine)
    admin = administration.operator("admin")
    merged = _workbook([["agency_id", "ministry_id", "name_th", "name_en", "agency_type", None],
                        ["N1", "MDES", "ใหม่", "New", "department", "x"]], merge="E1:F1")
    with session_scope(any_engine) as s, pytest.raises(files.FileRefused) as caught:
        administration.import_agencies(s, admin, "agencies.xlsx", merged)
    assert [p.message.get("en") for p in caught.value.problems] == [
        "the header cells E1:F1 are merged; unmerge them so that each column has its own name",
        "header cell F1 is empty but its column holds data"]
    with session_scope(any_engine) as s, pytest.raises(files.FileRefused) as caught:
        accounts.import_users_file(s, admin, "users.csv", b"username,display_name,mail,role,scope\nx,X,x@y,planner,\n")
    assert caught.value.message("en").startswith("header cell C1: unknown column “mail”")
    with session_scope(any_engine) as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 2  # nothing imported


# Trailing styled rows ---------------------------------------------------------------------------

def test_trailing_styled_empty_cells_are_ignored_by_the_table_reader() -> None:
    """A fill in XFD1048576 (the last cell of a sheet) declares the sheet 1,048,576 rows by 16,384 columns; the
    table is still the 2 columns and 2 rows that hold values."""
    data = _workbook([["agency_id", "name_th"], ["A001", "ก"], ["A002", "ข"]], styled=(1_048_576, 16_384))
    table = files.read_table(data, "agencies.xlsx")
    assert isinstance(table, files.Table)
    assert table.header == ("agency_id", "name_th")
    assert table.rows.values.tolist() == [["A001", "ก"], ["A002", "ข"]]


def test_a_styled_empty_cell_in_the_last_row_does_not_refuse_a_good_workbook(any_engine: Engine) -> None:
    """Issue 14: a single styled empty cell in the last row of a good workbook got it refused ("more than 5000
    rows", from openpyxl's max_row, which counts styled cells). Now it is read and imported."""
    seed_intake(any_engine)
    with session_scope(any_engine) as s:
        agency = s.get(Agency, "A001")
        template = excel.build_template(CAT, agency, CYCLE, "en", {}, {}, [], 0)
    wb = load_workbook(io.BytesIO(fill(template)))
    wb["Services"].cell(row=1_048_576, column=2).fill = PatternFill("solid", fgColor="FFFF00")
    out = io.BytesIO()
    wb.save(out)
    parsed = excel.read_workbook(out.getvalue(), CAT, "A001", CYCLE)
    assert isinstance(parsed, excel.ParsedWorkbook), [p.message.get("en") for p in parsed]
    assert len(parsed.services) == 2
    with session_scope(any_engine) as s:
        assert answer_import.apply_workbook(s, parsed, "somchai", CAT).accepted


# Text limits ------------------------------------------------------------------------------------

def _stored(engine: Engine, indicator: str) -> tuple[object, ...] | None:
    with session_scope(engine) as s:
        row = s.execute(select(Answer.value_num, Answer.evidence, Answer.comment).join(Response)
                        .where(Response.agency_id == "A001", Answer.indicator_id == indicator)).first()
        return None if row is None else tuple(row)


def test_long_comment_in_a_csv_is_refused_never_cut(any_engine: Engine) -> None:
    """Issue 14: a 1,000,000-character comment was cut to 2,000 without a word. Now a file whose cell is over the
    reader's bound is refused by the gate, and a 2,001-character comment by the validator; nothing is stored.
    Exactly 2,000 characters are stored whole."""
    seed_intake(any_engine)
    million = files.read_table((HEADER + f"A001,2568,DAT.02,5,,{'x' * 1_000_000}\n").encode(), "a.csv")
    assert isinstance(million, list)
    assert million[0].message.get("en") == ("File refused: line 2 holds a cell of more than 32767 characters. "
                                            "Nothing was changed.")
    over = answers_from_table(_table(HEADER + f"A001,2568,DAT.02,5,,{'y' * (MAX_TEXT + 1)}\n"))
    assert isinstance(over, dict)
    with session_scope(any_engine) as s:
        result = answer_import.import_answers(s, "A001", CYCLE, over[("A001", CYCLE)], None, "cli", "cli")
    assert not result.accepted
    assert "DAT.02 “" in result.problems[0].message.get("en")
    assert [p.code for p in result.problems if p.is_error] == ["bad_comment"]
    assert _stored(any_engine, "DAT.02") is None
    exact = answers_from_table(_table(HEADER + f"A001,2568,DAT.02,5,,{'z' * MAX_TEXT}\n"))
    assert isinstance(exact, dict)
    with session_scope(any_engine) as s:
        assert answer_import.import_answers(s, "A001", CYCLE, exact[("A001", CYCLE)], None, "cli", "cli").accepted
    assert _stored(any_engine, "DAT.02") == (5.0, None, "z" * MAX_TEXT)


def test_long_evidence_in_the_web_form_is_refused_never_cut(any_engine: Engine) -> None:
    """Issue 14: the web form cut evidence to 2,000 characters. Now the whole save is refused with a message and
    the answer saved before stays as it was."""
    seed_intake(any_engine)
    with session_scope(any_engine) as s:
        first = respond.save(s, ME, "A001", CYCLE, 0, {"DAT.02": AnswerInput(5, "https://example.go.th")}, None,
                             today=TODAY)
    assert first.ok
    long = "https://example.go.th/" + "e" * MAX_TEXT
    with session_scope(any_engine) as s:
        result = respond.save(s, ME, "A001", CYCLE, first.version, {"DAT.02": AnswerInput(6, long)}, None, today=TODAY)
    assert not result.ok and result.message is not None
    assert result.message.get("en") == ("Not saved: DAT.02 hold more than 2000 characters; please shorten them. "
                                        "Nothing was changed.")
    assert _stored(any_engine, "DAT.02") == (5.0, "https://example.go.th", None)


def test_long_review_comments_and_reasons_are_refused(any_engine: Engine) -> None:
    seed_intake(any_engine)
    with session_scope(any_engine) as s:
        resp = intake.get_or_create_draft(s, "A001", CYCLE, "somchai")
        resp.status = Status.SUBMITTED
        rid, version = resp.id, resp.version
    with session_scope(any_engine) as s:
        returned = submission.return_response(s, rid, version, "malee", "web", {"DAT.02": "c" * (MAX_TEXT + 1)})
        reopened = submission.reopen(s, rid, version, "malee", "web", "r" * (MAX_TEXT + 1))
    for result in (returned, reopened):
        assert not result.ok and result.message is not None
        assert result.message.get("en") == "A comment or reason has 2001 characters; at most 2000 are allowed. " \
                                           "Nothing was changed."
    with session_scope(any_engine) as s:
        assert s.scalar(select(func.count()).select_from(ReviewComment)) == 0
        assert s.get(Response, rid).status == Status.SUBMITTED  # type: ignore[union-attr]


# Writes through the data layer ------------------------------------------------------------------

def test_write_answer_validates_as_the_form_does(any_engine: Engine) -> None:
    """Issue 14: `write_answer` stored an unknown indicator and an out-of-range value without validation.
    DAT.02 is a count from 0 to 10,000 (survey/catalogue.yaml); INT.01 is yes/no, stored as 1.0 for "yes"."""
    seed_intake(any_engine)
    with session_scope(any_engine) as s:
        rid = intake.get_or_create_draft(s, "A001", CYCLE, "somchai").id
    attempts = [({"indicator_id": "NOPE.99", "value_num": 1.0}, "there is no question NOPE.99 in this survey"),
                ({"indicator_id": "DAT.02", "value_num": 10_001.0}, "is outside the allowed range 0 to 10000"),
                ({"indicator_id": "DAT.02", "value_text": "many"}, "must be a number"),
                ({"indicator_id": "DAT.02", "value_num": 1.0, "comment": "c" * (MAX_TEXT + 1)},
                 "the comment must be text of at most 2000 characters")]
    for kwargs, words in attempts:
        with session_scope(any_engine) as s, pytest.raises(Refused) as refused:
            access.write_answer(s, ME, rid, **kwargs)  # type: ignore[arg-type]
        assert words in refused.value.message("en"), refused.value.message("en")
        assert refused.value.message("th")
    with session_scope(any_engine) as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
        row = access.write_answer(s, ME, rid, "INT.01", value_text="yes")
        assert row is not None and (row.value_num, row.value_text) == (1.0, None)
    with session_scope(any_engine) as s:
        form = intake.current_answers(s, rid)[0]
        assert form["INT.01"].value == 1


def test_answers_csv_through_the_command_line(tmp_path: Path, sqlite_engine: Engine,
                                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line prints every table problem and changes nothing (the use cases above run on both databases)."""
    from survey.__main__ import main as survey_main

    any_engine = sqlite_engine
    seed_intake(any_engine)
    monkeypatch.setenv("DATABASE_URL", any_engine.url.render_as_string(hide_password=False))
    path = tmp_path / "answers.csv"
    path.write_text(HEADER + "A001,2568,DAT.02,5,,\nA001,2568,DAT.02,6,,\n", encoding="utf-8")
    assert survey_main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "answers.csv: REJECTED" in out
    assert "rows 2 and 3 both answer DAT.02 for agency A001, year 2025" in out
    assert _stored(any_engine, "DAT.02") is None
