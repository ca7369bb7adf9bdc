"""Real data in: files saved the way Dutch Excel and LibreOffice save them, workbooks, frames.

Every file here is written in the test with the encoding, separator and line ending the
program named writes (Excel's "CSV (puntkomma gescheiden)" is Windows-1252 with ``;`` and
CRLF; "CSV UTF-8" adds a byte-order mark; "Unicode-tekst" is UTF-16 with a tab; LibreOffice
writes UTF-8 with a comma), and each test asserts the exact records or the exact problems.
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from piezomethod.dataset import NameMapping, load, read_tables, validate, write_tables
from piezomethod.outcomes import Measurement, MeasurementMoment, Response
from piezomethod.phases import Enrolment, Exit, ExitDestination, Phase, PhaseChange, Trajectory
from piezomethod.records import Gender, Participant, ParticipantRecord
from piezomethod.synth import synthetic_cohort
from tests.builders import refused

D = datetime.date

# What a coach's spreadsheet holds, with the habits of Dutch Excel: Dutch headers with
# capitals and spaces, WAAR/ONWAAR, day-first dates (one with Excel's midnight time, one with
# dots), a version Excel turned into the number 0,1, trailing empty columns, a blank row.
DUTCH: dict[str, list[list[str]]] = {
    "deelnemers": [
        ["Deelnemer ID", "Geboortejaar", "Geslacht", "Statushouder", "Gemeente", "", ""],
        ["d-001", "1984", "vrouw", "WAAR", "Súdwest-Fryslân", "", ""],
        ["d-002", "1990", "man", "ONWAAR", "'s-Hertogenbosch", "", ""],
        ["", "", "", "", "", "", ""],
    ],
    "gebeurtenissen": [
        ["Deelnemer ID", "Datum", "Soort", "Fase", "Bestemming", "Reden", "Verwijzer"],
        ["d-001", "07-01-2019 00:00", "enrolment", "1", "", "", "wijkteam"],
        ["d-001", "4-11-2019", "phase_change", "2", "", "", ""],
        [],
        ["d-002", "01.03.2020", "enrolment", "0", "", "", ""],
        ["d-002", "2020-06-15", "exit", "", "education", "", ""],
    ],
    "metingen": [
        ["Deelnemer ID", "Meetmoment", "Datum", "Vragenlijst", "Vraag", "Antwoord", "Versie"],
        ["d-001", "entry", "07-01-2019 00:00", "piezo-effectmeting", "werk_betaald", "nee", "0,1"],
        ["d-001", "entry", "07-01-2019", "cbs-geluk", "geluk", "7", "1"],
    ],
}

EXPECTED = (
    ParticipantRecord(
        participant=Participant(
            id="d-001",
            birth_year=1984,
            gender=Gender.WOMAN,
            statushouder=True,
            municipality="Súdwest-Fryslân",
        ),
        trajectory=Trajectory.from_events(
            "d-001",
            [
                Enrolment(date=D(2019, 1, 7), phase=Phase(1), referrer="wijkteam"),
                PhaseChange(date=D(2019, 11, 4), to_phase=Phase(2)),
            ],
        ),
        measurements=(
            Measurement(
                participant_id="d-001",
                moment=MeasurementMoment.ENTRY,
                date=D(2019, 1, 7),
                response=Response(
                    instrument_id="cbs-geluk", instrument_version="1.0", answers={"geluk": 7}
                ),
            ),
            Measurement(
                participant_id="d-001",
                moment=MeasurementMoment.ENTRY,
                date=D(2019, 1, 7),
                response=Response(
                    instrument_id="piezo-effectmeting",
                    instrument_version="0.1",
                    answers={"werk_betaald": "nee"},
                ),
            ),
        ),
    ),
    ParticipantRecord(
        participant=Participant(
            id="d-002",
            birth_year=1990,
            gender=Gender.MAN,
            statushouder=False,
            municipality="'s-Hertogenbosch",
        ),
        trajectory=Trajectory.from_events(
            "d-002",
            [
                Enrolment(date=D(2020, 3, 1), phase=Phase(0)),
                Exit(date=D(2020, 6, 15), destination=ExitDestination.EDUCATION),
            ],
        ),
    ),
)


def write_csv(
    folder: Path,
    tables: dict[str, list[list[str]]],
    *,
    encoding: str,
    delimiter: str,
    newline: str,
) -> Path:
    """Write ``tables`` as the named program would save them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
        writer.writerows(rows)
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode(encoding))
    return folder


