"""The composite index: normalisation, aggregation, coverage, bands, properties."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics.index import (
    BandSpec,
    GroupSpec,
    IndexMethod,
    IndicatorSpec,
    MethodError,
    aggregate,
    closest,
    composite_index,
    method_from_catalogue,
    normalise_matrix,
    parent_loops,
    scores_wide,
)
from survey.catalogue import Catalogue


def _two_level(normalisation: str = "goalposts", aggregation: str = "arithmetic", min_coverage: float = 0.0
               ) -> IndexMethod:
    return IndexMethod(
        version="T", normalisation=normalisation, aggregation=aggregation, min_coverage=min_coverage,
        groups=(GroupSpec("I", None), GroupSpec("D1", "I", 2.0), GroupSpec("D2", "I", 1.0)),
        indicators=(IndicatorSpec("A", "D1", 1.0, 1, (0, 10)), IndicatorSpec("B", "D1", 3.0, 1, (0, 100)),
                    IndicatorSpec("C", "D2", 1.0, -1, (0, 5))),
    )


def test_normalisations_by_hand() -> None:
    """Each normalisation on one column x = (2, 4, 6, 10), goalposts [0, 10], polarity +1, scale 1.

    goalposts: x / 10 = 0.2, 0.4, 0.6, 1.0
    minmax:    (x - 2) / 8 = 0, 0.25, 0.5, 1
    rank:      (rank - 1) / 3 = 0, 1/3, 2/3, 1
    zscore:    mean 5.5, sd (population) sqrt(((3.5)^2 + 1.5^2 + 0.5^2 + 4.5^2) / 4) = sqrt(35 / 4) = 2.958;
               0.5 + 0.1 z: z(2) = -3.5 / 2.958 = -1.1832 -> 0.38168
    With polarity -1 the goalposts give 1 - x / 10.
    """
    m = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, (0, 10)),), (GroupSpec("I", None),), scale=1)
    x = np.array([[2.0], [4.0], [6.0], [10.0]])
    assert normalise_matrix(x, m)[:, 0] == pytest.approx([0.2, 0.4, 0.6, 1.0])
    assert normalise_matrix(x, m, "minmax")[:, 0] == pytest.approx([0, 0.25, 0.5, 1])
    assert normalise_matrix(x, m, "rank")[:, 0] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert normalise_matrix(x, m, "zscore")[0, 0] == pytest.approx(0.5 - 0.1 * 3.5 / np.sqrt(35 / 4))
    neg = IndexMethod("T", (IndicatorSpec("A", "I", 1, -1, (0, 10)),), (GroupSpec("I", None),), scale=1)
    assert normalise_matrix(x, neg)[:, 0] == pytest.approx([0.8, 0.6, 0.4, 0.0])


def test_zero_range_and_out_of_goalposts() -> None:
    """All units equal: min-max, rank and z-score give the middle (0.5); goalposts clip to [0, 1]."""
    m = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, (0, 10)),), (GroupSpec("I", None),), scale=1)
    same = np.array([[3.0], [3.0], [np.nan]])
    for kind in ("minmax", "rank", "zscore"):
        out = normalise_matrix(same, m, kind)[:, 0]
        assert out[:2] == pytest.approx([0.5, 0.5])
        assert np.isnan(out[2])
    assert normalise_matrix(np.array([[-5.0], [50.0]]), m)[:, 0] == pytest.approx([0, 1])


def test_unknown_method_names_raise() -> None:
    m = _two_level()
    with pytest.raises(ValueError, match="median"):
        aggregate(np.ones((2, 2)), np.ones(2), "median", 0)
    with pytest.raises(ValueError, match="softmax"):
        normalise_matrix(np.ones((1, 3)), m, "softmax")
    with pytest.raises(ValueError, match="softmax"):
        _two_level(normalisation="softmax")
    with pytest.raises(ValueError, match="zero-weight"):
        IndexMethod("T", (IndicatorSpec("A", "I", 0.0, 1, (0, 1)),), (GroupSpec("I", None),))


def test_aggregate_by_hand() -> None:
    """Children (50, 100, missing) with weights (1, 3, 1).

    arithmetic over the answered: (1 x 50 + 3 x 100) / 4 = 87.5; coverage (1 + 3) / 5 = 0.8.
    geometric: 50^(1/4) x 100^(3/4) = exp((ln 50 + 3 ln 100) / 4) = 84.09.
    min_coverage 0.9 > 0.8: no score.
    """
    v = np.array([[50.0, 100.0, np.nan]])
    w = np.array([1.0, 3.0, 1.0])
    score, cov = aggregate(v, w, "arithmetic", 0.6)
    assert score[0] == pytest.approx(87.5)
    assert cov[0] == pytest.approx(0.8)
    assert aggregate(v, w, "geometric", 0.6)[0][0] == pytest.approx(np.exp((np.log(50) + 3 * np.log(100)) / 4))
    assert np.isnan(aggregate(v, w, "arithmetic", 0.9)[0][0])
    assert aggregate(np.array([[0.0, 100.0, 80.0]]), w, "geometric", 0)[0][0] == 0.0


def test_geometric_with_a_zero_indicator_by_hand() -> None:
    """Geometric aggregation adds 1 point (GEOMETRIC_OFFSET 1 % of the 0-100 scale) to every child and takes it
    off the result, so one indicator at 0 no longer zeroes its dimension and the index.

    Unit u: A = 0 (goalposts 0-10) -> 0;  B = 80 (0-100) -> 80;  C = 1.85 (0-5, polarity -1) -> 100 x (1 - 0.37) = 63.
    D1 = (0 + 1)^(1/4) x (80 + 1)^(3/4) - 1 = 1 x 27 - 1 = 26      (81^(3/4) = 3^3)
    D2 = (63 + 1)^(1/1) - 1 = 63
    I  = (26 + 1)^(2/3) x (63 + 1)^(1/3) - 1 = 9 x 4 - 1 = 35
    Without the shift D1 = 0^(1/4) x 80^(3/4) = 0 and so I = 0.
    """
    vals = pd.DataFrame({"agency_id": ["u"] * 3, "indicator_id": ["A", "B", "C"], "value": [0.0, 80.0, 1.85]})
    s = composite_index(vals, _two_level(aggregation="geometric")).set_index("node")
    assert s.loc["A", "score"] == 0.0
    assert s.loc["D1", "score"] == pytest.approx(26)
    assert s.loc["D2", "score"] == pytest.approx(63)
    assert s.loc["I", "score"] == pytest.approx(35)
    assert aggregate(np.array([[0.0, 80.0]]), np.array([1.0, 3.0]), "geometric", 0, offset=1.0)[0][0] == \
        pytest.approx(26)
    # The offset follows the scale: the same unit on a 0-1 method scores 0.35.
    one = composite_index(vals, replace(_two_level(aggregation="geometric"), scale=1.0)).set_index("node")
    assert one.loc["I", "score"] == pytest.approx(0.35)
    with pytest.raises(ValueError, match="offset"):
        aggregate(np.ones((1, 2)), np.ones(2), "geometric", 0, offset=-1.0)


def test_composite_index_by_hand() -> None:
    """Two dimensions, unit u: A = 5 (goalposts 0-10), B = 80 (0-100), C = 1 (0-5, polarity -1).

    A -> 50, B -> 80, C -> 100 x (1 - 1/5) = 80.
    D1 = (1 x 50 + 3 x 80) / 4 = 290 / 4 = 72.5;  D2 = 80.
    I = (2 x 72.5 + 1 x 80) / 3 = 225 / 3 = 75.0 -> band from the method (none set here).
    """
    vals = pd.DataFrame({"agency_id": ["u"] * 3, "indicator_id": ["A", "B", "C"], "value": [5.0, 80.0, 1.0]})
    s = composite_index(vals, _two_level()).set_index("node")
    assert s.loc["D1", "score"] == pytest.approx(72.5)
    assert s.loc["D2", "score"] == pytest.approx(80)
    assert s.loc["I", "score"] == pytest.approx(75)
    assert s.loc["I", "kind"] == "index"
    assert (s["method_version"] == "T").all()


def test_catalogue_method_and_cycles(catalogue: Catalogue) -> None:
    """The catalogue's method has its dimensions and weights; a cycle column scores each cycle alone.

    Every scored indicator of one agency at its top goalpost (SEC.05 at its low one, polarity -1)
    scores 100 everywhere and lands in band 5 "Smart".
    """
    method = method_from_catalogue(catalogue)
    assert method.version == catalogue.method.version
    assert method.root == "INDEX"
    assert set(method.children("INDEX")) == {d.id for d in catalogue.dimensions}
    rows = []
    for cyc in (2564, 2565):
        for ind in catalogue.scored_indicators():
            assert ind.goalposts is not None
            top = ind.goalposts[1] if ind.polarity > 0 else ind.goalposts[0]
            rows.append({"cycle_year": cyc, "agency_id": "X", "indicator_id": ind.id, "value": top})
    s = composite_index(pd.DataFrame(rows), method)
    index = s[s["node"] == "INDEX"]
    assert list(index["cycle_year"]) == [2564, 2565]
    assert index["score"].tolist() == pytest.approx([100, 100])
    assert index["band"].tolist() == [5, 5]
    wide = scores_wide(s)
    assert wide.loc[(2565, "X"), "SVC"] == pytest.approx(100)


# ---- properties -------------------------------------------------------------------------------

value = st.one_of(st.none(), st.floats(-20, 120, allow_nan=False))
unit_values = st.lists(st.tuples(value, value, value), min_size=2, max_size=8)


def _frame(rows: list[tuple[float | None, float | None, float | None]]) -> pd.DataFrame:
    recs = []
    for n, row in enumerate(rows):
        for ind, v in zip(("A", "B", "C"), row, strict=True):
            recs.append({"agency_id": f"u{n}", "indicator_id": ind, "value": np.nan if v is None else v})
    return pd.DataFrame(recs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit_values, st.sampled_from(["goalposts", "minmax", "zscore", "rank"]),
       st.sampled_from(["arithmetic", "geometric"]))
def test_scores_stay_in_range(rows: list, norm: str, agg: str) -> None:
    s = composite_index(_frame(rows), _two_level(norm, agg))
    got = s["score"].dropna()
    assert ((got >= 0) & (got <= 100 + 1e-9)).all()


@settings(max_examples=40, deadline=None)
@given(unit_values, st.integers(0, 7), st.floats(0, 50), st.sampled_from(["arithmetic", "geometric"]))
def test_improving_a_positive_answer_never_lowers_any_score(rows: list, who: int, step: float, agg: str) -> None:
    """Raising indicator A (polarity +1, goalposts) for one unit lowers no score of any unit."""
    who = who % len(rows)
    before = composite_index(_frame(rows), _two_level(aggregation=agg))
    better = list(rows)
    a = better[who][0]
    better[who] = ((a if a is not None else 0.0) + step, *better[who][1:]) if a is not None else better[who]
    after = composite_index(_frame(better), _two_level(aggregation=agg))
    merged = before.merge(after, on=["agency_id", "node"], suffixes=("_0", "_1"))
    both = merged.dropna(subset=["score_0", "score_1"])
    assert (both["score_1"] >= both["score_0"] - 1e-9).all()
    assert merged["score_0"].isna().equals(merged["score_1"].isna())


@settings(max_examples=30, deadline=None)
@given(unit_values, st.randoms(use_true_random=False), st.sampled_from(["goalposts", "minmax", "zscore", "rank"]))
def test_permuting_agencies_changes_nothing(rows: list, rnd, norm: str) -> None:
    frame = _frame(rows)
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 10_000)).reset_index(drop=True)
    a = composite_index(frame, _two_level(norm)).set_index(["agency_id", "node"]).sort_index()
    b = composite_index(shuffled, _two_level(norm)).set_index(["agency_id", "node"]).sort_index()
    pd.testing.assert_series_equal(a["score"], b["score"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 10)), min_size=3, max_size=3).filter(lambda v: any(x is not None for x in v)),
       st.sampled_from(["arithmetic", "geometric"]))
def test_reweighting_equals_the_answered_items_alone(vals: list, agg: str) -> None:
    """With missing items, the group score equals the score of a method holding only the answered items."""
    weights = (1.0, 2.0, 3.0)
    full = IndexMethod("T", tuple(IndicatorSpec(n, "G", w, 1, (0, 10)) for n, w in zip("ABC", weights, strict=True)),
                       (GroupSpec("G", None),), aggregation=agg, min_coverage=0)
    kept = [(n, w, v) for n, w, v in zip("ABC", weights, vals, strict=True) if v is not None]
    alone = IndexMethod("T", tuple(IndicatorSpec(n, "G", w, 1, (0, 10)) for n, w, _ in kept),
                        (GroupSpec("G", None),), aggregation=agg, min_coverage=0)
    data = pd.DataFrame({"agency_id": "u", "indicator_id": list("ABC"),
                         "value": [np.nan if v is None else v for v in vals]})
    a = composite_index(data, full).set_index("node").loc["G", "score"]
    b = composite_index(data[data["value"].notna()], alone).set_index("node").loc["G", "score"]
    assert a == pytest.approx(b)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_improving_a_survey_answer_never_lowers_a_score(catalogue: Catalogue, data: st.DataObject) -> None:
    """Through the whole chain (answers -> indicator values -> catalogue index), raising one answer of a
    positively scored question never lowers any score of the agency (goalposts do not depend on others).
    Answering a question that was skipped is not covered: a low new answer can lower its group's mean."""
    from analytics.indicators import indicator_values

    numeric = [i for i in catalogue.entered_indicators() if i.type in ("count", "percentage", "stage", "yes_no")]
    rows = []
    for ind in numeric:
        high = {"stage": 4, "yes_no": 1}.get(ind.type, ind.maximum if ind.type == "percentage" else 50)
        v = data.draw(st.one_of(st.none(), st.integers(0, int(high))), label=ind.id)
        if v is not None:
            rows.append({"response_id": 1, "cycle_year": 2565, "agency_id": "A", "indicator_id": ind.id,
                         "value_num": float(v), "value_text": None})
    positive = [i for i in numeric if i.polarity > 0 and i.scored]
    target = data.draw(st.sampled_from(positive), label="improved")
    step = data.draw(st.integers(1, 10), label="step")
    answers = pd.DataFrame(rows, columns=["response_id", "cycle_year", "agency_id", "indicator_id", "value_num",
                                          "value_text"])
    better = answers.copy()
    hit = better["indicator_id"] == target.id
    # Answering a skipped question is not an improvement: it can lower a re-weighted group score.
    assume(bool(hit.any()))
    better.loc[hit, "value_num"] += step
    services = pd.DataFrame(columns=["response_id", "cycle_year", "agency_id", "digital_level", "annual_volume",
                                     "paper_required", "uses_digital_id", "uses_e_payment", "uses_e_signature",
                                     "uses_e_certificate"])
    method = method_from_catalogue(catalogue)
    before = composite_index(indicator_values(answers, services, catalogue), method)
    after = composite_index(indicator_values(better, services, catalogue), method)
    merged = before.merge(after, on=["agency_id", "node"], how="outer", suffixes=("_0", "_1"))
    both = merged.dropna(subset=["score_0", "score_1"])
    assert (both["score_1"] >= both["score_0"] - 1e-9).all()


