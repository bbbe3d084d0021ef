"""The Ministries page: ministries ranked by readiness with Monte Carlo rank intervals, and ministry x dimension scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from analytics.index import method_from_catalogue
from analytics.online_services import pooled_ratio
from analytics.uncertainty import group_uncertainty
from survey.catalogue import KpiId, default_catalogue
from usecases.access import Principal
from usecases.views.common import (
    dimension_names,
    has_counted,
    last_change,
    ministry_labels,
    visible_ministries,
    words,
)
from usecases.views.results import PAGE_DRAWS, results


@dataclass(frozen=True)
class MinistriesView:
    year: int | None
    has_data: bool
    table: pd.DataFrame
    heatmap: pd.DataFrame
    stable_pair_share: float
    draws: int
    last_updated: pd.Timestamp | None



def rank_range(low: float, high: float) -> str:
    """Return a rank interval as readers see it: '3' when both ends agree, else '3-7'."""
    lo, hi = round(low), round(high)
    return str(lo) if lo == hi else f"{lo}-{hi}"



def ministries_view(session: Session, principal: Principal, year: int | None, agency_type: str | None,
                    lang: str) -> MinistriesView:
    """Return ministries ranked by mean readiness with Monte Carlo rank intervals, and the ministry x dimension scores.

    Rows are in rank order, and the rank is by the readiness index shown (the mean over the ministry's
    scored agencies, 1 = highest); the interval is where that rank lies in the middle 90 % of the Monte
    Carlo draws. The score intervals are left out: a draw's normalisation (z-score, rank) puts scores
    on another scale than 0-100, so only ranks compare across draws.
    With an agency type chosen, means and intervals cover that type's agencies only.
    """
    empty = pd.DataFrame()
    if not has_counted(session, year) or year is None:
        return MinistriesView(year, False, empty, empty, np.nan, PAGE_DRAWS, last_change(session))
    res = results(session, year)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    dims = list(method.children(method.root))
    agency = res.agency_scores
    if agency_type:
        agency = agency[agency["agency_type"] == agency_type]
    g = agency.groupby("ministry_id")
    table = g.agg(agencies=("agency_id", "nunique"), scored=("missing", lambda m: int((~m).sum())))
    table = table.join(g[[method.root, *dims]].mean()).reset_index()
    online = res.online_agency[res.online_agency["agency_id"].isin(agency["agency_id"])]
    table["online_service_ratio"] = table["ministry_id"].map(pooled_ratio(online, "ministry_id"))
    # All agency types: the pipeline's ministry intervals, the ones the executive workbook shows.
    unc = None if agency_type else res.ministry_uncertainty
    if unc is None:
        unc = group_uncertainty(res.values[res.values["agency_id"].isin(agency["agency_id"])],
                                agency[["agency_id", "ministry_id"]], method, "ministry_id", draws=PAGE_DRAWS)
    u = unc.scores.set_index("ministry_id")
    # The nominal rank orders the ministries by the mean readiness index shown (`group_uncertainty`).
    table["order"] = table["ministry_id"].map(u["rank_nominal"])
    table["rank"] = table["order"].astype(float).round().astype("Int64")  # a number: sorts by value
    table["rank_range"] = [rank_range(lo, hi) if np.isfinite(lo) else "–" for lo, hi in
                           zip(table["ministry_id"].map(u["rank_p05"]).astype(float),
                               table["ministry_id"].map(u["rank_p95"]).astype(float), strict=True)]
    tm = res.targets_ministry
    if not tm.empty and not agency_type:
        ready = tm[tm["kpi"] == KpiId.READINESS].set_index("ministry_id")
        table["gap"] = table["ministry_id"].map(ready["gap"])
        table["status"] = words(table["ministry_id"].map(ready["status"]), "status", lang)
    table["ministry"] = table["ministry_id"].map(ministry_labels(session, lang)).fillna(table["ministry_id"])
    visible = visible_ministries(session, principal)
    if visible is not None:
        table = table[table["ministry_id"].isin(visible)]
    table = table.rename(columns={method.root: "readiness_index"}).sort_values(
        ["order", "readiness_index", "ministry_id"], ascending=[True, False, True], na_position="last")
    cols = ["rank", "rank_range", "ministry", "readiness_index", "online_service_ratio",
            "agencies", "scored", *(c for c in ("gap", "status") if c in table.columns)]
    names = dimension_names(lang, catalogue)
    heat = table.set_index("ministry")[dims].rename(columns=names)
    return MinistriesView(year, True, table[cols].reset_index(drop=True), heat, unc.stable_pair_share, unc.draws,
                          last_change(session, year))
