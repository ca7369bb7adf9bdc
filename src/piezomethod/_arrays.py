"""Array helpers the columnar loader and the columnar analytics share (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Index = npt.NDArray[np.signedinteger[Any]]
"""Integers of any width: per-row codes and numbers are kept as int32 where they fit."""


def combined(parts: Sequence[npt.NDArray[np.integer[Any]]]) -> Ints:
    """One int64 key per row for a tuple of small non-negative integer columns (their ranks
    where the product of their ranges would not fit)."""
    key = np.zeros(len(parts[0]) if parts else 0, dtype=np.int64)
    size = 1
    for part in parts:
        span = int(part.max()) + 1 if len(part) else 1
        if size * span >= 1 << 62:
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1).astype(np.int64, copy=False)
            size = int(key.max()) + 1 if len(key) else 1
        # in place: no temporary as large as the key
        key *= span
        key += part
        size *= span
    return key


def distinct(
    parts: Sequence[npt.NDArray[np.integer[Any]]], *, dense: bool | None = None
) -> tuple[Index, Ints]:
    """Per row the number of its combination of codes, and one row holding each combination.

    Where the combinations possible are few next to the rows (a questionnaire's instruments,
    items and answers), they are counted in a dense array, without sorting (``dense`` forces
    either way, for the test that both agree)."""
    rows = len(parts[0]) if parts else 0
    # each part numbered among the values it holds (in their order): fewer combinations
    parts = [_ranked(part) for part in parts]
    space = 1
    for part in parts:
        space *= int(part.max()) + 1 if len(part) else 1
    if dense is None:
        dense = space <= 4 * rows + 1024
    if not dense:
        _, holder, number = np.unique(combined(parts), return_index=True, return_inverse=True)
        return number.reshape(-1), holder
    key = combined(parts)
    seen = np.zeros(space, dtype=bool)
    seen[key] = True
    present = np.flatnonzero(seen)
    holder_of = np.zeros(space, dtype=np.int64)
    holder_of[key] = np.arange(rows, dtype=np.int32)  # any row with the key will do
    number_of = np.zeros(space, dtype=np.int32)
    number_of[present] = np.arange(len(present))
    return number_of[key], holder_of[present]


def _ranked(part: npt.NDArray[np.integer[Any]]) -> Index:
    """Each value's rank among the distinct values of ``part`` (non-negative integers)."""
    seen = np.zeros(int(part.max()) + 1 if len(part) else 0, dtype=bool)
    seen[part] = True
    rank = np.cumsum(seen, dtype=np.int32)
    rank -= 1
    found: Index = rank[part]
    return found
