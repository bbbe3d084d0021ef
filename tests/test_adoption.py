"""Adoption of standards, platforms and shared services."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.adoption import (
    ADOPTION_COLUMNS,
    _groups,
    adoption_summary,
    option_adoption,
    stage_distribution,
    standards_adoption,
)
from analytics.indicators import chosen_options
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



def _summarise_by_groupby(long: pd.DataFrame) -> pd.DataFrame:
    """The summary as it was built before (pandas groupby on the keys, a sort of the ids' texts): the reference."""
    keys = ["cycle_year", "group", "item"]
    if long.empty:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    long = long.assign(agency_id=long["agency_id"].astype(str), adopted=long["adopted"].astype(bool))
    out = long.groupby(keys, sort=True).agg(agencies=("adopted", "size"), adopted=("adopted", "sum")).reset_index()
    out["adopted"] = out["adopted"].astype(int)
    out["rate"] = 100.0 * out["adopted"] / out["agencies"].where(out["agencies"] > 0)
    # Who lags, per row of `out`: sort the non-adopters by row and agency once, then cut the list at each row.
    lag = long.loc[~long["adopted"], [*keys, "agency_id"]]
    row = pd.MultiIndex.from_frame(out[keys]).get_indexer(pd.MultiIndex.from_frame(lag[keys]))
    order = np.lexsort((lag["agency_id"].to_numpy(dtype=object), row))
    names, row = lag["agency_id"].to_numpy(dtype=object)[order], row[order]
    cuts = np.searchsorted(row, np.arange(len(out) + 1))
    out["not_adopted"] = [names[cuts[i]:cuts[i + 1]].tolist() for i in range(len(out))]
    return out[ADOPTION_COLUMNS]


def _option_adoption_by_parts(answers: pd.DataFrame, frame: pd.DataFrame, catalogue: Catalogue, indicator_id: str,
                    by: str | None = None) -> pd.DataFrame:
    """The option table as it was built before: one frame per option, concatenated (the reference)."""
    ind = catalogue.indicator(indicator_id)
    if ind.type != "multi_choice":
        raise ValueError(f"{indicator_id} is not a multi-choice question")
    a = answers[(answers["indicator_id"] == indicator_id) & answers["value_text"].notna()]
    a = a.merge(_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    # Answers repeat the same few option lists: parse each distinct text once, then index by its code.
    codes, texts = pd.factorize(a["value_text"])
    options = ind.option_ids()
    chosen = [set(chosen_options(t)) for t in texts]
    ticked = np.array([[o in c for o in options] for c in chosen], dtype=bool).reshape(len(texts), len(options))
    parts = []
    for j, opt in enumerate(options):
        parts.append(pd.DataFrame({"cycle_year": a["cycle_year"], "group": a["group"], "item": opt,
                                   "agency_id": a["agency_id"], "adopted": ticked[codes, j]}))
    if not parts:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    return _summarise_by_groupby(pd.concat(parts, ignore_index=True))


def test_summary_on_codes_equals_the_groupby_build(demo, catalogue: Catalogue,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Standards, platforms and shared services, national and per ministry, every cycle of the 120-agency demo:
    the summary counted on integer codes (options taken as one frame) equals the groupby build (a frame per option) frame for frame (lists of who lags too); so do
    integer agency ids (sorted as text: "10" before "9") and a row with a missing cycle (left out)."""
    from analytics import adoption
    from analytics.indicators import indicator_values
    from analytics.pipeline import counted_frames

    _, sv, ans = counted_frames(demo.frame, demo.responses, demo.services, demo.answers)
    values = indicator_values(ans, sv, catalogue)
    new = [adoption_summary(ans, values, demo.frame, catalogue, by) for by in (None, "ministry_id")]
    monkeypatch.setattr(adoption, "_summarise", _summarise_by_groupby)
    monkeypatch.setattr(adoption, "option_adoption", _option_adoption_by_parts)
    old = [adoption_summary(ans, values, demo.frame, catalogue, by) for by in (None, "ministry_id")]
    monkeypatch.undo()
    for n, o in zip(new, old, strict=True):
        assert len(n) > 20 and n["not_adopted"].map(len).sum() > 0
        pd.testing.assert_frame_equal(n, o)
    long = pd.DataFrame({"cycle_year": [2567, 2567, 2567, 2568, None], "group": "national", "item": "STD.01",
                         "agency_id": [9, 10, 11, 9, 12], "adopted": [False, False, True, True, False]})
    none = ans.iloc[:0]
    pd.testing.assert_frame_equal(option_adoption(none, demo.frame, catalogue, "PLT.01"),
                                  _option_adoption_by_parts(none, demo.frame, catalogue, "PLT.01"))
    got = adoption._summarise(long)
    pd.testing.assert_frame_equal(got, _summarise_by_groupby(long))
    assert got["not_adopted"].tolist() == [["10", "9"], []]
