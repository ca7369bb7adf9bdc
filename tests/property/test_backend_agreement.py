"""The columnar backend agrees with the reference: the same report (problem for problem, in
the same order, with the same counts past the limits) and the same records, on CSV files that
are valid or broken in every way the report knows."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod.dataset import TABLES, ProblemLimits, load, table_rows, validate
from piezomethod.phases import MoveKind, TransitionPolicy
from piezomethod.synth import synthetic_cohort

pytest.importorskip("pyarrow")
from piezomethod.dataset import _columnar

_TABLES = {
    seed: table_rows(synthetic_cohort(n=6, seed=seed, guidance=seed % 2 == 0)) for seed in range(3)
}

# cell values that break, bend or merely restate a cell: every parser's refusals, Dutch dates,
# padding (also Unicode spaces), case, the formula guard, unknown ids, numbers from a spreadsheet
_VALUES = (
    "",
    "x",
    "99",
    "-1",
    "0",
    "1",
    "4",
    "7",
    "2.5",
    "0,1",
    "120",
    "31-02-2020",
    "1-3-2024",
    "01/03/2024",
    "2024-03-01 00:00",
    "2024-03-01 10:00",
    "1990-01-01",
    "2030-01-01",
    " padded ",
    "\xa0entry\xa0",
    "ENTRY",
    "Exit",
    "enrolment",
    "phase_change",
    "exit",
    "work",
    "JA",
    "nee",
    "'=1",
    "''=1",
    "'s-Hertogenbosch",
    "onbekend-1",
    "achieved",
    "dropped",
    "volunteering",
    "9999-12-31",
)

# items other items are asked after (the built-in instruments' conditions)
_CONDITION_ITEMS = frozenset({"opleiding_volgt", "pl_betaald_werk"})

_POLICIES = (
    TransitionPolicy.methodiek(),
    TransitionPolicy.strict(),
    TransitionPolicy.from_kinds(
        "no-skips",
        allowed=[MoveKind.ADVANCE, MoveKind.SETBACK],
        reasons_required=[MoveKind.EXIT, MoveKind.RE_ENTRY],
        entry_phases=[0, 1, 2],
        exit_phases=[1, 2, 3, 4],
    ),
    TransitionPolicy.from_kinds("lenient", allowed=[MoveKind.ADVANCE], severity="warning"),
    TransitionPolicy(name="referred", reasons_required={MoveKind.ENTRY}),
)


def _mutate(tables: dict[str, list[dict[str, str]]], data: st.DataObject) -> None:
    """Break the tables in place, a few times, in every way a row can break."""
    names = sorted(t for t, rows in tables.items() if rows)
    for _ in range(data.draw(st.integers(0, 16), label="mutations")):
        name = data.draw(st.sampled_from(names), label="table")
        rows = tables[name]
        if not rows:
            continue
        at = data.draw(st.integers(0, len(rows) - 1), label="row")
        how = data.draw(
            st.sampled_from(
                ("cell", "cell", "cell", "copy", "twice", "drop", "swap", "blank", "condition")
            ),
            label="how",
        )
        if how == "cell":
            column = data.draw(st.sampled_from(sorted(rows[at])), label="column")
            other = rows[data.draw(st.integers(0, len(rows) - 1))][column]
            rows[at][column] = data.draw(st.sampled_from((*_VALUES, other)), label="value")
        elif how == "copy":  # another row's value in this row's column (a realistic slip)
            column = data.draw(st.sampled_from(sorted(rows[at])), label="column")
            rows[at][column] = rows[(at + 1) % len(rows)][column]
        elif how == "twice":
            rows.insert(data.draw(st.integers(0, len(rows))), dict(rows[at]))
        elif how == "drop":
            del rows[at]
        elif how == "swap":
            to = data.draw(st.integers(0, len(rows) - 1))
            rows[at], rows[to] = rows[to], rows[at]
        elif how == "condition":  # an answer that makes a later conditional item not asked
            conditions = [r for r in tables["measurements"] if r["item"] in _CONDITION_ITEMS]
            if conditions:
                row = conditions[data.draw(st.integers(0, len(conditions) - 1))]
                row["answer"] = data.draw(st.sampled_from(("nee", "ja", "")), label="answer")
        else:
            rows.insert(at, dict.fromkeys(rows[at], ""))


_HEADERS = {t.name: [c.name for c in t.columns] for t in TABLES}


def _write(
    tables: dict[str, list[dict[str, str]]], folder: Path, delimiter: str, encoding: str
) -> None:
    for name, rows in tables.items():
        # an empty table keeps its header (else it would lack its required columns)
        header = list(dict.fromkeys(c for row in rows for c in row)) or _HEADERS[name]
        with (folder / f"{name}.csv").open(
            "w", encoding=encoding, errors="replace", newline=""
        ) as f:
            writer = csv.DictWriter(f, header, delimiter=delimiter, restval="")
            writer.writeheader()
            writer.writerows(rows)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(sorted(_TABLES)),
    st.data(),
    st.sampled_from((",", ";", "\t")),
    st.sampled_from(("utf-8", "utf-8-sig", "cp1252")),
    st.sampled_from(_POLICIES),
    st.sampled_from((ProblemLimits(), ProblemLimits(per_participant=2, per_table=5))),
)
def test_both_backends_make_the_same_report_and_records(  # noqa: PLR0917 - drawn arguments
    seed: int,
    data: st.DataObject,
    delimiter: str,
    encoding: str,
    policy: TransitionPolicy,
    limits: ProblemLimits,
) -> None:
    tables = {name: [dict(r) for r in rows] for name, rows in _TABLES[seed].items()}
    _mutate(tables, data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(tables, folder, delimiter, encoding)
        reference = load(folder, backend="python", policy=policy, limits=limits)
        # sometimes in small pyarrow blocks: a column's dictionary differs per chunk
        block = data.draw(st.sampled_from((_columnar._BLOCK, 2048)), label="block")
        default, _columnar._BLOCK = _columnar._BLOCK, block
        try:
            columnar = load(folder, backend="arrow", policy=policy, limits=limits)
            report_only = validate(folder, backend="arrow", policy=policy, limits=limits)
        finally:
            _columnar._BLOCK = default
    assert columnar.report.backend == "arrow"
    assert reference.report.backend == "python"
    # equal reports: the same problems in the same order, the same counts and quarantine
    assert columnar.report.problems == reference.report.problems
    assert columnar.report.omitted == reference.report.omitted
    assert columnar.report == reference.report
    assert report_only == reference.report
    assert columnar.cohort.records == reference.cohort.records
    assert columnar.cohort.as_of == reference.cohort.as_of
