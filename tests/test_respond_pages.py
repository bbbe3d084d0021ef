"""The self-assessment pages through AppTest: the form, drafts, submission, conflicts, review, tracking, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.config import account_policy, session_secret
from data.db import make_engine, session_scope
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput
from tests.conftest import APP_SECRET, PASSWORD, ROOT, signed_in_app, sqlite_engine_at
from tests.factories import FORM, FORM_SERVICES, fill, full_answers, services
from tests.test_respond import CLOSED, OPEN, TODAY, open_intake, returned_in_closed_cycle
from usecases import cycles, respond, sign_in, tracking
from usecases.access import Grant, Principal, Role

EVIDENCE = "https://example.go.th/e"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pages.sqlite3"
    open_intake(sqlite_engine_at(path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)
    monkeypatch.delenv("READINESS_ADMIN_USERNAME", raising=False)
    return path


def engine_of(db: Path) -> Engine:
    return make_engine(f"sqlite:///{db}")


def run(db: Path, fn: Callable[..., Any], *args: Any) -> Any:
    engine = engine_of(db)
    try:
        with session_scope(engine) as s:
            return fn(s, *args)
    finally:
        engine.dispose()


def page(db: Path, roles: list[tuple[str, str | None]], path: str, lang: str = "en",
         username: str | None = None) -> AppTest:
    at = signed_in_app(db, roles, lang, username).run()
    return at.switch_page(path).run()


def again(db: Path, username: str, path: str, lang: str = "en") -> AppTest:
    """Open the page in a new session (a closed tab, a new browser) for an existing user."""
    engine = engine_of(db)
    with session_scope(engine) as s:
        token = sign_in.sign_in(s, username, PASSWORD, session_secret(), account_policy()).token
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.session_state["_auth_token"] = token
    return at.run().switch_page(path).run()


def respondent(agency: str) -> Principal:
    return Principal(0, f"colleague_{agency}", grants=frozenset({Grant(Role.RESPONDENT, agency_id=agency)}))


def type_answers(at: AppTest, values: dict[str, Any]) -> None:
    """Type answers into the form's widgets, as a respondent would, with evidence on each."""
    catalogue = default_catalogue()
    for ind_id, value in values.items():
        kind, key = catalogue.indicator(ind_id).type, f"ans_{ind_id}"
        widget = {"yes_no": at.radio, "stage": at.selectbox, "multi_choice": at.multiselect}.get(kind, at.number_input)
        widget(key=key).set_value(value)
        at.text_input(key=f"ev_{ind_id}").input(EVIDENCE)


def form_values() -> dict[str, Any]:
    """The factories' FORM answers as the widgets take them (yes/no as 1/0)."""
    yes = {True: 1, False: 0, "yes": 1, "no": 0}
    return {k: yes.get(v, v) if not isinstance(v, list) and not isinstance(v, float) else v for k, v in FORM.items()}


def texts(elements: Any) -> list[str]:
    return [e.value for e in elements]


def test_draft_survives_a_new_session_and_submission_needs_every_answer(db: Path) -> None:
    run(db, respond.save, respondent("A001"), "A001", OPEN, 0, {}, FORM_SERVICES)  # the services table's autosave
    at = page(db, [("respondent", "A001")], "pages/my_response.py", username="somchai")
    assert not at.exception and texts(at.title) == ["My response"]
    values = form_values()
    missing = values.pop("DAT.01")
    type_answers(at, values)
    at.run()  # each change is saved to the draft at once
    assert "Draft saved." in texts(at.toast)
    at.button(key="save_draft").click().run()
    assert texts(at.success) == ["Every change is already saved in the draft."]

    at = again(db, "somchai", "pages/my_response.py")  # a closed tab: the draft is in the database
    assert at.number_input(key="ans_DAT.02").value == values["DAT.02"]
    assert at.multiselect(key="ans_PLT.01").value == values["PLT.01"]
    assert at.text_input(key="ev_SEC.04").value == EVIDENCE
    at.button(key="submit").click().run()
    assert any(e.startswith("Cannot submit yet: 1 errors to correct, in Data governance") for e in texts(at.error))
    assert any(e.startswith("DAT.01") and "not answered yet" in e for e in texts(at.error))  # beside its field
    assert at.metric[0].value == "Draft"

    at.selectbox(key="ans_DAT.01").set_value(missing)
    at.text_input(key="ev_DAT.01").input(EVIDENCE)
    at.button(key="submit").click().run()
    assert not at.exception and "Response submitted." in texts(at.success)
    assert at.metric[0].value == "Submitted"
    form = run(db, respond.load_form, respondent("A001"), "A001", OPEN)
    assert form.status == "submitted" and form.answers["DAT.01"].value == missing


