"""A coach's worklist: every reason, the coach filter, and its invariants."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from piezomethod.caseload import WorkItem, guidance_figures, to_frame, worklist
from piezomethod.guidance import (
    CoachAssignment,
    Contact,
    DomainAssessment,
    Guidance,
    GuidancePolicy,
    Intake,
    Referral,
    life_domains,
)
from piezomethod.outcomes import Measurement, MeasurementMoment, Response
from piezomethod.passport import DevelopmentGoal, DevelopmentPassport
from piezomethod.phases import Enrolment, Event, Exit, Phase, PhaseChange, Trajectory
from piezomethod.records import Cohort, Participant, ParticipantRecord
from piezomethod.synth import synthetic_cohort

D = datetime.date
AS_OF = D(2024, 6, 28)
FULL_INTAKE = Intake(
    date=D(2024, 1, 8),
    domains=[DomainAssessment(domain_id=d.id, status="no_concern") for d in life_domains()],
)


def _entry(pid: str, day: datetime.date) -> Measurement:
    return Measurement(
        participant_id=pid,
        moment=MeasurementMoment.ENTRY,
        date=day,
        response=Response(
            instrument_id="cbs-geluk", instrument_version="1.0", answers={"geluk": 7}
        ),
    )


def _record(
    pid: str,
    events: Sequence[Event],
    *,
    coach: str = "coach-a",
    contacts: list[Contact] | None = None,
    intake: Intake | None = FULL_INTAKE,
    measurements: tuple[Measurement, ...] | None = None,
    passport: DevelopmentPassport | None = None,
) -> ParticipantRecord:
    start = events[0].date
    return ParticipantRecord(
        participant=Participant(id=pid),
        trajectory=Trajectory.from_events(pid, events),
        measurements=measurements if measurements is not None else (_entry(pid, start),),
        passport=passport,
        guidance=Guidance(
            participant_id=pid,
            intake=intake,
            coaches=[CoachAssignment(coach_id=coach, start=start)],
            contacts=contacts or [],
        ),
    )


def _codes(record: ParticipantRecord, **options: object) -> list[tuple[str, datetime.date]]:
    return [(i.code.value, i.since) for i in worklist([record], as_of=AS_OF, **options)]  # type: ignore[arg-type]


ENROLLED: list[Event] = [Enrolment(date=D(2024, 1, 8), phase=Phase(1))]
RECENT = [Contact(date=D(2024, 6, 20), kind="periodic")]


def test_a_participant_in_order_needs_nothing() -> None:
    assert _codes(_record("p", ENROLLED, contacts=RECENT)) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # no contact since 1 April: the phase-1 interval of 42 days ran out on 13 May
        (
            {"contacts": [Contact(date=D(2024, 4, 1), kind="periodic")]},
            [("no_recent_contact", D(2024, 5, 13))],
        ),
        ({"contacts": RECENT, "intake": None}, [("intake_missing", D(2024, 1, 8))]),
        (
            {"contacts": RECENT, "intake": Intake(date=D(2024, 1, 8))},
            [("intake_incomplete", D(2024, 1, 8))],
        ),
        ({"contacts": RECENT, "measurements": ()}, [("measurement_missing", D(2024, 2, 7))]),
        (
            {
                "contacts": [
                    *RECENT,
                    Contact(
                        date=D(2024, 3, 1),
                        kind="referral",
                        referral=Referral(to="schuldhulp", domain_id="financien"),
                    ),
                ]
            },
            [("referral_open", D(2024, 3, 1))],
        ),
        (
            {
                "contacts": RECENT,
                "passport": DevelopmentPassport(
                    participant_id="p",
                    goals=[
                        DevelopmentGoal(
                            id="g",
                            skill_id="samenwerken",
                            phase=1,
                            set_on=D(2023, 12, 1),
                            status="in_progress",
                        )
                    ],
                ),
            },
            [("goal_stalled", D(2024, 6, 1))],
        ),
    ],
)
def test_each_reason_on_its_own(
    changes: dict[str, object], expected: list[tuple[str, datetime.date]]
) -> None:
    assert _codes(_record("p", ENROLLED, **changes)) == expected  # type: ignore[arg-type]


def test_a_due_questionnaire_after_a_phase_change() -> None:
    events = [*ENROLLED, PhaseChange(date=D(2024, 6, 24), to_phase=Phase(2))]
    found = _codes(_record("p", events, contacts=RECENT))
    assert found == [("measurement_due", D(2024, 6, 10))]


def test_aftercare_is_due_within_the_window_and_done_by_a_contact() -> None:
    events = [*ENROLLED, Exit(date=D(2024, 6, 1), destination="paid_work")]
    exit_measurement = attrs.evolve(_entry("p", D(2024, 6, 1)), moment=MeasurementMoment.EXIT)
    measurements = (_entry("p", D(2024, 1, 8)), exit_measurement)
    record = _record("p", events, contacts=RECENT, measurements=measurements)
    assert _codes(record) == [("aftercare_due", D(2024, 6, 1))]
    after = _record(
        "p",
        events,
        contacts=[*RECENT, Contact(date=D(2024, 6, 21), kind="aftercare")],
        measurements=measurements,
    )
    assert _codes(after) == []
    # after the window, aftercare is no longer asked (the follow-up questionnaire is)
    late = [i.code.value for i in worklist([record], as_of=D(2024, 10, 1))]
    assert late == ["measurement_due"]


def test_what_a_closed_trajectory_left_open_is_history_after_the_aftercare_window() -> None:
    left = D(2024, 3, 1)
    events = [*ENROLLED, Exit(date=left, destination="paid_work")]
    referral = Contact(
        date=D(2024, 2, 1), kind="referral", referral=Referral(to="GGD", domain_id="gezondheid")
    )
    record = _record("p", events, contacts=[referral])
    assert record.guidance is not None
    # the coach's assignment ended when the participant left: the items still fall to them
    ended = attrs.evolve(
        record,
        guidance=attrs.evolve(
            record.guidance,
            coaches=[CoachAssignment(coach_id="coach-a", start=D(2024, 1, 8), end=left)],
        ),
    )
    within = left + datetime.timedelta(days=GuidancePolicy().aftercare_days)
    mine = [i.code.value for i in worklist([ended], as_of=within, coach="coach-a")]
    assert mine == ["referral_open", "aftercare_due", "measurement_missing", "measurement_due"]
    # a day later the participant is no longer in guidance: only an open questionnaire is work
    later = within + datetime.timedelta(days=1)
    assert [i.code.value for i in worklist([ended], as_of=later)] == ["measurement_due"]
    assert worklist([ended], as_of=D(2026, 1, 1)) == ()


def test_a_transition_talk_is_asked_only_where_the_policy_requires_one() -> None:
    events = [*ENROLLED, PhaseChange(date=D(2024, 3, 4), to_phase=Phase(2))]
    transition = attrs.evolve(_entry("p", D(2024, 3, 4)), moment=MeasurementMoment.TRANSITION)
    record = _record(
        "p", events, contacts=RECENT, measurements=(_entry("p", D(2024, 1, 8)), transition)
    )
    assert _codes(record) == []
    required = GuidancePolicy(require_transition_talk=True)
    assert _codes(record, policy=required) == [("transition_without_talk", D(2024, 3, 4))]


def test_the_coach_filter_and_the_team_list() -> None:
    mine = _record("p-1", ENROLLED, coach="coach-a", intake=None, contacts=RECENT)
    theirs = _record("p-2", ENROLLED, coach="coach-b", intake=None, contacts=RECENT)
    assert [i.participant_id for i in worklist([mine, theirs], as_of=AS_OF, coach="coach-a")] == [
        "p-1"
    ]
    team = worklist([mine, theirs], as_of=AS_OF)
    assert [(i.participant_id, i.coach_id) for i in team] == [
        ("p-1", "coach-a"),
        ("p-2", "coach-b"),
    ]
    assert worklist([mine, theirs], as_of=AS_OF, coach="nobody") == ()


def test_the_worklist_as_a_frame() -> None:
    pytest.importorskip("pandas")
    frame = to_frame(worklist([_record("p", ENROLLED, intake=None, contacts=RECENT)], as_of=AS_OF))
    assert list(frame.columns) == ["participant_id", "code", "since", "coach_id", "message"]  # type: ignore[attr-defined]
    assert frame.iloc[0]["code"] == "intake_missing"  # type: ignore[attr-defined]


def test_no_item_carries_personal_text() -> None:
    contact = Contact(
        date=D(2024, 3, 1),
        kind="referral",
        next_steps="bel mevrouw Jansen",
        referral=Referral(to="Jansen & co", domain_id="taal"),
    )
    items = worklist([_record("p", ENROLLED, contacts=[contact])], as_of=AS_OF)
    assert items
    assert all("Jansen" not in i.message for i in items)


_COHORT = synthetic_cohort(n=30, seed=5)


@given(st.integers(0, 2000))
def test_items_are_never_in_the_future_and_come_oldest_first(days: int) -> None:
    as_of = D(2018, 1, 1) + datetime.timedelta(days=days)
    items = worklist(_COHORT, as_of=as_of)
    assert all(isinstance(i, WorkItem) for i in items)
    assert all(i.since <= as_of for i in items)
    assert [i.since for i in items] == sorted(i.since for i in items)


@given(st.integers(0, 2000))
def test_only_participants_in_guidance_have_work_beyond_an_open_questionnaire(days: int) -> None:
    as_of = D(2018, 1, 1) + datetime.timedelta(days=days)
    window = datetime.timedelta(days=GuidancePolicy().aftercare_days)
    by_id = {r.id: r for r in _COHORT.records}
    for item in worklist(_COHORT, as_of=as_of):
        if item.code.value == "measurement_due":
            continue
        trajectory = by_id[item.participant_id].trajectory
        events = [e for e in trajectory.events if e.date <= as_of]
        assert events
        assert trajectory.phase_on(as_of) is not None or (
            isinstance(events[-1], Exit) and as_of <= events[-1].date + window
        )


@given(st.integers(1, 200))
def test_a_contact_never_adds_work(days_ago: int) -> None:
    record = _record("p", ENROLLED, contacts=[Contact(date=D(2024, 1, 8), kind="periodic")])
    before = worklist([record], as_of=AS_OF)
    contact = Contact(date=AS_OF - datetime.timedelta(days=days_ago), kind="periodic")
    assert record.guidance is not None
    later = attrs.evolve(
        record,
        guidance=attrs.evolve(record.guidance, contacts=(*record.guidance.contacts, contact)),
    )
    after = worklist([later], as_of=AS_OF)
    # nothing new to do, and nothing waits longer than it did
    waiting = {(i.participant_id, i.code): i.since for i in before}
    assert all((i.participant_id, i.code) in waiting for i in after)
    assert all(i.since >= waiting[(i.participant_id, i.code)] for i in after)


# -- the team lead's figures ----------------------------------------------------------------------


def _team() -> Cohort:
    one = _record(
        "p-1",
        [*ENROLLED, PhaseChange(date=D(2024, 3, 4), to_phase=Phase(2))],
        coach="coach-a",
        contacts=[
            Contact(date=D(2024, 1, 15), kind="intake"),  # 7 days after entry, in phase 1
            Contact(date=D(2024, 2, 26), kind="transition_talk", decides_change_on=D(2024, 3, 4)),
            Contact(date=D(2024, 4, 1), kind="periodic"),  # in phase 2
        ],
    )
    two = _record(
        "p-2",
        [
            Enrolment(date=D(2024, 2, 5), phase=Phase(1)),
            PhaseChange(date=D(2024, 5, 6), to_phase=Phase(3)),
        ],
        coach="coach-a",
        intake=Intake(date=D(2024, 2, 5)),  # maps no domain
        contacts=[Contact(date=D(2024, 2, 5), kind="intake")],  # on the day of entry
    )
    three = _record(
        "p-3", [Enrolment(date=D(2024, 6, 3), phase=Phase(0))], coach="coach-b", intake=None
    )
    unguided = ParticipantRecord(
        participant=Participant(id="p-4"),
        trajectory=Trajectory.from_events("p-4", [Enrolment(date=D(2024, 1, 1), phase=Phase(1))]),
    )
    return Cohort(records=[one, two, three, unguided], as_of=AS_OF)


def test_the_team_leads_figures_by_hand() -> None:
    figures = guidance_figures(_team())
    assert figures.participants == 3  # the record without guidance says nothing about it
    counts = figures.counts
    assert [counts.get(str(p), "contacts") for p in range(5)] == [0, 3, 1, 0, 0]
    assert [counts.get(str(p), "transitions") for p in range(5)] == [0, 0, 1, 1, 0]
    assert [counts.get(str(p), "with_talk") for p in range(5)] == [0, 0, 1, 0, 0]
    assert figures.share_with_talk == 0.5
    assert (figures.intakes, figures.complete_intakes, figures.share_complete_intakes) == (
        2,
        1,
        0.5,
    )
    assert dict(zip(figures.caseload.rows, figures.caseload.row_totals, strict=True)) == {
        "coach-a": 2,
        "coach-b": 1,
    }
    assert sorted(figures.first_contact_days) == [0, 7]
    assert figures.awaiting_first_contact == 1  # p-3 has not been seen yet
    assert figures.median_first_contact_days == 3.5
    # phase 1: p-1 from 8 Jan to 4 Mar (56 days), p-2 from 5 Feb to 6 May (91 days)
    assert figures.participant_months[Phase(1)] == pytest.approx((56 + 91) / (365.25 / 12))
    assert figures.contacts_per_month(Phase(1)) == pytest.approx(3 / ((56 + 91) / (365.25 / 12)))
    assert figures.contacts_per_month(Phase(4)) is None


def test_the_team_leads_figures_can_be_published_suppressed() -> None:
    # caseloads of 2 and 1: the 1 is suppressed, the 2 and the total (3) rounded to 5
    published = guidance_figures(_team()).caseload.suppress(2)
    assert published.cells == (("5",), ("<2",))
    assert published.total == "5"


def test_the_team_leads_figures_as_a_frame() -> None:
    pytest.importorskip("pandas")
    frame = guidance_figures(_team()).to_frame()
    assert list(frame["contacts"]) == [0, 3, 1, 0, 0]


@given(st.integers(0, 900))
def test_contacts_per_phase_add_up_to_the_contacts_held_while_enrolled(days: int) -> None:
    cohort = _team()
    as_of = D(2024, 1, 1) + datetime.timedelta(days=days)
    figures = guidance_figures(Cohort(records=cohort.records, as_of=as_of))
    held = sum(
        1
        for r in cohort.records
        if r.guidance is not None
        for c in r.guidance.contacts
        if c.date <= as_of and r.trajectory.phase_on(c.date) is not None
    )
    assert sum(figures.counts.get(str(p), "contacts") for p in range(5)) == held
    share = figures.share_with_talk
    assert share is None or 0 <= share <= 1


@pytest.mark.parametrize(
    "day", [D.max, D.max - datetime.timedelta(days=30), D.min + datetime.timedelta(days=2)]
)
def test_dates_at_the_calendars_ends_hold_every_window_there(day: datetime.date) -> None:
    from piezomethod.outcomes import schedule

    # 9999-12-31 is a placeholder some systems write for "no end": nothing may overflow
    events: list[Event] = [
        Enrolment(date=D.min, phase=Phase(1)),
        Exit(date=day, destination="paid_work"),
    ]
    talk = Contact(date=D.min, kind="transition_talk", decides_change_on=D.min)
    record = _record("p", events, contacts=[talk])
    due = schedule(record.trajectory, as_of=D.max)
    assert due[-1].window_end == D.max or due[-1].window_end > day
    assert all(d.window_start <= d.window_end for d in due)
    items = worklist([record], as_of=D.max, policy=GuidancePolicy(require_transition_talk=True))
    assert all(i.since <= D.max for i in items)
