"""Optional pandas support, in one place: import it lazily, with a clear message when missing."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

__all__: list[str] = []


def pandas() -> Any:
    """The pandas module, or an ``ImportError`` that says which extra provides it."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "this needs pandas; install it with: pip install 'piezomethod[pandas]'"
        ) from None


def frame(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> Any:
    """A DataFrame of ``rows`` with exactly ``columns`` in that order (also when empty)."""
    return pandas().DataFrame(list(rows), columns=list(columns))
