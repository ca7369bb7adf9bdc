"""Example tests for the wire format: shape, strictness, versions, paths."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from piezomethod.errors import FieldTypeError, SchemaVersionError, SerializationError
from piezomethod.phases import (
    Enrolment,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
)
from piezomethod.serialization import (
    MAX_PROBLEMS,
    SCHEMA_VERSION,
    from_dict,
    from_json,
    to_dict,
    to_json,
)

D = datetime.date


def _trajectory() -> Trajectory:
    return Trajectory.from_events(
        "p-1",
        [
            Enrolment(date=D(2020, 1, 6), phase=Phase(0), referrer="wijkteam"),
            PhaseChange(date=D(2020, 9, 1), to_phase=Phase(1)),
            Exit(date=D(2021, 2, 1), destination=ExitDestination.HEALTH, reason="ziek"),
        ],
    )


def test_wire_shape() -> None:
    assert to_dict(_trajectory()) == {
        "schema_version": SCHEMA_VERSION,
        "participant_id": "p-1",
        "events": [
            {"type": "enrolment", "date": "2020-01-06", "phase": 0, "referrer": "wijkteam"},
            {"type": "phase_change", "date": "2020-09-01", "to_phase": 1, "reason": None},
            {"type": "exit", "date": "2021-02-01", "destination": "health", "reason": "ziek"},
        ],
    }


def test_json_keeps_dutch_characters() -> None:
    policy = TransitionPolicy(name="beleid Piëzo")
    assert "Piëzo" in to_json(policy)
    assert from_json(TransitionPolicy, to_json(policy).encode()) == policy


def test_optional_fields_may_be_left_out() -> None:
    data = {"schema_version": 1, "type": "phase_change", "date": "2020-01-01", "to_phase": 2}
    assert from_dict(PhaseChange, data) == PhaseChange(date=D(2020, 1, 1), to_phase=Phase(2))


def test_a_trajectory_without_events_is_empty() -> None:
    assert from_dict(Trajectory, {"schema_version": 1, "participant_id": "p"}).events == ()


def _wire(**events_0: Any) -> dict[str, Any]:
    event = {"type": "enrolment", "date": "2020-01-01", "phase": 1, **events_0}
    return {"schema_version": 1, "participant_id": "p", "events": [event]}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (_wire(phase="1"), "$.events[0].phase", "expected a phase number 0-4"),
        (_wire(phase=True), "$.events[0].phase", "expected a phase number 0-4"),
        (_wire(phase=9), "$.events[0].phase", "expected a phase number 0-4"),
        (_wire(date="31-12-2019"), "$.events[0].date", "expected an ISO date 'YYYY-MM-DD'"),
        (_wire(date="20191231"), "$.events[0].date", "expected an ISO date 'YYYY-MM-DD'"),
        (_wire(date="2019-02-30"), "$.events[0].date", "not a calendar date"),
        (_wire(date=None), "$.events[0].date", "expected an ISO date 'YYYY-MM-DD'"),
        (_wire(type="intake"), "$.events[0]", "'type' must be one of: enrolment, phase_change, exit"),
        (_wire(referrer=3), "$.events[0].referrer", "expected a string"),
        (_wire(referrer=" "), "$.events[0].referrer", "referrer must not be blank; use None when there is none"),
        (_wire(extra=1), "$.events[0]", "unknown field(s): 'extra'"),
        ({"schema_version": 1, "participant_id": "p", "events": "abc"}, "$.events", "expected an array"),
        ({"schema_version": 1, "events": []}, "$.participant_id", "required field missing"),
        ({"schema_version": "1", "participant_id": "p", "events": []}, "$.schema_version", "expected a positive integer"),
        ({"participant_id": "p", "events": []}, "$.schema_version", "required field missing"),
        ({"schema_version": 1, "participant_id": "p", "events": [{"type": "exit", "date": "2020-01-01"}]}, "$.events[0].destination", "required field missing"),
        ({"schema_version": 1, "participant_id": "p", "events": [{"type": "exit", "date": "2020-01-01", "destination": "paid_work"}]}, "$.events[0]", "first_not_enrolment: a history must start with an enrolment, not an exit"),
    ],
)  # fmt: skip
def test_strict_input_names_the_path(data: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(SerializationError) as info:
        from_dict(Trajectory, data)
    assert info.value.code == "invalid_data"
    assert [(p.path, p.message) for p in info.value.problems] == [(path, message)]


def test_every_problem_is_listed() -> None:
    data = {
        "schema_version": 1,
        "participant_id": 5,
        "events": [
            {"type": "enrolment", "date": "x", "phase": 1},
            {"type": "phase_change", "date": "2020-01-01", "to_phase": -1},
        ],
    }
    with pytest.raises(SerializationError) as info:
        from_dict(Trajectory, data)
    assert [p.path for p in info.value.problems] == [
        "$.participant_id",
        "$.events[0].date",
        "$.events[1].to_phase",
    ]


def test_a_newer_schema_version_fails_clearly() -> None:
    with pytest.raises(SchemaVersionError) as info:
        from_dict(Trajectory, {**to_dict(_trajectory()), "schema_version": SCHEMA_VERSION + 1})
    assert "upgrade piezomethod" in str(info.value)
    assert info.value.code == "unsupported_schema_version"


def test_the_wrong_event_type_for_the_class_is_refused() -> None:
    with pytest.raises(SerializationError) as info:
        from_dict(Exit, to_dict(PhaseChange(date=D(2020, 1, 1), to_phase=Phase(1))))
    assert info.value.code == "invalid_data"
    assert info.value.problems[0].path == "$.type"


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"schema_version": 1, "schema_version": 1, "name": "x"}',
        '{"schema_version": 1, "name": "x", "severity": NaN}',
        b"\xff\xfe",
        "[" * 100_000,
    ],
)
def test_bad_json_text_is_refused(text: str | bytes) -> None:
    with pytest.raises(SerializationError) as info:
        from_json(TransitionPolicy, text)
    assert info.value.code == "invalid_json"


def test_unsupported_types_are_refused() -> None:
    with pytest.raises(SerializationError) as info:
        to_dict({"not": "a library object"})
    assert (info.value.code, info.value.field) == ("unsupported_type", "obj")
    with pytest.raises(SerializationError) as info:
        from_dict(dict, {"schema_version": 1})
    assert (info.value.code, info.value.field) == ("unsupported_type", "cls")
    with pytest.raises(FieldTypeError) as type_info:
        from_json(Trajectory, 42)  # type: ignore[arg-type]
    assert (type_info.value.code, type_info.value.field) == ("wrong_type", "text")


# JSON's meaning, as the schemas say it (issue: schemas and library agree)
@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        (lambda d: d["events"][0].update(phase=1.0), True),  # 1.0 is JSON's integer 1
        (lambda d: d.update(schema_version=2.0), True),
        (lambda d: d["events"][0].update(phase=1.5), False),
        (lambda d: d.update(participant_id="   "), False),  # blank
        (lambda d: d["events"][0].update(date="0000-01-01"), False),  # no year 0
    ],
)
def test_a_trajectory_document_is_read_with_json_semantics(change: Any, accepted: bool) -> None:
    import jsonschema

    from piezomethod.phases import Trajectory
    from piezomethod.serialization import wire_schemas

    doc = {
        "schema_version": 2,
        "participant_id": "p-1",
        "events": [{"type": "enrolment", "date": "2024-01-08", "phase": 1}],
    }
    change(doc)
    validator = jsonschema.Draft202012Validator(
        wire_schemas()["trajectory"], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert validator.is_valid(doc) is accepted
    if accepted:
        first = from_dict(Trajectory, doc).events[0]
        assert isinstance(first, Enrolment)
        assert first.phase == 1
    else:
        with pytest.raises(SerializationError) as info:
            from_dict(Trajectory, doc)
        assert info.value.code == "invalid_data"


def test_a_duplicate_in_a_set_is_refused_not_dropped() -> None:
    from piezomethod.phases import TransitionPolicy

    doc = to_dict(TransitionPolicy.strict())
    doc["entry_phases"] = [1, 1]
    with pytest.raises(SerializationError) as info:
        from_dict(TransitionPolicy, doc)
    assert [p.path for p in info.value.problems] == ["$.entry_phases"]


@pytest.mark.parametrize("bad_events", [99, 100, 101, 5000])
def test_a_refusal_lists_at_most_max_problems_and_counts_the_rest(bad_events: int) -> None:
    events: list[dict[str, Any]] = [{"type": "enrolment", "date": "2020-01-06", "phase": 1}]
    events += [{"type": "phase_change", "date": "2020-02-01", "to_phase": 1}] * bad_events
    doc = {"schema_version": 2, "participant_id": "p-1", "events": events}
    with pytest.raises(SerializationError) as info:
        from_dict(Trajectory, doc)
    problems = info.value.problems
    found = sum(1 for p in problems if p.path.startswith("$.events["))
    if bad_events <= MAX_PROBLEMS:
        assert found == bad_events
        assert len(problems) == bad_events
    else:
        assert found == MAX_PROBLEMS
        assert problems[-1].path == "$"
        assert problems[-1].message == (
            f"and {bad_events - MAX_PROBLEMS:,} more problems, counted but not listed"
        )
    assert all(p.message.startswith("same_phase:") for p in problems[:MAX_PROBLEMS])
    assert f"(and {bad_events - 1:,} more)" in str(info.value)
