"""Workbooks: ``.xlsx`` files read with openpyxl, the ``[excel]`` extra (private).

A workbook is either the whole dataset, a sheet per table (sheets named after the tables,
in English or Dutch, or as the mapping says), or one table in a folder of them (the file is
named after the table; its sheet of that name, else its first sheet). Cells are taken typed
as Excel stores them — dates as dates, numbers as numbers, booleans as booleans, formulas by
their cached result — and an empty cell is empty.
"""

from __future__ import annotations

import importlib
import json
import zipfile
from pathlib import Path
from typing import Any

from piezomethod.dataset._package import PROVENANCE_KEY
from piezomethod.dataset._read import SOURCE_TABLE, Opened, RawTable
from piezomethod.errors import Code

MAX_ROWS = 1_048_576
"""The most rows an ``.xlsx`` sheet holds (header included)."""

_NEEDS = "an Excel workbook: install piezomethod[excel] to read it"
_BROKEN = "not a readable .xlsx workbook (damaged, encrypted, or another format renamed)"


def _open(path: Path, table: str, opened: Opened) -> Any:
    """The workbook, or None after a problem."""
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError:
        opened.problem(table, Code.NEEDS_EXTRA, _NEEDS)
        return None
    invalid = openpyxl.utils.exceptions.InvalidFileException
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, invalid):
        opened.problem(table, Code.UNREADABLE_TABLE, _BROKEN)
        return None


def _sheet(worksheet: Any) -> RawTable:
    rows = worksheet.iter_rows(values_only=True)
    header = [("" if v is None else str(v)) for v in next(rows, ())]
    body = list(rows)  # read now: the workbook is closed before the loader runs
    # not ``escaped``: a workbook stores text as text, so no cell needs a formula guard
    return RawTable(header, body, typed=True)


def _provenance(workbook: Any) -> dict[str, Any]:
    """What :func:`write_tables` noted in the workbook's description ({} if nothing)."""
    try:
        found = json.loads(workbook.properties.description or "")
    except ValueError:
        return {}
    inner = found.get(PROVENANCE_KEY) if isinstance(found, dict) else None
    return dict(inner) if isinstance(inner, dict) else {}


def read_workbook(path: Path, opened: Opened) -> None:
    """Every sheet that is a table, from a workbook that is the whole dataset."""
    workbook = _open(path, SOURCE_TABLE, opened)
    if workbook is None:
        return
    try:
        opened.provenance = _provenance(workbook)
        for worksheet in workbook.worksheets:
            table = opened.table_of(worksheet.title)
            if table is not None and opened.claim(table):
                opened.add(table, _sheet(worksheet))
    finally:
        workbook.close()


def read_workbook_table(path: Path, table: str, opened: Opened) -> None:
    """One table from a workbook named after it."""
    workbook = _open(path, table, opened)
    if workbook is None:
        return
    try:
        sheets = workbook.worksheets
        named = [s for s in sheets if opened.mapping.table(s.title) == table]
        opened.add(table, _sheet((named or sheets)[0]))
    finally:
        workbook.close()
