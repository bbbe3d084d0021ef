"""The executive workbook's tables: agencies and ministries with ranks, changes and target status, the actions
with the largest gains, who is late or missing, and the key findings; DataFrames in and out.

The workbook's layout is `usecases/workbook/`; its write floor, for the benchmark, `benchmarks/workbook_floor.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.actions import effective_weights
from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from analytics.uncertainty import Uncertainty
from survey import clock, workflow
from survey.catalogue import Catalogue, KpiId
from survey.i18n import fmt_number, fmt_percent_text, join_list, t
from survey.workflow import Status

#: Actions listed per agency on the Gaps and actions sheet (the largest gains first).
ACTIONS_PER_AGENCY = 3
#: The KPIs whose gap and status the Ministries and Agencies sheets show, by column prefix.
STATUS_KPIS = {"online": KpiId.ONLINE_RATIO, "readiness": KpiId.READINESS}
ADOPTION_KINDS = ("standard", "platform", "shared_service")








# Column makers ----------------------------------------------------------------------------------













def kpi_status(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return per unit the gap and status of each STATUS_KPIS target (columns <prefix>_gap, <prefix>_status)."""
    out = pd.DataFrame(columns=[key])
    if table.empty:
        return out
    for prefix, kpi in STATUS_KPIS.items():
        part = table[table["kpi"] == kpi][[key, "gap", "status"]].drop_duplicates(key)
        part = part.rename(columns={"gap": f"{prefix}_gap", "status": f"{prefix}_status"})
        out = part if out.empty and len(out.columns) == 1 else out.merge(part, on=key, how="outer")
    return out


# Tables -----------------------------------------------------------------------------------------

def agency_table(results: CycleResults, catalogue: Catalogue, ministry: str | None = None) -> pd.DataFrame:
    """Return one row per agency of the cycle (of `ministry` when given), best rank first.

    Columns: agency_id, ministry_id, agency_type, online_service_ratio, online_change, the composite
    and dimension scores, composite_change (against the previous cycle under the same method), band,
    coverage, rank (1 = highest composite; ties share the best rank), rank_p05 and rank_p95 (Monte
    Carlo, `analytics.uncertainty.monte_carlo`), online_gap/online_status and
    readiness_gap/readiness_status (`analytics.targets.target_progress`).
    """
    method = method_from_catalogue(catalogue)
    root = method.root
    a = results.agency_scores.copy()
    if ministry is not None:
        a = a[a["ministry_id"] == ministry]
    on = results.online_agency[["agency_id", "online_service_ratio", "online_service_ratio_change"]]
    a = a.merge(on.rename(columns={"online_service_ratio_change": "online_change"}), on="agency_id", how="left")
    a = _with_change(a, results.previous_agency_scores, "agency_id", root)
    a = _with_ranks(a, results.uncertainty, "agency_id", results.agency_scores.set_index("agency_id")[root])
    a = a.merge(kpi_status(results.targets_agency, "agency_id"), on="agency_id", how="left")
    for col in ("online_gap", "online_status", "readiness_gap", "readiness_status"):
        if col not in a.columns:
            a[col] = np.nan if col.endswith("gap") else None
    return a.sort_values(["rank", "agency_id"], na_position="last", ignore_index=True)


def _with_ranks(table: pd.DataFrame, uncertainty: Uncertainty | None, key: str, scores: pd.Series) -> pd.DataFrame:
    """Add rank, rank_p05 and rank_p95 to `table` (one row per `key`).

    With a Monte Carlo (`uncertainty`): its nominal rank and 5th-95th percentile rank interval.
    Without one: the rank of `scores` (indexed by `key`, over every unit, 1 = highest, ties share the
    best rank) and no interval.
    """
    if uncertainty is not None:
        u = uncertainty.scores[[key, "rank_nominal", "rank_p05", "rank_p95"]].rename(columns={"rank_nominal": "rank"})
        return table.merge(u, on=key, how="left")
    rank = scores.rank(ascending=False, method="min")
    return table.assign(rank=table[key].map(rank).to_numpy(dtype=float), rank_p05=np.nan, rank_p95=np.nan)


def _with_change(table: pd.DataFrame, previous: pd.DataFrame, key: str, root: str) -> pd.DataFrame:
    """Add composite_change = this cycle's composite - last cycle's (NaN without a previous cycle)."""
    if previous.empty:
        return table.assign(composite_change=np.nan)
    out = table.merge(previous[[key, root]].rename(columns={root: "_prev"}), on=key, how="left")
    return out.assign(composite_change=out[root] - out["_prev"])


