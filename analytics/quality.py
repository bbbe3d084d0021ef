"""Data-quality checks on a cycle's answers: completeness, jumps, robust outliers, rules, multivariate outliers.

Every check returns flags as data (one row per problem) with a message in Thai and English, so the
review page, the Excel export and the command line show the same list.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.ensemble import IsolationForest

from analytics.indicators import chosen_options
from survey.catalogue import Catalogue
from survey.errors import Year, message
from survey.i18n import t

FLAG_COLUMNS = ["cycle_year", "response_id", "agency_id", "indicator_id", "rule", "severity", "value",
                "message_th", "message_en"]
#: Iglewicz and Hoaglin (1993), How to Detect and Handle Outliers: flag |modified z| > 3.5.
MODIFIED_Z_CONSTANT = 0.6745
MODIFIED_Z_LIMIT = 3.5
JUMP_TYPES = ("count", "percentage", "service_inventory", "derived")
_OPS = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater, "==": np.equal}
#: The dtype pandas gives a column of texts (arrow-backed, NaN for missing).
_TEXT: pd.api.extensions.ExtensionDtype = pd.Series(np.array(["x"], dtype=object)).dtype  # type: ignore[assignment]


def rule_label(rule: str, lang: str) -> str:
    """Return the check behind a flag in words: jump, robust_z and isolation_forest by name, a catalogue rule
    (R.*) as a consistency check (its flag's message says which answers disagree)."""
    if rule in ("jump", "robust_z", "isolation_forest"):
        return t(f"rule_{rule}", lang)
    return t("rule_consistency", lang)


def _messages(key: str, **params: object) -> dict[str, str]:
    """Return a flag's message in both languages (the text `key` of survey/texts), as the flag table stores it."""
    text = message(key, **params)
    return {"message_th": text.get("th"), "message_en": text.get("en")}


def _year_name(year: int, lang: str) -> str:
    return Year(year).get(lang)


def _texts(strings: list[str], codes: np.ndarray) -> pa.Array:
    """Return `strings[code]` for each of `codes` (from 0) as an arrow array of texts."""
    return pa.array(strings, type=pa.large_string()).take(codes)


def _mapped(values: Any, render: Callable[[Any], str]) -> pa.Array:
    """Return `render(v)` for each of `values` (a missing value too), calling it once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return _texts([render(u) for u in uniques.tolist()], codes)


def _formatted(numbers: Any, spec: str) -> pa.Array:
    """Return `format(x, spec)` of each float (as an f-string writes it), once per distinct bit pattern (so -0.0
    stays "-0" and each NaN is written as itself)."""
    x = np.asarray(numbers, dtype=float)
    codes, uniques = pd.factorize(x.view(np.int64))
    return _texts([format(u, spec) for u in uniques.view(np.float64).tolist()], codes)


def _format_rows(template: str, n: int, **columns: pa.Array | str) -> pd.api.extensions.ExtensionArray:
    """Return `template.format(**row)` for each of `n` rows, each column `n` texts or one string for every row:
    the template's literal parts and columns joined row-wise by arrow, not one format call per row."""
    parts: list[pa.Array | str] = [""]
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (spec or conversion):
            raise ValueError(f"{template!r}: only plain fields are joined column-wise")
        for part in (literal, columns[name] if name is not None else ""):
            if isinstance(part, str) and isinstance(parts[-1], str):
                parts[-1] += part  # literals and one-string columns side by side: one part
            else:
                parts.append(part)
    parts = [part for part in parts if not isinstance(part, str) or part]
    if all(isinstance(part, str) for part in parts):  # no column: the same text on every row
        joined = pa.array(["".join(part for part in parts if isinstance(part, str))] * n, type=pa.large_string())
    else:
        joined = pc.binary_join_element_wise(
            *[pa.scalar(part, pa.large_string()) if isinstance(part, str) else part for part in parts],
            pa.scalar("", pa.large_string()))
    return pd.array(joined, dtype=_TEXT)


def _taken(column: pd.Series, rows: np.ndarray | None = None) -> Any:
    """Return `column.to_numpy()` (at `rows`) as a frame makes it again: texts stay arrow-backed (a frame would
    infer that dtype from them anyway), unless all are missing (then it keeps the objects)."""
    if column.dtype == _TEXT:
        taken = column.array if rows is None else column.array.take(rows)
        return taken.to_numpy() if taken.isna().all() else taken
    return column.to_numpy() if rows is None else column.to_numpy()[rows]


def _flag_frame(flagged: pd.DataFrame | Mapping[str, Any], rule: str, severity: str,
                messages: Mapping[str, Any]) -> pd.DataFrame:
    """Return one `rule` flag of `severity` per flagged row, with `messages` (message_th, message_en) as they are:
    the flag table. `flagged` holds the rows' cycle_year, agency_id, indicator_id, value and, when known,
    response_id: a frame, or arrays by name. No rows: the empty flag table."""
    if not len(flagged["cycle_year"]):
        return _flags([])

    def column(name: str) -> Any:
        col = flagged[name]
        return _taken(col) if isinstance(col, pd.Series) else col

    return pd.DataFrame({
        "cycle_year": column("cycle_year"),
        "response_id": column("response_id") if "response_id" in flagged else None,
        "agency_id": column("agency_id"), "indicator_id": column("indicator_id"),
        "rule": rule, "severity": severity, "value": column("value"), **messages}, columns=FLAG_COLUMNS)


def _flags(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def completeness_by_response(answers: pd.DataFrame, responses: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return each response's completeness: answered required questions / required questions, in percent.

    completeness = 100 x #(required entered indicators with an answer) / #(required entered indicators);
    a number, a text or an empty option list counts as an answer.
    Columns: response_id, cycle_year, agency_id, required, answered, completeness, missing (list of ids).
    """
    required = [i.id for i in catalogue.entered_indicators() if i.required]
    columns = ["response_id", "cycle_year", "agency_id", "required", "answered", "completeness", "missing"]
    if responses.empty:
        return pd.DataFrame(columns=columns)
    has = answers["value_num"].notna().to_numpy() | answers["value_text"].notna().to_numpy()
    # Each answer's required indicator as a column number (-1: not required).
    cols = _positions(answers["indicator_id"], required)
    # One row per response, one column per required indicator: answered or not.
    rid = pd.Index(responses["response_id"].drop_duplicates())
    matrix = np.zeros((len(rid), len(required)), dtype=bool)
    rows = rid.get_indexer(answers["response_id"])
    keep = has & (cols >= 0) & (rows >= 0)
    matrix[rows[keep], cols[keep]] = True
    per_response = matrix[rid.get_indexer(responses["response_id"])]
    answered = per_response.sum(axis=1)
    # Responses share a few patterns of gaps: make each pattern's list once (a pattern as the bits of one integer
    # while they fit in 62).
    if len(required) <= 62:
        bits = per_response.astype(np.int64) @ (np.int64(1) << np.arange(len(required), dtype=np.int64))
        values, inverse = np.unique(bits, return_inverse=True)
        patterns = (values[:, None] >> np.arange(len(required), dtype=np.int64)) & 1 == 1
    else:
        patterns, inverse = np.unique(per_response, axis=0, return_inverse=True)
    lists = [[i for i, ok in zip(required, p, strict=True) if not ok] for p in patterns]
    return pd.DataFrame({
        "response_id": responses["response_id"].to_numpy(), "cycle_year": responses["cycle_year"].to_numpy(),
        "agency_id": responses["agency_id"].to_numpy(), "required": len(required), "answered": answered.astype(int),
        "completeness": 100.0 * answered / len(required) if required else np.nan,
        "missing": [lists[k] for k in np.ravel(inverse)]}, columns=columns)


def completeness_by_indicator(answers: pd.DataFrame, responses: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return, per cycle and entered indicator, the share of responses that answered it, in percent.

    completeness = 100 x #(responses with an answer to the indicator) / #(responses of the cycle).
    Columns: cycle_year, indicator_id, responses, answered, completeness.
    """
    has = answers["value_num"].notna().to_numpy() | answers["value_text"].notna().to_numpy()
    # Counted on codes: a mark per response, cycle and indicator answered (so a response counts once).
    entered = catalogue.entered_indicators()
    where: dict[str, int] = {}
    for j, ind in enumerate(entered):
        where.setdefault(ind.id, j)
    col = _positions(answers["indicator_id"], [ind.id for ind in entered])

    def coded(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Integers in a short range as offsets from the smallest (no hashing), anything else factorised."""
        x = values.to_numpy()
        if x.dtype.kind in "iu" and len(x) and int(x.max()) - int(x.min()) < 4 * len(x):
            return x.astype(np.int64) - int(x.min()), np.arange(int(x.min()), int(x.max()) + 1)
        codes, uniques = pd.factorize(values)
        return codes, np.asarray(uniques)

    cycle, cycles = coded(answers["cycle_year"])
    resp, rids = coded(answers["response_id"])
    keep = has & (col >= 0) & (cycle >= 0) & (resp >= 0)
    # Each response and cycle numbered (densely while their pairs are few, else factorised), one row of marks each.
    pair = resp[keep].astype(np.int64) * len(cycles) + cycle[keep]
    if len(rids) * len(cycles) > 4 * len(pair) + 4096:
        pair, _ = pd.factorize(pair)
    mark = np.zeros((int(pair.max(initial=-1)) + 1, max(len(entered), 1)), dtype=bool)
    mark[pair, col[keep]] = True
    cycle_of = np.zeros(len(mark), dtype=np.int64)
    cycle_of[pair] = cycle[keep]
    # The marks summed per cycle: the rows sorted by cycle, each cycle's run added up.
    order = np.argsort(cycle_of, kind="stable")
    runs = cycle_of[order]
    starts = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]]) if len(runs) else np.zeros(0, dtype=np.int64)
    counts = np.zeros((len(cycles), mark.shape[1]), dtype=np.int64)
    if len(starts):
        counts[runs[starts]] = np.add.reduceat(mark[order], starts, axis=0, dtype=np.int64)
    got = {int(c): counts[i] for i, c in enumerate(cycles.tolist())}
    per_cycle = responses.groupby("cycle_year")["response_id"].nunique()
    rows = []
    for cyc, n in zip(per_cycle.index.tolist(), per_cycle.tolist(), strict=True):
        answered = got.get(int(cyc))
        for ind in entered:
            k = 0 if answered is None else int(answered[where[ind.id]])
            rows.append({"cycle_year": cyc, "indicator_id": ind.id, "responses": int(n), "answered": k,
                         "completeness": 100.0 * k / n if n else np.nan})
    return pd.DataFrame(rows, columns=["cycle_year", "indicator_id", "responses", "answered", "completeness"])


def jump_flags(values: pd.DataFrame, catalogue: Catalogue, threshold: float | None = None,
               year: int | None = None) -> pd.DataFrame:
    """Return flags for values that changed by more than `threshold` (relative) since the agency's previous cycle.

    relative change = |x_t - x_(t-1)| / |x_(t-1)|, flagged when > threshold (default
    catalogue.method.jump_threshold). From a previous value of 0 the relative change is undefined:
    the change is then compared with threshold x the indicator's goalpost range instead.
    Only quantities are checked (counts, percentages, inventory measures, ratios): yes/no answers,
    stages and option lists move in whole steps by design, and a step up is progress, not a jump.
    With `year`, only that cycle's values are flagged (earlier cycles still give the previous values), each
    against its agency's latest earlier value of the indicator, found on integer codes (`_latest_earlier`).
    """
    limit = catalogue.method.jump_threshold if threshold is None else threshold
    if limit < 0:
        raise ValueError("threshold must be >= 0")
    quantities = [i.id for i in catalogue.indicators() if i.type in JUMP_TYPES]
    flagged: pd.DataFrame | dict[str, Any]
    if year is None:
        v = values[values["indicator_id"].isin(quantities)].dropna(subset=["value"])
        v = v.sort_values(["agency_id", "indicator_id", "cycle_year"])
        prev = v.groupby(["agency_id", "indicator_id"])[["cycle_year", "value"]].shift(1)
        v = v.assign(prev_year=prev["cycle_year"], prev=prev["value"]).dropna(subset=["prev"])
        span = v["indicator_id"].map({i: _span(catalogue, i) for i in quantities}).astype(float).to_numpy()
        flagged = v[_jumped(v["value"].to_numpy(dtype=float), v["prev"].to_numpy(dtype=float), span, limit)]
        n = len(flagged)
        ids = _mapped(flagged["indicator_id"].to_numpy(dtype=object), str)
    else:  # the same, for one cycle: each value against the unit's latest earlier one
        now, before, ind = _latest_earlier(values, quantities, year)
        spans = np.array([_span(catalogue, i) for i in quantities], dtype=float)
        value = values["value"].to_numpy(dtype=float)
        hit = _jumped(value[now], value[before], spans[ind], limit)
        now, before, ind, n = now[hit], before[hit], ind[hit], int(hit.sum())
        flagged = {name: _taken(values[name], now) for name in ("cycle_year", "response_id", "agency_id",
                                                                 "indicator_id", "value") if name in values.columns}
        flagged |= {"prev_year": values["cycle_year"].to_numpy()[before], "prev": values["value"].to_numpy()[before]}
        ids = _texts(quantities, ind)
    if not n:
        return _flags([])
    # Tens of thousands of flags at national scale: built column by column, each distinct number, id and year's
    # name written once and the texts joined as whole columns (the same strings as `message("flag_jump", ...)`).
    share = f"{100 * limit:g}"
    prev_years = np.asarray(flagged["prev_year"]).astype(int)
    numbers = _formatted(np.concatenate([np.asarray(flagged["prev"], dtype=float),
                                         np.asarray(flagged["value"], dtype=float)]), "g")
    before_text, after_text = numbers.slice(0, n), numbers.slice(n)
    return _flag_frame(flagged, "jump", "warning", {
        f"message_{lang}": _format_rows(t("flag_jump", lang), n, id=ids, before=before_text, after=after_text,
                                        year=_mapped(prev_years, partial(_year_name, lang=lang)), limit=share)
        for lang in ("th", "en")})


def _jumped(value: np.ndarray, prev: np.ndarray, span: np.ndarray, limit: float) -> np.ndarray:
    """Return where |value - prev| / |prev| > limit, or, from prev = 0, where |value - prev| > limit x span."""
    with np.errstate(all="ignore"):  # infinite values and overflows as pandas takes them: quietly
        change = np.abs(value - prev)
        rel = change / np.where(prev != 0, np.abs(prev), np.nan)
    return (rel > limit) | ((prev == 0) & (change > limit * span))


def _latest_earlier(values: pd.DataFrame, quantities: list[str],
                    year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the positions in `values` of `year`'s values of `quantities` that have an earlier one (values not
    missing), the positions of those earlier values, and the indicator of each (its place in `quantities`).

    The earlier value of a unit (agency_id, indicator_id) is its row of the latest cycle before `year` (of two
    in that cycle, the later row): found on integer codes of the unit, no sort of the earlier cycles' rows.
    """
    ind = _positions(values["indicator_id"], quantities)
    value = values["value"]
    use = (ind >= 0) & (~np.isnan(value.to_numpy()) if value.dtype == np.float64 else value.notna().to_numpy())
    cycles = values["cycle_year"].to_numpy()
    cycles = cycles.astype(cycles.dtype.type)  # numpy's own dtype (an unpickled one sends ufunc.at a slow way)
    agency, agencies = pd.factorize(values["agency_id"].array, use_na_sentinel=False)
    unit = agency * len(quantities) + ind  # one integer per (agency, indicator); only rows in `use` are keyed
    earlier = np.flatnonzero(use & (cycles < year))
    unit_before, cycle_before = unit[earlier], cycles[earlier]
    # Each unit's latest earlier cycle, then the last of its rows in that cycle.
    latest = np.full(len(agencies) * len(quantities), cycle_before.min(initial=0), dtype=cycles.dtype)
    np.maximum.at(latest, unit_before, cycle_before)
    last = cycle_before == latest[unit_before]
    row = np.full(len(latest), -1, dtype=np.intp)
    np.maximum.at(row, unit_before[last], earlier[last])
    now = np.flatnonzero(use & (cycles == year))
    before = row[unit[now]]
    found = before >= 0
    return now[found], before[found], ind[now[found]]


def _positions(column: pd.Series, wanted: list[str]) -> np.ndarray:
    """Return the place in `wanted` of each of `column`'s values, -1 where it is not there (or missing)."""
    if column.dtype == _TEXT:  # arrow-backed texts: one hash lookup each in arrow
        texts = pa.array(column.array)
        found = pc.index_in(texts, value_set=pa.array(wanted, type=texts.type))
        return found.fill_null(-1).to_numpy(zero_copy_only=False)
    codes, uniques = pd.factorize(column)
    place = {w: j for j, w in enumerate(wanted)}
    return np.array([place.get(u, -1) for u in uniques.tolist()] + [-1], dtype=np.intp)[codes]


def _span(catalogue: Catalogue, indicator_id: str) -> float:
    try:
        gp = catalogue.indicator(indicator_id).goalposts
    except KeyError:
        return np.nan
    return gp[1] - gp[0] if gp else np.nan


def modified_z(x: pd.Series) -> pd.Series:
    """Return modified z-scores 0.6745 x (x - median) / MAD (Iglewicz and Hoaglin 1993).

    MAD = median(|x - median|). When MAD is 0 (more than half the values equal) the score is
    undefined and NaN is returned, so such values are never flagged.
    """
    med = x.median()
    mad = (x - med).abs().median()
    if not mad > 0:
        return pd.Series(np.nan, index=x.index)
    return MODIFIED_Z_CONSTANT * (x - med) / mad


def robust_outlier_flags(values: pd.DataFrame, peers: pd.DataFrame | None = None, peer_column: str = "ministry_id",
                         limit: float = MODIFIED_Z_LIMIT, min_peers: int = 5) -> pd.DataFrame:
    """Return flags for values whose modified z-score against their peers exceeds `limit` in size.

    Peers are the agencies of the same cycle (and of the same `peer_column` value in `peers`,
    a frame with agency_id and that column, when given and the group has `min_peers` or more;
    otherwise all agencies). Iglewicz and Hoaglin: flag |0.6745 (x - median) / MAD| > 3.5.
    The groups are integer codes of (cycle, indicator, peer); medians are pandas' group medians.
    """
    rows = np.flatnonzero(values["value"].notna().to_numpy())
    x = values["value"].to_numpy(dtype=float)[rows]
    # Groups as integer codes (a missing key is a group of its own, as groupby(dropna=False) makes it).
    group = _pair(_codes(values["cycle_year"])[rows], _codes(values["indicator_id"])[rows])
    if peers is not None:
        mine = peers[["agency_id", peer_column]].drop_duplicates("agency_id")
        agency, agencies = pd.factorize(values["agency_id"].array, use_na_sentinel=False)
        at = pd.Index(mine["agency_id"]).get_indexer(agencies)
        # Each agency's peer value (missing when it is not in `peers`, as the left merge gives), "__all__" last.
        peer_of = np.asarray(mine[peer_column].array.take(at, allow_fill=True), dtype=object)
        peer = pd.factorize(np.append(peer_of, "__all__"), use_na_sentinel=False)[0]
        mine_peer = peer[agency[rows]]
        cell = _pair(group, mine_peer)
        small = np.bincount(cell)[cell] < min_peers
        # Groups under min_peers are pooled into the "__all__" group of their cycle and indicator.
        group = _pair(group, np.where(small, peer[-1], mine_peer))
    with np.errstate(all="ignore"):  # infinite values and overflows as pandas takes them: quietly
        med = _group_median(x, group)
        mad = _group_median(np.abs(x - med), group)
        z = MODIFIED_Z_CONSTANT * (x - med) / np.where(mad > 0, mad, np.nan)
    hit = np.abs(z) > limit
    flagged = values.iloc[rows[hit]]
    # Column by column (the same strings as `message("flag_robust_z", ...)` gives for each row).
    ids = _mapped(flagged["indicator_id"].to_numpy(dtype=object), str)
    value, zs = _formatted(x[hit], "g"), _formatted(z[hit], ".1f")
    return _flag_frame(flagged, "robust_z", "info", {
        f"message_{lang}": _format_rows(t("flag_robust_z", lang), len(flagged), id=ids, value=value, z=zs)
        for lang in ("th", "en")})


def _codes(column: pd.Series) -> np.ndarray:
    """Return an integer per distinct value of `column` (a missing value is one of them), numbered from 0."""
    return pd.factorize(column.array, use_na_sentinel=False)[0]


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return an integer per distinct pair (a, b) of two codes from 0: a x (max b + 1) + b, renumbered from 0
    when that would leave most numbers unused."""
    n = int(b.max(initial=0)) + 1
    pairs = a.astype(np.int64) * n + b
    return pairs if (int(a.max(initial=0)) + 1) * n <= 2 * len(pairs) + 1024 else pd.factorize(pairs)[0]


def _group_median(x: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return the median of `x` over each row's group (missing values skipped): pandas' group median."""
    if not len(x):
        return np.array([], dtype=float)
    groups = pd.Series(pd.Categorical.from_codes(group, categories=pd.RangeIndex(int(group.max()) + 1)))
    return pd.Series(x).groupby(groups, observed=False).median().to_numpy()[group]


def rule_flags(answers: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return flags for responses that break the catalogue's cross-field rules.

    `left op right` compares the two numeric answers (both must be answered);
    `implies_option`: left answered yes (1) requires `option` among right's chosen options.
    """
    parts = []
    who = answers[["response_id", "cycle_year", "agency_id"]].drop_duplicates("response_id").set_index("response_id")
    cols = ["response_id", "value_num", "value_text"]

    def answers_to(indicator_id: str) -> pd.DataFrame:
        part = answers.loc[answers["indicator_id"] == indicator_id, cols]
        return part.drop_duplicates("response_id").set_index("response_id")

    for rule in catalogue.rules:
        left, right = answers_to(rule.left), answers_to(rule.right)
        if left.empty or right.empty:
            continue
        both = left.add_suffix("_l").join(right.add_suffix("_r"), how="inner")
        if rule.op == "implies_option":
            codes, texts = pd.factorize(both["value_text_r"])
            chosen = np.array([rule.option in chosen_options(t) for t in texts] + [False], dtype=bool)
            has_option = pd.Series(chosen[codes], index=both.index)  # code -1 (no text) -> the False at the end
            bad = both[(both["value_num_l"] == 1) & ~has_option]
        elif rule.op in _OPS:
            ok = both["value_num_l"].notna() & both["value_num_r"].notna()
            both = both[ok]
            bad = both[~_OPS[rule.op](both["value_num_l"].to_numpy(float), both["value_num_r"].to_numpy(float))]
        else:
            raise ValueError(f"unknown rule operator {rule.op!r}")
        if bad.empty:
            continue
        # Column-wise (thousands of flags at national scale): the same rows a loop over `bad` would give.
        ids = bad.index.to_numpy()
        mine = who.loc[ids]
        parts.append(pd.DataFrame({
            "cycle_year": mine["cycle_year"].to_numpy(), "response_id": ids,
            "agency_id": mine["agency_id"].to_numpy(), "indicator_id": rule.left, "rule": rule.id,
            "severity": "error", "value": bad["value_num_l"].to_numpy(dtype=float),
            "message_th": rule.message.th, "message_en": rule.message.en}, columns=FLAG_COLUMNS))
    return pd.concat(parts, ignore_index=True) if parts else _flags([])


@dataclass(frozen=True)
class OutlierModel:
    """A fitted isolation forest, kept to score changed profiles without a refit."""

    forest: IsolationForest
    #: The column medians missing values took at the fit.
    fill: pd.Series


def fit_outliers(profiles: pd.DataFrame, seed: int = 0, contamination: float = 0.05,
                 keys: Sequence[str] = ("cycle_year", "agency_id")) -> tuple[OutlierModel | None, np.ndarray]:
    """Return the isolation forest `multivariate_outlier_flags` fits (None under 10 profiles) and each profile's score."""
    if not 0 < contamination <= 0.5:
        raise ValueError("contamination must be in (0, 0.5]")
    feats = profiles.drop(columns=list(keys))
    if len(profiles) < 10 or feats.shape[1] == 0:
        return None, np.full(len(profiles), np.nan)
    fill = feats.median(numeric_only=True)
    x = feats.astype(float).fillna(fill).fillna(0.0).to_numpy()
    forest = IsolationForest(n_estimators=200, contamination=contamination, random_state=seed).fit(x)
    return OutlierModel(forest, fill), forest.score_samples(x)


def outlier_scores(model: OutlierModel | None, profiles: pd.DataFrame,
                   keys: Sequence[str] = ("cycle_year", "agency_id")) -> np.ndarray:
    """Return the kept forest's score of each profile (missing values take the fit's medians); NaN without a model."""
    if model is None or profiles.empty:
        return np.full(len(profiles), np.nan)
    x = profiles.drop(columns=list(keys)).astype(float).fillna(model.fill).fillna(0.0).to_numpy()
    return model.forest.score_samples(x)


def outlier_flags(profiles: pd.DataFrame, scores: np.ndarray, model: OutlierModel | None) -> pd.DataFrame:
    """Return the isolation-forest flags of `profiles` from their `scores` (below the fit's offset: flagged)."""
    if model is None:
        return _flags([])
    outlier = np.asarray(scores) - model.forest.offset_ < 0  # what `forest.predict` does, without scoring twice
    texts = _messages("flag_isolation_forest")
    picked = profiles.iloc[np.flatnonzero(outlier)]

    def column(name: str) -> np.ndarray | None:
        return picked[name].to_numpy() if name in picked.columns else None

    out = pd.DataFrame({"cycle_year": column("cycle_year"), "response_id": column("response_id"),
                        "agency_id": column("agency_id"), "indicator_id": None, "rule": "isolation_forest",
                        "severity": "info", "value": np.asarray(scores)[outlier], **texts}, columns=FLAG_COLUMNS)
    return out if len(out) else _flags([])


def multivariate_outlier_flags(profiles: pd.DataFrame, seed: int = 0, contamination: float = 0.05,
                               keys: Sequence[str] = ("cycle_year", "agency_id")) -> pd.DataFrame:
    """Return flags for agencies whose whole profile is unusual, by an isolation forest (Liu et al. 2008).

    `profiles` has the `keys` columns and one numeric column per indicator or dimension (0-100
    normalised scores are best); missing values take the column median. The forest is seeded, and
    the `contamination` share of profiles with the lowest scores is flagged. Fewer than 10
    profiles: no flags (too few to judge). `fit_outliers` and `outlier_flags` are its two halves, for
    callers that keep the forest.
    """
    model, scores = fit_outliers(profiles, seed, contamination, keys)
    return outlier_flags(profiles, scores, model)


def quality_flags(answers: pd.DataFrame, values: pd.DataFrame, catalogue: Catalogue,
                  frame: pd.DataFrame | None = None, profiles: pd.DataFrame | None = None,
                  seed: int = 0, year: int | None = None, outliers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every quality flag together: rules, jumps, robust outliers (against ministry peers) and,
    given `profiles`, multivariate outliers (or the `outliers` flags a caller made with a kept forest).
    Sorted by cycle, agency and severity.

    With `year`, only that cycle is flagged; `values` may still hold earlier cycles, which give the
    year-on-year jumps their previous values (peers are always of the same cycle).
    """
    if year is not None:
        answers = answers[answers["cycle_year"] == year]
    this_year = values if year is None else _rows_where(values, values["cycle_year"].to_numpy() == year)
    parts = [rule_flags(answers, catalogue), jump_flags(values, catalogue, year=year),
             robust_outlier_flags(this_year, frame, "ministry_id") if frame is not None
             else robust_outlier_flags(this_year)]
    if outliers is not None:
        parts.append(outliers)
    elif profiles is not None:
        parts.append(multivariate_outlier_flags(profiles, seed))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _flags([])
    out = pd.concat(parts, ignore_index=True)
    # Value-table checks know the agency and cycle only; name the response so a reviewer can open it: the first
    # response of the agency and cycle (looked for among the answers where they change, since answers come in runs).
    keys = ["cycle_year", "agency_id"]
    responses = answers[[*keys, "response_id"]].iloc[_changes(answers, keys)].drop_duplicates(keys)
    known = out[keys].merge(responses, on=keys, how="left")
    out["response_id"] = out["response_id"].astype(object).where(out["response_id"].notna(),
                                                                 known["response_id"].to_numpy())
    # By cycle, agency and severity (error, warning, info, then any other), ties in their order.
    severity, severities = pd.factorize(out["severity"].array)
    order = {"error": 0, "warning": 1, "info": 2}
    rank = np.array([order.get(s, len(order)) for s in severities.tolist()] + [len(order)])[severity]
    return out.iloc[np.lexsort((rank, _ranks(out["agency_id"]), _ranks(out["cycle_year"])))].reset_index(drop=True)


def _ranks(column: pd.Series) -> np.ndarray:
    """Return each value's place among the column's distinct values in order, missing values last (as sorted)."""
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _rows_where(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Return `frame[mask]`: a slice of it when the rows are one block (a cycle's rows in the value table)."""
    rows = np.flatnonzero(mask)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return frame.iloc[rows[0]:rows[-1] + 1]
    return frame.iloc[rows]


def _changes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return the positions of the rows whose `columns` differ from the row before (and the first row): among
    them is the first row of each distinct combination of their values."""
    change = np.ones(len(frame), dtype=bool)
    if len(frame) > 1:
        change[1:] = False
        for name in columns:
            col = frame[name].array
            differs = col[1:] != col[:-1]
            if isinstance(differs, pd.api.extensions.ExtensionArray):  # nullable: a missing value differs
                differs = differs.to_numpy(dtype=bool, na_value=True)
            change[1:] |= differs
    return np.flatnonzero(change)
