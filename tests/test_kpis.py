"""National figures of a cycle, and the `python -m analytics kpis` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from analytics.kpis import national_kpis
from analytics.targets import target_path
from survey.catalogue import default_catalogue
from survey.targets import load_targets, target_for

ROOT = Path(__file__).resolve().parent.parent


def test_national_kpis_by_hand() -> None:
    """Three agencies expected; A approved with services at levels 4, 4, 2; B submitted with 4, 1;
    C only a draft with 4, 4 (not counted). Online = 3 of 5 counted services = 60 %;
    responded = 2 of 3 = 66.67 %."""
    frame = pd.DataFrame({"cycle_year": [2565] * 3, "agency_id": ["A", "B", "C"]})
    responses = pd.DataFrame({"response_id": [1, 2, 3], "cycle_year": [2565] * 3, "agency_id": ["A", "B", "C"],
                              "status": ["approved", "submitted", "draft"]})
    services = pd.DataFrame({"response_id": [1, 1, 1, 2, 2, 3, 3], "cycle_year": [2565] * 7,
                             "digital_level": [4, 4, 2, 4, 1, 4, 4]})
    k = national_kpis(2565, frame, responses, services)
    assert k["online_service_ratio"] == 60.0
    assert (k["services"], k["services_online"]) == (5, 3)
    assert (k["agencies_expected"], k["agencies_responded"]) == (3, 2)
    assert abs(k["response_rate"] - 200 / 3) < 1e-12


def test_no_services_gives_no_ratio_not_zero() -> None:
    frame = pd.DataFrame({"cycle_year": [2565], "agency_id": ["A"]})
    responses = pd.DataFrame({"response_id": [1], "cycle_year": [2565], "agency_id": ["A"], "status": ["draft"]})
    services = pd.DataFrame({"response_id": [1], "cycle_year": [2565], "digital_level": [4]})
    assert national_kpis(2565, frame, responses, services)["online_service_ratio"] is None


def test_target_path_interpolates_between_dated_points() -> None:
    """T.RESPONSE_RATE: baseline 2565 = 95 (from data), milestones 2566: 97, 2567: 98, 2568: 98.5,
    2569: 99, goal 2570: 100. T.ONLINE_RATIO: 72.71 (2565) to 95 (2570): +4.458 a year."""
    targets = load_targets(default_catalogue())
    rr = target_path(target_for(targets, "KPI.RESPONSE_RATE"), baseline_value=95.0)  # type: ignore[arg-type]
    assert rr["value"].tolist() == [95.0, 97.0, 98.0, 98.5, 99.0, 100.0]
    online = target_path(target_for(targets, "KPI.ONLINE_RATIO"))  # type: ignore[arg-type]
    assert online["value"].iloc[1] == 72.71 + (95 - 72.71) / 5


def _kpis(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "analytics", "kpis", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_kpis_command_prints_the_published_figure(demo_db_path: Path) -> None:
    url = f"sqlite:///{demo_db_path}"
    out = _kpis(url, "--cycle", "2565", "--format", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert round(result["online_service_ratio"], 2) == 72.71
    assert result["cycle_ce"] == 2022 and result["demo"] is True
    assert result["agencies_expected"] == 320
    earlier = json.loads(_kpis(url, "--cycle", "2021", "--format", "json").stdout)
    assert earlier["cycle_be"] == 2564
    assert result["online_service_ratio"] - earlier["online_service_ratio"] > 10
    missing = _kpis(url, "--cycle", "2599")
    assert missing.returncode == 2 and "no survey cycle 2599" in missing.stderr
