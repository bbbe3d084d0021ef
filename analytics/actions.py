"""From gap to cause to action, for one agency: where it falls short, why, and what to do first.

Actions are ranked by how much each would raise the composite index if the indicator reached its
top goalpost: the indicator's effective weight in the index times its normalised shortfall (for
the weighted arithmetic mean this is the exact gain, OECD/JRC Handbook 2008, section 6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.index import IndexMethod
from survey.catalogue import Catalogue

ACTION_COLUMNS = ["agency_id", "rank", "indicator_id", "dimension_id", "dimension_score", "value", "answered",
                  "normalised", "shortfall", "effective_weight", "gain", "peer_median", "gap_to_peers",
                  "milestone", "gap_to_target", "answer", "evidence", "action_th", "action_en", "owner_th", "owner_en"]


def effective_weights(method: IndexMethod) -> dict[str, float]:
    """Return each indicator's share of the index: the product of its weight shares on the way to the root.

    e_i = w_i / sum(w of i's siblings) x w_parent / sum(w of the parent's siblings) x ... ;
    the e_i add up to 1.
    """
    parents = {n.id: n.parent for n in method.nodes()}
    out = {}
    for ind in method.indicators:
        share, node = 1.0, ind.id
        while parents.get(node) is not None:
            parent = str(parents[node])
            siblings = method.children(parent)
            share *= method.weight_of(node) / sum(method.weight_of(s) for s in siblings)
            node = parent
        out[ind.id] = share
    return out


def weakest_dimensions(scores: pd.DataFrame, agency_id: str, peers: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the agency's group scores from weakest to strongest, with the peers' median and the gap.

    `scores` is one cycle's `composite_index` output; peers default to every unit in it.
    gap_to_peers = peer median - agency score (positive: the agency is behind).
    Columns: node, score, peer_median, gap_to_peers, rank (1 = weakest).
    """
    groups = scores[scores["kind"] == "group"]
    mine = groups[groups["agency_id"] == agency_id].set_index("node")["score"]
    if mine.empty:
        raise ValueError(f"no scores for agency {agency_id!r}")
    pool = groups if peers is None else groups[groups["agency_id"].isin(list(peers))]
    median = pool.groupby("node")["score"].median()
    out = pd.DataFrame({"node": mine.index, "score": mine.to_numpy(), "peer_median": median.reindex(mine.index).to_numpy()})
    out["gap_to_peers"] = out["peer_median"] - out["score"]
    out = out.sort_values(["score", "node"], na_position="first", ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def agency_actions(agency_id: str, scores: pd.DataFrame, catalogue: Catalogue, method: IndexMethod,
                   answers: pd.DataFrame | None = None, peers: Sequence[str] | None = None,
                   milestones: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Return the agency's scored indicators as recommended actions, the largest possible gain first.

    For indicator i with normalised score s_i (0-100; an unanswered item counts as 0):
    shortfall = 100 - s_i; gain = e_i x shortfall, with e_i from `effective_weights` (the index
    points the agency would gain by reaching the top goalpost, exact for arithmetic aggregation
    with every item answered). gap_to_peers = peers' median normalised score - s_i;
    gap_to_target = polarity x (value - milestone) for indicators with a milestone this cycle.
    answer and evidence come from `answers` (the agency's rows of one cycle; multi-choice answers as their
    JSON list of options), action and owner from the catalogue.
    """
    inds = scores[(scores["kind"] == "indicator")]
    mine = inds[inds["agency_id"] == agency_id].set_index("node")
    if mine.empty:
        raise ValueError(f"no scores for agency {agency_id!r}")
    pool = inds if peers is None else inds[inds["agency_id"].isin(list(peers))]
    peer_median = pool.groupby("node")["score"].median()
    groups = scores[(scores["kind"] == "group") & (scores["agency_id"] == agency_id)].set_index("node")["score"]
    eff = effective_weights(method)
    norm_of = dict(zip(mine.index, mine["score"].astype(float), strict=True))
    value_of = dict(zip(mine.index, mine["value"].astype(float), strict=True))
    evidence: dict[str, object] = {}
    answer: dict[str, object] = {}
    if answers is not None and not answers.empty:
        own = answers[answers["agency_id"] == agency_id]
        evidence = dict(zip(own["indicator_id"], own["evidence"], strict=False)) if "evidence" in own else {}
        # Multi-choice answers keep their chosen options (JSON text); the others their number.
        answer = {str(i): (t if isinstance(t, str) else n)
                  for i, n, t in zip(own["indicator_id"], own["value_num"], own["value_text"], strict=True)}
    rows = []
    for ind in method.indicators:
        cat = catalogue.indicator(ind.id)
        norm = norm_of.get(ind.id, np.nan)
        answered = bool(np.isfinite(norm))
        s = norm if answered else 0.0
        value = value_of.get(ind.id, np.nan)
        milestone = (milestones or {}).get(ind.id, np.nan)
        rows.append({
            "agency_id": agency_id, "indicator_id": ind.id, "dimension_id": ind.parent,
            "dimension_score": groups.get(ind.parent, np.nan), "value": value, "answered": answered,
            "normalised": norm, "shortfall": 100.0 - s, "effective_weight": eff[ind.id],
            "gain": eff[ind.id] * (100.0 - s) * method.scale / 100.0,
            "peer_median": peer_median.get(ind.id, np.nan),
            "gap_to_peers": peer_median.get(ind.id, np.nan) - s,
            "milestone": milestone, "gap_to_target": cat.polarity * (value - milestone),
            "answer": answer.get(ind.id), "evidence": evidence.get(ind.id),
            "action_th": cat.action.th if cat.action else None, "action_en": cat.action.en if cat.action else None,
            "owner_th": cat.owner.th if cat.owner else None, "owner_en": cat.owner.en if cat.owner else None,
        })
    out = pd.DataFrame(rows)
    out = out.sort_values(["gain", "indicator_id"], ascending=[False, True], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[ACTION_COLUMNS]


def national_gains(scores: pd.DataFrame, method: IndexMethod) -> pd.DataFrame:
    """Return, per indicator, the national index points at stake: the mean over scored agencies of their gain.

    For agency a and indicator i: gain_ai = e_i x (100 - s_ai) x scale / 100 (as in `agency_actions`;
    an unanswered item counts as s = 0). The national index is the mean of agency indices, so the
    mean gain is what the national figure would rise by if every agency reached the top goalpost on
    i. Columns: indicator_id, dimension_id, effective_weight, mean_score, gain, agencies_below_50.
    """
    inds = scores[scores["kind"] == "indicator"]
    roots = scores[(scores["node"] == method.root) & scores["score"].notna()]["agency_id"].unique()
    eff = effective_weights(method)
    rows = []
    for ind in method.indicators:
        s = inds[(inds["node"] == ind.id) & inds["agency_id"].isin(roots)].set_index("agency_id")["score"]
        s = s.reindex(roots).fillna(0.0)
        rows.append({"indicator_id": ind.id, "dimension_id": ind.parent, "effective_weight": eff[ind.id],
                     "mean_score": float(s.mean()) if len(s) else np.nan,
                     "gain": float((eff[ind.id] * (100.0 - s) * method.scale / 100.0).mean()) if len(s) else np.nan,
                     "agencies_below_50": int((s < 50).sum())})
    out = pd.DataFrame(rows, columns=["indicator_id", "dimension_id", "effective_weight", "mean_score", "gain",
                                      "agencies_below_50"])
    return out.sort_values(["gain", "indicator_id"], ascending=[False, True], ignore_index=True)
