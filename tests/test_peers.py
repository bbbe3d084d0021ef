"""Peer groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.peers import administrative_peers, describe_groups, peer_groups


def test_three_clear_groups_are_found() -> None:
    """Three tight clouds of 10 agencies at (80, 80), (20, 80) and (20, 20): silhouette picks k = 3;
    the (80, 80) group is numbered 0 (highest mean) and is above average on both dimensions."""
    rng = np.random.default_rng(0)
    centres = [(80, 80), (20, 80), (20, 20)]
    rows = np.vstack([rng.normal(c, 2, size=(10, 2)) for c in centres])
    prof = pd.DataFrame(rows, columns=["SVC", "DAT"], index=[f"A{n}" for n in range(30)])
    pg = peer_groups(prof, seed=0)
    assert pg.k == 3
    assert pg.silhouette > 0.8
    assert pg.assignments.loc["A0", "group"] == 0
    assert len(set(pg.assignments["group"])) == 3
    g0 = pg.groups.set_index("group").loc[0]
    assert set(g0["above"]) == {"SVC", "DAT"}
    again = peer_groups(prof, seed=0)
    assert again.assignments.equals(pg.assignments)


def test_identical_profiles_make_one_group() -> None:
    prof = pd.DataFrame({"SVC": [50.0] * 4, "DAT": [50.0] * 4})
    pg = peer_groups(prof)
    assert pg.k == 1
    assert (pg.assignments["group"] == 0).all()


def test_describe_by_hand() -> None:
    """Group 0 = (90, 10), group 1 = (10, 30): overall mean (50, 20); group 0 is +40 on A, -10 on B."""
    prof = pd.DataFrame({"A": [90.0, 10.0], "B": [10.0, 30.0]})
    d = describe_groups(prof, np.array([0, 1]), top=1).set_index("group")
    assert d.loc[0, "above"] == ["A"]
    assert d.loc[0, "below"] == ["B"]
    assert "+40.0" in d.loc[0, "description"]


def test_administrative_peers() -> None:
    frame = pd.DataFrame({"cycle_year": 2565, "agency_id": ["A", "B", "C", "D"], "ministry_id": ["M1", "M1", "M2", "M2"],
                          "agency_type": ["department", "state_enterprise", "department", "other"]})
    p = administrative_peers(frame, "A").set_index("agency_id")
    assert p.index.tolist() == ["B", "C"]
    assert p.loc["B", "same_ministry"] and not p.loc["B", "same_type"]
    assert p.loc["C", "same_type"]


def test_large_populations_choose_k_on_a_sample() -> None:
    """Three well-separated blobs of 150 units: k = 3 is found from a 60-unit sample, every unit is assigned,
    and the result is the same on a second run (seeded)."""
    rng = np.random.default_rng(0)
    centres = np.array([[10.0, 10, 10], [50, 50, 50], [90, 90, 90]])
    x = np.vstack([c + rng.normal(0, 2, size=(150, 3)) for c in centres])
    profiles = pd.DataFrame(x, columns=["A", "B", "C"], index=[f"U{i}" for i in range(450)])
    first = peer_groups(profiles, sample=60, seed=3)
    again = peer_groups(profiles, sample=60, seed=3)
    assert first.k == 3 and len(first.assignments) == 450
    assert first.assignments["group"].tolist() == again.assignments["group"].tolist()
    assert first.assignments["group"].iloc[0] == 2 and first.assignments["group"].iloc[-1] == 0
