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
