"""Online-service ratios from the agencies' key-service inventories.

The plan's headline figure (Digital Government Development Plan B.E. 2566-2570, p.13: 72.71 % of
key services fully online in B.E. 2565) is a pooled share: fully online services over all key
services of the agencies that responded. Agencies that did not respond are missing, never zero.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd

from survey.workflow import COUNTED_STATUSES

#: The units the ratios are reported for, with the frame columns that name them.
LEVELS: dict[str, list[str]] = {
    "agency": ["agency_id", "ministry_id", "agency_type"],
    "ministry": ["ministry_id"],
    "agency_type": ["agency_type"],
    "nation": [],
}


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


def _expected(frame: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with a `responded` flag: the agency has a counted response in that cycle."""
    counted = responses[responses["status"].isin(list(COUNTED_STATUSES))][["cycle_year", "agency_id"]]
    counted = counted.drop_duplicates().assign(responded=True)
    out = frame.merge(counted, on=["cycle_year", "agency_id"], how="left")
    out["responded"] = out["responded"].astype("boolean").fillna(False).astype(bool)
    return out


def digital_level_shares(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                         level: str = "nation", levels: Sequence[int] = (0, 1, 2, 3, 4)) -> pd.DataFrame:
    """Return the share of key services at each digital level, by count and by yearly volume, in percent.

    share = 100 x #(services at level L) / #(services); volume_share = 100 x sum(volume at L) / sum(volume),
    over the counted services of responding agencies in the frame, per cycle and `level` unit.
    Columns: cycle_year, the unit columns, digital_level, services, share, volume, volume_share.
    """
    keys = ["cycle_year", *_unit_columns(level)]
    sv = _framed_services(frame, responses, services)
    counts = sv.groupby([*keys, "digital_level"], observed=True).agg(
        services=("digital_level", "size"), volume=("annual_volume", "sum")).reset_index()
    units = sv[keys].drop_duplicates()
    grid = units.merge(pd.DataFrame({"digital_level": list(levels)}), how="cross")
    out = grid.merge(counts, on=[*keys, "digital_level"], how="left").fillna({"services": 0, "volume": 0})
    totals = out.groupby(keys, observed=True)[["services", "volume"]].transform("sum")
    out["share"] = 100.0 * out["services"] / totals["services"].where(totals["services"] > 0)
    out["volume_share"] = 100.0 * out["volume"] / totals["volume"].where(totals["volume"] > 0)
    out = out.astype({"services": int, "volume": float})
    return out.sort_values([*keys, "digital_level"], ignore_index=True)


def _unit_columns(level: str) -> list[str]:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    return LEVELS[level]


