"""Composite readiness index: normalise, weight and aggregate indicators up a hierarchy.

The steps follow the OECD/JRC Handbook on Constructing Composite Indicators (2008), sections 5
(normalisation) and 6 (weighting and aggregation). One `IndexMethod` describes a whole run, so a
past cycle's table scored with today's method gives today's comparable figures: the index is a
function of the table and the method only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from survey.catalogue import Catalogue

NORMALISATIONS = ("goalposts", "minmax", "zscore", "rank", "none")
AGGREGATIONS = ("arithmetic", "geometric")
#: The score every unit gets from a min-max or rank normalisation when no unit differs.
ZERO_RANGE_SHARE = 0.5
#: A z-score is shown on the 0-100 scale as 50 + 10 z, clipped at +/- 5 standard deviations.
Z_CENTRE, Z_SPREAD = 0.5, 0.1
ROOT_KIND, GROUP_KIND, INDICATOR_KIND = "index", "group", "indicator"
#: Geometric aggregation works on x + GEOMETRIC_OFFSET x scale (1 point on 0-100) and subtracts it after,
#: so one child at 0 no longer makes its group 0 (Handbook section 6: geometric means need positive values).
GEOMETRIC_OFFSET = 0.01


@dataclass(frozen=True)
class IndicatorSpec:
    """One leaf of the hierarchy: how an indicator is normalised and how much it weighs in its parent."""

    id: str
    parent: str
    weight: float = 1.0
    polarity: int = 1
    goalposts: tuple[float, float] | None = None
    normalisation: str | None = None


@dataclass(frozen=True)
class GroupSpec:
    """An inner node (dimension, pillar, the index itself when `parent` is None)."""

    id: str
    parent: str | None
    weight: float = 1.0


@dataclass(frozen=True)
class BandSpec:
    """A band holds the scores from `min` up to the next band's `min`.

    `level` is what the output's `band` column holds: a whole number (the catalogue's maturity
    levels 1-5) or a name such as "A"; every band of a method uses the same kind.
    """

    level: int | str
    min: float
    label: str


@dataclass(frozen=True)
class MethodProblem:
    """One problem of a method: the node it is in (or `method`, or `band <level>`), the field, and what is wrong."""

    node: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.node}: {self.message}"


class MethodError(ValueError):
    """A method with problems; `problems` holds every one of them, and the message lists them."""

    def __init__(self, problems: Sequence[MethodProblem], what: str = "index method") -> None:
        self.problems = tuple(problems)
        super().__init__(f"{what} is invalid:\n- " + "\n- ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class IndexMethod:
    """Everything a composite-index run depends on; `version` is written on every score."""

    version: str
    indicators: tuple[IndicatorSpec, ...]
    groups: tuple[GroupSpec, ...]
    normalisation: str = "goalposts"
    aggregation: str = "arithmetic"
    min_coverage: float = 0.6
    scale: float = 100.0
    bands: tuple[BandSpec, ...] = ()
    _children: Mapping[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = check_method(self)
        if problems:
            raise MethodError(problems)
        children: dict[str, list[str]] = {g.id: [] for g in self.groups}
        for node in self.nodes():
            parent = node.parent
            if parent is not None:
                children[parent].append(node.id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def nodes(self) -> list[GroupSpec | IndicatorSpec]:
        """Return every node: groups first, then indicators."""
        return [*self.groups, *self.indicators]

    @property
    def root(self) -> str:
        return next(g.id for g in self.groups if g.parent is None)

    def children(self, node: str) -> tuple[str, ...]:
        return self._children.get(node, ())

    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def depth(self, node: str) -> int:
        """Return how many steps `node` lies below the root (the root is 0)."""
        parents = {n.id: n.parent for n in self.nodes()}
        d = 0
        while parents.get(node) is not None:
            node = str(parents[node])
            d += 1
        return d

    def weight_of(self, node: str) -> float:
        for n in self.nodes():
            if n.id == node:
                return n.weight
        raise KeyError(f"unknown node {node!r}")

    def band_of(self, score: float) -> BandSpec | None:
        """Return the band holding `score` (None for a missing score or when no bands are set)."""
        if not self.bands or score is None or not np.isfinite(score):
            return None
        chosen = self.bands[0]
        for band in self.bands:
            if score >= band.min:
                chosen = band
        return chosen

    def with_weights(self, weights: Mapping[str, float]) -> IndexMethod:
        """Return the same method with some node weights replaced."""
        inds = tuple(replace(i, weight=float(weights.get(i.id, i.weight))) for i in self.indicators)
        groups = tuple(replace(g, weight=float(weights.get(g.id, g.weight))) for g in self.groups)
        return replace(self, indicators=inds, groups=groups)


def check_method(method: IndexMethod) -> list[MethodProblem]:
    """Return every problem of a method description, each naming its node and field."""
    problems: list[MethodProblem] = []

    def fail(node: str, field_name: str, message: str) -> None:
        problems.append(MethodProblem(node, field_name, message))

    if not method.version:
        fail("method", "version", "version is missing")
    if not method.indicators:
        fail("method", "indicators", "lists no indicators")
    roots = [g.id for g in method.groups if g.parent is None]
    if len(roots) != 1:
        fail("method", "parent", f"needs exactly one root group (a group without parent), found {roots}")
    ids = [n.id for n in method.nodes()]
    for dupe in sorted({i for i in ids if ids.count(i) > 1}):
        fail(dupe, "id", f"id is used by {ids.count(dupe)} nodes; ids must be unique")
    group_ids = [g.id for g in method.groups]
    indicator_ids = set(method.indicator_ids())
    for node in method.nodes():
        if node.parent is not None and node.parent not in group_ids:
            if node.parent in indicator_ids:
                fail(node.id, "parent", f"parent {node.parent!r} is an indicator; a parent must be a group")
            else:
                near = closest(node.parent, group_ids)
                hint = f" (closest group: {' or '.join(near)})" if near else ""
                fail(node.id, "parent", f"unknown parent {node.parent!r}{hint}")
        if not (node.weight > 0 and np.isfinite(node.weight)):
            fail(node.id, "weight", f"weight must be positive (zero-weight group or indicator), got {node.weight}")
    for ind in method.indicators:
        norm = ind.normalisation or method.normalisation
        if ind.normalisation is not None and ind.normalisation not in NORMALISATIONS:
            fail(ind.id, "normalisation",
                 f"unknown normalisation {ind.normalisation!r}; use one of {', '.join(NORMALISATIONS)}")
        if norm == "goalposts" and ind.goalposts is None:
            fail(ind.id, "goalposts", "goalpost normalisation needs goalposts [low, high]")
        if ind.goalposts is not None and not ind.goalposts[0] < ind.goalposts[1]:
            fail(ind.id, "goalposts", f"goalposts low {ind.goalposts[0]} must be below high {ind.goalposts[1]}")
        if ind.polarity not in (1, -1):
            fail(ind.id, "polarity", f"polarity must be 1 or -1, got {ind.polarity}")
    if method.normalisation not in NORMALISATIONS:
        fail("method", "normalisation",
             f"unknown normalisation {method.normalisation!r}; use one of {', '.join(NORMALISATIONS)}")
    if method.aggregation not in AGGREGATIONS:
        fail("method", "aggregation",
             f"unknown aggregation {method.aggregation!r}; use one of {', '.join(AGGREGATIONS)}")
    if not 0 <= method.min_coverage <= 1:
        fail("method", "min_coverage", f"min_coverage must be between 0 and 1, got {method.min_coverage}")
    if not (method.scale > 0 and np.isfinite(method.scale)):
        fail("method", "scale", f"scale must be positive, got {method.scale}")
    problems += _band_problems(method.bands)
    # A loop would make the walk up or down the tree run forever; report each loop once, as the loop.
    for loop in parent_loops({n.id: n.parent for n in method.nodes()}, ids):
        fail(loop[0], "parent", f"the parents form a loop: {' -> '.join(loop)} (each node's parent follows it)")
    used = {n.parent for n in method.nodes()}
    for g in method.groups:
        if g.id not in used:
            fail(g.id, "children", "group has no indicators or subgroups (no node names it as parent)")
    return problems


def _band_problems(bands: Sequence[BandSpec]) -> list[MethodProblem]:
    """Return the problems of a method's bands: levels of one kind and unique, minimums rising."""
    problems: list[MethodProblem] = []
    kinds = {isinstance(b.level, int) for b in bands}
    if len(kinds) > 1:
        problems.append(MethodProblem("bands", "level", "band levels must be all whole numbers or all names, "
                                      f"got {[b.level for b in bands]}"))
    levels = [b.level for b in bands]
    for level in dict.fromkeys(lv for lv in levels if levels.count(lv) > 1):
        problems.append(MethodProblem(f"band {level}", "level", "level is used by more than one band"))
    for before, band in itertools.pairwise(bands):
        if not band.min > before.min:
            problems.append(MethodProblem(f"band {band.level}", "min", f"band minimums must rise: min {band.min} "
                                          f"is not above the min {before.min} of band {before.level}"))
    return problems


