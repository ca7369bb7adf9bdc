"""Properties of the wire format: identity round trips, and garbage raising only PiezoErrors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from piezomethod import strategies as pst
from piezomethod.errors import PiezoError, SerializationError
from piezomethod.instruments import instrument
from piezomethod.outcomes import Measurement, Response
from piezomethod.phases import Enrolment, Event, Exit, PhaseChange, Trajectory, TransitionPolicy
from piezomethod.serialization import from_dict, from_json, to_dict, to_json

TARGETS = st.sampled_from([Trajectory, TransitionPolicy, Enrolment, PhaseChange, Exit])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(pst.trajectories())
def test_trajectories_round_trip_unchanged(t: Trajectory) -> None:
    assert from_dict(Trajectory, to_dict(t)) == t
    assert from_json(Trajectory, to_json(t)) == t
    assert to_dict(from_json(Trajectory, to_json(t, indent=2))) == to_dict(t)


@given(pst.events())
def test_events_round_trip_unchanged(event: Event) -> None:
    assert from_dict(type(event), to_dict(event)) == event


@given(pst.policies())
def test_policies_round_trip_unchanged(policy: TransitionPolicy) -> None:
    assert from_json(TransitionPolicy, to_json(policy)) == policy


@given(TARGETS, json_values)
def test_garbage_raises_only_piezo_errors(cls: type[Any], garbage: object) -> None:
    for data in (garbage, {"schema_version": 1, "events": garbage}, {"schema_version": 1, "participant_id": "p", "events": [garbage]}):  # fmt: skip
        with contextlib.suppress(PiezoError):
            from_dict(cls, data)
        with contextlib.suppress(PiezoError):
            from_json(cls, json.dumps(data))


def _mutations(value: Any) -> st.SearchStrategy[Any]:
    """Replace one leaf or drop one key somewhere inside a JSON-ready value."""
    if isinstance(value, dict) and value:
        key = st.sampled_from(sorted(value))
        return st.one_of(
            key.map(lambda k: {kk: vv for kk, vv in value.items() if kk != k}),
            key.flatmap(lambda k: _mutations(value[k]).map(lambda v: {**value, k: v})),
            st.text(max_size=8).filter(lambda k: k not in value).map(lambda k: {**value, k: 1}),
        )
    if isinstance(value, list) and value:
        index = st.integers(min_value=0, max_value=len(value) - 1)
        return index.flatmap(
            lambda i: _mutations(value[i]).map(lambda v: [*value[:i], v, *value[i + 1 :]])
        )
    return json_values


@given(st.data())
def test_mutated_wire_data_is_refused_or_still_valid(data: st.DataObject) -> None:
    t = data.draw(pst.trajectories())
    mutated = data.draw(_mutations(to_dict(t)))
    try:
        back = from_dict(Trajectory, mutated)
    except SerializationError as err:
        assert err.problems
        assert all(p.path.startswith("$") for p in err.problems)
    else:
        # Whatever was accepted must serialise back to exactly the data given (no coercion),
        # up to defaults for optional fields that the mutation dropped.
        assert _contained(mutated, to_dict(back))


def _contained(given: Any, written: Any) -> bool:
    """Every value in ``given`` appears in ``written`` at the same place, with the same type."""
    if isinstance(given, dict):
        return isinstance(written, dict) and all(
            k in written and _contained(v, written[k]) for k, v in given.items()
        )
    if isinstance(given, list):
        return (
            isinstance(written, list)
            and len(given) == len(written)
            and all(_contained(a, b) for a, b in zip(given, written, strict=True))
        )
    return type(given) is type(written) and given == written


# The markers make sure the secret cannot happen to equal a word of a message.
@given(pst.trajectories(), st.text(min_size=1, max_size=30).map(lambda s: f"§{s}§"))
def test_refusals_never_echo_values(t: Trajectory, secret: str) -> None:
    wire = to_dict(t)
    for bad in (
        {**wire, "participant_id": [secret]},
        {**wire, "events": [{"type": "enrolment", "date": secret, "phase": 1}]},
        {**wire, "events": [{"type": secret, "date": "2020-01-01"}]},
        {**wire, "events": [{"type": "exit", "date": "2020-01-01", "destination": secret}]},
    ):
        try:
            from_dict(Trajectory, bad)
        except SerializationError as err:
            shown = str(err) + " ".join(str(p) for p in err.problems)
            assert secret not in shown
        else:
            raise AssertionError("bad data was accepted")


@given(
    st.sampled_from(["mhi5", "taalniveau", "participatieladder"]).flatmap(
        lambda i: pst.measurements(instrument(i), participant_id="p-1")
    )
)
def test_measurements_round_trip_unchanged(measurement: Measurement) -> None:
    assert from_json(Measurement, to_json(measurement)) == measurement
    assert from_dict(Response, to_dict(measurement.response)) == measurement.response
