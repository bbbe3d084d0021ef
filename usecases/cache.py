"""The one cache of computed results in a process: bounded LRU stores keyed on the database and its data version.

Every save, submission, review step, restore and target edit moves the database's data version
(`data.repository.bump_data_version`), so a key that holds the version never serves stale results,
and app servers that share one database see each other's changes on their next page run. Stores
are cachetools LRU caches behind one lock each; values are shared between the callers of a
process, so `view` hands each caller its own copy.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

from cachetools import LRUCache
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data import repository
from data.db import session_scope

V = TypeVar("V")
_STORES: list[Store[Any]] = []
#: A view that takes longer than this to compute is logged with its name, arguments and data version.
SLOW_VIEW_SECONDS = 10.0
_LOG = logging.getLogger(__name__)


class Store(Generic[V]):
    """A bounded, thread-safe LRU store."""

    def __init__(self, maxsize: int) -> None:
        self._items: LRUCache[Hashable, V] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        _STORES.append(self)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value

    def drop(self, keep: Callable[[Hashable, V], bool]) -> None:
        """Forget every entry for which `keep(key, value)` is False."""
        with self._lock:
            for key in [k for k, v in self._items.items() if not keep(k, v)]:
                del self._items[key]

    def put_latest(self, key: tuple[Any, ...], value: V, version_at: int) -> None:
        """Keep `value` under `key` and forget the entries of older data versions (the number at `version_at` in
        the key) whose key is otherwise the same: a newer version is never served by them again, and each
        held a whole cycle's results."""
        def stale(k: Hashable) -> bool:
            return (isinstance(k, tuple) and len(k) == len(key) and k[:version_at] == key[:version_at]
                    and k[version_at + 1:] == key[version_at + 1:] and k[version_at] < key[version_at])

        with self._lock:
            for old in [k for k in self._items if stale(k)]:
                del self._items[old]
            self._items[key] = value

    def snapshot(self) -> list[tuple[Hashable, V]]:
        with self._lock:
            return list(self._items.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Hashable]:
        return iter([k for k, _ in self.snapshot()])


def database_key(session: Session) -> str:
    """Return the database a session reads (its URL without the password): part of every key."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


#: The read models the pages draw, per (view, database, data version, arguments).
VIEWS: Store[Any] = Store(maxsize=256)


def view(engine: Engine, fn: Callable[..., V], *args: Any) -> V:
    """Return `fn(session, *args)` computed once per data version of the database, as the caller's own copy."""
    with session_scope(engine) as session:
        key = (fn.__module__ + "." + fn.__qualname__, database_key(session), repository.data_version(session), args)
        hit = VIEWS.get(key)
        if hit is None:
            started = time.perf_counter()
            hit = fn(session, *args)
            took = time.perf_counter() - started
            if took > SLOW_VIEW_SECONDS:
                _LOG.warning("slow view %s%r: %.1f s (data version %s)", key[0], args, took, key[2])
            VIEWS.put_latest(key, hit, 2)
    return copy.deepcopy(hit)


def clear_all() -> None:
    """Forget everything kept in this process (tests; a restore in the same process moves the epoch anyway)."""
    for store in _STORES:
        store.clear()
