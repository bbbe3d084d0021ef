"""National headline figures for a cycle."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.online_services import counted_services, online_ratio
from survey.workflow import COUNTED_STATUSES


def national_kpis(year_be: int, frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                  online_level: int = 4) -> dict[str, Any]:
    """Return the national figures of one cycle: online-service ratio, expected and responding agencies.

    online_service_ratio = 100 x online / (services - services_not_applicable) (`online_ratio`).

    An agency has responded when its response counts (submitted, approved or locked); agencies
    that did not respond are missing from the ratio, not counted as zero.
    """
    fr = frame[frame["cycle_year"] == year_be]
    rs = responses[(responses["cycle_year"] == year_be) & responses["agency_id"].isin(fr["agency_id"])]
    counted = rs[rs["status"].isin(list(COUNTED_STATUSES))]
    # Services of submitted responses and of inventories the national register wrote (counted without submission).
    sv = counted_services(services[services["cycle_year"] == year_be], rs)
    ratio = online_ratio(sv, online_level).iloc[0]
    expected = int(fr["agency_id"].nunique())
    responded = int(counted["agency_id"].nunique())
    return {
        "cycle_be": int(year_be),
        "cycle_ce": int(year_be) - 543,
        "online_service_ratio": None if pd.isna(ratio["online_service_ratio"]) else float(ratio["online_service_ratio"]),
        "services": int(ratio["services"]),
        "services_online": int(ratio["online"]),
        "services_not_applicable": int(ratio["not_applicable"]),
        "agencies_expected": expected,
        "agencies_responded": responded,
        "response_rate": 100.0 * responded / expected if expected else None,
    }
