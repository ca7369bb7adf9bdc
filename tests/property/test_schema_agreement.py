"""The published JSON Schemas and the library agree on what a document is.

A differential test: documents the library writes (from the Hypothesis strategies), mutated
one place at a time — a wrong type, ``2.0`` for an integer, a blank string, the year 0000, a
duplicate in a set, a missing or an unknown key — are judged by a JSON Schema validator (the
``jsonschema`` package, draft 2020-12 with format checks) and by :func:`from_dict`. Where the
schema accepts, the library accepts, except for the rules no schema can express, which each
schema lists in its ``description`` (:data:`SCHEMA_ONLY` here names them by their problem);
where the schema refuses, the library refuses too.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod import strategies
from piezomethod.catalogues import skill_catalogue
from piezomethod.errors import SerializationError
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.phases import HISTORY_CODES, Trajectory, TransitionPolicy
from piezomethod.records import Participant, ParticipantRecord
from piezomethod.serialization import from_dict, to_dict, wire_schemas

jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = wire_schemas()
EFFECT = instrument("piezo-effectmeting")

SUBJECTS: dict[str, tuple[type, st.SearchStrategy[Any]]] = {
    "trajectory": (Trajectory, strategies.trajectories()),
    "transition-policy": (TransitionPolicy, strategies.policies()),
    "participant": (Participant, strategies.participants()),
    "participant-record": (
        ParticipantRecord,
        strategies.participant_records(catalogue=skill_catalogue(), instrument=EFFECT),
    ),
    "instrument": (type(EFFECT), st.sampled_from(instrument_ids()).map(instrument)),
}

MUTANTS: list[Any] = [
    None, True, 0, -1, 2.0, 2.5, 1900, 3000, "", " ", "\u3000", "x", "0000-01-01",
    "2020-02-30", "2020-01-01", [], [1], {}, {"x": 1},
]  # fmt: skip


def _paths(doc: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*here, key))
    elif isinstance(doc, list):
        for n, value in enumerate(doc):
            found += _paths(value, (*here, n))
    return found


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def _mutated(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with one change: a value replaced, a key removed or added, an item doubled."""
    doc = copy.deepcopy(doc)
    path = draw(st.sampled_from(_paths(doc)[1:])) if len(_paths(doc)) > 1 else ()
    if not path:
        return doc
    parent, last = _at(doc, path[:-1]), path[-1]
    how = draw(st.sampled_from(["replace", "replace", "drop", "add", "double"]))
    if how == "replace":
        parent[last] = draw(st.sampled_from(MUTANTS))
    elif how == "drop" and isinstance(parent, dict):
        del parent[last]
    elif how == "add" and isinstance(parent, dict):
        parent["unknown_key"] = 1
    elif how == "double" and isinstance(parent[last], list) and parent[last]:
        parent[last].append(copy.deepcopy(parent[last][0]))
    return doc


SCHEMA_ONLY = (
    # the rules no JSON Schema can express, as the library words its refusal; every schema's
    # description lists them (serialization._SCHEMA_ONLY), and a test below checks that
    *(f"{code}:" for code in HISTORY_CODES),  # the phase model
    "belong to another participant",
    "no response scale",
    "no usable item",
    "not in the response scale",
    "not in response scale",
    "is used twice",
    "band",
    "between 1 and min_answered",
    "between 1 and the number of items",
    "has no values",
    "needs rungs",
    "records its referral",
    "come together",
    "achieved_on",
    "before",
    "either reverse or recode",
    "is not an earlier item",
    "a conditional item cannot count in a scale",
    "read the same as text",
)


def _judge(name: str, doc: dict[str, Any]) -> tuple[bool, SerializationError | None]:
    validator = jsonschema.Draft202012Validator(
        SCHEMAS[name], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    schema_ok = validator.is_valid(doc)
    try:
        from_dict(SUBJECTS[name][0], doc)
    except SerializationError as exc:
        return schema_ok, exc
    return schema_ok, None


@pytest.mark.parametrize("name", sorted(SUBJECTS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_schema_and_the_library_agree(name: str, data: st.DataObject) -> None:
    strategy = SUBJECTS[name][1]
    doc = data.draw(strategy.map(to_dict).flatmap(_mutated))
    schema_ok, refusal = _judge(name, doc)
    if refusal is None:
        assert schema_ok, f"the library accepts what the {name} schema refuses"
    elif schema_ok:
        messages = [p.message for p in refusal.problems]
        assert messages, refusal
        assert all(any(rule in m for rule in SCHEMA_ONLY) for m in messages), messages


def test_each_schema_says_what_only_the_library_checks() -> None:
    for name in ("trajectory", "participant-record", "instrument"):
        assert "Also checked by the library" in SCHEMAS[name]["description"], name
    assert "phase model" in SCHEMAS["trajectory"]["description"]
    assert "interpretation bands" in SCHEMAS["instrument"]["description"]
