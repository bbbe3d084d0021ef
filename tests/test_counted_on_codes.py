"""Adoption, stage distribution, online-ratio levels and completeness counted on integer codes equal the merges and
groupbys on the text keys they replaced (kept here as `_old_*`, the reference), frame for frame: columns, dtypes,
row order, values to the last bit (float sums included) and the lists of who lags or what is missing.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.adoption import ADOPTION_COLUMNS, adoption_summary, stage_distribution
from analytics.indicators import chosen_options
from analytics.online_services import LEVELS, agency_service_counts, online_ratio_levels
from analytics.quality import completeness_by_indicator, completeness_by_response
from survey.catalogue import Catalogue
from survey.workflow import COUNTED_STATUSES
from tests.conftest import DemoFrames

# ---------------------------------------------------------------- the builds before (the reference) -----------


def _old_groups(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    out = frame[["cycle_year", "agency_id"]].copy()
    out["group"] = "national" if by is None else frame[by].astype(str)
    return out


def _old_summarise(long: pd.DataFrame) -> pd.DataFrame:
    keys = ["cycle_year", "group", "item"]
    if long.empty:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    codes = [pd.factorize(long[k], sort=True) for k in keys]
    known = np.logical_and.reduce([c >= 0 for c, _ in codes])
    if not known.all():
        long, codes = long[known], [(c[known], u) for c, u in codes]
    key = np.zeros(len(long), dtype=np.int64)
    for c, u in codes:
        key = key * len(u) + c
    _, first, row = np.unique(key, return_index=True, return_inverse=True)
    row = row.reshape(-1)
    n = len(first)
    adopted = long["adopted"].to_numpy(dtype=bool)
    out = long[keys].iloc[first].reset_index(drop=True)
    out["agencies"] = np.bincount(row, minlength=n).astype(np.int64)
    out["adopted"] = np.bincount(row[adopted], minlength=n).astype(int)
    out["rate"] = 100.0 * out["adopted"] / out["agencies"].where(out["agencies"] > 0)
    lag = ~adopted
    names, texts = pd.factorize(long.loc[lag, "agency_id"].astype(str).to_numpy(dtype=object), sort=True)
    order = np.lexsort((names, row[lag]))
    listed, rows = np.asarray(texts, dtype=object)[names[order]], row[lag][order]
    cuts = np.searchsorted(rows, np.arange(n + 1))
    out["not_adopted"] = [listed[cuts[i]:cuts[i + 1]].tolist() for i in range(n)]
    return out[ADOPTION_COLUMNS]


def _old_standards_adoption(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Any, by: str | None = None,
                            adopted_stage: int = 3) -> pd.DataFrame:
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std)].dropna(subset=["value"])
    long = v.merge(_old_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    long = long.assign(item=long["indicator_id"], adopted=long["value"] >= adopted_stage)
    return _old_summarise(long)


def _old_stage_distribution(values: pd.DataFrame, frame: pd.DataFrame, catalogue: Any,
                            by: str | None = None) -> pd.DataFrame:
    std = [i.id for i in catalogue.indicators() if i.id.startswith("STD.") and i.type == "stage"]
    v = values[values["indicator_id"].isin(std)].dropna(subset=["value"])
    long = v.merge(_old_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    stages = [lv.value for lv in catalogue.stages]
    counts = long.assign(stage=long["value"].astype(int)).groupby(
        ["cycle_year", "group", "indicator_id", "stage"]).size().rename("agencies").reset_index()
    keys = long[["cycle_year", "group", "indicator_id"]].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"stage": stages}), how="cross")
    out = grid.merge(counts, on=["cycle_year", "group", "indicator_id", "stage"], how="left").fillna({"agencies": 0})
    out["agencies"] = out["agencies"].astype(int)
    total = out.groupby(["cycle_year", "group", "indicator_id"])["agencies"].transform("sum")
    out["share"] = 100.0 * out["agencies"] / total.where(total > 0)
    return out.rename(columns={"indicator_id": "item"}).sort_values(
        ["cycle_year", "group", "item", "stage"], ignore_index=True)


def _old_option_adoption(answers: pd.DataFrame, frame: pd.DataFrame, catalogue: Any, indicator_id: str,
                         by: str | None = None) -> pd.DataFrame:
    ind = catalogue.indicator(indicator_id)
    if ind.type != "multi_choice":
        raise ValueError(f"{indicator_id} is not a multi-choice question")
    a = answers[(answers["indicator_id"] == indicator_id) & answers["value_text"].notna()]
    a = a.merge(_old_groups(frame, by), on=["cycle_year", "agency_id"], how="inner")
    codes, texts = pd.factorize(a["value_text"])
    options = ind.option_ids()
    chosen = [set(chosen_options(t)) for t in texts]
    ticked = np.array([[o in c for o in options] for c in chosen], dtype=bool).reshape(len(texts), len(options))
    if not options:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    n = len(a)
    long = a[["cycle_year", "group", "agency_id"]].take(np.tile(np.arange(n), len(options))).reset_index(drop=True)
    long["item"] = pd.Series(np.repeat(np.asarray(options, dtype=object), n), dtype=a["group"].dtype)
    long["adopted"] = ticked[codes].T.reshape(-1)
    return _old_summarise(long)


def _old_adoption_summary(answers: pd.DataFrame, values: pd.DataFrame, frame: pd.DataFrame, catalogue: Any,
                          by: str | None = None) -> pd.DataFrame:
    parts = [_old_standards_adoption(values, frame, catalogue, by).assign(kind="standard")]
    for iid, kind in (("PLT.01", "platform"), ("SHR.01", "shared_service")):
        try:
            catalogue.indicator(iid)
        except KeyError:
            continue
        parts.append(_old_option_adoption(answers, frame, catalogue, iid, by).assign(kind=kind))
    return pd.concat(parts, ignore_index=True)


def _old_expected(frame: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    counted = responses[responses["status"].isin(list(COUNTED_STATUSES))][["cycle_year", "agency_id"]]
    counted = counted.drop_duplicates().assign(responded=True)
    out = frame.merge(counted, on=["cycle_year", "agency_id"], how="left")
    out["responded"] = out["responded"].astype("boolean").fillna(False).astype(bool)
    return out


def _old_ratios_at(expected: pd.DataFrame, framed: pd.DataFrame, level: str) -> pd.DataFrame:
    keys = ["cycle_year", *LEVELS[level]]
    sums = ["services", "not_applicable", "online", "volume", "volume_online"]
    if "not_applicable" not in framed.columns:
        framed = framed.assign(not_applicable=0)
    agg = framed.groupby(keys, observed=True)[sums].sum().reset_index()
    units = expected.groupby(keys, observed=True).agg(agencies_expected=("agency_id", "nunique"),
                                                      agencies_responded=("responded", "sum")).reset_index()
    out = units.merge(agg, on=keys, how="left")
    out = out.fillna({"services": 0, "not_applicable": 0, "online": 0, "volume": 0.0, "volume_online": 0.0})
    out = out.astype({"services": int, "not_applicable": int, "online": int, "agencies_responded": int})
    has = out["services"] > 0
    applicable = out["services"] - out["not_applicable"]
    out["online_service_ratio"] = (100.0 * out["online"] / applicable.where(has & (applicable > 0))).astype(float)
    out["volume_online_ratio"] = (100.0 * out["volume_online"] / out["volume"].where(has & (out["volume"] > 0))
                                  ).astype(float)
    out["missing"] = ~has
    return out.sort_values(keys, ignore_index=True)


def _old_online_ratio_levels(frame: pd.DataFrame, responses: pd.DataFrame, counts: pd.DataFrame,
                             levels: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    expected = _old_expected(frame, responses)
    info = frame[["cycle_year", "agency_id", "ministry_id", "agency_type"]]
    framed = counts.merge(info, on=["cycle_year", "agency_id"], how="inner")
    return {level: _old_ratios_at(expected, framed, level) for level in levels}


def _old_completeness_by_response(answers: pd.DataFrame, responses: pd.DataFrame, catalogue: Any) -> pd.DataFrame:
    required = [i.id for i in catalogue.entered_indicators() if i.required]
    columns = ["response_id", "cycle_year", "agency_id", "required", "answered", "completeness", "missing"]
    if responses.empty:
        return pd.DataFrame(columns=columns)
    has = answers["value_num"].notna() | answers["value_text"].notna()
    got = answers.loc[has & answers["indicator_id"].isin(required), ["response_id", "indicator_id"]]
    rid = pd.Index(responses["response_id"].drop_duplicates())
    matrix = np.zeros((len(rid), len(required)), dtype=bool)
    rows = rid.get_indexer(got["response_id"])
    cols = pd.Index(required).get_indexer(pd.Index(got["indicator_id"].astype(str)))
    keep = rows >= 0
    matrix[rows[keep], cols[keep]] = True
    per_response = matrix[rid.get_indexer(responses["response_id"])]
    answered = per_response.sum(axis=1)
    patterns, inverse = np.unique(per_response, axis=0, return_inverse=True)
    lists = [[i for i, ok in zip(required, p, strict=True) if not ok] for p in patterns]
    return pd.DataFrame({
        "response_id": responses["response_id"].to_numpy(), "cycle_year": responses["cycle_year"].to_numpy(),
        "agency_id": responses["agency_id"].to_numpy(), "required": len(required), "answered": answered.astype(int),
        "completeness": 100.0 * answered / len(required) if required else np.nan,
        "missing": [lists[k] for k in np.ravel(inverse)]}, columns=columns)


def _old_completeness_by_indicator(answers: pd.DataFrame, responses: pd.DataFrame, catalogue: Any) -> pd.DataFrame:
    has = answers["value_num"].notna() | answers["value_text"].notna()
    answered = answers[has].groupby(["cycle_year", "indicator_id"])["response_id"].nunique()
    got = {(int(key[0]), str(key[1])): int(k) for key, k in zip(answered.index, answered.tolist(), strict=True)}
    per_cycle = responses.groupby("cycle_year")["response_id"].nunique()
    rows = []
    for cyc, n in zip(per_cycle.index.tolist(), per_cycle.tolist(), strict=True):
        for ind in catalogue.entered_indicators():
            k = got.get((int(cyc), ind.id), 0)
            rows.append({"cycle_year": cyc, "indicator_id": ind.id, "responses": int(n), "answered": k,
                         "completeness": 100.0 * k / n if n else np.nan})
    return pd.DataFrame(rows, columns=["cycle_year", "indicator_id", "responses", "answered", "completeness"])


# ---------------------------------------------------------------- comparisons ----------------------------------

LEVEL_NAMES = ("agency", "ministry", "agency_type", "nation")


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def _same_everywhere(answers: pd.DataFrame, values: pd.DataFrame, frame: pd.DataFrame, responses: pd.DataFrame,
                     counts: pd.DataFrame, catalogue: Any) -> None:
    for by in (None, "ministry_id", "agency_type"):
        _same(adoption_summary(answers, values, frame, catalogue, by),
              _old_adoption_summary(answers, values, frame, catalogue, by))
        _same(stage_distribution(values, frame, catalogue, by), _old_stage_distribution(values, frame, catalogue, by))
    new = online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
    old = _old_online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
    assert list(new) == list(old)
    for level in LEVEL_NAMES:
        _same(new[level], old[level])
    _same(completeness_by_response(answers, responses, catalogue),
          _old_completeness_by_response(answers, responses, catalogue))
    _same(completeness_by_indicator(answers, responses, catalogue),
          _old_completeness_by_indicator(answers, responses, catalogue))


def test_demo_every_cycle_and_all_cycles(demo: DemoFrames, catalogue: Catalogue) -> None:
    """The 120-agency demo, five cycles: each cycle's tables (as the pipeline passes them) and all cycles at once."""
    from analytics.indicators import indicator_values
    from analytics.pipeline import counted_frames

    _, sv, ans = counted_frames(demo.frame, demo.responses, demo.services, demo.answers)
    values = indicator_values(ans, sv, catalogue)
    counts = agency_service_counts(demo.responses, demo.services, catalogue.online_level)
    assert len(values) and len(counts) and ans["value_text"].notna().any()
    for year in [*sorted(demo.frame["cycle_year"].unique().tolist()), None]:
        def cut(t: pd.DataFrame, year: int | None = year) -> pd.DataFrame:
            return t if year is None else t[t["cycle_year"] == year]
        _same_everywhere(cut(ans), cut(values), cut(demo.frame), cut(demo.responses), counts, catalogue)