def test_method_problems_are_all_named() -> None:
    """A method with an unknown parent, a childless group and falling bands reports each, naming the node."""
    with pytest.raises(ValueError) as err:
        IndexMethod("T", (IndicatorSpec("A", "NOPE", 1, 1, (0, 1)),),
                    (GroupSpec("I", None), GroupSpec("EMPTY", "I")),
                    bands=(BandSpec(1, 50, "x"), BandSpec(2, 10, "y")))
    text = str(err.value)
    assert "A: unknown parent 'NOPE'" in text
    assert "EMPTY: group has no indicators" in text
    assert "band minimums must rise" in text
    with pytest.raises(ValueError, match="goalposts"):
        IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, None),), (GroupSpec("I", None),))


def test_with_weights_changes_the_index_by_hand() -> None:
    """Giving D2 weight 2 (instead of 1) in the hand example: I = (2 x 72.5 + 2 x 80) / 4 = 76.25."""
    vals = pd.DataFrame({"agency_id": ["u"] * 3, "indicator_id": ["A", "B", "C"], "value": [5.0, 80.0, 1.0]})
    m = _two_level().with_weights({"D2": 2.0})
    assert composite_index(vals, m).set_index("node").loc["I", "score"] == pytest.approx(76.25)
    assert m.weight_of("D2") == 2.0
    assert m.band_of(float("nan")) is None


