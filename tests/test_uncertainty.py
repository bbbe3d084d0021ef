"""Monte Carlo uncertainty of the composite index."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from analytics.index import GroupSpec, IndexMethod, IndicatorSpec, composite_index, method_from_catalogue
from analytics.pipeline import cycle_results
from analytics.uncertainty import dirichlet_weights, monte_carlo, ranks_per_draw, stable_pair_share
from survey.catalogue import Catalogue
from survey.targets import Target
from tests.conftest import DemoFrames

METHOD = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, (0, 10)), IndicatorSpec("B", "I", 1, 1, (0, 10))),
                     (GroupSpec("I", None),))


def _values(rows: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"agency_id": u, "indicator_id": i, "value": v}
                         for u, pair in rows.items() for i, v in zip("AB", pair, strict=True)])


def test_dominating_unit_never_flips_and_a_trade_off_does() -> None:
    """u = (9, 9) beats v = (1, 1) on both indicators, so no weighting can put v ahead of u.
    w = (10, 0) and z = (0, 10) tie at 50 under equal weights, and any drawn weight that favours A
    puts w ahead while one favouring B puts z ahead: that pair flips.
    With concentration 1e6 the drawn weights stay within about 0.1 % of 1/2, so u (90) stays ahead
    of w and z (50 +/- 0.05) and v (10) behind them: of the 6 pairs only (w, z) flips -> 5 / 6.
    """
    vals = _values({"u": (9, 9), "v": (1, 1), "w": (10, 0), "z": (0, 10)})
    res = monte_carlo(vals, METHOD, draws=400, seed=1, concentration=1e6, normalisations=["goalposts"],
                      aggregations=["arithmetic"])
    assert res.stable_pair_share == pytest.approx(5 / 6)
    s = res.scores.set_index("agency_id")
    assert s.loc["u", "nominal"] == pytest.approx(90)
    assert s.loc["u", "p05"] == pytest.approx(90, abs=0.1)
    assert s.loc["u", "rank_nominal"] == 1
    assert s.loc["v", "rank_p95"] == 4


def test_intervals_hold_the_median_and_are_seeded() -> None:
    rng = np.random.default_rng(3)
    vals = _values({f"a{n}": (float(rng.uniform(0, 10)), float(rng.uniform(0, 10))) for n in range(30)})
    t0 = time.perf_counter()
    a = monte_carlo(vals, METHOD, seed=7)
    assert time.perf_counter() - t0 < 10
    b = monte_carlo(vals, METHOD, seed=7)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    s = a.scores
    assert (s["p05"] <= s["median"] + 1e-9).all() and (s["median"] <= s["p95"] + 1e-9).all()
    assert (s["rank_p05"] <= s["rank_p95"]).all()
    assert ((s["p05"] >= 0) & (s["p95"] <= 100)).all()
    assert 0 <= a.stable_pair_share <= 1
    assert a.draws == 1000


def test_bad_choices_raise() -> None:
    vals = _values({"u": (1, 2)})
    with pytest.raises(ValueError, match="median"):
        monte_carlo(vals, METHOD, aggregations=["median"])
    with pytest.raises(ValueError, match="softmax"):
        monte_carlo(vals, METHOD, normalisations=["softmax"])
    with pytest.raises(ValueError):
        dirichlet_weights(np.ones(2), 3, 0.0, np.random.default_rng(0))


def test_pieces_by_hand() -> None:
    """Dirichlet draws average to the nominal shares (1/4, 3/4); pairs: scores rows (1, 2, 3) and
    (2, 1, 3): pair (1,2) flips, (1,3) and (2,3) do not -> 2 / 3."""
    w = dirichlet_weights(np.array([1.0, 3.0]), 20_000, 50, np.random.default_rng(0))
    assert w.mean(axis=0) == pytest.approx([0.25, 0.75], abs=0.01)
    assert stable_pair_share(np.array([[1.0, 2, 3], [2, 1, 3]])) == pytest.approx(2 / 3)


def test_stable_pair_share_sampled_matches_exact() -> None:
    """Above max_pairs the share is estimated from a seeded sample of pairs: within 3 standard errors
    (0.5 / sqrt(20,000) = 0.0035) of the exact share on 300 units x 40 draws."""
    rng = np.random.default_rng(5)
    base = np.linspace(0, 100, 300)
    scores = base[None, :] + rng.normal(0, 3, size=(40, 300))
    exact = stable_pair_share(scores)
    sampled = stable_pair_share(scores, max_pairs=1000, sample_pairs=20_000, seed=1)
    assert 0.3 < exact < 1
    assert abs(sampled - exact) < 3 * 0.5 / np.sqrt(20_000)
    assert sampled == stable_pair_share(scores, max_pairs=1000, sample_pairs=20_000, seed=1)


def test_geometric_draws_keep_lower_bounds_above_zero(demo: DemoFrames, catalogue: Catalogue,
                                                      targets: tuple[Target, ...]) -> None:
    """The 120-agency demo, cycle 2568: about a third of the agencies have an indicator at its low goalpost (0).

    Geometric draws used to score each of them 0 (a product with a zero factor), which put their
    p05 at 0 whenever more than 5 % of the draws were geometric. With the offset of
    `analytics.index.aggregate` (shared with the nominal index), a geometric draw at the nominal
    weights gives exactly the geometric composite_index score, which is positive; and the full Monte
    Carlo (four normalisations, both aggregations) leaves no agency with a lower bound of 0.
    (The draws keep the nominal index's minimum-coverage rule, so the comparison uses the geometric
    method with the catalogue's min_coverage too.)
    """
    res = cycle_results(2568, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets,
                        draws=0, detail=False)
    ind = res.scores[res.scores["kind"] == "indicator"]
    with_zero = sorted(set(ind.loc[ind["score"] == 0, "agency_id"]))
    assert len(with_zero) >= 20
    method = method_from_catalogue(catalogue)
    geo = method_from_catalogue(catalogue, aggregation="geometric")
    nominal = composite_index(res.values, geo)
    nominal = nominal[nominal["node"] == method.root].set_index("agency_id")["score"]
    fixed = monte_carlo(res.values, method, draws=20, concentration=1e9, normalisations=["goalposts"],
                        aggregations=["geometric"]).scores.set_index("agency_id")
    assert fixed.loc[with_zero, "p05"].to_numpy() == pytest.approx(nominal.loc[with_zero].to_numpy(), rel=1e-4)
    assert (nominal.loc[with_zero] > 0).all()
    full = monte_carlo(res.values, method, draws=400, seed=2).scores.set_index("agency_id")
    assert (full.loc[with_zero, "p05"] > 0).all()
    assert (full["p05"] > 0).all()


COVERAGE = IndexMethod(
    "C", tuple(IndicatorSpec(i, g, 1, 1, (0, 10)) for i, g in (("A", "D1"), ("B", "D1"), ("C", "D2"), ("D", "D2"),
                                                                ("E", "D2"))),
    (GroupSpec("I", None), GroupSpec("D1", "I", 2.0), GroupSpec("D2", "I", 1.0)), min_coverage=0.6)


def test_draws_keep_the_nominal_coverage_rule() -> None:
    """Intervals are centred on the nominal score for agencies below the coverage threshold in a dimension.

    Method: I <- D1 (weight 2) <- A, B; D2 (weight 1) <- C, D, E; goalposts [0, 10]; min_coverage 0.6.
    u: A = 8, B = 8, C = 0 (D, E missing). D1 = 80; D2 has 1/3 of its weight answered < 0.6, so no
       score; I (2/3 answered) = D1 = 80. In every draw D1 = 80 whatever its drawn weights (both children
       80, arithmetic or geometric), D2 stays out, so I = 80: p05 = median = p95 = 80.
       The old draws (no coverage rule) counted D2 = C = 0: I = (2 x 80 + 0) / 3 = 53.3, 27 points off.
    x: A = 8, B = 4, C = 0. D1 = (80 + 40) / 2 = 60, D2 out, I = 60. A draw gives I = D1 = 80 s + 40 (1 - s)
       with s ~ Beta(50, 50) (Dirichlet(100 x (1/2, 1/2))): mean 60, symmetric about it, sd
       40 x sqrt(0.25 / 101) = 1.990, so median 60 and p05, p95 = 60 -/+ 1.645 x 1.990 = 56.73, 63.27.
       (Old draws: I = (2 x 60 + 0) / 3 = 40.)
    v: everything answered, A = B = 6, C = D = E = 3: D1 = 60, D2 = 30, I = (2 x 60 + 30) / 3 = 50.
    w: A = 5 only: D1 has 1/2 < 0.6, I has nothing: no nominal score, so no score in any draw; left out.
    Ranks: u (80) > x (at most 80, at 60 +/- 6 in practice) > v (between 30 and 60, at 50 +/- 4): 1, 2, 3 always.
    """
    vals = pd.DataFrame([{"agency_id": u, "indicator_id": i, "value": v} for u, row in {
        "u": {"A": 8, "B": 8, "C": 0}, "x": {"A": 8, "B": 4, "C": 0},
        "v": {"A": 6, "B": 6, "C": 3, "D": 3, "E": 3}, "w": {"A": 5}}.items() for i, v in row.items()])
    res = monte_carlo(vals, COVERAGE, draws=1000, seed=0, normalisations=["goalposts"], aggregations=["arithmetic"])
    s = res.scores.set_index("agency_id")
    assert list(s.index) == ["u", "v", "x"]
    assert s.loc["u", ["nominal", "p05", "median", "p95"]].tolist() == pytest.approx([80, 80, 80, 80], abs=1e-9)
    assert s.loc["x", "nominal"] == pytest.approx(60)
    assert s.loc["x", "median"] == pytest.approx(60, abs=0.3)
    assert s.loc["x", "p05"] == pytest.approx(56.73, abs=0.3)
    assert s.loc["x", "p95"] == pytest.approx(63.27, abs=0.3)
    assert s.loc["v", "nominal"] == pytest.approx(50)
    assert s.loc["v", "p05"] < 50 < s.loc["v", "p95"]
    assert s[["rank_p05", "rank_p95"]].loc[["u", "x", "v"]].to_numpy().tolist() == [[1, 1], [2, 2], [3, 3]]
    both = monte_carlo(vals, COVERAGE, draws=200, seed=1, normalisations=["goalposts"]).scores.set_index("agency_id")
    assert both.loc["u", ["p05", "p95"]].tolist() == pytest.approx([80, 80], abs=1e-9)


def test_draws_at_the_nominal_method_give_the_nominal_score(demo: DemoFrames, catalogue: Catalogue,
                                                             targets: tuple[Target, ...]) -> None:
    """The 120-agency demo, cycle 2568: with the weights held at the nominal ones (concentration 1e9), the
    catalogue's normalisation and aggregation, every draw gives each agency its nominal score, including
    the agencies with a dimension below min_coverage (some exist: their dimension score is missing while
    their index is not). Before, such a dimension entered every draw, and their intervals missed the nominal.
    """
    res = cycle_results(2568, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets,
                        draws=0, detail=False)
    method = method_from_catalogue(catalogue)
    dims = res.agency_scores.set_index("agency_id")[list(method.children(method.root))]
    index = res.agency_scores.set_index("agency_id")[method.root]
    partial = index.notna() & dims.isna().any(axis=1)
    assert partial.sum() >= 1
    s = monte_carlo(res.values, method, draws=20, concentration=1e9, normalisations=["goalposts"],
                    aggregations=["arithmetic"]).scores.set_index("agency_id")
    assert set(s.index) == set(index.dropna().index)
    nominal = index.loc[s.index].to_numpy()
    assert s["nominal"].to_numpy() == pytest.approx(nominal)
    assert s["p05"].to_numpy() == pytest.approx(nominal, rel=1e-4)
    assert s["p95"].to_numpy() == pytest.approx(nominal, rel=1e-4)


def test_ranks_and_pairs_with_missing_scores() -> None:
    """A draw ranks only the units with a score in it; a unit without one has no rank there.

    Draws (rows) of units (columns): [3, -, 1] -> ranks [1, -, 2]; [-, 2, 2] -> [-, 1, 1] (ties share the best).
    Pairs on [[1, 2, -], [2, 1, 5], [1, 3, 4]]: (0, 1) differs -1, +1, -2: flips; (0, 2) over the two draws
    with both: -3, -3: stable; (1, 2): -4, -1: stable -> 2 / 3. A unit never scored leaves its pairs out:
    [[1, 2, -], [2, 3, -]] has one pair scored together, stable -> 1.
    """
    nan = np.nan
    got = ranks_per_draw(np.array([[3.0, nan, 1.0], [nan, 2.0, 2.0]]))
    np.testing.assert_array_equal(got, [[1, nan, 2], [nan, 1, 1]])
    assert stable_pair_share(np.array([[1.0, 2, nan], [2, 1, 5], [1, 3, 4]])) == pytest.approx(2 / 3)
    assert stable_pair_share(np.array([[1.0, 2, nan], [2, 3, nan]])) == 1.0
