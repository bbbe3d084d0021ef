"""A trend spanning two instrument versions uses only the indicators comparable across them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.index import composite_index, method_from_catalogue
from analytics.versions_trend import comparable_trend, restrict_method
from survey.catalogue import Catalogue, parse_catalogue
from survey.versions import comparable_indicators, compare, diff_rows, edition_summary, lineage_check
from tests.test_versions import _next_edition, _raw


def _values(edition: Catalogue, year: int, best: bool, agencies: int = 3) -> list[dict[str, object]]:
    """Every scored indicator at its best goalpost (or its worst), for a few agencies."""
    rows = []
    for ind in edition.scored_indicators():
        low, high = ind.goalposts or (0.0, 1.0)
        good = high if ind.polarity > 0 else low
        bad = low if ind.polarity > 0 else high
        for n in range(agencies):
            rows.append({"cycle_year": year, "agency_id": f"A{n}", "indicator_id": ind.id,
                         "value": good if best else bad})
    return rows


def test_trend_across_two_versions_uses_only_comparable_indicators() -> None:
    """Hand check: every comparable indicator sits at its best goalpost (normalised 1, score 100) in both
    cycles, while INT.05 (retired in 2569.1) and INT.06 (added in 2569.1) sit at their worst (score 0).
    A composite on the comparable indicators alone is therefore exactly 100 in both cycles; any use of
    INT.05 or INT.06 would pull it below 100."""
    v1, v2 = parse_catalogue(_raw()), parse_catalogue(_next_edition())
    comparable = set(comparable_indicators([v1, v2]))
    assert "INT.05" not in comparable and "INT.06" not in comparable
    rows = [r for r in _values(v1, 2568, True) if r["indicator_id"] != "INT.05"]
    rows += [r for r in _values(v2, 2569, True) if r["indicator_id"] != "INT.06"]
    rows += [r for r in _values(v1, 2568, False) if r["indicator_id"] == "INT.05"]
    rows += [r for r in _values(v2, 2569, False) if r["indicator_id"] == "INT.06"]
    values = pd.DataFrame(rows)
    method = method_from_catalogue(v2)

    trend = comparable_trend(values, {2568: v1, 2569: v2}, method)

    assert trend["cycle_year"].tolist() == [2568, 2569]
    assert trend["catalogue_version"].tolist() == ["2568.1", "2569.1"]
    assert trend["composite"].tolist() == pytest.approx([100.0, 100.0])
    assert trend["agencies_scored"].tolist() == [3, 3]
    used = len(comparable & set(method.indicator_ids()))
    assert trend["indicators_used"].tolist() == [used, used] and used == len(method.indicator_ids()) - 1
    # The same data scored with every indicator of the new edition is not comparable: INT.06 drags 2569 down.
    naive = composite_index(values, method)
    naive_2569 = naive[(naive["node"] == method.root) & (naive["cycle_year"] == 2569)]["score"]
    assert float(naive_2569.mean()) < 100.0


def test_one_edition_keeps_every_indicator_and_unknown_cycles_are_refused() -> None:
    v1 = parse_catalogue(_raw())
    values = pd.DataFrame(_values(v1, 2568, True))
    method = method_from_catalogue(v1)
    trend = comparable_trend(values, {2568: v1}, method)
    assert trend["indicators_used"].iloc[0] == len(method.indicator_ids())
    assert math.isclose(trend["composite"].iloc[0], 100.0)
    with pytest.raises(ValueError, match=r"no instrument edition given for cycles \[2568\]"):
        comparable_trend(values, {2569: v1}, method)
    with pytest.raises(ValueError, match="no comparable indicator"):
        restrict_method(method, [])


def test_version_report_rows_for_the_page() -> None:
    v1, v2 = parse_catalogue(_raw()), parse_catalogue(_next_edition())
    rows = diff_rows(compare(v1, v2)).to_dict("records")
    assert rows[:3] == [{"change": "added", "indicator_id": "INT.06"}, {"change": "retired", "indicator_id": "INT.05"},
                        {"change": "reworded", "indicator_id": "SEC.04"}]
    assert edition_summary([v1, v2])["version"].tolist() == ["2568.1", "2569.1"]
    assert lineage_check([v1, v2]).ok
    raw3 = _next_edition()
    raw3["version"], raw3["retired"] = "2570.1", []
    back = next(i for d in raw3["dimensions"] for i in d["indicators"] if i["id"] == "INT.06")
    raw3["dimensions"][2]["indicators"].append({**back, "id": "INT.05"})
    check = lineage_check([v1, v2, parse_catalogue(raw3)])
    assert not check.ok
    assert any(p.startswith("indicator INT.05: retired in 2569.1 and reused in 2570.1") for p in check.problems)
