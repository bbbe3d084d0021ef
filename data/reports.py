"""Read models for pages: repository reads fed through the pure analytics functions."""

from __future__ import annotations

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
