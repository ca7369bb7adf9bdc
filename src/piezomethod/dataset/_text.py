"""Text tables: a folder of CSV files, in the encodings and dialects spreadsheets write
(private).

The encoding of each file is decided before a row is parsed: a byte-order mark names it
(UTF-8 or UTF-16); otherwise ``encoding=`` if given; otherwise strict UTF-8 when the whole file
decodes as UTF-8, else Windows-1252 (what Dutch Excel writes as "CSV (puntkomma
gescheiden)") with a warning naming it. The separator (``,``, ``;`` or tab) is sniffed from
the header line. A folder may also hold workbooks, one per table (:mod:`._workbook`).
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from pathlib import Path

from piezomethod._checks import checked
from piezomethod.dataset._names import NO_MAPPING
from piezomethod.dataset._package import read_provenance
from piezomethod.dataset._read import (
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    CsvFile,
    Opened,
    RawTable,
)
from piezomethod.errors import Code, FieldError, Severity

_CHUNK = 1 << 20
FIELD_LIMIT = 1 << 26
"""The largest CSV field read at all (64 MiB); the loader refuses cells over 32,767
characters one by one, so only a runaway quote reaches this."""

_UTF8 = "utf-8"
_CP1252 = "cp1252"


@checked
def read_tables(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """The table files (CSV, by canonical or Dutch name) present in ``folder``, by table."""
    base = Path(folder)
    if not base.is_dir():
        raise FieldError(
            "the dataset folder does not exist", code=Code.NO_SUCH_FILE, field="source"
        )
    found: dict[str, Path] = {}
    for path in sorted(base.iterdir()):
        table = NO_MAPPING.table(path.stem) if path.suffix.lower() in TEXT_SUFFIXES else None
        if table is not None and path.is_file():
            found.setdefault(table, path)
    return found


def _decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes in ``encoding`` (read in chunks, never whole)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _has_nul(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\x00" in handle.read(_CHUNK)


def encoding_of(path: Path, given: str | None) -> tuple[str | None, str | None]:
    """(the encoding to read ``path`` in, or None; a message: why not, or what was guessed)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16", None
    if given is not None:
        return ("utf-8-sig" if codecs.lookup(given).name == _UTF8 else given), None
    if head.startswith(b"PK\x03\x04"):
        return None, "this is a workbook or zip file, not CSV text: name it .xlsx"
    if _has_nul(path):
        return None, (
            "the file holds NUL bytes: UTF-16 without a byte-order mark or not text; "
            "save it as UTF-8 or pass encoding='utf-16-le'"
        )
    if _decodes(path, _UTF8):
        return _UTF8, None
    if _decodes(path, _CP1252):
        return _CP1252, (
            "not UTF-8; read as Windows-1252 (cp1252), as Dutch Excel saves CSV: if letters "
            "look wrong, pass the right encoding (--encoding)"
        )
    return None, "the file is neither UTF-8 nor Windows-1252 text: pass its encoding (--encoding)"


def _delimiter(header: str) -> str:
    """The separator of a header line: ``,``, ``;`` or tab. Only the separator is sniffed —
    quoting stays Excel's (``""`` inside quotes is one ``"``), which a header without quotes
    cannot show."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    # the module-wide limit only ever goes up: other users of csv are not narrowed
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.reader(handle, csv.excel, delimiter=delimiter)


def read_csv(path: Path, table: str, opened: Opened) -> None:
    """Open one CSV table; a file that cannot be read is one problem."""
    encoding, note = encoding_of(path, opened.encoding)
    if encoding is None:
        opened.problem(table, Code.UNREADABLE_TABLE, note or "")
        return
    if note is not None:
        opened.problem(table, Code.GUESSED_ENCODING, note, Severity.WARNING)
    unreadable = (
        f"the file cannot be read as CSV text in {encoding} (a broken quote or a cell over "
        f"{FIELD_LIMIT >> 20} MiB, or the wrong encoding): pass the right one (--encoding)"
    )
    try:
        with path.open(encoding=encoding, newline="") as handle:
            delimiter = _delimiter(handle.readline())
        rows = _csv_rows(path, encoding, delimiter)
        header = next(rows, [])
    except (UnicodeDecodeError, csv.Error):
        opened.problem(table, Code.UNREADABLE_TABLE, unreadable)
        return
    source = CsvFile(path, encoding, delimiter)
    opened.add(table, RawTable(header, rows, escaped=True, unreadable=unreadable, csv=source))


def read_folder(folder: Path, opened: Opened) -> None:
    """The tables in ``folder``: CSV files and workbooks named after a table (canonical or
    Dutch, or as the mapping says). Other files are left alone."""
    from piezomethod.dataset import _workbook  # noqa: PLC0415 - it builds on _read

    opened.provenance = read_provenance(folder)
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith(("~$", ".")) or not path.is_file():
            continue  # Excel's lock files, hidden files
        if suffix not in TEXT_SUFFIXES | WORKBOOK_SUFFIXES:
            continue
        table = opened.table_of(path.stem)
        if table is None or not opened.claim(table):
            continue
        if suffix in TEXT_SUFFIXES:
            read_csv(path, table, opened)
        else:
            _workbook.read_workbook_table(path, table, opened)
