"""The self-assessment form's state and saving: what is typed lives in the widgets between saves; the
draft itself is in the database (`usecases.respond.save`), so a closed tab loses nothing that was saved."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages._session import attempt, call, flash
from survey.catalogue import default_catalogue
from survey.i18n import t
from survey.validation import AnswerInput, ServiceInput
from usecases import respond
from usecases.access import Principal
from usecases.intake import SaveResult

LOADED, VERSION, SOURCE, EDITOR_N = "respond_loaded", "respond_version", "respond_source", "respond_editor_n"
CONFLICT, SUBMITTING, RELOAD = "respond_conflict", "respond_submitting", "respond_reload"
#: The answers as loaded or last saved: a save sends only what the user changed since, so saving
#: over someone else's newer version after a conflict keeps their other changes.
BASE = "respond_base"


def load(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> respond.Form:
    """Return the stored form; put its answers into the widgets when first opened or asked to reload."""
    form = call(respond.load_form, principal, agency_id, cycle_year, lang=lang)
    marker = (agency_id, cycle_year)
    if st.session_state.get(LOADED) != marker or st.session_state.pop(RELOAD, False):
        for ind in default_catalogue().entered_indicators():
            given = form.answers.get(ind.id, AnswerInput())
            st.session_state[f"ans_{ind.id}"] = respond.widget_value(ind, given.value)
            st.session_state[f"ev_{ind.id}"] = given.evidence or ""
        st.session_state.update({LOADED: marker, VERSION: form.version, SOURCE: respond.services_table(form.services),
                                 EDITOR_N: st.session_state.get(EDITOR_N, 0) + 1})
        st.session_state[BASE] = typed_answers()
        st.session_state.pop(CONFLICT, None)
        st.session_state.pop(SUBMITTING, None)
    return form


def typed_answers() -> dict[str, AnswerInput]:
    """Return the answers as the widgets hold them now."""
    ids = [ind.id for ind in default_catalogue().entered_indicators()]
    return respond.answers_from_widgets({i: st.session_state.get(f"ans_{i}") for i in ids},
                                        {i: st.session_state.get(f"ev_{i}") for i in ids})


def typed_services() -> list[ServiceInput]:
    return respond.edited_services(st.session_state[SOURCE], st.session_state.get(f"services_{st.session_state[EDITOR_N]}"))


def _after(result: SaveResult, lang: str, ok_text: str) -> bool:
    if result.conflict is not None:
        st.session_state[CONFLICT] = result.conflict
        flash("error", result.conflict.message.get(lang) + " " + t("conflict_kept", lang))
        return False
    if not result.ok:
        flash("error", result.message.get(lang) if result.message else t("access_denied", lang))
        return False
    st.session_state[VERSION] = result.version
    st.session_state.pop(CONFLICT, None)
    flash("success", ok_text)
    return True


def save(principal: Principal, agency_id: str, cycle_year: int, lang: str, services_only: bool = False) -> bool:
    """Save what the form holds as the draft (a button's or the services table's callback)."""
    state, typed, services = st.session_state, typed_answers(), typed_services()
    changed = {} if services_only else respond.changed_answers(state[BASE], typed)
    unchanged = services == respond.edited_services(state[SOURCE], None)
    result, refused = attempt(respond.save, principal, agency_id, cycle_year, state[VERSION], changed,
                              None if unchanged else services)
    if refused is not None:
        flash("error", refused)
        return False
    ok = _after(result, lang, t("draft_saved" if result.changed else "nothing_changed", lang))
    if ok and not services_only:
        state[BASE] = typed
    if ok and not unchanged:
        state[SOURCE] = respond.services_table(services)
        state[EDITOR_N] += 1
    return ok


def save_draft(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Save the form as the draft (the Save button's callback)."""
    save(principal, agency_id, cycle_year, lang)


def save_services(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Save the services table as soon as it changes (the table's callback)."""
    save(principal, agency_id, cycle_year, lang, services_only=True)


def save_over(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Keep the user's input and save it over the newer version (after reading the conflict)."""
    conflict = st.session_state.pop(CONFLICT, None)
    if conflict is not None:
        st.session_state[VERSION] = conflict.current_version
    if save(principal, agency_id, cycle_year, lang):
        st.session_state[RELOAD] = True  # show theirs and mine together, as stored


def discard(*_: Any) -> None:
    st.session_state[RELOAD] = True


def submit(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Save, then submit; refused submissions turn the form's missing answers into errors beside their fields."""
    if not save(principal, agency_id, cycle_year, lang):
        return
    result, refused = attempt(respond.submit_form, principal, agency_id, cycle_year, st.session_state[VERSION])
    if refused is not None:
        flash("error", refused)
        return
    st.session_state[SUBMITTING] = not result.ok
    _after(result, lang, t("submitted_ok", lang))
