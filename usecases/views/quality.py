"""Data quality and response tracking: who has answered, who is late, flags to follow up, completeness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analytics.quality import rule_label
from usecases.access import Principal
from usecases.tracking import tracking_rows as tracking
from usecases.tracking import tracking_summary
from usecases.views.common import (
    SUMMARY_READERS,
    agency_labels,
    has_counted,
    indicator_label,
    last_change,
    readable_rows,
    words,
)
from usecases.views.results import results


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
    track = readable_rows(session, principal, tracking(session, year, today), ministry, agency_type)
    if track.empty:
        return QualityView(year, False, tracking_summary(track), empty, empty, empty, empty, empty, empty,
                           last_change(session))
    agencies = agency_labels(session, lang)[["agency_id", "agency", "ministry"]]
    track = track.drop(columns=["name_th", "name_en", "ministry_id"]).merge(agencies, on="agency_id", how="left")
    summary = tracking_summary(track)
    track = track.assign(status=words(track["status"], "resp", lang))[
        ["agency_id", "agency", "ministry", "status", "deadline", "submitted_at", "late"]]
    flags, completeness, ind_comp = empty, empty, empty
    if has_counted(session, year):
        res = results(session, year)
        fl = readable_rows(session, principal, res.quality_flags, ministry, agency_type)
        flags = fl.merge(agencies, on="agency_id", how="left")[
            ["agency_id", "agency", "indicator_id", "rule", "severity", "value", f"message_{lang}"]].rename(
            columns={f"message_{lang}": "message"})
        flags["severity"] = words(flags["severity"], "severity", lang)
        flags["rule"] = [rule_label(r, lang) for r in flags["rule"]]
        comp = readable_rows(session, principal, res.completeness, ministry, agency_type)
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
                       ind_comp.reset_index(drop=True), last_change(session, year))
