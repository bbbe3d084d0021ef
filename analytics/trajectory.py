"""National figures per cycle."""

from __future__ import annotations

import pandas as pd

from analytics.kpis import national_kpis


def national_series(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                    online_level: int = 4) -> pd.DataFrame:
    """Return one row of national figures per cycle present in the frame, oldest first."""
    years = sorted(int(y) for y in frame["cycle_year"].unique())
    rows = [national_kpis(y, frame, responses, services, online_level) for y in years]
    return pd.DataFrame(rows, columns=["cycle_be", "cycle_ce", "online_service_ratio", "services", "services_online",
                                       "agencies_expected", "agencies_responded", "response_rate"])
