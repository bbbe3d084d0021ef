"""Drafts, optimistic concurrency, submission deadlines, review workflow, audit and tracking."""

from __future__ import annotations

import datetime as dt
import math
import threading

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from data.db import session_scope
from data.models import Agency, Answer, AuditEntry, FrameEntry, Response
from data.repository import data_version
from survey import answers, excel
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, ServiceInput
from survey.workflow import Status
from tests.factories import CYCLE, full_answers, seed_intake, services
from usecases import answer_import, intake, submission, tracking

ON_TIME = dt.date(2025, 8, 1)


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    seed_intake(any_engine)
    return any_engine


def new_draft(engine: Engine, agency: str = "A001", actor: str = "somchai") -> tuple[int, int]:
    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, agency, CYCLE, actor)
        return resp.id, resp.version


def test_draft_is_created_once_and_saved_even_when_invalid(engine: Engine) -> None:
    rid, v = new_draft(engine)
    assert new_draft(engine) == (rid, v)
    with session_scope(engine) as s:
        res = intake.save_draft(s, rid, v, {"DAT.02": AnswerInput("many"), "DAT.03": AnswerInput(12)}, None,
                                "somchai", "web")
    assert res.ok and res.version == v + 1
    assert ("DAT.02", "not_a_number") in {(p.field, p.code) for p in res.problems}
    with session_scope(engine) as s:
        answers, _ = intake.current_answers(s, rid)
    assert answers["DAT.02"].value == "many" and answers["DAT.03"].value == 12


def test_conflicting_saves_keep_one_version_and_name_the_changed_answers(engine: Engine) -> None:
    """Two saves from version v: the first wins, the second stores nothing and gets a Conflict."""
    rid, v = new_draft(engine)
    with session_scope(engine) as s:
        first = intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(7), "DAT.03": AnswerInput(9)}, None, "anong", "web")
    with session_scope(engine) as s:
        second = intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(8), "DAT.05": AnswerInput(1)}, None, "somchai",
                                   "excel")
    assert first.ok and not second.ok and second.conflict is not None
    items = {i.field: i for i in second.conflict.items}
    assert items["DAT.02"].theirs == "7" and items["DAT.02"].yours == "8" and items["DAT.02"].changed_by == "anong"
    assert items["DAT.03"].theirs == "9" and not items["DAT.03"].you_sent_it
    assert set(second.conflict.unsaved) == {"DAT.02", "DAT.05"}
    assert "DAT.02" in second.conflict.message.en and second.conflict.message.th
    with session_scope(engine) as s:
        answers, _ = intake.current_answers(s, rid)
        assert {k: a.value for k, a in answers.items()} == {"DAT.02": 7, "DAT.03": 9}
        assert s.get(Response, rid).version == v + 1  # type: ignore[union-attr]


def test_racing_saves_from_threads_lose_nothing(engine: Engine) -> None:
    rid, v = new_draft(engine)
    results = []
    barrier = threading.Barrier(2)

    def save(value: int, actor: str) -> None:
        barrier.wait()
        with session_scope(engine) as s:
            results.append(intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(value)}, None, actor, "web"))

    threads = [threading.Thread(target=save, args=(n, f"user{n}")) for n in (3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.ok for r in results) == [False, True]
    winner = next(r for r in results if r.ok)
    loser = next(r for r in results if not r.ok)
    assert loser.conflict is not None and [i.field for i in loser.conflict.items] == ["DAT.02"]
    with session_scope(engine) as s:
        stored = s.scalar(select(Answer.value_num).where(Answer.response_id == rid))
        assert s.get(Response, rid).version == winner.version  # type: ignore[union-attr]
    assert loser.conflict.items[0].theirs == answers.show(stored, None)


def test_submit_refused_after_close_date_and_accepted_with_extension(engine: Engine) -> None:
    rid, v = new_draft(engine)
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, full_answers(), services(), "somchai", "web").version
    late = dt.date(2025, 9, 1)
    with session_scope(engine) as s:
        refused = submission.submit(s, rid, v, "somchai", "web", today=late)
    assert not refused.ok and refused.message is not None
    assert "31 Aug 2025" in refused.message.en and "31 ส.ค. 2568" in refused.message.th
    with session_scope(engine) as s:
        s.get(FrameEntry, (CYCLE, "A001")).deadline = dt.date(2025, 9, 15)  # type: ignore[union-attr]
    with session_scope(engine) as s:
        accepted = submission.submit(s, rid, v, "somchai", "web", today=late)
    assert accepted.ok and accepted.status == Status.SUBMITTED


