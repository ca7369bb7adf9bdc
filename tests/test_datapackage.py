"""The Data Package descriptor: the real ``frictionless`` command finds the written tables
structurally valid, and finds the breaks a descriptor can see (types, foreign keys)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from piezomethod.dataset import load, write_tables
from piezomethod.synth import synthetic_cohort


def _frictionless(descriptor: Path) -> dict[str, Any]:
    pytest.importorskip("frictionless")
    command = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    assert command is not None
    done = subprocess.run(
        [command, "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _errors(result: dict[str, Any]) -> dict[str, list[str]]:
    return {t["name"]: sorted({e["type"] for e in t["errors"]}) for t in result["tasks"]}


def test_frictionless_finds_written_tables_valid(tmp_path: Path) -> None:
    paths = write_tables(synthetic_cohort(n=60, seed=9), tmp_path)
    assert paths[-1].name == "datapackage.json"
    result = _frictionless(paths[-1])
    assert _errors(result) == {
        "participants": [],
        "events": [],
        "measurements": [],
        "goals": [],
        "placements": [],
        "coach_assignments": [],
        "intakes": [],
        "contacts": [],
    }
    assert result["valid"] is True


def test_frictionless_sees_a_wrong_type_and_an_unknown_participant(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=20, seed=9), tmp_path)
    with (tmp_path / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("nobody,2020-01-01,enrolment,1,,,\n")
    lines = (tmp_path / "participants.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = "negentienhonderd"
    lines[1] = ",".join(cells)
    (tmp_path / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _errors(_frictionless(tmp_path / "datapackage.json"))
    assert errors["participants"] == ["type-error"]
    assert errors["events"] == ["foreign-key"]


def test_the_descriptor_carries_provenance(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=5, seed=2), tmp_path, provenance={"seed": 2})
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    about = package["piezomethod"]
    assert (about["synthetic"], about["seed"], about["name"]) == (True, 2, "synthetic n=5 seed=2")
    assert load(tmp_path).cohort.synthetic
    (tmp_path / "datapackage.json").write_text("{broken", encoding="utf-8")
    assert not load(tmp_path).cohort.synthetic  # an unreadable descriptor claims nothing
