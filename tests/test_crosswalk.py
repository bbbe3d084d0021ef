"""Crosswalk to UN EGDI, GTMI and OECD DGI."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.crosswalk import crosswalk_map, crosswalk_summary
from survey.catalogue import Catalogue


def test_crosswalk_summary_by_hand(catalogue: Catalogue) -> None:
    """EGDI HCI is fed by SKL.03 and SKL.05 (catalogue). Agency A: 20 and 40 -> mean 30 (< 50);
    agency B: 80 and (unanswered) -> 80. mean_score = (30 + 80) / 2 = 55; share below 50 = 1 of 2 = 50 %;
    weakest indicator: SKL.05 (mean 40) rather than SKL.03 (mean (20 + 80) / 2 = 50).
    GTMI PSDI is fed only by SVC.*, absent here: no score."""
    scores = pd.DataFrame({"agency_id": ["A", "A", "B"], "node": ["SKL.03", "SKL.05", "SKL.03"],
                           "kind": "indicator", "score": [20.0, 40.0, 80.0]})
    s = crosswalk_summary(scores, catalogue).set_index(["framework", "dimension"])
    hci = s.loc[("egdi", "HCI")]
    assert sorted(hci["indicators"]) == ["SKL.03", "SKL.05"]
    assert hci["mean_score"] == pytest.approx(55)
    assert hci["share_below"] == pytest.approx(50)
    assert hci["weakest_indicator"] == "SKL.05"
    assert len(s) == sum(len(d) for d in catalogue.frameworks.values())
    assert pd.isna(s.loc[("gtmi", "PSDI"), "mean_score"])


def test_crosswalk_map_uses_scored_indicators(catalogue: Catalogue) -> None:
    m = crosswalk_map(catalogue)
    assert set(m["framework"]) <= set(catalogue.frameworks)
    assert "SVC.01" in m[(m["framework"] == "egdi") & (m["dimension"] == "OSI")]["indicator_id"].tolist()
