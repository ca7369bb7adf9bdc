"""Tables in memory: pandas DataFrames or lists of row dicts (private)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from piezomethod.dataset._read import RawTable, table_problem
from piezomethod.dataset._report import DataProblem
from piezomethod.dataset._schema import TABLE_BY_NAME
from piezomethod.errors import Code, FieldError, Severity


def cell(value: object) -> str:
    """The text of one in-memory cell: empty for None and pandas' missing values, ISO for a
    date (and for a datetime at midnight), whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "" if text in {"nan", "NaT", "<NA>", "None"} and not isinstance(value, str) else text


def _not_a_table() -> FieldError:
    return FieldError(
        "a table must be a DataFrame or a list of row dicts", code=Code.WRONG_TYPE, field="source"
    )


def from_rows(rows: Sequence[Mapping[str, object]] | Any) -> RawTable:
    """A DataFrame or a list of row dicts as a raw table."""
    if hasattr(rows, "columns") and hasattr(rows, "itertuples"):  # a pandas DataFrame
        header = [str(c) for c in rows.columns]
        body = ([cell(v) for v in values] for values in rows.itertuples(index=False, name=None))
        return RawTable(header, body)
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise _not_a_table()
    listed = list(rows)
    keys: list[str] = []
    for row in listed:
        if not isinstance(row, Mapping):
            raise _not_a_table()
        keys += [str(k) for k in row if str(k) not in keys]
    return RawTable(keys, ([cell(row.get(h)) for h in keys] for row in listed))


def read_mapping(source: Mapping[str, Any], problems: list[DataProblem]) -> dict[str, RawTable]:
    """The canonical tables in ``source``; any other key is a warning and is not read."""
    raw: dict[str, RawTable] = {}
    for name, table_rows in source.items():
        if name not in TABLE_BY_NAME:
            problems.append(
                table_problem(
                    Code.UNKNOWN_TABLE,
                    str(name)[:40],
                    "not a canonical table; it is not read",
                    severity=Severity.WARNING,
                )
            )
            continue
        raw[name] = from_rows(table_rows)
    return raw