SAVED_BY = {
    "Excel CSV (puntkomma gescheiden)": ("cp1252", ";", "\r\n"),
    "Excel CSV UTF-8": ("utf-8-sig", ";", "\r\n"),
    "Excel Unicode-tekst": ("utf-16", "\t", "\r\n"),
    "LibreOffice CSV": ("utf-8", ",", "\n"),
}


@pytest.mark.parametrize("program", sorted(SAVED_BY))
def test_a_dutch_spreadsheet_export_loads_exactly(tmp_path: Path, program: str) -> None:
    encoding, delimiter, newline = SAVED_BY[program]
    folder = write_csv(tmp_path, DUTCH, encoding=encoding, delimiter=delimiter, newline=newline)
    dataset = load(folder)
    assert dataset.records == EXPECTED
    guessed = [p.table for p in dataset.report.problems if p.code == "guessed_encoding"]
    others = [p for p in dataset.report.problems if p.code != "guessed_encoding"]
    # only the file with a non-ASCII letter tells Windows-1252 from UTF-8
    assert guessed == (["participants"] if encoding == "cp1252" else [])
    assert others == []


def test_the_guess_says_which_encoding_it_used(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="cp1252", delimiter=";", newline="\r\n")
    (warning,) = validate(tmp_path).warnings
    assert (warning.code, warning.severity, warning.row) == ("guessed_encoding", "warning", None)
    assert "Windows-1252" in warning.message


def test_an_encoding_given_overrides_the_guess(tmp_path: Path) -> None:
    # bytes that are valid UTF-8 ("é") but were meant as Windows-1252 ("Ã©")
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\r\n")
    guessed = load(tmp_path).records[0].participant.municipality
    told = load(tmp_path, encoding="cp1252").records[0].participant.municipality
    assert (guessed, told) == ("Súdwest-Fryslân", "Súdwest-Fryslân".encode().decode("cp1252"))


def test_an_unknown_encoding_is_refused() -> None:
    refused(lambda: load("unused", encoding="klingon-8"), "unknown_encoding", "encoding")


