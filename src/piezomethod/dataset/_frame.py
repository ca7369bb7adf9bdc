"""Tables in memory: DataFrames (pandas; polars and pyarrow through narwhals) or lists of row
dicts (private).

Cells stay typed until the loader turns each into text with :func:`cell`: a date is ISO, a
datetime at midnight its day, a whole float has no ``.0``, and every kind of missing value
(``None``, ``NaN``, ``NaT``, ``pd.NA``) is empty.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from piezomethod.dataset._read import Opened, RawTable
from piezomethod.dataset._schema import TABLE_BY_NAME
from piezomethod.errors import Code, FieldError

_FRAME_LIBRARIES = frozenset({"polars", "pyarrow", "modin", "cudf", "dask", "pandas"})


def _missing(value: object) -> bool:
    """True for NaN, NaT and pd.NA (the values that are not equal to themselves)."""
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN's own test
    except (TypeError, ValueError):  # pd.NA refuses bool(); an array refuses it too
        return type(value).__name__ == "NAType"


def cell(value: object) -> str:
    """The text of one typed cell: empty for every kind of missing value, ISO for a date
    (and for a datetime at midnight), whole floats without ``.0``."""
    kind = type(value)
    if kind is str:  # the common cases first: this runs once per cell
        return value  # type: ignore[return-value]  # str, as its type says
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is datetime.date:
        return value.isoformat()  # type: ignore[attr-defined,no-any-return]
    return _other_cell(value)


def _other_cell(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _not_a_table() -> FieldError:
    return FieldError(
        "a table must be a DataFrame (pandas, polars, pyarrow) or a list of row dicts",
        code=Code.WRONG_TYPE,
        field="source",
    )


def _narwhals() -> Any:
    try:
        return importlib.import_module("narwhals")
    except ImportError:
        return None


def from_rows(rows: Sequence[Mapping[str, object]] | Any, table: str) -> RawTable | None:
    """A DataFrame or a list of row dicts as a raw table; None for a frame of a library that
    needs the ``[frames]`` extra (narwhals) when it is not installed. An empty list of rows is
    the empty ``table`` (a list of no dicts has no keys to tell its columns by)."""
    library = type(rows).__module__.partition(".")[0]
    nw = _narwhals()
    if nw is not None and library in _FRAME_LIBRARIES:
        frame = nw.from_native(rows, eager_only=True, pass_through=True)
        if isinstance(frame, nw.DataFrame):
            header = [str(c) for c in frame.columns]
            return RawTable(header, frame.iter_rows(named=False), typed=True)
    if hasattr(rows, "columns") and hasattr(rows, "itertuples"):  # pandas, without narwhals
        header = [str(c) for c in rows.columns]
        return RawTable(header, rows.itertuples(index=False, name=None), typed=True)
    if library in _FRAME_LIBRARIES:
        return None
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise _not_a_table()
    listed = list(rows)
    if not listed:
        return RawTable(list(TABLE_BY_NAME[table].column_names), [])
    keys: list[str] = []
    for row in listed:
        if not isinstance(row, Mapping):
            raise _not_a_table()
        keys += [str(k) for k in row if str(k) not in keys]
    return RawTable(keys, ([row.get(h) for h in keys] for row in listed), typed=True)


def read_mapping(source: Mapping[Any, Any], opened: Opened) -> None:
    """The tables in ``source`` by name (canonical, Dutch or mapped); any other key is a
    warning and is not read."""
    for name, table_rows in source.items():
        table = opened.table_of(str(name))
        if table is None or not opened.claim(table):
            continue
        raw = from_rows(table_rows, table)
        if raw is None:
            opened.problem(
                table,
                Code.NEEDS_EXTRA,
                "a polars or pyarrow table: install piezomethod[frames] to read it",
            )
            continue
        opened.add(table, raw)
