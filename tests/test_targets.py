"""Progress to the plan's targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.targets import (
    linear_trend,
    observed_actuals,
    status_of,
    target_path,
    target_progress,
    year_reaching,
)
from survey.catalogue import Catalogue
from survey.targets import Target, target_for


def test_path_interpolates_between_baseline_and_goal(targets: tuple[Target, ...]) -> None:
    """T.ONLINE_RATIO: 72.71 in 2565 to 95 in 2570, no milestones: a step of (95 - 72.71) / 5 = 4.458 a year.

    2566 = 72.71 + 4.458 = 77.168; 2568 = 72.71 + 3 x 4.458 = 86.084.
    """
    t = target_for(targets, "KPI.ONLINE_RATIO")
    assert t is not None
    path = target_path(t).set_index("year")
    assert path.loc[2566, "value"] == pytest.approx(77.168)
    assert path.loc[2568, "value"] == pytest.approx(86.084)
    assert path.loc[2565, "kind"] == "baseline"
    assert path.loc[2570, "kind"] == "goal"


def test_path_keeps_explicit_milestones(targets: tuple[Target, ...]) -> None:
    """T.RESPONSE_RATE has milestones 97, 98, 98.5, 99 for 2566-2569; baseline from data (here 95)."""
    t = target_for(targets, "KPI.RESPONSE_RATE")
    assert t is not None
    path = target_path(t, 95.0).set_index("year")["value"]
    assert path.tolist() == [95.0, 97.0, 98.0, 98.5, 99.0, 100.0]
    assert np.isnan(target_path(t).set_index("year").loc[2565, "value"])


def test_online_ratio_progress_by_hand(targets: tuple[Target, ...], catalogue: Catalogue) -> None:
    """Actuals 61.84 (2564), 72.71 (2565), 77.93 (2566).

    2566: milestone 77.168, gap = +1 x (77.93 - 77.168) = 0.762 -> on track;
    required per year = (95 - 77.93) / (2570 - 2566) = 4.2675;
    trend: years 2564-2566 (mean 2565), values mean 212.48 / 3 = 70.8267;
    slope = ((-1)(61.84 - 70.8267) + (1)(77.93 - 70.8267)) / 2 = 8.045;
    reaches 95 at 2565 + (95 - 70.8267) / 8.045 = 2568.005 -> first whole year 2569.
    """
    t = target_for(targets, "KPI.ONLINE_RATIO")
    assert t is not None
    actuals = pd.DataFrame({"cycle_year": [2564, 2565, 2566], "value": [61.84, 72.71, 77.93]})
    row = target_progress(t, actuals, 2566, catalogue).iloc[0]
    assert row["milestone"] == pytest.approx(77.168)
    assert row["gap"] == pytest.approx(0.762)
    assert row["status"] == "on track"
    assert row["required_per_year"] == pytest.approx(4.2675)
    assert row["trend_slope"] == pytest.approx(8.045)
    assert row["trend_reaches_goal"] == 2569
    early = target_progress(t, actuals, 2564, catalogue).iloc[0]
    assert early["status"] == "before baseline"


def test_egdi_rank_lower_is_better(targets: tuple[Target, ...], catalogue: Catalogue) -> None:
    """EGDI rank: 55 in 2565 to 40 in 2570, step -3: the 2567 milestone is 49.

    Observed 2567 rank 52: gap = -1 x (52 - 49) = -3, within the margin of 5 -> at risk.
    Trend over 2561-2567 ranks 73, 57, 55, 52: year deviations -3, -1, 1, 3; mean rank 59.25;
    slope = (-3 x 13.75 - 1 x -2.25 + 1 x -4.25 + 3 x -7.25) / 20 = -65 / 20 = -3.25;
    rank 40 at 2564 + (40 - 59.25) / -3.25 = 2569.92 -> 2570.
    """
    t = target_for(targets, "KPI.EGDI_RANK")
    assert t is not None
    row = target_progress(t, observed_actuals(t), 2567, catalogue).iloc[0]
    assert row["milestone"] == pytest.approx(49)
    assert row["gap"] == pytest.approx(-3)
    assert row["status"] == "at risk"
    assert row["trend_slope"] == pytest.approx(-3.25)
    assert row["trend_reaches_goal"] == 2570


def test_progress_per_group_takes_each_baseline_from_data(targets: tuple[Target, ...], catalogue: Catalogue) -> None:
    """Response-rate target per ministry, baseline from each ministry's own 2565 value.

    M1: 90 in 2565, 96 in 2566: milestone 97 -> gap -1 -> at risk (margin 2).
    M2: 99 in 2565, 92 in 2566: gap 92 - 97 = -5 -> off track; falling trend never reaches 100 -> None.
    """
    t = target_for(targets, "KPI.RESPONSE_RATE")
    assert t is not None
    actuals = pd.DataFrame({"cycle_year": [2565, 2566, 2565, 2566], "ministry_id": ["M1", "M1", "M2", "M2"],
                            "value": [90.0, 96.0, 99.0, 92.0]})
    out = target_progress(t, actuals, 2566, catalogue, by=["ministry_id"]).set_index("ministry_id")
    assert out.loc["M1", "baseline"] == 90
    assert out.loc["M1", "status"] == "at risk"
    assert out.loc["M2", "status"] == "off track"
    assert pd.isna(out.loc["M2", "trend_reaches_goal"])


def test_small_pieces() -> None:
    """Trend needs two years; a flat line never reaches a higher goal; status thresholds."""
    assert linear_trend([2565], [1.0]) is None
    assert linear_trend([2565, 2566], [1.0, 3.0]) == pytest.approx((2.0, 1.0 - 2.0 * 2565))
    assert year_reaching(10, 1, 0.0, 5.0, 2566) is None
    assert year_reaching(10, 1, 1.0, 12.0 - 2566, 2566) == 2566
    assert status_of(0.0, 1) == "on track"
    assert status_of(-1.0, 1) == "at risk"
    assert status_of(-1.5, 1) == "off track"
    assert status_of(np.nan, 1) == "no data"


def test_grouped_progress_equals_the_one_group_formulas(catalogue, targets) -> None:  # type: ignore[no-untyped-def]
    """Per agency, the column-wise computation gives exactly what the one-group formulas give group
    by group: 120 agencies x cycles 2564-2568 with values 30-90, 15 % missing, one agency with a
    single cycle and one with none; the readiness target (baseline from data) and the online-ratio
    target (fixed baseline), before, at and after the baseline year."""
    rng = np.random.default_rng(7)
    rows = [(y, f"A{i:03d}", float(rng.uniform(30, 90))) for i in range(120) for y in range(2564, 2569)]
    table = pd.DataFrame(rows, columns=["cycle_year", "agency_id", "value"])
    table.loc[rng.random(len(table)) < 0.15, "value"] = np.nan
    table.loc[(table["agency_id"] == "A000") & (table["cycle_year"] != 2568), "value"] = np.nan
    table.loc[table["agency_id"] == "A001", "value"] = np.nan
    for kpi in ("KPI.READINESS", "KPI.ONLINE_RATIO"):
        target = target_for(targets, kpi)
        assert target is not None
        for year in (2564, 2565, 2567, 2568):
            grouped = target_progress(target, table, year, catalogue, ["agency_id"])
            one_by_one = pd.concat([target_progress(target, part.drop(columns=["agency_id"]), year, catalogue)
                                    .assign(agency_id=aid) for aid, part in table.groupby("agency_id")],
                                   ignore_index=True)[grouped.columns]
            assert len(grouped) == 120
            pd.testing.assert_frame_equal(grouped.reset_index(drop=True), one_by_one, check_dtype=False)
