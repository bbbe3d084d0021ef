"""Read models for pages: repository reads fed through the pure analytics functions."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from analytics.actions import agency_actions, effective_weights, national_gains, weakest_dimensions
from analytics.index import method_from_catalogue, scores_wide
from analytics.online_services import online_gains
from analytics.peers import administrative_peers
from analytics.pipeline import (
    CycleBase,
    CycleResults,
    changed_agencies,
    cycle_base,
    cycle_fingerprints,
    cycle_results,
    patch_base,
    unit_by_unit,
)
from analytics.targets import linear_trend, observed_actuals, target_path, year_reaching
from analytics.trajectory import national_series
from analytics.uncertainty import group_uncertainty
from data import repository
from survey.catalogue import Catalogue, default_catalogue
from survey.i18n import TEXTS, t
from survey.targets import Target, target_for
from survey.workflow import COUNTED_STATUSES
from usecases.access import Principal, Role, readable_agency_ids, require_read_agency
from usecases.jobs import Progress
from usecases.target_edits import effective_targets, last_edited
from usecases.tracking import tracking_rows as tracking
from usecases.tracking import tracking_summary


@dataclass(frozen=True)
class Overview:
    national: pd.DataFrame
    path: pd.DataFrame | None
    target: Target | None
    is_demo: bool
    last_updated: pd.Timestamp | None


def overview(session: Session) -> Overview:
    """Return the national figures per cycle and the online-ratio target's path."""
    catalogue = default_catalogue()
    rows = cycle_rows(session, [int(y) for y in repository.cycles(session)["year_be"]], catalogue)
    counts = pd.concat([b.service_counts for b in rows.bases.values()], ignore_index=True)
    national = national_series(rows.frame, rows.responses, rows.services, catalogue.online_level, counts=counts)
    target = target_for(effective_targets(session, catalogue), "KPI.ONLINE_RATIO")
    path = None
    if target is not None:
        base = national.loc[national["cycle_be"] == target.baseline_year, "online_service_ratio"]
        baseline = None if base.empty or pd.isna(base.iloc[0]) else float(base.iloc[0])
        if target.baseline_value is not None or baseline is not None:
            path = target_path(target, baseline)
    resp = rows.responses
    last = None if resp.empty else pd.Timestamp(resp["updated_at"].max())
    return Overview(national, path, target, repository.is_demo(session), last)


def ministry_names(session: Session) -> pd.DataFrame:
    """Return the ministries (ministry_id, name_th, name_en) for a choice of scope."""
    return repository.ministries(session)


#: The steps of building the executive workbook, as `progress` reports them (text keys; an export job adds a 4th).
WORKBOOK_STEPS = ("export_step_read", "export_step_compute", "export_step_write")


def executive_workbook(session: Session, year: int, lang: str, ministry: str | None = None,
                       draws: int = 1000, progress: Progress | None = None) -> bytes:
    """Return the executive Excel workbook of cycle `year` (B.E.) in `lang`, for the country or one ministry.

    Reads every cycle up to `year` (earlier ones feed changes and the trajectory), computes the
    cycle's results and hands them to `analytics.workbook.build_workbook`. The data date is the
    latest change to a response of the cycle. `progress` hears of each of `WORKBOOK_STEPS` as it begins.
    """
    from analytics.pipeline import cycle_results
    from analytics.workbook import build_workbook, late_or_missing

    def step(i: int) -> None:
        if progress is not None:
            progress(i, len(WORKBOOK_STEPS) + 1, WORKBOOK_STEPS[i])

    step(0)
    catalogue = default_catalogue()
    targets = effective_targets(session, catalogue)  # the file, with planners' edits over it
    cycles = repository.cycles(session)
    this = cycles[cycles["year_be"] == year]
    if this.empty:
        raise ValueError(f"no survey cycle {year} B.E. in the database; cycles: {sorted(cycles['year_be'].tolist())}")
    years = [int(y) for y in cycles["year_be"] if y <= year]
    rows = cycle_rows(session, years, catalogue, read=(year,))  # unchanged earlier cycles come from kept bases
    frame, responses = rows.frame, rows.responses
    step(1)
    with threadpool_limits(limits=1):
        results = cycle_results(year, frame, responses, rows.services, rows.answers, catalogue, targets, draws=draws,
                                bases=rows.bases)
    mine = responses[responses["cycle_year"] == year]
    data_date = (pd.Timestamp(mine["updated_at"].max()).date() if not mine.empty
                 else dt.datetime.now(dt.UTC).date())
    closes_on = this["closes_on"].iloc[0]
    timeliness = late_or_missing(frame, responses, year, data_date, closes_on if pd.notna(closes_on) else None)
    step(2)
    return build_workbook(results, catalogue, targets, lang, ministry=ministry, agencies=repository.agencies(session),
                          ministries=repository.ministries(session), demo=repository.is_demo(session),
                          data_date=data_date, timeliness=timeliness)
# Dashboard read models ---------------------------------------------------------------------------
# Each view takes the session and the reader's principal; agency-level rows are filtered with
# `readable_agency_ids` here, so a page cannot show an agency its reader may not see. Numbers are
# unrounded (pages round where they display); names come in the reader's language.

