"""Sign-in state: a signed session token kept in the page session and a browser cookie, checked against the database on every run.

A browser refresh starts a new Streamlit session with empty session state; the cookie carries the
token across it (Streamlit reads cookies at connection time through `st.context.cookies`, and a
small script sets them). The token is never trusted by itself: `sessions.verify_token` checks its
signature and its row in the `sessions` table each run, so signing out or deactivating a user ends
it everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from pages._session import act, current_lang, read, show_flash
from usecases import access, runtime, sessions, sign_in
from usecases.access import AccessDenied, Principal
from usecases.sign_in import SignInResult

COOKIE = "readiness_session"
_TOKEN = "_auth_token"
_COOKIE_PENDING = "_auth_cookie_pending"
_OIDC_PROBLEM = "_auth_oidc_problem"


def read_cookie() -> str | None:
    """Return the session cookie the browser sent when this Streamlit session connected."""
    return st.context.cookies.get(COOKIE)


def current_principal() -> Principal | None:
    """Return the signed-in principal after checking the token against the database, else None."""
    token = st.session_state.get(_TOKEN) or read_cookie()
    if not token:
        return None
    principal = read(sessions.verify_token, token, runtime.secret(), runtime.policy())
    if principal is None:
        st.session_state.pop(_TOKEN, None)
        return None
    st.session_state[_TOKEN] = token
    return principal


def _remember(token: str) -> None:
    st.session_state[_TOKEN] = token
    st.session_state[_COOKIE_PENDING] = token


def password_sign_in(username: str, password: str) -> SignInResult:
    result: SignInResult = read(sign_in.sign_in, username, password, runtime.secret(), runtime.policy())
    if result.token:
        _remember(result.token)
    return result


def change_own_password(principal: Principal, old_password: str, new_password: str) -> bool:
    """Change the signed-in user's password and keep this browser signed in with a new token."""
    token = act(sign_in.change_password, principal, old_password, new_password, runtime.policy(), runtime.secret())
    if token:
        _remember(token)
    return token is not None


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section, so `st.login` can be offered."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def identity_provider_sign_in() -> Principal | None:
    """Map a user signed in with `st.login` to an account and open a session (once per browser session)."""
    if not oidc_configured() or not st.user.get("is_logged_in") or _OIDC_PROBLEM in st.session_state:
        return None
    result: SignInResult = read(sign_in.sign_in_oidc, st.user.to_dict(), runtime.secret(), runtime.policy())
    if result.token:
        _remember(result.token)
        return result.principal
    st.session_state[_OIDC_PROBLEM] = result.problem
    return None


def oidc_problem() -> str | None:
    return st.session_state.get(_OIDC_PROBLEM)


def sign_out() -> None:
    """End the session in the database, forget the token, delete the cookie, and leave the identity provider."""
    read(sessions.revoke_token, st.session_state.pop(_TOKEN, None) or read_cookie(), runtime.secret())
    st.session_state[_COOKIE_PENDING] = ""
    st.session_state.pop(_OIDC_PROBLEM, None)
    if oidc_configured() and st.user.get("is_logged_in"):
        st.logout()


def write_cookie() -> None:
    """Set (or, after sign-out, delete) the session cookie in the browser once after it changed."""
    if _COOKIE_PENDING not in st.session_state:
        return
    token = st.session_state.pop(_COOKIE_PENDING)
    max_age = int(runtime.policy().max_session_age.total_seconds()) if token else 0
    value = json.dumps(f"{COOKIE}={token}; path=/; max-age={max_age}; SameSite=Strict")
    st.html(f"<script>document.cookie = {value} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True, width="content")


def page_principal(page: str) -> Principal:
    """Return the principal when it may open `page`; otherwise show the refusal and stop the page."""
    principal = current_principal()
    if principal is None or not access.can_open(principal, page):
        st.error(AccessDenied().message(current_lang()))
        st.stop()
    show_flash()
    return principal


def in_session(fn: Callable[..., Any], principal: Principal, *args: Any) -> Any:
    """Run `fn(session, principal, ...)` in its own transaction (for callbacks such as audited downloads)."""
    return read(fn, principal, *args)


def record_export(principal: Principal, what: str, agency_ids: list[str] | None = None) -> None:
    """Check and audit an export (the download button's callback); `agency_ids` None means a summary."""
    read(access.require_export, principal, what, agency_ids)