def test_submit_needs_every_required_answer(engine: Engine) -> None:
    rid, v = new_draft(engine)
    answers = full_answers()
    del answers["SEC.01"]
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, answers, services(), "somchai", "web").version
    with session_scope(engine) as s:
        res = submission.submit(s, rid, v, "somchai", "web", today=ON_TIME)
    assert not res.ok and [(p.field, p.code) for p in res.problems if p.is_error] == [("SEC.01", "required")]


def test_review_workflow_and_history_through_each_channel(engine: Engine) -> None:
    rid, v = new_draft(engine)
    before = 0
    with session_scope(engine) as s:
        before = data_version(s)
        v = intake.save_draft(s, rid, v, full_answers(**{"DAT.02": 4}), services(), "somchai", "web").version
        assert data_version(s) == before + 1
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(6, evidence="doc.pdf")}, None, "excel-user", "excel").version
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, {"DAT.03": AnswerInput(8, evidence="https://x")}, None, "batch", "cli").version
    with session_scope(engine) as s:
        res = submission.submit(s, rid, v, "somchai", "web", ON_TIME)
        assert res.ok
        v = res.version
    with session_scope(engine) as s:
        assert not intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(1)}, None, "somchai", "web").ok
        assert not submission.approve(s, rid, v - 1, "reviewer", "web").ok
        assert not submission.return_response(s, rid, v, "reviewer", "web", {}).ok
        res = submission.return_response(s, rid, v, "reviewer", "web", {"DAT.02": "ตัวเลขนี้สูงผิดปกติ", "": "ดูข้อ DAT"})
        assert res.ok and res.status == Status.RETURNED
        v = res.version
        comments = submission.review_comments(s, rid)
        assert set(comments["indicator_id"].fillna("")) == {"DAT.02", ""}
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, {"DAT.02": AnswerInput(5, evidence="doc.pdf")}, None, "somchai", "web").version
        v = submission.submit(s, rid, v, "somchai", "web", ON_TIME).version
        assert not submission.lock(s, rid, v, "reviewer", "web").ok
        v = submission.approve(s, rid, v, "reviewer", "web").version
        v = submission.lock(s, rid, v, "reviewer", "web").version
        assert not submission.reopen(s, rid, v, "admin", "web", "  ").ok
        res = submission.reopen(s, rid, v, "admin", "web", "ministry found a typing error")
        assert res.ok and res.status == Status.RETURNED
    with session_scope(engine) as s:
        h = tracking.history_rows(s, "A001").fillna("")
    dat02 = h[(h["field"] == "DAT.02") & (h["action"] == "answer")]
    assert list(zip(dat02["channel"], dat02["old_value"], dat02["new_value"], strict=True)) == [
        ("web", "", "4"), ("excel", "4", "6"), ("web", "6", "5")]
    assert ("cli", "5", "8") in set(zip(h["channel"], h["old_value"], h["new_value"], strict=True))
    assert list(h.loc[h["field"] == "status", "new_value"]) == [
        "draft", "submitted", "returned", "submitted", "approved", "locked", "returned"]
    assert (h["field"].str.startswith("service:")).sum() == 2
    assert set(h["actor"]) >= {"somchai", "excel-user", "batch", "reviewer", "admin"}


def test_tracking_per_cycle(engine: Engine) -> None:
    rid, v = new_draft(engine)
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, full_answers(), services(), "somchai", "web").version
        submission.submit(s, rid, v, "somchai", "web", ON_TIME)
    with session_scope(engine) as s:
        per_agency = tracking.tracking_rows(s, CYCLE, today=dt.date(2025, 9, 30))
    assert list(per_agency["status"]) == ["submitted", "not_started"]
    assert list(per_agency["late"]) == [False, True]
    assert list(per_agency["deadline"]) == [dt.date(2025, 8, 31)] * 2
    summary = tracking.tracking_summary(per_agency)
    assert summary["expected"] == 2 and summary["submitted"] == 1 and summary["not_started"] == 1
    assert summary["late"] == 1


def test_import_with_errors_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as s:
        n_responses = s.scalar(select(func.count()).select_from(Response))
        n_audit = s.scalar(select(func.count()).select_from(AuditEntry))
        res = answer_import.import_answers(s, "A002", CYCLE, {"DAT.02": AnswerInput(10**9)}, None, "batch", "cli")
    assert not res.accepted and res.message is not None and "nothing was changed" in res.message.en
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Response)) == n_responses
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == n_audit


