"""usecases/form.py: the web form's widgets and back, what a save sends, problems per tab; with the use cases it feeds."""

from __future__ import annotations

from sqlalchemy import Engine

from survey.catalogue import default_catalogue
from survey.errors import message
from survey.validation import AnswerInput, Problem, ServiceInput, errors, validate
from tests.factories import full_answers, services
from tests.test_respond import OPEN, RESP_A, TODAY, db, run  # noqa: F401  (db: the fixture)
from usecases import form, respond

CAT = default_catalogue()


def test_widgets_round_trip_and_an_emptied_number_stays_unanswered() -> None:
    """Every stored answer shows in its widget as it was; a cleared number (None) is unanswered, never 0."""
    stored = full_answers()
    stored["DAT.02"] = AnswerInput(None)
    stored["SEC.05"] = AnswerInput(3, None, "Two breaches were merged")
    values = form.widget_values(stored)
    assert values["ans_DAT.02"] is None and values["ev_DAT.02"] == "" and values["cm_SEC.05"] == "Two breaches were merged"
    back = form.answers_from_widgets(values)
    assert back["DAT.02"] == AnswerInput(None) and back["SEC.05"] == AnswerInput(3, None, "Two breaches were merged")
    assert back["DAT.03"] == AnswerInput(5, "https://example.go.th/e")
    assert respond.progress(back, services())["DAT"] == (4, 5)  # DAT.02 empty: not answered
    assert form.widget_value(CAT.indicator("DAT.02"), None) is None
    assert form.answers_from_widgets({"ans_PLT.01": [], "ev_PLT.01": "  "})["PLT.01"] == AnswerInput(None)


def test_a_save_sends_only_what_changed_and_keeps_the_rest_as_stored(db: Engine) -> None:  # noqa: F811
    """A comment written in the Excel file survives a web save of another question; a cleared number is stored empty."""
    answers = full_answers()
    answers["SEC.05"] = AnswerInput(5, None, "from the workbook")
    first = run(db, respond.save, RESP_A, "A001", OPEN, 0, answers, services())
    assert first.ok
    loaded = run(db, respond.load_form, RESP_A, "A001", OPEN)
    base = form.answers_from_widgets(form.widget_values(loaded.answers))
    values = form.widget_values(loaded.answers) | {"ans_DAT.02": None, "ans_DAT.03": 7}
    changed = form.changed_answers(base, form.answers_from_widgets(values))
    assert changed == {"DAT.02": AnswerInput(None, "https://example.go.th/e"),
                       "DAT.03": AnswerInput(7, "https://example.go.th/e")}
    saved = run(db, respond.save, RESP_A, "A001", OPEN, first.version, changed, None)
    assert saved.ok and set(saved.changed) == {"DAT.02", "DAT.03"}
    after = run(db, respond.load_form, RESP_A, "A001", OPEN)
    assert after.answers["DAT.02"].value is None and after.answers["DAT.03"].value == 7
    assert after.answers["SEC.05"] == AnswerInput(5, None, "from the workbook")
    assert len(after.services) == 2


def test_a_required_question_left_empty_is_refused_by_its_name(db: Engine) -> None:  # noqa: F811
    saved = run(db, respond.save, RESP_A, "A001", OPEN, 0, full_answers() | {"DAT.02": AnswerInput(None)}, services())
    result = run(db, respond.submit_form, RESP_A, "A001", OPEN, saved.version, TODAY)
    assert not result.ok and result.message.get("en") == "cannot submit yet: 1 errors to correct"
    [problem] = errors(result.problems)
    assert problem.field == "DAT.02" and problem.code == "required"
    assert problem.message.get("en") == "DAT.02 “Master data sets kept to the standard”: not answered yet"
    assert problem.message.get("th").startswith("ข้อ DAT.02") and problem.message.get("th").endswith("ยังไม่ได้ตอบ")
    assert run(db, respond.load_form, RESP_A, "A001", OPEN).status == "draft"


def test_problems_land_in_one_tab_each_and_the_counts_match() -> None:
    """Nothing answered, one bad service row, an unknown field: every error in exactly one tab, marked with its count."""
    problems = validate({"DAT.01": AnswerInput(9)}, [ServiceInput(name=None, digital_level=7)], CAT,
                        mode="submit")
    problems.append(Problem("XYZ.99", None, "error", "unknown_indicator", message("problem_unknown_indicator", id="XYZ.99")))
    tabs = form.form_tabs(problems, "en")
    assert sorted(map(id, (p for t in tabs.problems.values() for p in t.all()))) == sorted(map(id, problems))
    assert tabs.errors == len(errors(problems)) == 3 + 5 + 5 + 6 + 2 + 1 + 5 + 4  # SVC, DAT, INT, STD, PLT, SHR, SEC, SKL
    svc = tabs.problems["SVC"]
    assert [p.field for p in svc.services] == ["name", "digital_level"]  # the row's two errors, under the table
    assert [p.field for p in svc.other] == ["XYZ.99"]
    assert [p.code for p in tabs.problems["DAT"].by_question["DAT.01"]] == ["out_of_range"]
    assert tabs.labels["SVC"] == "Digital services (3)" and tabs.labels["SHR"] == "Shared services (1)"
    assert tabs.marked[:2] == ["Digital services (3)", "Data governance, master data and open data (5)"]
    assert tabs.dimension("Shared services (1)") == "SHR" and tabs.dimension("Shared services") is None
    assert tabs.label(None) == "Digital services (3)" and tabs.label("SKL") == "Workforce and skills (4)"
    clean = form.form_tabs(validate(full_answers(), services(), CAT, mode="submit"), "th")
    assert clean.errors == 0 and clean.marked == [] and clean.labels["SVC"] == "บริการดิจิทัล"