def test_none_leaves_values_unchanged_at_every_scale() -> None:
    """`none` takes the data as already on the scale: x = (37.5, 80) stays (37.5, 80) on 0-100 and on 0-1.

    Before, the values were multiplied by the scale (3,750 and 8,000 on 0-100). An indicator with
    goalposts in the same method still is: B = 5 on [0, 10] -> 0.5 x 100 = 50.
    Index of unit u (A = 37.5 with none, B = 5 with goalposts, equal weights): (37.5 + 50) / 2 = 43.75.
    """
    x = np.array([[37.5], [80.0]])
    for scale in (100.0, 1.0):
        m = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, None, "none"),), (GroupSpec("I", None),), scale=scale)
        assert normalise_matrix(x, m)[:, 0].tolist() == [37.5, 80.0]
    mixed = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, None, "none"), IndicatorSpec("B", "I", 1, 1, (0, 10))),
                        (GroupSpec("I", None),), scale=100.0)
    vals = pd.DataFrame({"agency_id": ["u", "u"], "indicator_id": ["A", "B"], "value": [37.5, 5.0]})
    s = composite_index(vals, mixed).set_index("node")["score"]
    assert (s["A"], s["B"], s["I"]) == (37.5, 50.0, 43.75)


def test_a_loop_is_reported_once_as_the_loop() -> None:
    """Groups A and B name each other as parent, with two leaves under each, beside a sound root.

    Before: six lines "<node>: the hierarchy has a cycle" (A, B and the four leaves) and no loop shown.
    Now: one problem, at the loop's first node in the method, showing A -> B -> A; nothing for the leaves.
    """
    groups = (GroupSpec("INDEX", None), GroupSpec("A", "B"), GroupSpec("B", "A"), GroupSpec("C", "INDEX"))
    leaves = tuple(IndicatorSpec(i, p, 1, 1, (0, 1)) for i, p in
                   (("A1", "A"), ("A2", "A"), ("B1", "B"), ("B2", "B"), ("C1", "C")))
    with pytest.raises(MethodError) as err:
        IndexMethod("T", leaves, groups)
    loops = [p for p in err.value.problems if "loop" in p.message]
    assert [(p.node, p.field) for p in loops] == [("A", "parent")]
    assert "A: the parents form a loop: A -> B -> A" in str(err.value)
    assert not {"A1", "A2", "B1", "B2", "C1"} & {p.node for p in err.value.problems}


