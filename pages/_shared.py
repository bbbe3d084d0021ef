"""What every page shares: the language, the database session, cached reads, the demo banner."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data import repository
from data.config import account_policy, bootstrap_admin, database_url
from data.db import engine_for, session_scope
from data.migrate import upgrade
from survey.cells import csv_bytes
from survey.i18n import DEFAULT_LANG, LANGS, TEXTS, fmt_datetime, fmt_year, t
from usecases import accounts, exports, jobs, sessions


def current_lang() -> str:
    """Return the language: the switch's value once touched, else the page address (`?lang=`)."""
    lang = st.session_state.get("lang_switch") or st.query_params.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def language_switch(lang: str) -> None:
    """Draw the Thai/English switch; the choice is kept in the address so a shared link keeps it."""
    # A constant label and index: a widget whose parameters change becomes a new widget and loses
    # its value. The address is written only when the user switches, so a shared link keeps it.
    st.sidebar.radio("ภาษา / Language", LANGS, index=LANGS.index(lang), horizontal=True, key="lang_switch",
                     format_func=lambda code: {"th": "ไทย", "en": "English"}[code], on_change=_remember_lang)


def _remember_lang() -> None:
    st.query_params["lang"] = st.session_state["lang_switch"]


def engine() -> Engine:
    return _engine(database_url())


@st.cache_resource
def _engine(url: str) -> Engine:
    eng = engine_for(url)
    upgrade(eng)
    jobs.recover(eng)  # jobs whose server stopped while they ran: failed, not "running" for ever
    try:
        with session_scope(eng) as session:
            accounts.bootstrap_admin(session, bootstrap_admin(), account_policy())
    except sessions.AccountError as exc:  # a bad bootstrap setting must not stop everyone else signing in
        logging.getLogger(__name__).error("READINESS_ADMIN_USERNAME/PASSWORD not used: %s", exc.message("en"))
    return eng


def data_version() -> int:
    with session_scope(engine()) as session:
        return repository.data_version(session)


def cached(fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn(session, *args)` once per data version; a new submission bumps the version.

    The function's qualified name and the data version are part of the cache key, so two
    app servers sharing one database both see a change as soon as the version moves.
    """
    return _cached_call(fn.__module__ + "." + fn.__qualname__, database_url(), data_version(), fn, *args)


#: A view that takes longer than this to compute is logged (with its name and arguments) for diagnosis.
SLOW_VIEW_SECONDS = 10.0


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(name: str, url: str, version: int, _fn: Callable[..., Any], *args: Any) -> Any:
    started = time.perf_counter()
    with session_scope(_engine(url)) as session:
        result = _fn(session, *args)
    took = time.perf_counter() - started
    if took > SLOW_VIEW_SECONDS:
        logging.getLogger(__name__).warning("slow view %s%r: %.1f s (data version %s)", name, args, took, version)
    return result


def workbook_bytes(year: int, lang: str, ministry: str | None) -> bytes:
    """Return the executive workbook (the download button's deferred data; runs outside the page script)."""
    with session_scope(engine()) as session:
        return exports.executive_workbook(session, year, lang, ministry)


def demo_banner(lang: str) -> None:
    with session_scope(engine()) as session:
        demo = repository.is_demo(session)
    if demo:
        st.warning(t("demo_banner", lang), icon=":material/science:")


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return `frame` with its column names in the reader's language (keys `col_<name>`)."""
    return frame.rename(columns=lambda name: t(f"col_{name}", lang))


# Dashboard helpers: filters kept in the address, tables with an audited CSV download, chart style.

FONT = "Loma, Garuda, Sarabun, sans-serif"


def _address_select(where: Any, name: str, label: str, choices: list[Any], default: Any,
                    fmt: Callable[[Any], str], lang: str) -> Any:
    """Draw a select box whose value lives in the address (`?name=`), so a shared link opens the same view.

    The choice is also kept in the session, so moving to another page (which clears the address)
    keeps it and writes it back.
    """
    # The language is part of the key: a select box keeps the option labels it was first drawn with.
    key, kept = f"filter_{name}_{lang}", f"_kept_filter_{name}"
    wanted = st.query_params.get(name)
    by_text = {("" if c is None else str(c)): c for c in choices}
    if wanted is not None and wanted in by_text:
        value = by_text[wanted]
    elif kept in st.session_state and st.session_state[kept] in choices:
        value = st.session_state[kept]
    else:
        value = default if default in choices else choices[0]
    if st.session_state.get(key) != value:
        st.session_state[key] = value

    def to_address(v: Any) -> None:
        st.session_state[kept] = v
        if v is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = str(v)

    chosen = where.selectbox(label, choices, key=key, format_func=fmt,
                             on_change=lambda: to_address(st.session_state[key]))
    to_address(chosen)
    return chosen


def filter_bar(lang: str, options: Any, ministry: bool = True, agency_type: bool = True
               ) -> tuple[int | None, str | None, str | None]:
    """Draw the cycle, ministry and agency-type filters; return (cycle, ministry id or None, type or None)."""
    if not options.cycles:
        st.info(t("no_cycles", lang))
        st.stop()
    cols = st.columns(3)
    year = _address_select(cols[0], "cycle", t("filter_cycle", lang), list(options.cycles), options.default_cycle,
                           lambda y: fmt_year(int(y), lang), lang)
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
    return year, chosen_ministry, chosen_type


def show_table(frame: pd.DataFrame, lang: str, principal: Any, name: str, agency_ids: list[str] | None = None,
               height: int | None = None) -> None:
    """Draw `frame` with labelled columns and numbers to two decimals, and a CSV download that is audited.

    `agency_ids` None marks a summary table (planners and executives download it); otherwise the
    agencies whose rows it holds (already filtered to those the reader may see).
    """
    from pages._auth import record_export
    from usecases.access import can_export_summary

    shown = labelled(frame, lang)
    config = {col: st.column_config.NumberColumn(format="%.2f") for col, dtype in shown.dtypes.items()
              if pd.api.types.is_float_dtype(dtype)}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                 **({"height": height} if height else {}))
    if agency_ids is not None or can_export_summary(principal):
        st.download_button(t("download_csv", lang), csv_bytes(shown),
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


def freshness(updated: pd.Timestamp | None, lang: str) -> None:
    """Say when the page's data last changed (the year in B.E. for Thai readers)."""
    st.caption(f":material/update: {t('last_updated', lang)}: {fmt_datetime(updated, lang)}")


def empty_state(lang: str) -> None:
    st.info(t("no_cycle_data", lang), icon=":material/hourglass_empty:")
    st.caption(t("no_cycle_data_hint", lang))
    st.stop()
