"""National figures per cycle, and the planned path a target draws between its dated values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.kpis import national_kpis
from survey.targets import Target


def national_series(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                    online_level: int = 4) -> pd.DataFrame:
    """Return one row of national figures per cycle present in the frame, oldest first."""
    years = sorted(int(y) for y in frame["cycle_year"].unique())
    rows = [national_kpis(y, frame, responses, services, online_level) for y in years]
    return pd.DataFrame(rows, columns=["cycle_be", "cycle_ce", "online_service_ratio", "services", "services_online",
                                       "agencies_expected", "agencies_responded", "response_rate"])


def target_path(target: Target, baseline_value: float | None = None) -> pd.DataFrame:
    """Return the yearly path of a target: its dated values, linearly interpolated between them.

    value(y) = v0 + (v1 - v0) x (y - y0) / (y1 - y0) between consecutive dated points (baseline,
    milestones, goal). `baseline_value` stands in when the target takes its baseline from data.
    """
    base = target.baseline_value if target.baseline_value is not None else baseline_value
    if base is None:
        raise ValueError(f"target {target.id} has no baseline value; pass the baseline year's actual")
    points = {target.baseline_year: base, **target.milestones, target.goal_year: target.goal_value}
    xs = np.array(sorted(points))
    ys = np.array([points[x] for x in xs], dtype=float)
    years = np.arange(target.baseline_year, target.goal_year + 1)
    return pd.DataFrame({"cycle_be": years, "target": np.interp(years, xs, ys),
                         "dated": [int(y) in points for y in years]})
