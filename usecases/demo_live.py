"""The demo's open cycle: dated around the day it is seeded, with agencies in every state, so that each demo
account has something to do (the respondent a draft, the coordinator submitted responses to review)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from survey.workflow import Status

#: The open cycle opened this many days before the seeding day and closes this many after it.
OPENED_DAYS_AGO = 30
CLOSES_IN_DAYS = 60
#: Shares of the agencies in each state, drawn in this order; the rest have approved responses.
STATE_SHARES: tuple[tuple[str | None, float], ...] = (
    (None, 0.25), (Status.DRAFT, 0.25), (Status.SUBMITTED, 0.20), (Status.RETURNED, 0.08),
)
#: The respondent's ministry, agency by agency in id order: the respondent's own agency (the first) has a draft,
#: the coordinator has two submitted responses to review, one returned, one approved and one not started.
MINISTRY_STATES: tuple[str | None, ...] = (Status.DRAFT, Status.SUBMITTED, Status.SUBMITTED, Status.RETURNED,
                                          Status.APPROVED, None)
#: The reviewer named on the returned responses' comments (the demo coordinator's username) and its comments.
REVIEWER = "demo-coordinator"
GENERAL_COMMENT = "ข้อมูลสมมติ: โปรดตรวจสอบจำนวนงานบริการที่ให้บริการออนไลน์ได้อีกครั้ง และแนบหลักฐานประกอบ"
QUESTION_COMMENT = ("DAT.04", "ข้อมูลสมมติ: จำนวนชุดข้อมูลที่เปิดเผยมากกว่าจำนวนในบัญชีข้อมูล โปรดตรวจสอบ")


@dataclass(frozen=True)
class OpenCycle:
    """The open cycle of a live demo: its dates, the seeding day and the states forced on the demo accounts' agencies."""

    today: dt.date
    opens: dt.date
    closes: dt.date
    forced: dict[str, str | None]

    @classmethod
    def around(cls, today: dt.date, agencies: list[dict]) -> OpenCycle:
        """Return the cycle open around `today`; the first agency's ministry gets `MINISTRY_STATES` (the demo
        accounts' scope: `usecases.demo_accounts` gives the respondent the first agency and the coordinator its ministry)."""
        first = min(agencies, key=lambda a: a["id"])
        same = sorted(a["id"] for a in agencies if a["ministry_id"] == first["ministry_id"])
        forced = dict(zip(same, MINISTRY_STATES, strict=False))
        return cls(today, today - dt.timedelta(days=OPENED_DAYS_AGO), today + dt.timedelta(days=CLOSES_IN_DAYS),
                   forced)

    def state(self, agency_id: str, draw: float) -> str | None:
        """Return the agency's state from a uniform draw in [0, 1) (None: not started)."""
        if agency_id in self.forced:
            return self.forced[agency_id]
        edge = 0.0
        for state, share in STATE_SHARES:
            edge += share
            if draw < edge:
                return state
        return Status.APPROVED

    def moments(self, status: str, rng: np.random.Generator) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Return when a response was submitted and approved (None when it was not), both since the cycle opened
        and before the seeding day."""
        if status == Status.DRAFT:
            return None, None
        span = (self.today - self.opens).days
        day = self.opens + dt.timedelta(days=int(rng.integers(1, max(span - 3, 2))))
        submitted = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)  # 10:00 in Bangkok
        if status != Status.APPROVED:
            return submitted, None
        return submitted, submitted + dt.timedelta(days=int(rng.integers(1, 3)), hours=4)

    def review_comments(self, response_id: int, submitted: dt.datetime | None) -> list[dict]:
        """Return the comments the demo coordinator wrote when returning a response: a general one and one on a question."""
        at = (submitted or dt.datetime.combine(self.opens, dt.time(3, 0), tzinfo=dt.UTC)) + dt.timedelta(days=1)
        return [{"response_id": response_id, "indicator_id": ind, "action": "return", "comment": text,
                 "actor": REVIEWER, "at": at}
                for ind, text in ((None, GENERAL_COMMENT), QUESTION_COMMENT)]
