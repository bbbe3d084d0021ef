"""The summaries of an organisations import and a register import, as lines (command line) and tables (pages).

The command line and the admin pages show the same summary: per kind created, updated, unchanged
and refused; each refused or changed organisation and agency with its rows; every refused,
skipped or warned row with its sheet and row as Excel shows them.
"""

from __future__ import annotations

import json

import pandas as pd

from survey.catalogue import Catalogue, default_catalogue
from survey.errors import Year, message
from survey.i18n import fmt_number, t
from survey.validation import SERVICE_BOOLEANS
from usecases.organisation_import import Note, OrganisationReport
from usecases.register import RegisterReport
from usecases.tables import EMPTY, missing

__all__ = ["OrganisationReport", "RegisterReport", "change_table", "organisation_lines", "organisation_table",
           "register_lines", "register_tables"]


def organisation_lines(report: OrganisationReport, lang: str, alone: bool = True) -> list[str]:
    """Return the summary per kind, each organisation that changed or was refused, then the file's problems.

    `alone` (an organisations import, not a register's): end with "nothing changed" when nothing did.
    """
    lines = [f"  {line}" for line in report.summary(lang)]
    for o in report.outcomes:
        if o.outcome in ("updated", "refused"):
            why = o.message.get(lang) if o.message else ", ".join(o.changes)
            lines.append(f"    {o.kind} {o.id} {o.outcome} ({o.place.get(lang)}): {why}")
    lines += [f"    ERROR {n.get(lang)}" for n in report.problems]
    lines += [f"    warning {n.get(lang)}" for n in report.warnings]
    lines += [f"    skipped {n.get(lang)}" for n in report.skipped]
    if alone and not report.changed and report.ok:
        lines.append("  " + message("org_nothing_changed").get(lang))
    return lines


def organisation_table(report: OrganisationReport, lang: str) -> pd.DataFrame:
    """Return one row per organisation (kind, id, outcome, rows, changes or why refused), then the file's notes."""
    rows = [{"kind": t(f"org_kind_{o.kind}", lang), "code": o.id, "outcome": t(f"org_outcome_{o.outcome}", lang),
             "rows": o.place.get(lang), "changes": o.message.get(lang) if o.message else ", ".join(o.changes)}
            for o in report.outcomes]
    rows += _note_rows(report.problems + report.warnings + report.skipped, lang)
    return pd.DataFrame.from_records(rows, columns=["kind", "code", "outcome", "rows", "changes"])


def _note_rows(notes: list[Note], lang: str) -> list[dict[str, str]]:
    return [{"kind": "", "code": "", "outcome": "", "rows": n.place.get(lang), "changes": n.message.get(lang)}
            for n in notes]


def register_lines(report: RegisterReport, lang: str) -> list[str]:
    """Return the register import's summary: counts, organisations, each agency, every refused or noted row."""
    changes = sum(a.changes for a in report.agencies)
    lines = [t("register_summary", lang).format(file=report.file, rows=report.rows, agencies=len(report.agencies),
                                                placed=report.placed, changes=changes, refused=len(report.refused))]
    if report.organisations is not None:
        lines += organisation_lines(report.organisations, lang, alone=False)
    for a in report.agencies:
        note = f" - {a.message.get(lang)}" if a.message else ""
        lines.append(f"  agency {a.agency_id}: {t(f'agency_outcome_{a.outcome}', lang)}, {a.services} services "
                     f"({a.place.get(lang)}){note}")
    lines += [f"    {n.place.get(lang)} not matched: {n.message.get(lang)}" for n in report.refused]
    lines += [f"    skipped {n.get(lang)}" for n in report.skipped]
    lines += [f"    warning {n.get(lang)}" for n in report.warnings]
    lines += [f"    ERROR {n.get(lang)}" for n in report.problems]
    if report.framed:
        lines.append("  " + message("register_framed", n=len(report.framed), year=Year(report.cycle_year),
                                    ids=", ".join(report.framed)).get(lang))
    if not report.placed and not report.problems:
        lines.append("  " + message("register_nothing_matched").get(lang))
    elif not report.changed and report.ok:
        lines.append("  " + message("register_nothing_changed").get(lang))
    return lines


def register_tables(report: RegisterReport, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the agencies table (id, outcome, services, rows, message) and the rows table (where, message)."""
    agencies = pd.DataFrame.from_records(
        [{"agency_id": a.agency_id, "outcome": t(f"agency_outcome_{a.outcome}", lang), "n_services": a.services,
          "rows": a.place.get(lang), "message": a.message.get(lang) if a.message else ""} for a in report.agencies],
        columns=["agency_id", "outcome", "n_services", "rows", "message"])
    notes = [(t("org_outcome_refused", lang), n) for n in report.refused + report.problems]
    notes += [(t("register_row_skipped", lang), n) for n in report.skipped]
    notes += [(t("severity_warning", lang), n) for n in report.warnings]
    rows = pd.DataFrame.from_records([{"outcome": kind, "where": n.place.get(lang), "message": n.message.get(lang)}
                                      for kind, n in notes], columns=["outcome", "where", "message"])
    return agencies, rows


def change_table(diff: pd.DataFrame, lang: str, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return an upload's preview (`survey.answers.diff_answers`) as readers read it: each changed question by its id
    and wording, each service by its name with its fields in words, and an empty value as "–" (it showed the stored
    codes, `DAT.02#evidence`, and services as JSON, `{"code": null, ...}`)."""
    catalogue = catalogue or default_catalogue()
    questions = {i.id: i.question.get(lang) for i in catalogue.entered_indicators()}
    rows = []
    for key, old, new in zip(diff["indicator"], diff["old"], diff["new"], strict=True):
        key = str(key)
        if key.startswith("service:"):
            what = f"{t('col_service', lang)}: {key.removeprefix('service:')}"
            rows.append({"change_item": what, "old": _service(old, lang), "new": _service(new, lang)})
            continue
        ind, _, part = key.partition("#")
        what = f"{ind} {questions.get(ind, '')}".strip() + (f" ({t(f'col_{part}', lang)})" if part else "")
        rows.append({"change_item": what, "old": EMPTY if missing(old) else str(old),
                     "new": EMPTY if missing(new) else str(new)})
    return pd.DataFrame.from_records(rows, columns=["change_item", "old", "new"])


def _service(record: object, lang: str) -> str:
    """Return a stored service record (JSON) in words: its name, digital level, yearly volume and the flags it has."""
    if missing(record):
        return EMPTY
    fields = json.loads(str(record))
    volume = fields.get("annual_volume")
    parts = [str(fields.get("name") or EMPTY), f"{t('col_digital_level', lang)} {fields.get('digital_level', 0)}",
             f"{t('col_annual_volume', lang)} {EMPTY if volume is None else fmt_number(volume, lang)}"]
    parts += [t(f"col_{flag}", lang) for flag in SERVICE_BOOLEANS if fields.get(flag)]
    return " · ".join(parts)
