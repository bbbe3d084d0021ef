"""analytics.codes: keys of several columns counted as one integer, and rows paired with the frame's, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.codes import dense, grouped, pair_with_frame


def _ids(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="string")


def test_dense_numbers_the_distinct_keys_in_order_both_ways() -> None:
    key = np.array([7, 2, 7, 5, 2])
    for space in (8, 10**9):  # bincount over a small key space, np.unique past it
        present, row = dense(key, space)
        assert present.tolist() == [2, 5, 7] and row.tolist() == [2, 0, 2, 1, 0]


def test_grouped_gives_each_distinct_combination_sorted_column_by_column() -> None:
    cycle, group = np.array([1, 0, 1, 0, 1]), np.array([2, 1, 0, 1, 2])
    (cycles, groups), row = grouped([cycle, group], [2, 3])
    assert list(zip(cycles.tolist(), groups.tolist(), strict=True)) == [(0, 1), (1, 0), (1, 2)]
    assert row.tolist() == [2, 0, 1, 0, 2]


def test_pair_with_frame_finds_each_rows_cycle_and_agency() -> None:
    frame = pd.DataFrame({"cycle_year": np.array([2567, 2568, 2568]), "agency_id": _ids(["B", "A", "B"])})
    left = pd.DataFrame({"cycle_year": np.array([2568, 2566, 2567, 2568]), "agency_id": _ids(["B", "A", "B", "C"])})
    pairs = pair_with_frame(frame, left, left.iloc[:1])
    assert pairs is not None
    assert pairs.rows[0].tolist() == [2, -1, 0, -1] and pairs.rows[1].tolist() == [2]
    # Codes among every table's sorted cycles and ids (2566 and C come from `left`).
    assert pairs.cycles.tolist() == [2566, 2567, 2568] and pairs.names.tolist() == ["A", "B", "C"]
    assert pairs.cycle.tolist() == [1, 2, 2] and pairs.agency.tolist() == [1, 0, 1]


def test_pair_with_frame_leaves_to_the_merge_what_codes_cannot_stand_for() -> None:
    frame = pd.DataFrame({"cycle_year": np.array([2568, 2568]), "agency_id": _ids(["A", "A"])})
    assert pair_with_frame(frame) is None  # a cycle and agency twice
    assert pair_with_frame(frame.assign(agency_id=_ids(["A", None]))) is None  # a missing id
    assert pair_with_frame(frame.assign(agency_id=pd.Series(["A", "B"], dtype=object))) is None  # ids as objects
    fine = frame.assign(agency_id=_ids(["A", "B"]))
    assert pair_with_frame(fine) is not None
    assert pair_with_frame(fine, fine.assign(cycle_year=fine["cycle_year"].astype(float))) is None
