"""Response states and the transitions between them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    LOCKED = "locked"


#: Responses whose answers count in the national figures: submitted and not sent back.
COUNTED_STATUSES: frozenset[str] = frozenset({Status.SUBMITTED, Status.APPROVED, Status.LOCKED})


class Channel(StrEnum):
    """Where a change came from, as the audit trail records it."""

    WEB = "web"
    EXCEL = "excel"
    CLI = "cli"
    SEED = "seed"
    SYSTEM = "system"


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
