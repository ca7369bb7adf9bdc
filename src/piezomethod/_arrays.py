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
