"""The method as the catalogue and targets file declare it, for the methodology page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from analytics.actions import effective_weights
from analytics.index import method_from_catalogue
from analytics.models import PATCH_SHARE
from survey.catalogue import default_catalogue
from survey.i18n import join_list, t
from survey.years import display_year
from usecases.target_edits import effective_targets, last_edited
from usecases.views.common import (
    last_change,
)
from usecases.views.results import PAGE_DRAWS


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
        "crosswalk": join_list([f"{k.upper()}: {', '.join(v)}" for k, v in i.crosswalk.items()], lang),
        "since": i.since} for i in catalogue.indicators()])
    bands = pd.DataFrame([{"level": b.level, "min": b.min, "band": b.label.get(lang)} for b in catalogue.bands])
    targets = pd.DataFrame([{
        "target_id": tg.id, "kpi": catalogue.kpi(tg.kpi).name.get(lang), "basis": t(f"basis_{tg.basis}", lang),
        "source": tg.source.get(lang) if tg.source else (tg.note.get(lang) if tg.note else ""),
        "baseline_year": tg.baseline_year, "baseline_value": tg.baseline_value,
        "baseline_source": tg.baseline_source.get(lang) if tg.baseline_source else "", "goal_year": tg.goal_year, "goal_value": tg.goal_value,
        "milestones": ", ".join(f"{display_year(y, lang)}: {v:g}" for y, v in sorted(tg.milestones.items()))}
        for tg in effective_targets(session, catalogue)])
    info = {"catalogue_version": catalogue.version, "method_version": catalogue.method.version,
            "normalisation": t(f"normalisation_{catalogue.method.normalisation}", lang),
            "aggregation": t(f"aggregation_{catalogue.method.aggregation}", lang),
            "min_coverage": catalogue.method.min_coverage, "jump_threshold": catalogue.method.jump_threshold,
            "online_level": catalogue.online_level, "draws": PAGE_DRAWS, "refit_share": PATCH_SHARE}
    changes = [c for c in (last_change(session), last_edited(session)) if c is not None]
    return MethodologyView(catalogue.version, info, dimensions, indicators, bands, targets,
                           max(changes) if changes else None)