def test_an_unreadable_file_is_one_problem_not_a_missing_table(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    (tmp_path / "gebeurtenissen.csv").write_bytes(b"deelnemer_id;datum\n\x81\x8d\n")
    report = validate(tmp_path)
    assert [(p.code, p.table) for p in report.problems] == [("unreadable_table", "events")]
    assert (report.loaded, report.quarantined) == (0, ("d-001", "d-002"))


def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    (tmp_path / "metingen.csv").write_bytes("deelnemer_id;datum\n".encode("utf-16-le"))
    (problem,) = validate(tmp_path).problems
    assert (problem.code, problem.table) == ("unreadable_table", "measurements")
    assert "UTF-16" in problem.message
    write_csv(tmp_path, DUTCH, encoding="utf-16-le", delimiter="\t", newline="\r\n")
    assert load(tmp_path, encoding="utf-16-le").records == EXPECTED


def test_a_workbook_saved_as_csv_is_named(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    write_tables(synthetic_cohort(n=2, seed=1), tmp_path / "other" / "wb.xlsx")
    (tmp_path / "metingen.csv").write_bytes((tmp_path / "other" / "wb.xlsx").read_bytes())
    (problem,) = validate(tmp_path).problems
    assert (problem.code, problem.table) == ("unreadable_table", "measurements")
    assert ".xlsx" in problem.message


def test_one_oversized_cell_is_one_problem_on_one_row(tmp_path: Path) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["gebeurtenissen"][2][5] = "x" * 200_000  # over the csv module's 128 KB default too
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    report = validate(tmp_path)
    assert [(p.code, p.table, p.row, p.participant_id, p.column) for p in report.problems] == [
        ("cell_too_long", "events", 2, "d-001", "reason")
    ]
    assert (report.loaded, report.quarantined) == (1, ("d-001",))


def test_an_oversized_cell_in_the_participants_table_still_quarantines(tmp_path: Path) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["deelnemers"][2][4] = "y" * 40_000
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    report = validate(tmp_path)
    assert [(p.code, p.row, p.participant_id) for p in report.problems] == [
        ("cell_too_long", 2, "d-002")
    ]
    assert (report.participants, report.quarantined) == (2, ("d-002",))


def test_a_column_without_a_name_that_holds_values_is_a_warning(tmp_path: Path) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["deelnemers"][1][5] = "note"
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    dataset = load(tmp_path)
    assert [(p.code, p.table, p.severity) for p in dataset.report.problems] == [
        ("unnamed_column", "participants", "warning")
    ]
    assert dataset.records == EXPECTED


@pytest.mark.parametrize(
    ("version", "problems"),
    [
        ("0,1", []),  # Excel's number, Dutch
        ("0.1", []),
        ("0.10", []),  # the same number: one known version, so no other is meant
        ("0,2", ["unknown_instrument_version"]),
        ("1", ["unknown_instrument_version"]),
    ],
)
def test_a_version_a_spreadsheet_made_a_number_is_matched(
    tmp_path: Path, version: str, problems: list[str]
) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["metingen"][1][6] = version
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    assert [p.code for p in validate(tmp_path).problems] == problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07-01-2019 00:00", D(2019, 1, 7)),
        ("7/1/2019 0:00", D(2019, 1, 7)),
        ("2019-01-07 00:00:00", D(2019, 1, 7)),
        ("2019-01-07T00:00:00", D(2019, 1, 7)),
        ("07.01.2019", D(2019, 1, 7)),
        ("07-01-2019 13:45", None),  # a time of day is not cut to its day
        ("2019-01-07T00:00:00T00:00", None),
    ],
)
def test_dates_as_spreadsheets_write_them(text: str, expected: D | None) -> None:
    from piezomethod.dataset._cells import date_of

    assert date_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("WAAR", True), ("onwaar", False), ("Ja", True), ("nee", False), ("1", True), ("0", False)],
)
def test_booleans_as_dutch_spreadsheets_write_them(text: str, expected: bool) -> None:
    from piezomethod.dataset._cells import parse_bool

    assert parse_bool(text) is expected


