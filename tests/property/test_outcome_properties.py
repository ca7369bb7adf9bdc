"""Properties of instruments, scoring, the schedule and compliance, over every shipped instrument."""

from __future__ import annotations

import contextlib
import datetime
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from piezomethod import strategies as pst
from piezomethod.errors import PiezoError
from piezomethod.instruments import instrument, instrument_ids, load_instrument
from piezomethod.outcomes import (
    Measurement,
    MeasurementMoment,
    Response,
    compliance,
    schedule,
    score,
)
from piezomethod.phases import Enrolment, Exit, PhaseChange, Trajectory
from piezomethod.serialization import to_dict

SHIPPED = list(instrument_ids())
SCALES = [(i, s.id) for i in SHIPPED for s in instrument(i).scales]


@pytest.mark.parametrize(("instrument_id", "scale_id"), SCALES)
@given(data=st.data())
def test_bands_cover_the_range_exactly_once(
    instrument_id: str, scale_id: str, data: st.DataObject
) -> None:
    ins = instrument(instrument_id)
    scale = ins.scale(scale_id)
    low, high = ins.scale_range(scale_id)
    value = data.draw(
        st.sampled_from([low, high])
        | st.fractions(min_value=low, max_value=high, max_denominator=1000)
    )
    for interp in scale.interpretations:
        assert sum(b.contains(value) for b in interp.bands) == 1, (interp.id, value)


@pytest.mark.parametrize("instrument_id", SHIPPED)
@given(data=st.data(), prorate=st.booleans())
def test_scores_stay_in_range(instrument_id: str, data: st.DataObject, prorate: bool) -> None:
    ins = instrument(instrument_id)
    sheet = score(ins, data.draw(pst.responses(ins)), prorate=prorate)
    for result in sheet.scales:
        if result.exact is None:
            assert result.value is None
            continue
        low, high = ins.scale_range(result.scale_id)
        assert low <= result.exact <= high
        assert result.value == float(result.exact)
        assert all(band is not None for band in result.bands.values())
    for ind in sheet.indicators:
        rungs = {r.value for i in ins.indicators if i.id == ind.indicator_id for r in i.rungs}
        assert ind.value is None or ind.value in rungs


@pytest.mark.parametrize(("instrument_id", "scale_id"), SCALES)
@given(data=st.data())
def test_a_better_answer_never_lowers_a_higher_is_better_scale(
    instrument_id: str, scale_id: str, data: st.DataObject
) -> None:
    ins = instrument(instrument_id)
    scale = ins.scale(scale_id)
    response = data.draw(pst.responses(ins, min_answered=len(ins.items)))
    si = data.draw(st.sampled_from(scale.items))
    options = ins.response_scale(ins.item(si.item).response_scale).options
    current = ins.value_of(scale_id, si.item, response.answers[si.item])
    better = [o.code for o in options if (v := ins.value_of(scale_id, si.item, o.code)) is not None and (current is None or v >= current)]  # fmt: skip
    assume(better)
    moved = Response(
        instrument_id=ins.id,
        instrument_version=ins.version,
        answers={**response.answers, si.item: data.draw(st.sampled_from(better))},
    )
    before = score(ins, response).scale(scale_id).exact
    after = score(ins, moved).scale(scale_id).exact
    assert after is not None
    if before is not None:
        assert (after >= before) if scale.higher_is_better else (after <= before)


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_instrument_json_round_trips_unchanged(instrument_id: str) -> None:
    ins = instrument(instrument_id)
    wire = to_dict(ins)
    assert load_instrument(json.dumps(wire)) == ins
    assert to_dict(load_instrument(wire)) == wire


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=15,
)


@given(st.sampled_from(SHIPPED), st.data())
def test_mutated_instrument_files_raise_only_piezo_errors(
    instrument_id: str, data: st.DataObject
) -> None:
    wire = to_dict(instrument(instrument_id))
    key = data.draw(st.sampled_from(sorted(wire)))
    mutated = {**wire, key: data.draw(json_values)}
    with contextlib.suppress(PiezoError):
        load_instrument(mutated)


# --- schedule and compliance -----------------------------------------------------------------


@given(pst.trajectories(), pst.dates())
def test_due_moments_follow_from_the_events(t: Trajectory, as_of: datetime.date) -> None:
    seen = [e for e in t.events if e.date <= as_of]
    due = schedule(t, as_of=as_of)
    counts = {m: sum(d.moment is m for d in due) for m in MeasurementMoment}
    assert counts[MeasurementMoment.ENTRY] == sum(isinstance(e, Enrolment) for e in seen)
    assert counts[MeasurementMoment.TRANSITION] == sum(isinstance(e, PhaseChange) for e in seen)
    assert counts[MeasurementMoment.EXIT] == sum(isinstance(e, Exit) for e in seen)
    assert counts[MeasurementMoment.FOLLOW_UP] == counts[MeasurementMoment.EXIT]
    assert [d.due for d in due] == sorted(d.due for d in due)
    assert all(d.window_start <= d.due <= d.window_end for d in due)


GELUK = instrument("cbs-geluk")


@given(
    pst.trajectories(participant_id="p"),
    st.lists(pst.measurements(GELUK, participant_id="p"), max_size=8),
    pst.measurements(GELUK, participant_id="p"),
    pst.dates(),
)
def test_adding_a_measurement_never_lowers_the_response_rate(
    t: Trajectory, taken: list[Measurement], extra: Measurement, as_of: datetime.date
) -> None:
    before = compliance(t, taken, as_of=as_of)
    after = compliance(t, [*taken, extra], as_of=as_of)
    assert len(before.moments) == len(after.moments)
    if before.response_rate is not None:
        assert after.response_rate is not None
        assert after.response_rate >= before.response_rate
    # and no single moment gets worse
    rank = {"not_yet_due": 0, "due": 0, "missing": 0, "late": 1, "done": 2}
    for a, b in zip(before.moments, after.moments, strict=True):
        assert a.due == b.due
        assert rank[b.status.value] >= rank[a.status.value]
