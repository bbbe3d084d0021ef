"""Progress to the plan's targets: the path from baseline to goal, gaps, trends and a status.

A target's path runs from its baseline to its goal through its explicit milestones, linearly in
between (the usual way a multi-year plan's KPI table is filled in). Polarity comes from the KPI or
indicator the target is set on: for the EGDI rank lower is better.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from survey.catalogue import Catalogue
from survey.targets import Target

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, BEFORE_BASELINE = "on track", "at risk", "off track", "no data", "before baseline"
PROGRESS_COLUMNS = ["target_id", "kpi", "cycle_year", "actual", "baseline", "milestone", "goal", "goal_year", "gap",
                    "required_per_year", "trend_slope", "trend_reaches_goal", "status", "basis"]


def polarity_of(target: Target, catalogue: Catalogue) -> int:
    """Return +1 when a higher value is better for the target's KPI or indicator, else -1."""
    try:
        return catalogue.kpi(target.kpi).polarity
    except KeyError:
        return catalogue.indicator(target.kpi).polarity


def target_path(target: Target, baseline_value: float | None = None) -> pd.DataFrame:
    """Return the yearly path (year, value, kind) from the baseline year to the goal year.

    Known points: baseline (target's value, else `baseline_value` from data), the explicit
    milestones, the goal; years between two known points are linearly interpolated:
    v(y) = v(a) + (v(b) - v(a)) x (y - a) / (b - a). Without a baseline value the path is NaN until
    the first milestone. kind is baseline / milestone / interpolated / goal.
    """
    rows = [(year, value, kind) for year, (value, kind) in _path(target, baseline_value).items()]
    return pd.DataFrame(rows, columns=["year", "value", "kind"])


def _path(target: Target, baseline_value: float | None) -> dict[int, tuple[float, str]]:
    base = target.baseline_value if target.baseline_value is not None else baseline_value
    known: dict[int, float] = {target.baseline_year: np.nan if base is None else float(base)}
    known.update({int(y): float(v) for y, v in target.milestones.items()})
    known[target.goal_year] = float(target.goal_value)
    xs = sorted(known)
    out: dict[int, tuple[float, str]] = {}
    for year in range(target.baseline_year, target.goal_year + 1):
        if year in known:
            kind = "baseline" if year == target.baseline_year else "goal" if year == target.goal_year else "milestone"
            out[year] = (known[year], kind)
            continue
        a = max(x for x in xs if x < year)
        b = min(x for x in xs if x > year)
        out[year] = (known[a] + (known[b] - known[a]) * (year - a) / (b - a), "interpolated")
    return out


def linear_trend(years: Sequence[float], values: Sequence[float]) -> tuple[float, float] | None:
    """Return (slope, intercept) of the least-squares line through the points, or None with < 2 years.

    slope = sum((y - ybar)(v - vbar)) / sum((y - ybar)^2); intercept = vbar - slope x ybar.
    """
    pts = [(float(y), float(v)) for y, v in zip(years, values, strict=True) if np.isfinite(v)]
    if len({y for y, _ in pts}) < 2:
        return None
    y = np.array([p[0] for p in pts])
    v = np.array([p[1] for p in pts])
    slope = float(((y - y.mean()) * (v - v.mean())).sum() / ((y - y.mean()) ** 2).sum())
    return slope, float(v.mean() - slope * y.mean())


def year_reaching(goal: float, polarity: int, slope: float, intercept: float, after: int) -> int | None:
    """Return the first whole year from `after` on at which the trend line meets the goal, or None if never.

    Solves intercept + slope x y = goal: y* = (goal - intercept) / slope, rounded up (down for a
    falling line that must fall to the goal); a line already past the goal at `after` gives `after`.
    """
    at_after = intercept + slope * after
    if polarity * (at_after - goal) >= 0:
        return after
    if polarity * slope <= 0:
        return None
    return max(after, math.ceil((goal - intercept) / slope - 1e-9))


def status_of(gap: float, margin: float) -> str:
    """Return on track (gap >= 0), at risk (short by at most `margin`) or off track; no data for NaN."""
    if gap is None or not np.isfinite(gap):
        return NO_DATA
    if gap >= 0:
        return ON_TRACK
    return AT_RISK if -gap <= margin else OFF_TRACK


