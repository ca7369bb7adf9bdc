"""Properties of the phase model: validity, agreement, partition, classification."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piezomethod import strategies as pst
from piezomethod.errors import TransitionError
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    validate_events,
)

POLICIES = (
    st.sampled_from([TransitionPolicy.methodiek(), TransitionPolicy.strict()]) | pst.policies()
)


@given(st.data())
def test_valid_histories_validate_clean_under_their_policy(data: st.DataObject) -> None:
    policy = data.draw(POLICIES)
    events = data.draw(pst.histories(policy=policy))
    assert validate_events(events, policy=policy) == []
    assert Trajectory.from_events("p", events, policy=policy).events == tuple(events)


@given(st.data())
def test_validate_events_and_from_events_agree(data: st.DataObject) -> None:
    policy = data.draw(POLICIES)
    events = data.draw(pst.event_lists())
    errors = [i for i in validate_events(events, policy=policy, participant_id="p") if i.is_error]
    try:
        trajectory = Trajectory.from_events("p", events, policy=policy)
    except TransitionError as err:
        assert errors, "from_events refused a history validate_events found no error in"
        assert list(err.issues) == errors
    else:
        assert not errors, "from_events accepted a history validate_events found errors in"
        assert trajectory.events == tuple(events)


@given(st.data())
def test_recording_one_by_one_agrees_with_the_whole_history(data: st.DataObject) -> None:
    policy = data.draw(POLICIES)
    events = data.draw(pst.event_lists())
    errors = [i for i in validate_events(events, policy=policy) if i.is_error]
    t = Trajectory(participant_id="p")
    refused_at = None
    for index, event in enumerate(events):
        before = t
        try:
            t = t.record(event, policy=policy)
        except TransitionError as err:
            assert t is before
            assert len(t.events) == index
            assert all(i.index == index for i in err.issues)
            refused_at = index
            break
    first_error = errors[0].index if errors else None
    assert refused_at == first_error


@given(pst.trajectories())
def test_stays_partition_each_episode(t: Trajectory) -> None:
    as_of = (t.events[-1].date if t.events else datetime.date(2030, 1, 1)) + datetime.timedelta(
        days=30
    )
    episodes = t.episodes()
    assert sum(len(e.stays) for e in episodes) == len(t.stays())
    for episode in episodes:
        stays = episode.stays
        assert stays[0].start == episode.start
        assert stays[-1].end == episode.end
        for a, b in itertools.pairwise(stays):
            assert a.end == b.start
            assert a.phase != b.phase
        total = sum((s.duration(as_of=as_of) for s in stays), datetime.timedelta(0))
        assert total == episode.duration(as_of=as_of)
    # time in each phase adds up to the time enrolled
    enrolled = sum((e.duration(as_of=as_of) for e in episodes), datetime.timedelta(0))
    per_phase = sum((t.time_in_phase(p, as_of=as_of) for p in Phase), datetime.timedelta(0))
    assert per_phase == enrolled


@given(pst.trajectories())
def test_move_kinds_agree_with_the_phase_difference(t: Trajectory) -> None:
    moves = t.moves()
    assert len(moves) == len(t.events)
    for n, move in enumerate(moves):
        assert move.index == n
        if move.from_phase is None:
            assert move.kind is (MoveKind.RE_ENTRY if n else MoveKind.ENTRY)
        elif move.to_phase is None:
            assert move.kind is MoveKind.EXIT
        else:
            step = move.to_phase - move.from_phase
            assert move.step == step != 0
            expected = (
                MoveKind.ADVANCE if step == 1 else MoveKind.SKIP if step > 1 else MoveKind.SETBACK
            )
            assert move.kind is expected


@given(
    pst.trajectories(),
    pst.dates(min_value=datetime.date(1999, 1, 1), max_value=datetime.date(2070, 1, 1)),
)
def test_phase_on_agrees_with_the_stays(t: Trajectory, day: datetime.date) -> None:
    # A same-day move gives a zero-length stay, which no day falls in.
    covering = [s for s in t.stays() if s.start <= day and (s.end is None or day < s.end)]
    assert len(covering) <= 1
    assert t.phase_on(day) == (covering[0].phase if covering else None)


@given(pst.trajectories())
def test_current_phase_is_the_last_stay_while_active(t: Trajectory) -> None:
    stays = t.stays()
    if t.is_active:
        assert stays[-1].end is None
        assert t.current_phase is stays[-1].phase
    else:
        assert all(s.end is not None for s in stays)
        assert t.current_phase is None


@given(pst.trajectories(), st.integers(min_value=0, max_value=4000))
def test_time_in_phase_never_decreases_with_as_of(t: Trajectory, extra: int) -> None:
    if not t.events:
        return
    start = t.events[0].date
    later = start + datetime.timedelta(days=extra)
    for phase in Phase:
        early = t.time_in_phase(phase, as_of=start + datetime.timedelta(days=extra // 2))
        assert early <= t.time_in_phase(phase, as_of=later)


@pytest.mark.parametrize("cls", [Enrolment, PhaseChange, Exit])
def test_strategies_draw_every_event_type(cls: type[Event]) -> None:
    # Guard against a strategy that silently stops producing a kind of event.
    found: list[bool] = []

    @given(pst.histories(max_size=12))
    def collect(events: list[Event]) -> None:
        found.append(any(isinstance(e, cls) for e in events))

    collect()
    assert any(found)
