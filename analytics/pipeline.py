"""One call for a cycle's results, so pages and the Excel export compute nothing themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.adoption import adoption_summary, stage_distribution, standards_adoption
from analytics.crosswalk import crosswalk_summary
from analytics.index import IndexMethod, composite_index, method_from_catalogue, scores_wide
from analytics.indicators import VALUE_COLUMNS as COLUMNS_OF_VALUES
from analytics.indicators import indicator_values
from analytics.models import COUNTED_KEY, CycleModels, cycle_models
from analytics.online_services import (
    COUNT_COLUMNS,
    agency_service_counts,
    digital_level_shares,
    inventory_counted,
    online_ratio_levels,
    year_on_year,
)
from analytics.peers import PeerGroups
from analytics.quality import FLAG_COLUMNS, completeness_by_indicator, completeness_by_response, quality_flags
from analytics.targets import observed_actuals, target_path, target_progress
from analytics.uncertainty import Uncertainty, draw_scores, group_uncertainty, summarise
from survey.catalogue import Catalogue, KpiId
from survey.targets import Target
from survey.workflow import COUNTED_STATUSES, Status

#: Every response state as a number, for the cycle digests (register inventories count in any state).
STATUS_CODES = {status.value: code for code, status in enumerate(sorted(Status))}

#: Targets on these KPIs are followed per ministry and per agency as well as nationally.
#: The indicator that carries a national KPI at agency level (for gap-to-target in the actions).


@dataclass(frozen=True)
class CycleResults:
    """Everything the pages and the workbook show for one cycle (all numbers unrounded)."""

    year: int
    method_version: str
    values: pd.DataFrame
    scores: pd.DataFrame
    agency_scores: pd.DataFrame
    ministry_scores: pd.DataFrame
    type_scores: pd.DataFrame
    national: pd.DataFrame
    online_agency: pd.DataFrame
    online_ministry: pd.DataFrame
    online_type: pd.DataFrame
    online_nation: pd.DataFrame
    level_shares: pd.DataFrame
    targets: pd.DataFrame
    targets_ministry: pd.DataFrame
    targets_agency: pd.DataFrame
    milestones: Mapping[str, float]
    adoption: pd.DataFrame
    adoption_ministry: pd.DataFrame
    stages: pd.DataFrame
    quality_flags: pd.DataFrame
    completeness: pd.DataFrame
    indicator_completeness: pd.DataFrame
    crosswalk: pd.DataFrame
    peers: PeerGroups | None
    uncertainty: Uncertainty | None
    #: Score and rank intervals of the ministries (`group_uncertainty`: the mean of their agencies' scores per draw).
    ministry_uncertainty: Uncertainty | None = None
    #: The cycle before `year` (empty when there is none), under the same method: for changes per agency and ministry.
    previous_agency_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_ministry_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: With `detail`: the isolation forest and k-means the flags and peer groups came from (kept or fitted now).
    models: CycleModels | None = None


@dataclass(frozen=True)
class CycleBase:
    """One cycle's agency-level figures under one method.

    They depend only on that cycle's frame and counted responses (their answers and services), so a
    caller that knows a cycle has not changed can keep its base and pass it to `cycle_results` instead
    of the cycle's answers and services: after a submission only that cycle is computed again.
    """

    year: int
    method_version: str
    values: pd.DataFrame
    scores: pd.DataFrame
    service_counts: pd.DataFrame
    #: One row per scored agency: its index and group scores, coverage, band (`_score_rows`).
    score_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: With `keep_rows`: the counted responses (id, agency, status, version, last update) and their answers and
    #: services, so that `patch_base` can score a few changed agencies again instead of the whole cycle.
    counted: pd.DataFrame | None = None
    answers: pd.DataFrame | None = None
    services: pd.DataFrame | None = None


def cycle_base(year: int, frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
               answers: pd.DataFrame, catalogue: Catalogue, method: IndexMethod | None = None,
               keep_rows: bool = False, keep_scores: bool = True) -> CycleBase:
    """Return cycle `year`'s indicator values, scores and per-agency service counts (other cycles' rows are ignored).

    Without `keep_scores` the long score table (one row per agency and node: the largest part of a base) is left
    empty: the cycles a page only shows as history need their one row per agency (`score_rows`) alone.
    """
    method = method or method_from_catalogue(catalogue)
    frame = frame[frame["cycle_year"] == year]
    responses = responses[responses["cycle_year"] == year]
    services = services[services["cycle_year"] == year]
    _, sv, ans = counted_frames(frame, responses, services, answers[answers["cycle_year"] == year])
    values = indicator_values(ans, sv, catalogue)
    scores = composite_index(values, method)
    # The service figures also count the inventories the national register wrote (not yet submitted).
    inventories = inventory_responses(frame, responses)
    inv_services = services[services["response_id"].isin(inventories["response_id"])]
    kept = inventories[COUNTED_KEY].reset_index(drop=True) if keep_rows else None
    return CycleBase(year, method.version, values, scores if keep_scores or keep_rows else pd.DataFrame(),
                     agency_service_counts(inventories, inv_services, catalogue.online_level),
                     _score_rows(scores, method), kept, ans.reset_index(drop=True) if keep_rows else None,
                     inv_services.reset_index(drop=True) if keep_rows else None)


def unit_by_unit(method: IndexMethod) -> bool:
    """True when each agency's scores depend on its own values only (goalposts or no normalisation throughout)."""
    return all((ind.normalisation or method.normalisation) in ("goalposts", "none") for ind in method.indicators)