def test_form_and_upload_land_the_same_answers(db: Path) -> None:
    """Typed through the page (the services through the function its table calls) vs a workbook filled by openpyxl."""
    run(db, respond.save, respondent("A001"), "A001", OPEN, 0, {}, FORM_SERVICES)
    at = page(db, [("respondent", "A001")], "pages/my_response.py")
    type_answers(at, form_values())
    at.run()  # each change is saved to the draft at once
    assert "Draft saved." in texts(at.toast)
    data = fill(run(db, respond.workbook, respondent("A002"), "A002", OPEN, "en"))
    assert run(db, respond.upload, respondent("A002"), "A002", OPEN, data, False).accepted
    typed = run(db, respond.load_form, respondent("A001"), "A001", OPEN)
    uploaded = run(db, respond.load_form, respondent("A002"), "A002", OPEN)
    assert typed.answers == uploaded.answers and typed.services == uploaded.services


def test_a_conflicting_save_shows_what_changed_and_keeps_the_input(db: Path) -> None:
    run(db, respond.save, respondent("A001"), "A001", OPEN, 0, {"DAT.02": AnswerInput(1)}, None)
    at = page(db, [("respondent", "A001")], "pages/my_response.py")
    assert run(db, respond.save, respondent("A001"), "A001", OPEN, 2, {"DAT.03": AnswerInput(30)}, None).ok  # a colleague
    at.number_input(key="ans_DAT.02").set_value(7).run()  # saved at once: over the version this page loaded
    assert not at.exception
    assert any("Someone else saved this response" in e and "DAT.03" in e for e in texts(at.error))
    conflict = at.dataframe[0].value
    assert conflict.iloc[0].tolist()[:3] == ["DAT.03", "30", "colleague_A001"]
    assert at.number_input(key="ans_DAT.02").value == 7  # nothing typed is lost
    assert run(db, respond.load_form, respondent("A001"), "A001", OPEN).answers["DAT.02"].value == 1
    at.button(key="conflict_keep").click().run()
    assert "Draft saved." in texts(at.success)
    stored = run(db, respond.load_form, respondent("A001"), "A001", OPEN).answers
    assert stored["DAT.02"].value == 7 and stored["DAT.03"].value == 30


def test_review_returns_with_comments_the_respondent_sees_them_then_approve(db: Path) -> None:
    resp_b = respondent("A002")
    saved = run(db, respond.save, resp_b, "A002", OPEN, 0, full_answers(), services())
    run(db, respond.submit, resp_b, saved.response_id, saved.version, TODAY)
    at = page(db, [("coordinator", "MDES")], "pages/review.py", username="malee")
    assert not at.exception and at.metric[0].value == "Submitted"
    at.text_input(key="rc_DAT.02").input("Which master data sets?")
    at.button(key="review_return").click().run()
    assert "Done." in texts(at.success) and at.metric[0].value == "Returned"

    mine = page(db, [("respondent", "A002")], "pages/my_response.py")
    assert any("Which master data sets?" in w and "DAT.02" in w for w in texts(mine.warning))
    assert mine.metric[0].value == "Returned"
    mine.button(key="submit").click().run()
    assert mine.metric[0].value == "Submitted"

    at = again(db, "malee", "pages/review.py")
    at.button(key="review_approve").click().run()
    assert at.metric[0].value == "Approved"
    at.button(key="review_reopen").click().run()
    assert any("reopening needs a reason" in e for e in texts(at.error))
    at.text_input(key="reopen_reason").input("A correction to DAT.02")
    at.button(key="review_reopen").click().run()
    assert at.metric[0].value == "Returned"


