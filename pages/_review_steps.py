"""The review steps a coordinator takes (button callbacks): return with comments, approve, lock, reopen."""

from __future__ import annotations

import streamlit as st

from pages._session import attempt, flash
from survey.i18n import t
from usecases import review as reviewing
from usecases.access import Principal


def review(action: str, principal: Principal, response_id: int, version: int, lang: str) -> None:
    """Run a review step (a button's callback): return with the comments typed, approve, lock, or reopen."""
    state = st.session_state
    if action == "return":
        comments = {k[3:]: v for k, v in state.items() if isinstance(k, str) and k.startswith("rc_") and v}
        result, refused = attempt(reviewing.return_response, principal, response_id, version, comments)
    elif action == "reopen":
        result, refused = attempt(reviewing.reopen, principal, response_id, version, state.get("reopen_reason", ""))
    else:
        result, refused = attempt(getattr(reviewing, action), principal, response_id, version)
    if refused is not None:
        flash("error", refused)
        return
    if result.ok:
        flash("success", t("done", lang))
        for key in [k for k in state if isinstance(k, str) and (k.startswith("rc_") or k == "reopen_reason")]:
            state[key] = ""
    else:
        flash("error", result.message.get(lang) if result.message else t("access_denied", lang))
