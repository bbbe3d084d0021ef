"""Submission and review steps of a response: submit, return with comments, approve, lock, reopen.

Each step is one compare-and-set on the response's version, audited like a draft save; access
checks are the caller's (`usecases.respond`, `usecases.review`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Cycle, Response, ReviewComment, utcnow
from data.repository import bump_data_version
from survey import clock
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import Word, message
from survey.validation import (
    MAX_TEXT,
    errors,
    validate,
)
from survey.workflow import REOPENABLE, TRANSITIONS, Status
from usecases import cycles
from usecases.intake import (
    SaveResult,
    audit_change,
    checked_channel,
    conflict_of,
    current_answers,
    load_response,
    next_version,
    previous_values,
    refused,
)


def deadline_for(session: Session, agency_id: str, cycle_year: int) -> dt.date | None:
    """Return the agency's deadline (its own extension, never earlier than the cycle's close), None without a cycle."""
    if session.get(Cycle, cycle_year) is None:
        return None
    return cycles.deadline_for(session, cycle_year, agency_id)





def _transition(session: Session, response_id: int, expected_version: int, actor: str, channel: str, to: str,
                allowed_from: frozenset[str], note: str | None = None, **values: Any) -> tuple[SaveResult, Response]:
    channel = checked_channel(channel)
    resp = load_response(session, response_id)
    if resp.status not in allowed_from:
        return refused(resp, message("transition_refused", old=Word("status", resp.status),
                                      new=Word("status", to))), resp
    before = resp.status
    if resp.version != expected_version or not next_version(session, resp, expected_version, actor, status=to, **values):
        conflict = conflict_of(session, resp, expected_version, {"status": to})
        return refused(resp, conflict.message, conflict=conflict), resp
    audit_change(session, resp, actor, channel, to, "status", before, to, resp.version, note)
    bump_data_version(session)
    session.flush()
    return SaveResult(True, resp.id, resp.version, resp.status, [], ("status",), None, None), resp



def submit(session: Session, response_id: int, expected_version: int, actor: str, channel: str, today: dt.date,
           catalogue: Catalogue | None = None) -> SaveResult:
    """Submit a draft or returned response: no errors allowed, and not after the agency's deadline."""
    catalogue = catalogue or default_catalogue()
    resp = load_response(session, response_id)
    if resp.status not in TRANSITIONS or Status.SUBMITTED not in TRANSITIONS[resp.status]:
        return refused(resp, message("submit_refused_status", status=Word("status", resp.status)))
    deadline = deadline_for(session, resp.agency_id, resp.cycle_year)
    if deadline is not None and today > deadline:
        return refused(resp, message("deadline_passed", deadline=deadline))
    answers, services = current_answers(session, resp.id, catalogue)
    problems = validate(answers, services, catalogue, previous_values(session, resp.agency_id, resp.cycle_year),
                        mode="submit")
    if errors(problems):
        return refused(resp, message("submit_has_errors", n=len(errors(problems))), problems)
    # Dated `today`, the date the deadline was checked against, so tracking judges lateness the same way.
    submitted_at = clock.moment_on(today)
    result, _ = _transition(session, response_id, expected_version, actor, channel, Status.SUBMITTED,
                            frozenset({resp.status}), submitted_at=submitted_at)
    return SaveResult(result.ok, result.response_id, result.version, result.status, problems, result.changed,
                      result.conflict, result.message)



def return_response(session: Session, response_id: int, expected_version: int, actor: str, channel: str,
                    comments: Mapping[str, str], catalogue: Catalogue | None = None) -> SaveResult:
    """Send a submitted response back to the agency with comments per question ("" for a general one)."""
    catalogue = catalogue or default_catalogue()
    known = {i.id for i in catalogue.indicators()} | {""}
    clean = {k: v.strip() for k, v in comments.items() if isinstance(v, str) and v.strip()}
    resp = load_response(session, response_id)
    if not clean:
        return refused(resp, message("return_needs_comment"))
    unknown = sorted(k for k in clean if k not in known)
    if unknown:
        return refused(resp, message("return_unknown_questions", ids=", ".join(unknown)))
    longest = max(len(v) for v in clean.values())
    if longest > MAX_TEXT:
        return refused(resp, message("review_text_too_long", n=longest, limit=MAX_TEXT))
    result, resp = _transition(session, response_id, expected_version, actor, channel, Status.RETURNED,
                               frozenset({Status.SUBMITTED}))
    if result.ok:
        for ind_id, text in clean.items():
            session.add(ReviewComment(response_id=resp.id, indicator_id=ind_id or None, action="return",
                                      comment=text, actor=actor, at=utcnow()))
            audit_change(session, resp, actor, channel, "review_comment", ind_id or None, None, text, resp.version)
        session.flush()
    return result



def approve(session: Session, response_id: int, expected_version: int, actor: str, channel: str) -> SaveResult:
    """Approve a submitted response."""
    return _transition(session, response_id, expected_version, actor, channel, Status.APPROVED,
                       frozenset({Status.SUBMITTED}), approved_at=utcnow())[0]



def lock(session: Session, response_id: int, expected_version: int, actor: str, channel: str) -> SaveResult:
    """Lock an approved response: its answers are final for the cycle."""
    return _transition(session, response_id, expected_version, actor, channel, Status.LOCKED,
                       frozenset({Status.APPROVED}))[0]



def reopen(session: Session, response_id: int, expected_version: int, actor: str, channel: str,
           reason: str) -> SaveResult:
    """Reopen a submitted, approved or locked response for the agency to edit (as returned); a reason is required."""
    resp = load_response(session, response_id)
    if not isinstance(reason, str) or not reason.strip():
        return refused(resp, message("reopen_needs_reason"))
    if len(reason.strip()) > MAX_TEXT:
        return refused(resp, message("review_text_too_long", n=len(reason.strip()), limit=MAX_TEXT))
    result, resp = _transition(session, response_id, expected_version, actor, channel, Status.RETURNED, REOPENABLE,
                               note=reason.strip())
    if result.ok:
        session.add(ReviewComment(response_id=resp.id, indicator_id=None, action="reopen",
                                  comment=reason.strip(), actor=actor, at=utcnow()))
        session.flush()
    return result



def review_comments(session: Session, response_id: int) -> pd.DataFrame:
    """Return the reviewers' comments on a response, oldest first."""
    cols = ("at", "actor", "action", "indicator_id", "comment")
    rows = session.execute(select(*(getattr(ReviewComment, c) for c in cols))
                           .where(ReviewComment.response_id == response_id).order_by(ReviewComment.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(cols))
