"""Adoption of the gazetted standards, the central platforms and the shared services.

The plan (Digital Government Development Plan B.E. 2566-2570, p.13) names the standards (section
4(2)), the central platforms (Data.go.th, GDX, portals, GIN, DG-LINK, GDCC) and the common services
(Digital ID, e-Payment, e-Signature, ...) that agencies should use; here is who does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analytics.codes import grouped, pair_with_frame
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


def _count(codes: list[np.ndarray], uniques: list[Any], adopted: np.ndarray, agency: np.ndarray,
           names: np.ndarray) -> pd.DataFrame:
    """Return one row per cycle, group and item present, sorted by them (ADOPTION_COLUMNS), from integer codes.

    codes: per row, the code of its cycle, group and item in `uniques` (each factorised in sorted order; -1 is
    missing: the row belongs to no group); adopted: per row, bool; agency: per row, the code of its agency id's
    text in `names` (sorted), so each row's non-adopters come out sorted by that text.
    """
    if len(adopted) == 0:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    known = np.logical_and.reduce([c >= 0 for c in codes])
    if not known.all():
        codes, adopted, agency = [c[known] for c in codes], adopted[known], agency[known]
    parts, row = grouped(codes, [len(u) for u in uniques])
    n = len(parts[0])
    agencies = np.bincount(row, minlength=n).astype(np.int64)
    count = np.bincount(row[adopted], minlength=n).astype(int)
    # Who lags, per row: one sort of (row, agency) pairs as integers, then the list cut at each row.
    lag = ~adopted
    width = max(len(names), 1)
    rows, who = np.divmod(np.sort(row[lag] * width + agency[lag]), width)
    listed = names[who]
    cuts = np.searchsorted(rows, np.arange(n + 1))
    lists = np.empty(n, dtype=object)
    for i in range(n):
        lists[i] = listed[cuts[i]:cuts[i + 1]].tolist()
    columns = {k: u.take(c) for k, u, c in zip(ADOPTION_COLUMNS, uniques, parts, strict=False)}
    return pd.DataFrame({**columns, "agencies": agencies, "adopted": count,
                         "rate": 100.0 * count / np.where(agencies > 0, agencies, np.nan),
                         "not_adopted": lists if n else np.empty(0)},  # no row: an empty column, float as it was
                        columns=ADOPTION_COLUMNS)


def _summarise(long: pd.DataFrame) -> pd.DataFrame:
    """long: cycle_year, group, item, agency_id, adopted (bool) -> one row per cycle, group and item.

    Counted on integer codes (`_count`): each key factorised in sorted order, so the rows come out sorted by
    cycle, group and item; the non-adopters of each row sorted by their agency id's text.
    """
    if long.empty:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    codes = [pd.factorize(long[k], sort=True) for k in ("cycle_year", "group", "item")]
    agency, names = pd.factorize(long["agency_id"].astype(str).to_numpy(dtype=object), sort=True,
                                 use_na_sentinel=False)
    return _count([c for c, _ in codes], [u for _, u in codes], long["adopted"].to_numpy(dtype=bool), agency,
                  np.asarray(names, dtype=object))


class _Keys(NamedTuple):
    """The frame and its groups coded once for every part of a summary."""

    frame: pd.DataFrame
    by: str | None
    groups: np.ndarray  # per frame row, the code of its group in `group_names` (sorted; -1 missing)
    group_names: pd.Index
    group_dtype: Any


def _keys(frame: pd.DataFrame, by: str | None) -> _Keys:
    group = _groups(frame, by)["group"]
    codes, names = pd.factorize(group, sort=True)
    return _Keys(frame, by, codes, names, group.dtype)


def _in_frame(left: pd.DataFrame, keys: _Keys) -> tuple[np.ndarray, ...] | None:
    """Pair each row of `left` with the frame's row of its cycle and agency, as the inner merge on them does.

    Return hit (per left row: in the frame), then per row hit: its cycle's code in cycles (sorted), its group's
    code, its agency id's code in names (sorted text, as an object array); and cycles. None where only the
    merge can say: the frame repeats a pair, or the keys are not integer cycles and text ids typed alike (or
    so many cycles and agencies that a table of every pair would not be small).
    """
    pairs = pair_with_frame(keys.frame, left)
    if pairs is None:
        return None
    pos = pairs.rows[0]
    hit = pos >= 0
    rows = pos[hit]
    return hit, pairs.cycle[rows], keys.groups[rows], pairs.agency[rows], np.asarray(pairs.names, dtype=object), \
        pairs.cycles


def standards_adoption(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue, by: str | None = None,
                       adopted_stage: int = ADOPTED_STAGE) -> pd.DataFrame:
    """Return, per cycle, group and standard (STD.* stage questions), the adoption rate and who lags.

    rate = 100 x #(agencies at stage >= adopted_stage) / #(agencies that answered); agencies that did
    not answer are left out, not counted as not adopting. `by` is a frame column (ministry_id,
    agency_type) or None for the nation. not_adopted lists the answering agencies below the stage.
    """
    return _standards(values, _keys(frame, by), catalogue, adopted_stage)


def _standards(values: pd.DataFrame, keys: _Keys, catalogue: Catalogue, adopted_stage: int) -> pd.DataFrame:
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std) & values["value"].notna()]  # one take of the rows, not two
    joined = _in_frame(v, keys)
    if joined is None:
        long = v.merge(_groups(keys.frame, keys.by), on=["cycle_year", "agency_id"], how="inner")
        return _summarise(long.assign(item=long["indicator_id"], adopted=long["value"] >= adopted_stage))
    hit, cycle, group, agency, names, cycles = joined
    item, items = pd.factorize(v["indicator_id"], sort=True)
    adopted = (v["value"] >= adopted_stage).to_numpy(dtype=bool)[hit]
    return _count([cycle, group, item[hit]], [cycles, keys.group_names, items], adopted, agency, names)


def stage_distribution(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue,
                       by: str | None = None) -> pd.DataFrame:
    """Return, per cycle, group and standard, how many answering agencies are at each stage, and the share (%).

    share = 100 x #(agencies at stage s) / #(agencies that answered the standard).
    Columns: cycle_year, group, item, stage, agencies, share. Counted on integer codes (`_in_frame`): every
    stage of the catalogue listed for each cycle, group and standard answered, the denominator summed over them.
    """
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std) & values["value"].notna()]  # one take of the rows, not two
    stages = [lv.value for lv in catalogue.stages]
    keys = _keys(frame, by)
    joined = _in_frame(v, keys) if stages else None
    value = v["value"].to_numpy()
    if joined is None or not np.isfinite(value).all() or (joined[2] < 0).any():
        return _stage_distribution_merged(v, frame, stages, by)
    hit, cycle, group, _, _, cycles = joined
    item, items = pd.factorize(v["indicator_id"], sort=True)
    (cycle_of, group_of, item_of), row = grouped([cycle, group, item[hit]],
                                                 [len(cycles), len(keys.group_names), len(items)])
    # The catalogue's stages in the order the table is sorted in; each value's stage among the distinct ones.
    listed = np.sort(np.asarray(stages, dtype=np.int64))
    distinct, column = np.unique(listed, return_inverse=True)
    stage = value[hit].astype(np.int64)
    at = np.minimum(np.searchsorted(distinct, stage), len(distinct) - 1)
    ok = distinct[at] == stage
    n, width = len(cycle_of), len(distinct)
    agencies = np.bincount(row[ok] * width + at[ok], minlength=n * width).reshape(n, width)[:, column]
    total = agencies.sum(axis=1)
    share = 100.0 * agencies / np.where(total > 0, total, np.nan)[:, None]
    k = len(listed)
    return pd.DataFrame({"cycle_year": cycles.take(np.repeat(cycle_of, k)),
                         "group": keys.group_names.take(np.repeat(group_of, k)),
                         "item": items.take(np.repeat(item_of, k)), "stage": np.tile(listed, n),
                         "agencies": agencies.reshape(-1).astype(int), "share": share.reshape(-1)})


def _stage_distribution_merged(v: pd.DataFrame, frame: pd.DataFrame, stages: list[int], by: str | None
                               ) -> pd.DataFrame:
    """`stage_distribution` by merges and groupbys on the keys, for frames the codes cannot stand for."""
    long = v.merge(_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
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
    return _options(answers, _keys(frame, by), catalogue, indicator_id)


@lru_cache(maxsize=8192)
def _ticks(text: str, options: tuple[str, ...]) -> tuple[bool, ...]:
    """Whether one answer's text ticks each option: parsed once for every summary (answers repeat a few hundred
    option lists)."""
    chosen = set(chosen_options(text))
    return tuple(o in chosen for o in options)


def _ticked(texts: Any, options: tuple[str, ...]) -> np.ndarray:
    """Return, per distinct answer text and option, whether the text ticks the option (a text that is not a
    string ticks none, as `chosen_options` reads it)."""
    none = (False,) * len(options)
    rows = [_ticks(t, options) if isinstance(t, str) else none for t in texts.tolist()]
    return np.array(rows, dtype=bool).reshape(len(rows), len(options))


def _options(answers: pd.DataFrame, keys: _Keys, catalogue: Catalogue, indicator_id: str) -> pd.DataFrame:
    ind = catalogue.indicator(indicator_id)
    if ind.type != "multi_choice":
        raise ValueError(f"{indicator_id} is not a multi-choice question")
    a = answers[(answers["indicator_id"] == indicator_id) & answers["value_text"].notna()]
    options = ind.option_ids()
    joined = _in_frame(a, keys)
    if joined is None:
        a = a.merge(_groups(keys.frame, keys.by), on=["cycle_year", "agency_id"], how="inner")
    # Answers repeat the same few option lists: parse each distinct text once, then index by its code.
    codes, texts = pd.factorize(a["value_text"])
    ticked = _ticked(texts, options)
    if not options:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    k = len(options)
    if joined is None:
        # One row per answer and option, option by option: the answers' columns taken once for every option.
        n = len(a)
        long = a[["cycle_year", "group", "agency_id"]].take(np.tile(np.arange(n), k)).reset_index(drop=True)
        long["item"] = pd.Series(np.repeat(np.asarray(options, dtype=object), n), dtype=a["group"].dtype)
        long["adopted"] = ticked[codes].T.reshape(-1)
        return _summarise(long)
    hit, cycle, group, agency, names, cycles = joined
    item, items = pd.factorize(pd.Series(options, dtype=keys.group_dtype), sort=True)
    if len(cycle) and (group >= 0).all() and len(items) == k:
        return _count_options(cycle, group, agency, names, cycles, keys.group_names, items, item, ticked[codes[hit]])
    return _count([np.tile(cycle, k), np.tile(group, k), np.repeat(item, len(cycle))],
                  [cycles, keys.group_names, items], ticked[codes[hit]].T.reshape(-1), np.tile(agency, k), names)


def _count_options(cycle: np.ndarray, group: np.ndarray, agency: np.ndarray, names: np.ndarray, cycles: Any,
                   group_names: pd.Index, items: pd.Index, item: np.ndarray, ticked: np.ndarray) -> pd.DataFrame:
    """`_count` of every answer (cycle, group and agency codes, all known) by every option (distinct, `item` its
    code among the sorted `items`; `ticked` answers x options) without a row per pair: the answers sorted once by
    cycle and group, then agency text; each option's adopters summed and its non-adopters cut per group."""
    (cycle_of, group_of), unit = grouped([cycle, group], [len(cycles), len(group_names)])
    n, k = len(cycle_of), len(item)
    order = np.argsort(unit * max(len(names), 1) + agency, kind="stable")
    unit, who, ticked = unit[order], names[agency[order]], ticked[order]
    starts = np.searchsorted(unit, np.arange(n + 1))
    agencies = np.diff(starts).astype(np.int64)
    by_item = np.argsort(item)  # the option of each item in sorted order
    count = np.add.reduceat(ticked.astype(np.int64), starts[:-1], axis=0)[:, by_item].astype(int)
    lists = np.empty((n, k), dtype=object)
    for t, j in enumerate(by_item.tolist()):
        lag = ~ticked[:, j]
        cuts = np.searchsorted(unit[lag], np.arange(n + 1))
        listed = who[lag]
        for i in range(n):
            lists[i, t] = listed[cuts[i]:cuts[i + 1]].tolist()
    repeated = np.repeat(np.arange(n), k)
    return pd.DataFrame({"cycle_year": cycles.take(cycle_of[repeated]), "group": group_names.take(group_of[repeated]),
                         "item": items.take(np.tile(np.arange(k), n)), "agencies": agencies[repeated],
                         "adopted": count.reshape(-1),
                         "rate": 100.0 * count.reshape(-1) / np.where(agencies[repeated] > 0, agencies[repeated], np.nan),
                         "not_adopted": lists.reshape(-1)}, columns=ADOPTION_COLUMNS)


def adoption_summary(answers: pd.DataFrame, values: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue,
                     by: str | None = None) -> pd.DataFrame:
    """Return standards, platforms (PLT.01) and shared services (SHR.01) adoption in one table, with a `kind` column.

    The frame's groups are coded once for the three parts, and the answers narrowed once to both questions.
    """
    keys = _keys(frame, by)
    parts = [_standards(values, keys, catalogue, ADOPTED_STAGE).assign(kind="standard")]
    present = []
    for iid, kind in (("PLT.01", "platform"), ("SHR.01", "shared_service")):
        try:
            catalogue.indicator(iid)
        except KeyError:
            continue
        present.append((iid, kind))
    mine = answers.loc[answers["indicator_id"].isin([iid for iid, _ in present]) & answers["value_text"].notna(),
                       ["cycle_year", "agency_id", "indicator_id", "value_text"]]
    for iid, kind in present:
        parts.append(_options(mine, keys, catalogue, iid).assign(kind=kind))
    return pd.concat(parts, ignore_index=True)
