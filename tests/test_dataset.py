"""Datasets: round trips through CSV and DataFrames, and corrupted tables reported row by row."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piezomethod.dataset import (
    TABLES,
    ProblemLimits,
    load,
    table_rows,
    table_schemas,
    to_frames,
    validate,
    write_tables,
)
from piezomethod.errors import FieldError, Severity
from piezomethod.phases import TransitionPolicy
from piezomethod.records import Gender
from piezomethod.serialization import SCHEMA_VERSION
from piezomethod.synth import synthetic_cohort

Row = dict[str, str]


def _participant(pid: str, **extra: str) -> Row:
    return {"participant_id": pid, "birth_year": "1980", "gender": "woman", **extra}


def _event(pid: str, day: str, kind: str, phase: str = "", destination: str = "") -> Row:
    return {
        "participant_id": pid,
        "date": day,
        "type": kind,
        "phase": phase,
        "destination": destination,
    }


def _answer(
    pid: str, item: str, answer: str, moment: str = "entry", day: str = "2020-01-10"
) -> Row:
    return {
        "participant_id": pid,
        "moment": moment,
        "date": day,
        "instrument": "piezo-effectmeting",
        "item": item,
        "answer": answer,
    }


def _rows(problems: object) -> set[tuple[str, str, int | None, str | None, str | None]]:
    assert isinstance(problems, tuple)
    return {(p.code, p.table, p.row, p.participant_id, p.column) for p in problems}


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_cohort_survives_csv_unchanged(tmp_path: Path, seed: int) -> None:
    cohort = synthetic_cohort(n=120, seed=seed)
    write_tables(cohort, tmp_path)
    dataset = load(tmp_path, as_of=cohort.as_of)
    assert dataset.report.ok, dataset.report.summary()
    assert dataset.report.problems == ()
    assert dataset.cohort.records == cohort.records
    assert dataset.cohort.as_of == cohort.as_of


def test_synthetic_cohort_survives_dataframes_unchanged() -> None:
    cohort = synthetic_cohort(n=60, seed=4)
    dataset = load(to_frames(cohort))
    assert dataset.report.problems == ()
    assert dataset.records == cohort.records


def test_rows_in_memory_load_like_files(tmp_path: Path) -> None:
    cohort = synthetic_cohort(n=40, seed=5)
    write_tables(cohort, tmp_path)
    assert load(table_rows(cohort)).records == load(tmp_path).records


def test_loading_leaves_the_source_files_untouched(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=30, seed=6), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    load(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_open_attributes_and_dutch_spreadsheet_conventions(tmp_path: Path) -> None:
    # Dutch Excel: semicolons, a byte-order mark, day-first dates, ja/nee, vrouw
    (tmp_path / "participants.csv").write_text(
        "\ufeffparticipant_id;birth_year;gender;statushouder;wijk\np-1;1975;vrouw;ja;Noord\n",
        encoding="utf-8",
    )
    (tmp_path / "events.csv").write_text(
        "participant_id;date;type;phase;destination\n"
        "p-1;3-2-2020;enrolment;1;\n"
        "p-1;01/03/2021;phase_change;2;\n",
        encoding="utf-8",
    )
    dataset = load(tmp_path)
    assert dataset.report.problems == ()
    (record,) = dataset.records
    assert record.participant.gender is Gender.WOMAN
    assert record.participant.statushouder is True
    assert record.participant.attributes == {"wijk": "Noord"}
    assert [e.date for e in record.trajectory.events] == [
        datetime.date(2020, 2, 3),
        datetime.date(2021, 3, 1),
    ]


# --------------------------------------------------------------------------------------------
# Corrupted tables: exactly the expected report rows, the valid rest still loads
# --------------------------------------------------------------------------------------------


def _corrupted() -> dict[str, list[Row]]:
    return {
        "participants": [
            _participant("ok-1"),
            _participant("back"),
            _participant("phase"),
            _participant("twice"),
            _participant("scale"),
            _participant("ok-2"),
            _participant("ok-1"),  # row 7: a duplicate of row 1
            _participant("quiet"),
        ],
        "events": [
            _event("ok-1", "2020-01-06", "enrolment", "1"),
            _event("ok-1", "2020-09-01", "phase_change", "2"),
            _event("back", "2020-05-01", "enrolment", "1"),
            _event("back", "2020-04-01", "phase_change", "2"),  # row 4: dates backwards
            _event("phase", "2020-05-01", "enrolment", "7"),  # row 5: unknown phase
            _event("twice", "2020-05-01", "enrolment", "0"),
            _event("twice", "2020-06-01", "enrolment", "1"),  # row 7: a second enrolment
            _event("scale", "2020-01-06", "enrolment", "1"),
            _event("ok-2", "2021-01-04", "enrolment", "0"),
            _event("ok-2", "2022-01-04", "exit", destination="paid_work"),
            _event("ghost", "2021-01-04", "enrolment", "0"),  # row 11: unknown participant
        ],
        "measurements": [
            _answer("ok-1", "geluk", "7"),
            _answer("scale", "geluk", "11"),  # row 2: outside the 1-10 scale
            _answer("ok-2", "taal_spreken", "B1", day="2021-01-10"),
        ],
    }


def test_corrupted_tables_give_exactly_the_expected_rows() -> None:
    dataset = load(_corrupted())
    report = dataset.report
    assert _rows(report.problems) == {
        ("duplicate_participant", "participants", 7, "ok-1", "participant_id"),
        ("date_backwards", "events", 4, "back", "date"),
        ("unknown_phase", "events", 5, "phase", "phase"),
        ("already_enrolled", "events", 7, "twice", "phase"),
        ("unknown_participant", "events", 11, "ghost", "participant_id"),
        ("answer_out_of_scale", "measurements", 2, "scale", "answer"),
        ("no_events", "events", None, "quiet", None),
    }
    # a participant listed twice is quarantined: which row is right is not ours to guess
    assert {r.id for r in dataset.records} == {"ok-2", "quiet"}
    assert report.quarantined == ("back", "ok-1", "phase", "scale", "twice")
    assert report.participants == 7
    assert report.loaded == 2
    assert report.counts()["date_backwards"] == 1
    assert not report.ok
    assert {p.code for p in report.warnings} == {"no_events"}
    ok_2 = next(r for r in dataset.records if r.id == "ok-2")
    assert ok_2.trajectory.current_phase is None
    assert ok_2.measurements[0].response.answers == {"taal_spreken": "B1"}


def test_the_summary_reads_in_dutch_by_default_and_in_english_on_request() -> None:
    report = validate(_corrupted())
    nl = report.summary(problems=2)
    assert nl.splitlines()[0] == (
        "7 deelnemers: 2 ingelezen, 5 in quarantaine; 6 fouten, 1 waarschuwingen"
    )
    assert "date_backwards (1): een gebeurtenis is eerder gedateerd dan de gebeurtenis ervoor" in nl
    assert "fout participants:7 [participant_id] ok-1 duplicate_participant:" in nl
    assert "... en nog 5 (alle problemen met --json)" in nl
    en = report.summary(lang="en")
    assert en.splitlines()[0] == "7 participants: 2 loaded, 5 quarantined; 6 errors, 1 warnings"
    assert "date_backwards (1): an event is dated before the event before it" in en
    with pytest.raises(FieldError) as info:
        report.summary(lang="fr")  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("unknown_language", "lang")


def test_every_participant_is_loaded_or_quarantined_never_dropped() -> None:
    report = validate(_corrupted())
    loaded = report.loaded + len(report.quarantined)
    assert loaded == report.participants


def test_messages_never_echo_cell_values() -> None:
    canary = "GEHEIM-Jansen-0612345678"
    tables = {
        "participants": [_participant("p", birth_year=canary, gender=canary)],
        "events": [_event("p", canary, "enrolment", canary)],
        "measurements": [_answer("p", "geluk", canary, moment=canary)],
        "goals": [
            {"participant_id": "p", "goal_id": "g", "skill_id": "koken", "phase": "1"}
            | {"set_on": "2020-01-01", "status": canary}
        ],
    }
    report = validate(tables)
    assert len(report.problems) >= 6
    assert canary not in report.to_json()
    for lang in ("nl", "en"):
        assert canary not in report.summary(lang=lang, problems=100)


def test_missing_tables_columns_and_unknown_columns() -> None:
    report = validate({"participants": [_participant("p")]})
    assert _rows(report.problems) == {("missing_table", "events", None, None, None)}
    report = validate(
        {
            "participants": [_participant("p")],
            "events": [{"participant_id": "p", "date": "2020-01-01", "phase": "1", "colour": "x"}],
        }
    )
    assert _rows(report.problems) == {
        ("missing_column", "events", None, None, "type"),
        ("unknown_column", "events", None, None, "colour"),
    }
    assert report.quarantined == ("p",)


def test_invalid_cells_name_their_column() -> None:
    report = validate(
        {
            "participants": [_participant("p", birth_year="negentien", statushouder="misschien")],
            "events": [
                _event("q", "2020-02-30", "enrolment", "1"),
                _event("q", "2020-03-01", "move", "2"),
                _event("q", "", "exit"),
            ],
        }
    )
    assert _rows(report.problems) == {
        ("invalid_value", "participants", 1, "p", "birth_year"),
        ("invalid_value", "participants", 1, "p", "statushouder"),
        ("no_events", "events", None, "p", None),
        ("unknown_participant", "events", 1, "q", "participant_id"),
        ("unknown_participant", "events", 2, "q", "participant_id"),
        ("unknown_participant", "events", 3, "q", "participant_id"),
    }


def test_bad_dates_types_and_destinations_in_events() -> None:
    report = validate(
        {
            "participants": [_participant("p")],
            "events": [
                _event("p", "2020-02-30", "enrolment", "1"),
                _event("p", "2020-03-01", "move", "2"),
                _event("p", "", "exit"),
                _event("p", "2020-04-01", "exit", phase="1", destination="paid_work"),
            ],
        }
    )
    assert _rows(report.problems) == {
        ("invalid_date", "events", 1, "p", "date"),
        ("invalid_value", "events", 2, "p", "type"),
        ("missing_value", "events", 3, "p", "date"),
        ("missing_value", "events", 3, "p", "destination"),
        ("ignored_value", "events", 4, "p", "phase"),
        ("first_not_enrolment", "events", 4, "p", None),
    }


def test_measurement_problems() -> None:
    report = validate(
        {
            "participants": [_participant("p")],
            "events": [_event("p", "2020-01-06", "enrolment", "1")],
            "measurements": [
                _answer("p", "geluk", "7"),
                _answer("p", "geluk", "8"),  # row 2: the same item twice in one response
                _answer("p", "bestaat_niet", "1"),
                {**_answer("p", "x", "1"), "instrument": "onbekend"},
                {**_answer("p", "geluk", "1"), "instrument_version": "9.9"},
                _answer("p", "geluk", "", day="2020-02-01"),  # blank: not answered, no problem
            ],
        }
    )
    assert _rows(report.problems) == {
        ("duplicate_answer", "measurements", 2, "p", "item"),
        ("unknown_instrument_item", "measurements", 3, "p", "item"),
        ("unknown_instrument", "measurements", 4, "p", "instrument"),
        ("unknown_instrument_version", "measurements", 5, "p", "instrument_version"),
    }


def test_an_answer_to_an_item_that_was_not_asked_is_a_warning_and_kept() -> None:
    tables = {
        "participants": [_participant("p")],
        "events": [_event("p", "2020-01-06", "enrolment", "1")],
        "measurements": [
            _answer("p", "opleiding_niveau", "mbo2"),  # row 1: asked only after "ja" ...
            _answer("p", "opleiding_volgt", "nee"),  # ... and the answer is "nee"
            _answer("p", "opleiding_niveau", "mbo3", day="2020-03-01"),  # "volgt" unanswered
            _answer("p", "opleiding_volgt", "ja", moment="follow_up", day="2021-01-01"),
            _answer("p", "opleiding_niveau", "mbo4", moment="follow_up", day="2021-01-01"),
        ],
    }
    report = validate(tables)
    assert _rows(report.problems) == {("answer_not_asked", "measurements", 1, "p", "item")}
    assert [p.severity for p in report.problems] == [Severity.WARNING]
    assert "opleiding_volgt" in report.problems[0].message
    assert "mbo2" not in report.problems[0].message  # no answer is echoed
    (participant,) = load(tables).records
    answers = [m.response.answers.get("opleiding_niveau") for m in participant.measurements]
    assert answers == ["mbo2", "mbo3", "mbo4"]  # nothing lost


def test_goal_and_placement_problems() -> None:
    goal = {"participant_id": "p", "goal_id": "g1", "skill_id": "koken", "phase": "1"}
    placement = {
        "participant_id": "p",
        "placement_id": "pl1",
        "kind": "job",
        "organisation": "bakkerij",
        "phase": "1",
        "start": "2020-03-01",
    }
    report = validate(
        {
            "participants": [_participant("p")],
            "events": [_event("p", "2020-01-06", "enrolment", "1")],
            "goals": [
                goal | {"set_on": "2020-02-01"},
                goal | {"set_on": "2020-02-01"},  # row 2: the id again
                goal | {"goal_id": "g2", "skill_id": "vliegen", "set_on": "2020-02-01"},
                goal | {"goal_id": "g3", "set_on": "2020-02-01", "status": "achieved"},
            ],
            "placements": [
                placement,  # a job in phase 1: unusual, a warning
                placement | {"placement_id": "pl2", "kind": "activity", "end": "2020-01-01"},
            ],
        }
    )
    assert _rows(report.problems) == {
        ("duplicate_id", "goals", 2, "p", "goal_id"),
        ("unknown_skill", "goals", 3, "p", "skill_id"),
        ("missing_date", "goals", 4, "p", "achieved_on"),
        ("placement_phase", "placements", 1, "p", "phase"),
        ("end_before_start", "placements", 2, "p", "end"),
    }
    warning = next(p for p in report.problems if p.code == "placement_phase")
    assert warning.severity is Severity.WARNING


def test_a_warning_policy_reports_without_quarantining() -> None:
    tables = {
        "participants": [_participant("p")],
        "events": [
            _event("p", "2020-01-06", "enrolment", "1"),
            _event("p", "2020-06-01", "phase_change", "3"),
        ],
    }
    strict = TransitionPolicy.strict()
    assert validate(tables, policy=strict).quarantined == ("p",)
    lenient = TransitionPolicy.from_kinds(
        name="house", allowed={"entry", "advance", "exit"}, severity="warning"
    )
    dataset = load(tables, policy=lenient)
    assert dataset.report.ok
    assert {p.code for p in dataset.report.problems} == {"move_not_allowed"}
    assert len(dataset.records) == 1


def test_report_json_and_frame() -> None:
    report = validate(_corrupted())
    data = json.loads(report.to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["counts"] == report.counts()
    assert len(data["problems"]) == len(report.problems)
    frame = report.to_frame()
    assert list(frame.columns) == [
        "code",
        "severity",
        "table",
        "row",
        "participant_id",
        "column",
        "message",
    ]
    assert len(frame) == len(report.problems)


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FieldError) as caught:
        load(tmp_path / "nope")
    assert (caught.value.code, caught.value.field) == ("no_such_file", "source")


def test_a_table_that_is_not_rows_is_refused() -> None:
    with pytest.raises(FieldError) as info:
        load({"participants": "p-1,1980"})
    assert (info.value.code, info.value.field) == ("wrong_type", "source")


def test_a_file_that_is_neither_utf8_nor_cp1252_is_one_problem(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 and not UTF-8
    (tmp_path / "participants.csv").write_bytes(b"participant_id\np-\x81\n")
    (tmp_path / "events.csv").write_text("participant_id,date,type\n", encoding="utf-8")
    report = validate(tmp_path)
    assert report.counts() == {"unreadable_table": 1}
    assert report.problems[0].table == "participants"


def test_written_tables_follow_their_schemas(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schemas = table_schemas()
    assert set(schemas) == {t.name for t in TABLES}
    write_tables(synthetic_cohort(n=25, seed=8), tmp_path)
    for table in TABLES:
        with (tmp_path / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                jsonschema.validate(row, schemas[table.name])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"participant_id": "p", "date": "morgen", "type": "enrolment"}, schemas["events"]
        )


def _bad_events(pids: int, per_pid: int) -> dict[str, list[Row]]:
    return {
        "participants": [_participant(f"p{k}") for k in range(pids)],
        "events": [
            _event(f"p{k}", "2020-13-45", "enrolment", "1")
            for k in range(pids)
            for _ in range(per_pid)
        ],
    }


def test_problems_past_the_limits_are_counted_not_listed() -> None:
    report = validate(_bad_events(2, 250), limits=ProblemLimits(per_participant=100))
    assert len(report.problems) == 200  # 100 listed for each participant
    assert [(o.table, o.code, o.severity, o.count) for o in report.omitted] == [
        ("events", "invalid_date", "error", 300)
    ]
    assert report.total == 500
    assert report.counts()["invalid_date"] == 500
    assert not report.ok
    assert report.quarantined == ("p0", "p1")
    assert "300 more problems were counted without their details" in report.summary(lang="en")
    assert "van nog 300 problemen" in report.summary(lang="nl")
    assert report.to_dict()["omitted"] == [
        {"table": "events", "code": "invalid_date", "severity": "error", "count": 300}
    ]
    table = validate(_bad_events(30, 5), limits=ProblemLimits(per_table=50))
    assert (len(table.problems), table.total, table.omitted[0].count) == (50, 150, 100)
    assert len(table.quarantined) == 30  # also those whose problems were not listed


@given(
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(0, 10),
    st.integers(0, 40),
)
@settings(max_examples=40)
def test_the_limits_change_what_is_listed_never_what_is_found(
    pids: int, per_pid: int, per_participant: int, per_table: int
) -> None:
    tables = _bad_events(pids, per_pid)
    everything = validate(tables, limits=ProblemLimits(per_participant=10**6, per_table=10**6))
    limited = validate(
        tables, limits=ProblemLimits(per_participant=per_participant, per_table=per_table)
    )
    assert limited.total == everything.total
    assert limited.counts() == everything.counts()
    assert (limited.ok, limited.quarantined, limited.loaded) == (
        everything.ok,
        everything.quarantined,
        everything.loaded,
    )
    assert set(limited.problems) <= set(everything.problems)
    assert len(limited.problems) <= min(per_table, per_participant * pids) + 0
    listed = [p.participant_id for p in limited.problems]
    assert all(listed.count(pid) <= per_participant for pid in set(listed))


def test_limits_below_zero_are_refused() -> None:
    with pytest.raises(FieldError) as info:
        ProblemLimits(per_table=-1)
    assert (info.value.code, info.value.field) == ("invalid_count", "per_table")
