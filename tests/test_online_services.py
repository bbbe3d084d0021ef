"""Online-service ratios per agency, ministry, agency type and nation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.online_services import digital_level_shares, online_ratios, year_on_year
from tests.conftest import DemoFrames

FRAME = pd.DataFrame({"cycle_year": [2565] * 3 + [2566] * 3, "agency_id": ["A", "B", "C"] * 2,
                      "ministry_id": ["M1", "M1", "M2"] * 2, "agency_type": ["department"] * 6})
RESPONSES = pd.DataFrame({"response_id": [1, 2, 3, 4, 5], "cycle_year": [2565, 2565, 2565, 2566, 2566],
                          "agency_id": ["A", "B", "C", "A", "B"],
                          "status": ["approved", "submitted", "draft", "approved", "approved"]})
SERVICES = pd.DataFrame({
    "response_id": [1, 1, 1, 2, 3, 4, 4, 4, 5],
    "cycle_year": [2565, 2565, 2565, 2565, 2565, 2566, 2566, 2566, 2566],
    "agency_id": ["A", "A", "A", "B", "C", "A", "A", "A", "B"],
    "digital_level": [4, 4, 2, 1, 4, 4, 4, 4, 4],
    "annual_volume": [10, 30, 60, 100, 5, 10, 30, 60, 100],
})


def test_online_ratios_by_hand() -> None:
    """B.E. 2565: A has 3 services (2 fully online, volumes 10 + 30 of 100), B has 1 (level 1, volume 100),
    C only a draft (not counted: missing, not zero).

    Agency A: 100 x 2 / 3 = 66.67 %; by volume 100 x 40 / 100 = 40 %.
    Ministry M1 (A + B, pooled): 100 x 2 / 4 = 50 %; volume 100 x 40 / 200 = 20 %. M2: missing.
    Nation: 2 / 4 = 50 % (C's draft is left out). 2566: A 3/3, B 1/1 -> nation 100 %, change +50 points.
    """
    ag = online_ratios(FRAME, RESPONSES, SERVICES, 4, "agency").set_index(["cycle_year", "agency_id"])
    assert ag.loc[(2565, "A"), "online_service_ratio"] == pytest.approx(200 / 3)
    assert ag.loc[(2565, "A"), "volume_online_ratio"] == pytest.approx(40)
    assert np.isnan(ag.loc[(2565, "C"), "online_service_ratio"])
    assert ag.loc[(2565, "C"), "missing"]
    assert np.isnan(ag.loc[(2566, "C"), "online_service_ratio"])
    mi = online_ratios(FRAME, RESPONSES, SERVICES, 4, "ministry").set_index(["cycle_year", "ministry_id"])
    assert mi.loc[(2565, "M1"), "online_service_ratio"] == pytest.approx(50)
    assert mi.loc[(2565, "M1"), "volume_online_ratio"] == pytest.approx(20)
    assert mi.loc[(2565, "M2"), "missing"]
    assert mi.loc[(2565, "M2"), "agencies_expected"] == 1
    na = online_ratios(FRAME, RESPONSES, SERVICES, 4, "nation")
    na = year_on_year(na, ["online_service_ratio"])
    assert na["online_service_ratio"].tolist() == pytest.approx([50, 100])
    assert na["online_service_ratio_change"].iloc[1] == pytest.approx(50)
    assert np.isnan(na["online_service_ratio_change"].iloc[0])
    ty = online_ratios(FRAME, RESPONSES, SERVICES, 4, "agency_type")
    assert ty["online_service_ratio"].tolist() == pytest.approx([50, 100])
    with pytest.raises(ValueError, match="province"):
        online_ratios(FRAME, RESPONSES, SERVICES, 4, "province")


def test_digital_level_shares_by_hand() -> None:
    """Nation 2565 (counted services of A and B): levels 4, 4, 2, 1 -> level 4 is 2 / 4 = 50 %,
    levels 1 and 2 each 25 %, 0 and 3 none. By volume: level 4 = 40 / 200 = 20 %, level 1 = 50 %."""
    sh = digital_level_shares(FRAME, RESPONSES, SERVICES, "nation")
    y = sh[sh["cycle_year"] == 2565].set_index("digital_level")
    assert y["share"].tolist() == pytest.approx([0, 25, 25, 0, 50])
    assert y.loc[4, "volume_share"] == pytest.approx(20)
    assert y.loc[1, "volume_share"] == pytest.approx(50)
    assert y["share"].sum() == pytest.approx(100)


def test_demo_national_ratio_2565(demo: DemoFrames) -> None:
    """The demo data reproduce the plan's published 72.71 % of key services fully online in B.E. 2565."""
    na = online_ratios(demo.frame, demo.responses, demo.services, 4, "nation").set_index("cycle_year")
    assert na.loc[2565, "online_service_ratio"] == pytest.approx(72.71, abs=0.01)
    ag = online_ratios(demo.frame, demo.responses, demo.services, 4, "agency")
    assert ag.loc[ag["missing"], "online_service_ratio"].isna().all()
    assert (ag["online_service_ratio"].dropna() <= 100).all()
