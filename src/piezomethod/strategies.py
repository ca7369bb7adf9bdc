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

import attrs
from hypothesis import strategies as st

from piezomethod import guidance as _guidance
from piezomethod.consent import Consent, DataCategory
from piezomethod.outcomes import AnswerCode, Instrument, Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    Celebration,
    Confirmer,
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    EvidenceKind,
    GoalStatus,
    Placement,
    PlacementKind,
    SkillCatalogue,
    Talent,
    milestones_from,
)
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
from piezomethod.records import Cohort, Gender, Participant, ParticipantRecord

__all__ = [
    "cohorts",
    "consents",
    "dates",
    "enrolments",
    "event_lists",
    "events",
    "exits",
    "guidances",
    "histories",
    "measurements",
    "optional_texts",
    "participant_ids",
    "participant_records",
    "participants",
    "passports",
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
def responses(
    draw: st.DrawFn, instrument: Instrument, *, min_answered: int = 0, as_asked: bool = False
) -> Response:
    """Valid responses to ``instrument``: any subset of items (at least ``min_answered``),
    each answered with one of its response scale's codes. With ``as_asked``, only as a form
    asks them: an item with a condition (``asked_if``) answered only when it holds."""
    answers: dict[str, AnswerCode] = {}
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
    if as_asked:
        asked: dict[str, AnswerCode] = {}
        for item in instrument.items:  # a condition is on an earlier item
            if item.id in answers and instrument.asked(item.id, asked):
                asked[item.id] = answers[item.id]
        answers = asked
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


def _free_text(canary: str | None) -> st.SearchStrategy[str]:
    base = st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip()))
    return base if canary is None else base.map(lambda s: f"{s} {canary}")


@st.composite
def passports(
    draw: st.DrawFn,
    *,
    catalogue: SkillCatalogue,
    participant_id: str = "p-1",
    trajectory: Trajectory | None = None,
    canary: str | None = None,
) -> DevelopmentPassport:
    """Passports that validate under ``catalogue``: at most three ranked talents with distinct
    ranks, goals in every status with dates in order, placements with catalogue skills, and (given
    a ``trajectory``) celebrations of its real milestones.

    Every free-text field the participant or coach fills in (wishes, dreams, expectations,
    talents, goal notes, evidence descriptions, placement tasks) contains ``canary`` when given,
    so a test can check that none of it leaks.
    """
    skill_ids = [s.id for s in catalogue.skills]
    text = _free_text(canary)
    ranks = draw(st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=3))
    talents = [
        Talent(name=draw(text), rank=r, skill_id=draw(st.none() | st.sampled_from(skill_ids)))
        for r in ranks
    ]
    talents += [Talent(name=draw(text)) for _ in range(draw(st.integers(0, 2)))]
    goals = []
    for n in range(draw(st.integers(0, 4))):
        set_on = draw(dates(max_value=datetime.date(2030, 1, 1)))
        goal = DevelopmentGoal(
            id=f"g{n}",
            skill_id=draw(st.sampled_from(skill_ids)),
            phase=draw(phases()),
            set_on=set_on,
            note=draw(st.none() | text),
        )
        path = draw(
            st.sampled_from(
                [
                    [],
                    ["in_progress"],
                    ["in_progress", "achieved"],
                    ["dropped"],
                    ["in_progress", "dropped"],
                ]
            )
        )
        day = set_on
        for status in path:
            day += datetime.timedelta(days=draw(st.integers(0, 300)))
            evidence = []
            if status == "achieved":
                evidence = [
                    Evidence(
                        kind=draw(st.sampled_from(EvidenceKind)),
                        confirmed_by=draw(st.sampled_from(Confirmer)),
                        confirmed_on=day,
                        description=draw(st.none() | text),
                    )
                ]
            goal = goal.advance(GoalStatus(status), on=day, evidence=evidence)
        goals.append(goal)
    placements = []
    for n in range(draw(st.integers(0, 3))):
        start = draw(dates(max_value=datetime.date(2030, 1, 1)))
        length = draw(st.none() | st.integers(0, 700))
        end = None if length is None else start + datetime.timedelta(days=length)
        placements.append(
            Placement(
                id=f"pl{n}",
                kind=draw(st.sampled_from(PlacementKind)),
                organisation=draw(
                    st.sampled_from(["Kringloop", "Buurthuis De Kern", "Zorgcentrum"])
                ),
                phase=draw(phases()),
                start=start,
                end=end,
                hours_per_week=draw(st.none() | st.integers(0, 40)),
                tasks=draw(st.lists(text, max_size=2)),
                skills=draw(st.lists(st.sampled_from(skill_ids), max_size=3, unique=True)),
            )
        )
    celebrations = []
    if trajectory is not None:
        for milestone in milestones_from(trajectory, goals):
            if draw(st.booleans()):
                celebrations.append(Celebration(milestone_id=milestone.id, on=milestone.date))
    return DevelopmentPassport(
        participant_id=participant_id,
        wishes=draw(st.lists(text, max_size=2)),
        dreams=draw(st.lists(text, max_size=2)),
        expectations=draw(st.lists(text, max_size=2)),
        talents=talents,
        goals=goals,
        placements=placements,
        celebrations=celebrations,
    )


