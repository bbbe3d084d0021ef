"""What every page shares: the language, the database session, cached reads, the demo banner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data import accounts, reports, repository
from data.config import account_policy, bootstrap_admin, database_url
from data.db import engine_for, session_scope
from data.migrate import upgrade
from survey.i18n import DEFAULT_LANG, LANGS, t


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
    try:
        with session_scope(eng) as session:
            accounts.bootstrap_admin(session, bootstrap_admin(), account_policy())
    except accounts.AccountError as exc:  # a bad bootstrap setting must not stop everyone else signing in
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


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(name: str, url: str, version: int, _fn: Callable[..., Any], *args: Any) -> Any:
    with session_scope(_engine(url)) as session:
        return _fn(session, *args)


def workbook_bytes(year: int, lang: str, ministry: str | None) -> bytes:
    """Return the executive workbook (the download button's deferred data; runs outside the page script)."""
    with session_scope(engine()) as session:
        return reports.executive_workbook(session, year, lang, ministry)


def demo_banner(lang: str) -> None:
    with session_scope(engine()) as session:
        demo = repository.is_demo(session)
    if demo:
        st.warning(t("demo_banner", lang), icon=":material/science:")


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return `frame` with its column names in the reader's language (keys `col_<name>`)."""
    return frame.rename(columns=lambda name: t(f"col_{name}", lang))
