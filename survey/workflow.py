"""Response states and the transitions between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    LOCKED = "locked"


#: Responses whose answers count in the national figures: submitted and not sent back. The one rule for every
#: figure, open cycle or closed (docs/ANALYTICS.md, "Final and provisional results").
COUNTED_STATUSES: frozenset[str] = frozenset({Status.SUBMITTED, Status.APPROVED, Status.LOCKED})
#: Responses a reviewer has accepted: a cycle's figures are final once enough of its frame is here
#: (`analytics.standing`).
APPROVED_STATUSES: frozenset[str] = frozenset({Status.APPROVED, Status.LOCKED})


class Channel(StrEnum):
    """Where a change came from, as the audit trail records it."""

    WEB = "web"
    EXCEL = "excel"
    CLI = "cli"
    SEED = "seed"
    SYSTEM = "system"
    #: A national services register import: an official source (docs/INTAKE.md).
    REGISTER = "register"


class InventorySource(StrEnum):
    """Who wrote an agency's service inventory for a cycle last (`responses.inventory_source`)."""

    REGISTER = "register"
    RESPONDENT = "respondent"


def inventory_counts(status: str, source: str | None) -> bool:
    """True when an agency's service inventory counts in the service figures (online shares, levels).

    A respondent's inventory counts once their response is submitted (`COUNTED_STATUSES`), as every
    answer does; an inventory the national register wrote counts at once, whatever the response's
    status, because the register is an official source. The precedence rule when the two meet
    (docs/INTAKE.md): a register import never replaces an inventory a respondent wrote, nor any
    inventory of a response under review; a respondent who changes the register's inventory makes
    it theirs, counted when they submit.
    """
    return status in COUNTED_STATUSES or source == InventorySource.REGISTER


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})



#: Allowed review transitions: from -> to.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.RETURNED, Status.APPROVED}),
    Status.RETURNED: frozenset({Status.SUBMITTED}),
    Status.APPROVED: frozenset({Status.LOCKED}),
    Status.LOCKED: frozenset(),
}



REOPENABLE = frozenset({Status.SUBMITTED, Status.APPROVED, Status.LOCKED})



NOT_STARTED = "not_started"


def deadline(closes_on: dt.date | None, own: dt.date | None) -> dt.date | None:
    """Return the day an agency's submission is due: the later of the cycle's closing date and the agency's
    own extension (an extension never shortens the time an agency has); None when neither is set.

    The one rule that the write check, tracking, follow-up and the executive workbook use.
    """
    if own is None or own != own:  # None or NaT
        return closes_on
    if closes_on is None or closes_on != closes_on:
        return own
    return max(own, closes_on)


def is_late(due: dt.date | None, submitted_on: dt.date | None, today: dt.date) -> bool:
    """True when a submission came after its due day, or none came and the due day has passed."""
    if due is None:
        return False
    return submitted_on > due if submitted_on is not None else today > due
