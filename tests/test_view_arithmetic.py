"""The arithmetic the dashboard views used to do themselves, now in analytics/: pooled ministry ratios, the trend
line to the goal, peer medians. Hand calculations in each docstring."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.online_services import pooled_ratio
from analytics.peers import peer_profile
from analytics.targets import trend_to_goal


def test_pooled_ratio_weighs_agencies_by_their_services() -> None:
    """M1: A has 30 of 40 services online, B 10 of 10: pooled 40 / 50 = 80 % (the mean of 75 % and 100 % would
    be 87.5 %). M2 has no services at all: undefined (NaN), not 0."""
    online = pd.DataFrame({"agency_id": ["A", "B", "C"], "ministry_id": ["M1", "M1", "M2"],
                           "services": [40, 10, 0], "online": [30, 10, 0]})
    ratio = pooled_ratio(online, "ministry_id")
    assert ratio["M1"] == pytest.approx(80.0)
    assert math.isnan(ratio["M2"])


def test_trend_to_goal_by_hand() -> None:
    """60, 62.5, 65 in 2563-2565: slope 2.5 a year, 65 + 2.5 (y - 2565) = 80 at y = 2571; the line runs from 2563
    to 2571 (after the goal year 2570, within its ten-year horizon): nine points, 60 then 80 at the end."""
    trend, reaches = trend_to_goal([2563, 2564, 2565], [60.0, 62.5, 65.0], goal_year=2570, goal_value=80.0)
    assert reaches == 2571
    assert trend["year"].tolist() == list(range(2563, 2572))
    assert trend["value"].iloc[0] == pytest.approx(60.0) and trend["value"].iloc[-1] == pytest.approx(80.0)


def test_trend_to_goal_that_is_never_reached_stops_at_the_goal_year() -> None:
    """A falling line never reaches a higher goal: no year; drawn to the goal year 2570. A goal reached only in 2585
    is drawn no further than 2570 + 10 = 2580 (the horizon): 60 + 1 x (y - 2560) = 85 at y = 2585."""
    trend, reaches = trend_to_goal([2563, 2565], [70.0, 68.0], goal_year=2570, goal_value=80.0)
    assert reaches is None and trend["year"].iloc[-1] == 2570
    late, year = trend_to_goal([2560, 2561], [60.0, 61.0], goal_year=2570, goal_value=85.0)
    assert year == 2585 and late["year"].iloc[-1] == 2580
    empty, none = trend_to_goal([2565], [70.0], goal_year=2570, goal_value=80.0)
    assert empty.empty and none is None


def test_peer_profile_is_the_median_of_the_peers() -> None:
    """Peers A, B, C score 10, 20, 90 on D1: median 20 (the mean, 40, would follow the outlier); X is not a peer."""
    scores = pd.DataFrame({"D1": [10.0, 20.0, 90.0, 0.0], "D2": [50.0, 60.0, 70.0, 0.0]}, index=["A", "B", "C", "X"])
    profile = peer_profile(scores, ["A", "B", "C", "Z"], ["D1", "D2"])
    assert profile.to_dict() == {"D1": 20.0, "D2": 60.0}


def test_trend_to_goal_fits_the_final_years_only() -> None:
    """The by-hand line above, with a provisional B.E. 2566 at 40 (few agencies counted so far) beside it: fitted on
    the final years 2563-2565 only, the line is the same (2.5 a year, 80 reached in 2571). Fitted on all four years
    it would fall: mean year 2564.5, mean value 56.875, slope = (-1.5 x 3.125 - 0.5 x 5.625 + 0.5 x 8.125
    + 1.5 x -16.875) / 5 = -5.75 a year, so the goal would never be reached."""
    years, values = [2563, 2564, 2565, 2566], [60.0, 62.5, 65.0, 40.0]
    trend, reaches = trend_to_goal(years, values, goal_year=2570, goal_value=80.0, final={2563, 2564, 2565})
    assert reaches == 2571
    assert trend["year"].tolist() == list(range(2563, 2572))
    assert trend["value"].iloc[0] == pytest.approx(60.0) and trend["value"].iloc[-1] == pytest.approx(80.0)
    pulled, never = trend_to_goal(years, values, goal_year=2570, goal_value=80.0)
    assert never is None
    assert pulled["value"].iloc[1] - pulled["value"].iloc[0] == pytest.approx(-5.75)
