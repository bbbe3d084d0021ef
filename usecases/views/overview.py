"""The Overview: national cards against this cycle's milestones, the online-share trajectory, the international picture."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from analytics.targets import observed_actuals, target_path, trend_to_goal
from analytics.trajectory import national_series, national_table
from data import repository
from survey.catalogue import KpiId, default_catalogue
from survey.i18n import t
from survey.targets import Target, target_for
from usecases.target_edits import effective_targets
from usecases.views.common import (
    final_years,
    has_counted,
    last_change,
)
from usecases.views.results import cycle_rows, results


@dataclass(frozen=True)
class Overview:
    national: pd.DataFrame
    path: pd.DataFrame | None
    target: Target | None
    is_demo: bool
    last_updated: pd.Timestamp | None



def overview(session: Session) -> Overview:
    """Return the national figures per cycle and the online-ratio target's path."""
    catalogue = default_catalogue()
    rows = cycle_rows(session, [int(y) for y in repository.cycles(session)["year_be"]], catalogue, per_version=True)
    counts = pd.concat([b.service_counts for b in rows.bases.values()], ignore_index=True)
    national = national_series(rows.frame, rows.responses, rows.services, catalogue.online_level, counts=counts)
    target = target_for(effective_targets(session, catalogue), KpiId.ONLINE_RATIO)
    resp = rows.responses
    last = None if resp.empty else pd.Timestamp(resp["updated_at"].max())
    return Overview(national, online_path(national, target), target, repository.is_demo(session), last)


def online_path(national: pd.DataFrame, target: Target | None) -> pd.DataFrame | None:
    """Return the online-ratio target's path from its baseline (given, else the national figure of its baseline
    year in `national`), None without a target or a baseline."""
    if target is None:
        return None
    base = national.loc[national["cycle_be"] == target.baseline_year, "online_service_ratio"]
    baseline = None if base.empty or pd.isna(base.iloc[0]) else float(base.iloc[0])
    if target.baseline_value is not None or baseline is not None:
        return target_path(target, baseline)
    return None



def ministry_names(session: Session) -> pd.DataFrame:
    """Return the ministries (ministry_id, name_th, name_en) for a choice of scope."""
    return repository.ministries(session)



@dataclass(frozen=True)
class Card:
    """One national figure against this cycle's milestone."""

    kpi: str
    name: str
    #: What the card says above its figure (the KPI's short name, or "standards adoption").
    label: str
    unit: str
    actual: float
    change: float
    milestone: float
    gap: float
    status: str
    basis: str
    required_per_year: float



@dataclass(frozen=True)
class OverviewView:
    year: int | None
    has_data: bool
    cards: tuple[Card, ...]
    #: year, value, final (False for a provisional cycle: drawn apart and left out of the fitted trend).
    actuals: pd.DataFrame
    path: pd.DataFrame
    trend: pd.DataFrame
    goal: tuple[int, float] | None
    reaches_goal: int | None
    target: Target | None
    international: pd.DataFrame
    observations: pd.DataFrame
    national: pd.DataFrame
    last_updated: pd.Timestamp | None
    #: The EGDI rank the targets aim at (the chart's goal line), None without such a target.
    rank_goal: float | None = None
    #: Thailand's published EGDI ranks by year (the rank chart), with their sources.
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)






