"""A cycle's isolation forest and k-means peer model, kept between computations of its results.

Fitting both takes seconds at national scale; a submission changes one agency. So the models are fitted
once per cycle (`fit_models`) and kept with what they gave each agency; after a change only the agencies
whose counted response changed since the fit are scored with the kept models (`use_models`), and the
cheap parts (the flags, the groups' sizes and descriptions) are made again from today's profiles. The
models are fitted again when more than `PATCH_SHARE` of the cycle's counted responses changed since the
fit, when the method or the seed changed, or when a part that had too few profiles to fit can be fitted
now (`needs_refit`). Until then, a changed agency's anomaly flag and peer group come from models fitted on
the cycle as it was: they may differ slightly from what a refit would give (docs/ANALYTICS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.peers import PeerGroups, PeerModel, assign_peers, fit_peers, peer_groups
from analytics.quality import OutlierModel, fit_outliers, outlier_flags, outlier_scores

#: Above this share of a cycle's counted responses changed since the fit, the models are fitted again.
PATCH_SHARE = 0.2
#: What identifies a counted response's content (the data layer versions every write to it).
COUNTED_KEY = ["response_id", "agency_id", "status", "version", "updated_at"]
#: Fewer profiles than these: no isolation forest, no peer groups (too few to judge).
MIN_OUTLIER_PROFILES = 10
MIN_PEER_PROFILES = 3


@dataclass(frozen=True)
class CycleModels:
    """The models fitted on one cycle's profiles, the counted responses they were fitted on, and their results."""

    year: int
    method_version: str
    seed: int
    #: The cycle's counted responses at the fit (`COUNTED_KEY` columns).
    fitted: pd.DataFrame
    outliers: OutlierModel | None
    #: The forest's score of each profiled agency at the fit (index agency_id).
    outlier_scores: pd.Series
    peers: PeerModel | None
    #: The peer group of each scored agency at the fit (index agency_id).
    groups: pd.Series


def changed_since(before: pd.DataFrame, now: pd.DataFrame) -> set[str]:
    """Return the agencies whose counted response differs between two `COUNTED_KEY` tables (joined or left too)."""
    both = before[COUNTED_KEY].merge(now[COUNTED_KEY], how="outer", indicator=True)
    return set(both.loc[both["_merge"] != "both", "agency_id"].astype(str))


def fit_models(year: int, method_version: str, counted: pd.DataFrame, profiles: pd.DataFrame,
               scored: pd.DataFrame, seed: int = 0) -> CycleModels:
    """Fit the isolation forest on `profiles` (cycle_year, agency_id, one column per dimension) and k-means on
    `scored` (indexed by agency, one column per dimension) when there are enough of each."""
    forest, scores = fit_outliers(profiles, seed) if len(profiles) else (None, np.array([]))
    peers, labels = (fit_peers(scored, seed=seed) if len(scored) >= MIN_PEER_PROFILES
                     else (None, np.zeros(len(scored), dtype=int)))
    return CycleModels(year, method_version, seed, counted[COUNTED_KEY].reset_index(drop=True), forest,
                       pd.Series(scores, index=profiles["agency_id"].astype(str).to_numpy(), dtype=float),
                       peers, pd.Series(labels, index=scored.index.astype(str), dtype=int))


def needs_refit(kept: CycleModels | None, year: int, method_version: str, seed: int, counted: pd.DataFrame,
                profiles: pd.DataFrame, scored: pd.DataFrame, changed: set[str] | None = None) -> bool:
    """True when `kept` cannot serve the cycle as it is now (see the module's rule); `changed` is
    `changed_since(kept.fitted, counted)` when the caller has it."""
    if kept is None or (kept.year, kept.method_version, kept.seed) != (year, method_version, seed):
        return True
    if (kept.outliers is None and len(profiles) >= MIN_OUTLIER_PROFILES) or (
            kept.peers is None and len(scored) >= MIN_PEER_PROFILES):
        return True
    changed = changed_since(kept.fitted, counted) if changed is None else changed
    return len(changed) > PATCH_SHARE * max(len(kept.fitted), 1)


def use_models(models: CycleModels, counted: pd.DataFrame, profiles: pd.DataFrame,
               scored: pd.DataFrame, changed: set[str] | None = None) -> tuple[pd.DataFrame, PeerGroups | None]:
    """Return the isolation-forest flags of `profiles` and the peer groups of `scored` under kept models.

    Agencies whose counted response is the one the models were fitted on keep the score and group the fit gave
    them; the others (changed, or new) are scored with the kept models.
    """
    changed = changed_since(models.fitted, counted) if changed is None else changed
    ids = profiles["agency_id"].astype(str)
    scores = models.outlier_scores.reindex(ids.to_numpy()).to_numpy(dtype=float, copy=True)
    redo = ids.isin(changed).to_numpy() | np.isnan(scores)
    if redo.any() and models.outliers is not None:
        scores[redo] = outlier_scores(models.outliers, profiles[redo])
    flags = outlier_flags(profiles, scores, models.outliers)
    peers = None
    if len(scored) >= MIN_PEER_PROFILES and models.peers is not None:
        index = scored.index.astype(str)
        groups = models.groups.reindex(index.to_numpy()).to_numpy(dtype=float, copy=True)
        again = index.isin(changed) | np.isnan(groups)
        if again.any():
            groups[again] = assign_peers(models.peers, scored[again])
        peers = peer_groups(scored, model=models.peers, labels=groups.astype(int))
    return flags, peers


def cycle_models(kept: CycleModels | None, year: int, method_version: str, seed: int, counted: pd.DataFrame,
                 profiles: pd.DataFrame, scored: pd.DataFrame
                 ) -> tuple[CycleModels, pd.DataFrame, PeerGroups | None]:
    """Return the models to use (`kept`, or fitted again when `needs_refit`), the forest's flags and the peer groups."""
    models = kept
    changed = changed_since(kept.fitted, counted) if kept is not None else None
    if models is None or needs_refit(models, year, method_version, seed, counted, profiles, scored, changed):
        models, changed = fit_models(year, method_version, counted, profiles, scored, seed), set()
    flags, peers = use_models(models, counted, profiles, scored, changed)
    return models, flags, peers
