"""Opening a cycle (administrators): the proposed fiscal year and dates, shown in the reader's calendar, and the
notice that no cycle is open (on the Cycles page and the administrator's landing page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from pages._session import act, read
from survey import clock
from survey.catalogue import default_catalogue
from survey.i18n import fmt_date, fmt_year, t
from survey.versions import editions
from survey.years import to_be
from usecases import administration
from usecases.access import Principal, Role
from usecases.cycles import Proposal


def notice(principal: Principal, lang: str) -> None:
    """Warn an administrator that no cycle is open, naming the one to open."""
    if not principal.has(Role.ADMINISTRATOR):
        return
    message = read(administration.no_open_cycle_notice, principal)
    if message is not None:
        st.warning(message.get(lang), icon=":material/event_busy:")


def _span(opens: dt.date, closes: dt.date, lang: str) -> dict[str, str]:
    return {"opens": fmt_date(opens, lang), "closes": fmt_date(closes, lang)}


def open_form(principal: Principal, proposal: Proposal, years: list[int], agencies: Any, lang: str) -> None:
    """Draw the form that opens a cycle, filled with `proposal`; confirm what was opened, in words."""
    year = st.number_input(t("fiscal_year_any_era", lang), min_value=1900, max_value=2700,
                           value=int(fmt_year(proposal.year, lang)), key="open_year")
    year_be = to_be(int(year))
    first, last = clock.fiscal_year_bounds(year_be)
    st.caption(t("fiscal_year_span", lang).format(year=fmt_year(year_be, lang), first=fmt_date(first, lang),
                                                  last=fmt_date(last, lang)))
    cols = st.columns(2)
    opens = cols[0].date_input(t("opens_on", lang), proposal.opens_on, key="open_opens", format="DD/MM/YYYY")
    closes = cols[1].date_input(t("closes_on", lang), proposal.closes_on, key="open_closes", format="DD/MM/YYYY")
    st.caption(t("cycle_dates_chosen", lang).format(**_span(opens, closes, lang)))
    versions = [e.version for e in reversed(editions())]
    version = st.selectbox(t("instrument_version", lang), versions, key="open_version",
                           index=versions.index(default_catalogue().version), placeholder=t("choose_option", lang))
    source = st.selectbox(t("copy_frame_from", lang), years, format_func=lambda y: fmt_year(y, lang), key="open_source",
                          index=years.index(proposal.copy_frame_from) if proposal.copy_frame_from in years else None, placeholder=t("choose_option", lang))
    names = dict(zip(agencies["agency_id"], agencies["name_th" if lang == "th" else "name_en"], strict=True))
    label = lambda a: f"{a} {names.get(a, '')}"  # noqa: E731
    active = agencies.loc[agencies["active"], "agency_id"].tolist()
    add = st.multiselect(t("frame_add", lang), active, format_func=label, key="open_add", placeholder=t("choose_options", lang))
    remove = st.multiselect(t("frame_remove", lang), list(names), format_func=label, key="open_remove", placeholder=t("choose_options", lang))
    if st.button(t("open_cycle", lang), key="open_submit", type="primary"):
        done = t("cycle_opened", lang).format(year=fmt_year(year_be, lang), **_span(opens, closes, lang))
        act(administration.open_cycle, principal, int(year), opens, closes, version, source, add, remove, rerun=True,
            done=done)
