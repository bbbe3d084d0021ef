"""Uncertainty analysis of the composite index: Monte Carlo over weights, normalisation and aggregation.

OECD/JRC Handbook on Constructing Composite Indicators (2008), section 7 (uncertainty and
sensitivity analysis), as the JRC audits of composite indices run it: draw the uncertain choices
many times, recompute every unit's score and rank, and report their intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analytics.index import AGGREGATIONS, NORMALISATIONS, IndexMethod, evaluate_tree, normalise_matrix, wide_values

DRAWS = 1000
CONCENTRATION = 100.0
BATCH = 50
#: Draws ranked at a time (`_ranks`).
RANK_BLOCK = 64


@dataclass(frozen=True)
class Uncertainty:
    """Every unit's score and rank interval, and the share of unit pairs whose order never flips."""

    scores: pd.DataFrame
    stable_pair_share: float
    draws: int


def dirichlet_weights(nominal: np.ndarray, draws: int, concentration: float, rng: np.random.Generator) -> np.ndarray:
    """Return `draws` x k weights ~ Dirichlet(concentration x nominal / sum(nominal)).

    The draws' mean is the nominal share; a larger concentration keeps them closer to it
    (variance of share i = s_i (1 - s_i) / (concentration + 1)).
    """
    if not concentration > 0:
        raise ValueError("concentration must be positive")
    share = np.asarray(nominal, dtype=float) / np.sum(nominal)
    return rng.dirichlet(concentration * share, size=draws)


def monte_carlo(values: pd.DataFrame, method: IndexMethod, draws: int = DRAWS, seed: int = 0,
                concentration: float = CONCENTRATION, normalisations: Sequence[str] | None = None,
                aggregations: Sequence[str] = AGGREGATIONS, unit: str = "agency_id") -> Uncertainty:
    """Return each unit's index score and rank interval over `draws` random variants of the method.

    Each draw takes the weights of every group's children from `dirichlet_weights` around the
    nominal ones, one normalisation from `normalisations` (default: the method's, min-max, z-score,
    rank) and one aggregation from `aggregations`, all uniformly, from a generator seeded with `seed`.
    The minimum-coverage rule applies in every draw as in the nominal index: a group has a score in
    a draw exactly where it has one in the nominal index (its answered share of the method's
    weights), so the draws vary how the data are weighted, normalised and aggregated, never which
    data count. Cross-unit normalisations run over all units, as in the nominal index.
    Units without a nominal score are left out. Ranks: 1 = highest score (ties share the best rank),
    among the units with a score in that draw; a unit's intervals are over the draws where it has
    one (NaN when it has none).
    scores columns: unit, nominal, median, p05, p95, rank_nominal, rank_median, rank_p05, rank_p95.
    stable_pair_share = share of unit pairs (i, j) whose score difference keeps its sign (or stays 0)
    in every draw where both have a score.
    """
    return summarise(draw_scores(values, method, draws, seed, concentration, normalisations, aggregations, unit),
                     unit)


@dataclass(frozen=True)
class Draws:
    """The units with a nominal score, that score, and their scores in every draw (draws x units, NaN: none)."""

    units: pd.Index
    nominal: np.ndarray
    scores: np.ndarray


