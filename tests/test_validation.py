"""The one validator: every problem kind, all problems at once, and junk never makes it raise."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, Problem, ServiceInput, errors, validate

CAT = default_catalogue()


def complete_answers(**overrides: Any) -> dict[str, AnswerInput]:
    """A full, valid set of answers (every required question), with evidence on every claim."""
    values: dict[str, Any] = {}
    for ind in CAT.entered_indicators():
        values[ind.id] = {"count": 5, "percentage": 50, "yes_no": "no", "stage": 2, "multi_choice": ["GDX"]}[ind.type]
    values["SKL.01"] = 100
    values["SKL.02"] = 10
    values["SHR.01"] = ["DIGITAL_ID", "E_PAYMENT"]
    values.update(overrides)
    return {k: AnswerInput(v, evidence="https://example.go.th/doc") for k, v in values.items()}


def one_service(**overrides: Any) -> ServiceInput:
    fields: dict[str, Any] = {"code": "S1", "name": "ขออนุญาตก่อสร้าง", "digital_level": 4, "annual_volume": 1200,
                              "paper_required": False, "uses_digital_id": True}
    fields.update(overrides)
    return ServiceInput(**fields)


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


def test_a_complete_valid_submission_has_no_problem() -> None:
    assert validate(complete_answers(), [one_service()], CAT, mode="submit") == []


def test_type_problems() -> None:
    answers = complete_answers(**{"DAT.02": "many", "DAT.03": 2.5, "INT.01": "maybe", "DAT.01": "high",
                                  "PLT.01": ["GDX", "NOPE"], "SVC.02": 10})
    answers["XYZ.99"] = AnswerInput(1)
    found = codes(validate(answers, [one_service()], CAT))
    assert {("DAT.02", "not_a_number"), ("DAT.03", "not_an_integer"), ("INT.01", "not_yes_no"),
            ("DAT.01", "not_a_stage"), ("PLT.01", "unknown_option"), ("SVC.02", "not_entered"),
            ("XYZ.99", "unknown_indicator")} <= found


def test_range_problems() -> None:
    answers = complete_answers(**{"INT.05": 100.5, "DAT.02": -1, "DAT.01": 5, "SKL.01": 0})
    found = codes(validate(answers, [one_service()], CAT))
    assert {("INT.05", "out_of_range"), ("DAT.02", "out_of_range"), ("DAT.01", "out_of_range"),
            ("SKL.01", "out_of_range")} <= found


def test_required_answers_are_errors_only_when_submitting() -> None:
    answers = complete_answers()
    del answers["SEC.01"]
    draft = [p for p in validate(answers, [], CAT) if p.code == "required"]
    submit = [p for p in validate(answers, [], CAT, mode="submit") if p.code == "required"]
    assert {p.field for p in draft} == {"SEC.01", "SVC.01"} and not errors(draft)
    assert {p.field for p in submit} == {"SEC.01", "SVC.01"} and len(errors(submit)) == 2
    assert "DPO" in submit[0].message.en or "DPO" in submit[1].message.en


def test_cross_field_rules() -> None:
    answers = complete_answers(**{"DAT.04": 10, "DAT.03": 5, "SKL.02": 200, "SKL.01": 100, "INT.01": "yes",
                                  "PLT.01": ["GIN"]})
    rules = [p for p in validate(answers, [one_service()], CAT) if p.code == "rule"]
    assert {p.field for p in rules} == {"DAT.04", "SKL.02", "INT.01"}
    assert all(p.is_error and p.message.th and p.message.en for p in rules)


def test_a_broken_rule_names_its_questions_in_words_not_its_rule_id() -> None:
    """Issue 15: the Thai message read "... (กฎตรวจสอบ R.SKL.TRAINED_LE_STAFF: ข้อ SKL.02 และข้อ SKL.01)"."""
    answers = complete_answers(**{"SKL.02": 200, "SKL.01": 100})
    (rule,) = [p for p in validate(answers, [one_service()], CAT) if p.code == "rule"]
    trained, staff = CAT.indicator("SKL.02").question, CAT.indicator("SKL.01").question
    assert rule.message.th == (f"จำนวนบุคลากรที่ผ่านการอบรมต้องไม่เกินจำนวนบุคลากรทั้งหมด (ตรวจเทียบข้อ SKL.02 «{trained.th}» "
                               f"กับข้อ SKL.01 «{staff.th}»)")
    assert rule.message.en == (f"Staff trained cannot exceed total staff. (checked against each other: SKL.02 "
                               f"“{trained.en}” and SKL.01 “{staff.en}”)")
    assert "R." not in rule.message.th and "R." not in rule.message.en


def test_implies_option_satisfied() -> None:
    answers = complete_answers(**{"INT.01": "ใช่", "PLT.01": "GDX;GIN"})
    assert validate(answers, [one_service()], CAT) == []


def test_service_row_problems() -> None:
    rows = [one_service(), one_service(name="", digital_level=7, annual_volume=-3, paper_required="perhaps"),
            one_service(name="x", digital_level=None, annual_volume=1.5), one_service(code="S9", digital_level="2 - Forms")]
    found = {(p.field, p.row, p.code) for p in validate(complete_answers(), rows, CAT)}
    assert {("name", 1, "required"), ("digital_level", 1, "out_of_range"), ("annual_volume", 1, "not_a_volume"),
            ("paper_required", 1, "not_yes_no"), ("code", 1, "duplicate"), ("digital_level", 2, "required"),
            ("annual_volume", 2, "not_a_volume")} <= found
    assert not any(row == 3 for _, row, _ in found)


def test_inventory_must_agree_with_shared_services() -> None:
    answers = complete_answers(**{"SHR.01": ["E_PAYMENT"]})
    problems = [p for p in validate(answers, [one_service(uses_e_signature=True)], CAT) if p.code == "inventory_mismatch"]
    assert len(problems) == 2 and all(p.severity == "warning" for p in problems)
    assert "Digital ID" in " ".join(p.message.en for p in problems)


def test_year_on_year_jump_warns_until_explained() -> None:
    answers = complete_answers(**{"DAT.03": 100})
    answers["DAT.03"] = AnswerInput(100)
    previous = {"DAT.03": 20.0, "DAT.02": 5.0}
    jumps = [p for p in validate(answers, [one_service()], CAT, previous=previous) if p.code == "jump"]
    assert [(p.field, p.severity) for p in jumps] == [("DAT.03", "warning")]
    assert "20" in jumps[0].message.en and "100" in jumps[0].message.th
    answers["DAT.03"] = AnswerInput(100, comment="new catalogue system counted every table")
    assert not [p for p in validate(answers, [one_service()], CAT, previous=previous) if p.code == "jump"]


def test_evidence_wanted_for_claims_on_submit() -> None:
    answers = complete_answers(**{"SEC.01": "yes"})
    answers["SEC.01"] = AnswerInput("yes")
    problems = validate(answers, [one_service()], CAT, mode="submit")
    assert [(p.field, p.code, p.severity) for p in problems] == [("SEC.01", "evidence_missing", "warning")]


def test_every_problem_is_returned_at_once() -> None:
    answers = complete_answers(**{"DAT.02": "x", "INT.05": 500, "DAT.04": 10, "DAT.03": 5})
    del answers["SEC.02"]
    found = codes(validate(answers, [one_service(name="")], CAT, mode="submit"))
    assert {("DAT.02", "not_a_number"), ("INT.05", "out_of_range"), ("DAT.04", "rule"), ("SEC.02", "required"),
            ("name", "required")} <= found


def test_problem_location_reads_like_a_cell_when_known() -> None:
    p = validate(complete_answers(**{"DAT.02": "x"}), [one_service()], CAT)[0]
    assert p.where() == "DAT.02"
    assert p.located("DAT", "D7").where() == "DAT!D7"


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.sampled_from(["", " ", "=cmd|'/c calc'!A1", "+1", "@SUM(A1)", "๑๒๓", "ใช่", "1,000", "1e309",
                                "[\"GDX\"]", "[1,2]", "{}", "\t-1", "NaN", "3 - Adopted"]),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
IDS = st.one_of(st.sampled_from([i.id for i in CAT.indicators()]), st.text(max_size=10))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=st.dictionaries(IDS, st.builds(AnswerInput, JUNK, st.one_of(st.none(), st.text(max_size=5), st.integers()),
                                           st.one_of(st.none(), st.text(max_size=5))), max_size=12),
    services=st.lists(st.builds(ServiceInput, JUNK, JUNK, JUNK, JUNK, JUNK, JUNK, JUNK, JUNK, JUNK), max_size=4),
    previous=st.one_of(st.none(), st.dictionaries(IDS, st.floats(allow_nan=True), max_size=5)),
    mode=st.sampled_from(["draft", "submit"]),
)
def test_junk_never_raises(answers: dict[str, AnswerInput], services: list[ServiceInput],
                           previous: dict[str, float] | None, mode: Any) -> None:
    problems = validate(answers, services, CAT, previous=previous, mode=mode)
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem) and p.severity in ("error", "warning")
        assert p.message.th and p.message.en


def test_levels_read_from_labels_but_not_from_fractions() -> None:
    from survey.validation import parse_level

    assert [parse_level(x) for x in ("3 - Adopted", "3. Adopted", "2) Piloting", "4", 4.0, "3.0")] == [3, 3, 2, 4, 4, 3]
    assert [parse_level(x) for x in ("2.5", 2.5, "high", "3.Adopted", "")] == [None, None, None, None, None]


def test_none_of_these_is_an_answer_and_is_exclusive() -> None:
    """The web form's "none of these" (NONE) is an answer of zero options; with another option it is an error."""
    from survey.validation import clean_answer

    none = complete_answers(**{"PLT.01": ["NONE"]})
    assert validate(none, [one_service()], CAT, mode="submit") == []  # answered: no "required" error
    ind = CAT.indicator("PLT.01")
    assert clean_answer(ind, ["NONE"], CAT)[0] == clean_answer(ind, [], CAT)[0]  # what a workbook of all "no" gives
    assert clean_answer(ind, "NONE", CAT)[0] is not None and clean_answer(ind, "NONE", CAT)[0].number == 0.0  # CSV

    both = validate(complete_answers(**{"PLT.01": ["GDX", "NONE"]}), [one_service()], CAT)
    assert [(p.field, p.code, p.severity) for p in both] == [("PLT.01", "none_with_others", "error")]
    assert "“None of these” cannot be chosen together with other options" in both[0].message.en
    assert "ไม่มีข้อใดเลย" in both[0].message.th and both[0].message.th.startswith("ข้อ PLT.01")

    unanswered = complete_answers()
    del unanswered["PLT.01"]
    required = [p for p in validate(unanswered, [one_service()], CAT, mode="submit") if p.code == "required"]
    assert [p.field for p in required] == ["PLT.01"]  # unanswered is not "none of these"


def test_none_of_these_still_breaks_a_rule_that_needs_an_option() -> None:
    """INT.01 = yes needs GDX in PLT.01: "none of these" breaks it, as an empty workbook answer does."""
    for value in (["NONE"], []):
        found = codes(validate(complete_answers(**{"INT.01": "yes", "PLT.01": value}), [one_service()], CAT))
        assert ("INT.01", "rule") in found
