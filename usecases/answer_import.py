"""Imports of answers (Excel workbooks, CSV tables): the same validation as the form, refused whole on errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, Cycle, Response
from survey.answers import diff_answers, keep_lineage
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import Localised, Year, message
from survey.excel import ParsedWorkbook
from survey.validation import (
    AnswerInput,
    Problem,
    ServiceInput,
    errors,
    validate,
)
from survey.workflow import EDITABLE, Channel
from usecases.intake import SaveResult, current_answers, get_or_create_draft, not_editable, previous_values, save_draft


@dataclass(frozen=True)
class ImportResult:
    """What importing one agency's answers did (or, in a dry run, would do)."""

    agency_id: str
    cycle_year: int
    accepted: bool
    problems: list[Problem]
    diff: pd.DataFrame
    saved: SaveResult | None = None
    message: Localised | None = None



def import_answers(session: Session, agency_id: str, cycle_year: int, answers: Mapping[str, AnswerInput],
                   services: Sequence[ServiceInput] | None, actor: str, channel: str,
                   expected_version: int | None = None, dry_run: bool = False,
                   catalogue: Catalogue | None = None) -> ImportResult:
    """Validate an imported set of answers against what is stored and save it as the draft, or refuse it whole.

    Refused (nothing stored) when what it brings has an error (its answers, a rule they take part
    in, its service rows), when the response cannot be edited, or when someone else saved after
    `expected_version` (the version the workbook was made from). Errors already stored in answers
    it does not touch do not block it.
    """
    catalogue = catalogue or default_catalogue()
    resp = session.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == cycle_year))
    if resp is None and (session.get(Cycle, cycle_year) is None or session.get(Agency, agency_id) is None):
        msg = message("import_unknown_agency_or_cycle", agency=agency_id, year=Year(cycle_year))
        return ImportResult(agency_id, cycle_year, False, [], diff_answers({}, {}), None, msg)
    stored, stored_services = current_answers(session, resp.id, catalogue) if resp else ({}, [])
    if services is not None:
        services = keep_lineage(services, stored_services)
    merged = {**stored, **answers}
    problems = validate(merged, list(services) if services is not None else stored_services, catalogue,
                        previous_values(session, agency_id, cycle_year))
    changes = diff_answers(answers, stored, services, stored_services, catalogue)
    if resp is not None and resp.status not in EDITABLE:
        return ImportResult(agency_id, cycle_year, False, problems, changes, None, not_editable(resp))
    blocking = [p for p in errors(problems)
                if p.field in answers or (p.code == "rule" and answers) or (services is not None and p.row is not None)]
    if blocking:
        n = len(blocking)
        return ImportResult(agency_id, cycle_year, False, problems, changes, None, message("import_refused", n=n))
    if dry_run:
        return ImportResult(agency_id, cycle_year, True, problems, changes, None,
                            message("import_dry_run", n=len(changes)))
    if resp is None:
        resp = get_or_create_draft(session, agency_id, cycle_year, actor, channel)
        expected = resp.version
    elif expected_version is None:
        expected = resp.version
    else:
        # 0: the workbook was made before the response existed; it was created at version 1.
        expected = max(expected_version, 1)
    saved = save_draft(session, resp.id, expected, answers, services, actor, channel, catalogue)
    if not saved.ok:
        return ImportResult(agency_id, cycle_year, False, problems, changes, saved, saved.message)
    return ImportResult(agency_id, cycle_year, True, saved.problems, changes, saved,
                        message("import_saved", n=len(saved.changed)))


def apply_workbook(session: Session, parsed: ParsedWorkbook, actor: str, catalogue: Catalogue,
          dry_run: bool = False) -> ImportResult:
    """Import a read workbook as the agency's draft (channel excel), or refuse it whole; see import_answers."""
    reader_errors = errors(parsed.cell_problems)
    result = import_answers(session, parsed.agency_id, parsed.cycle_year, parsed.answers, parsed.services, actor,
                            Channel.EXCEL, expected_version=parsed.response_version, dry_run=dry_run or bool(reader_errors),
                            catalogue=catalogue)
    problems = parsed.locate(reader_errors + result.problems)
    if reader_errors:
        n = len(errors(problems))
        return ImportResult(result.agency_id, result.cycle_year, False, problems, result.diff, None,
                            message("import_refused", n=n))
    return ImportResult(result.agency_id, result.cycle_year, result.accepted, problems, result.diff, result.saved,
                        result.message)
