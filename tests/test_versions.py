"""Instrument editions: ids never change meaning, retired ids never come back, trends use comparable ids."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from survey.catalogue import CATALOGUE_PATH, CatalogueError, parse_catalogue
from survey.versions import check_lineage, comparable_indicators, compare, editions


def _raw() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _drop(raw: dict[str, Any], iid: str) -> None:
    for dim in raw["dimensions"]:
        dim["indicators"] = [i for i in dim["indicators"] if i["id"] != iid]


def _find(raw: dict[str, Any], iid: str) -> dict[str, Any]:
    return next(i for d in raw["dimensions"] for i in d["indicators"] if i["id"] == iid)


def _next_edition() -> dict[str, Any]:
    """2569.1: INT.05 retired, INT.06 added (a new question), SEC.04 reworded only."""
    raw = _raw()
    raw["version"] = "2569.1"
    new = copy.deepcopy(_find(raw, "INT.05"))
    _drop(raw, "INT.05")
    new["id"] = "INT.06"
    new["question"] = {"th": "ร้อยละของธุรกรรมข้อมูลที่ผ่าน GDX", "en": "Percentage of data transactions through GDX"}
    raw["dimensions"][2]["indicators"].append(new)
    raw["retired"] = ["INT.05"]
    _find(raw, "SEC.04")["question"]["en"] = "Share of critical systems with a tested restore this year (%)"
    return raw


def test_shipped_history_is_consistent() -> None:
    check_lineage(editions())


def test_diff_between_editions() -> None:
    v1, v2 = parse_catalogue(_raw()), parse_catalogue(_next_edition())
    check_lineage([v1, v2])
    diff = compare(v1, v2)
    assert (diff.added, diff.retired, diff.reworded) == (("INT.06",), ("INT.05",), ("SEC.04",))
    assert "INT.05" not in diff.comparable and "SEC.04" in diff.comparable
    assert comparable_indicators([v1, v2]) == [i for i in diff.comparable if i != "INT.06"]
    assert len(comparable_indicators([v1, v2])) == 32


def test_reusing_a_retired_id_is_refused_naming_it() -> None:
    v1, v2 = parse_catalogue(_raw()), parse_catalogue(_next_edition())
    raw3 = _next_edition()
    raw3["version"] = "2570.1"
    raw3["retired"] = []  # someone drops it from the list and brings the id back for a new question
    back = copy.deepcopy(_find(raw3, "INT.06"))
    back["id"] = "INT.05"
    raw3["dimensions"][2]["indicators"].append(back)
    with pytest.raises(CatalogueError) as err:
        check_lineage([v1, v2, parse_catalogue(raw3)])
    assert "indicator INT.05: retired in 2569.1 and reused in 2570.1" in str(err.value)


def test_a_changed_meaning_or_silent_drop_is_refused() -> None:
    v1 = parse_catalogue(_raw())
    raw2 = _raw()
    raw2["version"] = "2569.1"
    _find(raw2, "DAT.01")["type"] = "yes_no"
    _drop(raw2, "SKL.05")
    with pytest.raises(CatalogueError) as err:
        check_lineage([v1, parse_catalogue(raw2)])
    msg = str(err.value)
    assert "indicator DAT.01: its meaning changed between 2568.1 and 2569.1" in msg
    assert "indicator SKL.05: dropped in 2569.1 without being listed as retired" in msg
