"""The two-step import of a list with its mapping file (organisations, the services register): check, then Apply."""

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from pages._session import labelled, show_rows
from survey.errors import DomainError
from survey.i18n import t
from usecases import tables
from usecases.runtime import transaction


def _digest(parts: tuple[Any, ...]) -> str:
    """Return a digest of the uploads and choices, so that Apply applies exactly what was checked."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def check_then_apply(key: str, lang: str, run: Callable[..., Any], show: Callable[[Any], None], *inputs: Any) -> None:
    """Draw Check and Apply: `run(session, dry_run, progress)` is called rolled back, then for real.

    The summary shown after Apply is the same as the check's; Apply is offered only for the inputs checked.
    """
    state = st.session_state
    digest = _digest(inputs)

    def call(dry_run: bool) -> Any:
        bar = st.progress(0.0)
        try:
            with transaction() as session:
                return run(session, dry_run, lambda done, total, message="": bar.progress(
                    min(done / max(total, 1), 1.0), text=message))
        except DomainError as exc:
            st.error(exc.message(lang))
            return None

    if st.button(t("check_file", lang), key=f"{key}_check"):
        report = call(True)
        state[f"{key}_checked"] = digest if report is not None else None
        state[f"{key}_report"] = report
    if state.get(f"{key}_checked") == digest and state.get(f"{key}_report") is not None:
        st.info(t("dry_run_note", lang))
        show(state[f"{key}_report"])
        if st.button(t("apply_import", lang), key=f"{key}_apply", type="primary"):
            report = call(False)
            state[f"{key}_checked"] = None
            if report is not None:
                st.success(t("import_applied", lang))
                show(report)


def table(frame: Any, lang: str) -> None:
    """Draw a preview table: empty cells as "–", dates in the reader's calendar (`usecases.tables.readable`)."""
    show_rows(labelled(tables.readable(frame, lang), lang), lang)
