"""Glue the self-assessment pages share: checked calls, the form's widgets and state, messages, downloads.

What a respondent types lives in the widgets' session state only between saves; the draft itself
is in the database (`usecases.respond.save`), so a closed tab loses nothing that was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from data.config import database_url
from data.db import engine_for, session_scope
from pages._shared import engine, labelled
from survey import answers
from survey.catalogue import Dimension, Indicator, default_catalogue
from survey.errors import DomainError
from survey.i18n import fmt_year, t
from survey.validation import AnswerInput, Problem, ServiceInput
from usecases import respond
from usecases import review as reviewing
from usecases.access import AccessDenied, Principal
from usecases.intake import SaveResult

LOADED, VERSION, SOURCE, EDITOR_N = "respond_loaded", "respond_version", "respond_source", "respond_editor_n"
FLASH, CONFLICT, SUBMITTING, RELOAD = "respond_flash", "respond_conflict", "respond_submitting", "respond_reload"
#: The answers as loaded or last saved: a save sends only what the user changed since, so saving
#: over someone else's newer version after a conflict keeps their other changes.
BASE = "respond_base"


def call(fn: Callable[..., Any], principal: Principal, *args: Any, lang: str = "en", **kwargs: Any) -> Any:
    """Run `fn(session, principal, ...)`; on a refusal show its message and stop the page."""
    try:
        with session_scope(engine()) as session:
            return fn(session, principal, *args, **kwargs)
    except DomainError as exc:
        st.error(exc.message(lang))
    st.stop()


def deferred(fn: Callable[..., bytes], principal: Principal, *args: Any) -> Callable[[], bytes]:
    """Return a download's data as a callable: checked and audited when the user clicks, not on every run."""
    url = database_url()

    def make() -> bytes:
        with session_scope(engine_for(url)) as session:
            return fn(session, principal, *args)
    return make


def status_label(status: str, lang: str) -> str:
    return t(f"status_{status}", lang)


def agency_picker(agencies: dict[str, Any], lang: str, key: str) -> str:
    """Pick one of the reader's agencies (id -> Text name); stop with a note when there is none."""
    if not agencies:
        st.info(t("no_agency", lang))
        st.stop()
    return str(st.selectbox(t("agency", lang), list(agencies), format_func=lambda a: f"{a} {agencies[a].get(lang)}",
                            key=key))


def cycle_picker(years: list[int], lang: str, key: str) -> int:
    if not years:
        st.info(t("no_cycle", lang))
        st.stop()
    return int(st.selectbox(t("cycle", lang), years, format_func=lambda y: fmt_year(y, lang), key=key))


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

    year = int(st.selectbox(t("cycle", lang), list(by_year), format_func=label, key="respond_cycle"))
    elsewhere = [fmt_year(c.year, lang) for c in choices if c.returned and c.year != year]
    if elsewhere:
        st.info(t("returned_elsewhere", lang).format(years=", ".join(elsewhere)))
    return year


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, ("", ""))
    if kind:
        getattr(st, kind)(text)


def show_problems(problems: list[Problem], lang: str) -> None:
    """Draw problems where they belong: errors in red, warnings in yellow."""
    for p in problems:
        (st.error if p.is_error else st.warning)(p.message.get(lang))


def problem_rows(problems: list[Problem], lang: str) -> list[dict[str, str]]:
    return [{t("where", lang): p.where(), t("severity", lang): t(f"severity_{p.severity}", lang),
             t("col_message", lang): p.message.get(lang)} for p in problems]


# The form --------------------------------------------------------------------------------------