def overview_view(session: Session, year: int | None, lang: str) -> OverviewView:
    """Return the national cards, the online-share trajectory with path and trend, and the international picture."""
    catalogue = default_catalogue()
    targets = effective_targets(session, catalogue)
    counted = year is not None and has_counted(session, year)
    online_target = target_for(targets, KpiId.ONLINE_RATIO)
    # The cards' results hold the national online ratios of every cycle up to `year`: the series is made from them,
    # not computed again, unless the target's baseline is a later cycle (its path needs that cycle's figure).
    # The cards need headline figures only: no Monte Carlo, flags or peers, so a new submission shows fast.
    res = results(session, year, draws=0, detail=False) if counted and year is not None else None
    if res is not None and (online_target is None or online_target.baseline_year <= res.year):
        national = national_table(res.online_nation)
        base = Overview(national, online_path(national, online_target), online_target, False, None)
    else:
        base = overview(session)
    national = base.national[base.national["cycle_be"] <= year] if year is not None else base.national
    national = national[["cycle_be", "online_service_ratio", "services", "services_online", "agencies_expected",
                         "agencies_responded", "response_rate"]]
    empty = pd.DataFrame()
    intl_rows, obs_rows = [], []
    for kpi in (str(KpiId.EGDI_RANK), str(KpiId.EGDI_SCORE)):
        tg = target_for(targets, kpi)
        if tg is None:
            continue
        obs = observed_actuals(tg)
        last = obs.iloc[-1] if not obs.empty else None
        intl_rows.append({"kpi": kpi, "name": catalogue.kpi(kpi).name.get(lang), "unit": catalogue.kpi(kpi).unit,
                          "latest": np.nan if last is None else float(last["value"]),
                          "latest_year": None if last is None else int(last["cycle_year"]),
                          "goal": tg.goal_value, "goal_year": tg.goal_year, "basis": tg.basis,
                          "source": tg.source.get(lang) if tg.source else None})
        for o in tg.observations:
            obs_rows.append({"kpi": kpi, "year": o.year, "value": o.value, "source": o.source})
    international = pd.DataFrame(intl_rows)
    observations = pd.DataFrame(obs_rows, columns=["kpi", "year", "value", "source"])
    rank_target = target_for(targets, KpiId.EGDI_RANK)
    rank_goal = None if rank_target is None else rank_target.goal_value
    ranks = observations[observations["kpi"] == KpiId.EGDI_RANK].reset_index(drop=True)
    if res is None or year is None:
        return OverviewView(year, False, (), empty, empty, empty, None, None, base.target, international,
                            observations, national, last_change(session), rank_goal, ranks)
    nat = res.national.set_index("figure")
    cards = []
    for headline in catalogue.headline_kpis:
        kpi, figure = headline.id, str(headline.figure)
        row = res.targets[res.targets["kpi"] == kpi] if not res.targets.empty else pd.DataFrame()
        tr = row.iloc[0] if not row.empty else None
        cards.append(Card(kpi, headline.name.get(lang), (headline.short or headline.name).get(lang), headline.unit,
                          float(nat.at[figure, "value"]), float(nat.at[figure, "change"]),  # type: ignore[arg-type]
                          np.nan if tr is None else float(tr["milestone"]), np.nan if tr is None else float(tr["gap"]),
                          "no target" if tr is None else str(tr["status"]), "" if tr is None else str(tr["basis"]),
                          np.nan if tr is None else float(tr["required_per_year"])))
    nat_adopt = res.adoption[res.adoption["kind"] == "standard"]
    cards.append(Card("ADOPTION", t("card_adoption", lang), t("card_adoption", lang), "percent", float(nat_adopt["rate"].mean()) if len(nat_adopt) else np.nan,
                      np.nan, np.nan, np.nan, "no target", "", np.nan))
    actuals = national[["cycle_be", "online_service_ratio"]].rename(
        columns={"cycle_be": "year", "online_service_ratio": "value"}).dropna()
    final = final_years(session)
    actuals = actuals.assign(final=actuals["year"].astype(int).isin(final)).reset_index(drop=True)
    path = base.path if base.path is not None else empty
    trend, reaches, goal = empty, None, None
    tg = base.target
    if tg is not None:
        goal = (tg.goal_year, tg.goal_value)
        trend, reaches = trend_to_goal(actuals["year"].astype(int).tolist(), actuals["value"].tolist(), tg.goal_year,
                                       tg.goal_value, final=final)
        if trend.empty:
            trend = empty
    return OverviewView(year, True, tuple(cards), actuals, path, trend, goal, reaches, tg, international,
                        observations, national, last_change(session), rank_goal, ranks)
