"""Text tables: a folder of CSV files (private)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from piezomethod._checks import checked
from piezomethod.dataset._read import RawTable, table_problem
from piezomethod.dataset._report import DataProblem
from piezomethod.dataset._schema import TABLES
from piezomethod.errors import Code, FieldError


@checked
def read_tables(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """The canonical table files present in ``folder``, by table name."""
    base = Path(folder)
    if not base.is_dir():
        raise FieldError(
            "the dataset folder does not exist", code=Code.NO_SUCH_FILE, field="source"
        )
    return {t.name: base / f"{t.name}.csv" for t in TABLES if (base / f"{t.name}.csv").is_file()}


def _sniff(header: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _csv_rows(path: Path) -> Iterator[list[str]]:
    # utf-8-sig reads files with and without a byte-order mark (Excel writes one)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        dialect = _sniff(handle.readline())
        handle.seek(0)
        yield from csv.reader(handle, dialect)


def read_folder(folder: str | os.PathLike[str], problems: list[DataProblem]) -> dict[str, RawTable]:
    """The canonical tables found in ``folder``; a file that cannot be read is a problem."""
    raw: dict[str, RawTable] = {}
    for name, path in read_tables(folder).items():
        rows = _csv_rows(path)
        try:
            header = next(rows, [])
        except (UnicodeDecodeError, csv.Error):
            problems.append(
                table_problem(Code.UNREADABLE_TABLE, name, "the file is not UTF-8 CSV text")
            )
            continue
        raw[name] = RawTable(header, rows)
    return raw