#: Monte Carlo draws for rank intervals in the pages (the methodology page says so); the
#: workbook and `python -m analytics` use the full 1,000.
PAGE_DRAWS = 300
_RESULTS_KEPT = 4
_results: OrderedDict[tuple[str, int, int, int, bool], CycleResults] = OrderedDict()
_history: OrderedDict[tuple[str, int], pd.DataFrame] = OrderedDict()
#: Each cycle's agency-level base (values, scores, service counts), kept per (database, cycle, digest of
#: the cycle's frame and counted responses, catalogue, method): enough for every cycle of a few databases.
_BASES_KEPT = 48
_bases: OrderedDict[tuple[str, int, str, str, str], CycleBase] = OrderedDict()
_lock = threading.Lock()
SUMMARY_READERS = frozenset({Role.PLANNER, Role.EXECUTIVE})


def _db_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _remember(store: OrderedDict[Any, Any], key: Any, value: Any, kept: int = _RESULTS_KEPT) -> None:
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > kept:
            store.popitem(last=False)


@dataclass(frozen=True)
class CycleRows:
    """What `cycle_rows` read: every cycle's frame and responses, the answers and services of `read`
    cycles only, and every cycle's base."""

    frame: pd.DataFrame
    responses: pd.DataFrame
    services: pd.DataFrame
    answers: pd.DataFrame
    bases: dict[int, CycleBase]


