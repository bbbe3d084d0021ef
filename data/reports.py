"""Read models for pages: repository reads fed through the pure analytics functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analytics.targets import target_path
from analytics.trajectory import national_series
from data import repository
from data.target_edits import effective_targets
from survey.catalogue import default_catalogue
from survey.targets import Target, target_for


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
    national = national_series(repository.frame(session), repository.responses(session),
                               repository.services(session), catalogue.online_level)
    target = target_for(effective_targets(session, catalogue), "KPI.ONLINE_RATIO")
    path = None
    if target is not None:
        base = national.loc[national["cycle_be"] == target.baseline_year, "online_service_ratio"]
        baseline = None if base.empty or pd.isna(base.iloc[0]) else float(base.iloc[0])
        if target.baseline_value is not None or baseline is not None:
            path = target_path(target, baseline)
    resp = repository.responses(session)
    last = None if resp.empty else pd.Timestamp(resp["updated_at"].max())
    return Overview(national, path, target, repository.is_demo(session), last)


def ministry_names(session: Session) -> pd.DataFrame:
    """Return the ministries (ministry_id, name_th, name_en) for a choice of scope."""
    return repository.ministries(session)


def executive_workbook(session: Session, year: int, lang: str, ministry: str | None = None,
                       draws: int = 1000) -> bytes:
    """Return the executive Excel workbook of cycle `year` (B.E.) in `lang`, for the country or one ministry.

    Reads every cycle up to `year` (earlier ones feed changes and the trajectory), computes the
    cycle's results and hands them to `analytics.workbook.build_workbook`. The data date is the
    latest change to a response of the cycle.
    """
    from analytics.pipeline import cycle_results
    from analytics.workbook import build_workbook, late_or_missing

    catalogue = default_catalogue()
    targets = effective_targets(session, catalogue)  # the file, with planners' edits over it
    cycles = repository.cycles(session)
    this = cycles[cycles["year_be"] == year]
    if this.empty:
        raise ValueError(f"no survey cycle {year} B.E. in the database; cycles: {sorted(cycles['year_be'].tolist())}")
    years = [int(y) for y in cycles["year_be"] if y <= year]
    frame, responses = repository.frame(session, years), repository.responses(session, years)
    results = cycle_results(year, frame, responses, repository.services(session, years),
                            repository.answers(session, years), catalogue, targets, draws=draws)
    mine = responses[responses["cycle_year"] == year]
    data_date = (pd.Timestamp(mine["updated_at"].max()).date() if not mine.empty
                 else dt.datetime.now(dt.UTC).date())
    closes_on = this["closes_on"].iloc[0]
    timeliness = late_or_missing(frame, responses, year, data_date, closes_on if pd.notna(closes_on) else None)
    return build_workbook(results, catalogue, targets, lang, ministry=ministry, agencies=repository.agencies(session),
                          ministries=repository.ministries(session), demo=repository.is_demo(session),
                          data_date=data_date, timeliness=timeliness)