def test_parent_loops_by_hand() -> None:
    """Parent links x -> C -> D -> E -> C (a loop of three entered from x), S -> S, and a sound chain y -> R.

    Each loop once, starting at its node listed first: C -> D -> E -> C and S -> S; x and y are in none.
    """
    parents = {"x": "C", "C": "D", "D": "E", "E": "C", "S": "S", "y": "R", "R": None}
    assert parent_loops(parents, ["x", "E", "D", "C", "S", "y", "R"]) == [["E", "C", "D", "E"], ["S", "S"]]
    assert parent_loops(parents, ["C", "D", "E", "x", "S", "y", "R"]) == [["C", "D", "E", "C"], ["S", "S"]]


def test_band_levels_may_be_names() -> None:
    """Bands named D (from 0), C (40), B (60), A (80): the output's band column holds the name.

    Scores of the one-indicator method (goalposts [0, 10], scale 100): 9 -> 90 -> A; 4 -> 40 -> C
    (a score on a band's min is in that band); 3.9 -> 39 -> D; missing -> no band.
    Bands 1 (0), B (50), B (40) have three problems: a number mixed with names, B twice, a falling min.
    """
    bands = (BandSpec("D", 0, "Beginning"), BandSpec("C", 40, "C"), BandSpec("B", 60, "B"), BandSpec("A", 80, "Leading"))
    m = IndexMethod("T", (IndicatorSpec("X", "I", 1, 1, (0, 10)),), (GroupSpec("I", None),), bands=bands,
                    min_coverage=1.0)
    vals = pd.DataFrame({"agency_id": ["p", "q", "r", "s"], "indicator_id": "X", "value": [9.0, 4.0, 3.9, np.nan]})
    s = composite_index(vals, m)
    root = s[s["node"] == "I"].set_index("agency_id")
    assert root["band"].tolist()[:3] == ["A", "C", "D"]
    assert pd.isna(root.loc["s", "band"]) and pd.isna(root.loc["s", "band_label"])
    assert root["band_label"].tolist()[:3] == ["Leading", "C", "Beginning"]
    assert m.band_of(90.0) == bands[3]
    with pytest.raises(MethodError) as err:
        IndexMethod("T", m.indicators, m.groups, bands=(BandSpec(1, 0, "x"), BandSpec("B", 50, "y"), BandSpec("B", 40, "z")))
    assert {(p.node, p.field) for p in err.value.problems} == {("bands", "level"), ("band B", "level"), ("band B", "min")}