def _state_value(ind: Indicator, value: Any) -> Any:
    """Return a stored answer as its widget holds it (None when the widget cannot show it)."""
    if ind.type == "multi_choice":
        return answers.chosen(ind, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if ind.type in ("yes_no", "stage", "count"):
        return int(value) if float(value).is_integer() else None
    return float(value)


def load(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> respond.Form:
    """Return the stored form; put its answers into the widgets when first opened or asked to reload."""
    form = call(respond.load_form, principal, agency_id, cycle_year, lang=lang)
    marker = (agency_id, cycle_year)
    if st.session_state.get(LOADED) != marker or st.session_state.pop(RELOAD, False):
        for ind in default_catalogue().entered_indicators():
            given = form.answers.get(ind.id, AnswerInput())
            st.session_state[f"ans_{ind.id}"] = _state_value(ind, given.value)
            st.session_state[f"ev_{ind.id}"] = given.evidence or ""
        st.session_state.update({LOADED: marker, VERSION: form.version, SOURCE: respond.services_table(form.services),
                                 EDITOR_N: st.session_state.get(EDITOR_N, 0) + 1})
        st.session_state[BASE] = typed_answers()
        st.session_state.pop(CONFLICT, None)
        st.session_state.pop(SUBMITTING, None)
    return form


def typed_answers() -> dict[str, AnswerInput]:
    """Return the answers as the widgets hold them now."""
    out = {}
    for ind in default_catalogue().entered_indicators():
        value = st.session_state.get(f"ans_{ind.id}")
        out[ind.id] = AnswerInput(None if value == [] else value, st.session_state.get(f"ev_{ind.id}") or None)
    return out


def typed_services() -> list[ServiceInput]:
    return respond.edited_services(st.session_state[SOURCE], st.session_state.get(f"services_{st.session_state[EDITOR_N]}"))


def _widget(ind: Indicator, lang: str, disabled: bool) -> None:
    label, key, cat = f"{ind.id} {ind.question.get(lang)}", f"ans_{ind.id}", default_catalogue()
    common: dict[str, Any] = {"key": key, "help": ind.help.get(lang) or None, "disabled": disabled}
    if ind.type == "yes_no":
        st.radio(label, [1, 0], format_func=lambda v: answers.shown(ind, v, lang), horizontal=True, **common)
    elif ind.type == "stage":
        st.selectbox(label, [lv.value for lv in cat.stages], format_func=lambda v: answers.shown(ind, v, lang), **common)
    elif ind.type == "multi_choice":
        st.multiselect(label, answers.choice_options(ind), format_func=lambda o: answers.choice_label(ind, o, lang),
                       **common)
    elif ind.type == "count":
        st.number_input(label, step=1, **common)
    else:
        st.number_input(label, step=0.5, format="%.2f", **common)


def section(principal: Principal, dim: Dimension, form: respond.Form, problems: list[Problem], done: tuple[int, int],
            lang: str, disabled: bool) -> None:
    """Draw one dimension: its progress, the services table when it has one, then each question with help,
    evidence, last cycle's answer and its problems."""
    st.progress(done[0] / done[1] if done[1] else 1.0, text=t("answered_of", lang).format(done=done[0], total=done[1]))
    if any(i.type == "service_inventory" for i in dim.indicators):
        st.subheader(t("my_services_title", lang))
        services_editor(principal, form, problems, lang, disabled)
    for ind in dim.indicators:
        if not ind.entered:
            continue
        with st.container(border=True):
            _widget(ind, lang, disabled)
            before = form.previous.get(ind.id, AnswerInput()).value
            st.caption(f"{t('last_cycle', lang)}: {answers.shown(ind, before, lang)}")
            st.text_input(t("evidence", lang), key=f"ev_{ind.id}", disabled=disabled)
            show_problems([p for p in problems if p.field == ind.id and p.row is None], lang)


def services_editor(principal: Principal, form: respond.Form, problems: list[Problem], lang: str,
                    disabled: bool) -> None:
    cat = default_catalogue()
    cols = {"name": st.column_config.TextColumn(t("col_name", lang), required=True),
            "digital_level": st.column_config.SelectboxColumn(
                t("col_digital_level", lang), options=[lv.value for lv in cat.digital_levels],
                format_func=lambda v: f"{v} - {cat.digital_level_label(int(v), lang)}", required=True, default=0),
            "annual_volume": st.column_config.NumberColumn(t("col_annual_volume", lang), min_value=0, step=1),
            "code": st.column_config.TextColumn(t("col_code", lang))}
    cols |= {f: st.column_config.CheckboxColumn(t(f"col_{f}", lang), default=f == "paper_required")
             for f in respond.SERVICE_COLUMNS[3:]}
    st.caption(t("services_help", lang))
    st.data_editor(st.session_state[SOURCE], key=f"services_{st.session_state[EDITOR_N]}", num_rows="dynamic",
                   column_config=cols, hide_index=True, disabled=disabled, width="stretch",
                   on_change=save, args=(principal, form.agency_id, form.cycle_year, lang, True))
    show_problems([p for p in problems if p.row is not None or p.field == "SVC.01"], lang)


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
    answers = {} if services_only else {k: v for k, v in typed.items() if state[BASE].get(k) != v}
    unchanged = services == respond.edited_services(state[SOURCE], None)
    try:
        with session_scope(engine()) as session:
            result = respond.save(session, principal, agency_id, cycle_year, state[VERSION], answers,
                                  None if unchanged else services)
    except DomainError as exc:
        flash("error", exc.message(lang))
        return False
    ok = _after(result, lang, t("draft_saved" if result.changed else "nothing_changed", lang))
    if ok and not services_only:
        state[BASE] = typed
    if ok and not unchanged:
        state[SOURCE] = respond.services_table(services)
        state[EDITOR_N] += 1
    return ok


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
    try:
        with session_scope(engine()) as session:
            rid = respond.load_form(session, principal, agency_id, cycle_year).response_id
            result = respond.submit(session, principal, rid or -1, st.session_state[VERSION])
    except AccessDenied as exc:
        flash("error", exc.message(lang))
        return
    st.session_state[SUBMITTING] = not result.ok
    _after(result, lang, t("submitted_ok", lang))


def upload_section(principal: Principal, agency_id: str, cycle_year: int, lang: str) -> None:
    """Upload a filled workbook: show what it would change and its problems by cell, then apply it on request."""
    file = st.file_uploader(t("upload_workbook", lang), type=["xlsx", "xlsm", "xls"], key="respond_upload")
    if file is None:
        return
    data = file.getvalue()
    check = call(respond.upload, principal, agency_id, cycle_year, data, lang=lang)
    if check.message is not None:
        (st.info if check.accepted else st.error)(check.message.get(lang))
    if not check.diff.empty:
        st.caption(t("upload_changes", lang))
        st.dataframe(check.diff.rename(columns=lambda c: t("question_id" if c in ("indicator", "indicator_id") else f"col_{c}", lang)),
                     hide_index=True)
    if check.problems:
        st.dataframe(problem_rows(check.problems, lang), hide_index=True)
    if check.accepted and st.button(t("apply_upload", lang), key="apply_upload"):
        applied = call(respond.upload, principal, agency_id, cycle_year, data, dry_run=False, lang=lang)
        if applied.accepted:
            flash("success", applied.message.get(lang) if applied.message else t("done", lang))
            st.session_state[RELOAD] = True
            st.rerun()
        st.error(applied.message.get(lang) if applied.message else t("access_denied", lang))


def table(frame: Any, lang: str) -> Any:
    """Return a frame for display: statuses in words, column names in the reader's language."""
    if "status" in frame.columns:
        frame = frame.assign(status=frame["status"].map(lambda s: status_label(str(s), lang)))
    return labelled(frame, lang)  # every text cell safe for the table's own CSV download


# Review ----------------------------------------------------------------------------------------

def review(action: str, principal: Principal, response_id: int, version: int, lang: str) -> None:
    """Run a review step (a button's callback): return with the comments typed, approve, lock, or reopen."""
    state = st.session_state
    try:
        with session_scope(engine()) as session:
            if action == "return":
                comments = {k[3:]: v for k, v in state.items() if isinstance(k, str) and k.startswith("rc_") and v}
                result = reviewing.return_response(session, principal, response_id, version, comments)
            elif action == "reopen":
                result = reviewing.reopen(session, principal, response_id, version, state.get("reopen_reason", ""))
            else:
                result = getattr(reviewing, action)(session, principal, response_id, version)
    except AccessDenied as exc:
        flash("error", exc.message(lang))
        return
    if result.ok:
        flash("success", t("done", lang))
        for key in [k for k in state if isinstance(k, str) and (k.startswith("rc_") or k == "reopen_reason")]:
            state[key] = ""
    else:
        flash("error", result.message.get(lang) if result.message else t("access_denied", lang))
