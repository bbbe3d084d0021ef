"""The indicator value table: one number per cycle, agency and indicator, from answers and inventories."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analytics.online_services import not_applicable
from survey.catalogue import Catalogue

VALUE_COLUMNS = ["cycle_year", "agency_id", "indicator_id", "value"]
_SHARED_FLAGS = ("uses_digital_id", "uses_e_payment", "uses_e_signature", "uses_e_certificate")


def option_count(value_text: object) -> float:
    """Return how many options a multi-choice answer chose (its text is a JSON list of option ids)."""
    if value_text is None or (isinstance(value_text, float) and np.isnan(value_text)) or value_text is pd.NA:
        return np.nan
    try:
        chosen = json.loads(str(value_text))
    except json.JSONDecodeError:
        return np.nan
    return float(len(set(chosen))) if isinstance(chosen, list) else np.nan


def chosen_options(value_text: object) -> list[str]:
    """Return the option ids of a multi-choice answer (empty when unanswered or unreadable)."""
    if not isinstance(value_text, str):
        return []
    try:
        chosen = json.loads(value_text)
    except json.JSONDecodeError:
        return []
    return [str(c) for c in chosen] if isinstance(chosen, list) else []


def inventory_measures(services: pd.DataFrame, online_level: int) -> pd.DataFrame:
    """Return each agency's inventory measures in percent, per cycle.

    For an agency's n key services (UN OSI counts services in the same way, by stage of delivery):
    online_ratio         = 100 x #(applicable, digital_level >= online_level) / #(applicable)
    volume_online_ratio  = 100 x sum(volume of those) / sum(volume of the applicable)   (NaN when it is 0)
    (applicable: not marked not_applicable by the national register; NaN when none is)
    paperless_ratio      = 100 x #(not paper_required) / n
    shared_service_ratio = 100 x #(uses any of Digital ID, e-Payment, e-Signature, e-Certificate) / n
    Agencies without services have no row: missing, never 0.
    Columns: cycle_year, agency_id, services, online_ratio, volume_online_ratio, paperless_ratio,
    shared_service_ratio.
    """
    cols = ["cycle_year", "agency_id", "services", "online_ratio", "volume_online_ratio", "paperless_ratio",
            "shared_service_ratio"]
    if services.empty:
        return pd.DataFrame(columns=cols)
    na = not_applicable(services)
    online = (services["digital_level"] >= online_level) & ~na
    volume = services["annual_volume"].fillna(0).astype(float).where(~na, 0.0)
    frame = pd.DataFrame({
        "cycle_year": services["cycle_year"], "agency_id": services["agency_id"],
        "_n": 1.0, "_applicable": (~na).astype(float), "_online": online.astype(float),
        "_vol": volume, "_vol_online": volume.where(online, 0.0),
        "_paperless": (~services["paper_required"].astype(bool)).astype(float),
        "_shared": services[list(_SHARED_FLAGS)].astype(bool).any(axis=1).astype(float),
    })
    g = frame.groupby(["cycle_year", "agency_id"], observed=True).sum().reset_index()
    out = pd.DataFrame({"cycle_year": g["cycle_year"], "agency_id": g["agency_id"], "services": g["_n"].astype(int)})
    out["online_ratio"] = 100.0 * g["_online"] / g["_applicable"].where(g["_applicable"] > 0)
    out["volume_online_ratio"] = (100.0 * g["_vol_online"] / g["_vol"].where(g["_vol"] > 0))
    out["paperless_ratio"] = 100.0 * g["_paperless"] / g["_n"]
    out["shared_service_ratio"] = 100.0 * g["_shared"] / g["_n"]
    return out[cols]


def indicator_values(answers: pd.DataFrame, services: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return the indicator value table (cycle_year, agency_id, indicator_id, value) of every indicator.

    - entered answers as numbers (yes = 1, no = 0; multi_choice = number of options chosen);
    - service_inventory and derived inventory measures from `inventory_measures`, in percent;
    - ratio indicators = numerator / denominator x factor, NaN when the denominator is 0 or missing.
    Pass only the answers and services that should count (for example of counted responses).
    Unanswered items have no row (or NaN), never 0.
    """
    parts: list[pd.DataFrame] = []
    entered = {i.id: i for i in catalogue.entered_indicators()}
    ans = answers[answers["indicator_id"].isin(list(entered))]
    if not ans.empty:
        multi = ans["indicator_id"].isin([i for i, ind in entered.items() if ind.type == "multi_choice"])
        value = ans["value_num"].astype(float).copy()
        codes, texts = pd.factorize(ans.loc[multi, "value_text"])  # a few distinct option lists: count each once
        counts = np.array([option_count(t) for t in texts] + [np.nan], dtype=float)
        value[multi] = counts[codes]  # code -1 (no text) -> the NaN at the end
        parts.append(pd.DataFrame({"cycle_year": ans["cycle_year"], "agency_id": ans["agency_id"],
                                   "indicator_id": ans["indicator_id"], "value": value}))
    measures = inventory_measures(services, catalogue.online_level)
    for ind in catalogue.indicators():
        if ind.measure and ind.ratio is None and ind.type in ("service_inventory", "derived"):
            parts.append(pd.DataFrame({"cycle_year": measures["cycle_year"], "agency_id": measures["agency_id"],
                                       "indicator_id": ind.id, "value": measures[ind.measure].astype(float)}))
    base = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=VALUE_COLUMNS)
    ratio_parts = []
    keys = ["cycle_year", "agency_id"]
    for ind in catalogue.indicators():
        if ind.ratio is None:
            continue
        num = base[base["indicator_id"] == ind.ratio.numerator][[*keys, "value"]].rename(columns={"value": "num"})
        den = base[base["indicator_id"] == ind.ratio.denominator][[*keys, "value"]].rename(columns={"value": "den"})
        both = num.merge(den, on=keys, how="outer")
        den_ok = both["den"].where(both["den"] != 0)
        ratio_parts.append(pd.DataFrame({"cycle_year": both["cycle_year"], "agency_id": both["agency_id"],
                                         "indicator_id": ind.id,
                                         "value": both["num"] / den_ok * ind.ratio.factor}))
    out = pd.concat([base, *ratio_parts], ignore_index=True) if ratio_parts else base
    out = out.astype({"value": float})
    return out.sort_values(["cycle_year", "agency_id", "indicator_id"], ignore_index=True)[VALUE_COLUMNS]
