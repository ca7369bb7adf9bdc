"""The command line: demo, phases, policy, validate."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from piezomethod.cli import main
from piezomethod.phases import Phase, TransitionPolicy
from piezomethod.serialization import to_json


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_demo_shows_phases_moves_and_issues() -> None:
    status, text = run("--lang", "en", "demo")
    assert status == 0
    for phase in Phase:
        assert phase.info.name_en in text
    assert "skip" in text
    assert "re-entry" in text
    assert "reason_required" in text
    assert "first_not_enrolment" in text


def test_policy_mermaid() -> None:
    status, text = run("policy", "strict", "--mermaid")
    assert status == 0
    assert text.startswith("stateDiagram-v2")


def _history_file(tmp_path: Path, events: list[dict[str, object]]) -> str:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"schema_version": 1, "participant_id": "p", "events": events}))
    return str(path)


def test_validate_clean_file(tmp_path: Path) -> None:
    f = _history_file(tmp_path, [{"type": "enrolment", "date": "2020-01-01", "phase": 1}])
    assert run("validate", f) == (0, "  geen problemen\n")


def test_validate_reports_policy_errors_as_json(tmp_path: Path) -> None:
    f = _history_file(
        tmp_path,
        [
            {"type": "enrolment", "date": "2020-01-01", "phase": 1},
            {"type": "phase_change", "date": "2020-02-01", "to_phase": 4},
        ],
    )
    policy = tmp_path / "policy.json"
    policy.write_text(to_json(TransitionPolicy.strict()))
    status, text = run("validate", f, "--policy", str(policy), "--json")
    assert status == 1
    report = json.loads(text)
    assert report["valid"] is False
    assert [i["code"] for i in report["issues"]] == ["reason_required"]


def test_validate_reports_structural_errors(tmp_path: Path) -> None:
    f = _history_file(tmp_path, [{"type": "exit", "date": "2020-01-01", "destination": "x"}])
    status, text = run("validate", f)
    assert status == 1
    assert "$.events[0].destination" in text


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate", str(tmp_path / "missing.json"))[0] == 2
    assert "cannot read" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Datasets: report, validate DIR, synth, schema, instruments
# --------------------------------------------------------------------------------------------


def test_synth_then_validate_a_clean_folder(tmp_path: Path) -> None:
    status, text = run("synth", "-n", "30", "--seed", "2", "-o", str(tmp_path))
    assert status == 0
    assert (tmp_path / "events.csv").is_file()
    assert "participants.csv" in text
    status, text = run("validate", str(tmp_path))
    assert status == 0
    assert "30 deelnemers: 30 ingelezen, 0 in quarantaine" in text  # Dutch is the default
    status, text = run("validate", str(tmp_path), "--lang", "en")
    assert "30 participants: 30 loaded, 0 quarantined" in text


def test_validate_a_broken_folder_exits_1_and_reports_json(tmp_path: Path) -> None:
    run("synth", "-n", "10", "-o", str(tmp_path))
    events = tmp_path / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",enrolment,", ",enrolment_typo,")
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, text = run("validate", str(tmp_path), "--json")
    assert status == 1
    data = json.loads(text)
    assert data["ok"] is False
    assert data["counts"]["invalid_value"] == 1
    assert len(data["quarantined"]) == 1
    status, text = run("validate", str(tmp_path))
    assert status == 1
    assert "fout events:1 [type]" in text  # Dutch is the default
    assert "een cel heeft een waarde die niet past bij haar kolom" in text
    status, text = run("validate", str(tmp_path), "--lang", "en")
    assert "error events:1 [type]" in text
    assert "not a valid event type" in text


def test_report_on_the_builtin_cohort_and_on_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.html"
    status, text = run("report", "-n", "50", "-o", str(target), "--lang", "en")
    assert status == 0
    assert text.strip() == str(target)
    page = target.read_text(encoding="utf-8")
    assert "Synthetic data" in page
    assert "piezomethod: done" in capsys.readouterr().err
    folder = tmp_path / "data"
    run("synth", "-n", "20", "-o", str(folder))
    status, _ = run("report", str(folder), "-o", str(target), "--suppress", "5")
    assert status == 0
    assert "Controle van de gegevens" in target.read_text(encoding="utf-8")


def test_report_on_another_instrument(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    status, _ = run("report", "-n", "60", "-o", str(target), "--instrument", "mhi5")
    assert status == 0
    assert "psychische gezondheid (MHI-5, 0-100)" in target.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        run("report", "-n", "60", "-o", str(target), "--instrument", "no-such-form")
    assert info.value.code == 2


def test_suppress_without_a_number_protects_counts_below_ten(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    status, _ = run("report", "-n", "60", "-o", str(target), "--lang", "en", "--suppress")
    assert status == 0
    page = target.read_text(encoding="utf-8")
    assert "counts below 10 show as" in page
    assert "&lt;10" in page


def test_report_on_a_missing_folder_cannot_run(tmp_path: Path) -> None:
    status, _ = run("report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html"))
    assert status == 2


def test_schema_writes_valid_json_schemas(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    status, text = run("schema", "-o", str(tmp_path))
    assert status == 0
    names = {p.name for p in tmp_path.iterdir()}
    for expected in ("participant-record", "trajectory", "table-events", "instrument"):
        assert f"{expected}.schema.json" in names
    for path in tmp_path.iterdir():
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    assert len(text.splitlines()) == len(names)


def test_instruments_lists_the_builtins() -> None:
    status, text = run("instruments", "--lang", "en")
    assert status == 0
    assert "mhi5" in text
    assert "reconstruction" in text


def test_a_file_it_cannot_write_says_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    for argv in (
        ("report", "-n", "5", "-o", str(blocked / "r.html")),
        ("synth", "-n", "5", "-o", str(blocked / "out")),
        ("schema", "-o", str(blocked / "schemas")),
    ):
        assert run(*argv)[0] == 2
        err = capsys.readouterr().err
        assert "cannot write" in err
        assert "cannot read" not in err


# -- any source at the door --------------------------------------------------------------------


@pytest.mark.parametrize("target", ["cohort.xlsx", "cohort.sqlite", "folder"])
def test_synth_then_validate_each_kind_of_source(tmp_path: Path, target: str) -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("sqlalchemy")
    path = str(tmp_path / target)
    assert run("synth", "-n", "12", "--seed", "3", "-o", path)[0] == 0
    status, text = run("--lang", "en", "validate", path, "--json")
    assert status == 0
    assert json.loads(text)["loaded"] == 12


def test_validate_a_database_url(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    run("synth", "-n", "5", "-o", str(tmp_path / "c.db"))
    status, text = run("validate", f"sqlite:///{tmp_path / 'c.db'}", "--json")
    assert (status, json.loads(text)["loaded"]) == (0, 5)


def test_validate_with_an_encoding_and_a_mapping(tmp_path: Path) -> None:
    data = tmp_path / "export"
    data.mkdir()
    (data / "clienten.csv").write_bytes("nr;gemeente\nc-1;Súdwest-Fryslân\n".encode("cp1252"))
    (data / "stappen.csv").write_bytes(b"nr;datum;soort;fase\nc-1;1-2-2021;enrolment;1\n")
    mapping = tmp_path / "namen.toml"
    mapping.write_text(
        '[tables]\nclienten = "participants"\nstappen = "events"\n'
        '[columns.participants]\nnr = "participant_id"\n[columns.events]\nnr = "participant_id"\n',
        encoding="utf-8",
    )
    args = ["validate", str(data), "--mapping", str(mapping), "--json"]
    status, text = run(*args)
    assert (status, json.loads(text)["counts"]) == (0, {"guessed_encoding": 1})
    status, text = run(*args, "--encoding", "cp1252")
    assert (status, json.loads(text)["counts"]) == (0, {})


def test_report_on_a_source_with_no_loadable_participant_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "participants.csv").write_bytes(b"participant_id\n\x81\n")
    (tmp_path / "events.csv").write_text("participant_id,date,type\n", encoding="utf-8")
    output = tmp_path / "r.html"
    assert run("--lang", "en", "report", str(tmp_path), "-o", str(output))[0] == 1
    err = capsys.readouterr().err
    assert "unreadable_table" in err
    assert "no report written" in err
    assert not output.exists()


def test_report_shows_progress_per_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("synth", "-n", "30", "-o", str(tmp_path / "data"))
    assert run("report", str(tmp_path / "data"), "-o", str(tmp_path / "r.html"))[0] == 0
    err = capsys.readouterr().err
    for table in ("participants", "events", "measurements", "goals", "placements"):
        assert f"reading {table}" in err


def test_report_on_one_csv_file_says_what_it_got(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "events.csv").write_text("participant_id,date,type\n", encoding="utf-8")
    assert run("--lang", "en", "report", str(tmp_path / "events.csv"))[0] == 1
    assert "pass the folder that holds the tables" in capsys.readouterr().err


def test_schema_also_writes_the_data_package(tmp_path: Path) -> None:
    run("schema", "-o", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == [
        "participants",
        "events",
        "measurements",
        "goals",
        "placements",
        "coach_assignments",
        "intakes",
        "contacts",
    ]


class _ClosedPipe(io.StringIO):
    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("command", [["demo"], ["instruments"], ["phases"]])
def test_a_closed_pipe_stops_the_command_quietly(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # ``piezomethod demo | head -1``: the reader went away
    assert main(command, out=_ClosedPipe()) == 141
    assert capsys.readouterr().err == ""
