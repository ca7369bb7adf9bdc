"""Optional pandas support, in one place: import it lazily, with a clear message when missing."""

from __future__ import annotations

import functools
import html as stdhtml
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


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def html(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str], *, caption: str, limit: int = 25
) -> str:
    """``rows`` as a plain HTML table (what Jupyter shows for a result; no pandas needed).
    Past ``limit`` rows the first ones are shown and the rest are counted."""
    escape = functools.partial(stdhtml.escape, quote=True)
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
        for row in rows[:limit]
    )
    more = len(rows) - limit
    if more > 0:
        body += (
            f'<tr><td colspan="{len(columns)}">… {more} more rows (to_frame() has them all)'
            "</td></tr>"
        )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


class Tabular:
    """A result that is a table: ``to_frame()`` for pandas and ``_repr_html_()`` for Jupyter,
    both from the rows the class gives in ``_rows()``."""

    __slots__ = ()

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        raise NotImplementedError  # pragma: no cover - every subclass gives its rows

    def to_frame(self) -> Any:
        """This result as a pandas DataFrame (the ``[pandas]`` extra): the same rows and
        columns as the table Jupyter shows."""
        rows, columns = self._rows()
        return frame(rows, columns)

    def _repr_html_(self) -> str:
        rows, columns = self._rows()
        title = getattr(self, "title", None)
        return html(rows, columns, caption=title if isinstance(title, str) else type(self).__name__)