def draw_scores(values: pd.DataFrame, method: IndexMethod, draws: int = DRAWS, seed: int = 0,
                concentration: float = CONCENTRATION, normalisations: Sequence[str] | None = None,
                aggregations: Sequence[str] = AGGREGATIONS, unit: str = "agency_id") -> Draws:
    """Return every unit's nominal index score and its score in each of `draws` variants of the method
    (`monte_carlo` says how the variants are drawn)."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if "cycle_year" in values.columns and values["cycle_year"].nunique() > 1:
        raise ValueError("run the uncertainty analysis on one cycle at a time")
    norms = list(dict.fromkeys(normalisations or (method.normalisation, "minmax", "zscore", "rank")))
    for name in norms:
        if name not in NORMALISATIONS:
            raise ValueError(f"unknown normalisation {name!r}; use one of {', '.join(NORMALISATIONS)}")
    aggs = list(aggregations)
    for name in aggs:
        if name not in AGGREGATIONS:
            raise ValueError(f"unknown aggregation {name!r}; use one of {', '.join(AGGREGATIONS)}")
    wide = wide_values(values, method, unit)
    x = wide.to_numpy(dtype=float)
    tree = evaluate_tree(normalise_matrix(x, method), method)
    # Whether a group has enough data depends on the data, not on the draw: without this, a group
    # below min_coverage that the nominal index leaves out entered every draw, so the intervals of
    # such units were not centred on their nominal score.
    covered = {group: np.isfinite(score) for group, (score, _) in tree.items()}
    keep = covered[method.root]
    nominal = tree[method.root][0][keep]
    units = wide.index[keep]

    rng = np.random.default_rng(seed)
    weights = {g.id: dirichlet_weights(np.array([method.weight_of(k) for k in method.children(g.id)]), draws,
                                       concentration, rng) for g in method.groups}
    norm_pick = rng.integers(len(norms), size=draws)
    agg_pick = rng.integers(len(aggs), size=draws)
    scores = np.full((draws, len(units)), np.nan)
    for ni, norm in enumerate(norms):
        normalised = normalise_matrix(x, method, norm)
        for ai, agg in enumerate(aggs):
            chosen = np.flatnonzero((norm_pick == ni) & (agg_pick == ai))
            if chosen.size == 0 or len(units) == 0:
                continue
            # In batches of draws, so memory stays at batch x units x indicators at 8,000 agencies.
            for start in range(0, chosen.size, BATCH):
                part = chosen[start:start + BATCH]
                drawn = evaluate_tree(normalised, method, {g: w[part] for g, w in weights.items()}, agg,
                                      covered=covered)
                scores[part] = drawn[method.root][0][:, keep]
    return Draws(units, nominal, scores)


def summarise(d: Draws, unit: str) -> Uncertainty:
    """Return each unit's score and rank interval over the draws `d` (`monte_carlo`'s columns)."""
    units, nominal, scores = d.units, d.nominal, d.scores
    ranks = ranks_per_draw(scores)
    out = pd.DataFrame({
        unit: units, "nominal": nominal,
        "median": _percentile(scores, 50),
        "p05": _percentile(scores, 5),
        "p95": _percentile(scores, 95),
        "rank_nominal": ranks_per_draw(nominal[None, :])[0],
        "rank_median": _percentile(ranks, 50),
        "rank_p05": _percentile(ranks, 5),
        "rank_p95": _percentile(ranks, 95),
    })
    return Uncertainty(out, stable_pair_share(scores), scores.shape[0])


def _percentile(draws: np.ndarray, q: float) -> np.ndarray:
    """Return the q-th percentile of each column over its draws with a score (NaN for a column without any)."""
    if draws.shape[1] == 0:
        return np.empty(0)
    # numpy's nan-aware percentiles loop column by column; use them only when a draw left a gap.
    if not np.isnan(draws).any():
        return np.asarray(np.percentile(draws, q, axis=0))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        return np.asarray(np.nanpercentile(draws, q, axis=0))


def ranks_per_draw(scores: np.ndarray) -> np.ndarray:
    """Return ranks per row (draw), 1 = highest, among the units with a score in that row; NaN without one.

    Tied scores share the best rank ('min' ranking): a unit's rank is 1 + the number of units
    scoring strictly more in that draw.
    """
    if scores.shape[1] == 0:
        return scores.copy()
    out = np.empty(scores.shape, dtype=float)
    # A block of draws at a time: ranking all 1,000 x 8,000 at once took half a gigabyte of scratch memory.
    for start in range(0, scores.shape[0], RANK_BLOCK):
        block = scores[start:start + RANK_BLOCK]
        scored = np.isfinite(block)
        # Units without a score go below every scored one, so they change no scored unit's rank.
        ranked = rankdata(-np.where(scored, block, -np.inf), axis=1, method="min")
        out[start:start + RANK_BLOCK] = np.where(scored, ranked, np.nan)
    return out


def stable_pair_share(scores: np.ndarray, max_pairs: int = 2_000_000, sample_pairs: int = 200_000,
                      seed: int = 0, chunk_pairs: int = 2_000) -> float:
    """Return the share of unit pairs whose order never flips across draws (rows of `scores`).

    A pair (i, j) is stable when s_i - s_j >= 0 in every draw or <= 0 in every draw, counting the
    draws where both have a score (NaN marks a draw without one); a pair never scored together is
    left out of the share. Up to `max_pairs` pairs every pair is checked; above that (about 2,000
    units) a seeded uniform sample of `sample_pairs` pairs estimates the share (standard error
    <= 0.5 / sqrt(sample_pairs), about 0.001). Pairs are checked in chunks, so memory stays at
    draws x chunk_pairs. NaN when no pair is ever scored together.
    """
    n = scores.shape[1]
    if n < 2:
        return np.nan
    total = n * (n - 1) // 2
    if total <= max_pairs:
        first, second = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        first = rng.integers(0, n, size=sample_pairs)
        second = (first + rng.integers(1, n, size=sample_pairs)) % n
    by_unit = np.ascontiguousarray(scores.T)  # units x draws: a pair's draws sit side by side in memory
    gaps = bool(np.isnan(by_unit).any())
    stable = compared = 0
    for start in range(0, len(first), chunk_pairs):
        i, j = first[start:start + chunk_pairs], second[start:start + chunk_pairs]
        diff = by_unit[i] - by_unit[j]
        if gaps:
            both = np.isfinite(diff)
            lo = np.where(both, diff, np.inf).min(axis=1)
            hi = np.where(both, diff, -np.inf).max(axis=1)
            together = both.any(axis=1)
        else:
            lo, hi = diff.min(axis=1), diff.max(axis=1)
            together = np.ones(len(diff), dtype=bool)
        stable += int((together & ((lo >= 0) | (hi <= 0))).sum())
        compared += int(together.sum())
    return stable / compared if compared else np.nan


def group_uncertainty(values: pd.DataFrame, groups: pd.DataFrame, method: IndexMethod, by: str,
                      draws: int = DRAWS, seed: int = 0, agency_draws: Draws | None = None) -> Uncertainty:
    """Return score and rank intervals of groups of agencies (ministries, agency types).

    A group's score, nominal and in every draw, is the mean of its agencies' index scores in that draw
    (over the agencies with a score): the nominal one is the group's readiness index as the pages and
    the workbook show it (the mean over its scored agencies), so the nominal rank orders the groups by
    that score, and the rank interval says where that rank lies across the draws of `monte_carlo`
    (weights, normalisation and aggregation). `agency_draws`, when given, are the agencies' draws
    (`draw_scores` on `values`) to reuse instead of drawing again. `groups` maps agency_id -> `by`.
    """
    if by not in groups.columns:
        raise ValueError(f"groups has no column {by!r}")
    d = agency_draws if agency_draws is not None else draw_scores(values, method, draws=draws, seed=seed)
    of = groups.drop_duplicates("agency_id").set_index("agency_id")[by]
    member = of.reindex(d.units)
    names = pd.Index(sorted(member.dropna().unique()), name=by)
    at = names.get_indexer(member)
    onehot = np.zeros((len(d.units), len(names)))
    inside = at >= 0
    onehot[np.flatnonzero(inside), at[inside]] = 1.0

    def means(scores: np.ndarray) -> np.ndarray:
        scored = np.isfinite(scores)
        counts = scored.astype(float) @ onehot
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, np.where(scored, scores, 0.0) @ onehot / counts, np.nan)

    return summarise(Draws(names, means(d.nominal[None, :])[0], means(d.scores)), by)
