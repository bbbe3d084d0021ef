"""The app server hands large freed blocks back to the system (usecases.runtime.hand_back_memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A table's worth of large columns (100 x 4 MB) allocated with small objects kept alive between them, then freed:
# the resident set before, at the top, and after (MB, from /proc/self/statm).
PROBE = """
import os, sys
sys.path.insert(0, {root!r})
if {tuned}:
    from usecases.runtime import hand_back_memory
    assert hand_back_memory()
import numpy as np
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
first = np.ones(2**19)  # one mapped block freed: glibc's own threshold rises past this size
del first
before = rss()
big, small = [], []
for i in range(100):
    big.append(np.ones(2**19))  # 4 MB each
    small.append(np.ones(64))   # kept: pins the heap between the large blocks
top = rss()
del big
print(before, top, rss())
"""


def _probe(tuned: bool) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), tuned=tuned)], capture_output=True,
                         text=True, check=True).stdout.split()
    before, top, after = (float(x) for x in out)
    return before, top, after


@pytest.mark.skipif(not Path("/proc/self/statm").exists() or not sys.platform.startswith("linux"),
                    reason="glibc and /proc only")
def test_arrow_columns_use_the_system_allocator() -> None:
    """pyarrow's buffers (text columns) come from the system allocator once the setting is made."""
    out = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); import pyarrow as pa; "
                          "from usecases.runtime import hand_back_memory; assert hand_back_memory(); "
                          "print(pa.default_memory_pool().backend_name)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "system"


@pytest.mark.skipif(not Path("/proc/self/statm").exists() or not sys.platform.startswith("linux"),
                    reason="glibc and /proc only")
def test_large_freed_blocks_go_back_to_the_system() -> None:
    """With the setting, 400 MB of freed 4 MB blocks leave the resident set within 40 MB of where it was; without
    it (glibc's default, which the setting replaces) most of it stays held by the heap."""
    before, top, after = _probe(tuned=True)
    assert top - before > 380
    assert after - before < 40
    before, top, after = _probe(tuned=False)
    assert after - before > 300
