"""Python's cycle collector during a build that allocates a great deal: what was alive before it is left
out of the collector's passes until the build ends (`frozen_heap`)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_froze = False


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive at entry out of the cycle collector's passes until the block ends.

    A build that allocates hundreds of thousands of small containers (the workbook's cells) triggers
    full collections, and each walks every object of the process: at 8,000 agencies the workbook took
    one or two, 0.15-0.3 s each in the benchmark's process, more in a server holding kept results.
    Frozen objects are not walked; what the block itself allocates is collected as before. At the end
    everything frozen goes back to the oldest generation, so nothing is leaked: garbage among those
    objects is found at the next full pass. Nested or concurrent blocks freeze once, and the last one
    out unfreezes; a process that froze objects itself (gc.freeze before forking workers) is left as
    it is.
    """
    global _depth, _froze
    with _lock:
        if _depth == 0:
            _froze = gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _froze:
                gc.unfreeze()
                _froze = False
