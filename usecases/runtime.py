"""What the app server and the command lines need to run the use cases: the configured database, one
transaction per call, the sign-in settings, and the start-up work (migrations, the first administrator).

Start-up runs once per process from `app.py` or from `python -m data migrate`, never from a page.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data import config
from data.db import engine_for, session_scope
from data.migrate import upgrade
from usecases import accounts, jobs
from usecases.sessions import AccountError

_LOG = logging.getLogger(__name__)


#: Blocks from this size on are mapped from the system on their own and handed back as soon as they are freed.
#: Measured at 8,000 agencies x 5 cycles (`make bench`): 128 KiB gave the lowest peak but made the analytics after a
#: change about 25 % slower (a page fault and a system call for every column of a few hundred KB); 2 MiB keeps their
#: speed (a cycle's columns of 250,000 values, just under 2 MB, stay in the heap) with the peak at about 865 MB.
MMAP_THRESHOLD = 2 * 1024 * 1024
#: glibc `mallopt` parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def hand_back_memory() -> bool:
    """Make this process give the memory of large freed blocks back to the system; True when it could (glibc).

    By default glibc raises its mmap threshold each time a mapped block is freed, up to 32 MB, so the
    columns of a cycle's tables (a few MB each) soon come from the heap, which fragments: after the
    analytics of every cycle the process kept holding what a later page needed on top of it (the peak
    at 8,000 agencies grew by about 180 MB over the phases of `make bench`, docs/PERFORMANCE.md). With a fixed
    threshold every large block is its own mapping and is returned when freed. Elsewhere (another C
    library) nothing changes. Below `MMAP_THRESHOLD` glibc's heap serves blocks as before.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    if not (mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, MMAP_THRESHOLD)):
        return False
    # pyarrow's own allocator (mimalloc, which holds the text columns) kept freed memory too: the system allocator
    # above hands it back (peak over the benchmark's phases 898 -> 765 MB at 8,000 agencies x 5 cycles with 128 KiB).
    pa.set_memory_pool(pa.system_memory_pool())
    return True


def engine() -> Engine:
    """Return this process's engine for the configured database (`DATABASE_URL`, else the SQLite file)."""
    return engine_for(config.database_url())


@contextmanager
def transaction() -> Iterator[Session]:
    """Yield a session on the configured database that commits on success and rolls back on error."""
    with session_scope(engine()) as session:
        yield session


def secret() -> bytes:
    """Return the key that signs session tokens (`READINESS_SESSION_SECRET`)."""
    return config.session_secret()


def policy() -> config.AccountPolicy:
    """Return the sign-in policy (lockout, session lifetimes, password rules)."""
    return config.account_policy()


def prepare() -> Engine:
    """Make the process hand large freed blocks back to the system (`hand_back_memory`), bring the schema up to
    date, mark failed the jobs whose worker is gone (`usecases.jobs.recover`) and create the first administrator
    named in the settings, once per process.

    A bad administrator setting is logged and does not stop the app: everyone else can still sign in.
    """
    hand_back_memory()
    eng = engine()
    upgrade(eng)
    jobs.recover(eng)  # jobs whose server stopped while they ran: failed, not "running" for ever
    try:
        with session_scope(eng) as session:
            accounts.bootstrap_admin(session, config.bootstrap_admin(), config.account_policy())
    except AccountError as exc:
        _LOG.error("READINESS_ADMIN_USERNAME/PASSWORD not used: %s", exc.message("en"))
    return eng
