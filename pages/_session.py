"""What every page shares: the reader's language, use cases run in one transaction, refusals and confirmations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from survey.cells import safe_frame
from survey.errors import DomainError
from survey.i18n import DEFAULT_LANG, LANGS, t
from usecases import cache, runtime

_FLASH = "_flash"


def current_lang() -> str:
    """Return the language: the switch's value once touched, else the page address (`?lang=`)."""
    lang = st.session_state.get("lang_switch") or st.query_params.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def language_switch(lang: str) -> None:
    """Draw the Thai/English switch; a choice other than Thai is kept in the address, so a reload and a shared
    link keep it."""
    # A constant label and index: a widget whose parameters change becomes a new widget and loses
    # its value.
    st.sidebar.radio("ภาษา / Language", LANGS, index=LANGS.index(lang), horizontal=True, key="lang_switch",
                     format_func=lambda code: {"th": "ไทย", "en": "English"}[code], on_change=_remember_lang)
    # Moving to another page leaves the address behind: write the language back, so a reload keeps it.
    if lang != DEFAULT_LANG and st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang


def _remember_lang() -> None:
    st.query_params["lang"] = st.session_state["lang_switch"]


def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Return `fn(session, *args)` run in its own transaction."""
    with runtime.transaction() as session:
        return fn(session, *args, **kwargs)


def cached(fn: Callable[..., Any], *args: Any) -> Any:
    """Return `fn(session, *args)`, computed once per data version of the database (`usecases.cache.view`)."""
    return cache.view(runtime.engine(), fn, *args)


def call(fn: Callable[..., Any], principal: Any, *args: Any, lang: str | None = None, **kwargs: Any) -> Any:
    """Return `fn(session, principal, ...)`; on a refusal show its message and stop the page."""
    try:
        with runtime.transaction() as session:
            return fn(session, principal, *args, **kwargs)
    except DomainError as exc:
        st.error(exc.message(lang or current_lang()))
    st.stop()


def act(fn: Callable[..., Any], principal: Any, *args: Any, rerun: bool = False, done: str | None = None,
        **kwargs: Any) -> Any:
    """Run the change `fn(session, principal, ...)`; show its refusal, or confirm it (`done`, else "saved").

    With `rerun`, a success reruns the page so that what it shows includes the change, and the
    confirmation is shown after the rerun (`show_flash`).
    """
    lang = current_lang()
    try:
        with runtime.transaction() as session:
            result = fn(session, principal, *args, **kwargs)
    except DomainError as exc:
        st.error(exc.message(lang))
        return None
    text = done or t("saved", lang)
    if rerun:
        flash("success", text)
        st.rerun()
    st.success(text)
    return result


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """Return (`fn(session, ...)`, None), or (None, the refusal's message) when it is refused (for callbacks)."""
    try:
        with runtime.transaction() as session:
            return fn(session, *args, **kwargs), None
    except DomainError as exc:
        return None, exc.message(current_lang())


def deferred(fn: Callable[..., bytes], principal: Any, *args: Any) -> Callable[[], bytes]:
    """Return a download's data as a callable: checked and audited when the user clicks, not on every run."""
    def make() -> bytes:
        with runtime.transaction() as session:
            return fn(session, principal, *args)
    return make


def flash(kind: str, text: str) -> None:
    """Keep a message to show on the next run (after a callback or a rerun)."""
    st.session_state[_FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(_FLASH, ("", ""))
    if kind:
        getattr(st, kind)(text)


def labelled(frame: Any, lang: str) -> Any:
    """Return `frame` with its column names in the reader's language (keys `col_<name>`), every text cell safe.

    Safe (`survey.cells.safe_frame`) because a table's own toolbar offers a CSV download that
    Streamlit writes without escaping formulas: text such as `=HYPERLINK(...)` is shown, and
    downloaded, behind an apostrophe. A missing text cell is shown empty, not as Streamlit's "None".
    """
    shown = safe_frame(frame.rename(columns=lambda name: t(f"col_{name}", lang)))
    for col in shown.columns:
        if shown[col].dtype.kind == "O":  # object or text (pandas 3 "str")
            shown[col] = shown[col].where(shown[col].notna(), "")
    return shown


def show_rows(rows: Any, lang: str, **kwargs: Any) -> None:
    """Draw a table (a frame or a list of rows), or for an empty one a line in the reader's language: Streamlit
    would print "empty" in English inside the table."""
    if len(rows) == 0:
        st.info(t("no_rows", lang), icon=":material/info:")
        return
    st.dataframe(rows, **{"hide_index": True, "width": "stretch", **kwargs})
