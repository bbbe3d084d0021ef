"""Plan targets as data: sourced targets keep their source; everything else is an assumption."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from survey.catalogue import default_catalogue
from survey.targets import TARGETS_PATH, TargetsError, load_targets, parse_targets, target_for


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(TARGETS_PATH.read_text(encoding="utf-8"))


def test_shipped_targets_mark_sourced_and_assumed() -> None:
    targets = load_targets(default_catalogue())
    by_id = {t.id: t for t in targets}
    rank = by_id["T.EGDI_RANK"]
    assert rank.basis == "sourced" and rank.source is not None and "top 40" in rank.source.en
    # The source in Thai for Thai readers (the Thai review): the plan's Thai name and the top 40.
    assert "แผนพัฒนารัฐบาลดิจิทัลของประเทศไทย พ.ศ. 2566-2570" in rank.source.th and "40 อันดับแรก" in rank.source.th
    assert (rank.baseline_year, rank.baseline_value, rank.goal_year, rank.goal_value) == (2565, 55, 2570, 40)
    assert [(o.year, o.value) for o in rank.observations] == [(2561, 73), (2563, 57), (2565, 55), (2567, 52)]
    assert by_id["T.EGDI_SCORE"].goal_value == 0.82 and by_id["T.EGDI_SCORE"].basis == "sourced"
    online = target_for(targets, "KPI.ONLINE_RATIO")
    assert online is not None and online.is_assumption and online.note is not None
    assert online.baseline_value == 72.71
    for t in targets:
        assert t.basis == "sourced" or (t.is_assumption and t.note is not None and t.note.th and t.note.en)


def _problems(raw: dict[str, Any]) -> str:
    with pytest.raises(TargetsError) as err:
        parse_targets(raw, default_catalogue())
    return str(err.value)


def test_bad_targets_are_refused_by_id(raw: dict[str, Any]) -> None:
    raw["targets"][0]["kpi"] = "KPI.NOPE"
    raw["targets"][1]["source"] = None
    raw["targets"][2]["goal"]["year"] = 2027
    raw["targets"][3]["note"] = None
    raw["targets"][4]["milestones"] = {2580: 99.0}
    msg = _problems(raw)
    assert "target T.ONLINE_RATIO: names unknown KPI or indicator 'KPI.NOPE'" in msg
    assert "target T.EGDI_RANK: a sourced target must name its source" in msg
    assert "target T.EGDI_SCORE: goal year must be a Buddhist-Era year" in msg
    assert "target T.READINESS: an assumption needs a note" in msg
    assert "target T.RESPONSE_RATE: milestone year 2580 must fall between" in msg


def test_goal_must_follow_baseline(raw: dict[str, Any]) -> None:
    raw["targets"][0]["goal"]["year"] = 2565
    assert "goal year 2565 must come after baseline year 2565" in _problems(raw)
