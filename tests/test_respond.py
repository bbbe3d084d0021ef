"""survey/respond.py: the principal-checked entry points the self-assessment pages call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.db import session_scope
from data.models import Agency, AuditEntry, Cycle, Ministry
from survey import answers
from survey.__main__ import main
from survey.validation import AnswerInput
from tests.conftest import sqlite_engine_at
from tests.factories import FORM, FORM_SERVICES, fill, full_answers, seed_intake, services
from usecases import access, cycles, respond, review, submission, tracking
from usecases.access import AccessDenied, Grant, Principal, Role

OPEN = 2569
TODAY = dt.date(2026, 11, 26)


def open_intake(engine: Engine) -> None:
    """Ministry MDES (A001, A002, A003) and ministry MX (B001); 2568 closed, 2569 open until 31 Mar 2027."""
    seed_intake(engine, agencies=3, cycles=(2568,))
    with session_scope(engine) as s:
        s.add(Ministry(id="MX", name_th="กระทรวงเอ็กซ์", name_en="Ministry X"))
        s.flush()
        s.add(Agency(id="B001", ministry_id="MX", name_th="กรมบี", name_en="Department B"))
        s.flush()
        s.get_one(Cycle, 2568).status = "closed"
        cycles.open_cycle(s, OPEN, dt.date(2026, 10, 1), dt.date(2027, 3, 31), "2568.1", "office", add=["B001"])


def who(name: str, role: Role, scope: str | None = None) -> Principal:
    grant = Grant(role, agency_id=scope if role == Role.RESPONDENT else None,
                  ministry_id=scope if role == Role.COORDINATOR else None)
    return Principal(abs(hash(name)) % 10_000, name, name, frozenset({grant}))


RESP_A = who("resp_a", Role.RESPONDENT, "A001")
RESP_B = who("resp_b", Role.RESPONDENT, "A002")
COORD = who("coord", Role.COORDINATOR, "MDES")
COORD_X = who("coord_x", Role.COORDINATOR, "MX")
PLANNER = who("planner", Role.PLANNER)
ADMIN = who("admin", Role.ADMINISTRATOR)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    engine = sqlite_engine_at(tmp_path / "respond.sqlite3")
    open_intake(engine)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'respond.sqlite3'}")
    return engine


def run(engine: Engine, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with session_scope(engine) as s:
        return fn(s, *args, **kwargs)


def submitted(engine: Engine, agency: str = "A002", principal: Principal = RESP_B) -> int:
    saved = run(engine, respond.save, principal, agency, OPEN, 0, full_answers(), services())
    assert saved.ok, saved.message
    result = run(engine, respond.submit, principal, saved.response_id, saved.version, TODAY)
    assert result.ok and result.status == "submitted", result.message
    return int(result.response_id)


def test_a_respondent_cannot_read_save_submit_or_export_another_agencys_response(db: Engine) -> None:
    rid = run(db, respond.save, RESP_B, "A002", OPEN, 0, {"DAT.02": AnswerInput(3)}, None).response_id
    workbook = run(db, respond.workbook, RESP_B, "A002", OPEN, "en")
    refused: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
        (respond.load_form, ("A002", OPEN)), (respond.open_cycles, ("A002",)),
        (respond.save, ("A002", OPEN, 1, {"DAT.02": AnswerInput(9)}, None)),
        (respond.submit, (rid, 2, TODAY)), (respond.workbook, ("A002", OPEN, "th")),
        (respond.upload, ("A002", OPEN, workbook)), (respond.upload, ("A002", OPEN, workbook, False)),
        (respond.check, ("A002", OPEN, {}, [])), (tracking.history, ("A002",)), (tracking.history_csv, ("A002",)),
        (review.review_view, (rid, "en")), (review.approve, (rid, 2)), (tracking.tracking, (OPEN,)),
    ]
    for fn, args in refused:
        with pytest.raises(AccessDenied):
            run(db, fn, RESP_A, *args)
    form = run(db, respond.load_form, RESP_B, "A002", OPEN)
    assert form.answers["DAT.02"].value == 3 and form.version == 2  # nothing of A001's attempts landed


def test_only_the_ministrys_coordinator_reviews(db: Engine) -> None:
    rid = submitted(db)
    for outsider in (COORD_X, PLANNER, RESP_B):
        for fn, args in ((review.review_view, (rid, "en")), (review.approve, (rid, 3)),
                         (review.return_response, (rid, 3, {"": "no"})), (review.lock, (rid, 3)),
                         (review.reopen, (rid, 3, "why"))):
            with pytest.raises(AccessDenied):
                run(db, fn, outsider, *args)
    listing = run(db, review.review_list, COORD, OPEN)
    assert sorted(listing["agency_id"]) == ["A001", "A002", "A003"]
    assert review.started(listing, "en") == {rid: ("A002 Test Department 2", "submitted")}
    view = run(db, review.review_view, COORD, rid, "en")
    assert view.status == "submitted" and view.answers.set_index("indicator").loc["DAT.02", "answer"] == "5"
    back = run(db, review.return_response, COORD, rid, view.version, {"DAT.02": "Which data sets?"})
    assert back.ok and back.status == "returned"
    form = run(db, respond.load_form, RESP_B, "A002", OPEN)
    assert form.comments[["indicator_id", "comment"]].values.tolist() == [["DAT.02", "Which data sets?"]]
    again = run(db, respond.submit, RESP_B, rid, form.version, TODAY)
    assert run(db, review.approve, COORD, rid, again.version).status == "approved"
    assert run(db, review.lock, COORD, rid, again.version + 1).status == "locked"
    assert not run(db, review.reopen, COORD, rid, again.version + 2, " ").ok  # a reason is required
    assert run(db, review.reopen, COORD, rid, again.version + 2, "typo in DAT.02").status == "returned"


def test_submission_after_the_deadline_is_refused_with_the_message(db: Engine) -> None:
    saved = run(db, respond.save, RESP_A, "A001", OPEN, 0, full_answers(), services())
    late = run(db, respond.submit, RESP_A, saved.response_id, saved.version, dt.date(2027, 4, 1))
    assert not late.ok and "deadline has passed" in late.message.en and "31 มี.ค. 2570" in late.message.th


def test_tracking_per_role_and_its_export_is_audited(db: Engine) -> None:
    submitted(db)
    assert sorted(run(db, tracking.tracking, COORD, OPEN)["agency_id"]) == ["A001", "A002", "A003"]
    everyone = run(db, tracking.tracking, PLANNER, OPEN)
    assert sorted(everyone["agency_id"]) == ["A001", "A002", "A003", "B001"]
    assert everyone.set_index("agency_id")["status"].to_dict() == {
        "A001": "not_started", "A002": "submitted", "A003": "not_started", "B001": "not_started"}
    for principal in (COORD, PLANNER, ADMIN):
        csv = run(db, tracking.tracking_csv, principal, OPEN).decode("utf-8-sig")
        assert csv.startswith("agency_id,ministry_id")
    with session_scope(db) as s:
        exports = s.scalars(select(AuditEntry.actor).where(AuditEntry.action == "export")).all()
    assert sorted(exports) == ["admin", "coord", "planner"]


def test_history_per_role(db: Engine) -> None:
    submitted(db)
    assert {a for a, _ in run(db, tracking.history_agencies, RESP_B)} == {"A002"}
    assert {a for a, _ in run(db, tracking.history_agencies, COORD)} == {"A001", "A002", "A003"}
    assert len(run(db, tracking.history_agencies, ADMIN)) == 4
    for principal in (RESP_B, COORD, PLANNER, ADMIN):
        trail = run(db, tracking.history, principal, "A002")
        assert list(trail.columns) == tracking.HISTORY_COLUMNS and "submitted" in set(trail["new_value"])
        assert run(db, tracking.history_csv, principal, "A002").decode("utf-8-sig").startswith("at,actor")
    with pytest.raises(AccessDenied):
        run(db, tracking.history, COORD_X, "A002")


def test_a_workbook_filled_and_uploaded_lands_the_same_answers_as_the_form(db: Engine) -> None:
    typed = {k: AnswerInput(v, "https://example.go.th/e") for k, v in FORM.items()}
    saved = run(db, respond.save, RESP_A, "A001", OPEN, 0, typed, FORM_SERVICES)
    assert saved.ok
    data = fill(run(db, respond.workbook, RESP_B, "A002", OPEN, "en"))
    check = run(db, respond.upload, RESP_B, "A002", OPEN, data)
    assert check.accepted and "DAT.02" in set(check.diff["indicator"])
    assert run(db, respond.load_form, RESP_B, "A002", OPEN).version == 0  # a dry run stores nothing
    assert run(db, respond.upload, RESP_B, "A002", OPEN, data, False).accepted
    a = run(db, respond.load_form, RESP_A, "A001", OPEN)
    b = run(db, respond.load_form, RESP_B, "A002", OPEN)
    assert a.answers == b.answers and a.services == b.services


@pytest.mark.parametrize("damage", ["foreign", "macro", "oversized", "corrupt", "other_agency"])
def test_a_bad_file_shows_the_message_and_changes_nothing(db: Engine, damage: str) -> None:
    good = fill(run(db, respond.workbook, RESP_A, "A001", OPEN, "th"))
    data = {"foreign": fill(run(db, respond.workbook, RESP_B, "A002", OPEN, "th")).replace(b"_meta", b"_xxxx"),
            "macro": _with_macro(good), "oversized": good + b"\0" * (11 * 1024 * 1024), "corrupt": b"PK\x03\x04junk",
            "other_agency": fill(run(db, respond.workbook, RESP_B, "A002", OPEN, "th"))}[damage]
    result = run(db, respond.upload, RESP_A, "A001", OPEN, data, False)
    assert not result.accepted and result.message is not None and "Nothing was changed" in result.message.en
    assert run(db, respond.load_form, RESP_A, "A001", OPEN).version == 0


def _with_macro(data: bytes) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


def test_the_audit_trail_shows_changes_from_the_web_form_excel_and_the_cli(db: Engine, tmp_path: Path) -> None:
    run(db, respond.save, RESP_A, "A001", OPEN, 0, {"DAT.02": AnswerInput(1)}, None)
    data = fill(run(db, respond.workbook, RESP_A, "A001", OPEN, "en"), typed={"DAT.02": 2}, ticked={}, service_rows=[])
    assert run(db, respond.upload, RESP_A, "A001", OPEN, data, False).accepted
    table = tmp_path / "answers.csv"
    table.write_text("agency_id,cycle,indicator_id,value\nA001,2569,DAT.02,3\n", encoding="utf-8")
    assert main(["import", str(table), "--actor", "somsri"]) == 0
    trail = run(db, tracking.history, RESP_A, "A001")
    dat = trail.loc[trail["field"] == "DAT.02"].sort_values("at")
    assert [[c, o if isinstance(o, str) else None, n] for c, o, n in dat[["channel", "old_value", "new_value"]].values] == [
        ["web", None, "1"], ["excel", "1", "2"], ["cli", "2", "3"]]
    assert dat["actor"].tolist() == ["resp_a", "resp_a", "somsri"]


def test_edited_services_applies_the_editors_changes_to_the_source() -> None:
    source = respond.services_table(services())
    delta = {"edited_rows": {0: {"annual_volume": 5}}, "deleted_rows": [1],
             "added_rows": [{"name": "New permit", "digital_level": 3, "uses_e_payment": True}, {}]}
    rows = respond.edited_services(source, delta)
    assert [(r.name, r.digital_level, r.annual_volume, r.paper_required, r.uses_e_payment) for r in rows] == [
        ("ขออนุญาตก่อสร้าง", 4, 5, False, False), ("New permit", 3, None, True, True)]
    assert respond.edited_services(source, None) == respond.edited_services(source, {})
    assert len(respond.edited_services(source, None)) == 2 and isinstance(source, pd.DataFrame)


def test_progress_counts_answers_per_dimension() -> None:
    done = respond.progress({"DAT.01": AnswerInput(2), "DAT.02": AnswerInput(None), "PLT.01": AnswerInput(None)}, [])
    assert done["DAT"] == (1, 5) and done["PLT"] == (0, 2) and done["SVC"] == (0, 1)
    assert respond.progress({}, services())["SVC"] == (1, 1)


def test_none_of_these_counts_as_answered_and_reads_as_such() -> None:
    """An explicit "none of these" (as the form gives it, or stored as no option) is an answer; None is not."""
    for value in (["NONE"], []):
        assert respond.progress({"PLT.01": AnswerInput(value)}, [])["PLT"] == (1, 2)
    plt = respond.default_catalogue().indicator("PLT.01")
    assert answers.chosen(plt, []) == ["NONE"] and answers.chosen(plt, None) == []
    assert answers.chosen(plt, ["GDX", "GONE"]) == ["GDX"]
    assert answers.choice_options(plt)[-1] == "NONE" and len(answers.choice_options(plt)) == len(plt.options) + 1
    assert answers.shown(plt, [], "en") == "None of these" and answers.shown(plt, [], "th") == "ไม่มีข้อใดเลย"
    assert answers.shown(plt, None, "en") == "–" and answers.shown(plt, ["GDX"], "en") == "Government Data Exchange (GDX)"


CLOSED = 2568  # closed in open_intake; it closed on 31 Aug 2025


def returned_in_closed_cycle(engine: Engine, agency: str = "A002") -> int:
    """The agency's 2568 response, submitted before the close (through intake, as the cycle then was), then returned
    by the coordinator after the close; return its id."""
    from usecases import intake

    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, agency, CLOSED, "resp_b")
        saved = intake.save_draft(s, resp.id, resp.version, full_answers(), services(), "resp_b", "web")
        sent = submission.submit(s, resp.id, saved.version, "resp_b", "web", dt.date(2025, 8, 1))
        assert sent.ok, sent.message
    back = run(engine, review.return_response, COORD, resp.id, sent.version, {"DAT.02": "Count the master data again"})
    assert back.ok and back.status == "returned"
    return int(resp.id)


def test_a_returned_response_in_a_closed_cycle_is_listed_and_read_only(db: Engine) -> None:
    rid = returned_in_closed_cycle(db)
    choices = run(db, respond.my_cycles, RESP_B, "A002", TODAY)
    assert [(c.year, c.cycle_status, c.response_status, c.accepts_changes) for c in choices] == [
        (OPEN, "open", "not_started", True), (CLOSED, "closed", "returned", False)]
    assert [c.year for c in run(db, respond.my_cycles, RESP_A, "A001", TODAY)] == [OPEN]  # nothing returned to A001
    with pytest.raises(AccessDenied):
        run(db, respond.my_cycles, RESP_A, "A002", TODAY)

    form = run(db, respond.load_form, RESP_B, "A002", CLOSED, today=TODAY)
    assert form.status == "returned" and not form.accepts_changes and not form.editable
    assert form.comments[["indicator_id", "comment"]].values.tolist() == [["DAT.02", "Count the master data again"]]
    data = fill(run(db, respond.workbook, RESP_B, "A002", CLOSED, "en"))  # a read-only copy can still be downloaded
    refused: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = [
        (respond.save, ("A002", CLOSED, form.version, {"DAT.02": AnswerInput(9)}, None), {"today": TODAY}),
        (respond.submit, (rid, form.version), {"today": TODAY}),
        (respond.upload, ("A002", CLOSED, data, False), {"today": TODAY}),
        (access.write_answer, (rid, "DAT.02"), {"value_num": 9.0}),
    ]
    for fn, args, kwargs in refused:
        with pytest.raises(AccessDenied) as denied:
            run(db, fn, RESP_B, *args, **kwargs)
        assert denied.value.key == "cycle_closed"
        assert "Only an administrator of the survey cycles can reopen it" in denied.value.message("en")
        assert "ผู้ดูแลระบบที่ดูแลรอบสำรวจเท่านั้น" in denied.value.message("th")
    after = run(db, respond.load_form, RESP_B, "A002", CLOSED, today=TODAY)
    assert after.version == form.version and after.answers["DAT.02"].value == 5  # nothing landed
    with pytest.raises(AccessDenied):  # nor can a draft be started in a closed cycle
        run(db, respond.save, RESP_A, "A001", CLOSED, 0, {"DAT.02": AnswerInput(1)}, None, today=TODAY)
    assert run(db, respond.load_form, RESP_A, "A001", CLOSED).response_id is None


def test_an_extension_for_the_agency_lets_it_edit_and_resubmit_until_it_passes(db: Engine) -> None:
    rid = returned_in_closed_cycle(db)
    returned_in_closed_cycle(db, "A003")
    until = TODAY + dt.timedelta(days=14)
    with session_scope(db) as s:
        cycles.extend_deadline(s, CLOSED, until, "admin", agency_id="A002")
    assert [(c.year, c.accepts_changes) for c in run(db, respond.my_cycles, RESP_B, "A002", TODAY)] == [
        (OPEN, True), (CLOSED, True)]
    resp_c = who("resp_c", Role.RESPONDENT, "A003")
    assert not run(db, respond.load_form, resp_c, "A003", CLOSED, today=TODAY).editable  # A003 has no extension

    form = run(db, respond.load_form, RESP_B, "A002", CLOSED, today=TODAY)
    assert form.editable and form.deadline == until
    saved = run(db, respond.save, RESP_B, "A002", CLOSED, form.version, {"DAT.02": AnswerInput(7, "https://example.go.th/e")}, None,
                today=TODAY)
    assert saved.ok and saved.changed == ("DAT.02",)
    sent = run(db, respond.submit, RESP_B, rid, saved.version, today=until)
    assert sent.ok and sent.status == "submitted"
    assert run(db, respond.load_form, RESP_B, "A002", CLOSED, today=TODAY).answers["DAT.02"].value == 7

    # Returned once more after the extension ran out: closed to the agency again.
    back = run(db, review.return_response, COORD, rid, sent.version, {"": "One more look"})
    late = until + dt.timedelta(days=1)
    assert not run(db, respond.load_form, RESP_B, "A002", CLOSED, today=late).editable
    with pytest.raises(AccessDenied, match="closed"):
        run(db, respond.save, RESP_B, "A002", CLOSED, back.version, {"DAT.02": AnswerInput(8)}, None, today=late)


def test_reopening_the_whole_cycle_opens_it_for_every_agency(db: Engine) -> None:
    returned_in_closed_cycle(db)
    today = dt.date.today()  # extend_deadline reopens a closed cycle when the new date has not passed today
    with session_scope(db) as s:
        cycles.extend_deadline(s, CLOSED, today + dt.timedelta(days=7), "admin")
        assert s.get_one(Cycle, CLOSED).status == "open"
    assert run(db, respond.load_form, RESP_B, "A002", CLOSED, today=today).editable
    assert [c.year for c in run(db, respond.my_cycles, RESP_A, "A001", today)] == [OPEN, CLOSED]


def test_last_cycles_services_are_offered_as_the_template_offers_them_until_the_draft_holds_its_own(db: Engine) -> None:
    """The form's table starts from the previous cycle's inventory, the rows the Excel template pre-fills."""
    from usecases import intake

    with session_scope(db) as s:
        resp = intake.get_or_create_draft(s, "A001", CLOSED, "resp_a")
        assert intake.save_draft(s, resp.id, resp.version, full_answers(), services(), "resp_a", "web").ok
    form = run(db, respond.load_form, RESP_A, "A001", OPEN)
    assert form.services == [] and form.status == "not_started"
    template_rows = run(db, lambda s: intake.previous_answers(s, "A001", OPEN)[1])
    assert form.suggested_services == template_rows
    assert [(x.code, x.name, x.digital_level, x.annual_volume) for x in form.suggested_services] == [
        ("S1", "ขออนุญาตก่อสร้าง", 4, 1200), ("S2", "Registration of boats", 2, 300)]
    assert run(db, respond.load_form, RESP_B, "A002", OPEN).suggested_services == []  # no earlier cycle
    saved = run(db, respond.save, RESP_A, "A001", OPEN, form.version, {}, form.suggested_services)  # the next save
    assert saved.ok
    stored = run(db, respond.load_form, RESP_A, "A001", OPEN)
    assert stored.services == form.suggested_services and stored.suggested_services == []
