"""National figures per cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.online_services import online_ratios

SERIES_COLUMNS = ["cycle_be", "cycle_ce", "online_service_ratio", "services", "services_online", "agencies_expected",
                  "agencies_responded", "response_rate"]


def national_series(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                    online_level: int = 4, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row of national figures per cycle present in the frame, oldest first.

    The online-service ratio is pooled over the counted services of responding agencies in the frame
    (`online_ratios` at national level; `counts` from `agency_service_counts` replaces `services`);
    response_rate = 100 x agencies responded / agencies expected. Missing figures are NaN, never 0.
    """
    return national_table(online_ratios(frame, responses, services, online_level, "nation", counts=counts))


def national_table(nation: pd.DataFrame) -> pd.DataFrame:
    """Return `national_series` from the national online ratios (`online_ratios` at level "nation", or a cycle's
    results' `online_nation`, which holds them for every cycle up to its own)."""
    if nation.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    expected = nation["agencies_expected"].astype(int)
    return pd.DataFrame({
        "cycle_be": nation["cycle_year"].astype(int), "cycle_ce": nation["cycle_year"].astype(int) - 543,
        "online_service_ratio": nation["online_service_ratio"].astype(float),
        "services": nation["services"].astype(int), "services_online": nation["online"].astype(int),
        "agencies_expected": expected, "agencies_responded": nation["agencies_responded"].astype(int),
        "response_rate": (100.0 * nation["agencies_responded"] / expected.where(expected > 0)).astype(float)
        if len(nation) else np.nan,
    })[SERIES_COLUMNS].reset_index(drop=True)
