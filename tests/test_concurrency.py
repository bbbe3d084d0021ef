"""Many users at once, on PostgreSQL and on SQLite: 50 clients saving and submitting; every accepted change stored once,
every rejected one reported as a conflict, and the totals add up."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from data.models import Answer, AuditEntry, Response
from survey.catalogue import default_catalogue
from survey.validation import AnswerInput
from usecases.cycles import open_cycle
from usecases.demo import DemoSpec, seed_demo
from usecases.intake import get_or_create_draft, save_draft
from usecases.submission import submit

CLIENTS = 50
AGENCIES = 20  # 2-3 clients share each agency, so conflicts really happen
ROUNDS = 4


@dataclass
class Tally:
    accepted: list[tuple[str, int, float]] = field(default_factory=list)  # agency, version after, value
    conflicts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(factory: sessionmaker[Session], n: int, agency: str, tally: Tally, barrier: threading.Barrier) -> None:
    barrier.wait()
    for r in range(ROUNDS):
        value = float(n * 100 + r)
        try:
            with factory() as s:
                resp = get_or_create_draft(s, agency, 2569, f"client{n}")
                version = resp.version
                s.commit()
            time.sleep(0.001 * (n % 5))  # others save in between: some versions go stale
            with factory() as s:
                result = save_draft(s, resp.id, version, {"DAT.02": AnswerInput(value)}, None, f"client{n}", "web")
                s.commit()
        except Exception as exc:  # any crash is a failure of the test, reported below
            with tally.lock:
                tally.errors.append(f"client{n}: {type(exc).__name__}: {exc}")
            return
        with tally.lock:
            if result.ok:
                tally.accepted.append((agency, result.version, value))
            else:
                assert result.conflict is not None, result.message
                # The conflict names the answer the others changed and keeps this client's unsaved value.
                assert "DAT.02" in {c.field for c in result.conflict.items}
                assert "DAT.02" in result.conflict.unsaved
                tally.conflicts[agency] += 1


def test_fifty_clients(any_engine: Engine) -> None:
    """On PostgreSQL the saves run side by side; on SQLite they queue for its one writer (the busy timeout of
    `make_engine` is 30 s), and a stale version is a conflict all the same."""
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=AGENCIES, years=(2568,)))
    factory = sessionmaker(bind=any_engine, expire_on_commit=False)
    with factory() as s:
        open_cycle(s, 2569, dt.date(2026, 6, 1), dt.date(2026, 12, 31), "2568.1", "admin")
        s.commit()
    tally = Tally()
    barrier = threading.Barrier(CLIENTS)
    agencies = [f"D{(n % AGENCIES) + 1:04d}" for n in range(CLIENTS)]
    threads = [threading.Thread(target=_client, args=(factory, n, agencies[n], tally, barrier)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    elapsed = time.perf_counter() - started
    attempts = CLIENTS * ROUNDS
    assert tally.errors == []
    assert len(tally.accepted) + sum(tally.conflicts.values()) == attempts
    assert sum(tally.conflicts.values()) > 0, "the test never produced a conflict"
    print(f"\n{attempts} saves by {CLIENTS} clients in {elapsed:.1f} s: {len(tally.accepted)} accepted, "
          f"{sum(tally.conflicts.values())} conflicts, {attempts / elapsed:.0f} saves/s")

    with Session(any_engine) as s:
        for agency in set(agencies):
            mine = sorted((v, val) for a, v, val in tally.accepted if a == agency)
            resp = s.scalars(select(Response).where(Response.agency_id == agency, Response.cycle_year == 2569)).one()
            # Every accepted save moved the version by exactly one; the stored value is the last accepted one.
            assert resp.version == 1 + len(mine), agency
            assert [v for v, _ in mine] == list(range(2, 2 + len(mine))), agency
            stored = s.scalar(select(Answer.value_num).where(Answer.response_id == resp.id,
                                                              Answer.indicator_id == "DAT.02"))
            assert stored == mine[-1][1], agency
            # ... and each accepted save left exactly one audit row for the answer.
            audited = s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.response_id == resp.id, AuditEntry.field == "DAT.02"))
            assert audited == len({val for _, val in mine}), agency
        # Submitting from a stale version is a conflict too, never a lost change.
        resp = s.scalars(select(Response).where(Response.agency_id == "D0001", Response.cycle_year == 2569)).one()
        stale = submit(s, resp.id, resp.version - 1, "late", "web", dt.date(2026, 7, 1))
        assert not stale.ok
