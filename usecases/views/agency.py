"""The agency profile: history, radar against peers, gaps and actions, services, submission health."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from analytics.actions import agency_actions, weakest_dimensions
from analytics.index import method_from_catalogue
from analytics.peers import administrative_peers, peer_profile
from analytics.quality import rule_label
from data import repository
from survey.catalogue import default_catalogue
from survey.i18n import t
from usecases.access import Principal, require_read_agency
from usecases.tracking import tracking_rows as tracking
from usecases.views.common import (
    agency_labels,
    dimension_names,
    has_counted,
    indicator_label,
    last_change,
    readable_rows,
    words,
)
from usecases.views.results import all_scores, results


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
    frame = readable_rows(session, principal, frame, ministry, agency_type)
    names = agency_labels(session, lang).set_index("agency_id")["agency"]
    return tuple((a, f"{a} {names.get(a, '')}") for a in sorted(frame["agency_id"]))



def agency_view(session: Session, principal: Principal, year: int | None, agency_id: str | None,
                ministry: str | None, agency_type: str | None, lang: str) -> AgencyView:
    """Return one agency's profile: history, radar against its peers, gaps and actions, services and submission health."""
    choices = agency_choices(session, principal, year, ministry, agency_type, lang)
    ids = [c[0] for c in choices]
    chosen = agency_id if agency_id in ids else (ids[0] if ids else None)
    empty = pd.DataFrame()
    if chosen is None or year is None or not has_counted(session, year):
        return AgencyView(year, choices, chosen, False, empty, empty, empty, empty, empty, empty, empty, {}, empty,
                          last_change(session))
    require_read_agency(session, principal, chosen)
    catalogue = default_catalogue()
    method = method_from_catalogue(catalogue)
    dims = list(method.children(method.root))
    names = dimension_names(lang, catalogue)
    res = results(session, year)
    wide = all_scores(session)
    history = wide[wide["agency_id"] == chosen] if not wide.empty else empty
    if not history.empty:
        history = history[history["cycle_year"] <= year].melt(
            id_vars=["cycle_year"], value_vars=[c for c in [method.root, *dims] if c in history.columns],
            var_name="dimension_id", value_name="score")
        history["dimension"] = history["dimension_id"].map({**names, method.root: t("col_readiness_index", lang)})
    scores = res.agency_scores.set_index("agency_id")
    radar_rows = []
    if chosen in scores.index:
        radar_rows.append(("agency", scores.loc[chosen, dims]))
    stat_peers: list[str] | None = None
    if res.peers is not None and chosen in res.peers.assignments.index:
        grp = res.peers.assignments.loc[chosen, "group"]
        stat_peers = res.peers.assignments.index[res.peers.assignments["group"] == grp].tolist()
        radar_rows.append(("statistical_peers", peer_profile(scores, stat_peers, dims)))
    admin = administrative_peers(res.agency_scores, chosen)
    if not admin.empty:
        radar_rows.append(("administrative_peers", peer_profile(scores, admin["agency_id"].tolist(), dims)))
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
    # The register's own status and reason stay beside each service (lineage), and the source of the inventory.
    source = repository.responses(session, [year]).set_index("response_id")["inventory_source"]
    services = pd.DataFrame({"code": sv["code"], "service": sv["name"], "digital_level": sv["digital_level"],
                             "level": [catalogue.digital_level_label(int(v), lang) for v in sv["digital_level"]],
                             "annual_volume": sv["annual_volume"], "register_status": sv["register_status"],
                             "register_reason": sv["register_reason"], "not_applicable": sv["not_applicable"],
                             "inventory_source": words(sv["response_id"].map(source), "source", lang)})
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
    flags["rule"] = [rule_label(r, lang) for r in flags["rule"]]
    return AgencyView(year, choices, chosen, True, history.reset_index(drop=True), radar, targets, weakest, actions,
                      services.reset_index(drop=True), levels, health, flags.reset_index(drop=True),
                      last_change(session, year))