@st.composite
def consents(draw: st.DrawFn, *, participant_id: str = "p-1") -> Consent:
    """Consents of ``participant_id``, some expiring, some withdrawn."""
    given = draw(dates(max_value=datetime.date(2030, 1, 1)))
    later = st.integers(0, 1500).map(lambda d: given + datetime.timedelta(days=d))
    return Consent(
        participant_id=participant_id,
        recipient=draw(st.sampled_from(["employer", "partner-kringloop", "school"])),
        purposes=draw(
            st.frozensets(st.sampled_from(["sollicitatie", "plaatsing", "onderzoek"]), min_size=1)
        ),
        categories=draw(st.frozensets(st.sampled_from(DataCategory), min_size=1)),
        given_on=given,
        expires_on=draw(st.none() | later),
        withdrawn_on=draw(st.none() | later),
    )


@st.composite
def participants(
    draw: st.DrawFn, *, participant_id: str = "p-1", canary: str | None = None
) -> Participant:
    """Participants; ``referrer`` and the open attributes carry ``canary`` when given."""
    text = _free_text(canary)
    return Participant(
        id=participant_id,
        birth_year=draw(st.none() | st.integers(1930, 2008)),
        gender=draw(st.sampled_from(Gender)),
        statushouder=draw(st.none() | st.booleans()),
        municipality=draw(st.none() | st.sampled_from(["Zoetermeer", "Leiden", "Rijswijk"])),
        organisation=draw(st.none() | st.just("Piëzo")),
        # with a canary the referrer always carries it, so every record holds some free text
        referrer=draw(text if canary is not None else st.none() | text),
        attributes=draw(
            st.dictionaries(
                st.sampled_from(["wijk", "notitie", "kinderen"]),
                st.none() | text | st.integers(0, 9),
                max_size=2,
            )
        ),
    )


