"""Crosswalk to the international indices: which national indicators feed UN EGDI/OSI, GTMI and OECD DGI
dimensions, and where the agencies fall short on them.

The mapping is the catalogue's `crosswalk` on each indicator (frameworks: UN EGDI components OSI, TII,
HCI; World Bank GTMI components CGSI, PSDI, DCEI, GTEI; OECD DGI's six dimensions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.catalogue import Catalogue

SHORT_OF = 50.0
CROSSWALK_COLUMNS = ["framework", "dimension", "indicators", "agencies", "mean_score", "share_below", "weakest_indicator"]


def crosswalk_map(catalogue: Catalogue) -> pd.DataFrame:
    """Return one row per (framework, dimension, indicator) that the catalogue maps, scored indicators only."""
    rows = [{"framework": fw, "dimension": d, "indicator_id": ind.id}
            for ind in catalogue.scored_indicators() for fw, dims in ind.crosswalk.items() for d in dims]
    return pd.DataFrame(rows, columns=["framework", "dimension", "indicator_id"])


def crosswalk_summary(scores: pd.DataFrame, catalogue: Catalogue, threshold: float = SHORT_OF) -> pd.DataFrame:
    """Return, per framework dimension, its national indicators and how the agencies score on them.

    From one cycle's normalised indicator scores s (0-100, `composite_index` rows of kind indicator):
    an agency's dimension score = mean of s over the dimension's indicators it answered;
    mean_score = mean over agencies of that; share_below = 100 x #(agencies with it < threshold) / #agencies;
    weakest_indicator = the dimension's indicator with the lowest mean s. Every framework dimension
    is listed, those fed by no indicator with NaN (a gap in the instrument itself).
    """
    inds = scores[scores["kind"] == "indicator"][["agency_id", "node", "score"]].rename(columns={"node": "indicator_id"})
    inds = inds.dropna(subset=["score"]).drop_duplicates(["agency_id", "indicator_id"])
    # Agencies x indicators, NaN where not answered: each dimension is a few columns of it.
    wide = inds.set_index(["agency_id", "indicator_id"])["score"].astype(float).unstack("indicator_id")
    cmap = crosswalk_map(catalogue)
    rows = []
    for fw, dims in catalogue.frameworks.items():
        for dim in dims:
            ids = cmap[(cmap["framework"] == fw) & (cmap["dimension"] == dim)]["indicator_id"].tolist()
            part = wide[[i for i in ids if i in wide.columns]]
            per_agency = part.mean(axis=1).dropna()  # over the indicators the agency answered
            by_ind = part.mean(axis=0).dropna()
            rows.append({
                "framework": fw, "dimension": dim, "indicators": ids, "agencies": len(per_agency),
                "mean_score": float(per_agency.mean()) if len(per_agency) else np.nan,
                "share_below": 100.0 * float((per_agency < threshold).mean()) if len(per_agency) else np.nan,
                "weakest_indicator": str(by_ind.idxmin()) if len(by_ind) else None,
            })
    return pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)
