"""Faults: the database connection is lost in the middle of a save or a submission.

Nothing half-written may remain, and the respondent's input is still in hand to retry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from data.models import Answer, AuditEntry, Response
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, ServiceInput
from usecases.cycles import open_cycle
from usecases.demo import DemoSpec, seed_demo
from usecases.intake import get_or_create_draft, save_draft
from usecases.submission import submit


def _kill_own_connection_before_commit(session: Session, admin: Engine) -> None:
    """Terminate this session's PostgreSQL backend from another connection just before it commits."""

    @event.listens_for(session, "before_commit", once=True)
    def _cut(sess: Session) -> None:
        pid = sess.connection().execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@pytest.fixture
def open_2569(pg_engine: Engine) -> Engine:
    seed_demo(pg_engine, default_catalogue(), DemoSpec(agencies=6, years=(2568,)))
    with Session(pg_engine) as s:
        open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 12, 31), "2568.1", "admin")
        s.commit()
    return pg_engine


def _state(engine: Engine, response_id: int) -> tuple[Any, ...]:
    with Session(engine) as s:
        resp = s.get(Response, response_id)
        assert resp is not None
        answers = s.scalars(select(Answer.value_num).where(Answer.response_id == response_id)
                            .order_by(Answer.indicator_id)).all()
        audit = s.scalars(select(AuditEntry.id).where(AuditEntry.response_id == response_id)).all()
        return resp.version, resp.status, tuple(answers), len(audit)


def test_connection_lost_during_a_save_leaves_nothing_half_written(open_2569: Engine) -> None:
    factory = sessionmaker(bind=open_2569, expire_on_commit=False)
    with factory() as s:
        resp = get_or_create_draft(s, "D0001", 2569, "respondent")
        s.commit()
    before = _state(open_2569, resp.id)
    typed = {"DAT.02": AnswerInput(7), "DAT.03": AnswerInput(40), "DAT.04": AnswerInput(12),
             "INT.05": AnswerInput(55.5, evidence="https://example.go.th/api-report")}
    s = factory()
    _kill_own_connection_before_commit(s, open_2569)
    with pytest.raises(DBAPIError):
        result = save_draft(s, resp.id, resp.version, typed, None, "respondent", "web")
        assert result.ok
        s.commit()
    s.close()
    assert _state(open_2569, resp.id) == before  # nothing of the save reached the database
    # The respondent still has what they typed; the retry lands all of it.
    with factory() as s:
        retry = save_draft(s, resp.id, resp.version, typed, None, "respondent", "web")
        s.commit()
    assert retry.ok
    version, _status, answers, _audit = _state(open_2569, resp.id)
    assert version == resp.version + 1 and sorted(answers) == [7.0, 12.0, 40.0, 55.5]


def test_connection_lost_during_a_submission_keeps_the_draft(open_2569: Engine) -> None:
    factory = sessionmaker(bind=open_2569, expire_on_commit=False)
    with factory() as s:
        resp = get_or_create_draft(s, "D0002", 2569, "respondent")
        s.commit()
    answers = {ind.id: AnswerInput(1 if ind.type in ("yes_no", "stage") else 5)
               for ind in default_catalogue().entered_indicators() if ind.type != "multi_choice"}
    answers.update({"PLT.01": AnswerInput(["GDX", "GDCC"]), "SHR.01": AnswerInput(["DIGITAL_ID"]),
                    "SKL.01": AnswerInput(200), "SKL.02": AnswerInput(20)})
    with factory() as s:
        services = [ServiceInput(name="Permit for demo fishing boats", digital_level=4, annual_volume=1200,
                                 paper_required=False, uses_digital_id=True)]
        saved = save_draft(s, resp.id, resp.version, answers, services, "respondent", "web")
        s.commit()
    assert saved.ok, saved.problems
    before = _state(open_2569, resp.id)
    s = factory()
    _kill_own_connection_before_commit(s, open_2569)
    with pytest.raises(DBAPIError):
        submit(s, resp.id, saved.version, "respondent", "web", dt.date(2026, 7, 1))
        s.commit()
    s.close()
    assert _state(open_2569, resp.id) == before  # still a draft, same version, no audit row added
    with factory() as s:
        done = submit(s, resp.id, saved.version, "respondent", "web", dt.date(2026, 7, 1))
        s.commit()
    assert done.ok and _state(open_2569, resp.id)[1] == "submitted"