def changed_agencies(base: CycleBase, frame: pd.DataFrame, responses: pd.DataFrame) -> set[str] | None:
    """Return the agencies whose counted response of `base.year` differs from the one `base` was made from.

    An agency that joined or left the frame with a counted response counts as changed. None when
    `base` kept no rows to compare with.
    """
    if base.counted is None:
        return None
    frame = frame[frame["cycle_year"] == base.year]
    now = inventory_responses(frame, responses[responses["cycle_year"] == base.year])[COUNTED_KEY]
    both = base.counted.merge(now, how="outer", indicator=True)
    return set(both.loc[both["_merge"] != "both", "agency_id"].astype(str))


def patch_base(base: CycleBase, frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
               answers: pd.DataFrame, agencies: set[str], catalogue: Catalogue,
               method: IndexMethod | None = None) -> CycleBase:
    """Return `base` with `agencies` scored again from their rows in `services` and `answers`, the others kept.

    Exact only when every agency's scores depend on its own values (`unit_by_unit`) and the frame is
    unchanged; the rows come out in the order `cycle_base` gives, so the result equals scoring the
    whole cycle again. `services` and `answers` need to hold only these agencies' rows.
    """
    method = method or method_from_catalogue(catalogue)
    if base.counted is None or base.answers is None or base.services is None or not unit_by_unit(method):
        raise ValueError("this base cannot be patched: rebuild it with cycle_base(..., keep_rows=True)")
    year = base.year
    mine = list(agencies)
    part = cycle_base(year, frame[frame["agency_id"].isin(mine)], responses[responses["agency_id"].isin(mine)],
                      services[services["agency_id"].isin(mine)], answers[answers["agency_id"].isin(mine)],
                      catalogue, method, keep_rows=True)

    def splice(old: pd.DataFrame, new: pd.DataFrame | None, order: list[str] | None,
               match: list[str] | None = None) -> pd.DataFrame:
        gone = old["agency_id"].isin(mine).to_numpy(dtype=bool) if "agency_id" in old.columns else None
        # Most often a changed response keeps its rows' keys (an answer's value changed): each new row then takes the
        # place of the old row with the same `match` key, which is where sorting by `order` would put it.
        placed = _in_place(old, new, gone, match) if match is not None and gone is not None else None
        if placed is not None:
            return placed
        kept = old[~gone] if gone is not None else old
        out = pd.concat([kept, new], ignore_index=True) if new is not None and not new.empty else kept
        out = _keep_types(out, old)
        return out.sort_values(order, kind="stable", ignore_index=True) if order else out.reset_index(drop=True)

    placed = _in_place(base.scores, part.scores, base.scores["agency_id"].isin(mine).to_numpy(dtype=bool),
                       ["agency_id", "node"])
    scores = placed if placed is not None else splice(base.scores, part.scores, None)
    if placed is None:
        # composite_index lists every agency under the first node, then the next node, ...: keep its node order.
        nodes = pd.Index(pd.unique(pd.concat([base.scores["node"], part.scores["node"]])))
        agency_codes = pd.factorize(scores["agency_id"], sort=True)[0]  # integer keys sort much faster than text
        order = np.lexsort((agency_codes, nodes.get_indexer(scores["node"])))
        scores = scores.iloc[order].reset_index(drop=True)
    key = ["cycle_year", "agency_id"]
    values = splice(base.values, part.values, [*key, "indicator_id"], ["agency_id", "indicator_id"])
    return CycleBase(year, method.version, values, scores,
                     splice(base.service_counts, part.service_counts, key),
                     splice(base.score_rows, part.score_rows, key) if not base.score_rows.empty
                     else _score_rows(scores, method),
                     splice(base.counted, part.counted, ["response_id"]), splice(base.answers, part.answers, None, ["response_id", "indicator_id"]),
                     splice(base.services, part.services, None, ["service_id"]))


