"""Participant records: consistency, round trip, validation, pseudonymised export."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from piezomethod.catalogues import skill_catalogue
from piezomethod.errors import FieldError, SerializationError
from piezomethod.passport import (
    GoalStatus,
)
from piezomethod.phases import Enrolment, PhaseChange, Trajectory, TransitionPolicy
from piezomethod.records import (
    Participant,
    ParticipantRecord,
    pseudonymise,
    validate_record,
)
from piezomethod.serialization import from_dict, from_json, to_dict, to_json
from tests.builders import rich_record

D = datetime.date
KEY = b"research key 2026, kept apart"


def _record(pid: str = "p-1") -> ParticipantRecord:
    return rich_record(pid)


def test_a_record_round_trips_through_json() -> None:
    record = _record()
    assert from_json(ParticipantRecord, to_json(record)) == record
    assert to_dict(from_dict(ParticipantRecord, to_dict(record))) == to_dict(record)


def test_the_trajectory_defaults_to_empty() -> None:
    record = ParticipantRecord(participant=Participant(id="p-9"))
    assert record.trajectory == Trajectory(participant_id="p-9")
    assert record.id == "p-9"


@pytest.mark.parametrize("part", ["trajectory", "measurements", "passport", "consents"])
def test_every_part_must_belong_to_the_participant(part: str) -> None:
    other = _record("p-2")
    mine = _record()
    kwargs: dict[str, Any] = {
        name: getattr(mine, name)
        for name in ["participant", "trajectory", "measurements", "passport", "consents"]
    }
    kwargs[part] = getattr(other, part)
    with pytest.raises(FieldError) as info:
        ParticipantRecord(**kwargs)
    assert info.value.code == "participant_mismatch"
    assert info.value.field is not None
    assert info.value.field.startswith(part)


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"birth_year": 1850}, "invalid_year", "birth_year"),
        ({"gender": "f"}, "unknown_value", "gender"),
        ({"statushouder": "ja"}, "wrong_type", "statushouder"),
        ({"attributes": {"x": [1]}}, "wrong_type", "attributes"),
        ({"attributes": {" ": 1}}, "blank_text", "attributes"),
        ({"id": ""}, "blank_text", "id"),
    ],
)
def test_participants_fail_fast(kw: dict[str, Any], code: str, field: str) -> None:
    base: dict[str, Any] = {"id": "p-1"}
    base.update(kw)
    with pytest.raises(FieldError) as info:
        Participant(**base)
    assert (info.value.code, info.value.field) == (code, field)


def test_record_wire_errors_name_their_path() -> None:
    wire = to_dict(_record())
    wire["participant"]["birth_year"] = "1979"
    wire["passport"]["goals"][0]["status"] = "klaar"
    with pytest.raises(SerializationError) as info:
        from_dict(ParticipantRecord, wire)
    assert info.value.code == "invalid_data"
    assert [p.path for p in info.value.problems] == [
        "$.participant.birth_year",
        "$.passport.goals[0].status",
    ]


def test_validate_record_combines_trajectory_and_passport() -> None:
    record = _record()
    assert validate_record(record, catalogue=skill_catalogue()) == []
    issues = validate_record(record, policy=TransitionPolicy.strict(), catalogue=skill_catalogue())
    assert [i.code for i in issues] == []  # the skip has a reason
    bare = ParticipantRecord(
        participant=record.participant,
        trajectory=Trajectory.from_events(
            "p-1",
            [Enrolment(date=D(2021, 1, 4), phase=1), PhaseChange(date=D(2021, 2, 1), to_phase=3)],
        ),
    )
    assert [i.code for i in validate_record(bare, policy=TransitionPolicy.strict())] == [
        "reason_required"
    ]


def test_pseudonymise_drops_identifiers_and_free_text() -> None:
    record = _record()
    out = pseudonymise(record, key=KEY)
    text = to_json(out)
    for private in [
        "p-1",
        "wijkteam",
        "sprong",
        "bakker",
        "huisarts",
        "woont bij zus",
        "kok worden",
        "bakken",
        "privé",
        "taart",
    ]:
        assert private not in text, private
    assert out.participant.birth_year == 1979
    assert out.participant.attributes == {}
    assert [type(e) for e in out.trajectory.events] == [type(e) for e in record.trajectory.events]
    assert [e.date for e in out.trajectory.events] == [e.date for e in record.trajectory.events]
    assert out.measurements[0].response == record.measurements[0].response
    assert out.consents == ()
    assert out.passport is not None
    assert out.passport.goals[0].status is GoalStatus.ACHIEVED
    assert pseudonymise(record, key=KEY) == out  # deterministic
    assert pseudonymise(record, key=KEY + b"!").participant.id != out.participant.id
