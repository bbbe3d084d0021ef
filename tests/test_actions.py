"""Gap -> cause -> action for one agency."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.actions import agency_actions, effective_weights, weakest_dimensions
from analytics.index import composite_index, method_from_catalogue
from survey.catalogue import Catalogue


def _top_values(catalogue: Catalogue, agency: str, overrides: dict[str, float]) -> list[dict]:
    rows = []
    for ind in catalogue.scored_indicators():
        assert ind.goalposts is not None
        top = ind.goalposts[1] if ind.polarity > 0 else ind.goalposts[0]
        rows.append({"agency_id": agency, "indicator_id": ind.id, "value": overrides.get(ind.id, top)})
    return rows


def test_actions_ranked_by_gain_by_hand(catalogue: Catalogue) -> None:
    """Agency X is at the top goalpost everywhere except SVC.01 = 50, PLT.02 = 40, SHR.01 = 0 options.

    Dimension weights sum to 1. Effective weights: SVC.01 = 2/5 x 0.25 = 0.1; PLT.02 = 1/3 x 0.10 = 0.0333;
    SHR.01 = 1/1 x 0.10 = 0.1. Normalised: 50, 40, 0 -> shortfalls 50, 60, 100.
    Gains: SHR.01 0.1 x 100 = 10; SVC.01 0.1 x 50 = 5; PLT.02 0.0333 x 60 = 2. Everything else 0.
    Check: the index is 100 - 17 = 83; raising SVC.01 to 100 gives 88, a gain of exactly 5.
    Peer Y is at the top everywhere: X's gap to peers on SHR.01 is 100 - 0 = 100 (median of 0 and 100 is 50,
    so with both as peers the gap is 50 - 0 = 50).
    """
    method = method_from_catalogue(catalogue)
    vals = pd.DataFrame(_top_values(catalogue, "X", {"SVC.01": 50, "PLT.02": 40, "SHR.01": 0})
                        + _top_values(catalogue, "Y", {}))
    scores = composite_index(vals, method)
    assert scores[(scores["node"] == "INDEX") & (scores["agency_id"] == "X")]["score"].iloc[0] == pytest.approx(83)
    acts = agency_actions("X", scores, catalogue, method)
    assert acts["indicator_id"].tolist()[:3] == ["SHR.01", "SVC.01", "PLT.02"]
    assert acts["gain"].tolist()[:3] == pytest.approx([10, 5, 2])
    assert acts["gain"].iloc[3:].abs().max() == pytest.approx(0)
    assert acts.iloc[0]["action_en"] == catalogue.indicator("SHR.01").action.en  # type: ignore[union-attr]
    assert acts.iloc[0]["gap_to_peers"] == pytest.approx(50)
    assert agency_actions("X", scores, catalogue, method, peers=["Y"]).iloc[0]["gap_to_peers"] == pytest.approx(100)
    raised = pd.DataFrame(_top_values(catalogue, "X", {"PLT.02": 40, "SHR.01": 0}))
    assert composite_index(raised, method).set_index("node").loc["INDEX", "score"] == pytest.approx(88)


def test_effective_weights_add_up(catalogue: Catalogue) -> None:
    eff = effective_weights(method_from_catalogue(catalogue))
    assert sum(eff.values()) == pytest.approx(1)
    assert eff["SVC.01"] == pytest.approx(0.1)


def test_weakest_dimensions_and_targets(catalogue: Catalogue) -> None:
    """X's SHR dimension is 0 (weakest, rank 1), SVC = (2 x 50 + 100 + 100 + 100) / 5 = 80.
    A milestone of 77.168 for SVC.01 gives gap_to_target = 50 - 77.168 = -27.168."""
    method = method_from_catalogue(catalogue)
    scores = composite_index(pd.DataFrame(_top_values(catalogue, "X", {"SVC.01": 50, "SHR.01": 0})), method)
    w = weakest_dimensions(scores, "X")
    assert w.iloc[0]["node"] == "SHR"
    assert w.set_index("node").loc["SVC", "score"] == pytest.approx(80)
    acts = agency_actions("X", scores, catalogue, method, milestones={"SVC.01": 77.168}).set_index("indicator_id")
    assert acts.loc["SVC.01", "gap_to_target"] == pytest.approx(-27.168)
    with pytest.raises(ValueError):
        agency_actions("nobody", scores, catalogue, method)


def test_answers_and_evidence_travel_with_the_actions(catalogue: Catalogue) -> None:
    """The agency's own answer (number, or the chosen options of a multi-choice) and evidence link are shown."""
    method = method_from_catalogue(catalogue)
    scores = composite_index(pd.DataFrame(_top_values(catalogue, "X", {"SHR.01": 1})), method)
    answers = pd.DataFrame({"agency_id": ["X", "X"], "indicator_id": ["SHR.01", "DAT.01"], "value_num": [1.0, 4.0],
                            "value_text": ['["DIGITAL_ID"]', None],
                            "evidence": ["https://example.invalid/shr", None]})
    acts = agency_actions("X", scores, catalogue, method, answers=answers).set_index("indicator_id")
    assert acts.loc["SHR.01", "answer"] == '["DIGITAL_ID"]'
    assert acts.loc["SHR.01", "evidence"] == "https://example.invalid/shr"
    assert acts.loc["DAT.01", "answer"] == 4.0