# Agency ids whose text order differs from their number's ("A10" before "A9"), and some not in the frame.
AGENCIES = ["A1", "A10", "A2", "A9", "B", "C"]
OUTSIDERS = ["Z", "A3"]
CYCLES = [2565, 2566, 2567]
TEXTS = [None, "[]", json.dumps(["GDX", "GIN"]), json.dumps(["GIN"]), json.dumps(["GDX", "GDX"]),
         json.dumps(["NOT_AN_OPTION"]), "not json", json.dumps({"a": 1}), json.dumps(["DIGITAL_ID", "E_PAYMENT"]),
         "[1, 2]", json.dumps(["SARABAN", "DIGITAL_ID", "E_CERTIFICATE", "TRACKING"])]
VOLUMES = [0.0, 0.1, 0.2, 1.0, 1e16, -0.0, 3.3, 12345.678]


def _table(columns: dict[str, tuple[list, Any]]) -> pd.DataFrame:
    """A frame with each column typed as the store types it, even when empty."""
    return pd.DataFrame({k: pd.Series(v, dtype=t) for k, (v, t) in columns.items()})


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, ...]:
    """frame, values, answers, responses, counts: a few agencies over one to three cycles, with every edge."""
    cycles = draw(st.lists(st.sampled_from(CYCLES), min_size=1, max_size=3, unique=True))
    pairs = [(c, a) for c in cycles for a in AGENCIES if draw(st.integers(0, 3))]
    # Groups named in text order ("M10" before "M2"), in half the tables some agencies without one.
    gaps = [None] if draw(st.booleans()) else []
    ministries = draw(st.lists(st.sampled_from(["M1", "M2", "M10", *gaps]), min_size=len(pairs), max_size=len(pairs)))
    types = draw(st.lists(st.sampled_from(["department", "state_enterprise", *gaps]), min_size=len(pairs),
                          max_size=len(pairs)))
    frame = _table({"cycle_year": ([c for c, _ in pairs], "int64"), "agency_id": ([a for _, a in pairs], "str"),
                    "ministry_id": (ministries, "str"), "agency_type": (types, "str")})
    # Mostly agencies of the frame, some of another cycle or none.
    anywhere = st.tuples(st.sampled_from([*CYCLES, 2568]), st.sampled_from(AGENCIES + OUTSIDERS))
    pool = st.one_of(st.sampled_from(pairs), st.sampled_from(pairs), anywhere) if pairs else anywhere
    rows = draw(st.lists(st.tuples(pool, st.sampled_from(["STD.01", "STD.02", "STD.06", "DAT.01"]),
                                   st.sampled_from([np.nan, 0.0, 1.0, 2.0, 3.0, 4.0, 2.5, 7.0])), max_size=40))
    values = _table({"cycle_year": ([c for (c, _), _, _ in rows], "int64"),
                     "agency_id": ([a for (_, a), _, _ in rows], "str"),
                     "indicator_id": ([i for _, i, _ in rows], "str"), "value": ([x for _, _, x in rows], "float64")})
    responses_rows = draw(st.lists(st.tuples(pool, st.sampled_from(["draft", "submitted", "approved", "returned"])),
                                   max_size=20))
    rids = list(range(1, len(responses_rows) + 1))
    if responses_rows and draw(st.booleans()):
        rids[-1] = rids[0]  # a response listed twice
    responses = _table({"response_id": (rids, "int64"), "cycle_year": ([c for (c, _), _ in responses_rows], "int64"),
                        "agency_id": ([a for (_, a), _ in responses_rows], "str"),
                        "status": ([s for _, s in responses_rows], "str")})
    required = ["DAT.01", "DAT.02", "STD.01", "PLT.01", "SHR.01", "SKL.05"]
    arows = draw(st.lists(st.tuples(st.sampled_from([*rids, 99] if rids else [99]), pool,
                                    st.sampled_from([*required, "XYZ.01", None]),
                                    st.sampled_from([np.nan, 1.0]), st.sampled_from(TEXTS)), max_size=40))
    answers = _table({"response_id": ([r for r, *_ in arows], "int64"),
                      "cycle_year": ([c for _, (c, _), *_ in arows], "int64"),
                      "agency_id": ([a for _, (_, a), *_ in arows], "str"),
                      "indicator_id": ([i for _, _, i, _, _ in arows], "str"),
                      "value_num": ([x for *_, x, _ in arows], "float64"),
                      "value_text": ([t for *_, t in arows], "str")})
    crows = draw(st.lists(st.tuples(pool, st.integers(0, 6), st.integers(0, 3), st.integers(0, 6),
                                    st.sampled_from(VOLUMES), st.sampled_from(VOLUMES)), max_size=30))
    if draw(st.booleans()):  # one row per cycle and agency, as agency_service_counts makes them
        crows = list({p: (p, *rest) for p, *rest in crows}.values())
    counts = _table({"cycle_year": ([c for (c, _), *_ in crows], "int64"),
                     "agency_id": ([a for (_, a), *_ in crows], "str"),
                     "services": ([s for _, s, *_ in crows], "int64"),
                     "not_applicable": ([min(n, s) for _, s, n, *_ in crows], "int64"),
                     "online": ([o for _, _, _, o, _, _ in crows], "int64"),
                     "volume": ([v for *_, v, _ in crows], "float64"),
                     "volume_online": ([v for *_, v in crows], "float64")})
    if draw(st.booleans()):
        counts = counts.drop(columns="not_applicable")
    return frame, values, answers, responses, counts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables(catalogue: Catalogue, drawn: tuple[pd.DataFrame, ...]) -> None:
    frame, values, answers, responses, counts = drawn
    _same_everywhere(answers, values, frame, responses, counts, catalogue)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(["repeat", "int_ids", "object"]))
