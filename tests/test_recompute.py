"""Recomputing every cycle and the uncertainty analysis run as background jobs, found finished; the CLI shows progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from survey.__main__ import main
from survey.catalogue import default_catalogue
from tests.conftest import job_ended, sqlite_engine_at
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.demo import DemoSpec, seed_demo
from usecases.jobs import recent_jobs
from usecases.recompute import start_recompute, start_uncertainty

PLANNER = Principal(2, "planner", grants=frozenset({Grant(Role.PLANNER)}))
EXECUTIVE = Principal(3, "exec", grants=frozenset({Grant(Role.EXECUTIVE)}))


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    engine = sqlite_engine_at(tmp_path / "jobs.sqlite3")
    seed_demo(engine, default_catalogue(), DemoSpec(agencies=16, years=(2567, 2568)))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    return engine


def test_recompute_runs_in_the_background_and_is_foundjob_ended(seeded: Engine) -> None:
    job_id = start_recompute(seeded, PLANNER)  # returns at once; the work goes on in a thread
    status = job_ended(seeded, job_id)
    assert status.status == "finished", status.error
    assert (status.done, status.total, status.fraction) == (2, 2, 1.0)
    method = default_catalogue().method.version
    assert status.result["method_version"] == method
    assert sorted(status.result["cycles"]) == ["2567", "2568"]
    assert {c["method_version"] for c in status.result["cycles"].values()} == {method}
    assert all(0 <= c["readiness_index"] <= 100 for c in status.result["cycles"].values())
    with Session(seeded) as s:
        assert [j.id for j in recent_jobs(s, "planner")] == [job_id]
    with pytest.raises(AccessDenied):
        start_recompute(seeded, EXECUTIVE)


def test_uncertainty_job(seeded: Engine) -> None:
    status = job_ended(seeded, start_uncertainty(seeded, PLANNER, 2025, draws=50, background=False))
    assert status.status == "finished", status.error
    assert status.result["cycle"] == 2568 and status.result["draws"] == 50 and status.result["agencies"] > 2
    assert 0 <= status.result["stable_pair_share"] <= 1


def test_cli_recompute_prints_a_progress_bar(seeded: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recompute"]) == 0
    out = capsys.readouterr()
    assert "] 2/2 done" in out.err and "[" + "#" * 30 + "]" in out.err
    assert "2024: readiness index" in out.out and "2025: readiness index" in out.out