def ministry_table(results: CycleResults, catalogue: Catalogue) -> pd.DataFrame:
    """Return one row per ministry, best rank first: the agency table's columns, as ministry means.

    The composite and dimension scores are the mean over the ministry's scored agencies; the online
    ratio is pooled over its services. rank, rank_p05 and rank_p95 are the ministries' nominal rank
    and 5th-95th percentile rank interval from `results.ministry_uncertainty`
    (`analytics.uncertainty.group_uncertainty`: the mean of the ministry's agency scores in each draw,
    so the nominal rank orders the ministries by the mean composite, as the Ministries page does);
    without it, rank orders them by the mean composite (1 = highest) too and there is no interval.
    """
    method = method_from_catalogue(catalogue)
    root = method.root
    m = results.ministry_scores.copy()
    on = results.online_ministry[["ministry_id", "online_service_ratio", "online_service_ratio_change"]]
    m = m.merge(on.rename(columns={"online_service_ratio_change": "online_change"}), on="ministry_id", how="left")
    m = _with_change(m, results.previous_ministry_scores, "ministry_id", root)
    m = _with_ranks(m, results.ministry_uncertainty, "ministry_id", m.set_index("ministry_id")[root])
    m["band"] = [np.nan if pd.isna(v) else catalogue.band_for(v).level for v in m[root].tolist()]
    m = m.merge(kpi_status(results.targets_ministry, "ministry_id"), on="ministry_id", how="left")
    for col in ("online_gap", "online_status", "readiness_gap", "readiness_status"):
        if col not in m.columns:
            m[col] = np.nan if col.endswith("gap") else None
    return m.sort_values(["rank", "ministry_id"], na_position="last", ignore_index=True)