def test_tables_the_codes_cannot_stand_for(catalogue: Catalogue, drawn: tuple[pd.DataFrame, ...], how: str) -> None:
    """A frame repeating a cycle and agency, integer agency ids, object-typed tables: the merges decide."""
    frame, values, answers, responses, counts = drawn
    if how == "repeat":
        frame = pd.concat([frame, frame.head(2)], ignore_index=True)
    else:
        def retyped(t: pd.DataFrame) -> pd.DataFrame:
            if how == "int_ids":
                return t.assign(agency_id=t["agency_id"].map(lambda a: (AGENCIES + OUTSIDERS).index(a) + 8)
                                .astype("int64"))
            return t.astype(object)
        frame, values, answers, responses = map(retyped, (frame, values, answers, responses))
        counts = retyped(counts) if how == "int_ids" else counts
    for by in (None, "ministry_id"):
        _same(adoption_summary(answers, values, frame, catalogue, by),
              _old_adoption_summary(answers, values, frame, catalogue, by))
        if how != "object":  # object values cannot be cast to a stage by either build
            _same(stage_distribution(values, frame, catalogue, by),
                  _old_stage_distribution(values, frame, catalogue, by))
    if how != "object":
        new = online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
        old = _old_online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
        for level in LEVEL_NAMES:
            _same(new[level], old[level])