def cycle_rows(session: Session, years: list[int], catalogue: Catalogue, read: tuple[int, ...] = ()) -> CycleRows:
    """Read the cycles `years` once, reusing each unchanged cycle's base instead of its answers and services.

    A cycle's base is kept while the digest of its frame and counted responses stays the same
    (`cycle_fingerprints`), so after a submission only the changed cycle is scored again. Cycles in
    `read` (the ones a page shows) keep their answers and services in the base: after a change to a
    few of their responses, only those responses' rows are read and those agencies scored again
    (`patch_base`), when the method scores each agency on its own values. The rows returned are
    those of `read` cycles and of cycles that had to be read whole.
    """
    method = method_from_catalogue(catalogue)
    frame, responses = repository.frame(session, years), repository.responses(session, years)
    prints = cycle_fingerprints(frame, responses)
    # The epoch changes on every restore and seed: a kept base never outlives the data it came from.
    db, shape = f"{_db_key(session)}#{repository.get_state(session, 'data_epoch', '')}", repr(method)
    keys = {y: (db, y, prints.get(y, ""), catalogue.sha256, shape) for y in years}
    with _lock:
        bases = {y: _bases[k] for y, k in keys.items() if k in _bases}
        earlier = {k[1]: b for k, b in _bases.items() if k[0] == db and k[1] in read and k[1] in keys
                   and k[1] not in bases and k[3:] == (catalogue.sha256, shape) and b.counted is not None}
    for y, old in earlier.items():  # a few responses changed: patch the kept base
        agencies = changed_agencies(old, frame, responses)
        size = len(old.counted) if old.counted is not None else 0
        if agencies is None or not unit_by_unit(method) or len(agencies) > PATCH_SHARE * max(size, 1):
            continue
        ids = responses.loc[(responses["cycle_year"] == y) & responses["agency_id"].isin(list(agencies)),
                            "response_id"].tolist()
        bases[y] = patch_base(old, frame, responses, repository.services(session, [y], ids),
                              repository.answers(session, [y], ids), agencies, catalogue, method)
        _keep_base(keys[y], bases[y])
    whole = sorted({y for y in years if y not in bases} | {y for y in read if bases.get(y) is not None
                                                             and bases[y].answers is None})
    parts: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    if whole:
        sv, an = repository.services(session, whole), repository.answers(session, whole)
        for y in whole:
            bases[y] = cycle_base(y, frame, responses, sv, an, catalogue, method, keep_rows=y in read)
            _keep_base(keys[y], bases[y])
        parts.append((sv, an))
    for y in read:
        b = bases.get(y)
        if y not in whole and b is not None and b.services is not None and b.answers is not None:
            parts.append((b.services, b.answers))
    if not parts:  # nothing to read and nothing kept: empty frames with their columns
        parts.append((repository.services(session, []), repository.answers(session, [])))
    services = pd.concat([p[0] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][0]
    answers = pd.concat([p[1] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][1]
    return CycleRows(frame, responses, services, answers, bases)


#: Above this share of a cycle's counted responses changed, the cycle is scored again whole.
PATCH_SHARE = 0.2


def _keep_base(key: tuple[str, int, str, str, str], base: CycleBase) -> None:
    """Keep `base`, dropping older bases of the same cycle that carry rows (only the latest is ever patched)."""
    if base.counted is not None:
        with _lock:
            for old in [k for k, b in _bases.items() if k[:2] == key[:2] and k[3:] == key[3:] and k != key
                        and b.counted is not None]:
                del _bases[old]
    _remember(_bases, key, base, _BASES_KEPT)


def results(session: Session, year: int, draws: int = PAGE_DRAWS, detail: bool = True) -> CycleResults:
    """Return `cycle_results` for `year`, computed once per (database, cycle, data version, draws, detail).

    Every change to responses bumps the data version, so a new submission makes the next call
    recompute; results of an older version are dropped as newer ones arrive (a few are kept).
    """
    key = (_db_key(session), year, repository.data_version(session), draws, detail)
    with _lock:
        hit = _results.get(key)
    if hit is not None:
        return hit
    catalogue = default_catalogue()
    years = [y for y in repository.cycles(session)["year_be"].tolist() if y <= year]
    # One thread for the small k-means and isolation-forest fits: on a busy two-core server, OpenMP
    # threads fighting each other made the clustering alone take seconds instead of milliseconds.
    with threadpool_limits(limits=1):
        rows = cycle_rows(session, years, catalogue, read=(year,))
        res = cycle_results(year, rows.frame, rows.responses, rows.services, rows.answers, catalogue,
                            effective_targets(session, catalogue), draws=draws, detail=detail, bases=rows.bases)
    _remember(_results, key, res)
    return res


def _all_scores(session: Session) -> pd.DataFrame:
    """Return the wide score table of every agency and cycle under today's method (cached per data version)."""
    key = (_db_key(session), repository.data_version(session))
    with _lock:
        hit = _history.get(key)
    if hit is not None:
        return hit
    catalogue = default_catalogue()
    years = [int(y) for y in repository.cycles(session)["year_be"]]
    bases = cycle_rows(session, years, catalogue).bases
    parts = [bases[y].scores for y in years if not bases[y].scores.empty]
    scores = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    wide = scores_wide(scores).reset_index() if not scores.empty else pd.DataFrame()
    _remember(_history, key, wide)
    return wide


@dataclass(frozen=True)
class FilterOptions:
    """What the cycle, ministry and agency-type filters offer, and the cycle shown by default."""

    cycles: tuple[int, ...]
    default_cycle: int | None
    ministries: tuple[tuple[str, str], ...]
    agency_types: tuple[str, ...]


def filter_options(session: Session, lang: str) -> FilterOptions:
    """Return the cycles (the latest with a counted response is the default), ministries and agency types."""
    cycles = tuple(int(y) for y in repository.cycles(session)["year_be"])
    resp = repository.responses(session)
    counted = resp[resp["status"].isin(list(COUNTED_STATUSES))]["cycle_year"]
    default = int(counted.max()) if not counted.empty else (cycles[-1] if cycles else None)
    mins = repository.ministries(session)
    names = tuple((str(m), str(th if lang == "th" else en)) for m, th, en in
                  zip(mins["ministry_id"], mins["name_th"], mins["name_en"], strict=True))
    types = tuple(sorted(repository.agencies(session)["agency_type"].dropna().unique().tolist()))
    return FilterOptions(cycles, default, names, types)


def _last_updated(session: Session, year: int | None = None) -> pd.Timestamp | None:
    resp = repository.responses(session, None if year is None else [year])
    return None if resp.empty else pd.Timestamp(resp["updated_at"].max())


def _has_data(session: Session, year: int | None) -> bool:
    if year is None:
        return False
    resp = repository.responses(session, [year])
    return bool(resp["status"].isin(list(COUNTED_STATUSES)).any())


def _agency_names(session: Session, lang: str) -> pd.DataFrame:
    ag = repository.agencies(session)
    mins = repository.ministries(session).set_index("ministry_id")
    col = "name_th" if lang == "th" else "name_en"
    return pd.DataFrame({"agency_id": ag["agency_id"], "agency": ag[col],
                         "ministry_id": ag["ministry_id"],
                         "ministry": ag["ministry_id"].map(mins[col]).fillna(ag["ministry_id"]),
                         "agency_type": ag["agency_type"]})


def words(values: pd.Series, prefix: str, lang: str) -> pd.Series:
    """Return coded values (statuses, kinds, severities) in the reader's language; unknown codes stay as they are."""
    def word(v: Any) -> Any:
        key = f"{prefix}_{v}"
        return t(key, lang) if key in TEXTS else v
    return values.map(word)


def _ministry_names(session: Session, lang: str) -> dict[str, str]:
    mins = repository.ministries(session)
    return dict(zip(mins["ministry_id"], mins["name_th" if lang == "th" else "name_en"], strict=True))


def _readable(session: Session, principal: Principal, frame: pd.DataFrame, ministry: str | None = None,
              agency_type: str | None = None) -> pd.DataFrame:
    """Keep the rows of agencies the principal may read (and in the chosen ministry and type)."""
    keep = frame["agency_id"].isin(readable_agency_ids(session, principal))
    if ministry or agency_type:
        ag = repository.agencies(session).set_index("agency_id")
        if ministry:
            keep &= frame["agency_id"].map(ag["ministry_id"]).eq(ministry)
        if agency_type:
            keep &= frame["agency_id"].map(ag["agency_type"]).eq(agency_type)
    return frame.loc[keep].reset_index(drop=True)


def _visible_ministries(session: Session, principal: Principal) -> set[str] | None:
    """None when the principal reads every ministry's summary; else the ministries they coordinate or belong to."""
    if principal.has(*SUMMARY_READERS):
        return None
    ag = repository.agencies(session)
    own = set(ag[ag["agency_id"].isin(readable_agency_ids(session, principal))]["ministry_id"])
    return own | set(principal.ministry_scope())


def indicator_label(indicator_id: str, lang: str, catalogue: Catalogue | None = None) -> str:
    """Return an indicator's id and question, or an adoption item's option label, in `lang`."""
    catalogue = catalogue or default_catalogue()
    try:
        return f"{indicator_id} {catalogue.indicator(indicator_id).question.get(lang)}"
    except (KeyError, ValueError):
        pass
    for ind in catalogue.indicators():
        for opt in ind.options:
            if opt.id == indicator_id:
                return opt.label.get(lang)
    return indicator_id


def dimension_names(lang: str, catalogue: Catalogue | None = None) -> dict[str, str]:
    catalogue = catalogue or default_catalogue()
    return {d.id: d.name.get(lang) for d in catalogue.dimensions}


# Overview ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    """One national figure against this cycle's milestone."""

    kpi: str
    name: str
    unit: str
    actual: float
    change: float
    milestone: float
    gap: float
    status: str
    basis: str
    required_per_year: float


@dataclass(frozen=True)
class OverviewView:
    year: int | None
    has_data: bool
    cards: tuple[Card, ...]
    actuals: pd.DataFrame
    path: pd.DataFrame
    trend: pd.DataFrame
    goal: tuple[int, float] | None
    reaches_goal: int | None
    target: Target | None
    international: pd.DataFrame
    observations: pd.DataFrame
    national: pd.DataFrame
    last_updated: pd.Timestamp | None


_CARD_KPIS = (("KPI.ONLINE_RATIO", "online_service_ratio"), ("KPI.READINESS", "readiness_index"),
              ("KPI.RESPONSE_RATE", "response_rate"))


def overview_view(session: Session, year: int | None, lang: str) -> OverviewView:
    """Return the national cards, the online-share trajectory with path and trend, and the international picture."""
    catalogue = default_catalogue()
    targets = effective_targets(session, catalogue)
    base = overview(session)
    national = base.national[base.national["cycle_be"] <= year] if year is not None else base.national
    national = national[["cycle_be", "online_service_ratio", "services", "services_online", "agencies_expected",
                         "agencies_responded", "response_rate"]]
    empty = pd.DataFrame()
    intl_rows, obs_rows = [], []
    for kpi in ("KPI.EGDI_RANK", "KPI.EGDI_SCORE"):
        tg = target_for(targets, kpi)
        if tg is None:
            continue
        obs = observed_actuals(tg)
        last = obs.iloc[-1] if not obs.empty else None
        intl_rows.append({"kpi": kpi, "name": catalogue.kpi(kpi).name.get(lang),
                          "latest": np.nan if last is None else float(last["value"]),
                          "latest_year": None if last is None else int(last["cycle_year"]),
                          "goal": tg.goal_value, "goal_year": tg.goal_year, "basis": tg.basis, "source": tg.source})
        for o in tg.observations:
            obs_rows.append({"kpi": kpi, "year": o.year, "value": o.value, "source": o.source})
    international = pd.DataFrame(intl_rows)
    observations = pd.DataFrame(obs_rows, columns=["kpi", "year", "value", "source"])
    if not _has_data(session, year) or year is None:
        return OverviewView(year, False, (), empty, empty, empty, None, None, base.target, international,
                            observations, national, _last_updated(session))
    # The cards need headline figures only: no Monte Carlo, flags or peers, so a new submission shows fast.
    res = results(session, year, draws=0, detail=False)
    nat = res.national.set_index("figure")
    cards = []
    for kpi, figure in _CARD_KPIS:
        row = res.targets[res.targets["kpi"] == kpi] if not res.targets.empty else pd.DataFrame()
        tr = row.iloc[0] if not row.empty else None
        cards.append(Card(kpi, catalogue.kpi(kpi).name.get(lang), catalogue.kpi(kpi).unit,
                          float(nat.at[figure, "value"]), float(nat.at[figure, "change"]),  # type: ignore[arg-type]
                          np.nan if tr is None else float(tr["milestone"]), np.nan if tr is None else float(tr["gap"]),
                          "no target" if tr is None else str(tr["status"]), "" if tr is None else str(tr["basis"]),
                          np.nan if tr is None else float(tr["required_per_year"])))
    nat_adopt = res.adoption[res.adoption["kind"] == "standard"]
    cards.append(Card("ADOPTION", "", "percent", float(nat_adopt["rate"].mean()) if len(nat_adopt) else np.nan,
                      np.nan, np.nan, np.nan, "no target", "", np.nan))
    actuals = national[["cycle_be", "online_service_ratio"]].rename(
        columns={"cycle_be": "year", "online_service_ratio": "value"}).dropna()
    path = base.path if base.path is not None else empty
    trend, reaches, goal = empty, None, None
    tg = base.target
    if tg is not None:
        goal = (tg.goal_year, tg.goal_value)
        fit = linear_trend(actuals["year"].tolist(), actuals["value"].tolist()) if len(actuals) >= 2 else None
        if fit is not None:
            slope, intercept = fit
            reaches = year_reaching(tg.goal_value, 1, slope, intercept, int(actuals["year"].min()))
            end = max(tg.goal_year, reaches or 0, int(actuals["year"].max()))
            xs = list(range(int(actuals["year"].min()), min(end, tg.goal_year + 10) + 1))
            trend = pd.DataFrame({"year": xs, "value": [slope * x + intercept for x in xs]})
    return OverviewView(year, True, tuple(cards), actuals, path, trend, goal, reaches, tg, international,
                        observations, national, _last_updated(session))


# Ministries -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MinistriesView:
    year: int | None
    has_data: bool
    table: pd.DataFrame
    heatmap: pd.DataFrame
    stable_pair_share: float
    draws: int
    last_updated: pd.Timestamp | None


def rank_range(low: float, high: float) -> str:
    """Return a rank interval as readers see it: '3' when both ends agree, else '3-7'."""
    lo, hi = round(low), round(high)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def ministries_view(session: Session, principal: Principal, year: int | None, agency_type: str | None,
                    lang: str) -> MinistriesView:
    """Return ministries ranked by mean readiness with Monte Carlo rank intervals, and the ministry x dimension scores.

    With an agency type chosen, means and intervals cover that type's agencies only.
    """
    empty = pd.DataFrame()
    if not _has_data(session, year) or year is None:
        return MinistriesView(year, False, empty, empty, np.nan, PAGE_DRAWS, _last_updated(session))
    res = results(session, year)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    dims = list(method.children(method.root))
    agency = res.agency_scores
    if agency_type:
        agency = agency[agency["agency_type"] == agency_type]
    g = agency.groupby("ministry_id")
    table = g.agg(agencies=("agency_id", "nunique"), scored=("missing", lambda m: int((~m).sum())))
    table = table.join(g[[method.root, *dims]].mean()).reset_index()
    online = res.online_agency[res.online_agency["agency_id"].isin(agency["agency_id"])]
    og = online.groupby("ministry_id")[["services", "online"]].sum()
    table["online_service_ratio"] = table["ministry_id"].map(100.0 * og["online"] / og["services"].where(og["services"] > 0))
    # All agency types: the pipeline's ministry intervals, the ones the executive workbook shows.
    unc = None if agency_type else res.ministry_uncertainty
    if unc is None:
        unc = group_uncertainty(res.values[res.values["agency_id"].isin(agency["agency_id"])],
                                agency[["agency_id", "ministry_id"]], method, "ministry_id", draws=PAGE_DRAWS)
    u = unc.scores.set_index("ministry_id")
    table["rank"] = table["ministry_id"].map(u["rank_nominal"]).astype("Int64")
    table["rank_range"] = [rank_range(lo, hi) if np.isfinite(lo) else "–" for lo, hi in
                           zip(table["ministry_id"].map(u["rank_p05"]).fillna(np.nan),
                               table["ministry_id"].map(u["rank_p95"]).fillna(np.nan), strict=True)]
    table["score_p05"] = table["ministry_id"].map(u["p05"])
    table["score_p95"] = table["ministry_id"].map(u["p95"])
    tm = res.targets_ministry
    if not tm.empty and not agency_type:
        ready = tm[tm["kpi"] == "KPI.READINESS"].set_index("ministry_id")
        table["gap"] = table["ministry_id"].map(ready["gap"])
        table["status"] = words(table["ministry_id"].map(ready["status"]), "status", lang)
    table["ministry"] = table["ministry_id"].map(_ministry_names(session, lang)).fillna(table["ministry_id"])
    visible = _visible_ministries(session, principal)
    if visible is not None:
        table = table[table["ministry_id"].isin(visible)]
    table = table.rename(columns={method.root: "readiness_index"}).sort_values(["rank", "ministry_id"],
                                                                                na_position="last")
    cols = ["rank", "rank_range", "ministry", "readiness_index", "score_p05", "score_p95", "online_service_ratio",
            "agencies", "scored", *(c for c in ("gap", "status") if c in table.columns)]
    names = dimension_names(lang, catalogue)
    heat = table.set_index("ministry")[dims].rename(columns=names)
    return MinistriesView(year, True, table[cols].reset_index(drop=True), heat, unc.stable_pair_share, unc.draws,
                          _last_updated(session, year))


# Agency profile ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyView:
    year: int | None
    choices: tuple[tuple[str, str], ...]
    agency_id: str | None
    has_data: bool
    history: pd.DataFrame
    radar: pd.DataFrame
    targets: pd.DataFrame
    weakest: pd.DataFrame
    actions: pd.DataFrame
    services: pd.DataFrame
    levels: pd.DataFrame
    health: dict[str, Any]
    flags: pd.DataFrame
    last_updated: pd.Timestamp | None


def agency_choices(session: Session, principal: Principal, year: int | None, ministry: str | None,
                   agency_type: str | None, lang: str) -> tuple[tuple[str, str], ...]:
    """Return (agency id, 'id name') of the agencies in the cycle's frame that the principal may read."""
    frame = repository.frame(session, None if year is None else [year])[["agency_id"]].drop_duplicates()
    frame = _readable(session, principal, frame, ministry, agency_type)
    names = _agency_names(session, lang).set_index("agency_id")["agency"]
    return tuple((a, f"{a} {names.get(a, '')}") for a in sorted(frame["agency_id"]))


def agency_view(session: Session, principal: Principal, year: int | None, agency_id: str | None,
                ministry: str | None, agency_type: str | None, lang: str) -> AgencyView:
    """Return one agency's profile: history, radar against its peers, gaps and actions, services and submission health."""
    choices = agency_choices(session, principal, year, ministry, agency_type, lang)
    ids = [c[0] for c in choices]
    chosen = agency_id if agency_id in ids else (ids[0] if ids else None)
    empty = pd.DataFrame()
    if chosen is None or year is None or not _has_data(session, year):
        return AgencyView(year, choices, chosen, False, empty, empty, empty, empty, empty, empty, empty, {}, empty,
                          _last_updated(session))
    require_read_agency(session, principal, chosen)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    dims = list(method.children(method.root))
    names = dimension_names(lang, catalogue)
    res = results(session, year)
    wide = _all_scores(session)
    history = wide[wide["agency_id"] == chosen] if not wide.empty else empty
    if not history.empty:
        history = history[history["cycle_year"] <= year].melt(
            id_vars=["cycle_year"], value_vars=[c for c in [method.root, *dims] if c in history.columns],
            var_name="dimension_id", value_name="score")
        history["dimension"] = history["dimension_id"].map({**names, method.root: "INDEX"})
    scores = res.agency_scores.set_index("agency_id")
    radar_rows = []
    if chosen in scores.index:
        radar_rows.append(("agency", scores.loc[chosen, dims]))
    stat_peers: list[str] | None = None
    if res.peers is not None and chosen in res.peers.assignments.index:
        grp = res.peers.assignments.loc[chosen, "group"]
        stat_peers = res.peers.assignments.index[res.peers.assignments["group"] == grp].tolist()
        radar_rows.append(("statistical_peers", scores.loc[scores.index.isin(stat_peers), dims].median()))
    admin = administrative_peers(res.agency_scores, chosen)
    if not admin.empty:
        radar_rows.append(("administrative_peers", scores.loc[scores.index.isin(admin["agency_id"]), dims].median()))
    radar = pd.DataFrame([{"series": s, **{names[d]: v[d] for d in dims}} for s, v in radar_rows])
    ta = res.targets_agency
    targets = ta[ta["agency_id"] == chosen] if not ta.empty else empty
    if not targets.empty:
        targets = targets.assign(kpi=targets["kpi"].map(lambda k: catalogue.kpi(k).name.get(lang)),
                                 status=words(targets["status"], "status", lang),
                                 basis=words(targets["basis"], "basis", lang))[
            ["kpi", "actual", "milestone", "gap", "required_per_year", "trend_reaches_goal", "status", "basis"]]
    weakest, actions = empty, empty
    if chosen in set(res.scores["agency_id"]):
        weakest = weakest_dimensions(res.scores, chosen, stat_peers)
        weakest = weakest.assign(dimension=weakest["node"].map(names))[["rank", "dimension", "score", "peer_median",
                                                                          "gap_to_peers"]]
        own_answers = repository.answers(session, [year])
        acts = agency_actions(chosen, res.scores, catalogue, method, own_answers[own_answers["agency_id"] == chosen],
                              stat_peers, res.milestones)
        acts = acts[acts["gain"] > 0].head(10)
        actions = pd.DataFrame({"rank": acts["rank"], "indicator": [indicator_label(i, lang, catalogue)
                                                                    for i in acts["indicator_id"]],
                                "dimension": acts["dimension_id"].map(names), "normalised": acts["normalised"],
                                "gain": acts["gain"], "gap_to_peers": acts["gap_to_peers"],
                                "action": acts[f"action_{lang}"], "owner": acts[f"owner_{lang}"]})
    sv = repository.services(session, [year])
    sv = sv[sv["agency_id"] == chosen]
    services = pd.DataFrame({"code": sv["code"], "service": sv["name"], "digital_level": sv["digital_level"],
                             "level": [catalogue.digital_level_label(int(v), lang) for v in sv["digital_level"]],
                             "annual_volume": sv["annual_volume"]})
    levels = pd.DataFrame({"digital_level": [lv.value for lv in catalogue.digital_levels],
                           "level": [lv.label.get(lang) for lv in catalogue.digital_levels]})
    levels["services"] = levels["digital_level"].map(services["digital_level"].value_counts()).fillna(0).astype(int)
    track = tracking(session, year)
    track = track[track["agency_id"] == chosen]
    comp = res.completeness[res.completeness["agency_id"] == chosen]
    flags = res.quality_flags[res.quality_flags["agency_id"] == chosen]
    health: dict[str, Any] = {
        "status": str(track["status"].iloc[0]) if not track.empty else "",
        "deadline": track["deadline"].iloc[0] if not track.empty else None,
        "submitted_at": track["submitted_at"].iloc[0] if not track.empty else None,
        "late": bool(track["late"].iloc[0]) if not track.empty else False,
        "completeness": float(comp["completeness"].iloc[0]) if not comp.empty else np.nan,
        "missing": list(comp["missing"].iloc[0]) if not comp.empty else [],
        "open_flags": len(flags),
    }
    flags = flags[["indicator_id", "rule", "severity", f"message_{lang}"]].rename(columns={f"message_{lang}": "message"})
    flags["severity"] = words(flags["severity"], "severity", lang)
    return AgencyView(year, choices, chosen, True, history.reset_index(drop=True), radar, targets, weakest, actions,
                      services.reset_index(drop=True), levels, health, flags.reset_index(drop=True),
                      _last_updated(session, year))


# Gaps and priorities ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GapsView:
    year: int | None
    has_data: bool
    indicators: pd.DataFrame
    online_agencies: pd.DataFrame
    readiness_agencies: pd.DataFrame
    crosswalk: pd.DataFrame
    last_updated: pd.Timestamp | None


def gaps_view(session: Session, principal: Principal, year: int | None, ministry: str | None,
              agency_type: str | None, lang: str, top: int = 20) -> GapsView:
    """Return where closing gaps moves the national figures most: indicators, agencies, international crosswalk."""
    empty = pd.DataFrame()
    if not _has_data(session, year) or year is None:
        return GapsView(year, False, empty, empty, empty, empty, _last_updated(session))
    res = results(session, year)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    names = dimension_names(lang, catalogue)
    gains = national_gains(res.scores, method)
    indicators = pd.DataFrame({"indicator": [indicator_label(i, lang, catalogue) for i in gains["indicator_id"]],
                               "dimension": gains["dimension_id"].map(names), "gain": gains["gain"],
                               "mean_score": gains["mean_score"], "effective_weight": 100.0 * gains["effective_weight"],
                               "agencies_below_50": gains["agencies_below_50"]})
    agencies = _agency_names(session, lang)[["agency_id", "agency", "ministry"]]
    online = _readable(session, principal, online_gains(res.online_agency), ministry, agency_type).head(top)
    online = online.merge(agencies, on="agency_id", how="left")[["agency_id", "agency", "ministry", "services",
                                                                   "offline", "gain"]]
    ta = res.targets_agency
    ready_cols = ["agency_id", "agency", "ministry", "actual", "milestone", "gap", "status"]
    ready = pd.DataFrame(columns=ready_cols)
    if not ta.empty:
        ready = _readable(session, principal, ta[ta["kpi"] == "KPI.READINESS"], ministry, agency_type)
        ready = ready.dropna(subset=["gap"]).sort_values("gap").head(top).merge(agencies, on="agency_id", how="left")
        ready = ready.assign(status=words(ready["status"], "status", lang))[ready_cols]
    cw = res.crosswalk
    crosswalk = pd.DataFrame({"framework": cw["framework"].str.upper(), "dimension": cw["dimension"],
                              "indicators": cw["indicators"].map(", ".join), "mean_score": cw["mean_score"],
                              "share_below": cw["share_below"],
                              "weakest_indicator": [indicator_label(i, lang, catalogue) if isinstance(i, str) else "–"
                                                    for i in cw["weakest_indicator"]]})
    return GapsView(year, True, indicators, online.reset_index(drop=True), ready.reset_index(drop=True), crosswalk,
                    _last_updated(session, year))


# Adoption ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdoptionView:
    year: int | None
    has_data: bool
    national: pd.DataFrame
    heatmap: pd.DataFrame
    non_adopters: pd.DataFrame
    last_updated: pd.Timestamp | None


def adoption_view(session: Session, principal: Principal, year: int | None, ministry: str | None,
                  agency_type: str | None, lang: str) -> AdoptionView:
    """Return adoption of standards, central platforms and shared services: nationally, per ministry, and who has not adopted."""
    empty = pd.DataFrame()
    if not _has_data(session, year) or year is None:
        return AdoptionView(year, False, empty, empty, empty, _last_updated(session))
    res = results(session, year)
    catalogue = default_catalogue()
    label = {i: indicator_label(i, lang, catalogue) for i in res.adoption["item"].unique()}
    nat = res.adoption
    national = pd.DataFrame({"kind": words(nat["kind"], "kind", lang), "item": nat["item"].map(label), "agencies": nat["agencies"],
                             "adopted": nat["adopted"], "rate": nat["rate"]})
    per = res.adoption_ministry
    visible = _visible_ministries(session, principal)
    if visible is not None:
        per = per[per["group"].isin(visible)]
    mnames = _ministry_names(session, lang)
    heat = per.assign(item=per["item"].map(label), ministry=per["group"].map(mnames).fillna(per["group"]))
    heatmap = heat.pivot_table(index="item", columns="ministry", values="rate", sort=False) if not heat.empty else empty
    rows = nat[["kind", "item", "not_adopted"]].explode("not_adopted").dropna(subset=["not_adopted"])
    rows = _readable(session, principal, rows.rename(columns={"not_adopted": "agency_id"}), ministry, agency_type)
    agencies = _agency_names(session, lang)[["agency_id", "agency", "ministry"]]
    non = rows.merge(agencies, on="agency_id", how="left")
    non = non.assign(item=non["item"].map(label), kind=words(non["kind"], "kind", lang))[["kind", "item", "agency_id", "agency", "ministry"]]
    return AdoptionView(year, True, national, heatmap, non.reset_index(drop=True), _last_updated(session, year))


# Data quality and response tracking -------------------------------------------------------------

@dataclass(frozen=True)
class QualityView:
    year: int | None
    has_frame: bool
    summary: dict[str, int]
    tracking: pd.DataFrame
    late: pd.DataFrame
    flags: pd.DataFrame
    flag_counts: pd.DataFrame
    completeness: pd.DataFrame
    indicator_completeness: pd.DataFrame
    last_updated: pd.Timestamp | None


def quality_view(session: Session, principal: Principal, year: int | None, ministry: str | None,
                 agency_type: str | None, lang: str, today: dt.date | None = None) -> QualityView:
    """Return who has answered and who is late, the quality flags to follow up, and completeness, for readable agencies."""
    empty = pd.DataFrame()
    if year is None:
        return QualityView(year, False, {}, empty, empty, empty, empty, empty, empty, None)
    track = _readable(session, principal, tracking(session, year, today), ministry, agency_type)
    if track.empty:
        return QualityView(year, False, tracking_summary(track), empty, empty, empty, empty, empty, empty,
                           _last_updated(session))
    agencies = _agency_names(session, lang)[["agency_id", "agency", "ministry"]]
    track = track.drop(columns=["name_th", "name_en", "ministry_id"]).merge(agencies, on="agency_id", how="left")
    summary = tracking_summary(track)
    track = track.assign(status=words(track["status"], "resp", lang))[
        ["agency_id", "agency", "ministry", "status", "deadline", "submitted_at", "late"]]
    flags, completeness, ind_comp = empty, empty, empty
    if _has_data(session, year):
        res = results(session, year)
        fl = _readable(session, principal, res.quality_flags, ministry, agency_type)
        flags = fl.merge(agencies, on="agency_id", how="left")[
            ["agency_id", "agency", "indicator_id", "rule", "severity", "value", f"message_{lang}"]].rename(
            columns={f"message_{lang}": "message"})
        flags["severity"] = words(flags["severity"], "severity", lang)
        comp = _readable(session, principal, res.completeness, ministry, agency_type)
        completeness = comp.merge(agencies, on="agency_id", how="left").assign(
            missing=comp["missing"].map(", ".join))[["agency_id", "agency", "required", "answered", "completeness",
                                                     "missing"]].sort_values("completeness")
        if principal.has(*SUMMARY_READERS):
            ic = res.indicator_completeness
            ind_comp = pd.DataFrame({"indicator": [indicator_label(i, lang) for i in ic["indicator_id"]],
                                     "responses": ic["responses"], "answered": ic["answered"],
                                     "completeness": ic["completeness"]}).sort_values("completeness")
    counts = (flags.groupby(["rule", "severity"]).size().rename("flags").reset_index()
              .sort_values("flags", ascending=False) if not flags.empty else empty)
    return QualityView(year, True, summary, track, track[track["late"]].reset_index(drop=True),
                       flags.reset_index(drop=True), counts, completeness.reset_index(drop=True),
                       ind_comp.reset_index(drop=True), _last_updated(session, year))


# Methodology ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MethodologyView:
    catalogue_version: str
    method: dict[str, Any]
    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    bands: pd.DataFrame
    targets: pd.DataFrame
    last_updated: pd.Timestamp | None


def methodology_view(session: Session, lang: str) -> MethodologyView:
    """Return the method as the catalogue and targets file declare it: dimensions, indicators, weights, goalposts, bands, targets.

    last_updated is the latest change to what the method is applied to: a survey response of any
    cycle or a planner's edit of a target (UTC; None when there is neither).
    """
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    eff = effective_weights(method)
    total = sum(d.weight for d in catalogue.dimensions)
    dimensions = pd.DataFrame([{"dimension_id": d.id, "dimension": d.name.get(lang), "weight": d.weight,
                                "share": 100.0 * d.weight / total, "indicators": len(d.indicators)}
                               for d in catalogue.dimensions])
    indicators = pd.DataFrame([{
        "indicator_id": i.id, "dimension_id": i.dimension, "question": i.question.get(lang), "type": i.type,
        "scored": i.scored, "polarity": i.polarity, "weight": i.weight,
        "effective_weight": 100.0 * eff[i.id] if i.id in eff else np.nan,
        "goalposts": "" if i.goalposts is None else f"{i.goalposts[0]:g} – {i.goalposts[1]:g}",
        "crosswalk": "; ".join(f"{k.upper()}: {', '.join(v)}" for k, v in i.crosswalk.items()),
        "since": i.since} for i in catalogue.indicators()])
    bands = pd.DataFrame([{"level": b.level, "min": b.min, "band": b.label.get(lang)} for b in catalogue.bands])
    targets = pd.DataFrame([{
        "target_id": tg.id, "kpi": catalogue.kpi(tg.kpi).name.get(lang), "basis": t(f"basis_{tg.basis}", lang),
        "source": tg.source or (tg.note.get(lang) if tg.note else ""),
        "baseline_year": tg.baseline_year, "baseline_value": tg.baseline_value,
        "baseline_source": tg.baseline_source or "", "goal_year": tg.goal_year, "goal_value": tg.goal_value,
        "milestones": ", ".join(f"{y}: {v:g}" for y, v in sorted(tg.milestones.items()))}
        for tg in effective_targets(session, catalogue)])
    info = {"catalogue_version": catalogue.version, "method_version": catalogue.method.version,
            "normalisation": catalogue.method.normalisation, "aggregation": catalogue.method.aggregation,
            "min_coverage": catalogue.method.min_coverage, "jump_threshold": catalogue.method.jump_threshold,
            "online_level": catalogue.online_level, "draws": PAGE_DRAWS}
    changes = [c for c in (_last_updated(session), last_edited(session)) if c is not None]
    return MethodologyView(catalogue.version, info, dimensions, indicators, bands, targets,
                           max(changes) if changes else None)
