"""Reading a dataset source into raw tables (private): the one entry point every reader feeds.

A source is a folder of files or a single workbook (:mod:`._text`, :mod:`._workbook`), a
database (:mod:`._sql`), or a mapping of table name to a DataFrame or a list of row dicts
(:mod:`._frame`). Each reader turns a table into a :class:`RawTable` — a header and rows of
cells — and reports what it cannot read as a problem; the loader (:mod:`._loader`) then
checks the rows against the method. Table names are resolved through :mod:`._names` (Dutch
aliases and the user's mapping). A new kind of source is one new module here that returns raw
tables.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from piezomethod.dataset._names import NameMapping
from piezomethod.dataset._report import DataProblem
from piezomethod.dataset._schema import TABLES
from piezomethod.errors import Code, FieldError, Severity


class Database(abc.ABC):  # noqa: B024 - a virtual base: SQLAlchemy's classes are its members
    """A SQLAlchemy ``Engine`` or ``Connection`` (the core stays free of SQLAlchemy, so this
    recognises them by their module)."""

    @classmethod
    def __subclasshook__(cls, other: type) -> bool:
        return other.__module__.startswith("sqlalchemy.engine.") and hasattr(other, "begin")


Source: TypeAlias = str | os.PathLike[str] | Mapping[str, Any] | Database
"""A folder of CSV or workbook files, one ``.xlsx`` workbook, a database URL or SQLAlchemy
engine, or a mapping of table name to a DataFrame (pandas, polars, pyarrow) or a list of row
dicts."""

SOURCE_TABLE = "source"
"""The ``table`` of a problem with the source as a whole (no table could be told apart)."""

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
DATABASE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db"})


@attrs.frozen
class CsvFile:
    """Where a CSV table's rows come from, as decided before they are read: a columnar reader
    can read the same file, the same way."""

    path: os.PathLike[str]
    encoding: str
    delimiter: str


@attrs.frozen
class RawTable:
    """One table as read: its header and its rows of cells (read lazily).

    A cell is text, or a typed value from a workbook, frame or database (a date, a number, a
    boolean, None); the loader turns it into text with :func:`._frame.cell`. ``escaped`` is
    True for files a spreadsheet opens, where a leading ``'`` guards a formula character.
    ``unreadable`` says what went wrong if reading fails half-way (a decoding error).
    ``csv`` says which file, encoding and separator the rows are read from (CSV only).
    """

    header: list[str]
    rows: Iterable[Sequence[Any]]
    escaped: bool = False
    typed: bool = False
    unreadable: str = "the table cannot be read"
    csv: CsvFile | None = None


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


class Opened:
    """The raw tables found so far and the problems opening them; every reader adds here."""

    def __init__(self, mapping: NameMapping, encoding: str | None) -> None:
        self.mapping = mapping
        self.encoding = encoding
        self.tables: dict[str, RawTable] = {}
        self.found: set[str] = set()  # canonical tables seen, readable or not
        self.problems: list[DataProblem] = []
        self.provenance: dict[str, Any] = {}  # what the source says of where the data is from
        self._sources: dict[str, int] = {}
        self._cleanup: list[Callable[[], object]] = []

    def on_close(self, cleanup: Callable[[], object]) -> None:
        """Run ``cleanup`` once the tables have been read (an engine to dispose of)."""
        self._cleanup.append(cleanup)

    def close(self) -> None:
        """Close every table's rows that can be closed, then run the clean-ups."""
        for raw in self.tables.values():
            close = getattr(raw.rows, "close", None)
            if close is not None:
                close()
        while self._cleanup:
            self._cleanup.pop()()

    def table_of(self, name: str) -> str | None:
        """The canonical table ``name`` stands for; an unknown name is a warning."""
        table = self.mapping.table(name)
        if table is None:
            self.problems.append(
                table_problem(
                    Code.UNKNOWN_TABLE,
                    str(name)[:40],
                    "not a canonical table or an alias of one; it is not read",
                    severity=Severity.WARNING,
                )
            )
        return table

    def claim(self, table: str) -> bool:
        """Note that a source of ``table`` was found; False (and a problem) for a second."""
        self.found.add(table)
        self._sources[table] = self._sources.get(table, 0) + 1
        if self._sources[table] == 2:
            first = self.tables.pop(table, None)
            close = getattr(first.rows, "close", None) if first is not None else None
            if close is not None:
                close()  # the first file was opened already
            self.problem(table, Code.DUPLICATE_TABLE, "two files or sheets hold this table")
        return self._sources[table] == 1

    def add(self, table: str, raw: RawTable) -> None:
        """Keep ``raw`` as ``table``, unless a second source of it was found."""
        if self._sources.get(table) == 1:
            self.tables[table] = raw

    def problem(
        self, table: str, code: Code, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.problems.append(table_problem(code, table, message, severity=severity))


def is_url(text: str) -> bool:
    """True for a database URL (``sqlite:///…``, ``postgresql+psycopg://…``)."""
    head, sep, _ = text.partition("://")
    return bool(sep) and head.replace("+", "").replace("_", "").isalnum()


def open_source(source: Source, *, mapping: NameMapping, encoding: str | None) -> Opened:
    """The raw tables of ``source``, the problems found opening them (a required table that
    is missing is one of them, unless the source as a whole could not be read), and the
    source's provenance."""
    # the readers build on this module
    from piezomethod.dataset import _frame, _sql, _text, _workbook  # noqa: PLC0415

    opened = Opened(mapping, encoding)
    if isinstance(source, Mapping):
        _frame.read_mapping(source, opened)
    elif isinstance(source, Database):
        _sql.read_database(source, opened)
    elif isinstance(source, str) and is_url(source):
        _sql.read_url(source, opened)
    else:
        path = Path(source)
        suffix = path.suffix.lower()
        if path.is_dir():
            _text.read_folder(path, opened)
        elif not path.is_file():
            raise FieldError(
                "the dataset source does not exist", code=Code.NO_SUCH_FILE, field="source"
            )
        elif suffix in WORKBOOK_SUFFIXES:
            _workbook.read_workbook(path, opened)
        elif suffix in DATABASE_SUFFIXES:
            _sql.read_url(f"sqlite:///{path}", opened)
        else:
            opened.problem(SOURCE_TABLE, Code.UNREADABLE_SOURCE, _not_a_source(suffix))
    if not any(p.table == SOURCE_TABLE and p.is_error for p in opened.problems):
        for table in TABLES:
            if table.required and table.name not in opened.found:
                opened.problem(table.name, Code.MISSING_TABLE, "this table is required")
    return opened


def _not_a_source(suffix: str) -> str:
    if suffix in TEXT_SUFFIXES:
        return "one text file is one table: pass the folder that holds the tables"
    if suffix == ".json":
        return "a JSON file: read records with piezomethod.serialization.load"
    if suffix in {".ods", ".xls"}:
        return "this spreadsheet format is not read: save it as .xlsx, or as CSV files"
    return "not a folder, an .xlsx workbook or a database file"
