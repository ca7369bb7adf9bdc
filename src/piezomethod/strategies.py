"""Hypothesis strategies for the library's objects, for your own property tests.

Needs Hypothesis (``pip install "piezomethod[testing]"``). Two families:

* arbitrary values: :func:`events` and :func:`event_lists` draw events in any order, so most
  lists break the phase model somewhere — for testing validators and error paths;
* valid values: :func:`histories` and :func:`trajectories` draw histories that are valid under
  a given :class:`~piezomethod.phases.TransitionPolicy` — for testing what you build on them.

>>> from hypothesis import given
>>> from piezomethod.phases import TransitionPolicy, validate_events
>>> @given(histories(policy=TransitionPolicy.strict()))
... def test_clean(events):
...     assert validate_events(events, policy=TransitionPolicy.strict()) == []
>>> test_clean()
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from piezomethod.outcomes import Code, Instrument, Measurement, MeasurementMoment, Response
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    classify_move,
)

__all__ = [
    "dates",
    "enrolments",
    "event_lists",
    "events",
    "exits",
    "histories",
    "measurements",
    "optional_texts",
    "participant_ids",
    "phase_changes",
    "phases",
    "policies",
    "responses",
    "trajectories",
]

_MIN_DATE = datetime.date(2000, 1, 1)
_MAX_DATE = datetime.date(2035, 12, 31)
_MAX_GAP_DAYS = 900  # a little over twice the mean time in a phase


def phases() -> st.SearchStrategy[Phase]:
    """Any of the five phases."""
    return st.sampled_from(Phase)


def dates(
    *, min_value: datetime.date = _MIN_DATE, max_value: datetime.date = _MAX_DATE
) -> st.SearchStrategy[datetime.date]:
    """Calendar dates (never datetimes) in a range around the method's lifetime."""
    return st.dates(min_value=min_value, max_value=max_value)


def optional_texts() -> st.SearchStrategy[str | None]:
    """None or a non-blank free text (a reason, a referrer)."""
    return st.none() | st.text(min_size=1, max_size=40).filter(lambda s: bool(s.strip()))


def participant_ids() -> st.SearchStrategy[str]:
    """Non-blank participant ids."""
    return st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip()))


def enrolments() -> st.SearchStrategy[Enrolment]:
    """Any enrolment."""
    return st.builds(Enrolment, date=dates(), phase=phases(), referrer=optional_texts())


def phase_changes() -> st.SearchStrategy[PhaseChange]:
    """Any phase change."""
    return st.builds(PhaseChange, date=dates(), to_phase=phases(), reason=optional_texts())


def exits() -> st.SearchStrategy[Exit]:
    """Any exit."""
    return st.builds(
        Exit, date=dates(), destination=st.sampled_from(ExitDestination), reason=optional_texts()
    )


def events() -> st.SearchStrategy[Event]:
    """Any single event."""
    return st.one_of(enrolments(), phase_changes(), exits())


@st.composite
def event_lists(draw: st.DrawFn, *, max_size: int = 12) -> list[Event]:
    """Arbitrary, possibly invalid histories: events in any order, dates sorted or not.

    Half the time the dates are sorted, so that the structural rules other than the date
    order get exercised too.
    """
    found = draw(st.lists(events(), max_size=max_size))
    if draw(st.booleans()):
        order = sorted(range(len(found)), key=lambda i: found[i].date)
        found = [found[i] for i in order]
    return found


@st.composite
def histories(
    draw: st.DrawFn, *, policy: TransitionPolicy | None = None, max_size: int = 12
) -> list[Event]:
    """Histories that are valid under ``policy`` (default: the method itself).

    Every step is drawn from the moves the policy allows from the current state, and a reason
    (or a referrer, for entries) is always drawn where the policy requires one.
    """
    rules = policy or TransitionPolicy.methodiek()
    day = draw(dates(max_value=datetime.date(2030, 12, 31)))
    size = draw(st.integers(min_value=0, max_value=max_size))
    found: list[Event] = []
    phase: Phase | None = None
    for _ in range(size):
        if phase is None:
            options: list[Phase | None] = [*sorted(rules.entry_phases)]
        else:
            options = [q for q in Phase if (phase, q) in rules.moves]
            if phase in rules.exit_phases:
                options.append(None)
        if not options:
            break
        target = draw(st.sampled_from(options))
        day += datetime.timedelta(days=draw(st.integers(min_value=0, max_value=_MAX_GAP_DAYS)))
        kind = classify_move(phase, target, re_entry=bool(found))
        text = draw(optional_texts())
        if kind in rules.reasons_required and text is None:
            text = draw(st.sampled_from(["op eigen verzoek", "gezondheid", "advies coach"]))
        if target is None:
            found.append(
                Exit(date=day, destination=draw(st.sampled_from(ExitDestination)), reason=text)
            )
        elif phase is None:
            found.append(Enrolment(date=day, phase=target, referrer=text))
        else:
            found.append(PhaseChange(date=day, to_phase=target, reason=text))
        phase = target
    return found


@st.composite
def trajectories(
    draw: st.DrawFn,
    *,
    policy: TransitionPolicy | None = None,
    participant_id: str | None = None,
    max_size: int = 12,
) -> Trajectory:
    """Trajectories valid under ``policy``, built with :meth:`Trajectory.from_events`."""
    pid = participant_id if participant_id is not None else draw(participant_ids())
    return Trajectory.from_events(
        pid, draw(histories(policy=policy, max_size=max_size)), policy=policy
    )


@st.composite
def policies(draw: st.DrawFn) -> TransitionPolicy:
    """Arbitrary transition policies: any subsets of entries, exits and moves, any reasons."""
    all_moves = sorted((a, b) for a in Phase for b in Phase if a != b)
    return TransitionPolicy(
        name=draw(st.sampled_from(["house", "pilot", "strenger"])),
        entry_phases=draw(st.frozensets(phases())),
        exit_phases=draw(st.frozensets(phases())),
        moves=draw(st.frozensets(st.sampled_from(all_moves))),
        reasons_required=draw(st.frozensets(st.sampled_from(MoveKind))),
    )


@st.composite
def responses(draw: st.DrawFn, instrument: Instrument, *, min_answered: int = 0) -> Response:
    """Valid responses to ``instrument``: any subset of items (at least ``min_answered``),
    each answered with one of its response scale's codes."""
    answers: dict[str, Code] = {}
    items = list(instrument.items)
    chosen = draw(
        st.lists(
            st.sampled_from(items), unique_by=lambda i: i.id, min_size=min(min_answered, len(items))
        )
        if items
        else st.just([])
    )
    for item in chosen:
        options = instrument.response_scale(item.response_scale).options
        answers[item.id] = draw(st.sampled_from(options)).code
    return Response(
        instrument_id=instrument.id, instrument_version=instrument.version, answers=answers
    )


def measurements(
    instrument: Instrument,
    *,
    participant_id: str,
    moments: st.SearchStrategy[MeasurementMoment] | None = None,
) -> st.SearchStrategy[Measurement]:
    """Measurements of ``participant_id`` with valid responses to ``instrument``."""
    return st.builds(
        Measurement,
        participant_id=st.just(participant_id),
        moment=moments if moments is not None else st.sampled_from(MeasurementMoment),
        date=dates(),
        response=responses(instrument),
    )