@st.composite
def cohorts(draw: st.DrawFn, *, max_size: int = 12) -> Cohort:
    """Cohorts of valid trajectories (no measurements or passports) with distinct ids, drawn
    ``as_of`` a day that may fall before some of their events."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    records = []
    for k in range(size):
        pid = f"c-{k}"
        participant = Participant(
            id=pid,
            birth_year=draw(st.none() | st.integers(1930, 2008)),
            gender=draw(st.sampled_from(Gender)),
            statushouder=draw(st.none() | st.booleans()),
        )
        trajectory = draw(trajectories(participant_id=pid, max_size=8))
        records.append(ParticipantRecord(participant=participant, trajectory=trajectory))
    return Cohort(records=records, as_of=draw(dates(max_value=datetime.date(2040, 12, 31))))


@st.composite
def guidances(
    draw: st.DrawFn, *, participant_id: str = "p-1", canary: str | None = None
) -> _guidance.Guidance:
    """Guidance histories: an intake, coach and buddy assignments, contacts of every kind (with
    ``canary`` in every free text and id typed by a person). Not necessarily valid under
    :func:`~piezomethod.guidance.validate_guidance`: each part is, the whole need not be."""
    domain_ids = [d.id for d in _guidance.life_domains()]
    start = draw(dates())

    def day() -> datetime.date:
        return start + datetime.timedelta(days=draw(st.integers(0, 900)))

    def span() -> tuple[datetime.date, datetime.date | None]:
        first = day()
        length = draw(st.none() | st.integers(0, 400))
        return first, None if length is None else first + datetime.timedelta(days=length)

    intake = None
    if draw(st.booleans()):
        intake = _guidance.Intake(
            date=start,
            wishes=draw(st.lists(_free_text(canary), max_size=2)),
            talents=draw(st.lists(_free_text(canary), max_size=2)),
            expectations=draw(st.lists(_free_text(canary), max_size=2)),
            domains=[
                _guidance.DomainAssessment(
                    domain_id=d, status=draw(st.sampled_from(list(_guidance.DomainStatus)))
                )
                for d in draw(st.lists(st.sampled_from(domain_ids), unique=True))
            ],
            facts=[
                _guidance.Fact(kind=k, value=draw(_free_text(canary)), date=start)
                for k in draw(st.lists(st.sampled_from(list(_guidance.FactKind)), unique=True))
            ],
        )
    coaches = []
    for _ in range(draw(st.integers(0, 3))):
        first, end = span()
        coaches.append(
            _guidance.CoachAssignment(
                coach_id=draw(_free_text(canary)),
                start=first,
                end=end,
                co_coach=draw(st.booleans()),
            )
        )
    buddies = []
    for _ in range(draw(st.integers(0, 2))):
        first, end = span()
        buddies.append(
            _guidance.BuddyAssignment(buddy_id=draw(_free_text(canary)), start=first, end=end)
        )
    contacts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(list(_guidance.ContactKind)))
        when = day()
        referral = None
        if kind is _guidance.ContactKind.REFERRAL:
            outcome = draw(st.none() | st.sampled_from(list(_guidance.ReferralOutcome)))
            referral = _guidance.Referral(
                to=draw(_free_text(canary)),
                domain_id=draw(st.sampled_from(domain_ids)),
                outcome=outcome,
                outcome_date=None if outcome is None else day(),
            )
        contacts.append(
            _guidance.Contact(
                date=when,
                kind=kind,
                roles=draw(st.frozensets(st.sampled_from(list(_guidance.Role)))),
                domains=draw(st.lists(st.sampled_from(domain_ids), max_size=2)),
                goals=draw(st.lists(_free_text(canary), max_size=2)),
                next_steps=draw(st.none() | _free_text(canary)),
                referral=referral,
                decides_change_on=day()
                if kind in _guidance.TALKS and draw(st.booleans())
                else None,
            )
        )
    return _guidance.Guidance(
        participant_id=participant_id,
        intake=intake,
        coaches=coaches,
        contacts=contacts,
        buddies=buddies,
    )


@st.composite
def participant_records(
    draw: st.DrawFn,
    *,
    catalogue: SkillCatalogue,
    instrument: Instrument,
    participant_id: str = "p-1",
    canary: str | None = None,
) -> ParticipantRecord:
    """Whole records: participant, a valid trajectory, measurements, a passport, consents and
    guidance."""
    trajectory = draw(trajectories(participant_id=participant_id))
    if canary is not None:
        # put the canary in every reason and referrer of the history
        events = [
            attrs.evolve(e, referrer=f"verwijzer {canary}")
            if isinstance(e, Enrolment)
            else attrs.evolve(e, reason=f"reden {canary}")
            for e in trajectory.events
        ]
        trajectory = Trajectory.from_events(participant_id, events)
    return ParticipantRecord(
        participant=draw(participants(participant_id=participant_id, canary=canary)),
        trajectory=trajectory,
        measurements=draw(
            st.lists(measurements(instrument, participant_id=participant_id), max_size=3)
        ),
        passport=draw(
            st.none()
            | passports(
                catalogue=catalogue,
                participant_id=participant_id,
                trajectory=trajectory,
                canary=canary,
            )
        ),
        consents=draw(st.lists(consents(participant_id=participant_id), max_size=2)),
        guidance=draw(st.none() | guidances(participant_id=participant_id, canary=canary)),
    )
