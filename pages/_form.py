"""The form's state and saving: what it shows lives in plain session keys (VALUES, SERVICES), since Streamlit drops a
widget's state when a run does not draw it (another page); each change is saved at once, only what changed (BASE)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages._session import attempt, call, flash
from survey.i18n import t
from survey.validation import errors
from usecases import form as F
from usecases import respond
from usecases.access import Principal
from usecases.intake import SaveResult

LOADED, VERSION, SOURCE, EDITOR_N = "respond_loaded", "respond_version", "respond_source", "respond_editor_n"
CONFLICT, SUBMITTING, RELOAD = "respond_conflict", "respond_submitting", "respond_reload"
VALUES, SERVICES = "respond_values", "respond_services"  # widget key -> value as typed; service rows as typed
BASE, SAVED = "respond_base", "respond_saved_services"  # answers and rows as loaded or last saved
TAB, TAB_BAR = "respond_tab", "respond_tab_bar"  # the open tab (a dimension id); the tab bar's own key
STATUS = "respond_status"  # the response's status as loaded or last saved


def editor_key() -> str:
    return f"services_{st.session_state[EDITOR_N]}"


def _fill(form: respond.Form, marker: tuple[str, int]) -> None:
    state, values = st.session_state, F.widget_values(form.answers)
    services = form.services or form.suggested_services
    state.update({LOADED: marker, VERSION: form.version, STATUS: form.status, VALUES: values, BASE: F.answers_from_widgets(values),
                  SERVICES: list(services), SAVED: list(form.services), **values})
    _new_editor(services)
    state.pop(CONFLICT, None), state.pop(SUBMITTING, None)


def _refused(text: str) -> bool:
    flash("error", text)
    return False


def discard(*_: Any) -> None:
    st.session_state[RELOAD] = True


def _new_editor(services: list[Any]) -> None:
    st.session_state.update({SOURCE: respond.services_table(services), EDITOR_N: st.session_state.get(EDITOR_N, 0) + 1})


def _sync() -> None:
    """Take what the widgets hold into VALUES and SERVICES; give the widgets that lost their state their value back."""
    state = st.session_state
    values = state[VALUES]
    for key, value in values.items():
        if key in state:
            values[key] = state[key]
        else:
            state[key] = value
    if editor_key() in state:
        state[SERVICES] = respond.edited_services(state[SOURCE], state[editor_key()])
    elif respond.edited_services(state[SOURCE], None) != state[SERVICES]:
        _new_editor(state[SERVICES])  # the editor's edits went with its widget state: start it from the rows as typed


def _unsaved() -> bool:
    return bool(F.changed_answers(st.session_state[BASE], typed_answers())) or typed_services() != st.session_state[SAVED]


def load(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> respond.Form:
    """Return the stored form; fill the widgets from it when first opened, on reload, or on someone else's save."""
    form = call(respond.load_form, principal, agency_id, cycle_year, lang=lang)
    state, marker = st.session_state, (agency_id, cycle_year)
    if state.get(LOADED) != marker or state.pop(RELOAD, False):
        _fill(form, marker)
    _sync()
    if form.version != state[VERSION] and state.get(CONFLICT) is None and not _unsaved():
        _fill(form, marker)
    return form


def typed_answers() -> dict[str, Any]:
    return F.answers_from_widgets(st.session_state[VALUES])


def typed_services() -> list[Any]:
    return list(st.session_state[SERVICES])


def _after(result: SaveResult, lang: str, ok_text: str | None, kind: str = "success") -> bool:
    if result.conflict is not None:
        st.session_state[CONFLICT] = result.conflict
        flash("error", result.conflict.message.get(lang) + " " + t("conflict_kept", lang))
        return False
    if not result.ok:
        return _refused(result.message.get(lang) if result.message else t("access_denied", lang))
    st.session_state.update({VERSION: result.version, STATUS: result.status})
    st.session_state.pop(CONFLICT, None)
    if ok_text:
        flash(kind, ok_text)
    return True


def save(principal: Principal, agency_id: str, cycle_year: int, lang: str, quiet: bool = False, kind: str = "success") -> bool:
    """Save what changed in the form since it was loaded or last saved; True when saved."""
    _sync()
    state, typed, services = st.session_state, typed_answers(), typed_services()
    changed = F.changed_answers(state[BASE], typed)
    send = None if services == state[SAVED] else services
    result, refused = attempt(respond.save, principal, agency_id, cycle_year, state[VERSION], changed, send)
    if refused is not None:
        return _refused(refused)
    ok = _after(result, lang, None if quiet else t("draft_saved" if result.changed else "all_saved", lang), kind)
    state[BASE] = typed if ok else state[BASE]
    state[SAVED] = services if ok and any(f.startswith("service:") for f in result.changed) else state[SAVED]
    return ok


def autosave(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> bool:
    """Save a change as soon as it is made (every widget's callback; several changes in one run save once)."""
    _sync()
    return not _unsaved() or save(principal, agency_id, cycle_year, lang, kind="toast")  # nothing on the page moves


def save_over(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Keep the user's input and save it over the newer version (after reading the conflict)."""
    conflict = st.session_state.pop(CONFLICT, None)
    st.session_state[VERSION] = conflict.current_version if conflict is not None else st.session_state[VERSION]
    if save(principal, agency_id, cycle_year, lang):
        st.session_state[RELOAD] = True  # show theirs and mine together, as stored


def submit(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Save, then submit; a refusal for errors leaves them listed per tab (SUBMITTING), with the tabs marked."""
    if not save(principal, agency_id, cycle_year, lang, quiet=True):
        return
    result, refused = attempt(respond.submit_form, principal, agency_id, cycle_year, st.session_state[VERSION])
    if refused is not None:
        _refused(refused)
        return
    st.session_state[SUBMITTING] = not result.ok
    if result.conflict is None and errors(result.problems):
        return  # the page lists them per tab, its banner counting the same list
    _after(result, lang, t("submitted_ok", lang))


def keep_tab(tabs: F.Tabs) -> None:
    """Remember the tab the user opened (by its dimension: a tab's label changes with its errors)."""
    st.session_state[TAB] = tabs.dimension(str(st.session_state.get(TAB_BAR, ""))) or st.session_state.get(TAB)