def test_closest_known_ids() -> None:
    """Levenshtein distance, ignoring case, within max(1, len // 3) edits.

    "SVC.011" is one insertion from SVC.01 (and two from SVC.03); "SVC.012" is one edit from both
    SVC.01 and SVC.02, so both are named, in the given order; "svc.03" is SVC.03 in other case;
    "XYZ" is 3 edits from each of OSI, TII, HCI, over its limit of 1.
    """
    known = ["SVC.01", "SVC.02", "SVC.03", "DAT.01"]
    assert closest("SVC.011", ["SVC.01", "SVC.03", "DAT.01"]) == ["SVC.01"]
    assert closest("SVC.012", known) == ["SVC.01", "SVC.02"]
    assert closest("svc.03", known) == ["SVC.03"]
    assert closest("XYZ", ["OSI", "TII", "HCI"]) == []
    assert closest("OSII", ["OSI", "TII", "HCI"]) == ["OSI"]


def test_unknown_parent_names_the_closest_group() -> None:
    """A parent "SERVICE" that is one letter short of the group SERVICES is named with it; a parent that is an
    indicator is called one."""
    with pytest.raises(MethodError) as err:
        IndexMethod("T", (IndicatorSpec("A", "SERVICE", 1, 1, (0, 1)), IndicatorSpec("B", "SERVICES", 1, 1, (0, 1)),
                          IndicatorSpec("C", "B", 1, 1, (0, 1))),
                    (GroupSpec("INDEX", None), GroupSpec("SERVICES", "INDEX")))
    text = str(err.value)
    assert "A: unknown parent 'SERVICE' (closest group: SERVICES)" in text
    assert "C: parent 'B' is an indicator; a parent must be a group" in text
