"""Trends across instrument versions use only the indicators that mean the same in every edition in use."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analytics.index import IndexMethod, composite_index
from survey.catalogue import Catalogue
from survey.versions import comparable_indicators

TREND_COLUMNS = ["cycle_year", "catalogue_version", "composite", "agencies_scored", "indicators_used",
                 "method_version"]


def restrict_method(method: IndexMethod, keep: list[str] | set[str]) -> IndexMethod:
    """Return `method` with only the indicators in `keep`; groups left without any child are dropped."""
    indicators = tuple(i for i in method.indicators if i.id in set(keep))
    if not indicators:
        raise ValueError("no comparable indicator is scored by the method")
    parent_of = {g.id: g.parent for g in method.groups}
    needed: set[str] = set()
    for ind in indicators:
        node: str | None = ind.parent
        while node is not None and node not in needed:
            needed.add(node)
            node = parent_of.get(node)
    groups = tuple(g for g in method.groups if g.id in needed)
    return IndexMethod(version=method.version, indicators=indicators, groups=groups,
                       normalisation=method.normalisation, aggregation=method.aggregation,
                       min_coverage=method.min_coverage, scale=method.scale, bands=method.bands)


def comparable_trend(values: pd.DataFrame, editions_by_cycle: Mapping[int, Catalogue],
                     method: IndexMethod) -> pd.DataFrame:
    """Return the mean composite index per cycle, computed on only the indicators comparable across the editions.

    The editions in use are those of the cycles in `editions_by_cycle` (oldest cycle first); the
    indicators kept are `survey.versions.comparable_indicators` of them, intersected with the
    method's. Each cycle's composite is then the usual one (`composite_index`, OECD/JRC Handbook
    2008) on that restricted hierarchy, with weights re-scaled over the indicators kept, averaged
    over the agencies that get a score. `values`: cycle_year, agency_id, indicator_id, value.
    """
    years = sorted(int(y) for y in values["cycle_year"].unique())
    missing = [y for y in years if y not in editions_by_cycle]
    if missing:
        raise ValueError(f"no instrument edition given for cycles {missing}")
    editions: list[Catalogue] = []
    for y in years:
        if editions_by_cycle[y].version not in [e.version for e in editions]:
            editions.append(editions_by_cycle[y])
    keep = [i for i in comparable_indicators(editions) if i in method.indicator_ids()]
    restricted = restrict_method(method, keep)
    scores = composite_index(values[values["indicator_id"].isin(keep)], restricted)
    root = scores[scores["node"] == restricted.root]
    rows = []
    for y in years:
        part = root[root["cycle_year"] == y]["score"].astype(float)
        rows.append({"cycle_year": y, "catalogue_version": editions_by_cycle[y].version,
                     "composite": float(part.mean()) if part.notna().any() else float("nan"),
                     "agencies_scored": int(part.notna().sum()), "indicators_used": len(keep),
                     "method_version": method.version})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
