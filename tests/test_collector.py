"""usecases.collector.frozen_heap: what was alive before a block is left out of the cycle collector's passes
while it runs, and handed back after it (nothing leaks), however blocks nest or overlap across threads."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from usecases.collector import frozen_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_objects_alive_before_are_not_collected_inside_and_are_after() -> None:
    node = Node()
    ref = weakref.ref(node)
    with frozen_heap():
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert ref() is not None  # frozen: not walked
        fresh = Node()
        fresh_ref = weakref.ref(fresh)
        del fresh
        gc.collect()
        assert fresh_ref() is None  # what the block allocates is collected as before
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None  # handed back to the oldest generation: found at the next full pass


def test_nested_blocks_freeze_once_and_the_outer_one_unfreezes() -> None:
    # Counted by an object in a reference cycle: the freeze count itself also drops whenever a frozen object is
    # freed by its reference count, so it says nothing certain about what stays frozen.
    node = Node()
    ref = weakref.ref(node)
    with frozen_heap():
        with frozen_heap():
            del node
        gc.collect()
        assert ref() is not None  # the inner block's end did not thaw what the outer one froze
    gc.collect()
    assert ref() is None and gc.get_freeze_count() == 0


def test_a_process_that_froze_its_heap_itself_stays_frozen() -> None:
    node = Node()
    ref = weakref.ref(node)
    gc.freeze()
    with frozen_heap():
        del node
    gc.collect()
    assert ref() is not None and gc.get_freeze_count() > 0
    gc.unfreeze()
    gc.collect()
    assert ref() is None


def test_overlapping_blocks_in_two_threads_unfreeze_when_the_last_leaves() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, int] = {}

    def first() -> None:
        with frozen_heap():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with frozen_heap():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.get_freeze_count()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert seen["after the first left"] > 0
    assert gc.get_freeze_count() == 0
