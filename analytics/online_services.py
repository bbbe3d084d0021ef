"""Online-service ratios from the agencies' key-service inventories."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from survey.workflow import COUNTED_STATUSES


def counted_services(services: pd.DataFrame, responses: pd.DataFrame,
                     statuses: Collection[str] = COUNTED_STATUSES) -> pd.DataFrame:
    """Return the services of responses whose status counts in the figures (submitted or approved)."""
    keep = responses.loc[responses["status"].isin(list(statuses)), ["response_id"]]
    return services.merge(keep, on="response_id", how="inner")


def online_ratio(services: pd.DataFrame, online_level: int = 4, by: list[str] | None = None) -> pd.DataFrame:
    """Return the share of key services fully online, in percent, overall or per group.

    ratio = 100 x (services with digital_level >= online_level) / (all services); a group with
    no services gets no ratio (NaN), never zero.
    Columns: the `by` columns, `services`, `online`, `online_service_ratio`.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    frame = services.assign(_online=(services["digital_level"] >= online_level).astype(int))
    if by:
        grouped = frame.groupby(by, observed=True).agg(services=("_online", "size"), online=("_online", "sum"))
        out = grouped.reset_index()
    else:
        out = pd.DataFrame({"services": [len(frame)], "online": [int(frame["_online"].sum())]})
    out["online_service_ratio"] = (100.0 * out["online"] / out["services"]).where(out["services"] > 0)
    return out