def top_actions(results: CycleResults, catalogue: Catalogue, agency_ids: Sequence[str] | None = None,
                per_agency: int = ACTIONS_PER_AGENCY) -> pd.DataFrame:
    """Return each agency's `per_agency` actions with the largest gain, the largest gains first overall.

    Vectorised `analytics.actions.agency_actions` (same gain: effective weight x (100 - normalised
    score) x scale / 100, an unanswered item counting as 0; ties broken by indicator id), for every
    agency with indicator scores. Columns: agency_id, priority (the rank in `agency_actions`),
    indicator_id, dimension_id, normalised, gain. Actions with no gain are left out.
    """
    method = method_from_catalogue(catalogue)
    eff = effective_weights(method)
    ind = results.scores[results.scores["kind"] == "indicator"]
    if agency_ids is not None:
        ind = ind[ind["agency_id"].isin(list(agency_ids))]
    cols = ["agency_id", "priority", "indicator_id", "dimension_id", "normalised", "gain"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    wide = ind.pivot_table(index="agency_id", columns="node", values="score", aggfunc="first", dropna=False)
    ids = list(method.indicator_ids())
    wide = wide.reindex(columns=ids)
    norm = wide.to_numpy(dtype=float)
    weights = np.array([eff[i] for i in ids])
    gain = weights[None, :] * (100.0 - np.nan_to_num(norm, nan=0.0)) * method.scale / 100.0
    # Order within an agency: gain descending, then indicator id (ids are sorted ascending already here).
    order_ids = np.argsort(np.array(ids), kind="stable")
    gain_o, norm_o = gain[:, order_ids], norm[:, order_ids]
    ids_o = np.array(ids)[order_ids]
    rank = np.argsort(-gain_o, axis=1, kind="stable")[:, :per_agency]
    rows = np.repeat(np.arange(len(wide)), rank.shape[1])
    picks = rank.ravel()
    parent = {i.id: i.parent for i in method.indicators}
    out = pd.DataFrame({
        "agency_id": wide.index.to_numpy()[rows],
        "priority": np.tile(np.arange(1, rank.shape[1] + 1), len(wide)),
        "indicator_id": ids_o[picks],
        "normalised": norm_o[rows, picks],
        "gain": gain_o[rows, picks],
    })
    out["dimension_id"] = out["indicator_id"].map(parent)
    out = out[out["gain"] > 0]
    return out.sort_values(["gain", "agency_id", "priority"], ascending=[False, True, True], ignore_index=True)[cols]


def late_or_missing(frame: pd.DataFrame, responses: pd.DataFrame, year: int, data_date: dt.date,
                    closes_on: dt.date | None = None) -> pd.DataFrame:
    """Return the cycle's agencies that have not submitted, or submitted after their deadline.

    The deadline is the later of the agency's own and the cycle's closing date `closes_on` (`survey.workflow.deadline`).
    days_late = submission date (or `data_date` when not submitted) - deadline; agencies without a
    response have status None. Columns: agency_id, ministry_id, status, deadline, submitted, days_late.
    """
    f = frame[frame["cycle_year"] == year][["agency_id", "ministry_id", "deadline"]]
    r = responses[responses["cycle_year"] == year][["agency_id", "status", "submitted_at"]]
    out = f.merge(r, on="agency_id", how="left")
    # Submission days are Thai dates, as tracking judges them; a returned response is due again.
    submitted = pd.to_datetime(out["submitted_at"], utc=True).dt.tz_convert(clock.BANGKOK).dt.tz_localize(None).dt.normalize()
    submitted = submitted.where(out["status"] != Status.RETURNED)
    deadline = pd.to_datetime(out["deadline"].map(lambda own: workflow.deadline(closes_on, own)))
    out["deadline"] = deadline
    until = submitted.fillna(pd.Timestamp(data_date))
    out["days_late"] = (until - deadline).dt.days
    out["submitted"] = submitted
    late = submitted.isna() | (out["days_late"] > 0)
    out = out[late].sort_values(["days_late", "agency_id"], ascending=[False, True], ignore_index=True)
    return out[["agency_id", "ministry_id", "status", "deadline", "submitted", "days_late"]]


def key_findings(results: CycleResults, catalogue: Catalogue, lang: str, agencies_tbl: pd.DataFrame,
                 ministries_tbl: pd.DataFrame, actions: pd.DataFrame, agency_names: dict[str, str],
                 ministry_names: dict[str, str]) -> list[str]:
    """Return up to five findings in `lang`, generated from the tables of the workbook.

    In this order, each when the data allow it: the ministry furthest below the online-services
    milestone (and how many are off track), the agencies whose composite rose and fell most since the
    last cycle, the national targets at risk or off track, the weakest dimension (mean over agencies),
    and the action with the largest total gain over the agencies listed.
    """
    method = method_from_catalogue(catalogue)
    out = []
    gaps = ministries_tbl.dropna(subset=["online_gap"])
    off = gaps[gaps["online_gap"] < 0]
    if not off.empty:
        worst = off.sort_values("online_gap").iloc[0]
        out.append(t("wb_find_gap", lang).format(
            name=ministry_names.get(worst["ministry_id"], worst["ministry_id"]),
            actual=fmt_percent_text(worst["online_service_ratio"], lang, 1),
            milestone=fmt_percent_text(worst["online_service_ratio"] - worst["online_gap"], lang, 1),
            gap=fmt_number(-worst["online_gap"], lang, 1), n=int((gaps["online_status"] == "off track").sum())))
    elif not gaps.empty:
        out.append(t("wb_find_no_gap", lang))
    moved = agencies_tbl.dropna(subset=["composite_change"])
    if not moved.empty:
        ordered = moved.sort_values("composite_change")
        up, down = ordered.iloc[-1], ordered.iloc[0]
        if up["composite_change"] > 0:
            out.append(t("wb_find_up", lang).format(name=agency_names.get(up["agency_id"], up["agency_id"]),
                                                    change=fmt_number(up["composite_change"], lang, 1),
                                                    value=fmt_number(up[method.root], lang, 1)))
        if down["composite_change"] < 0:
            out.append(t("wb_find_down", lang).format(name=agency_names.get(down["agency_id"], down["agency_id"]),
                                                      change=fmt_number(-down["composite_change"], lang, 1),
                                                      value=fmt_number(down[method.root], lang, 1)))
    tg = results.targets
    if not tg.empty:
        risky = tg[tg["status"].isin(["at risk", "off track"])]
        if risky.empty:
            out.append(t("wb_find_targets_ok", lang))
        else:
            items = join_list([f"{catalogue.kpi(k).name.get(lang)} ({t('wb_status_' + s, lang)})"
                               for k, s in zip(risky["kpi"], risky["status"], strict=True)], lang)
            out.append(t("wb_find_targets_risk", lang).format(items=items))
    dims = list(method.children(method.root))
    means = agencies_tbl[dims].mean()
    if means.notna().any():
        weakest = str(means.idxmin())
        out.append(t("wb_find_weakest", lang).format(name=catalogue.dimension(weakest).name.get(lang),
                                                     value=fmt_number(means[weakest], lang, 1)))
    if not actions.empty:
        total = actions.groupby("indicator_id")["gain"].agg(["sum", "count"]).sort_values("sum", ascending=False)
        top = str(total.index[0])
        action = catalogue.indicator(top).action
        name = action.get(lang) if action else catalogue.indicator(top).question.get(lang)
        out.append(t("wb_find_action", lang).format(name=name, agencies=int(total.iloc[0]["count"])))
    return out[:5]


# The workbook -----------------------------------------------------------------------------------

































# Benchmark floor --------------------------------------------------------------------------------









