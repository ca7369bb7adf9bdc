"""Reading a dataset source into raw tables (private): the one entry point every reader feeds.

A source is a folder of text files (:mod:`._text`) or a mapping of table name to a DataFrame
or a list of row dicts (:mod:`._frame`). Each reader turns a table into a :class:`RawTable` —
a header and rows of cell text — and reports what it cannot read as a problem; the loader
(:mod:`._loader`) then checks the rows against the method. A new kind of source is one new
module here that returns raw tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from piezomethod.dataset._report import DataProblem
from piezomethod.dataset._schema import TABLES
from piezomethod.errors import Code, Severity

Source: TypeAlias = str | os.PathLike[str] | Mapping[str, Any]
"""A folder of CSV files, or a mapping of table name to a DataFrame or a list of row dicts."""


@attrs.frozen
class RawTable:
    """One table as read: its header and its rows of cell text (read lazily)."""

    header: list[str]
    rows: Iterable[Sequence[str]]


def table_problem(
    code: Code,
    table: str,
    message: str,
    column: str | None = None,
    severity: Severity = Severity.ERROR,
) -> DataProblem:
    """A problem with a whole table (no row, no participant)."""
    return DataProblem(
        code=code,
        severity=severity,
        table=table,
        row=None,
        participant_id=None,
        column=column,
        message=message,
    )


def open_source(source: Source) -> tuple[dict[str, RawTable], list[DataProblem]]:
    """The raw tables of ``source`` and the problems found opening them (a required table
    that is missing is one of them)."""
    from piezomethod.dataset import _frame, _text  # noqa: PLC0415 - they build on this module

    problems: list[DataProblem] = []
    if isinstance(source, Mapping):
        raw = _frame.read_mapping(source, problems)
    else:
        raw = _text.read_folder(source, problems)
    for table in TABLES:
        if table.required and table.name not in raw:
            problems.append(table_problem(Code.MISSING_TABLE, table.name, "this table is required"))
    return raw, problems