def test_two_files_for_one_table_are_refused(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    (tmp_path / "participants.csv").write_text("participant_id\nd-001\n", encoding="utf-8")
    report = validate(tmp_path)
    assert [(p.code, p.table) for p in report.problems] == [("duplicate_table", "participants")]
    assert report.loaded == 0


def test_other_files_are_left_alone_and_unknown_tables_named(tmp_path: Path) -> None:
    write_csv(tmp_path, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "~$deelnemers.xlsx").write_bytes(b"lock")
    (tmp_path / "notities.csv").write_text("a\n1\n", encoding="utf-8")
    report = validate(tmp_path)
    assert [(p.code, p.table, p.severity) for p in report.problems] == [
        ("unknown_table", "notities", "warning")
    ]
    assert set(read_tables(tmp_path)) == {"participants", "events", "measurements"}


MAPPING_TOML = """
[tables]
"Cliënten" = "participants"
"Trajectstappen" = "events"

[columns.participants]
"Clientnr" = "participant_id"
"Jaar" = "birth_year"

[columns.events]
"Clientnr" = "participant_id"
"Wanneer" = "date"
"""


def test_an_organisations_own_names_map_with_a_toml_file(tmp_path: Path) -> None:
    data = tmp_path / "export"
    write_csv(
        data,
        {
            "Cliënten": [["Clientnr", "Jaar"], ["c-9", "1970"]],
            "Trajectstappen": [
                ["Clientnr", "Wanneer", "Soort", "Fase"],
                ["c-9", "1-2-2021", "enrolment", "3"],
            ],
        },
        encoding="utf-8",
        delimiter=";",
        newline="\n",
    )
    (tmp_path / "namen.toml").write_text(MAPPING_TOML, encoding="utf-8")
    dataset = load(data, mapping=tmp_path / "namen.toml")
    assert dataset.report.problems == ()
    (record,) = dataset.records
    assert (record.id, record.participant.birth_year) == ("c-9", 1970)
    assert record.trajectory.events == (Enrolment(date=D(2021, 2, 1), phase=Phase(3)),)
    assert load(data, mapping=NameMapping.read(tmp_path / "namen.toml")).records == dataset.records


@pytest.mark.parametrize(
    "mapping",
    [
        {"tables": {"x": "clients"}},  # not a canonical table
        {"columns": {"participants": {"x": "name"}}},  # not a canonical column
        {"columns": {"nowhere": {"x": "participant_id"}}},
        {"tabels": {}},  # a section that does not exist
        {"tables": ["participants"]},
        {"queries": {"participants": 1}},
        "not a mapping",
    ],
)
def test_a_mapping_that_cannot_be_used_is_refused(mapping: object) -> None:
    refused(lambda: NameMapping.from_dict(mapping), "invalid_mapping", "mapping")  # type: ignore[arg-type]


def test_a_mapping_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text("[tables\n", encoding="utf-8")
    refused(lambda: load(tmp_path, mapping=tmp_path / "m.toml"), "invalid_mapping", "mapping")


def test_every_table_and_column_has_its_alias_row() -> None:
    from piezomethod.dataset import TABLES
    from piezomethod.dataset._names import COLUMN_ALIASES, TABLE_ALIASES

    assert list(TABLE_ALIASES) == [t.name for t in TABLES]
    for table in TABLES:
        assert list(COLUMN_ALIASES[table.name]) == list(table.column_names)


# -- workbooks --------------------------------------------------------------------------------


def test_a_workbook_with_a_sheet_per_table_has_typed_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Deelnemers"
    sheet.append(["Deelnemer ID", "Geboortejaar", "Geslacht", "Statushouder", "Gemeente"])
    sheet.append(["d-001", 1984, "vrouw", True, "Súdwest-Fryslân"])
    sheet.append(["d-002", 1990.0, "man", False, "'s-Hertogenbosch"])
    events = workbook.create_sheet("gebeurtenissen")
    events.append(["deelnemer_id", "datum", "soort", "fase", "bestemming", "reden", "verwijzer"])
    events.append(["d-001", datetime.datetime(2019, 1, 7), "enrolment", 1, None, None, "wijkteam"])
    events.append(["d-001", D(2019, 11, 4), "phase_change", 2])
    events.append([])
    events.append(["d-002", "01-03-2020", "enrolment", 0])
    events.append(["d-002", datetime.datetime(2020, 6, 15), "exit", None, "education"])
    measurements = workbook.create_sheet("metingen")
    measurements.append(
        ["deelnemer_id", "meetmoment", "datum", "vragenlijst", "vraag", "antwoord", "versie"]
    )
    at = datetime.datetime(2019, 1, 7)
    measurements.append(["d-001", "entry", at, "piezo-effectmeting", "werk_betaald", "nee", 0.1])
    measurements.append(["d-001", "entry", at, "cbs-geluk", "geluk", "=3+4", 1])
    workbook.save(tmp_path / "data.xlsx")
    _cache_formula_results(tmp_path / "data.xlsx", {"=3+4": "7"})
    dataset = load(tmp_path / "data.xlsx")
    assert dataset.report.problems == ()
    assert dataset.records == EXPECTED


def _cache_formula_results(path: Path, results: dict[str, str]) -> None:
    """Give formula cells the cached result a spreadsheet program stores on saving (openpyxl
    writes formulas with an empty one)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    cached = 0
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text = data.decode("utf-8")
            for formula, value in results.items():
                empty = f"<f>{formula[1:]}</f><v />"
                cached += text.count(empty)
                text = text.replace(empty, f"<f>{formula[1:]}</f><v>{value}</v>")
            parts[name] = text.encode("utf-8")
    assert cached == len(results)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_folder_of_workbooks_one_per_table(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    for name, rows in DUTCH.items():
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(tmp_path / f"{name}.xlsx")
    assert load(tmp_path).records == EXPECTED


def test_a_workbook_without_the_extra_is_one_clear_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl")
    write_tables(synthetic_cohort(n=3, seed=1), tmp_path / "data.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    (problem,) = validate(tmp_path / "data.xlsx").problems
    assert (problem.code, problem.table) == ("needs_extra", "source")
    assert "piezomethod[excel]" in problem.message
    folder = tmp_path / "folder"
    write_csv(folder, DUTCH, encoding="utf-8", delimiter=";", newline="\n")
    (folder / "metingen.csv").rename(folder / "metingen.xlsx")
    (problem,) = validate(folder).problems
    assert (problem.code, problem.table) == ("needs_extra", "measurements")


def test_a_damaged_workbook_is_one_problem(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    (tmp_path / "data.xlsx").write_bytes(b"PK\x03\x04 not really")
    (problem,) = validate(tmp_path / "data.xlsx").problems
    assert (problem.code, problem.table) == ("unreadable_table", "source")


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("events.csv", "folder"),
        ("data.json", "serialization"),
        ("data.ods", ".xlsx"),
        ("x.pdf", "folder"),
    ],
)
def test_a_source_that_is_no_dataset_says_what_it_got(tmp_path: Path, name: str, fix: str) -> None:
    (tmp_path / name).write_text("x", encoding="utf-8")
    (problem,) = validate(tmp_path / name).problems
    assert (problem.code, problem.table) == ("unreadable_source", "source")
    assert fix in problem.message


def test_a_source_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    refused(lambda: load(tmp_path / "nope.xlsx"), "no_such_file", "source")


# -- frames -----------------------------------------------------------------------------------


def _frames(missing: Sequence[object]) -> dict[str, object]:
    pd = pytest.importorskip("pandas")
    return {
        "participants": pd.DataFrame(
            {
                "participant_id": ["d-001", "d-002"],
                "birth_year": pd.array([1984, None], dtype="Int64"),
                "gender": pd.Categorical(["vrouw", missing[0]]),
                "statushouder": [True, missing[1]],
            }
        ),
        "events": pd.DataFrame(
            {
                "participant_id": ["d-001", "d-002", "d-002"],
                "date": pd.to_datetime(["2019-01-07", "2020-03-01", "2020-06-15"]),
                "type": ["enrolment", "enrolment", "exit"],
                "phase": [1.0, 0.0, float("nan")],
                "destination": [missing[2], None, "education"],
            }
        ),
        "goals": pd.DataFrame(
            {
                "participant_id": ["d-001"],
                "goal_id": ["g1"],
                "skill_id": ["samenwerken"],
                "phase": [1],
                "set_on": pd.to_datetime(["2019-02-01"]),
                "status": ["planned"],
                "achieved_on": pd.to_datetime([None]),  # NaT: the crash of the past
            }
        ),
    }


@pytest.mark.parametrize("kind", ["nan", "none", "na", "nat"])
def test_pandas_frames_with_every_kind_of_missing_value(kind: str) -> None:
    pd = pytest.importorskip("pandas")
    import math

    value = {"nan": math.nan, "none": None, "na": pd.NA, "nat": pd.NaT}[kind]
    dataset = load(_frames([value, value, value]))
    assert dataset.report.problems == ()
    p2 = dataset.records[1].participant
    assert (p2.birth_year, p2.gender, p2.statushouder) == (None, Gender.UNKNOWN, None)
    goal = dataset.records[0].passport.goals[0]  # type: ignore[union-attr]
    assert (goal.set_on, goal.achieved_on) == (D(2019, 2, 1), None)


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_polars_and_pyarrow_tables_read_like_pandas(library: str) -> None:
    pytest.importorskip("narwhals")
    convert = pytest.importorskip(library)
    frames = _frames([None, None, None])
    reference = load(frames)
    if library == "polars":
        converted = {k: convert.from_pandas(v) for k, v in frames.items()}
    else:
        converted = {k: convert.Table.from_pandas(v) for k, v in frames.items()}
    dataset = load(converted)
    assert (dataset.records, dataset.report) == (reference.records, reference.report)


def test_a_polars_frame_without_narwhals_is_a_clear_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    polars = pytest.importorskip("polars")
    monkeypatch.setitem(sys.modules, "narwhals", None)
    events = [{"participant_id": "a", "date": "2020-01-01", "type": "enrolment", "phase": "1"}]
    report = validate(
        {"participants": polars.DataFrame({"participant_id": ["a"]}), "events": events}
    )
    assert [(p.code, p.table) for p in report.problems] == [("needs_extra", "participants")]
    assert "piezomethod[frames]" in report.problems[0].message


@pytest.mark.parametrize("source", [42, None, b"."])
def test_a_source_of_the_wrong_type_is_refused(source: object) -> None:
    refused(lambda: load(source), "wrong_type", "source")  # type: ignore[arg-type]


def test_a_synthetic_cohort_read_from_every_file_format_is_the_same(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("sqlalchemy")
    cohort = synthetic_cohort(n=40, seed=5)
    write_tables(cohort, tmp_path / "csv")
    write_tables(cohort, tmp_path / "data.xlsx")
    write_tables(cohort, tmp_path / "data.sqlite")
    assert load(tmp_path / "csv").records == cohort.records
    assert load(tmp_path / "data.xlsx").records == cohort.records
    assert load(tmp_path / "data.sqlite").records == cohort.records


def test_quotes_inside_a_quoted_cell_are_read_as_excel_writes_them(tmp_path: Path) -> None:
    # the separator is sniffed from the header; quoting stays Excel's ("" is one ")
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["deelnemers"][1][4] = 'de "Friese" gemeente; echt'
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\r\n")
    (first, _) = load(tmp_path).records
    assert first.participant.municipality == 'de "Friese" gemeente; echt'


def test_a_table_too_long_for_a_sheet_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl")
    from piezomethod.dataset import _workbook

    monkeypatch.setattr(_workbook, "MAX_ROWS", 10)
    refused(
        lambda: write_tables(synthetic_cohort(n=5, seed=1), tmp_path / "big.xlsx"),
        "too_large",
        "target",
    )
    assert not (tmp_path / "big.xlsx").exists()


def test_a_workbook_without_the_extra_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    refused(
        lambda: write_tables(synthetic_cohort(n=2, seed=1), tmp_path / "x.xlsx"),
        "needs_extra",
        "target",
    )


def test_the_docs_say_how_to_fix_every_dataset_problem() -> None:
    from piezomethod.errors import CodeArea, codes

    page = (Path(__file__).parents[1] / "docs" / "bring-your-own-data.md").read_text("utf-8")
    missing = [c.value for c in codes(CodeArea.DATASET) if f"| `{c.value}` |" not in page]
    assert missing == []


def test_an_error_cell_in_a_workbook_is_reported_not_emptied(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "participants"
    sheet.append(["participant_id"])
    sheet.append(["d-001"])
    events = workbook.create_sheet("events")
    events.append(["participant_id", "date", "type", "phase"])
    events.append(["d-001", "#N/A", "enrolment", 1])  # openpyxl stores it as an error cell
    workbook.save(tmp_path / "data.xlsx")
    report = validate(tmp_path / "data.xlsx")
    assert [(p.code, p.row, p.column) for p in report.problems] == [("invalid_date", 1, "date")]


def test_write_tables_still_takes_folder_for_one_release(tmp_path: Path) -> None:
    with pytest.warns(DeprecationWarning, match="target"):
        paths = write_tables(synthetic_cohort(n=2, seed=1), folder=tmp_path)  # type: ignore[call-arg]
    assert paths[0] == tmp_path / "participants.csv"


def test_a_cell_past_the_last_named_column_is_a_warning_not_lost(tmp_path: Path) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["gebeurtenissen"][1].append("stray")  # one cell more than the header has
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    dataset = load(tmp_path)
    assert [(p.code, p.table) for p in dataset.report.problems] == [("unnamed_column", "events")]
    assert dataset.records == EXPECTED


def test_an_oversized_participant_id_is_not_repeated_in_the_report(tmp_path: Path) -> None:
    tables = {name: [list(r) for r in rows] for name, rows in DUTCH.items()}
    tables["gebeurtenissen"][2][0] = "z" * 40_000
    write_csv(tmp_path, tables, encoding="utf-8", delimiter=";", newline="\n")
    problems = validate(tmp_path).problems
    assert [(p.code, p.participant_id, p.column) for p in problems] == [
        ("cell_too_long", None, "participant_id")
    ]


def test_a_mapping_built_directly_compares_names_like_one_read_from_a_file() -> None:
    direct = NameMapping(
        tables={"Cliënten": "participants"},
        columns={"participants": {"Client Nr": "participant_id"}},
    )
    assert direct.table(" cliënten ") == "participants"
    assert direct.column("participants", "client-nr") == "participant_id"
