"""The two loaders: choosing one, what the columnar one leaves to the reference (and says
so), files read in several pyarrow chunks, and records built on demand."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import piezomethod.dataset as ds
from piezomethod._arrays import combined, distinct
from piezomethod.dataset import load, validate, write_tables
from piezomethod.synth import synthetic_cohort

from .builders import refused
from .test_outcomes import _chain

pytest.importorskip("pyarrow")
from piezomethod.dataset import _columnar

_COHORT = synthetic_cohort(n=40, seed=7)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_tables(_COHORT, tmp_path)
    return tmp_path


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _save(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_the_columnar_backend_is_the_default_when_installed(folder: Path) -> None:
    assert ds.columnar_available()
    report = validate(folder)
    assert report.backend == "arrow"
    assert report.fallbacks == ()
    assert report.to_dict()["backend"] == "arrow"


def test_an_unknown_backend_is_refused(folder: Path) -> None:
    refused(lambda: load(folder, backend="duckdb"), "unknown_value", "backend")


def test_the_arrow_backend_without_pyarrow_is_refused_and_the_default_is_python(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ds, "columnar_available", lambda: False)
    refused(lambda: load(folder, backend="arrow"), "needs_extra", "backend")
    assert validate(folder).backend == "python"


# (what is done to measurements.csv, the reason the report gives)
_FALLBACKS = [
    (
        "measurements",
        "short",
        "rows of another width than the header, or text that does not decode",
    ),
    ("measurements", "long", "rows of another width than the header, or text that does not decode"),
    ("measurements", "unnamed", "a column without a name"),
    ("measurements", "huge", "a cell longer than a spreadsheet cell holds"),
    # the other tables are then read in columns, about participants the reference registered
    (
        "participants",
        "short",
        "rows of another width than the header, or text that does not decode",
    ),
    ("goals", "huge", "a cell longer than a spreadsheet cell holds"),
]


@pytest.mark.parametrize(("table", "how", "reason"), _FALLBACKS)
def test_a_table_pyarrow_cannot_read_as_the_reference_falls_back_and_says_why(
    folder: Path, table: str, how: str, reason: str
) -> None:
    path = folder / f"{table}.csv"
    rows = _rows(path)
    if how == "short":
        rows[3] = rows[3][:2]
    elif how == "long":
        rows[3] = [*rows[3], "extra"]
    elif how == "unnamed":
        rows = [[*r, ""] for r in rows]
    else:
        rows[3][1] = "x" * 40_000
    _save(path, rows)
    columnar = load(folder, backend="arrow")
    reference = load(folder, backend="python")
    assert columnar.report.fallbacks == (f"{table}: {reason}",)
    assert columnar.report == reference.report
    assert columnar.records == reference.records


def test_a_workbook_is_read_by_the_reference_and_the_report_says_so(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    book = tmp_path / "data.xlsx"
    write_tables(synthetic_cohort(n=5, seed=1), book)
    report = validate(book, backend="arrow")
    assert report.backend == "arrow"
    assert "participants: not a CSV file" in report.fallbacks
    assert report == validate(book, backend="python")
    # every table read by the reference, the records still built on demand
    columnar = load(book, backend="arrow")
    assert columnar.record(columnar.participant_ids[0]) == columnar.records[0]
    assert columnar.records == load(book, backend="python").records


def test_a_file_read_in_many_chunks_gives_the_same_report(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "measurements.csv"
    rows = _rows(path)
    # problems far apart, so that they fall in different chunks
    rows[2][5] = "99"
    rows[-2][1] = "ENTRY "
    rows[len(rows) // 2][0] = "onbekend"
    rows.insert(len(rows) // 3, list(rows[len(rows) // 3]))
    _save(path, rows)
    monkeypatch.setattr(_columnar, "_BLOCK", 4096)
    columnar = load(folder, backend="arrow")
    assert columnar.report == load(folder, backend="python").report
    assert {p.code.value for p in columnar.report.problems} >= {
        "answer_out_of_scale",
        "unknown_participant",
        "duplicate_answer",
    }


def test_items_not_asked_name_their_own_condition(folder: Path) -> None:
    # a -> b (asked if a = 1) -> c (asked if b = 0): each warning names the item its own
    # condition is about, whichever conditional item was looked at last
    chain = _chain()
    pid = _rows(folder / "participants.csv")[1][0]
    rows = [["participant_id", "moment", "date", "instrument", "item", "answer"]]
    for day, answers in (("2020-01-01", (1, 1, 1)), ("2020-02-01", (0, 0, 1))):
        for item, answer in zip("abc", answers, strict=True):
            rows.append([pid, "entry", day, chain.id, item, str(answer)])
    _save(folder / "measurements.csv", rows)
    columnar = validate(folder, backend="arrow", instruments=[chain])
    assert columnar == validate(folder, backend="python", instruments=[chain])
    said = [p.message for p in columnar.problems if p.code.value == "answer_not_asked"]
    assert said == [
        "the instrument asks this item only after certain answers to 'b'",
        "the instrument asks this item only after certain answers to 'a'",
        "the instrument asks this item only after certain answers to 'b'",
    ]


def test_records_are_built_on_demand_one_or_all(folder: Path) -> None:
    rows = _rows(folder / "events.csv")
    broken = rows[1][0]
    rows[1][1] = "31-02-2020"
    _save(folder / "events.csv", rows)
    dataset = load(folder, backend="arrow", as_of=_COHORT.as_of)
    ids = dataset.participant_ids
    # what a report shows at its top, without building a record
    assert (dataset.as_of, len(dataset)) == (_COHORT.as_of, len(_COHORT) - 1)
    assert dataset._cohort is None
    assert broken not in ids
    assert len(ids) == dataset.report.loaded == len(_COHORT) - 1
    one = dataset.record(ids[-1])
    assert one == next(r for r in _COHORT.records if r.id == ids[-1])
    refused(lambda: dataset.record(broken), "unknown_participant", "participant_id")
    refused(lambda: dataset.record("nobody"), "unknown_participant", "participant_id")
    # all of them, once, as the reference builds them
    assert dataset.records == load(folder, backend="python", as_of=_COHORT.as_of).records
    assert dataset.cohort is dataset.cohort
    assert dataset.record(ids[0]) is dataset.records[0]


def test_a_dataset_finds_its_cut_off_as_its_records_do(folder: Path) -> None:
    # as_of not given: the latest last event or measurement that is not after today
    columnar = load(folder, backend="arrow")
    assert columnar.as_of == columnar.cohort.as_of == load(folder, backend="python").as_of
    assert (columnar.name, columnar.synthetic) == (None, True)


def test_the_space_characters_are_those_str_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == _columnar.SPACE


_CODES = st.lists(st.integers(0, 6), min_size=1, max_size=40)


@given(st.lists(_CODES, min_size=1, max_size=4).filter(lambda c: len({len(p) for p in c}) == 1))
def test_dense_and_sorted_grouping_agree(columns: list[list[int]]) -> None:
    parts = [np.array(c, dtype=np.int32) for c in columns]
    rows = list(zip(*columns, strict=True))
    for dense in (True, False):
        number, holder = distinct(parts, dense=dense)
        # same combination, same number; every number has a holder with its combination
        assert all(
            (number[i] == number[j]) == (rows[i] == rows[j])
            for i in range(len(rows))
            for j in range(len(rows))
        )
        assert sorted(set(number.tolist())) == list(range(len(holder)))
        assert all(rows[int(holder[number[i]])] == rows[i] for i in range(len(rows)))


@given(st.lists(st.lists(st.integers(0, 2**40), min_size=3, max_size=3), min_size=1, max_size=30))
def test_combined_keys_order_rows_as_their_tuples(rows: list[list[int]]) -> None:
    # three columns of up to 2**40 overflow 62 bits: the ranks take over, the order stays
    columns = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)]
    key = combined(columns).tolist()
    for a, b in zip(range(len(rows)), range(1, len(rows)), strict=False):
        assert (key[a] < key[b]) == (rows[a] < rows[b])
        assert (key[a] == key[b]) == (rows[a] == rows[b])