def parent_loops(parents: Mapping[str, str | None], order: Sequence[str]) -> list[list[str]]:
    """Return each loop of the parent links once, as the path that closes it: ["A", "B", "A"].

    A loop starts at its node that comes first in `order`; nodes that only lead into a loop are not
    part of it. Walks each chain of parents once (every node is finished after its first walk).
    """
    position = {node: n for n, node in enumerate(order)}
    finished: set[str] = set()
    loops: list[list[str]] = []
    for start in order:
        path: list[str] = []
        on_path: dict[str, int] = {}
        cur: str | None = start
        while cur is not None and cur in parents and cur not in finished:
            if cur in on_path:
                loop = path[on_path[cur]:]
                first = min(range(len(loop)), key=lambda k: position.get(loop[k], len(order)))
                loop = loop[first:] + loop[:first]
                loops.append([*loop, loop[0]])
                break
            on_path[cur] = len(path)
            path.append(cur)
            cur = parents[cur]
        finished.update(path)
    return loops


def closest(name: str, known: Iterable[str]) -> list[str]:
    """Return the known ids nearest to `name` in edits (Levenshtein distance, ignoring case), ties in `known` order.

    Only ids within max(1, len(name) // 3) edits count, so a name unlike every known id gets none:
    "SVC.011" finds "SVC.01" (one letter too many), "XYZ" finds nothing among "OSI", "TII", "HCI".
    """
    choices = list(dict.fromkeys(known))
    limit = max(1, len(name) // 3)
    found = process.extract(name, choices, scorer=Levenshtein.distance, processor=str.casefold,
                            score_cutoff=limit, limit=None)
    if not found:
        return []
    best = min(score for _, score, _ in found)
    return [choice for choice, score, _ in sorted(found, key=lambda f: f[2]) if score == best]


def method_from_catalogue(catalogue: Catalogue, normalisation: str | None = None,
                          aggregation: str | None = None) -> IndexMethod:
    """Return the catalogue's own index method: scored indicators -> dimensions -> INDEX, on 0-100."""
    root = "INDEX"
    groups = [GroupSpec(root, None, 1.0)]
    groups += [GroupSpec(d.id, root, d.weight) for d in catalogue.dimensions]
    inds = tuple(IndicatorSpec(i.id, i.dimension, i.weight, i.polarity, i.goalposts)
                 for i in catalogue.scored_indicators())
    bands = tuple(BandSpec(b.level, b.min, b.label.en) for b in catalogue.bands)
    m = catalogue.method
    return IndexMethod(version=m.version, indicators=inds, groups=tuple(groups),
                       normalisation=normalisation or m.normalisation, aggregation=aggregation or m.aggregation,
                       min_coverage=m.min_coverage, scale=100.0, bands=bands)


def normalise_matrix(x: np.ndarray, method: IndexMethod, normalisation: str | None = None) -> np.ndarray:
    """Return x (units x indicators, in `method.indicators` order) normalised to 0..method.scale.

    Handbook (OECD/JRC 2008) section 5, with polarity p = -1 turning the scale over:
    - goalposts: clip((x - low) / (high - low), 0, 1)
    - minmax:    (x - min) / (max - min) across units; a zero range gives every unit 0.5
    - zscore:    0.5 + 0.1 (x - mean) / sd, clipped to [0, 1] (50 + 10 z on 0-100); sd 0 gives 0.5
    - rank:      (rank - 1) / (n - 1), ties averaged; one unit or all tied gives 0.5
    then times `method.scale`; `none` leaves x as it is at every scale (the data are already on it).
    `normalisation` overrides every indicator's own choice. Missing stays NaN.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(method.indicators):
        raise ValueError(f"expected a units x {len(method.indicators)} matrix, got shape {x.shape}")
    out = np.full_like(x, np.nan)
    for j, ind in enumerate(method.indicators):
        kind = normalisation or ind.normalisation or method.normalisation
        share = _normalise_column(x[:, j], kind, ind)
        out[:, j] = share if kind == "none" else share * method.scale
    return out


def _normalise_column(col: np.ndarray, kind: str, ind: IndicatorSpec) -> np.ndarray:
    ok = np.isfinite(col)
    res = np.full_like(col, np.nan)
    if kind == "none":
        return col.copy()
    if kind == "goalposts":
        if ind.goalposts is None:
            raise ValueError(f"{ind.id}: goalpost normalisation needs goalposts")
        low, high = ind.goalposts
        res = np.clip((col - low) / (high - low), 0.0, 1.0)
    elif kind == "minmax":
        if ok.any():
            lo, hi = np.nanmin(col), np.nanmax(col)
            res = (col - lo) / (hi - lo) if hi > lo else np.where(ok, ZERO_RANGE_SHARE, np.nan)
    elif kind == "zscore":
        if ok.any():
            mean, sd = np.nanmean(col), np.nanstd(col)
            z = (col - mean) / sd if sd > 0 else np.where(ok, 0.0, np.nan)
            res = np.clip(Z_CENTRE + Z_SPREAD * z, 0.0, 1.0)
    elif kind == "rank":
        n = int(ok.sum())
        if n:
            ranks = pd.Series(col[ok]).rank(method="average").to_numpy()
            res[ok] = (ranks - 1) / (n - 1) if n > 1 else ZERO_RANGE_SHARE
    else:
        raise ValueError(f"unknown normalisation {kind!r}; use one of {', '.join(NORMALISATIONS)}")
    res = np.where(ok, res, np.nan)
    return 1.0 - res if ind.polarity < 0 else res


def aggregate(values: np.ndarray, weights: np.ndarray, aggregation: str, min_coverage: float,
              offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Return (score, coverage) of children `values` (... x units x k) under `weights` (... x k).

    Handbook section 6: with answered children A and weights w re-weighted over them,
    arithmetic  = sum_A w_i x_i / sum_A w_i;
    geometric   = prod_A (x_i + offset) ^ (w_i / sum_A w_i) - offset.
    coverage = sum_A w_i / sum_all w_i; below `min_coverage` (or with nothing answered) no score (NaN).
    A geometric mean needs positive values: with offset 0 a child at 0 makes the group 0, and a
    positive offset (`evaluate_tree` uses GEOMETRIC_OFFSET x scale) shifts every child off 0 first.
    A child still at or below 0 after the shift makes the group 0.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}")
    if offset < 0:
        raise ValueError("offset must not be negative")
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    answered = np.isfinite(v)
    total_w = _weighted_sum(answered.astype(float), w)
    coverage = total_w / (w.sum(axis=-1)[..., None] if w.ndim == 2 else w.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        if aggregation == "arithmetic":
            score = _weighted_sum(np.where(answered, v, 0.0), w) / total_w
        else:
            shifted = v + offset
            logs = np.where(answered & (shifted > 0), np.log(np.where(shifted > 0, shifted, 1.0)), 0.0)
            zero = (answered & (shifted <= 0)).any(axis=-1)
            score = np.exp(_weighted_sum(logs, w) / total_w) - offset
            score = np.where(zero, 0.0, score)
    # A tiny tolerance keeps exact shares such as 3/5 = 0.6 from falling below a threshold of 0.6.
    keep = (total_w > 0) & (coverage >= min_coverage - 1e-12)
    return np.where(keep, score, np.nan), coverage


def _weighted_sum(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Return sum_k x[..., k] w[..., k] for x (units x k or draws x units x k) and w (k or draws x k).

    Done as matrix products, so a Monte Carlo batch never builds draws x units x k temporaries
    when the children are the same in every draw.
    """
    if w.ndim == 1:
        return np.asarray(x @ w)
    if x.ndim == 2:
        return np.asarray((x @ w.T).T)
    return np.einsum("duk,dk->du", x, w, optimize=True)


def evaluate_tree(normalised: np.ndarray, method: IndexMethod, weights: Mapping[str, np.ndarray] | None = None,
                  aggregation: str | None = None, min_coverage: float | None = None,
                  covered: Mapping[str, np.ndarray] | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return {group id: (scores, coverage)} for every group, leaves first, from normalised scores.

    `normalised` is units x indicators, or draws x units x indicators; `weights` maps a group to
    its children's weights (k, or draws x k) and defaults to the method's weights. A geometric
    aggregation shifts scores by GEOMETRIC_OFFSET x method.scale (see `aggregate`), for the nominal
    index and the Monte Carlo alike. `covered` maps every group to a boolean per unit and replaces
    the minimum-coverage rule: a group has a score exactly where it is True (the Monte Carlo passes
    the nominal index's, so each draw keeps the groups the nominal index keeps).
    """
    agg = aggregation or method.aggregation
    cov = 0.0 if covered is not None else method.min_coverage if min_coverage is None else min_coverage
    offset = GEOMETRIC_OFFSET * method.scale if agg == "geometric" else 0.0
    column = {iid: j for j, iid in enumerate(method.indicator_ids())}
    results: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    # Groups children first (post-order), in a loop: nested functions that call each other form a
    # reference cycle that kept every call's arrays alive until the cycle collector ran (over 1 GB
    # across a Monte Carlo at 8,000 agencies).
    order: list[str] = []
    stack: list[tuple[str, bool]] = [(method.root, False)]
    while stack:
        group, expanded = stack.pop()
        if expanded:
            order.append(group)
            continue
        stack.append((group, True))
        stack.extend((k, False) for k in reversed(method.children(group)) if k not in column)
    for group in order:
        kids = method.children(group)
        child_values = np.stack([normalised[..., column[k]] if k in column else results[k][0] for k in kids], axis=-1)
        w = weights[group] if weights is not None and group in weights else \
            np.array([method.weight_of(k) for k in kids], dtype=float)
        score, coverage = aggregate(child_values, w, agg, cov, offset)
        results[group] = (np.where(covered[group], score, np.nan), coverage) if covered is not None else \
            (score, coverage)
    return results


def wide_values(values: pd.DataFrame, method: IndexMethod, unit: Sequence[str] | str = "agency_id",
                indicator: str = "indicator_id", value: str = "value") -> pd.DataFrame:
    """Return the long value table as units x method indicators (missing = NaN, unknown ids dropped)."""
    keys = [unit] if isinstance(unit, str) else list(unit)
    missing = [c for c in (*keys, indicator, value) if c not in values.columns]
    if missing:
        raise ValueError(f"value table lacks columns {missing}")
    known = values[values[indicator].isin(method.indicator_ids())].drop_duplicates([*keys, indicator])
    wide = known.set_index([*keys, indicator])[value].astype(float).unstack(indicator)
    wide = wide.reindex(columns=list(method.indicator_ids()))
    all_units = values[keys].drop_duplicates().set_index(keys).index
    return wide.reindex(all_units).sort_index()


def composite_index(values: pd.DataFrame, method: IndexMethod, unit: str = "agency_id",
                    indicator: str = "indicator_id", value: str = "value") -> pd.DataFrame:
    """Return every unit's score at every node of the hierarchy, with coverage, band and method version.

    Handbook (OECD/JRC 2008): normalise each indicator (`normalise_matrix`), then aggregate up the
    tree (`aggregate`) with the weights re-scaled over the answered children; a node whose answered
    weight share is below `method.min_coverage` gets no score. When `values` has a `cycle_year`
    column, cross-unit normalisations (min-max, z-score, rank) are computed within each cycle.
    Columns: [cycle_year,] unit, node, kind (index/group/indicator), depth, parent, value (raw, for
    indicators), score, coverage, band, band_label, method_version.
    """
    by_cycle = "cycle_year" in values.columns
    keys = ["cycle_year", unit] if by_cycle else [unit]
    wide = wide_values(values, method, keys, indicator, value)
    frames = []
    cycles = wide.index.get_level_values("cycle_year").unique() if by_cycle else [None]
    for cyc in cycles:
        part = wide.xs(cyc, level="cycle_year", drop_level=False) if by_cycle else wide
        frames.append(_score_block(pd.DataFrame(part), method, keys))
    if not frames:
        cols = [*keys, "node", "kind", "depth", "parent", "value", "score", "coverage", "band", "band_label",
                "method_version"]
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"unit": unit})


def _score_block(wide: pd.DataFrame, method: IndexMethod, keys: list[str]) -> pd.DataFrame:
    x = wide.to_numpy(dtype=float)
    n = len(x)
    norm = normalise_matrix(x, method)
    tree = evaluate_tree(norm, method)
    parents = {node.id: node.parent for node in method.nodes()}
    ids = [*method.indicator_ids(), *tree]
    kinds = [INDICATOR_KIND] * len(method.indicators) + \
        [ROOT_KIND if parents[g] is None else GROUP_KIND for g in tree]
    score = np.concatenate([norm.T.ravel(), *(tree[g][0] for g in tree)]) if n else np.array([])
    coverage = np.concatenate([np.isfinite(x).astype(float).T.ravel(), *(tree[g][1] for g in tree)]) if n \
        else np.array([])
    value = np.concatenate([x.T.ravel(), np.full(n * len(tree), np.nan)]) if n else np.array([])
    idx = wide.index.to_frame(index=False)
    out = pd.DataFrame({k: np.tile(idx[k].to_numpy(), len(ids)) for k in keys})
    out["node"] = np.repeat(ids, n)
    out["kind"] = np.repeat(kinds, n)
    out["depth"] = np.repeat([method.depth(i) for i in ids], n)
    out["parent"] = np.repeat([parents[i] for i in ids], n)
    out["value"] = value
    out["score"] = score
    out["coverage"] = coverage
    out["band"], out["band_label"] = _bands(score, method)
    out["method_version"] = method.version
    return out


def _bands(score: np.ndarray, method: IndexMethod
           ) -> tuple[pd.api.extensions.ExtensionArray | list[int | str | None], list[str | None]]:
    """Return the band level and label of each score (missing for a missing score or without bands).

    Whole-number levels come as a nullable integer array, named levels ("A") as a list.
    """
    if not method.bands:
        return pd.array([None] * len(score), dtype="Int64"), [None] * len(score)
    mins = np.array([b.min for b in method.bands])
    pos = np.clip(np.searchsorted(mins, np.nan_to_num(score, nan=-np.inf), side="right") - 1, 0, None)
    ok = np.isfinite(score)
    pick = np.where(ok, pos, len(method.bands))
    label_of = np.array([b.label for b in method.bands] + [None], dtype=object)
    labels = label_of[pick].tolist()
    if all(isinstance(b.level, int) for b in method.bands):
        level_of = np.array([b.level for b in method.bands], dtype="int64")
        return pd.arrays.IntegerArray(level_of[pos], ~ok), labels
    return np.array([b.level for b in method.bands] + [None], dtype=object)[pick].tolist(), labels


def scores_wide(scores: pd.DataFrame, unit: str = "agency_id", kinds: Sequence[str] = (ROOT_KIND, GROUP_KIND)
                ) -> pd.DataFrame:
    """Return the scores of `composite_index` as one row per unit (and cycle), one column per node."""
    keys = [c for c in ("cycle_year", unit) if c in scores.columns]
    part = scores[scores["kind"].isin(list(kinds))].drop_duplicates([*keys, "node"])
    wide = part.set_index([*keys, "node"])["score"].astype(float).unstack("node")
    wide.columns.name = None
    return wide
