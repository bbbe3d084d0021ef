"""Faults: the database connection is lost in the middle of a save or a submission, or the process saving is
killed; on PostgreSQL and on SQLite.

Nothing half-written may remain, and the respondent's input is still in hand to retry.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from data.models import Answer, AuditEntry, Response, Service
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput, ServiceInput
from tests.conftest import ROOT, engine_url
from usecases.cycles import open_cycle
from usecases.demo import DemoSpec, seed_demo
from usecases.intake import get_or_create_draft, save_draft
from usecases.submission import submit


def _kill_own_connection_before_commit(session: Session, admin: Engine) -> None:
    """Cut this session's connection just before it commits: PostgreSQL terminates its backend from another
    connection; SQLite's connection is closed under it (SQLite discards a transaction its connection closes
    before committing, as it does for a process that dies)."""

    @event.listens_for(session, "before_commit", once=True)
    def _cut(sess: Session) -> None:
        conn = sess.connection()
        if conn.dialect.name == "sqlite":
            conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
            return
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@pytest.fixture
def open_2569(any_engine: Engine) -> Engine:
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=6, years=(2568,)))
    with Session(any_engine) as s:
        open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 12, 31), "2568.1", "admin")
        s.commit()
    return any_engine


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


# --- A process killed in the middle of saving (issue 14) -----------------------------------------------------

NUMBERS = ("DAT.02", "DAT.03", "DAT.04", "DAT.05", "INT.02", "SEC.05", "SKL.01", "SKL.02", "INT.05", "PLT.02")  # counts, percentages
SERVICES = 150

SAVER = """
import os, sys, time
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker
from data.db import make_engine
from data.models import Response
from survey.validation import AnswerInput, ServiceInput
from tests.conftest import ROOT, engine_url
from usecases.intake import save_draft
from tests.test_faults import NUMBERS, SERVICES, value

url, response_id, hold_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
engine = make_engine(url)
wal = str(engine.url.database) + "-wal"
if engine.dialect.name == "sqlite":
    @event.listens_for(engine, "connect")
    def small_cache(dbapi_conn, record):
        # A cache of 4 pages: a save's pages spill into the WAL before it commits, so a kill leaves
        # uncommitted frames there, which recovery must ignore.
        dbapi_conn.execute("PRAGMA cache_size=4")
def wal_size():
    return os.path.getsize(wal) if os.path.exists(wal) else 0
factory = sessionmaker(bind=engine, expire_on_commit=False)
i = 0
while True:
    i += 1
    with factory() as s:
        version = s.get(Response, response_id).version
        answers = {ind: AnswerInput(value(i)) for ind in NUMBERS}
        services = [ServiceInput(name=f"Service {n} of save {i}", digital_level=i % 5, annual_volume=i)
                    for n in range(SERVICES)]
        result = save_draft(s, response_id, version, answers, services, "saver", "web")
        assert result.ok, result.problems
        s.flush()
        if i == hold_at:
            print("flushed", wal_size(), flush=True)
            time.sleep(600)
        s.commit()
    print(i, wal_size(), flush=True)
"""


def value(i: int) -> int:
    """Return what save number `i` writes into every numeric answer: 1 to 90, never twice in a row."""
    return i % 90 + 1


@dataclass(frozen=True)
class Saved:
    version: int
    values: set[float | None]  # of the numeric answers
    marks: set[str]  # the save numbers the service names carry
    services: int
    audited: int  # audit rows of DAT.02
    last_audited: str | None  # the newest one's new value


def _saved(engine: Engine, response_id: int) -> Saved:
    with Session(engine) as s:
        names = list(s.scalars(select(Service.name).where(Service.response_id == response_id)))
        audit = list(s.scalars(select(AuditEntry.new_value).where(AuditEntry.response_id == response_id,
                                                                   AuditEntry.field == "DAT.02")
                               .order_by(AuditEntry.id)))
        return Saved(s.get_one(Response, response_id).version,
                     set(s.scalars(select(Answer.value_num).where(Answer.response_id == response_id,
                                                                   Answer.indicator_id.in_(NUMBERS)))),
                     {n.rsplit(" ", 1)[-1] for n in names}, len(names), len(audit), audit[-1] if audit else None)


def _integrity(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        return "ok"  # PostgreSQL recovers on its own; the state checks are what is asserted there
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def _start_saver(engine: Engine, response_id: int, hold_at: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", SAVER, engine_url(engine), str(response_id), str(hold_at)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)


def _whole(state: Saved) -> None:
    """Assert the state is that after one whole save: its answers, its services and its audit rows, no mix."""
    assert len(state.marks) == 1 and state.services == SERVICES, state
    save = int(next(iter(state.marks)))
    assert state.values == {float(value(save))}, state
    assert state.audited == state.version - 1, state  # every save committed changed DAT.02 and the version
    assert state.last_audited is not None and float(state.last_audited) == value(save), state


def test_a_process_killed_in_the_middle_of_saving_leaves_the_old_or_the_new_state(open_2569: Engine) -> None:
    """A process saves a draft again and again (10 numeric answers and 150 services each time, save i writing
    value(i) = i % 90 + 1 and naming its services "of save i") and is killed with SIGKILL: once while its third
    save is written but not committed, then four times at seeded random moments. Each time the database opens,
    passes `PRAGMA integrity_check` (SQLite) and holds the state after one whole save: after the first kill,
    the second (version 1 + 2 = 3, answers value(2) = 3, services "of save 2", 2 audit rows of DAT.02)."""
    with Session(open_2569, expire_on_commit=False) as s:
        response = get_or_create_draft(s, "D0004", 2569, "respondent")
        s.commit()
    assert _saved(open_2569, response.id).version == 1
    saver = _start_saver(open_2569, response.id, hold_at=3)
    assert saver.stdout is not None
    lines = [saver.stdout.readline().split() for _ in range(3)]
    saver.send_signal(signal.SIGKILL)
    saver.wait(30)
    assert [line[0] for line in lines] == ["1", "2", "flushed"]
    if open_2569.dialect.name == "sqlite":  # the third save's pages were in the WAL, uncommitted, at the kill
        assert int(lines[2][1]) > int(lines[1][1])
    assert _integrity(open_2569) == "ok"
    after = _saved(open_2569, response.id)
    assert after == Saved(3, {3.0}, {"2"}, SERVICES, 2, after.last_audited)
    _whole(after)
    rng = random.Random(14)
    for _attempt in range(4):
        saver = _start_saver(open_2569, response.id, hold_at=0)
        assert saver.stdout is not None
        assert saver.stdout.readline().split()[0] == "1"  # running: kill it at a random moment of a later save
        time.sleep(rng.uniform(0.05, 0.6))
        saver.send_signal(signal.SIGKILL)
        saver.wait(30)
        assert _integrity(open_2569) == "ok"
        _whole(_saved(open_2569, response.id))