ALLOWED = {"tracking": [("coordinator", "MDES"), ("planner", None), ("administrator", None)],
           "history": [("respondent", "A001"), ("coordinator", "MDES"), ("planner", None), ("administrator", None)]}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_tracking_and_history_open_for_each_allowed_role_and_only_them(db: Path, lang: str) -> None:
    saved = run(db, respond.save, respondent("A001"), "A001", OPEN, 0, {"DAT.02": AnswerInput(4)}, None)
    assert saved.ok
    for key, roles in ALLOWED.items():
        for role in roles:
            at = page(db, [role], f"pages/{key}.py", lang)
            assert not at.exception and not at.error, (key, role)
            assert at.title[0].value == {"th": {"tracking": "ติดตามการตอบแบบสำรวจ", "history": "ประวัติการแก้ไข"},
                                         "en": {"tracking": "Response tracking", "history": "History"}}[lang][key]
            assert not at.dataframe[0].value.empty
    for key, role in (("tracking", ("respondent", "A001")), ("tracking", ("executive", None)),
                      ("history", ("executive", None)), ("my_response", ("planner", None)),
                      ("review", ("respondent", "A001"))):
        at = signed_in_app(db, [role], lang).run()
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{key}.py")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_my_response_and_review_in_both_languages(db: Path, lang: str) -> None:
    saved = run(db, respond.save, respondent("A002"), "A002", OPEN, 0, full_answers(), services())
    run(db, respond.submit, respondent("A002"), saved.response_id, saved.version, TODAY)
    mine = page(db, [("respondent", "A001")], "pages/my_response.py", lang)
    assert not mine.exception and not mine.error
    assert mine.title[0].value == {"th": "แบบสำรวจของหน่วยงาน", "en": "My response"}[lang]
    assert mine.selectbox(key="respond_cycle").format_func(OPEN) == {"th": "2569", "en": "2026"}[lang]
    assert mine.metric[1].value == {"th": "31 มี.ค. 2570", "en": "31 Mar 2027"}[lang]
    review = page(db, [("coordinator", "MDES")], "pages/review.py", lang)
    assert not review.exception and not review.error
    assert review.metric[0].value == {"th": "ส่งแล้ว", "en": "Submitted"}[lang]


def test_excel_round_trip_in_the_page(db: Path) -> None:
    """Upload a filled workbook: the dry-run diff and problems by cell, then Apply; a bad file changes nothing."""
    data = fill(run(db, respond.workbook, respondent("A001"), "A001", OPEN, "en"))
    at = page(db, [("respondent", "A001")], "pages/my_response.py")
    at.file_uploader(key="respond_upload").upload("A001.xlsx", b"not a workbook").run()
    assert any("File refused" in e and "Nothing was changed" in e for e in texts(at.error))
    assert not [b for b in at.button if b.key == "apply_upload"]

    at.file_uploader(key="respond_upload").set_value(("A001.xlsx", data, "application/octet-stream")).run()
    assert any("dry run" in i for i in texts(at.info))
    diff = next(d.value for d in at.dataframe if "What changes" in d.value.columns)
    assert list(diff.columns) == ["What changes", "Old", "New"]
    dat02 = diff.loc[diff["What changes"].str.startswith("DAT.02 ")].set_index("What changes")["New"]
    question = default_catalogue().indicator("DAT.02").question.en
    assert dat02.to_dict() == {f"DAT.02 {question}": "12", f"DAT.02 {question} (Evidence)": "https://example.go.th/e"}
    assert not diff.map(lambda v: v is None or "{" in str(v) or "#" in str(v)).any().any()  # no JSON, None or codes
    assert run(db, respond.load_form, respondent("A001"), "A001", OPEN).version == 0  # nothing stored yet
    at.button(key="apply_upload").click().run()
    assert not at.exception and any("imported" in s for s in texts(at.success))
    assert at.number_input(key="ans_DAT.02").value == 12  # the form shows what was imported
    trail = run(db, tracking.history, respondent("A001"), "A001")
    assert set(trail.loc[trail["action"] != "export", "channel"]) == {"excel"}  # the download itself is audited too

    wrong = fill(run(db, respond.workbook, respondent("A001"), "A001", OPEN, "en"), typed={"DAT.02": -4})
    at.file_uploader(key="respond_upload").set_value(("A001.xlsx", wrong, "application/octet-stream")).run()
    problems = at.dataframe[-1].value
    assert "DAT!D" in problems["Where"].iloc[0] and "Error" in set(problems["Severity"])


def test_switching_language_keeps_what_was_typed(db: Path) -> None:
    at = page(db, [("respondent", "A001")], "pages/my_response.py")
    at.number_input(key="ans_DAT.02").set_value(7)
    at.run()
    at.sidebar.radio(key="lang_switch").set_value("th").run()
    assert at.title[0].value == "แบบสำรวจของหน่วยงาน"
    assert at.number_input(key="ans_DAT.02").value == 7