def _framed_services(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Return the counted services of agencies in the frame, with the agency's ministry and type."""
    sv = counted_services(services, responses)
    info = frame[["cycle_year", "agency_id", "ministry_id", "agency_type"]]
    return sv.drop(columns=[c for c in ("ministry_id", "agency_type") if c in sv.columns]).merge(
        info, on=["cycle_year", "agency_id"], how="inner")


#: Columns of `agency_service_counts`.
COUNT_COLUMNS = ["cycle_year", "agency_id", "services", "online", "volume", "volume_online"]


def agency_service_counts(responses: pd.DataFrame, services: pd.DataFrame, online_level: int = 4) -> pd.DataFrame:
    """Return, per cycle and agency with a counted response, the sums every online ratio is pooled from.

    services = #(key services), online = #(digital_level >= online_level), volume = sum(annual_volume)
    (missing volume counts 0), volume_online = sum(annual_volume of the online ones). Agencies whose
    counted response lists no service have no row. Ratios of any unit are sums of these over its agencies.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    sv = counted_services(services, responses)
    online = sv["digital_level"] >= online_level
    vol = sv["annual_volume"].fillna(0).astype(float)
    parts = pd.DataFrame({"cycle_year": sv["cycle_year"], "agency_id": sv["agency_id"], "services": 1,
                          "online": online.astype(int), "volume": vol, "volume_online": vol.where(online, 0.0)})
    out = parts.groupby(["cycle_year", "agency_id"], observed=True, sort=True).sum().reset_index()
    return out[COUNT_COLUMNS]


def online_ratios(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame, online_level: int = 4,
                  level: str = "agency", counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the share of key services fully online, by count and by volume, per cycle and unit.

    online_service_ratio = 100 x #(digital_level >= online_level) / #(services)
    volume_online_ratio  = 100 x sum(annual_volume of those) / sum(annual_volume)
    pooled over the counted services of the unit's responding agencies (the plan's 72.71 % for
    B.E. 2565 is this figure for the nation). An agency in the frame without a counted response,
    or a unit with none, gets NaN and `missing` = True, never 0. `counts` (from
    `agency_service_counts`, computed once for every level) replaces reading `services`.
    Columns: cycle_year, the unit columns, agencies_expected, agencies_responded, services, online,
    volume, volume_online, online_service_ratio, volume_online_ratio, missing.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    if counts is None:
        counts = agency_service_counts(responses, services, online_level)
    return online_ratio_levels(frame, responses, counts, (level,))[level]


def online_ratio_levels(frame: pd.DataFrame, responses: pd.DataFrame, counts: pd.DataFrame,
                        levels: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Return `online_ratios` at each of `levels` from one set of per-agency `counts`, joining the frame once."""
    for level in levels:
        _unit_columns(level)
    expected = _expected(frame, responses)
    info = frame[["cycle_year", "agency_id", "ministry_id", "agency_type"]]
    framed = counts.merge(info, on=["cycle_year", "agency_id"], how="inner")
    return {level: _ratios_at(expected, framed, level) for level in levels}


def _ratios_at(expected: pd.DataFrame, framed: pd.DataFrame, level: str) -> pd.DataFrame:
    keys = ["cycle_year", *_unit_columns(level)]
    agg = framed.groupby(keys, observed=True)[["services", "online", "volume", "volume_online"]].sum().reset_index()
    units = expected.groupby(keys, observed=True).agg(agencies_expected=("agency_id", "nunique"),
                                                      agencies_responded=("responded", "sum")).reset_index()
    out = units.merge(agg, on=keys, how="left")
    out = out.fillna({"services": 0, "online": 0, "volume": 0.0, "volume_online": 0.0})
    out = out.astype({"services": int, "online": int, "agencies_responded": int})
    has = (out["agencies_responded"] > 0) & (out["services"] > 0)
    out["online_service_ratio"] = (100.0 * out["online"] / out["services"].where(has)).astype(float)
    out["volume_online_ratio"] = (100.0 * out["volume_online"] / out["volume"].where(has & (out["volume"] > 0))
                                  ).astype(float)
    out["missing"] = ~has
    return out.sort_values(keys, ignore_index=True)


def year_on_year(table: pd.DataFrame, columns: Sequence[str], keys: Sequence[str] = ()) -> pd.DataFrame:
    """Return `table` with `<column>_change`: value minus the unit's value in the previous cycle present.

    change_t = x_t - x_(t-1) in the column's own unit (percentage points for ratios), where t-1 is
    the cycle before t among the table's cycles; NaN when either value is missing or the unit was
    absent that cycle.
    """
    cycles = sorted(table["cycle_year"].unique())
    previous = dict(zip(cycles[1:], cycles[:-1], strict=False))
    prev = table[["cycle_year", *keys, *columns]].copy()
    next_of = {p: c for c, p in previous.items()}
    prev["cycle_year"] = prev["cycle_year"].map(next_of)
    prev = prev.dropna(subset=["cycle_year"]).astype({"cycle_year": table["cycle_year"].dtype})
    prev = prev.rename(columns={c: f"_prev_{c}" for c in columns})
    out = table.merge(prev, on=["cycle_year", *keys], how="left")
    for c in columns:
        out[f"{c}_change"] = out[c].astype(float) - out[f"_prev_{c}"].astype(float)
    return out.drop(columns=[f"_prev_{c}" for c in columns])


def online_gains(online_agency: pd.DataFrame) -> pd.DataFrame:
    """Return how many points each agency would add to the national online share by bringing all its key services online.

    gain_a = (services_a - online_a) / sum over agencies of services x 100 (the national share is
    pooled over services, so an agency's weight is its number of key services). Largest first.
    Columns: agency_id, ministry_id, agency_type, services, online, offline, gain.
    """
    counted = online_agency[~online_agency["missing"].astype(bool)]
    total = float(counted["services"].sum())
    out = counted[["agency_id", "ministry_id", "agency_type", "services", "online"]].copy()
    out["offline"] = out["services"] - out["online"]
    out["gain"] = 100.0 * out["offline"] / total if total else float("nan")
    return out.sort_values(["gain", "agency_id"], ascending=[False, True], ignore_index=True)


def pooled_ratio(online_agency: pd.DataFrame, by: str) -> pd.Series:
    """Return per group the share of key services online (%), pooled over the group's services.

    ratio = 100 x sum(online) / sum(services) over the group's agencies (not the mean of their ratios:
    an agency with 40 services weighs four times one with 10); NaN for a group with no services.
    """
    sums = online_agency.groupby(by)[["services", "online"]].sum()
    return 100.0 * sums["online"] / sums["services"].where(sums["services"] > 0)