def _stub(catalogue: Catalogue, required: list[str], stages: list[int], options: tuple[str, ...]) -> Any:
    """The catalogue with other required questions, stages and PLT.01 options, and without SHR.01 (for the cases
    the default one does not have)."""
    entered = [SimpleNamespace(id=i, required=True) for i in required] + [SimpleNamespace(id="OPT.01", required=False)]
    platforms = SimpleNamespace(type="multi_choice", option_ids=lambda: options)

    def indicator(iid: str) -> Any:
        if iid == "SHR.01":
            raise KeyError(iid)
        return platforms if iid == "PLT.01" else catalogue.indicator(iid)

    return SimpleNamespace(entered_indicators=lambda: entered, indicators=catalogue.indicators, indicator=indicator,
                           stages=[SimpleNamespace(value=s) for s in stages])


@pytest.mark.parametrize(("required", "options"), [
    ([], ("GIN", "GDX", "GIN")), (["DAT.01", "DAT.01", "STD.01"], ()),
    ([f"Q.{i:02d}" for i in range(70)] + ["DAT.01", "PLT.01"], ("GDX", "GIN", "NONE_TICKS_IT"))])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(drawn=tables())
def test_other_catalogues(catalogue: Catalogue, required: list[str], options: tuple[str, ...],
                          drawn: tuple[pd.DataFrame, ...]) -> None:
    """No required question, one listed twice, more than 62 (the gaps then found row by row): completeness alike;
    stages listed out of order and twice: the distribution alike; an option listed twice, none, one nobody ticks,
    no SHR.01 question: the adoption summary alike."""
    frame, values, answers, responses, _ = drawn
    stub = _stub(catalogue, required, [3, 0, 1, 1, 4], options)
    if len(set(required)) == len(required):  # the reference cannot look up a repeated id
        _same(completeness_by_response(answers, responses, stub),
              _old_completeness_by_response(answers, responses, stub))
    _same(completeness_by_indicator(answers, responses, stub), _old_completeness_by_indicator(answers, responses, stub))
    for by in (None, "agency_type"):
        _same(stage_distribution(values, frame, stub, by), _old_stage_distribution(values, frame, stub, by))
        _same(adoption_summary(answers, values, frame, stub, by),
              _old_adoption_summary(answers, values, frame, stub, by))


