"""Adoption of the gazetted standards, the central platforms and the shared services.

The plan (Digital Government Development Plan B.E. 2566-2570, p.13) names the standards (section
4(2)), the central platforms (Data.go.th, GDX, portals, GIN, DG-LINK, GDCC) and the common services
(Digital ID, e-Payment, e-Signature, ...) that agencies should use; here is who does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.indicators import chosen_options
from survey.catalogue import Catalogue

#: A standard counts as adopted from stage 3 "Adopted" (4 = audited) on.
ADOPTED_STAGE = 3
ADOPTION_COLUMNS = ["cycle_year", "group", "item", "agencies", "adopted", "rate", "not_adopted"]


def _groups(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Return cycle_year, agency_id, group: the agency's `by` value, or "national"."""
    out = frame[["cycle_year", "agency_id"]].copy()
    out["group"] = "national" if by is None else frame[by].astype(str)
    return out


def _summarise(long: pd.DataFrame) -> pd.DataFrame:
    """long: cycle_year, group, item, agency_id, adopted (bool) -> one row per cycle, group and item.

    Counted on integer codes: each key factorised in sorted order, so the rows come out sorted by cycle, group
    and item; the non-adopters of each row sorted by their agency id's text.
    """
    keys = ["cycle_year", "group", "item"]
    if long.empty:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    codes = [pd.factorize(long[k], sort=True) for k in keys]
    known = np.logical_and.reduce([c >= 0 for c, _ in codes])  # a row with a missing key belongs to no group
    if not known.all():
        long, codes = long[known], [(c[known], u) for c, u in codes]
    key = np.zeros(len(long), dtype=np.int64)
    for c, u in codes:
        key = key * len(u) + c
    _, first, row = np.unique(key, return_index=True, return_inverse=True)
    row = row.reshape(-1)
    n = len(first)
    adopted = long["adopted"].to_numpy(dtype=bool)
    out = long[keys].iloc[first].reset_index(drop=True)
    out["agencies"] = np.bincount(row, minlength=n).astype(np.int64)
    out["adopted"] = np.bincount(row[adopted], minlength=n).astype(int)
    out["rate"] = 100.0 * out["adopted"] / out["agencies"].where(out["agencies"] > 0)
    # Who lags, per row of `out`: sort the non-adopters by row and agency once, then cut the list at each row.
    lag = ~adopted
    names, texts = pd.factorize(long.loc[lag, "agency_id"].astype(str).to_numpy(dtype=object), sort=True)
    order = np.lexsort((names, row[lag]))
    listed, rows = np.asarray(texts, dtype=object)[names[order]], row[lag][order]
    cuts = np.searchsorted(rows, np.arange(n + 1))
    out["not_adopted"] = [listed[cuts[i]:cuts[i + 1]].tolist() for i in range(n)]
    return out[ADOPTION_COLUMNS]


def standards_adoption(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue, by: str | None = None,
                       adopted_stage: int = ADOPTED_STAGE) -> pd.DataFrame:
    """Return, per cycle, group and standard (STD.* stage questions), the adoption rate and who lags.

    rate = 100 x #(agencies at stage >= adopted_stage) / #(agencies that answered); agencies that did
    not answer are left out, not counted as not adopting. `by` is a frame column (ministry_id,
    agency_type) or None for the nation. not_adopted lists the answering agencies below the stage.
    """
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std)].dropna(subset=["value"])
    long = v.merge(_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    long = long.assign(item=long["indicator_id"], adopted=long["value"] >= adopted_stage)
    return _summarise(long)


def stage_distribution(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue,
                       by: str | None = None) -> pd.DataFrame:
    """Return, per cycle, group and standard, how many answering agencies are at each stage, and the share (%).

    share = 100 x #(agencies at stage s) / #(agencies that answered the standard).
    Columns: cycle_year, group, item, stage, agencies, share.
    """
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std)].dropna(subset=["value"])
    long = v.merge(_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    stages = [lv.value for lv in catalogue.stages]
    counts = long.assign(stage=long["value"].astype(int)).groupby(
        ["cycle_year", "group", "indicator_id", "stage"]).size().rename("agencies").reset_index()
    keys = long[["cycle_year", "group", "indicator_id"]].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"stage": stages}), how="cross")
    out = grid.merge(counts, on=["cycle_year", "group", "indicator_id", "stage"], how="left").fillna({"agencies": 0})
    out["agencies"] = out["agencies"].astype(int)
    total = out.groupby(["cycle_year", "group", "indicator_id"])["agencies"].transform("sum")
    out["share"] = 100.0 * out["agencies"] / total.where(total > 0)
    return out.rename(columns={"indicator_id": "item"}).sort_values(
        ["cycle_year", "group", "item", "stage"], ignore_index=True)


def option_adoption(answers: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue, indicator_id: str,
                    by: str | None = None) -> pd.DataFrame:
    """Return, per cycle, group and option of a multi-choice question (PLT.01 platforms, SHR.01 shared
    services), the share of answering agencies that use it and the list of those that do not.

    rate = 100 x #(agencies that ticked the option) / #(agencies that answered the question).
    """
    ind = catalogue.indicator(indicator_id)
    if ind.type != "multi_choice":
        raise ValueError(f"{indicator_id} is not a multi-choice question")
    a = answers[(answers["indicator_id"] == indicator_id) & answers["value_text"].notna()]
    a = a.merge(_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    # Answers repeat the same few option lists: parse each distinct text once, then index by its code.
    codes, texts = pd.factorize(a["value_text"])
    options = ind.option_ids()
    chosen = [set(chosen_options(t)) for t in texts]
    ticked = np.array([[o in c for o in options] for c in chosen], dtype=bool).reshape(len(texts), len(options))
    if not options:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    # One row per answer and option, option by option: the answers' columns taken once for every option.
    n = len(a)
    long = a[["cycle_year", "group", "agency_id"]].take(np.tile(np.arange(n), len(options))).reset_index(drop=True)
    long["item"] = pd.Series(np.repeat(np.asarray(options, dtype=object), n), dtype=a["group"].dtype)
    long["adopted"] = ticked[codes].T.reshape(-1)
    return _summarise(long)


def adoption_summary(answers: pd.DataFrame, values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue,
                     by: str | None = None) -> pd.DataFrame:
    """Return standards, platforms (PLT.01) and shared services (SHR.01) adoption in one table, with a `kind` column."""
    parts = [standards_adoption(values, frame, catalogue, by).assign(kind="standard")]
    for iid, kind in (("PLT.01", "platform"), ("SHR.01", "shared_service")):
        try:
            catalogue.indicator(iid)
        except KeyError:
            continue
        parts.append(option_adoption(answers, frame, catalogue, iid, by).assign(kind=kind))
    return pd.concat(parts, ignore_index=True)
