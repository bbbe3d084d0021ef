"""Adoption of standards, platforms and shared services."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.adoption import adoption_summary, option_adoption, stage_distribution, standards_adoption
from survey.catalogue import Catalogue

FRAME = pd.DataFrame({"cycle_year": 2565, "agency_id": ["A", "B", "C", "D"], "ministry_id": ["M1", "M1", "M2", "M2"],
                      "agency_type": "department"})


def test_standards_by_hand(catalogue: Catalogue) -> None:
    """STD.01 stages: A 4, B 1, C 3; D did not answer.

    Nation: adopted (stage >= 3) A and C of 3 answering -> 66.67 %, not yet: B.
    M1: A of A, B -> 50 %; M2: C of C -> 100 % (D left out, not counted as not adopting).
    Stage distribution nationally: stages 1, 3, 4 each 1 of 3 = 33.3 %.
    """
    values = pd.DataFrame({"cycle_year": 2565, "agency_id": ["A", "B", "C"], "indicator_id": "STD.01",
                           "value": [4.0, 1.0, 3.0]})
    nat = standards_adoption(values, FRAME, catalogue).iloc[0]
    assert nat["rate"] == pytest.approx(200 / 3)
    assert nat["not_adopted"] == ["B"]
    mi = standards_adoption(values, FRAME, catalogue, by="ministry_id").set_index("group")
    assert mi.loc["M1", "rate"] == 50
    assert mi.loc["M2", "rate"] == 100
    assert mi.loc["M2", "agencies"] == 1
    dist = stage_distribution(values, FRAME, catalogue).set_index("stage")
    assert dist["agencies"].tolist() == [0, 1, 0, 1, 1]
    assert dist.loc[3, "share"] == pytest.approx(100 / 3)


def test_platform_options_by_hand(catalogue: Catalogue) -> None:
    """PLT.01: A ticks GDX and GIN, B ticks GIN, C ticks nothing ([]). GDX: 1 of 3 -> 33.3 %, not yet B, C."""
    answers = pd.DataFrame({"response_id": [1, 2, 3], "cycle_year": 2565, "agency_id": ["A", "B", "C"],
                            "indicator_id": "PLT.01", "value_num": [2.0, 1.0, 0.0],
                            "value_text": [json.dumps(["GDX", "GIN"]), json.dumps(["GIN"]), "[]"]})
    out = option_adoption(answers, FRAME, catalogue, "PLT.01").set_index("item")
    assert out.loc["GDX", "rate"] == pytest.approx(100 / 3)
    assert out.loc["GDX", "not_adopted"] == ["B", "C"]
    assert out.loc["GIN", "adopted"] == 2
    assert len(out) == len(catalogue.indicator("PLT.01").options)
    with pytest.raises(ValueError):
        option_adoption(answers, FRAME, catalogue, "DAT.01")
    values = pd.DataFrame(columns=["cycle_year", "agency_id", "indicator_id", "value"])
    both = adoption_summary(answers, values, FRAME, catalogue)
    assert set(both["kind"]) == {"platform"}