def test_empty_and_object_typed_tables(catalogue: Catalogue) -> None:
    """Empty tables typed as the store types them, one at a time and all at once; an object-typed empty values
    table (as a cycle without values is made)."""
    frame, values, answers, responses, counts = _typed_example()
    empties = [t.iloc[:0] for t in (frame, values, answers, responses, counts)]
    for i in range(5):
        drawn = [frame, values, answers, responses, counts]
        drawn[i] = empties[i]
        _same_everywhere(drawn[2], drawn[1], drawn[0], drawn[3], drawn[4], catalogue)
    _same_everywhere(empties[2], empties[1], empties[0], empties[3], empties[4], catalogue)
    # No agency with a ministry: every part of the ministry summary has rows but no group (an empty table).
    nameless = frame.assign(ministry_id=pd.Series([None] * len(frame), dtype="str", index=frame.index))
    _same_everywhere(answers, values, nameless, responses, counts, catalogue)
    untyped = pd.DataFrame(columns=["cycle_year", "agency_id", "indicator_id", "value"])
    for by in (None, "ministry_id"):
        _same(adoption_summary(answers, untyped, frame, catalogue, by),
              _old_adoption_summary(answers, untyped, frame, catalogue, by))


def _typed_example() -> tuple[pd.DataFrame, ...]:
    frame = _table({"cycle_year": ([2567, 2567, 2568], "int64"), "agency_id": (["A", "B", "A"], "str"),
                    "ministry_id": (["M1", None, "M1"], "str"), "agency_type": (["x", "y", "x"], "str")})
    values = _table({"cycle_year": ([2567, 2567, 2568], "int64"), "agency_id": (["A", "B", "A"], "str"),
                     "indicator_id": (["STD.01", "STD.01", "STD.02"], "str"), "value": ([3.0, 1.0, 4.0], "float64")})
    answers = _table({"response_id": ([1, 2], "int64"), "cycle_year": ([2567, 2567], "int64"),
                      "agency_id": (["A", "B"], "str"), "indicator_id": (["PLT.01", "SHR.01"], "str"),
                      "value_num": ([np.nan, 2.0], "float64"), "value_text": (["[]", TEXTS[-1]], "str")})
    responses = _table({"response_id": ([1, 2], "int64"), "cycle_year": ([2567, 2567], "int64"),
                        "agency_id": (["A", "B"], "str"), "status": (["approved", "draft"], "str")})
    counts = _table({"cycle_year": ([2567], "int64"), "agency_id": (["A"], "str"), "services": ([3], "int64"),
                     "not_applicable": ([1], "int64"), "online": ([1], "int64"), "volume": ([10.0], "float64"),
                     "volume_online": ([4.0], "float64")})
    return frame, values, answers, responses, counts