def _in_place(old: pd.DataFrame, new: pd.DataFrame | None, gone: np.ndarray, match: list[str]) -> pd.DataFrame | None:
    """Return `old` with each row marked `gone` replaced by the row of `new` with the same `match` key, in its place;
    None unless the gone rows and the new rows have the same keys, each once, and `new` has `old`'s columns and
    types."""
    where = np.flatnonzero(gone)
    if new is None or len(where) == 0 or len(new) != len(where):
        return None
    before = pd.MultiIndex.from_frame(old.iloc[where][match].reset_index(drop=True))
    after = pd.MultiIndex.from_frame(new[match].reset_index(drop=True))
    if not before.is_unique or not after.is_unique:
        return None
    pos = before.get_indexer(after)
    if (pos < 0).any():
        return None
    rows, fresh = where[pos], new.reset_index(drop=True)
    if list(fresh.columns) != list(old.columns) or not fresh.dtypes.equals(old.dtypes):
        return None
    # Column by column: a column whose values did not change (the keys, most texts) is shared, not copied.
    out = old.copy(deep=False)
    for c in old.columns:
        if old[c].iloc[rows].reset_index(drop=True).equals(fresh[c]):
            continue
        changed = old[c].copy()
        changed.iloc[rows] = fresh[c].to_numpy()
        out[c] = changed
    return out


