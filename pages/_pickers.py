"""Pickers and tables the self-assessment pages share: agency and cycle choices, statuses and problems in words."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages._session import labelled
from survey.i18n import fmt_year, t
from survey.validation import Problem
from usecases import respond, tables


def status_label(status: str, lang: str) -> str:
    return t(f"status_{status}", lang)


def agency_picker(agencies: dict[str, Any], lang: str, key: str) -> str:
    """Pick one of the reader's agencies (id -> Text name); stop with a note when there is none."""
    if not agencies:
        st.info(t("no_agency", lang))
        st.stop()
    return str(st.selectbox(t("agency", lang), list(agencies), format_func=lambda a: f"{a} {agencies[a].get(lang)}",
                            key=key, placeholder=t("choose_option", lang)))


def cycle_picker(years: list[int], lang: str, key: str) -> int:
    if not years:
        st.info(t("no_cycle", lang))
        st.stop()
    return int(st.selectbox(t("cycle", lang), years, format_func=lambda y: fmt_year(y, lang), key=key, placeholder=t("choose_option", lang)))


def my_cycle_picker(choices: list[respond.CycleChoice], lang: str) -> int:
    """Pick one of the respondent's cycles; a returned response or a closed cycle is named beside its year,
    and a returned response in a cycle not picked is pointed out."""
    if not choices:
        st.info(t("no_open_cycle", lang))
        st.stop()
    by_year = {c.year: c for c in choices}

    def label(year: int) -> str:
        c = by_year[year]
        notes = [status_label(c.response_status, lang)] if c.returned else []
        notes += [t("cycle_is_closed", lang)] if c.cycle_status == "closed" else []
        return " · ".join([fmt_year(year, lang), *notes])

    year = int(st.selectbox(t("cycle", lang), list(by_year), format_func=label, key="respond_cycle", placeholder=t("choose_option", lang)))
    elsewhere = [fmt_year(c.year, lang) for c in choices if c.returned and c.year != year]
    if elsewhere:
        st.info(t("returned_elsewhere", lang).format(years=", ".join(elsewhere)))
    return year


def show_problems(problems: list[Problem], lang: str) -> None:
    """Draw problems where they belong: errors in red, warnings in yellow."""
    for p in problems:
        (st.error if p.is_error else st.warning)(p.message.get(lang))


def problem_rows(problems: list[Problem], lang: str) -> list[dict[str, str]]:
    return [{t("where", lang): p.where(), t("severity", lang): t(f"severity_{p.severity}", lang),
             t("col_message", lang): p.message.get(lang)} for p in problems]


def table(frame: Any, lang: str) -> Any:
    """Return a frame for display: statuses and dates in words, empty cells as "–" (`usecases.tables.readable`),
    column names in the reader's language."""
    return labelled(tables.readable(frame, lang), lang)  # every text cell safe for the table's own CSV download