ENTERED = [i.id for i in default_catalogue().entered_indicators()]
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=30), st.sampled_from(["=1+1", "-3", "@x", "ใช่", "๕", "1,000", "\x00a\x01"]),
                 st.lists(st.text(max_size=12), max_size=3), st.just(["GDX", "GIN"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: each example writes to a database
@given(data=st.dictionaries(st.sampled_from(ENTERED), st.builds(AnswerInput, JUNK, st.one_of(st.none(), st.text(max_size=20)),
                                                                  st.one_of(st.none(), st.text(max_size=20))), max_size=8),
       names=st.lists(st.text(min_size=1, max_size=20), max_size=3))
@example(data={"DAT.01": AnswerInput(1.0000000000001027e+17)}, names=[])
@example(data={"DAT.01": AnswerInput("2.5"), "STD.01": AnswerInput("3. Adopted"), "SEC.01": AnswerInput("\x00a\x01")},
         names=["=cmd", "\x07bell"])
def test_whatever_is_typed_is_kept_and_fits_a_workbook(engine: Engine, data: dict[str, AnswerInput],
                                                       names: list[str]) -> None:
    """Junk never makes a save raise; what was stored reads back to the same stored form and into a workbook."""
    cat = default_catalogue()
    with session_scope(engine) as s:
        resp = intake.get_or_create_draft(s, "A001", CYCLE, "fuzz")
        rows = [ServiceInput(code=f"S{i}", name=n, digital_level=i % 5) for i, n in enumerate(names)]
        res = intake.save_draft(s, resp.id, resp.version, data, rows, "fuzz", "web")
        assert res.ok
        stored, services = intake.current_answers(s, resp.id)
        agency = s.get(Agency, "A001")
        for key, given in data.items():
            assert answers.storage(key, stored.get(key, AnswerInput()).value, cat) == answers.storage(key, given.value, cat)
        book = excel.build_template(cat, agency, CYCLE, "th", stored, stored, services, res.version)
    parsed = excel.read_workbook(book, cat)
    assert isinstance(parsed, excel.ParsedWorkbook)
    for key in data:
        kept = answers.storage(key, stored.get(key, AnswerInput()).value, cat)
        if cat.indicator(key).type == "multi_choice" and kept[0] is None:
            continue  # option rows can only hold the question's own options; junk choices stay in the database
        back = answers.storage(key, parsed.answers[key].value, cat)
        if kept[0] is not None and back[0] is not None:  # a cell holds 15 significant digits, as Excel does
            assert math.isclose(back[0], kept[0], rel_tol=1e-14) and back[1] == kept[1], key
        else:
            assert back == kept, key


def test_the_factory_seeds_what_the_tests_assume(engine: Engine) -> None:
    with session_scope(engine) as s:
        frame = tracking.tracking_rows(s, CYCLE, today=ON_TIME)
    assert list(frame["agency_id"]) == ["A001", "A002"] and set(frame["status"]) == {"not_started"}
    assert not frame["late"].any()


def test_conflicting_inventory_saves_show_their_rows(engine: Engine) -> None:
    rid, v = new_draft(engine)
    with session_scope(engine) as s:
        assert intake.save_draft(s, rid, v, {}, services(), "anong", "web").ok
    with session_scope(engine) as s:
        mine = [ServiceInput(code="S1", name="ขออนุญาตก่อสร้าง", digital_level=3)]
        res = intake.save_draft(s, rid, v, {}, mine, "somchai", "excel")
    assert not res.ok and res.conflict is not None
    theirs = {i.field: i for i in res.conflict.items}
    assert '"digital_level": 4' in (theirs["service:S1"].theirs or "")
    assert '"digital_level": 3' in (theirs["service:S1"].yours or "")
    with session_scope(engine) as s:
        assert [x.digital_level for x in intake.current_answers(s, rid)[1]] == [4, 2]


def test_imports_into_a_submitted_response_are_refused(engine: Engine) -> None:
    rid, v = new_draft(engine)
    with session_scope(engine) as s:
        v = intake.save_draft(s, rid, v, full_answers(), services(), "somchai", "web").version
        assert submission.submit(s, rid, v, "somchai", "web", ON_TIME).ok
    with session_scope(engine) as s:
        res = answer_import.import_answers(s, "A001", CYCLE, {}, services()[:1], "batch", "cli")
    assert not res.accepted and res.message is not None and "submitted" in res.message.en


def test_two_first_saves_at_once_make_one_draft(engine: Engine) -> None:
    barrier = threading.Barrier(2)
    ids: list[int] = []

    def create(actor: str) -> None:
        barrier.wait()
        with session_scope(engine) as s:
            ids.append(intake.get_or_create_draft(s, "A002", CYCLE, actor).id)

    threads = [threading.Thread(target=create, args=(name,)) for name in ("anong", "somchai")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 2 and ids[0] == ids[1]
    with session_scope(engine) as s:
        assert list(tracking.history_rows(s, "A002")["action"]) == ["create"]