def _progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_none_of_these_in_the_form_is_stored_as_a_workbook_stores_it_and_is_exclusive(db: Path) -> None:
    at = page(db, [("respondent", "A001")], "pages/my_response.py", username="somchai")
    plt_tab = [d.id for d in default_catalogue().dimensions].index("PLT")
    assert _progress_texts(at)[plt_tab] == "0 of 2 answered"
    assert at.multiselect(key="ans_PLT.01").options[-1] == "None of these"
    at.multiselect(key="ans_PLT.01").set_value(["NONE"]).run()
    assert _progress_texts(at)[plt_tab] == "1 of 2 answered"  # an answer, not a blank
    assert "Draft saved." in texts(at.toast)  # saved as soon as chosen
    stored = run(db, respond.load_form, respondent("A001"), "A001", OPEN).answers["PLT.01"]
    assert stored.value == []  # what a workbook with every option answered "No" stores

    at = again(db, "somchai", "pages/my_response.py", lang="th")
    assert at.multiselect(key="ans_PLT.01").value == ["NONE"]
    at.multiselect(key="ans_PLT.01").set_value(["NONE", "GDX"]).run()
    assert any(e.startswith("ข้อ PLT.01") and "«ไม่มีข้อใดเลย» พร้อมกับตัวเลือกอื่นไม่ได้" in e for e in texts(at.error))
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert any("“None of these” cannot be chosen together with other options" in e for e in texts(at.error))
    at.button(key="submit").click().run()
    banner, *listed = texts(at.error)  # the banner counts exactly the errors shown, each tab marked with its own
    assert banner.startswith(f"Cannot submit yet: {len(listed)} errors to correct") and len(listed) == 29
    assert "Central platforms and infrastructure (2)" in banner and "Shared services (1)" in banner
    assert [tab.label for tab in at.tabs][4:6] == ["Central platforms and infrastructure (2)", "Shared services (1)"]
    assert run(db, respond.load_form, respondent("A001"), "A001", OPEN).status == "draft"


def test_a_returned_response_in_a_closed_cycle_is_read_only_until_an_extension(db: Path) -> None:
    engine = engine_of(db)
    returned_in_closed_cycle(engine)
    engine.dispose()
    at = page(db, [("respondent", "A002")], "pages/my_response.py", username="malai")
    picker = at.selectbox(key="respond_cycle")
    assert picker.options == ["2026", "2025 · Returned · cycle closed"] and picker.value == OPEN
    assert "Your response for 2025 was returned for changes: choose that cycle above." in texts(at.info)
    picker.set_value(CLOSED).run()
    assert not at.exception and at.metric[0].value == "Returned"
    assert any("DAT.02" in w and "Count the master data again" in w for w in texts(at.warning))
    assert any("closed" in w and "Only an administrator of the survey cycles can reopen it" in w
               for w in texts(at.warning))
    assert at.button(key="save_draft").disabled and at.button(key="submit").disabled
    assert at.number_input(key="ans_DAT.02").disabled and at.number_input(key="ans_DAT.02").value == 5
    assert not [u for u in at.get("file_uploader")]  # no upload into a closed cycle
    at.sidebar.radio(key="lang_switch").set_value("th").run()
    assert any("ผู้ดูแลระบบที่ดูแลรอบสำรวจเท่านั้นที่เปิดรอบสำรวจอีกครั้ง" in w for w in texts(at.warning))
    assert at.selectbox(key="respond_cycle").options[1] == "2568 · ส่งกลับให้แก้ไข · รอบสำรวจปิดแล้ว"

    engine = engine_of(db)
    with session_scope(engine) as s:  # the administrator extends the deadline for A002 only
        cycles.extend_deadline(s, CLOSED, dt.date.today() + dt.timedelta(days=14), "admin", agency_id="A002")
    engine.dispose()
    at = again(db, "malai", "pages/my_response.py")
    at.selectbox(key="respond_cycle").set_value(CLOSED).run()
    assert not at.button(key="save_draft").disabled and not any("reopen" in w for w in texts(at.warning))
    at.number_input(key="ans_DAT.02").set_value(7).run()
    at.button(key="submit").click().run()
    assert not at.exception and "Response submitted." in texts(at.success)
    assert at.metric[0].value == "Submitted"
    form = run(db, respond.load_form, respondent("A002"), "A002", CLOSED)
    assert form.status == "submitted" and form.answers["DAT.02"].value == 7
