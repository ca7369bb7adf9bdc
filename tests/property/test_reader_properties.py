"""Every reader is the reference reader: on data every format can hold (text cells), CSV,
``.xlsx``, DataFrames and SQLite give equal records and the same problems by (code, table,
participant, column); a CSV cell survives the formula guard unchanged; frames with missing
values of every kind give report problems or a PiezoError, never another exception."""

from __future__ import annotations

import csv
import datetime
import math
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod.dataset import TABLES, Dataset, load, table_rows
from piezomethod.dataset._loader import unguard
from piezomethod.dataset._write import guard
from piezomethod.errors import PiezoError
from piezomethod.synth import synthetic_cohort

_COHORTS = {seed: synthetic_cohort(n=6, seed=seed) for seed in range(3)}

# Values a messy export holds: valid and invalid codes, Dutch habits, formula characters,
# padding, quotes, separators and line breaks inside cells.
_NASTY = st.sampled_from(
    [
        "",
        " ",
        "x",
        "WAAR",
        "nee",
        "0",
        "1,5",
        "9",
        "-3",
        "1-2-2020",
        "2020-13-01",
        "07-01-2019 00:00",
        "=1+1",
        "'=x",
        "''@y",
        "'s-Hertogenbosch",
        "+31 6",
        " padded ",
        'a "quoted" word',
        "a;b,c",
        "line\nbreak",
        "Súdwest-Fryslân",
        "entry",
        "exit",
        "phase_change",
    ]
)


@st.composite
def messy_tables(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """The tables of a small cohort with some cells replaced by messy values."""
    tables = table_rows(_COHORTS[draw(st.sampled_from(sorted(_COHORTS)))])
    for _ in range(draw(st.integers(0, 8))):
        name = draw(st.sampled_from([t for t in tables if tables[t]]))
        row = draw(st.sampled_from(tables[name]))
        row[draw(st.sampled_from(sorted(row)))] = draw(_NASTY)
    return tables


def _header(rows: list[dict[str, str]], table: str) -> list[str]:
    header = list(next(t for t in TABLES if t.name == table).column_names)
    for row in rows:
        header += [k for k in row if k not in header]
    return header


def _csv(tables: dict[str, list[dict[str, str]]], folder: Path) -> Path:
    folder.mkdir()
    for name, rows in tables.items():
        header = _header(rows, name)
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([guard(r.get(h, "")) for h in header] for r in rows)
    return folder


def _xlsx(tables: dict[str, list[dict[str, str]]], path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        header = _header(rows, name)
        sheet.append(header)
        for row in rows:
            cells = []
            for h in header:
                cell = WriteOnlyCell(sheet, value=row.get(h, ""))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    workbook.save(path)
    return path


def _frames(tables: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    pd = pytest.importorskip("pandas")
    return {
        name: pd.DataFrame(
            [[r.get(h, "") for h in _header(rows, name)] for r in rows],
            columns=_header(rows, name),
            dtype=object,
        )
        for name, rows in tables.items()
    }


def _sqlite(tables: dict[str, list[dict[str, str]]], path: Path) -> str:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    metadata = sqlalchemy.MetaData()
    created = {
        name: sqlalchemy.Table(
            name, metadata, *[sqlalchemy.Column(h, sqlalchemy.Text) for h in _header(rows, name)]
        )
        for name, rows in tables.items()
    }
    with engine.begin() as connection:
        metadata.create_all(connection)
        for name, rows in tables.items():
            header = _header(rows, name)
            if rows:
                connection.execute(
                    created[name].insert(), [{h: r.get(h, "") for h in header} for r in rows]
                )
    engine.dispose()
    return f"sqlite:///{path}"


def _problems(dataset: Dataset) -> Counter[tuple[str, str, str | None, str | None]]:
    return Counter(
        (p.code.value, p.table, p.participant_id, p.column) for p in dataset.report.problems
    )


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messy_tables())
def test_every_reader_agrees_with_the_csv_reader(
    tmp_path_factory: pytest.TempPathFactory, tables: dict[str, list[dict[str, str]]]
) -> None:
    base = tmp_path_factory.mktemp("formats")
    reference = load(_csv(tables, base / "csv"))
    others = {
        "xlsx": load(_xlsx(tables, base / "data.xlsx")),
        "frames": load(_frames(tables)),
        "sqlite": load(_sqlite(tables, base / "data.sqlite")),
    }
    for name, dataset in others.items():
        assert dataset.records == reference.records, name
        assert _problems(dataset) == _problems(reference), name
        assert dataset.report.quarantined == reference.report.quarantined, name


@given(st.text())
def test_the_formula_guard_round_trips(text: str) -> None:
    written = guard(text)
    assert unguard(written) == text
    assert written[:1] not in {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("@cmd", "'@cmd"),
        ("-1", "'-1"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),  # OWASP's rule leaves it alone
        ("'=x", "''=x"),  # guarded again, so that reading gives back the quote
        ("plain", "plain"),
    ],
)
def test_the_formula_guard_on_examples(text: str, written: str) -> None:
    assert guard(text) == written
    assert unguard(written) == text


_MISSING = st.sampled_from(
    ["none", "nan", "nat", "na", "text", "int", "float", "date", "stamp", "bool"]
)


def _value(kind: str, pd: Any) -> object:
    return {
        "none": None,
        "nan": math.nan,
        "nat": pd.NaT,
        "na": pd.NA,
        "text": "x",
        "int": 3,
        "float": 2.5,
        "date": datetime.date(2020, 1, 2),
        "stamp": pd.Timestamp("2020-01-02 00:00"),
        "bool": True,
    }[kind]


def _retype(series: Any, how: str, pd: Any) -> Any:
    """``series`` in the dtype ``how``, as a user's pandas would make it (or as it was, when
    pandas cannot)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas guessing a date format
            if how == "category":
                return series.astype("category")
            if how == "datetime":
                return pd.to_datetime(series, errors="coerce")
            if how == "Int64":
                return pd.to_numeric(series, errors="coerce").round().astype("Int64")
            if how == "string":
                return series.astype("string")
    except (TypeError, ValueError):
        pass
    return series


@settings(max_examples=40)
@given(st.data())
def test_frames_with_any_missing_values_never_crash(data: st.DataObject) -> None:
    pd = pytest.importorskip("pandas")
    tables = table_rows(_COHORTS[0])
    frames: dict[str, Any] = {}
    for name, rows in tables.items():
        header = _header(rows, name)
        frame = pd.DataFrame([[r.get(h, "") for h in header] for r in rows], columns=header)
        for column in header:
            if data.draw(st.booleans()):
                kinds = data.draw(st.lists(_MISSING, min_size=len(frame), max_size=len(frame)))
                frame[column] = pd.Series([_value(k, pd) for k in kinds], dtype=object)
                how = data.draw(
                    st.sampled_from(["object", "category", "datetime", "Int64", "string"])
                )
                frame[column] = _retype(frame[column], how, pd)
        frames[name] = frame
    try:
        dataset = load(frames)
    except PiezoError:
        return
    assert dataset.report.loaded + len(dataset.report.quarantined) == dataset.report.participants
