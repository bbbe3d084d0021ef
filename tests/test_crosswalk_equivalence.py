"""The crosswalk summary built on integer codes gives, to the last bit, what the former unstack-based
implementation gave: that one is kept here (`_old_crosswalk_summary`) as the reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.crosswalk import CROSSWALK_COLUMNS, SHORT_OF, crosswalk_map, crosswalk_summary
from analytics.pipeline import cycle_base
from survey.catalogue import Catalogue, default_catalogue
from tests.conftest import DemoFrames


def _old_crosswalk_summary(scores: pd.DataFrame, catalogue: Catalogue, threshold: float = SHORT_OF) -> pd.DataFrame:
    inds = scores[scores["kind"] == "indicator"][["agency_id", "node", "score"]].rename(columns={"node": "indicator_id"})
    inds = inds.dropna(subset=["score"]).drop_duplicates(["agency_id", "indicator_id"])
    wide = inds.set_index(["agency_id", "indicator_id"])["score"].astype(float).unstack("indicator_id")
    cmap = crosswalk_map(catalogue)
    rows = []
    for fw, dims in catalogue.frameworks.items():
        for dim in dims:
            ids = cmap[(cmap["framework"] == fw) & (cmap["dimension"] == dim)]["indicator_id"].tolist()
            part = wide[[i for i in ids if i in wide.columns]]
            per_agency = part.mean(axis=1).dropna()
            by_ind = part.mean(axis=0).dropna()
            rows.append({
                "framework": fw, "dimension": dim, "indicators": ids, "agencies": len(per_agency),
                "mean_score": float(per_agency.mean()) if len(per_agency) else np.nan,
                "share_below": 100.0 * float((per_agency < threshold).mean()) if len(per_agency) else np.nan,
                "weakest_indicator": str(by_ind.idxmin()) if len(by_ind) else None,
            })
    return pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)


def same(scores: pd.DataFrame, catalogue: Catalogue, threshold: float = SHORT_OF) -> None:
    expected = _old_crosswalk_summary(scores, catalogue, threshold)
    pd.testing.assert_frame_equal(crosswalk_summary(scores, catalogue, threshold), expected, check_exact=True)


@pytest.mark.parametrize("year", [2564, 2566, 2568])
def test_crosswalk_summary_as_before_on_the_demo(demo: DemoFrames, catalogue: Catalogue, year: int) -> None:
    scores = cycle_base(year, demo.frame, demo.responses, demo.services, demo.answers, catalogue).scores
    assert (scores["kind"] == "indicator").any() and scores["score"].isna().any()
    for threshold in (SHORT_OF, 0.0, 75.5):
        same(scores, catalogue, threshold)
    same(scores.sample(frac=1.0, random_state=year), catalogue)  # agencies and indicators in no order
    same(scores.iloc[::-1].astype({"agency_id": object, "node": object}), catalogue)
    same(scores[scores["agency_id"] <= scores["agency_id"].min()], catalogue)  # one agency
    same(scores.iloc[:0], catalogue)
    same(scores[scores["kind"] != "indicator"], catalogue)


CATALOGUE = default_catalogue()
SCORED = [i.id for i in CATALOGUE.scored_indicators()]


@st.composite
def score_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Long score tables like composite_index's: many agencies and indicators (sums of 8 or more terms, whose
    order shows in the last bit), missing and repeated scores, other kinds of rows, ties and round numbers."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    agencies = [f"A{i:03d}" for i in rng.permutation(draw(st.integers(0, 40)))] + draw(st.sampled_from([[], [None]]))
    nodes = [n for n in SCORED if rng.random() < draw(st.floats(0.05, 1.0))] + ["XXX.01"]
    pairs = [(a, n) for a in agencies for n in nodes if rng.random() < 0.8]
    n = len(pairs)
    score = rng.uniform(0, 100, n)
    rounded = rng.random(n) < draw(st.floats(0, 1))
    score[rounded] = np.round(score[rounded] / 25) * 25  # ties, and exactly the threshold
    score[rng.random(n) < draw(st.floats(0, 0.5))] = np.nan
    table = pd.DataFrame({"agency_id": [a for a, _ in pairs], "node": [m for _, m in pairs],
                          "kind": rng.choice(["indicator"] * 8 + ["group", "index"], n), "score": score})
    repeats = table.sample(frac=draw(st.floats(0, 0.3)), random_state=rng.integers(2**31))
    table = pd.concat([table, repeats.assign(score=repeats["score"] + 1)], ignore_index=True)
    return table.sample(frac=1.0, random_state=rng.integers(2**31)) if draw(st.booleans()) else table


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scores=score_tables(), threshold=st.sampled_from([SHORT_OF, 0.0, 25.0, 100.0]))
def test_crosswalk_summary_as_before(scores: pd.DataFrame, threshold: float) -> None:
    same(scores, CATALOGUE, threshold)
