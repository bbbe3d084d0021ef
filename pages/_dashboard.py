"""The dashboard pages' shared pieces: filters kept in the address, tables with an audited CSV, charts, freshness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages._auth import record_export
from pages._session import cached, labelled
from survey.cells import csv_bytes
from survey.i18n import TEXTS, fmt_datetime, fmt_year, t
from usecases.access import can_export_summary
from usecases.views.common import display_frame, is_demo, provisional_text, table_styler


def demo_banner(lang: str) -> None:
    if cached(is_demo):
        st.warning(t("demo_banner", lang), icon=":material/science:")


# Dashboard helpers: filters kept in the address, tables with an audited CSV download, chart style.

FONT = "Loma, Garuda, Sarabun, sans-serif"


def kept_param(name: str) -> str | None:
    """Return a choice kept in the address (`?name=`), else the one kept in the session (the address is
    left behind when the reader moves to another page)."""
    wanted = st.query_params.get(name)
    return wanted if wanted is not None else st.session_state.get(f"_kept_filter_{name}")


def keep_param(name: str, value: Any) -> None:
    """Keep a choice in the session and in the address, so other pages, a reload and a shared link find it."""
    st.session_state[f"_kept_filter_{name}"] = None if value is None else str(value)
    if value is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != str(value):
        st.query_params[name] = str(value)


def _address_select(where: Any, name: str, label: str, choices: list[Any], default: Any,
                    fmt: Callable[[Any], str], lang: str) -> Any:
    """Draw a select box whose choice is kept in the address and the session (`kept_param`).

    Streamlit deletes a widget's state on a page run that does not draw it (and this widget is a new
    one on every page), so the choice lives in a plain session key and the address, and the widget
    is set from them on every run.
    """
    # The language is part of the key: a select box keeps the option labels it was first drawn with.
    key = f"filter_{name}_{lang}"
    # "All" (None) is the option "" in the widget: a select box whose value is None shows its placeholder.
    by_text = {("" if c is None else str(c)): c for c in choices}
    wanted = kept_param(name)
    fallback = ("" if default is None else str(default)) if default in choices else next(iter(by_text))
    value = wanted if wanted in by_text else fallback
    st.session_state[key] = value
    keep_param(name, by_text[value])
    chosen = where.selectbox(label, list(by_text), key=key, format_func=lambda v: fmt(by_text[v]),
                             placeholder=t("choose_option", lang),
                             on_change=lambda: keep_param(name, by_text.get(st.session_state[key])))
    return by_text.get(chosen)


def filter_bar(lang: str, options: Any, ministry: bool = True, agency_type: bool = True
               ) -> tuple[int | None, str | None, str | None]:
    """Draw the cycle, ministry and agency-type filters and, for a provisional cycle, the banner that says so;
    return (cycle, ministry id or None, type or None)."""
    if not options.cycles:
        st.info(t("no_cycles", lang))
        st.stop()
    cols = st.columns(3)

    def cycle_label(y: Any) -> str:
        standing = options.standing(y)
        return fmt_year(int(y), lang) + ("" if standing is None or standing.final else f" ({t('provisional', lang)})")

    year = _address_select(cols[0], "cycle", t("filter_cycle", lang), list(options.cycles), options.default_cycle,
                           cycle_label, lang)
    names = dict(options.ministries)
    chosen_ministry = None
    if ministry:
        chosen_ministry = _address_select(cols[1], "ministry", t("filter_ministry", lang), [None, *names], None,
                                          lambda m: t("all_ministries", lang) if m is None else names.get(m, m), lang)
    chosen_type = None
    if agency_type:
        chosen_type = _address_select(cols[2], "type", t("filter_agency_type", lang), [None, *options.agency_types],
                                      None, lambda a: t("all_types", lang) if a is None else
                                      (t(f"type_{a}", lang) if f"type_{a}" in TEXTS else a), lang)
    provisional_banner(options.standing(year), lang)
    return year, chosen_ministry, chosen_type


def provisional_banner(standing: Any, lang: str) -> None:
    """Say that a cycle's results are provisional, with how many of its agencies are approved."""
    text = provisional_text(standing, lang)
    if text is not None:
        st.warning(text, icon=":material/pending:")


def show_table(frame: Any, lang: str, principal: Any, name: str, agency_ids: list[str] | None = None,
               height: int | None = None) -> None:
    """Draw `frame` with labelled columns and numbers to two decimals, and a CSV download that is audited.

    `agency_ids` None marks a summary table (planners and executives download it); otherwise the
    agencies whose rows it holds (already filtered to those the reader may see).
    """
    if frame.empty:  # Streamlit would print "empty" in English inside the table
        st.caption(t("no_rows", lang))
        return
    shown = table_styler(labelled(display_frame(frame, lang), lang), lang)
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto")
    if agency_ids is not None or can_export_summary(principal):
        st.download_button(t("download_csv", lang), csv_bytes(labelled(frame, lang)),
                           file_name=f"{name}.csv", mime="text/csv", key=f"csv_{name}", on_click=record_export,
                           args=(principal, f"{name}.csv", agency_ids), icon=":material/download:")


def styled(fig: Any, title: str, x_title: str | None = None, y_title: str | None = None, height: int = 420) -> Any:
    """Give a plotly figure the dashboard's look: a title, axis titles with units, Thai-capable fonts."""
    fig.update_layout(title={"text": title}, font={"family": FONT}, hoverlabel={"font": {"family": FONT}},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.18}, height=height,
                      margin={"t": 60, "l": 10, "r": 10, "b": 10})
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    st.plotly_chart(fig, width="stretch")
    return fig


def freshness(updated: Any, lang: str) -> None:
    """Say when the page's data last changed (the year in B.E. for Thai readers)."""
    st.caption(f":material/update: {t('last_updated', lang)}: {fmt_datetime(updated, lang)}")


def empty_state(lang: str, key: str = "no_cycle_data") -> None:
    """Say there is nothing to show yet (`key`, with its `<key>_hint`), and stop the page."""
    st.info(t(key, lang), icon=":material/hourglass_empty:")
    st.caption(t(f"{key}_hint", lang))
    st.stop()