def _keep_types(out: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """Return `out` in `old`'s column types: a few agencies' empty parts may come out as object columns."""
    if not old.empty:
        for c, t in old.dtypes.items():
            if c in out.columns and out[c].dtype != t:
                # A column the new rows cannot hold in the cycle's type (a first missing count in an integer
                # column) takes the type a read of the whole cycle gives it (floats with NaN, not objects).
                try:
                    out[c] = out[c].astype(t)
                except (ValueError, TypeError):
                    out[c] = out[c].infer_objects()
    return out


def cycle_fingerprints(frame: pd.DataFrame, responses: pd.DataFrame) -> dict[int, str]:
    """Return, per cycle, a digest that changes whenever the cycle's `cycle_base` may change.

    It covers the cycle's frame (which agencies are expected) and its counted responses and register
    inventories (id, status, version, last update). It relies on the data layer's rule that a response's answers and
    services change only together with its version (every write to them is a versioned update of the
    response), so the digest stands for the answers and services without reading them.
    """
    counted = responses[inventory_counted(responses)]
    out: dict[int, str] = {}
    for year in sorted({int(y) for y in frame["cycle_year"].unique()} | {int(y) for y in counted["cycle_year"]}):
        digest = hashlib.sha256()
        members = frame.loc[frame["cycle_year"] == year, "agency_id"].astype(str)
        digest.update(np.sort(pd.util.hash_pandas_object(members, index=False).to_numpy()).tobytes())
        mine = counted[counted["cycle_year"] == year]
        # Numbers only (a response's agency never changes; its status is one of a few): cheap to hash.
        fields = np.column_stack([
            mine["response_id"].to_numpy(dtype="int64"), mine["version"].to_numpy(dtype="int64"),
            mine["status"].map(STATUS_CODES).to_numpy(dtype="int64"),
            pd.to_datetime(mine["updated_at"], utc=True).astype("int64").to_numpy()])
        digest.update(b"|")
        digest.update(fields[np.lexsort(fields.T[::-1])].tobytes())
        out[year] = digest.hexdigest()
    return out


def counted_responses(frame: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Return the responses that count in the figures (submitted, approved or locked) of agencies in the frame."""
    counted = responses[responses["status"].isin(list(COUNTED_STATUSES))]
    return counted.merge(frame[["cycle_year", "agency_id"]], on=["cycle_year", "agency_id"], how="inner")


def inventory_responses(frame: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Return the responses of agencies in the frame whose service inventory counts (`inventory_counted`)."""
    counted = responses[inventory_counted(responses)]
    return counted.merge(frame[["cycle_year", "agency_id"]], on=["cycle_year", "agency_id"], how="inner")


def counted_frames(frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame, answers: pd.DataFrame
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the counted responses of agencies in the frame, and their services and answers."""
    counted = counted_responses(frame, responses)
    ids = counted["response_id"]
    return counted, services[services["response_id"].isin(ids)], answers[answers["response_id"].isin(ids)]


def cycle_results(year: int, frame: pd.DataFrame, responses: pd.DataFrame, services: pd.DataFrame,
                  answers: pd.DataFrame, catalogue: Catalogue, targets: tuple[Target, ...],
                  method: IndexMethod | None = None, draws: int = 1000, seed: int = 0,
                  detail: bool = True, bases: Mapping[int, CycleBase] | None = None,
                  models: CycleModels | None = None) -> CycleResults:
    """Return the results of cycle `year` from the raw frames (any earlier cycles present feed trends and jumps).

    Scores use `method` (default: the catalogue's current method), so a past cycle is recomputed
    under today's method. Agencies without a counted response are missing (NaN), never zero.
    The uncertainty analysis runs `draws` Monte Carlo draws over the agencies (`monte_carlo`) and
    over the ministries (`group_uncertainty`, the mean of their agencies' scores in the same draws), each when at
    least two of them have a score.
    `draws` = 0 skips the uncertainty analysis; `detail` = False keeps the headline figures only, for the
    Overview's cards: national figures, scores, the national online ratios, the national targets and the adoption
    of the standards stay; quality flags, peer groups, completeness, the crosswalk, stages, platform and
    shared-service adoption, the ministries' adoption, the online ratios and targets of ministries, agency types
    and agencies, and the shares of digital levels are left empty.
    `bases` holds `cycle_base` results of unchanged cycles (under `method`); `services` and `answers`
    then need to hold only the other cycles, and always cycle `year` (its detail reads them).
    `models` are the cycle's kept isolation forest and k-means (`analytics.models`): used for the agencies
    whose counted response changed since their fit, or fitted again when the rule there says so; the
    results carry the models used.
    """
    method = method or method_from_catalogue(catalogue)
    frame = frame[frame["cycle_year"] <= year]
    responses = responses[responses["cycle_year"] <= year]
    years = sorted({int(y) for y in frame["cycle_year"].unique()} | {year})
    # The cycle shown needs its long score table: a base kept without it (history only) is made again from the rows.
    known = {y: b for y, b in (bases or {}).items() if y in years and b.method_version == method.version
             and (y != year or not b.scores.empty or b.score_rows.empty)}
    base = {y: known[y] if y in known else cycle_base(y, frame, responses, services, answers, catalogue, method,
                                                      keep_scores=y == year)
            for y in years}
    counted = counted_responses(frame, responses)
    # Every cycle's values (a million rows at 8,000 agencies x 5 cycles) feed the year-on-year jumps alone.
    own = base[year].values
    values_all = _concat([base[y].values for y in years], COLUMNS_OF_VALUES) if detail or own.empty else None
    score_rows = _concat([base[y].score_rows for y in years])
    counts_all = _concat([base[y].service_counts for y in years], COUNT_COLUMNS)
    cycle_services = services[services["cycle_year"] == year]
    cycle_services = cycle_services[cycle_services["response_id"].isin(inventory_responses(frame, responses)
                                                                       ["response_id"])]
    ans = answers[(answers["cycle_year"] == year) & answers["response_id"].isin(counted["response_id"])]
    if values_all is None or (not own.empty and own.dtypes.equals(values_all.dtypes)):
        values = own.reset_index(drop=True)
    else:
        values = values_all[values_all["cycle_year"] == year].reset_index(drop=True)
    scores = base[year].scores.reset_index(drop=True)
    info = frame[["cycle_year", "agency_id", "ministry_id", "agency_type"]]

    agency_all = _agency_table(score_rows, info, method)
    prev = max((c for c in agency_all["cycle_year"].unique().tolist() if c < year), default=None)
    agency_scores = agency_all[agency_all["cycle_year"] == year].reset_index(drop=True)
    group_cols = [method.root, *method.children(method.root)]
    ministry_all = _group_means(agency_all, "ministry_id", group_cols)
    type_all = _group_means(agency_all, "agency_type", group_cols)

    # The Overview's cards (no detail) need the national online ratios only; targets are then followed nationally.
    levels = ("agency", "ministry", "agency_type", "nation") if detail else ("nation",)
    online = online_ratio_levels(frame, responses, counts_all, levels)
    online_keys = {"agency": ["agency_id"], "ministry": ["ministry_id"], "agency_type": ["agency_type"], "nation": []}
    online = {lv: year_on_year(t, ["online_service_ratio", "volume_online_ratio"], online_keys[lv])
              for lv, t in online.items()}
    none = pd.DataFrame()

    actuals = _actuals(online, agency_all, ministry_all, method.root, units=detail)
    kpi_indicator = {k.id: k.indicator for k in catalogue.kpis if k.indicator}
    national_targets, ministry_targets, agency_targets, milestones = [], [], [], {}
    for t in targets:
        if t.kpi in actuals:
            national_targets.append(target_progress(t, actuals[t.kpi]["nation"], year, catalogue))
            if "ministry" in actuals[t.kpi]:
                ministry_targets.append(target_progress(t, actuals[t.kpi]["ministry"], year, catalogue, ["ministry_id"]))
                if "agency" in actuals[t.kpi]:
                    agency_targets.append(target_progress(t, actuals[t.kpi]["agency"], year, catalogue, ["agency_id"]))
        elif t.observations:
            national_targets.append(target_progress(t, observed_actuals(t), year, catalogue))
        indicator = kpi_indicator.get(t.kpi, t.kpi)
        if indicator in method.indicator_ids() and t.baseline_value is not None:
            path = target_path(t).set_index("year")["value"]
            if year in path.index:
                milestones[indicator] = float(path.loc[year])

    cycle_frame = frame[frame["cycle_year"] == year]
    cycle_answers = ans[ans["cycle_year"] == year]
    profiles = agency_scores[["cycle_year", "agency_id", *method.children(method.root)]]
    flags = pd.DataFrame(columns=FLAG_COLUMNS)
    scored = agency_scores.dropna(subset=[method.root])
    peers = used = None
    if detail:
        dims = list(method.children(method.root))
        now = inventory_responses(cycle_frame, responses[responses["cycle_year"] == year])
        used, outliers, peers = cycle_models(models, year, method.version, seed, now, profiles.dropna(
            how="all", subset=dims).reset_index(drop=True), scored.set_index("agency_id")[dims])
        flags = quality_flags(cycle_answers, values if values_all is None else values_all, catalogue, cycle_frame,
                              seed=seed, year=year, outliers=outliers)
        flags = flags[flags["cycle_year"] == year].reset_index(drop=True)

    uncertainty = ministry_uncertainty = None
    if draws > 0 and len(scored) >= 2:
        # One set of agency draws serves both: a ministry's score in a draw is its agencies' mean.
        agency_draws = draw_scores(values, method, draws=draws, seed=seed)
        uncertainty = summarise(agency_draws, "agency_id")
        if scored["ministry_id"].nunique() >= 2:
            ministry_uncertainty = group_uncertainty(values, agency_scores[["agency_id", "ministry_id"]], method,
                                                     "ministry_id", draws=draws, seed=seed, agency_draws=agency_draws)

    this_cycle = counted[counted["cycle_year"] == year]
    return CycleResults(
        year=year, method_version=method.version, values=values, scores=scores,
        agency_scores=agency_scores,
        ministry_scores=ministry_all[ministry_all["cycle_year"] == year].reset_index(drop=True),
        type_scores=type_all[type_all["cycle_year"] == year].reset_index(drop=True),
        national=_national(year, online, agency_all, method, counted, frame),
        online_agency=_only(online["agency"], year) if detail else none,
        online_ministry=_only(online["ministry"], year) if detail else none,
        online_type=_only(online["agency_type"], year) if detail else none, online_nation=online["nation"],
        level_shares=digital_level_shares(frame[frame["cycle_year"] == year], responses, cycle_services, "nation")
        if detail else none,
        targets=_concat(national_targets), targets_ministry=_concat(ministry_targets),
        targets_agency=_concat(agency_targets), milestones=milestones,
        adoption=adoption_summary(cycle_answers, values, cycle_frame, catalogue) if detail
        else standards_adoption(values, cycle_frame, catalogue).assign(kind="standard"),
        adoption_ministry=adoption_summary(cycle_answers, values, cycle_frame, catalogue, by="ministry_id")
        if detail else pd.DataFrame(),
        stages=stage_distribution(values, cycle_frame, catalogue) if detail else pd.DataFrame(),
        quality_flags=flags,
        completeness=completeness_by_response(cycle_answers, this_cycle, catalogue) if detail else pd.DataFrame(),
        indicator_completeness=completeness_by_indicator(cycle_answers, this_cycle, catalogue) if detail
        else pd.DataFrame(),
        crosswalk=crosswalk_summary(scores, catalogue) if detail else pd.DataFrame(),
        peers=peers, uncertainty=uncertainty, ministry_uncertainty=ministry_uncertainty,
        previous_agency_scores=_only(agency_all, prev) if prev is not None else pd.DataFrame(),
        previous_ministry_scores=_only(ministry_all, prev) if prev is not None else pd.DataFrame(),
        models=used,
    )


def _only(table: pd.DataFrame, year: int) -> pd.DataFrame:
    return table[table["cycle_year"] == year].reset_index(drop=True)


def _concat(parts: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns=columns) if columns is not None else pd.DataFrame()


def _score_rows(scores: pd.DataFrame, method: IndexMethod) -> pd.DataFrame:
    """Return one row per scored agency and cycle: its index and group scores, coverage, band and band label."""
    if scores.empty:
        return pd.DataFrame()
    wide = scores_wide(scores).reset_index()
    root = scores[scores["node"] == method.root][["cycle_year", "agency_id", "coverage", "band", "band_label"]]
    return wide.merge(root, on=["cycle_year", "agency_id"], how="left")


def _agency_table(score_rows: pd.DataFrame, info: pd.DataFrame, method: IndexMethod) -> pd.DataFrame:
    """Return one row per expected agency and cycle: its index and group scores, band and coverage (NaN if missing)."""
    out = info.merge(score_rows, on=["cycle_year", "agency_id"], how="left") if not score_rows.empty else info.copy()
    for col in [method.root, *method.children(method.root)]:
        if col not in out.columns:
            out[col] = np.nan
    for col, kind in (("coverage", float), ("band", "Int64"), ("band_label", object)):
        if col not in out.columns:
            out[col] = pd.Series(np.nan if kind is float else None, index=out.index, dtype=kind)
    out["missing"] = out[method.root].isna()
    out["method_version"] = method.version
    return out.sort_values(["cycle_year", "agency_id"], ignore_index=True)


def _group_means(agency: pd.DataFrame, by: str, columns: list[str]) -> pd.DataFrame:
    """Return per cycle and group: agencies expected, agencies scored, and the mean of each score column."""
    g = agency.groupby(["cycle_year", by], observed=True)
    out = g.agg(agencies=("agency_id", "nunique"), scored=("missing", lambda m: int((~m).sum())))
    means = g[columns].mean()
    return out.join(means).reset_index()


def _actuals(online: Mapping[str, pd.DataFrame], agency: pd.DataFrame, ministry: pd.DataFrame, root: str,
             units: bool = True) -> dict[str, dict[str, pd.DataFrame]]:
    """Return each followed KPI's actuals per cycle: nationally and, with `units` (`online` then holds the ministries
    and agencies too), per ministry and (where meaningful) per agency."""
    def pick(table: pd.DataFrame, col: str, keys: list[str]) -> pd.DataFrame:
        return table[["cycle_year", *keys, col]].rename(columns={col: "value"})

    nation_readiness = agency.groupby("cycle_year")[root].mean().rename("value").reset_index()
    resp_n = online["nation"].assign(rate=100.0 * online["nation"]["agencies_responded"]
                                     / online["nation"]["agencies_expected"])
    if not units:
        return {KpiId.ONLINE_RATIO: {"nation": pick(online["nation"], "online_service_ratio", [])},
                KpiId.READINESS: {"nation": nation_readiness}, KpiId.RESPONSE_RATE: {"nation": pick(resp_n, "rate", [])}}
    resp_m = online["ministry"].assign(rate=100.0 * online["ministry"]["agencies_responded"]
                                       / online["ministry"]["agencies_expected"])
    return {
        KpiId.ONLINE_RATIO: {"nation": pick(online["nation"], "online_service_ratio", []),
                             "ministry": pick(online["ministry"], "online_service_ratio", ["ministry_id"]),
                             "agency": pick(online["agency"], "online_service_ratio", ["agency_id"])},
        KpiId.READINESS: {"nation": nation_readiness, "ministry": pick(ministry, root, ["ministry_id"]),
                          "agency": pick(agency, root, ["agency_id"])},
        KpiId.RESPONSE_RATE: {"nation": pick(resp_n, "rate", []), "ministry": pick(resp_m, "rate", ["ministry_id"])},
    }


def _national(year: int, online: Mapping[str, pd.DataFrame], agency: pd.DataFrame, method: IndexMethod,
              counted: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return the cycle's national figures as (figure, value) rows, with the change since the previous cycle."""
    nation = online["nation"].set_index("cycle_year")
    cycles = sorted(nation.index)
    prev = max((c for c in cycles if c < year), default=None)

    def figures(cyc: int) -> dict[str, float]:
        row: dict[str, float] | None = None
        if cyc in nation.index:
            cols = ["online_service_ratio", "volume_online_ratio", "services", "online"]
            row = dict(zip(cols, nation.loc[[cyc], cols].to_numpy(dtype=float)[0].tolist(), strict=True))
        ag = agency[agency["cycle_year"] == cyc]
        expected = frame[frame["cycle_year"] == cyc]["agency_id"].nunique()
        responded = counted[counted["cycle_year"] == cyc]["agency_id"].nunique()
        out = {
            "online_service_ratio": np.nan if row is None else row["online_service_ratio"],
            "volume_online_ratio": np.nan if row is None else row["volume_online_ratio"],
            "services": np.nan if row is None else row["services"],
            "services_online": np.nan if row is None else row["online"],
            "readiness_index": float(ag[method.root].mean()) if len(ag) else np.nan,
            "agencies_expected": float(expected), "agencies_responded": float(responded),
            "agencies_scored": float((~ag["missing"]).sum()) if len(ag) else 0.0,
            "response_rate": 100.0 * responded / expected if expected else np.nan,
        }
        for band in method.bands:
            share = (ag["band"] == band.level).sum() / max(int((~ag["missing"]).sum()), 1) * 100.0
            out[f"band_{band.level}_share"] = float(share) if len(ag) else np.nan
        return out

    now = figures(year)
    before = figures(prev) if prev is not None else {}
    return pd.DataFrame({"cycle_year": year, "figure": list(now), "value": list(now.values()),
                         "change": [now[k] - before.get(k, np.nan) for k in now],
                         "method_version": method.version})
