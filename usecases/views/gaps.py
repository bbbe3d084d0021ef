"""Gaps and priorities: where closing gaps moves the national figures most."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analytics.actions import national_gains
from analytics.index import method_from_catalogue
from analytics.online_services import online_gains
from survey.catalogue import KpiId, default_catalogue
from usecases.access import Principal
from usecases.views.common import (
    agency_labels,
    dimension_names,
    has_counted,
    indicator_label,
    last_change,
    readable_rows,
    words,
)
from usecases.views.results import results


@dataclass(frozen=True)
class GapsView:
    year: int | None
    has_data: bool
    indicators: pd.DataFrame
    online_agencies: pd.DataFrame
    readiness_agencies: pd.DataFrame
    crosswalk: pd.DataFrame
    last_updated: pd.Timestamp | None



def gaps_view(session: Session, principal: Principal, year: int | None, ministry: str | None,
              agency_type: str | None, lang: str, top: int = 20) -> GapsView:
    """Return where closing gaps moves the national figures most: indicators, agencies, international crosswalk."""
    empty = pd.DataFrame()
    if not has_counted(session, year) or year is None:
        return GapsView(year, False, empty, empty, empty, empty, last_change(session))
    res = results(session, year)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    names = dimension_names(lang, catalogue)
    gains = national_gains(res.scores, method)
    indicators = pd.DataFrame({"indicator": [indicator_label(i, lang, catalogue) for i in gains["indicator_id"]],
                               "dimension": gains["dimension_id"].map(names), "gain": gains["gain"],
                               "mean_score": gains["mean_score"], "effective_weight": 100.0 * gains["effective_weight"],
                               "agencies_below_50": gains["agencies_below_50"]})
    agencies = agency_labels(session, lang)[["agency_id", "agency", "ministry"]]
    online = readable_rows(session, principal, online_gains(res.online_agency), ministry, agency_type).head(top)
    online = online.merge(agencies, on="agency_id", how="left")[["agency_id", "agency", "ministry", "services",
                                                                   "offline", "gain"]]
    ta = res.targets_agency
    ready_cols = ["agency_id", "agency", "ministry", "actual", "milestone", "gap", "status"]
    ready = pd.DataFrame(columns=ready_cols)
    if not ta.empty:
        ready = readable_rows(session, principal, ta[ta["kpi"] == KpiId.READINESS], ministry, agency_type)
        ready = ready.dropna(subset=["gap"]).sort_values("gap").head(top).merge(agencies, on="agency_id", how="left")
        ready = ready.assign(status=words(ready["status"], "status", lang))[ready_cols]
    cw = res.crosswalk
    crosswalk = pd.DataFrame({"framework": cw["framework"].str.upper(), "dimension": words(cw["dimension"], "cw", lang),
                              "indicators": cw["indicators"].map(", ".join), "mean_score": cw["mean_score"],
                              "share_below": cw["share_below"],
                              "weakest_indicator": [indicator_label(i, lang, catalogue) if isinstance(i, str) else "–"
                                                    for i in cw["weakest_indicator"]]})
    return GapsView(year, True, indicators, online.reset_index(drop=True), ready.reset_index(drop=True), crosswalk,
                    last_change(session, year))
