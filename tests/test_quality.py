"""Data-quality flags."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.quality import (
    FLAG_COLUMNS,
    JUMP_TYPES,
    MODIFIED_Z_CONSTANT,
    MODIFIED_Z_LIMIT,
    _flags,
    _messages,
    _span,
    completeness_by_indicator,
    completeness_by_response,
    jump_flags,
    modified_z,
    multivariate_outlier_flags,
    quality_flags,
    robust_outlier_flags,
    rule_flags,
)
from survey.catalogue import Catalogue
from survey.errors import Year, message
from survey.i18n import t

ANSWER_COLUMNS = ["response_id", "cycle_year", "agency_id", "indicator_id", "value_num", "value_text"]


def test_completeness_by_hand(catalogue: Catalogue) -> None:
    """Response 1 answers DAT.01 and DAT.02 of the R required entered questions: completeness 100 x 2 / R.
    Response 2 answers nothing: 0 %. Per indicator, DAT.01 was answered by 1 of 2 responses: 50 %."""
    required = [i.id for i in catalogue.entered_indicators() if i.required]
    answers = pd.DataFrame([(1, 2565, "A", "DAT.01", 3.0, None), (1, 2565, "A", "DAT.02", 4.0, None),
                            (2, 2565, "B", "DAT.01", None, None)], columns=ANSWER_COLUMNS)
    responses = pd.DataFrame({"response_id": [1, 2], "cycle_year": [2565, 2565], "agency_id": ["A", "B"]})
    c = completeness_by_response(answers, responses, catalogue).set_index("response_id")
    assert c.loc[1, "completeness"] == pytest.approx(100 * 2 / len(required))
    assert c.loc[2, "completeness"] == 0
    assert "DAT.03" in c.loc[1, "missing"]
    ci = completeness_by_indicator(answers, responses, catalogue).set_index("indicator_id")
    assert ci.loc["DAT.01", "completeness"] == 50
    assert ci.loc["DAT.03", "completeness"] == 0


def test_jump_flags_by_hand(catalogue: Catalogue) -> None:
    """Threshold 0.5. DAT.02: 10 -> 16 is +60 % > 50 %: flagged; 16 -> 20 is +25 %: not.
    DAT.05: 0 -> 4 has no relative change; 4 is not above 0.5 x goalpost range 10 = 5: not flagged; 0 -> 6 is.
    INT.01 (yes/no) 0 -> 1 is a step, not a jump: not checked."""
    v = pd.DataFrame({"cycle_year": [2564, 2565, 2566, 2564, 2565], "agency_id": ["A"] * 5,
                      "indicator_id": ["DAT.02"] * 3 + ["DAT.05"] * 2, "value": [10.0, 16.0, 20.0, 0.0, 4.0]})
    f = jump_flags(v, catalogue, 0.5)
    assert list(f.columns) == FLAG_COLUMNS
    assert f[["cycle_year", "indicator_id"]].values.tolist() == [[2565, "DAT.02"]]
    assert "10" in f.iloc[0]["message_en"] and "16" in f.iloc[0]["message_en"]
    # The flag table's texts are the flag_jump message, previous year in B.E. for Thai readers and C.E. in English.
    said = message("flag_jump", id="DAT.02", before="10", year=Year(2564), after="16", limit="50")
    assert f.iloc[0]["message_th"] == said.get("th") and "2564" in said.get("th")
    assert f.iloc[0]["message_en"] == said.get("en") and "2021" in said.get("en")
    one_year = jump_flags(v, catalogue, 0.5, year=2565)  # the one-cycle path gives the same flag
    pd.testing.assert_frame_equal(one_year, f)
    v.loc[4, "value"] = 6.0
    assert len(jump_flags(v, catalogue, 0.5)) == 2
    yes = pd.DataFrame({"cycle_year": [2564, 2565], "agency_id": "A", "indicator_id": "INT.01", "value": [0.0, 1.0]})
    assert jump_flags(yes, catalogue, 0.5).empty
    with pytest.raises(ValueError):
        jump_flags(v, catalogue, -1)


def test_modified_z_by_hand() -> None:
    """x = 1, 2, 3, 4, 100: median 3, |x - 3| = 2, 1, 0, 1, 97 -> MAD 1;
    z(100) = 0.6745 x 97 / 1 = 65.43 > 3.5 (flagged); z(1) = -1.349 (not). MAD 0 -> NaN."""
    z = modified_z(pd.Series([1.0, 2, 3, 4, 100]))
    assert z.iloc[4] == pytest.approx(0.6745 * 97)
    assert z.iloc[0] == pytest.approx(-1.349)
    assert modified_z(pd.Series([1.0, 1, 1, 2])).isna().all()
    v = pd.DataFrame({"cycle_year": 2565, "agency_id": list("ABCDE"), "indicator_id": "DAT.03",
                      "value": [1.0, 2, 3, 4, 100]})
    f = robust_outlier_flags(v)
    assert f["agency_id"].tolist() == ["E"]


def test_rule_flags(catalogue: Catalogue) -> None:
    """DAT.04 <= DAT.03: agency A publishes 12 of 10 catalogued (flagged), B 3 of 10 (fine).
    INT.01 = yes implies GDX among PLT.01: A ticks GIN only (flagged), B ticks GDX (fine)."""
    answers = pd.DataFrame([
        (1, 2565, "A", "DAT.03", 10.0, None), (1, 2565, "A", "DAT.04", 12.0, None),
        (1, 2565, "A", "INT.01", 1.0, None), (1, 2565, "A", "PLT.01", 1.0, json.dumps(["GIN"])),
        (2, 2565, "B", "DAT.03", 10.0, None), (2, 2565, "B", "DAT.04", 3.0, None),
        (2, 2565, "B", "INT.01", 1.0, None), (2, 2565, "B", "PLT.01", 1.0, json.dumps(["GDX"])),
    ], columns=ANSWER_COLUMNS)
    f = rule_flags(answers, catalogue)
    assert sorted(f["rule"]) == ["R.DAT.PUBLISHED_LE_CATALOGUED", "R.INT.GDX_PLATFORM"]
    assert set(f["agency_id"]) == {"A"}
    assert (f["severity"] == "error").all()
    assert f["message_th"].str.len().gt(0).all()


def test_isolation_forest_finds_the_odd_profile() -> None:
    """Fifty agencies near 50 on two dimensions and one at (0, 100): the odd one is flagged, seeded."""
    rng = np.random.default_rng(1)
    prof = pd.DataFrame({"cycle_year": 2565, "agency_id": [f"A{n}" for n in range(51)],
                         "D1": np.r_[rng.normal(50, 3, 50), 0.0], "D2": np.r_[rng.normal(50, 3, 50), 100.0]})
    f = multivariate_outlier_flags(prof, seed=0, contamination=0.02)
    assert "A50" in f["agency_id"].tolist()
    assert multivariate_outlier_flags(prof, seed=0, contamination=0.02).equals(f)
    assert multivariate_outlier_flags(prof.head(5)).empty


def test_quality_flags_combines(catalogue: Catalogue) -> None:
    answers = pd.DataFrame([(1, 2565, "A", "DAT.03", 10.0, None), (1, 2565, "A", "DAT.04", 12.0, None)],
                           columns=ANSWER_COLUMNS)
    values = answers.rename(columns={"value_num": "value"})[["cycle_year", "agency_id", "indicator_id", "value"]]
    f = quality_flags(answers, values, catalogue)
    assert f["rule"].tolist() == ["R.DAT.PUBLISHED_LE_CATALOGUED"]


def test_one_year_equals_all_years_filtered(demo, catalogue) -> None:  # type: ignore[no-untyped-def]
    """Flagging only cycle 2567 gives exactly the 2567 rows of flagging every cycle (the 120-agency demo)."""
    from analytics.indicators import indicator_values
    from analytics.pipeline import counted_frames
    from analytics.quality import quality_flags

    _, sv, ans = counted_frames(demo.frame, demo.responses, demo.services, demo.answers)
    values = indicator_values(ans, sv, catalogue)
    frame = demo.frame[["cycle_year", "agency_id", "ministry_id"]]
    every = quality_flags(ans, values, catalogue, frame)
    one = quality_flags(ans, values, catalogue, frame, year=2567)
    expected = every[every["cycle_year"] == 2567].reset_index(drop=True)
    assert len(one) > 0
    pd.testing.assert_frame_equal(one.reset_index(drop=True), expected)



# The flags' texts are joined column by column; these are the row-by-row builds they replaced, kept as the reference.
def _jump_flags_row_by_row(values: pd.DataFrame, catalogue: Catalogue, threshold: float | None = None,
               year: int | None = None) -> pd.DataFrame:
    """The jump flags as they were built before: one format call per row (the reference)."""
    limit = catalogue.method.jump_threshold if threshold is None else threshold
    if limit < 0:
        raise ValueError("threshold must be >= 0")
    quantities = [i.id for i in catalogue.indicators() if i.type in JUMP_TYPES]
    v = values[values["indicator_id"].isin(quantities)].dropna(subset=["value"])
    if year is None:
        v = v.sort_values(["agency_id", "indicator_id", "cycle_year"])
        prev = v.groupby(["agency_id", "indicator_id"])[["cycle_year", "value"]].shift(1)
        v = v.assign(prev_year=prev["cycle_year"], prev=prev["value"]).dropna(subset=["prev"])
    else:  # the same, for one cycle: each value against the unit's latest earlier one
        keys = ["agency_id", "indicator_id"]
        earlier = v[v["cycle_year"] < year].sort_values("cycle_year", kind="stable").drop_duplicates(keys, keep="last")
        earlier = earlier[[*keys, "cycle_year", "value"]].rename(columns={"cycle_year": "prev_year", "value": "prev"})
        v = v[v["cycle_year"] == year].merge(earlier, on=keys, how="inner")
    span = v["indicator_id"].map({i: _span(catalogue, i) for i in quantities}).astype(float)
    change = (v["value"] - v["prev"]).abs()
    rel = change / v["prev"].abs().where(v["prev"] != 0)
    flagged = v[(rel > limit) | ((v["prev"] == 0) & (change > limit * span))]
    # Tens of thousands of flags at national scale: built column by column, each language's text and each
    # year's name looked up once (the same strings as `message("flag_jump", ...)` gives).
    texts = {lang: t("flag_jump", lang) for lang in ("th", "en")}
    prev_years = flagged["prev_year"].astype(int).tolist()
    years = {(y, lang): Year(y).get(lang) for y in set(prev_years) for lang in texts}
    share = f"{100 * limit:g}"
    ids, before, after = flagged["indicator_id"].tolist(), flagged["prev"].tolist(), flagged["value"].tolist()
    out = pd.DataFrame({
        "cycle_year": flagged["cycle_year"].to_numpy(),
        "response_id": flagged["response_id"].to_numpy() if "response_id" in flagged.columns else None,
        "agency_id": flagged["agency_id"].to_numpy(), "indicator_id": flagged["indicator_id"].to_numpy(),
        "rule": "jump", "severity": "warning", "value": flagged["value"].to_numpy(),
        **{f"message_{lang}": [texts[lang].format(id=i, before=f"{b:g}", year=years[(y, lang)], after=f"{a:g}",
                                                  limit=share)
                               for i, b, a, y in zip(ids, before, after, prev_years, strict=True)]
           for lang in texts}}, columns=FLAG_COLUMNS)
    return out if len(out) else _flags([])


def _robust_flags_row_by_row(values: pd.DataFrame, peers: pd.DataFrame | None = None, peer_column: str = "ministry_id",
                         limit: float = MODIFIED_Z_LIMIT, min_peers: int = 5) -> pd.DataFrame:
    """The robust-z flags as they were built before: one message per row (the reference)."""
    v = values.dropna(subset=["value"])
    if peers is not None:
        v = v.merge(peers[["agency_id", peer_column]].drop_duplicates("agency_id"), on="agency_id", how="left")
        size = v.groupby(["cycle_year", "indicator_id", peer_column], dropna=False)["value"].transform("size")
        v[peer_column] = v[peer_column].where(size >= min_peers, "__all__")
        keys = ["cycle_year", "indicator_id", peer_column]
    else:
        keys = ["cycle_year", "indicator_id"]
    grouped = v.groupby(keys, dropna=False)["value"]
    med = grouped.transform("median")
    mad = (v["value"] - med).abs().groupby([v[k] for k in keys], dropna=False).transform("median")
    z = (MODIFIED_Z_CONSTANT * (v["value"] - med) / mad.where(mad > 0)).astype(float)
    out = v.assign(z=z)
    flagged = out[out["z"].abs() > limit]
    rows = []
    for r in flagged.itertuples(index=False):
        rows.append({"cycle_year": r.cycle_year, "response_id": getattr(r, "response_id", None),
                     "agency_id": r.agency_id, "indicator_id": r.indicator_id, "rule": "robust_z",
                     "severity": "info", "value": r.value,
                     **_messages("flag_robust_z", id=r.indicator_id, value=f"{r.value:g}", z=f"{r.z:.1f}")})
    return _flags(rows)


def test_flags_built_column_wise_equal_the_row_by_row_build(demo, catalogue) -> None:  # type: ignore[no-untyped-def]
    """Jump and robust-z flags (every cycle and one cycle, with and without peers) equal, texts byte for byte,
    the row-by-row build on the 120-agency demo; and a value of -0.0 and a repeated value keep their own text."""
    from analytics.indicators import indicator_values
    from analytics.pipeline import counted_frames

    _, sv, ans = counted_frames(demo.frame, demo.responses, demo.services, demo.answers)
    values = indicator_values(ans, sv, catalogue)
    peers = demo.frame[["agency_id", "ministry_id"]]
    for year in (None, 2567):
        new, old = jump_flags(values, catalogue, year=year), _jump_flags_row_by_row(values, catalogue, year=year)
        assert len(new) > 50
        pd.testing.assert_frame_equal(new, old)
    for pe in (None, peers):
        new, old = robust_outlier_flags(values, pe), _robust_flags_row_by_row(values, pe)
        assert len(new) > 50
        pd.testing.assert_frame_equal(new, old)
    odd = values.copy()
    odd.loc[odd.index[:40], "value"] = -0.0
    pd.testing.assert_frame_equal(jump_flags(odd, catalogue), _jump_flags_row_by_row(odd, catalogue))
    pd.testing.assert_frame_equal(robust_outlier_flags(odd), _robust_flags_row_by_row(odd))
    empty = values.iloc[:0]
    pd.testing.assert_frame_equal(jump_flags(empty, catalogue), _jump_flags_row_by_row(empty, catalogue))
    pd.testing.assert_frame_equal(robust_outlier_flags(empty), _robust_flags_row_by_row(empty))
