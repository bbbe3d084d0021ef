"""Adoption of standards, central platforms and shared services."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from survey.catalogue import default_catalogue
from usecases.access import Principal
from usecases.views.common import (
    agency_labels,
    has_counted,
    indicator_label,
    last_change,
    ministry_labels,
    readable_rows,
    visible_ministries,
    words,
)
from usecases.views.results import results


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
    if not has_counted(session, year) or year is None:
        return AdoptionView(year, False, empty, empty, empty, last_change(session))
    res = results(session, year)
    catalogue = default_catalogue()
    label = {i: indicator_label(i, lang, catalogue) for i in res.adoption["item"].unique()}
    nat = res.adoption
    national = pd.DataFrame({"kind": words(nat["kind"], "kind", lang), "item": nat["item"].map(label), "agencies": nat["agencies"],
                             "adopted": nat["adopted"], "rate": nat["rate"]})
    per = res.adoption_ministry
    visible = visible_ministries(session, principal)
    if visible is not None:
        per = per[per["group"].isin(visible)]
    mnames = ministry_labels(session, lang)
    heat = per.assign(item=per["item"].map(label), ministry=per["group"].map(mnames).fillna(per["group"]))
    heatmap = heat.pivot_table(index="item", columns="ministry", values="rate", sort=False) if not heat.empty else empty
    rows = nat[["kind", "item", "not_adopted"]].explode("not_adopted").dropna(subset=["not_adopted"])
    rows = readable_rows(session, principal, rows.rename(columns={"not_adopted": "agency_id"}), ministry, agency_type)
    agencies = agency_labels(session, lang)[["agency_id", "agency", "ministry"]]
    non = rows.merge(agencies, on="agency_id", how="left")
    non = non.assign(item=non["item"].map(label), kind=words(non["kind"], "kind", lang))[["kind", "item", "agency_id", "agency", "ministry"]]
    return AdoptionView(year, True, national, heatmap, non.reset_index(drop=True), last_change(session, year))
