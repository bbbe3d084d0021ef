"""The indicator value table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.indicators import indicator_values, inventory_measures, option_count
from survey.catalogue import Catalogue

SERVICE_COLUMNS = ["response_id", "cycle_year", "agency_id", "digital_level", "annual_volume", "paper_required",
                   "uses_digital_id", "uses_e_payment", "uses_e_signature", "uses_e_certificate"]


def services_of(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (agency, digital_level, volume, paper, digital_id, e_payment, e_signature, e_certificate)."""
    return pd.DataFrame([(1, 2565, a, lv, vol, p, di, ep, es, ec) for a, lv, vol, p, di, ep, es, ec in rows],
                        columns=SERVICE_COLUMNS)


def test_inventory_measures_by_hand() -> None:
    """Agency A has 4 services: levels 4, 4, 3, 1; volumes 100, 300, 500, 100; paper on the last two;
    common services on the first only.

    online_ratio = 100 x 2 / 4 = 50; volume_online_ratio = 100 x (100 + 300) / 1000 = 40;
    paperless_ratio = 100 x 2 / 4 = 50; shared_service_ratio = 100 x 1 / 4 = 25.
    Agency B has one service with volume 0: volume ratio undefined (NaN), online ratio 100.
    """
    sv = services_of([("A", 4, 100, False, True, False, False, False), ("A", 4, 300, False, False, False, False, False),
                      ("A", 3, 500, True, False, False, False, False), ("A", 1, 100, True, False, False, False, False),
                      ("B", 4, 0, False, False, False, False, False)])
    m = inventory_measures(sv, 4).set_index("agency_id")
    assert m.loc["A", ["online_ratio", "volume_online_ratio", "paperless_ratio", "shared_service_ratio"]].tolist() \
        == pytest.approx([50, 40, 50, 25])
    assert np.isnan(m.loc["B", "volume_online_ratio"])
    assert m.loc["B", "online_ratio"] == 100


def test_indicator_values_by_hand(catalogue: Catalogue) -> None:
    """Entered, multi-choice, inventory and ratio indicators for one agency.

    DAT.02 = 7 as typed; PLT.01 = ["GDX", "GIN", "GDCC"] -> 3 options; SVC.01 from one service at
    level 4 -> 100; SKL.03 = SKL.02 / SKL.01 x 100 = 30 / 120 x 100 = 25. Agency Z has SKL.01 = 0:
    its ratio has no value (NaN), not 0 or infinity.
    """
    answers = pd.DataFrame([
        (1, 2565, "A", "DAT.02", 7.0, None), (1, 2565, "A", "PLT.01", 3.0, json.dumps(["GDX", "GIN", "GDCC"])),
        (1, 2565, "A", "SKL.01", 120.0, None), (1, 2565, "A", "SKL.02", 30.0, None),
        (2, 2565, "Z", "SKL.01", 0.0, None), (2, 2565, "Z", "SKL.02", 0.0, None),
    ], columns=["response_id", "cycle_year", "agency_id", "indicator_id", "value_num", "value_text"])
    sv = services_of([("A", 4, 10, False, False, False, False, False)])
    v = indicator_values(answers, sv, catalogue).set_index(["agency_id", "indicator_id"])["value"]
    assert v[("A", "DAT.02")] == 7
    assert v[("A", "PLT.01")] == 3
    assert v[("A", "SVC.01")] == 100
    assert v[("A", "SKL.03")] == pytest.approx(25)
    assert np.isnan(v[("Z", "SKL.03")])
    assert ("Z", "SVC.01") not in v.index
    assert list(indicator_values(answers, sv, catalogue).columns) == ["cycle_year", "agency_id", "indicator_id", "value"]


def test_option_count() -> None:
    assert option_count('["A", "B", "A"]') == 2
    assert option_count("[]") == 0
    assert np.isnan(option_count(None))
    assert np.isnan(option_count("not json"))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 4), st.integers(0, 10_000), st.booleans(),
                          st.booleans(), st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_ratios_never_exceed_100(rows: list[tuple]) -> None:
    m = inventory_measures(services_of(rows), 4)
    vals = m[["online_ratio", "volume_online_ratio", "paperless_ratio", "shared_service_ratio"]].to_numpy()
    finite = vals[np.isfinite(vals)]
    assert ((finite >= 0) & (finite <= 100 + 1e-9)).all()