def test_unit_sums_are_pandas_compensated_sums() -> None:
    """A ministry's volumes summed as pandas sums them (compensated: 0.1 + 0.2 + 0.3 + 1e16 + 1 - 1e16 is not the
    plain running sum), in the counts' order, so the national and ministry ratios keep their last bits."""
    agencies = [f"A{i}" for i in range(8)]
    frame = _table({"cycle_year": ([2567] * 8, "int64"), "agency_id": (agencies, "str"),
                    "ministry_id": (["M1"] * 7 + ["M2"], "str"), "agency_type": (["x"] * 8, "str")})
    responses = _table({"response_id": (list(range(8)), "int64"), "cycle_year": ([2567] * 8, "int64"),
                        "agency_id": (agencies, "str"), "status": (["approved"] * 8, "str")})
    volumes = [0.1, 0.2, 0.3, 1e16, 1.0, -1e16, 0.7, 3.3]
    counts = _table({"cycle_year": ([2567] * 8, "int64"), "agency_id": (agencies[::-1], "str"),
                     "services": ([2] * 8, "int64"), "not_applicable": ([0] * 8, "int64"), "online": ([1] * 8, "int64"),
                     "volume": (volumes, "float64"), "volume_online": ([v / 3 for v in volumes], "float64")})
    plain = 0.0
    for v in volumes[:7]:
        plain += v
    assert plain != pd.Series(volumes[:7]).groupby([0] * 7).sum().iloc[0]
    new = online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
    old = _old_online_ratio_levels(frame, responses, counts, LEVEL_NAMES)
    for level in LEVEL_NAMES:
        _same(new[level], old[level])


