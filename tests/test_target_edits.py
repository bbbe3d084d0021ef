"""Planners' target edits: checked like targets.yaml, history of every change, sourced/assumption rules, merging."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update

from data.db import session_scope
from data.models import AuditEntry, TargetOverride
from survey.catalogue import Catalogue, Text
from survey.targets import Target, target_for
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.target_edits import (
    TargetEdit,
    TargetEditError,
    edit_target,
    effective_targets,
    last_edited,
    parse_milestones,
    target_history,
    targets_table,
)

PLANNER = Principal(2, "malee.planner", grants=frozenset({Grant(Role.PLANNER)}))
EXECUTIVE = Principal(3, "exec", grants=frozenset({Grant(Role.EXECUTIVE)}))


def _by_id(targets: tuple[Target, ...]) -> dict[str, Target]:
    return {t.id: t for t in targets}


def test_without_edits_the_file_is_what_counts(engine: Engine, catalogue: Catalogue,
                                               targets: tuple[Target, ...]) -> None:
    with session_scope(engine) as s:
        assert effective_targets(s, catalogue) == targets


def test_an_edit_is_merged_over_the_file_and_its_history_kept(engine: Engine, catalogue: Catalogue,
                                                              targets: tuple[Target, ...]) -> None:
    with session_scope(engine) as s:
        edited = edit_target(s, PLANNER, "T.ONLINE_RATIO",
                             TargetEdit(goal_value=92.5, milestones="2024: 80, 2568: 85"), catalogue)
    assert edited.goal_value == 92.5 and dict(edited.milestones) == {2567: 80.0, 2568: 85.0}
    assert edited.is_assumption and edited.note == _by_id(targets)["T.ONLINE_RATIO"].note  # stays an assumption
    with session_scope(engine) as s:
        merged = _by_id(effective_targets(s, catalogue))
        assert merged["T.ONLINE_RATIO"] == edited
        assert {k: v for k, v in merged.items() if k != "T.ONLINE_RATIO"} == {
            k: v for k, v in _by_id(targets).items() if k != "T.ONLINE_RATIO"}
        assert [t.id for t in effective_targets(s, catalogue)] == [t.id for t in targets]  # file order kept
        history = target_history(s, PLANNER, "T.ONLINE_RATIO").fillna("-")
        assert sorted(zip(history["field"], history["old_value"], history["new_value"], strict=True)) == [
            ("goal.value", "95.0", "92.5"), ("milestones", "-", "2567: 80, 2568: 85")]
        assert set(history["actor"]) == {"malee.planner"}
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "target_edit")) == \
            "T.ONLINE_RATIO: goal.value, milestones"
        table = targets_table(s, PLANNER, catalogue).set_index("target_id")
        assert table.loc["T.ONLINE_RATIO", "edited"] and not table.loc["T.EGDI_RANK", "edited"]
        # A second edit lays over the first, and is recorded beside it.
        edit_target(s, PLANNER, "T.ONLINE_RATIO", TargetEdit(goal_value=93.0), catalogue)
        assert target_for(effective_targets(s, catalogue), "KPI.ONLINE_RATIO").goal_value == 93.0  # type: ignore[union-attr]
        assert len(target_history(s, PLANNER)) == 3


@pytest.mark.parametrize(("edit", "message"), [
    (TargetEdit(goal_year=2564), "goal year 2564 must come after baseline year 2565"),
    (TargetEdit(milestones={2575: 99.0}), "milestone year 2575 must fall between the baseline and goal years"),
    (TargetEdit(basis="sourced"), "A sourced target must name its source"),
    (TargetEdit(milestones="2567 = 80"), "Cannot read the milestone '2567 = 80'"),
    (TargetEdit(basis="official"), "Unknown basis 'official'"),
])
def test_invalid_edits_are_refused_with_the_files_rules(engine: Engine, catalogue: Catalogue, edit: TargetEdit,
                                                         message: str) -> None:
    with session_scope(engine) as s, pytest.raises(TargetEditError) as err:
        edit_target(s, PLANNER, "T.ONLINE_RATIO", edit, catalogue)
    assert message in err.value.text.en and err.value.text.th
    with session_scope(engine) as s:
        assert s.scalars(select(TargetOverride)).all() == []


def test_sourced_targets_keep_their_source_and_assumptions_need_one_to_become_sourced(
        engine: Engine, catalogue: Catalogue, targets: tuple[Target, ...]) -> None:
    with session_scope(engine) as s:
        unchanged = TargetEdit(basis="sourced", source="", goal_value=40.0, at_risk_margin=5.0, baseline_value=55.0)
        with pytest.raises(TargetEditError):  # blanking the source of a sourced target is refused
            edit_target(s, PLANNER, "T.EGDI_RANK", unchanged, catalogue)
        edit_target(s, PLANNER, "T.EGDI_RANK", TargetEdit(goal_value=40.0, at_risk_margin=5.0), catalogue)
        assert target_history(s, PLANNER).empty  # the form resubmitting the same numbers changes nothing
        rank = edit_target(s, PLANNER, "T.EGDI_RANK", TargetEdit(goal_value=38), catalogue)
        assert rank.basis == "sourced" and rank.source == _by_id(targets)["T.EGDI_RANK"].source
        sourced = edit_target(s, PLANNER, "T.READINESS",
                              TargetEdit(basis="sourced", source="Cabinet resolution of 1 July 2025"), catalogue)
        # A planner's source is one text, shown in both languages.
        assert (sourced.basis, sourced.source, sourced.note) == (
            "sourced", Text("Cabinet resolution of 1 July 2025", "Cabinet resolution of 1 July 2025"), None)
        back = edit_target(s, PLANNER, "T.READINESS", TargetEdit(basis="assumption", source=""), catalogue)
        assert back.is_assumption and back.note is not None and "assumption" in back.note.en.lower()


def test_a_form_in_one_language_keeps_the_source_in_both(engine: Engine, catalogue: Catalogue,
                                                          targets: tuple[Target, ...]) -> None:
    """The targets page shows the source in the reader's language; saving it unchanged keeps the Thai and the
    English source, and no source change is recorded; a new text replaces both."""
    shipped = _by_id(targets)["T.EGDI_RANK"].source
    assert shipped is not None and shipped.th != shipped.en
    with session_scope(engine) as s:
        rank = edit_target(s, PLANNER, "T.EGDI_RANK", TargetEdit(source=shipped.th, goal_value=38), catalogue)
        assert rank.source == shipped
        assert target_history(s, PLANNER)["field"].tolist() == ["goal.value"]
        rank = edit_target(s, PLANNER, "T.EGDI_RANK", TargetEdit(source="มติคณะรัฐมนตรี 1 ก.ค. 2568"), catalogue)
        assert rank.source == Text("มติคณะรัฐมนตรี 1 ก.ค. 2568", "มติคณะรัฐมนตรี 1 ก.ค. 2568")


def test_only_planners_and_administrators_edit_targets(engine: Engine, catalogue: Catalogue) -> None:
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied):
            edit_target(s, EXECUTIVE, "T.ONLINE_RATIO", TargetEdit(goal_value=90), catalogue)
        with pytest.raises(AccessDenied):
            target_history(s, EXECUTIVE)


def test_milestones_read_in_either_era() -> None:
    assert parse_milestones("2024: 80; 2568: 85.5\n") == {2567: 80.0, 2568: 85.5}
    assert parse_milestones("") == {}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_last_edited_is_the_latest_edit_in_utc(request: pytest.FixtureRequest, backend: str) -> None:
    """Two edits stored at 1 Feb 2026 03:00 UTC and 2 Feb 2026 06:30 at UTC+7 (= 1 Feb 23:30 UTC): the later
    moment in UTC is 1 Feb 2026 23:30; with no edit there is none. SQLite returns the moment without its zone,
    PostgreSQL with it: both come back as the same UTC timestamp."""
    engine: Engine = request.getfixturevalue("engine" if backend == "sqlite" else "pg_engine")
    with session_scope(engine) as s:
        assert last_edited(s) is None
        edit_target(s, PLANNER, "T.ONLINE_RATIO", TargetEdit(goal_value=92.5))
        edit_target(s, PLANNER, "T.READINESS", TargetEdit(goal_value=82.0))
        s.execute(update(TargetOverride).where(TargetOverride.target_id == "T.ONLINE_RATIO")
                  .values(updated_at=dt.datetime(2026, 2, 1, 3, 0, tzinfo=dt.UTC)))
        bangkok = dt.timezone(dt.timedelta(hours=7))
        s.execute(update(TargetOverride).where(TargetOverride.target_id == "T.READINESS")
                  .values(updated_at=dt.datetime(2026, 2, 2, 6, 30, tzinfo=bangkok).astimezone(dt.UTC)))
    with session_scope(engine) as s:
        assert last_edited(s) == pd.Timestamp("2026-02-01 23:30", tz="UTC")
