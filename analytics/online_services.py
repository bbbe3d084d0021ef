"""Online-service ratios from the agencies' key-service inventories.

The plan's headline figure (Digital Government Development Plan B.E. 2566-2570, p.13: 72.71 % of
key services fully online in B.E. 2565) is a pooled share: the key services that can be provided
online (digital level >= the catalogue's `online_level`) over the key services meant to go online,
of the agencies whose inventory counts. A service the national register marks as not to be developed
as an e-service (`not_applicable`) is counted as a service but left out of the denominator. An
inventory counts when its response is submitted, or when the register wrote it
(`survey.workflow.inventory_counts`). Agencies without one are missing, never zero.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analytics.codes import grouped, pair_with_frame
from survey.workflow import COUNTED_STATUSES, InventorySource

#: The units the ratios are reported for, with the frame columns that name them.
LEVELS: dict[str, list[str]] = {
    "agency": ["agency_id", "ministry_id", "agency_type"],
    "ministry": ["ministry_id"],
    "agency_type": ["agency_type"],
    "nation": [],
}


def inventory_counted(responses: pd.DataFrame, statuses: Collection[str] = COUNTED_STATUSES) -> pd.Series:
    """Return, per response, whether its service inventory counts: its status does, or the register wrote it."""
    counted = responses["status"].isin(list(statuses))
    if "inventory_source" in responses.columns:
        counted |= responses["inventory_source"].eq(InventorySource.REGISTER.value).fillna(False).astype(bool)
    return counted


def counted_services(services: pd.DataFrame, responses: pd.DataFrame,
                     statuses: Collection[str] = COUNTED_STATUSES) -> pd.DataFrame:
    """Return the services whose inventory counts (`inventory_counted`: submitted or approved, or the register's)."""
    keep = responses.loc[inventory_counted(responses, statuses), ["response_id"]]
    return services.merge(keep, on="response_id", how="inner")


def not_applicable(services: pd.DataFrame) -> pd.Series:
    """Return, per service, whether it is not meant to go online (False when the column is absent)."""
    if "not_applicable" not in services.columns:
        return pd.Series(False, index=services.index)
    return services["not_applicable"].fillna(False).astype(bool)


def online_ratio(services: pd.DataFrame, online_level: int = 4, by: list[str] | None = None) -> pd.DataFrame:
    """Return the share of key services online, in percent, overall or per group.

    ratio = 100 x #(applicable services with digital_level >= online_level) / #(applicable services),
    applicable = not marked not_applicable; a group without applicable services gets no ratio (NaN).
    Columns: the `by` columns, `services` (all), `not_applicable`, `online`, `online_service_ratio`.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    na = not_applicable(services)
    frame = services.assign(_online=((services["digital_level"] >= online_level) & ~na).astype(int),
                            _na=na.astype(int))
    if by:
        grouped = frame.groupby(by, observed=True).agg(services=("_online", "size"), not_applicable=("_na", "sum"),
                                                       online=("_online", "sum"))
        out = grouped.reset_index()
    else:
        out = pd.DataFrame({"services": [len(frame)], "not_applicable": [int(frame["_na"].sum())],
                            "online": [int(frame["_online"].sum())]})
    applicable = out["services"] - out["not_applicable"]
    out["online_service_ratio"] = (100.0 * out["online"] / applicable.where(applicable > 0)).astype(float)
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
COUNT_COLUMNS = ["cycle_year", "agency_id", "services", "not_applicable", "online", "volume", "volume_online"]


def agency_service_counts(responses: pd.DataFrame, services: pd.DataFrame, online_level: int = 4) -> pd.DataFrame:
    """Return, per cycle and agency with a counted inventory, the sums every online ratio is pooled from.

    services = #(key services), not_applicable = #(those not meant to go online), online =
    #(applicable with digital_level >= online_level), volume = sum(annual_volume of the applicable ones)
    (missing volume counts 0), volume_online = sum(annual_volume of the online ones). Agencies whose
    counted inventory lists no service have no row. Ratios of any unit are sums of these over its agencies.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    sv = counted_services(services, responses)
    na = not_applicable(sv)
    online = (sv["digital_level"] >= online_level) & ~na
    vol = sv["annual_volume"].fillna(0).astype(float).where(~na, 0.0)
    parts = pd.DataFrame({"cycle_year": sv["cycle_year"], "agency_id": sv["agency_id"], "services": 1,
                          "not_applicable": na.astype(int), "online": online.astype(int), "volume": vol,
                          "volume_online": vol.where(online, 0.0)})
    out = parts.groupby(["cycle_year", "agency_id"], observed=True, sort=True).sum().reset_index()
    return out[COUNT_COLUMNS]


def online_ratios(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame, online_level: int = 4,
                  level: str = "agency", counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the share of key services online, by count and by volume, per cycle and unit.

    online_service_ratio = 100 x #(applicable, digital_level >= online_level) / #(applicable services)
    volume_online_ratio  = 100 x sum(annual_volume of those) / sum(annual_volume of the applicable)
    applicable = not marked not_applicable by the register, pooled over the counted inventories of the
    unit's agencies (the plan's 72.71 % for B.E. 2565 is this figure for the nation). An agency in the
    frame without a counted inventory, or a unit with none, gets NaN and `missing` = True, never 0; a
    unit whose services are all not applicable gets NaN with `missing` = False. `counts` (from
    `agency_service_counts`, computed once for every level) replaces reading `services`.
    Columns: cycle_year, the unit columns, agencies_expected, agencies_responded (submitted responses),
    services, not_applicable, online, volume, volume_online, online_service_ratio, volume_online_ratio, missing.
    """
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    if counts is None:
        counts = agency_service_counts(responses, services, online_level)
    return online_ratio_levels(frame, responses, counts, (level,))[level]


def online_ratio_levels(frame: pd.DataFrame, responses: pd.DataFrame, counts: pd.DataFrame,
                        levels: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Return `online_ratios` at each of `levels` from one set of per-agency `counts`, joining the frame once.

    The frame's keys are coded once for every level (`_coded`: cycles, agency ids, ministries and types as
    integer codes in sorted order) and each level counted on them; the sums of a unit are still pandas' (its
    compensated float sum, in the counts' order), so every figure is the one the merges and groupbys on the
    text keys gave. Frames those codes cannot stand for (a repeated cycle and agency, keys typed otherwise)
    take the merges.
    """
    for level in levels:
        _unit_columns(level)
    coded = _coded(frame, responses, counts)
    if coded is not None:
        return {level: _ratios_coded(coded, level) for level in levels}
    expected = _expected(frame, responses)
    info = frame[["cycle_year", "agency_id", "ministry_id", "agency_type"]]
    framed = counts.merge(info, on=["cycle_year", "agency_id"], how="inner")
    return {level: _ratios_at(expected, framed, level) for level in levels}


_SUMS = ["services", "not_applicable", "online", "volume", "volume_online"]


class _Coded(NamedTuple):
    """The frame's keys as integer codes, shared by every level of `online_ratio_levels`."""

    codes: dict[str, np.ndarray]  # per frame row and key column: its code in `uniques` (sorted; -1 missing)
    uniques: dict[str, Any]
    responded: np.ndarray  # per frame row: a counted response of that cycle and agency
    rows: np.ndarray  # per counts row in the frame (in the counts' order): its frame row
    sums: pd.DataFrame  # those counts rows' sums (_SUMS)


def _coded(frame: pd.DataFrame, responses: pd.DataFrame, counts: pd.DataFrame) -> _Coded | None:
    """Return the frame coded for `_ratios_coded`, or None when only the merges can say: the frame repeats a
    cycle and agency or misses an agency id, the cycles are not integers or the ids not texts typed alike in the
    three tables, the counts are not typed as `agency_service_counts` makes them (or carry unit columns), or a
    table of every cycle and agency would not be small."""
    counted = responses.loc[responses["status"].isin(list(COUNTED_STATUSES)), ["cycle_year", "agency_id"]]
    if "ministry_id" in counts.columns or "agency_type" in counts.columns:
        return None
    if "not_applicable" not in counts.columns:
        counts = counts.assign(not_applicable=0)
    if not all(counts[c].dtype == np.int64 for c in _SUMS[:3]) or not all(
            counts[c].dtype == np.float64 for c in _SUMS[3:]):
        return None
    pairs = pair_with_frame(frame, counted, counts)
    if pairs is None:
        return None
    of_counted, rows = pairs.rows
    responded = np.zeros(len(frame), dtype=bool)
    responded[of_counted[of_counted >= 0]] = True
    hit = rows >= 0
    codes = {"cycle_year": pairs.cycle, "agency_id": pairs.agency}
    uniques: dict[str, Any] = {"cycle_year": pairs.cycles, "agency_id": pairs.names}
    for column in ("ministry_id", "agency_type"):
        codes[column], uniques[column] = pd.factorize(frame[column], sort=True)
    return _Coded(codes, uniques, responded, rows[hit], counts.loc[hit, _SUMS])


def _ratios_coded(coded: _Coded, level: str) -> pd.DataFrame:
    """`_ratios_at` on the codes: one row per unit of the frame with every key known, sorted by the keys."""
    keys = ["cycle_year", *_unit_columns(level)]
    codes, uniques = [coded.codes[k] for k in keys], [coded.uniques[k] for k in keys]
    sizes = [len(u) for u in uniques]
    known = np.logical_and.reduce([c >= 0 for c in codes])
    parts, inverse = grouped([c[known] for c in codes], sizes)
    n = len(parts[0])
    unit = np.full(len(known), -1, dtype=np.int64)
    unit[known] = inverse
    out: dict[str, Any] = {k: u.take(c) for k, u, c in zip(keys, uniques, parts, strict=True)}
    # (cycle, agency) pairs are distinct in the frame, so a unit's rows are distinct agencies.
    out["agencies_expected"] = np.bincount(inverse, minlength=n).astype(np.int64)
    out["agencies_responded"] = np.bincount(inverse, weights=coded.responded[known], minlength=n).astype(int)
    of = unit[coded.rows]
    mine = of >= 0
    summed = coded.sums[mine].groupby(of[mine]).sum()
    at = summed.index.to_numpy()
    for column in _SUMS:
        total = np.zeros(n, dtype=np.int64 if column in _SUMS[:3] else np.float64)
        total[at] = summed[column].to_numpy()
        out[column] = total
    services, online, volume = out["services"], out["online"], out["volume"]
    has = services > 0
    applicable = services - out["not_applicable"]
    out["online_service_ratio"] = 100.0 * online / np.where(has & (applicable > 0), applicable, np.nan)
    out["volume_online_ratio"] = 100.0 * out["volume_online"] / np.where(has & (volume > 0), volume, np.nan)
    out["missing"] = ~has
    return pd.DataFrame(out)


def _ratios_at(expected: pd.DataFrame, framed: pd.DataFrame, level: str) -> pd.DataFrame:
    keys = ["cycle_year", *_unit_columns(level)]
    if "not_applicable" not in framed.columns:
        framed = framed.assign(not_applicable=0)
    agg = framed.groupby(keys, observed=True)[_SUMS].sum().reset_index()
    units = expected.groupby(keys, observed=True).agg(agencies_expected=("agency_id", "nunique"),
                                                      agencies_responded=("responded", "sum")).reset_index()
    out = units.merge(agg, on=keys, how="left")
    out = out.fillna({"services": 0, "not_applicable": 0, "online": 0, "volume": 0.0, "volume_online": 0.0})
    out = out.astype({"services": int, "not_applicable": int, "online": int, "agencies_responded": int})
    # A counted inventory with services: a submitted response's, or the register's (counted without submission).
    has = out["services"] > 0
    applicable = out["services"] - out["not_applicable"]
    out["online_service_ratio"] = (100.0 * out["online"] / applicable.where(has & (applicable > 0))).astype(float)
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

    gain_a = (applicable_a - online_a) / sum over agencies of applicable x 100, applicable = services not
    marked not applicable (the national share is pooled over them, so an agency's weight is its number of
    applicable key services). Largest first.
    Columns: agency_id, ministry_id, agency_type, services, online, offline, gain.
    """
    counted = online_agency[~online_agency["missing"].astype(bool)]
    na = counted["not_applicable"] if "not_applicable" in counted.columns else 0
    total = float((counted["services"] - na).sum())
    out = counted[["agency_id", "ministry_id", "agency_type", "services", "online"]].copy()
    out["offline"] = out["services"] - na - out["online"]
    out["gain"] = 100.0 * out["offline"] / total if total else float("nan")
    return out.sort_values(["gain", "agency_id"], ascending=[False, True], ignore_index=True)


#: The units `service_table` reports for, and the frame column naming each.
SERVICE_UNITS = {"national": None, "ministry": "ministry_id", "agency": "agency_id"}


def status_order(codes: Sequence[str]) -> list[str]:
    """Return register status codes in their natural order: by number when every code is one, else as text."""
    codes = sorted({str(c) for c in codes})
    return sorted(codes, key=int) if all(c.isdigit() for c in codes) else codes


def service_table(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame, by: str = "national",
                  online_level: int = 4) -> pd.DataFrame:
    """Return the key-service figures of one cycle per unit, with the count of each register status.

    Over the counted inventories (`counted_services`) of the frame's agencies, per unit:
    n_services, n_not_applicable (the register says it will not become an e-service), n_online
    (applicable, digital_level >= online_level), online_share = 100 x n_online / n_services and
    online_share_applicable = 100 x n_online / (n_services - n_not_applicable): the national figure
    the plan reports (72.71 % in B.E. 2565); NaN where the denominator is 0 (every service of the unit
    not applicable). Then n_status_<CODE> per register status present (services without one are in
    no status column). Units without a counted inventory have no row (missing, never 0).
    Columns: unit, n_services, n_not_applicable, n_online, online_share, online_share_applicable, n_status_*.
    """
    if by not in SERVICE_UNITS:
        raise ValueError(f"unknown unit {by!r}; use one of {', '.join(SERVICE_UNITS)}")
    if online_level < 0:
        raise ValueError("online_level must be >= 0")
    sv = _framed_services(frame, responses, services)
    column = SERVICE_UNITS[by]
    unit = sv[column].astype(str) if column else pd.Series("national", index=sv.index, dtype=object)
    na = not_applicable(sv)
    parts = pd.DataFrame({"unit": unit, "n_services": 1, "n_not_applicable": na.astype(int),
                          "n_online": ((sv["digital_level"] >= online_level) & ~na).astype(int)})
    status = sv["register_status"] if "register_status" in sv.columns else pd.Series(None, index=sv.index)
    codes = status_order(status.dropna().astype(str).tolist())
    for code in codes:
        parts[f"n_status_{code}"] = status.astype(str).eq(code).astype(int).where(status.notna(), 0)
    out = parts.groupby("unit", sort=True).sum().reset_index()
    applicable = out["n_services"] - out["n_not_applicable"]
    out.insert(4, "online_share", (100.0 * out["n_online"] / out["n_services"].where(out["n_services"] > 0)
                                   ).astype(float))
    out.insert(5, "online_share_applicable", (100.0 * out["n_online"] / applicable.where(applicable > 0)).astype(float))
    return out


def pooled_ratio(online_agency: pd.DataFrame, by: str) -> pd.Series:
    """Return per group the share of key services online (%), pooled over the group's applicable services.

    ratio = 100 x sum(online) / sum(services - not_applicable) over the group's agencies (not the mean
    of their ratios: an agency with 40 services weighs four times one with 10); NaN for a group with no
    applicable services.
    """
    cols = ["services", "online"] + (["not_applicable"] if "not_applicable" in online_agency.columns else [])
    sums = online_agency.groupby(by)[cols].sum()
    applicable = sums["services"] - (sums["not_applicable"] if "not_applicable" in sums.columns else 0)
    return 100.0 * sums["online"] / applicable.where(applicable > 0)