def test_completeness_over_far_apart_cycles_and_ids(catalogue: Catalogue) -> None:
    """Cycles and response ids too far apart to number by offset (each response and cycle then factorised), a
    response answering twice, one answering in two cycles: completeness per indicator alike."""
    answers = _table({"response_id": ([1, 1, 1, 10**12, 7, 7], "int64"),
                      "cycle_year": ([0, 0, 2567, 2567, 2567, 2567], "int64"),
                      "agency_id": (["A", "A", "A", "B", "C", "C"], "str"),
                      "indicator_id": (["DAT.01", "DAT.01", "DAT.01", "STD.01", "DAT.02", "NOPE"], "str"),
                      "value_num": ([1.0, 2.0, 3.0, np.nan, np.nan, 1.0], "float64"),
                      "value_text": ([None, None, None, "[]", None, None], "str")})
    responses = _table({"response_id": ([1, 10**12, 7, 8], "int64"), "cycle_year": ([2567, 2567, 2567, 0], "int64"),
                        "agency_id": (["A", "B", "C", "D"], "str"), "status": (["approved"] * 4, "str")})
    _same(completeness_by_indicator(answers, responses, catalogue),
          _old_completeness_by_indicator(answers, responses, catalogue))
    _same(completeness_by_response(answers, responses, catalogue),
          _old_completeness_by_response(answers, responses, catalogue))
    assert completeness_by_indicator(answers, responses, catalogue)["answered"].sum() == 3