def target_progress(target: Target, actuals: pd.DataFrame, year: int, catalogue: Catalogue,
                    by: Sequence[str] = ()) -> pd.DataFrame:
    """Return progress to `target` in cycle `year`, nationally or per group of `by` columns.

    `actuals` has cycle_year, value and the `by` columns (one row per cycle and group). With p the
    polarity (+1 higher is better) and m the milestone of `year` on `target_path`:
    gap = p x (actual - m)  (>= 0 means the milestone is met);
    required_per_year = (goal - actual) / (goal_year - year)  (the yearly change still needed);
    trend: `linear_trend` over the cycles up to `year`, and `year_reaching` the goal (None if never);
    status = `status_of(gap, target.at_risk_margin)`; before the baseline year: "before baseline".
    A target without a baseline value takes each group's own actual of the baseline year.
    """
    keys = list(by)
    pol = polarity_of(target, catalogue)
    data = actuals[actuals["cycle_year"] <= year]
    if keys:
        return _grouped_progress(target, data, year, pol, keys)
    rows = []
    for part in (data,):
        series = dict(zip(part["cycle_year"].astype(int), part["value"].astype(float), strict=True))
        base = series.get(target.baseline_year) if target.baseline_value is None else None
        path = {y: v for y, (v, _) in _path(target, base).items()}
        actual = series.get(year, np.nan)
        if year < target.baseline_year:
            milestone, status = np.nan, BEFORE_BASELINE
        else:
            milestone = path[min(year, target.goal_year)]
        gap = pol * (actual - milestone) if np.isfinite(milestone) else np.nan
        if year >= target.baseline_year:
            status = status_of(gap, target.at_risk_margin)
        years_left = target.goal_year - year
        required = (target.goal_value - actual) / years_left if years_left > 0 else np.nan
        years = sorted(series)
        trend = linear_trend(years, [series[y] for y in years])
        reaches = None if trend is None else year_reaching(target.goal_value, pol, trend[0], trend[1], year)
        row: dict[str, object] = {}
        row.update({
            "target_id": target.id, "kpi": target.kpi, "cycle_year": year, "actual": actual,
            "baseline": path[target.baseline_year], "milestone": milestone, "goal": target.goal_value,
            "goal_year": target.goal_year, "gap": gap, "required_per_year": required,
            "trend_slope": np.nan if trend is None else trend[0], "trend_reaches_goal": reaches,
            "status": status, "basis": target.basis,
        })
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*keys, *PROGRESS_COLUMNS])
    out["trend_reaches_goal"] = out["trend_reaches_goal"].astype("Int64")
    return out


