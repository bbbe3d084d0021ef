"""Online-service ratios per agency, ministry, agency type and nation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    levels 1 and 2 each 25 %, 0 and 3 none. By volume: level 4 = 40 / 200 = 20 %, level 1 = 50 %.
    2566: A's three and B's one service are all at level 4 -> 100 % (+50 points), level 1 0 % (-25)."""
    sh = digital_level_shares(FRAME, RESPONSES, SERVICES, "nation")
    y = sh[sh["cycle_year"] == 2565].set_index("digital_level")
    assert y["share"].tolist() == pytest.approx([0, 25, 25, 0, 50])
    assert y.loc[4, "volume_share"] == pytest.approx(20)
    assert y.loc[1, "volume_share"] == pytest.approx(50)
    assert y["share"].sum() == pytest.approx(100)
    # 2566: all four services of A and B are at level 4 -> 100 %, a change of +50 points at level 4.
    change = year_on_year(sh, ["share"], ["digital_level"]).set_index(["cycle_year", "digital_level"])
    assert change.loc[(2566, 4), "share_change"] == pytest.approx(50)
    assert change.loc[(2566, 1), "share_change"] == pytest.approx(-25)


def test_demo_national_ratio_2565(demo: DemoFrames) -> None:
    """The demo data reproduce the plan's published 72.71 % of key services fully online in B.E. 2565."""
    na = online_ratios(demo.frame, demo.responses, demo.services, 4, "nation").set_index("cycle_year")
    assert na.loc[2565, "online_service_ratio"] == pytest.approx(72.71, abs=0.01)
    ag = online_ratios(demo.frame, demo.responses, demo.services, 4, "agency")
    assert ag.loc[ag["missing"], "online_service_ratio"].isna().all()
    assert (ag["online_service_ratio"].dropna() <= 100).all()


service_rows = st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 4), st.integers(0, 1000),
                                  st.sampled_from([2565, 2566])), min_size=0, max_size=25)


@settings(max_examples=40, deadline=None)
@given(service_rows, st.randoms(use_true_random=False), st.sampled_from(["agency", "ministry", "agency_type", "nation"]))
def test_ratios_bounded_and_order_free(rows: list[tuple], rnd, level: str) -> None:
    """At every level: ratios lie in [0, 100], and shuffling the rows of every input changes nothing."""
    sv = pd.DataFrame({"response_id": [{"A": 1, "B": 2, "C": 3}[a] + (3 if y == 2566 else 0) for a, _, _, y in rows],
                       "cycle_year": [y for *_, y in rows], "agency_id": [a for a, *_ in rows],
                       "digital_level": [lv for _, lv, _, _ in rows], "annual_volume": [v for _, _, v, _ in rows]})
    responses = pd.DataFrame({"response_id": [1, 2, 3, 4, 5, 6], "cycle_year": [2565] * 3 + [2566] * 3,
                              "agency_id": ["A", "B", "C"] * 2, "status": ["approved", "submitted", "draft"] * 2})
    out = online_ratios(FRAME, responses, sv, 4, level)
    for col in ("online_service_ratio", "volume_online_ratio"):
        got = out[col].dropna()
        assert ((got >= 0) & (got <= 100)).all()
    seed = rnd.randint(0, 1000)
    shuffled = online_ratios(FRAME.sample(frac=1, random_state=seed), responses.sample(frac=1, random_state=seed),
                             sv.sample(frac=1, random_state=seed), 4, level)
    pd.testing.assert_frame_equal(out, shuffled)


def test_services_not_meant_to_go_online_leave_the_denominator() -> None:
    """Ministry M: agency A 4 services (2 online, 1 not applicable), agency B 2 services (both not applicable).

    pooled: 100 x 2 / ((4 - 1) + (2 - 2)) = 66.67; ministry N: 1 service online of 1 = 100;
    online_ratio over the six services of M: services 6, not_applicable 3, online 2, ratio 2 / 3.
    """
    from analytics.online_services import online_ratio, pooled_ratio

    online = pd.DataFrame({"agency_id": ["A", "B", "C"], "ministry_id": ["M", "M", "N"], "services": [4, 2, 1],
                           "not_applicable": [1, 2, 0], "online": [2, 0, 1]})
    ratio = pooled_ratio(online, "ministry_id")
    assert ratio["M"] == pytest.approx(200 / 3) and ratio["N"] == pytest.approx(100.0)
    services = pd.DataFrame({"digital_level": [4, 4, 1, 0, 0, 4],
                             "not_applicable": [False, False, False, True, True, True]})
    row = online_ratio(services).iloc[0]
    assert (row["services"], row["not_applicable"], row["online"]) == (6, 3, 2)
    assert row["online_service_ratio"] == pytest.approx(200 / 3)
    all_na = online_ratio(services[services["not_applicable"]]).iloc[0]
    assert all_na["services"] == 3 and pd.isna(all_na["online_service_ratio"])
