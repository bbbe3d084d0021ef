"""Shared pieces of the dashboard views: filters, names in the reader's language, rows the reader may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from analytics.online_services import inventory_counted
from analytics.standing import FINAL_SHARE as FINAL_SHARE
from analytics.standing import cycle_standing, default_cycle
from data import repository
from survey.catalogue import Catalogue, default_catalogue
from survey.i18n import DECIMALS, TEXTS, fmt_date, fmt_number, fmt_percent_text, fmt_year, t
from usecases.access import Principal, Role, readable_agency_ids
from usecases.cache import Store, database_key
from usecases.views.results import frames

SUMMARY_READERS = frozenset({Role.PLANNER, Role.EXECUTIVE})
#: Every cycle's standing per (database, data version).
STANDING: Store[pd.DataFrame] = Store(maxsize=4)



@dataclass(frozen=True)
class CycleStanding:
    """Where a cycle stands (`analytics.standing.cycle_standing`): final, or provisional with N of M approved."""

    year: int
    final: bool
    expected: int
    approved: int
    counted: int


@dataclass(frozen=True)
class FilterOptions:
    """What the cycle, ministry and agency-type filters offer, the cycle shown by default, and where each cycle stands."""

    cycles: tuple[int, ...]
    default_cycle: int | None
    ministries: tuple[tuple[str, str], ...]
    agency_types: tuple[str, ...]
    standings: tuple[CycleStanding, ...] = ()

    def standing(self, year: int | None) -> CycleStanding | None:
        return next((s for s in self.standings if s.year == year), None)



def provisional_text(standing: CycleStanding | None, lang: str) -> str | None:
    """Return what the banner of a provisional cycle says ("N of M agencies approved", and how many more submitted
    responses count if any), None for a final cycle."""
    if standing is None or standing.final:
        return None
    pending = standing.counted - standing.approved
    return t("provisional_banner" if pending else "provisional_banner_none_pending", lang).format(
        year=fmt_year(standing.year, lang), approved=fmt_number(standing.approved, lang),
        expected=fmt_number(standing.expected, lang), pending=fmt_number(pending, lang),
        share=fmt_percent_text(100 * FINAL_SHARE, lang, 0))



def filter_options(session: Session, lang: str) -> FilterOptions:
    """Return the cycles, ministries and agency types, and the default cycle (`analytics.standing.default_cycle`:
    the latest final cycle with counted answers)."""
    cycles = repository.cycles(session)
    table = _standing(session)
    standing = tuple(CycleStanding(int(r["year"]), bool(r["final"]), int(r["expected"]), int(r["approved"]),
                                   int(r["counted"])) for r in table.to_dict("records"))
    mins = repository.ministries(session)
    names = tuple((str(m), str(th if lang == "th" else en)) for m, th, en in
                  zip(mins["ministry_id"], mins["name_th"], mins["name_en"], strict=True))
    types = tuple(sorted(repository.agencies(session)["agency_type"].dropna().unique().tolist()))
    return FilterOptions(tuple(int(y) for y in cycles["year_be"]), default_cycle(table), names, types, standing)



def _standing(session: Session) -> pd.DataFrame:
    """Every cycle's standing, computed once per data version (closing a cycle moves it too) from the frames
    the cycles' results read (`results.frames`)."""
    key = (database_key(session), repository.data_version(session))
    hit = STANDING.get(key)
    if hit is None:
        cycles = repository.cycles(session)
        frame, responses, _ = frames(session, [int(y) for y in cycles["year_be"]])
        hit = cycle_standing(cycles, frame, responses)
        STANDING.put_latest(key, hit, 1)
    return hit.copy()


def final_years(session: Session) -> frozenset[int]:
    """Return the cycles whose results are final (`analytics.standing.cycle_standing`); the others are provisional."""
    table = _standing(session)
    return frozenset(int(y) for y in table.loc[table["final"], "year"])



def last_change(session: Session, year: int | None = None) -> pd.Timestamp | None:
    return repository.last_update(session, None if year is None else [year])



def has_counted(session: Session, year: int | None) -> bool:
    """True when the cycle has a counted response, or a service inventory the national register wrote."""
    if year is None:
        return False
    return bool(inventory_counted(repository.response_states(session, [year])).any())



def agency_labels(session: Session, lang: str) -> pd.DataFrame:
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



def ministry_labels(session: Session, lang: str) -> dict[str, str]:
    mins = repository.ministries(session)
    return dict(zip(mins["ministry_id"], mins["name_th" if lang == "th" else "name_en"], strict=True))



def readable_rows(session: Session, principal: Principal, frame: pd.DataFrame, ministry: str | None = None,
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



def visible_ministries(session: Session, principal: Principal) -> set[str] | None:
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


def is_demo(session: Session) -> bool:
    """True when the database holds generated demo data (every page says so)."""
    return repository.is_demo(session)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def display_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a table as readers see it: no None or NaN text (a dash), dates as `fmt_date` writes them (B.E. with
    Thai month names for Thai readers). Numeric columns stay numbers, gaps included (`table_styler` shows a gap
    as a dash), so they stay right-aligned and sort by value."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = [fmt_date(None if _missing(v) else v.to_pydatetime(), lang) for v in values]
        else:
            out[col] = ["–" if _missing(v) else fmt_date(v, lang) if isinstance(v, dt.date) else v for v in values]
    return out


def table_styler(frame: pd.DataFrame, lang: str, decimals: int = DECIMALS["number"]) -> Any:
    """Return a Styler that shows `frame`'s gaps as a dash and its fractional numbers through `fmt_number`
    (`decimals`; whole numbers without decimals), while the cells keep their numbers for sorting."""
    def number(digits: int) -> Any:
        return lambda v: fmt_number(float(v), lang, digits)
    floats = {col: number(0 if bool((values.dropna() % 1 == 0).all()) else decimals)
              for col, values in frame.items() if pd.api.types.is_float_dtype(values)}
    return frame.style.format(na_rep="–").format(floats, na_rep="–")