def _grouped_progress(target: Target, data: pd.DataFrame, year: int, pol: int, keys: list[str]) -> pd.DataFrame:
    """Return `target_progress` for many groups at once, column-wise (8,000 agencies in milliseconds).

    The same formulas as the one-group loop: the path is affine in the baseline value
    (path(b) = path(0) + b x (path(1) - path(0))), and the least-squares slope, the year the trend
    reaches the goal and the status are computed on whole columns.
    """
    wide = data.groupby([*keys, "cycle_year"], observed=True, sort=True)["value"].first().unstack("cycle_year")
    wide.columns = wide.columns.astype(int)
    n = len(wide)

    def col(y: int) -> np.ndarray:
        return wide[y].to_numpy(dtype=float) if y in wide.columns else np.full(n, np.nan)

    actual = col(year)
    base = col(target.baseline_year) if target.baseline_value is None else np.full(n, target.baseline_value)
    p0, p1 = _path(target, 0.0), _path(target, 1.0)

    def path_at(y: int) -> np.ndarray:
        slope = p1[y][0] - p0[y][0]
        return np.asarray(p0[y][0] + base * slope if slope != 0 else np.full(n, p0[y][0]), dtype=float)

    milestone = np.full(n, np.nan) if year < target.baseline_year else path_at(min(year, target.goal_year))
    gap = pol * (actual - milestone)
    if year < target.baseline_year:
        status = np.full(n, BEFORE_BASELINE, dtype=object)
    else:
        status = np.where(~np.isfinite(gap), NO_DATA, np.where(gap >= 0, ON_TRACK, np.where(
            -gap <= target.at_risk_margin, AT_RISK, OFF_TRACK))).astype(object)
    years_left = target.goal_year - year
    required = (target.goal_value - actual) / years_left if years_left > 0 else np.full(n, np.nan)
    ys = np.array(wide.columns, dtype=float)
    v = wide.to_numpy(dtype=float)
    ok = np.isfinite(v)
    cnt = ok.sum(axis=1)
    ybar = np.where(cnt > 0, (ok * ys).sum(axis=1) / np.maximum(cnt, 1), np.nan)
    vbar = np.where(cnt > 0, np.where(ok, v, 0).sum(axis=1) / np.maximum(cnt, 1), np.nan)
    dy = np.where(ok, ys[None, :] - ybar[:, None], 0.0)
    sxx = (dy ** 2).sum(axis=1)
    has_trend = (cnt >= 2) & (sxx > 0)
    slope = np.where(has_trend, (dy * np.where(ok, v - vbar[:, None], 0.0)).sum(axis=1) / np.where(sxx > 0, sxx, 1),
                     np.nan)
    intercept = vbar - slope * ybar
    at_after = intercept + slope * year
    goal = target.goal_value
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.ceil((goal - intercept) / slope - 1e-9)
    reaches = np.where(pol * (at_after - goal) >= 0, year,
                       np.where(pol * slope <= 0, np.nan, np.maximum(year, crossing)))
    reaches = np.where(has_trend, reaches, np.nan)
    out = wide.index.to_frame(index=False)
    baseline = base if target.baseline_value is None else np.full(n, p0[target.baseline_year][0])
    out = out.assign(target_id=target.id, kpi=target.kpi, cycle_year=year, actual=actual, baseline=baseline,
                     milestone=milestone, goal=target.goal_value, goal_year=target.goal_year, gap=gap,
                     required_per_year=required, trend_slope=slope,
                     trend_reaches_goal=pd.array(np.where(np.isfinite(reaches), reaches, 0).astype(int),
                                                 dtype="Int64"),
                     status=status, basis=target.basis)
    out.loc[~np.isfinite(reaches), "trend_reaches_goal"] = pd.NA
    return out[[*keys, *PROGRESS_COLUMNS]]


def observed_actuals(target: Target) -> pd.DataFrame:
    """Return the target's own published observations (for example UN EGDI ranks) as actuals."""
    return pd.DataFrame({"cycle_year": [o.year for o in target.observations],
                         "value": [o.value for o in target.observations]}, dtype=float).astype({"cycle_year": int})


def trend_to_goal(years: Sequence[int], values: Sequence[float], goal_year: int, goal_value: float,
                  polarity: int = 1, horizon: int = 10, final: Collection[int] | None = None
                  ) -> tuple[pd.DataFrame, int | None]:
    """Return the least-squares trend line through the actual values and the year it reaches the goal.

    Only the years in `final` (every year when None) are fitted: a provisional cycle's figure, from the few
    agencies counted so far, would pull the line and its forecast. The line (`linear_trend`) is drawn from
    the first fitted year to the later of the goal year, the year it reaches the goal (`year_reaching`) and
    the last fitted year, but no further than `horizon` years past the goal year. Columns: year, value. An
    empty frame and None with fewer than two fitted years.
    """
    kept = [(int(y), float(v)) for y, v in zip(years, values, strict=True) if final is None or int(y) in final]
    years, values = [y for y, _ in kept], [v for _, v in kept]
    fit = linear_trend(years, values) if len(years) >= 2 else None
    if fit is None:
        return pd.DataFrame(columns=["year", "value"]), None
    slope, intercept = fit
    first = int(min(years))
    reaches = year_reaching(goal_value, polarity, slope, intercept, first)
    end = max(goal_year, reaches or 0, int(max(years)))
    xs = list(range(first, min(end, goal_year + horizon) + 1))
    return pd.DataFrame({"year": xs, "value": [slope * x + intercept for x in xs]}), reaches
