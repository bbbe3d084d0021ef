"""The coordinators' review: their ministry's responses, each answer beside last cycle's, and the review steps.

Every call checks that the principal coordinates the response's ministry before reading or changing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Response
from survey.answers import shown
from survey.catalogue import Catalogue, default_catalogue
from survey.i18n import t
from survey.validation import (
    AnswerInput,
    Problem,
    validate,
)
from survey.workflow import Channel, Status
from usecases import access, intake, submission, tables, tracking
from usecases.access import AccessDenied, Principal
from usecases.intake import SaveResult
from usecases.respond import services_table


def review_list(session: Session, principal: Principal, cycle_year: int) -> pd.DataFrame:
    """Return the coordinator's ministry agencies for the cycle: status, deadline, lateness, response id."""
    ministries = principal.ministry_scope()
    if not ministries:
        raise AccessDenied()
    frame = tracking.tracking_rows(session, cycle_year)
    frame = frame.loc[frame["ministry_id"].isin(ministries)].reset_index(drop=True)
    ids = dict(session.execute(select(Response.agency_id, Response.id).where(Response.cycle_year == cycle_year)).all())
    return frame.assign(response_id=pd.Series([ids.get(a) for a in frame["agency_id"]], dtype="Int64"))



#: The order responses are offered in for review: those waiting for the reviewer first.
REVIEW_ORDER = (Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.LOCKED, Status.DRAFT)


def started(frame: pd.DataFrame, lang: str) -> dict[int, tuple[str, str]]:
    """Return response id -> ("agency id and name", status) for the rows of `review_list` that have a response,
    the submitted ones (waiting for the reviewer) first."""
    rows = frame.loc[frame["response_id"].notna()]
    names = rows["name_th"] if lang == "th" else rows["name_en"]
    found = [(int(r), f"{a} {n}", str(s)) for r, a, n, s in zip(rows["response_id"], rows["agency_id"], names,
                                                                rows["status"], strict=True)]
    rank = {str(s): i for i, s in enumerate(REVIEW_ORDER)}
    return {r: (label, s) for r, label, s in sorted(found, key=lambda x: rank.get(x[2], len(rank)))}


@dataclass(frozen=True)
class CommentNote:
    """A reviewer's comment as a reader sees it: what it is on, who wrote it and when (in words), the step, the text."""

    label: str
    action: str
    comment: str


def comment_notes(comments: pd.DataFrame, lang: str) -> list[CommentNote]:
    """Return the comments of `submission.review_comments` labelled in words: "General comment from demo-coordinator,
    7 Dec 2026" or "Comment on DAT.04 from ...", and the review step ("Returned") in words, not its code."""
    notes = []
    for at, actor, action, indicator, text in zip(comments["at"], comments["actor"], comments["action"],
                                                  comments["indicator_id"], comments["comment"], strict=True):
        params = {"actor": actor, "date": tables.cell(at, lang)}
        label = t("comment_label_general", lang).format(**params) if tables.missing(indicator) else \
            t("comment_label_question", lang).format(question=indicator, **params)
        notes.append(CommentNote(label, tables.code_word("review_action", action, lang), str(text)))
    return notes


def comments_table(comments: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the reviewers' comments as a table: who and when in words, the step, the comment."""
    return pd.DataFrame.from_records([{"review_note": n.label, "action": n.action, "comment": n.comment}
                                      for n in comment_notes(comments, lang)],
                                     columns=["review_note", "action", "comment"])



@dataclass(frozen=True)
class ReviewView:
    """A response as a reviewer sees it: each answer with its evidence and last year's value, the problems, the comments."""

    response_id: int
    agency_id: str
    cycle_year: int
    version: int
    status: str
    answers: pd.DataFrame
    services: pd.DataFrame
    problems: list[Problem]
    comments: pd.DataFrame



def review_view(session: Session, principal: Principal, response_id: int, lang: str,
                catalogue: Catalogue | None = None) -> ReviewView:
    """Return what a coordinator reviews; only for their ministry's agencies."""
    resp = access.require_review_response(session, principal, response_id)
    catalogue = catalogue or default_catalogue()
    answers, services = intake.current_answers(session, resp.id, catalogue)
    previous, _ = intake.previous_answers(session, resp.agency_id, resp.cycle_year, catalogue)
    problems = validate(answers, services, catalogue,
                        intake.previous_values(session, resp.agency_id, resp.cycle_year), mode="submit")
    rows = []
    for ind in catalogue.entered_indicators():
        given, before = answers.get(ind.id, AnswerInput()), previous.get(ind.id, AnswerInput())
        rows.append({"indicator": ind.id, "question": ind.question.get(lang),
                     "answer": shown(ind, given.value, lang, catalogue), "evidence": given.evidence,
                     "comment": given.comment, "previous": shown(ind, before.value, lang, catalogue),
                     "problems": " | ".join(p.message.get(lang) for p in problems if p.field == ind.id)})
    return ReviewView(resp.id, resp.agency_id, resp.cycle_year, resp.version, resp.status, pd.DataFrame(rows),
                      services_table(services), problems, submission.review_comments(session, resp.id))



def return_response(session: Session, principal: Principal, response_id: int, expected_version: int,
                    comments: Mapping[str, str]) -> SaveResult:
    """Send a submitted response back with comments per question ("" for a general one)."""
    access.require_review_response(session, principal, response_id)
    return submission.return_response(session, response_id, expected_version, principal.username, Channel.WEB, comments)



def approve(session: Session, principal: Principal, response_id: int, expected_version: int) -> SaveResult:
    access.require_review_response(session, principal, response_id)
    return submission.approve(session, response_id, expected_version, principal.username, Channel.WEB)



def lock(session: Session, principal: Principal, response_id: int, expected_version: int) -> SaveResult:
    access.require_review_response(session, principal, response_id)
    return submission.lock(session, response_id, expected_version, principal.username, Channel.WEB)



def reopen(session: Session, principal: Principal, response_id: int, expected_version: int, reason: str) -> SaveResult:
    access.require_review_response(session, principal, response_id)
    return submission.reopen(session, response_id, expected_version, principal.username, Channel.WEB, reason)
