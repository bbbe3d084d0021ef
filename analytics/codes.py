"""Counting on integer codes: the keys of several columns as one integer and their distinct values (`dense`,
`grouped`), and each row of a table paired with the frame's row of its cycle and agency without a merge
(`pair_with_frame`). Used where a merge and a groupby on text keys cost more than the figures they serve."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import pandas as pd


def dense(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct keys (sorted) and each key's number among them: bincount over a key space up to 4 keys
    a row, np.unique past it."""
    if space <= 4 * len(key) + 4096:
        present = np.flatnonzero(np.bincount(key, minlength=space))
        numbers = np.zeros(space, dtype=np.int64)
        numbers[present] = np.arange(len(present))
        return present, numbers[key]
    present, row = np.unique(key, return_inverse=True)
    return present, row.reshape(-1)


def grouped(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[list[np.ndarray], np.ndarray]:
    """Return the distinct combinations of `codes` (per column, each row's code among `sizes[i]` values, all known),
    sorted column by column, as one code array per column, and each row's number among them."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, size in zip(codes, sizes, strict=True):
        key = key * size + c
    present, row = dense(key, int(np.prod(sizes)))
    parts, rest = [], present
    for size in reversed(sizes):
        rest, c = np.divmod(rest, size)
        parts.append(c)
    return parts[::-1], row


class FramePairs(NamedTuple):
    """The frame's cycles and agencies as codes, and where each row of the other tables stands in the frame."""

    cycle: np.ndarray  # per frame row: its cycle's code in `cycles` (sorted)
    agency: np.ndarray  # per frame row: its agency id's code in `names` (sorted text)
    cycles: np.ndarray
    names: pd.Index
    rows: list[np.ndarray]  # per other table, per row: the frame row of its cycle and agency, -1 where none


def pair_with_frame(frame: pd.DataFrame, *tables: pd.DataFrame) -> FramePairs | None:
    """Pair each row of `tables` with the frame's row of its cycle and agency, as an inner merge on them does.

    None where only the merge can say: the frame repeats a cycle and agency or misses an agency id, the cycles
    are not integers or the agency ids not text typed alike in every table, or there are so many cycles and
    agencies that a table of every pair would not be small.
    """
    every = (frame, *tables)
    cycle_type, id_type = frame["cycle_year"].dtype, frame["agency_id"].dtype
    if not (isinstance(cycle_type, np.dtype) and cycle_type.kind in "iu" and isinstance(id_type, pd.StringDtype)
            and all(t["cycle_year"].dtype == cycle_type and t["agency_id"].dtype == id_type for t in every)):
        return None
    agency, names = pd.factorize(pd.concat([t["agency_id"] for t in every], ignore_index=True), sort=True,
                                 use_na_sentinel=False)
    if names.hasnans:
        return None
    cycle, cycles = pd.factorize(np.concatenate([t["cycle_year"].to_numpy() for t in every]), sort=True)
    key = agency.astype(np.int64) * len(cycles) + cycle
    nf, space = len(frame), len(names) * len(cycles)
    if space > 16 * len(key) + 65536 or np.bincount(key[:nf], minlength=space).max(initial=0) > 1:
        return None
    lookup = np.full(space, -1, dtype=np.int64)
    lookup[key[:nf]] = np.arange(nf)
    cuts = np.cumsum([nf, *(len(t) for t in tables)])
    rows = [lookup[key[start:end]] for start, end in pairwise(cuts)]
    return FramePairs(cycle[:nf], agency[:nf], cycles, names, rows)
