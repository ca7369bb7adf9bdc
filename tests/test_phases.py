"""Example tests for the phase model: metadata, events, policies, validation rules, queries."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from piezomethod.errors import (
    Code,
    FieldError,
    FieldTypeError,
    PolicyError,
    Severity,
    TransitionError,
)
from piezomethod.phases import (
    DEFAULT_COLOURS,
    HISTORY_CODES,
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    MoveKind,
    Phase,
    PhaseChange,
    Setting,
    Trajectory,
    TransitionPolicy,
    classify_move,
    phase_table,
    validate_events,
)

D = datetime.date


def enrol(day: int, phase: int, referrer: str | None = None) -> Enrolment:
    return Enrolment(
        date=D(2020, 1, 1) + datetime.timedelta(days=day), phase=phase, referrer=referrer
    )


def change(day: int, to: int, reason: str | None = None) -> PhaseChange:
    return PhaseChange(
        date=D(2020, 1, 1) + datetime.timedelta(days=day), to_phase=to, reason=reason
    )


def leave(
    day: int, destination: ExitDestination = ExitDestination.OTHER, reason: str | None = None
) -> Exit:
    return Exit(
        date=D(2020, 1, 1) + datetime.timedelta(days=day), destination=destination, reason=reason
    )


# --- phases --------------------------------------------------------------------------------


# Source: Movisie 2019, "De PiëzoMethodiek en haar deelnemers"; Movisie 2017/18 (Booijink); phase
# 0's setting inferred from Vakkundig aan het werk (programme brochure, 2018), "VIJF FASES",
# "deelname aan educatieve activiteiten in de Piëzo-locaties".
@pytest.mark.parametrize(
    ("number", "name_nl", "setting"),
    [
        (0, "eerste maatschappelijke activering", Setting.CENTRE),
        (1, "deelname aan activiteiten", Setting.CENTRE),
        (2, "lerend vrijwilligerswerk binnen de locatie", Setting.CENTRE),
        (3, "lerend vrijwilligerswerk bij een partnerorganisatie", Setting.PARTNER),
        (4, "opleiding en/of reguliere baan", Setting.OUTSIDE),
    ],
)
def test_phase_metadata_follows_the_sources(number: int, name_nl: str, setting: Setting) -> None:
    info = Phase(number).info
    assert info.phase == number
    assert info.name_nl == name_nl
    assert info.setting is setting
    assert info.name(lang="en") == info.name_en
    assert info.goal(lang="nl") == info.goal_nl
    assert info.source.startswith('Movisie 2019, "De PiëzoMethodiek en haar deelnemers", "')


def test_there_are_exactly_five_phases_numbered_0_to_4() -> None:
    assert [int(p) for p in Phase] == [0, 1, 2, 3, 4]


def test_phase_labels_in_both_languages() -> None:
    assert Phase(2).label() == "Fase 2: lerend vrijwilligerswerk binnen de locatie"
    assert Phase(2).label(lang="en") == "Phase 2: learning volunteer work inside the centre"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(FieldError) as info:
        Phase(1).info.name(lang="de")  # type: ignore[arg-type]
    assert info.value.code == "unknown_language"


def test_colours_default_and_override() -> None:
    table = phase_table()
    assert [i.colour for i in table] == [DEFAULT_COLOURS[p] for p in Phase]
    changed = phase_table(colours={Phase(4): "#123456"})
    assert changed[4].colour == "#123456"
    assert changed[:4] == table[:4]
    assert Phase(4).colour == DEFAULT_COLOURS[Phase(4)]  # the default is not mutated


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("red", "invalid_colour"),
        ("#12345", "invalid_colour"),
        ("#GGGGGG", "invalid_colour"),
        (123, "wrong_type"),
    ],
)
def test_invalid_colour_is_refused(bad: Any, code: str) -> None:
    with pytest.raises(FieldError) as info:
        phase_table(colours={Phase(0): bad})
    assert (info.value.code, info.value.field) == (code, "colours")


# --- events --------------------------------------------------------------------------------


def test_events_accept_plain_ints_and_strings_for_closed_vocabularies() -> None:
    assert Enrolment(date=D(2020, 1, 1), phase=2).phase is Phase.VOLUNTEERING_INSIDE
    exit_ = Exit(date=D(2020, 1, 1), destination="paid_work")
    assert exit_.destination is ExitDestination.PAID_WORK


@pytest.mark.parametrize(
    ("make", "code", "field", "builtin"),
    [
        (lambda: Enrolment(date="2020-01-01", phase=1),  # type: ignore[arg-type]
         "invalid_date", "date", TypeError),
        (lambda: Enrolment(date=datetime.datetime(2020, 1, 1), phase=1), "invalid_date", "date", TypeError),
        (lambda: Enrolment(date=D(2020, 1, 1), phase=5), "unknown_phase", "phase", ValueError),
        (lambda: Enrolment(date=D(2020, 1, 1), phase=True), "wrong_type", "phase", TypeError),
        (lambda: PhaseChange(date=D(2020, 1, 1), to_phase="2"),  # type: ignore[arg-type]
         "wrong_type", "to_phase", TypeError),
        (lambda: PhaseChange(date=D(2020, 1, 1), to_phase=2, reason="  "), "blank_text", "reason", ValueError),
        (lambda: Exit(date=D(2020, 1, 1), destination="retired"), "unknown_value", "destination", ValueError),
        (lambda: Exit(date=D(2020, 1, 1), destination=3),  # type: ignore[arg-type]
         "wrong_type", "destination", TypeError),
        (lambda: Enrolment(date=D(2020, 1, 1), phase=1, referrer=7),  # type: ignore[arg-type]
         "wrong_type", "referrer", TypeError),
    ],
)  # fmt: skip
def test_events_fail_fast_with_field_and_code(
    make: Any, code: str, field: str, builtin: type[Exception]
) -> None:
    with pytest.raises(FieldError) as info:
        make()
    assert (info.value.code, info.value.field) == (code, field)
    assert isinstance(info.value, builtin)


def test_events_are_immutable() -> None:
    event = enrol(0, 1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.phase = Phase(2)  # type: ignore[misc]


def test_error_messages_do_not_echo_free_text() -> None:
    secret = "Fatima woont op de Dorpsstraat 12"
    with pytest.raises(FieldError) as info:
        Exit(date=D(2020, 1, 1), destination=secret)
    assert (info.value.code, info.value.field) == ("unknown_value", "destination")
    assert secret not in str(info.value)


# --- classification ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_phase", "to_phase", "re_entry", "kind"),
    [
        (None, 1, False, MoveKind.ENTRY),
        (None, 4, True, MoveKind.RE_ENTRY),
        (0, 1, False, MoveKind.ADVANCE),
        (3, 4, False, MoveKind.ADVANCE),
        (1, 3, False, MoveKind.SKIP),
        (0, 4, False, MoveKind.SKIP),
        (2, 1, False, MoveKind.SETBACK),
        (4, 0, False, MoveKind.SETBACK),
        (2, None, False, MoveKind.EXIT),
    ],
)
def test_classify_move(
    from_phase: int | None, to_phase: int | None, re_entry: bool, kind: MoveKind
) -> None:
    a = None if from_phase is None else Phase(from_phase)
    b = None if to_phase is None else Phase(to_phase)
    assert classify_move(a, b, re_entry=re_entry) is kind


def test_classify_refuses_non_moves() -> None:
    with pytest.raises(FieldError) as info:
        classify_move(Phase(2), Phase(2))
    assert (info.value.code, info.value.field) == ("same_phase", "to_phase")
    with pytest.raises(FieldError) as info:
        classify_move(None, None)
    assert (info.value.code, info.value.field) == ("not_a_move", "to_phase")


# --- policies ------------------------------------------------------------------------------


def test_methodiek_policy_allows_every_move_and_demands_nothing() -> None:
    policy = TransitionPolicy.methodiek()
    assert all(policy.allows(None, p) and policy.allows(p, None) for p in Phase)
    assert all(policy.allows(a, b) for a in Phase for b in Phase if a != b)
    assert policy.reasons_required == frozenset()
    assert policy is TransitionPolicy.methodiek()


def test_strict_policy_needs_reasons_for_skips_and_setbacks_only() -> None:
    policy = TransitionPolicy.strict()
    assert {k for k in MoveKind if policy.needs_reason(k)} == {MoveKind.SKIP, MoveKind.SETBACK}


def test_from_kinds_builds_the_moves_table() -> None:
    forward = TransitionPolicy.from_kinds("forward", allowed=["advance"])
    assert forward.moves == {(Phase(i), Phase(i + 1)) for i in range(4)}


def test_policy_refuses_a_move_to_the_same_phase() -> None:
    with pytest.raises(PolicyError) as info:
        TransitionPolicy(name="odd", moves=[(1, 1)])
    assert (info.value.code, info.value.field) == ("same_phase", "moves")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"name": ""}, "blank_text", "name"),
        ({"name": "x", "reasons_required": ["sometimes"]}, "unknown_value", "reasons_required"),
        ({"name": "x", "entry_phases": "01"}, "wrong_type", "entry_phases"),
        ({"name": "x", "exit_phases": [9]}, "unknown_phase", "exit_phases"),
        ({"name": "x", "moves": [(1, 2, 3)]}, "wrong_type", "moves"),
        ({"name": "x", "severity": "fatal"}, "unknown_value", "severity"),
    ],
)
def test_malformed_policies_are_refused(kwargs: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        TransitionPolicy(**kwargs)
    assert (info.value.code, info.value.field) == (code, field)


def test_mermaid_diagram_shows_allowed_moves_and_reason_marks() -> None:
    text = TransitionPolicy.from_kinds(
        "p", allowed=["advance", "setback"], reasons_required=["setback"], exit_phases=[4]
    ).to_mermaid(lang="en")
    assert text.startswith("stateDiagram-v2")
    assert "P1 --> P2 : advance\n" in text + "\n"
    assert "P2 --> P1 : setback (reason)" in text
    assert "P1 --> P3" not in text
    assert "P4 --> [*] : exit" in text
    assert "P3 --> [*]" not in text


def test_describe_lists_the_rules() -> None:
    text = TransitionPolicy.strict().describe(lang="en")
    assert "reason required for: skip, setback" in text
    assert "entry into: every phase" in text


# --- validation: one example per rule code -------------------------------------------------

STRICT = TransitionPolicy.strict()
NO_PHASE4_ENTRY = TransitionPolicy(name="no-4", entry_phases=[0, 1, 2, 3], exit_phases=[1, 2, 3, 4])
REFERRED = TransitionPolicy(name="referred", reasons_required=["entry", "exit"])

RULE_EXAMPLES: list[tuple[Code, list[Any], TransitionPolicy, int]] = [
    (Code.NOT_AN_EVENT, [enrol(0, 1), "phase 2"], TransitionPolicy.methodiek(), 1),
    (Code.FIRST_NOT_ENROLMENT, [change(0, 1)], TransitionPolicy.methodiek(), 0),
    (Code.FIRST_NOT_ENROLMENT, [leave(0)], TransitionPolicy.methodiek(), 0),
    (Code.DATE_BACKWARDS, [enrol(10, 1), change(5, 2)], TransitionPolicy.methodiek(), 1),
    (
        Code.NOT_ENROLLED,
        [enrol(0, 1), leave(5), change(9, 2)],
        TransitionPolicy.methodiek(),
        2,
    ),
    (Code.NOT_ENROLLED, [enrol(0, 1), leave(5), leave(9)], TransitionPolicy.methodiek(), 2),
    (Code.ALREADY_ENROLLED, [enrol(0, 1), enrol(3, 2)], TransitionPolicy.methodiek(), 1),
    (Code.SAME_PHASE, [enrol(0, 1), change(3, 1)], TransitionPolicy.methodiek(), 1),
    (Code.MOVE_NOT_ALLOWED, [enrol(0, 4)], NO_PHASE4_ENTRY, 0),
    (Code.MOVE_NOT_ALLOWED, [enrol(0, 1), change(1, 0), leave(2)], NO_PHASE4_ENTRY, 2),
    (
        Code.MOVE_NOT_ALLOWED,
        [enrol(0, 1), change(1, 3)],
        TransitionPolicy.from_kinds("f", allowed=["advance"]),
        1,
    ),
    (Code.REASON_REQUIRED, [enrol(0, 3), change(1, 1)], STRICT, 1),
    (Code.REASON_REQUIRED, [enrol(0, 1), change(1, 3)], STRICT, 1),
    (Code.REASON_REQUIRED, [enrol(0, 1, referrer="wijkteam"), leave(1)], REFERRED, 1),
    (Code.REASON_REQUIRED, [enrol(0, 1)], REFERRED, 0),
]


@pytest.mark.parametrize(
    ("code", "events", "policy", "index"),
    RULE_EXAMPLES,
    ids=[f"{c.value}-{n}" for n, (c, *_rest) in enumerate(RULE_EXAMPLES)],
)
def test_each_rule_is_reported_with_its_code_and_index(
    code: Code, events: list[Any], policy: TransitionPolicy, index: int
) -> None:
    issues = validate_events(events, policy=policy, participant_id="p-7")
    assert [(i.code, i.index) for i in issues] == [(code.value, index)]
    assert issues[0].participant_id == "p-7"
    assert issues[0].severity is Severity.ERROR
    with pytest.raises(TransitionError) as info:
        Trajectory.from_events("p-7", events, policy=policy)
    assert info.value.code == code.value
    assert info.value.issues == tuple(issues)


def test_every_rule_code_has_an_example() -> None:
    assert {c for c, *_ in RULE_EXAMPLES} == HISTORY_CODES


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([enrol(0, 2), change(1, 0)], "to_phase"),  # a move *to* phase 0 still names to_phase
        ([enrol(0, 2), change(1, 3)], "to_phase"),
        ([enrol(0, 2), leave(1)], "destination"),
        ([enrol(0, 4)], "phase"),
    ],
)
def test_policy_breaches_name_the_field(events: list[Event], field: str) -> None:
    closed = TransitionPolicy(name="closed", entry_phases=[2], exit_phases=[], moves=[])
    issues = validate_events(events, policy=closed)
    assert [(i.code, i.field) for i in issues] == [("move_not_allowed", field)]


def test_the_same_history_is_clean_with_the_reasons_recorded() -> None:
    events = [enrol(0, 3), change(1, 1, reason="terugval na verhuizing"), change(40, 3, reason="x")]
    assert validate_events(events, policy=STRICT) == []


def test_all_problems_are_reported_not_just_the_first() -> None:
    events = [
        change(0, 1),
        enrol(5, 1),
        enrol(6, 2),
        change(4, 1),
        change(9, 3),
        leave(10),
        leave(11),
    ]
    codes = [(i.index, i.code) for i in validate_events(events, policy=STRICT)]
    assert codes == [
        (0, "first_not_enrolment"),
        (2, "already_enrolled"),
        (3, "date_backwards"),
        (3, "same_phase"),
        (4, "reason_required"),
        (6, "not_enrolled"),
    ]


def test_same_day_events_keep_their_order() -> None:
    events: list[Event] = [enrol(0, 1), change(0, 2), change(0, 3), leave(0), enrol(0, 0)]
    t = Trajectory.from_events("p", events)
    assert [m.kind for m in t.moves()] == [
        MoveKind.ENTRY,
        MoveKind.ADVANCE,
        MoveKind.ADVANCE,
        MoveKind.EXIT,
        MoveKind.RE_ENTRY,
    ]
    assert t.phase_on(D(2020, 1, 1)) is Phase.ACTIVATION


def test_warning_policies_report_but_do_not_refuse() -> None:
    advisory = TransitionPolicy(name="advisory", reasons_required=["skip"], severity="warning")
    events: list[Event] = [enrol(0, 1), change(5, 3)]
    issues = validate_events(events, policy=advisory)
    assert [(i.code, i.severity) for i in issues] == [("reason_required", Severity.WARNING)]
    t = Trajectory.from_events("p", events, policy=advisory)
    assert t.issues(policy=advisory) == [attrs.evolve(issues[0], participant_id="p")]


def test_empty_history_is_valid_and_not_enrolled() -> None:
    assert validate_events([]) == []
    t = Trajectory(participant_id="p")
    assert (t.current_phase, t.is_active, t.moves(), t.stays(), t.episodes()) == (
        None,
        False,
        (),
        (),
        (),
    )


# --- trajectories --------------------------------------------------------------------------


def test_record_returns_a_new_trajectory_and_leaves_the_old_one_untouched() -> None:
    t0 = Trajectory(participant_id="p")
    t1 = t0.record(enrol(0, 1))
    assert t0.events == ()
    assert t1.events == (enrol(0, 1),)
    with pytest.raises(TransitionError) as info:
        t1.record(change(3, 3), policy=STRICT)
    assert info.value.issues[0].index == 1
    assert info.value.participant_id == "p"
    assert t1.events == (enrol(0, 1),)
    assert t1.record(change(3, 3)).current_phase is Phase(3)


def test_constructor_checks_the_structural_rules() -> None:
    with pytest.raises(TransitionError) as info:
        Trajectory(participant_id="p", events=[enrol(0, 1), enrol(1, 2)])
    assert info.value.code == "already_enrolled"
    assert info.value.issues[0].participant_id == "p"


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"participant_id": ""}, FieldError, "participant_id"),
        ({"participant_id": 12}, FieldTypeError, "participant_id"),
        ({"participant_id": "p", "events": "enrol"}, FieldTypeError, "events"),
        ({"participant_id": "p", "events": {"a": 1}}, FieldTypeError, "events"),
        ({"participant_id": "p", "events": ["enrol"]}, FieldTypeError, "events"),
    ],
)
def test_constructor_checks_types(
    kwargs: dict[str, Any], error: type[FieldError], field: str
) -> None:
    with pytest.raises(error) as info:
        Trajectory(**kwargs)
    assert info.value.field == field


def _worked_example() -> Trajectory:
    # Enters in phase 1, moves to 2 after 10 months, falls back to 1, leaves for education,
    # re-enters a year later in phase 3 and is still active.
    events: list[Event] = [
        Enrolment(date=D(2019, 1, 7), phase=Phase(1), referrer="klantmanager"),
        PhaseChange(date=D(2019, 11, 4), to_phase=Phase(2)),
        PhaseChange(date=D(2020, 3, 2), to_phase=Phase(1), reason="ziekte"),
        Exit(date=D(2020, 9, 1), destination=ExitDestination.EDUCATION),
        Enrolment(date=D(2021, 9, 1), phase=Phase(3)),
    ]
    return Trajectory.from_events("p-42", events)


def test_moves_of_the_worked_example() -> None:
    moves = _worked_example().moves()
    assert [(m.kind, m.from_phase, m.to_phase, m.step) for m in moves] == [
        (MoveKind.ENTRY, None, Phase(1), None),
        (MoveKind.ADVANCE, Phase(1), Phase(2), 1),
        (MoveKind.SETBACK, Phase(2), Phase(1), -1),
        (MoveKind.EXIT, Phase(1), None, None),
        (MoveKind.RE_ENTRY, None, Phase(3), None),
    ]
    assert moves[3].destination is ExitDestination.EDUCATION


def test_stays_and_episodes_of_the_worked_example() -> None:
    t = _worked_example()
    stays = t.stays()
    assert [(s.phase, s.start, s.end, s.entered_by, s.ended_by) for s in stays] == [
        (Phase(1), D(2019, 1, 7), D(2019, 11, 4), MoveKind.ENTRY, MoveKind.ADVANCE),
        (Phase(2), D(2019, 11, 4), D(2020, 3, 2), MoveKind.ADVANCE, MoveKind.SETBACK),
        (Phase(1), D(2020, 3, 2), D(2020, 9, 1), MoveKind.SETBACK, MoveKind.EXIT),
        (Phase(3), D(2021, 9, 1), None, MoveKind.RE_ENTRY, None),
    ]
    first, second = t.episodes()
    assert (first.entry_phase, first.exit_phase, first.destination) == (
        Phase(1),
        Phase(1),
        ExitDestination.EDUCATION,
    )
    assert (second.entry_phase, second.exit_phase, second.end) == (Phase(3), None, None)
    assert first.duration() == D(2020, 9, 1) - D(2019, 1, 7)
    assert second.duration(as_of=D(2021, 10, 1)).days == 30
    with pytest.raises(FieldError) as info:
        second.duration()
    assert info.value.code == "as_of_required"


def test_phase_on_and_time_in_phase_of_the_worked_example() -> None:
    t = _worked_example()
    assert t.phase_on(D(2019, 1, 6)) is None
    assert t.phase_on(D(2019, 1, 7)) is Phase(1)
    assert t.phase_on(D(2019, 12, 1)) is Phase(2)
    assert t.phase_on(D(2020, 9, 1)) is None  # the exit day: no longer enrolled
    assert t.phase_on(D(2022, 1, 1)) is Phase(3)
    as_of = D(2022, 1, 1)
    in_1 = (D(2019, 11, 4) - D(2019, 1, 7)) + (D(2020, 9, 1) - D(2020, 3, 2))
    assert t.time_in_phase(Phase(1), as_of=as_of) == in_1
    assert t.time_in_phase(Phase(3), as_of=as_of) == as_of - D(2021, 9, 1)
    assert t.time_in_phase(Phase(4), as_of=as_of) == datetime.timedelta(0)
    # as_of in the middle of the first stay counts only what happened until then
    assert t.time_in_phase(Phase(1), as_of=D(2019, 2, 7)).days == 31
    assert t.current_phase is Phase(3)
    assert t.is_active


def test_queries_refuse_datetimes() -> None:
    t = _worked_example()
    with pytest.raises(FieldTypeError) as info:
        t.phase_on(datetime.datetime(2020, 1, 1))
    assert (info.value.code, info.value.field) == ("invalid_date", "day")
    with pytest.raises(FieldTypeError) as info:
        t.time_in_phase(Phase(1), as_of="2020-01-01")  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("invalid_date", "as_of")


# --- construction without re-checking ------------------------------------------------------


def test_a_checked_history_is_built_with_every_field_set() -> None:
    built = Trajectory.from_events("p-1", [enrol(0, 1), change(30, 2), leave(60)])
    assert built == Trajectory(participant_id="p-1", events=built.events)
    assert attrs.asdict(built, recurse=False) == {
        "participant_id": "p-1",
        "events": built.events,
    }


def test_a_field_added_later_cannot_be_left_unset() -> None:
    # the trusted constructor walks attrs.fields: a subclass's new field without a value is a
    # loud KeyError, not an object missing an attribute
    @attrs.frozen(kw_only=True)
    class Tagged(Trajectory):
        tag: str = "none"

    with pytest.raises(KeyError, match="tag"):
        Tagged.from_events("p-1", [enrol(0, 1)])
    with pytest.raises(TypeError, match="not fields"):
        Trajectory._trusted(participant_id="p-1", events=(), extra=1)


@pytest.mark.parametrize(
    ("destination", "sourced"),
    [
        # Movisie 2019, "De PiëzoMethodiek en haar deelnemers": phase 4 "een opleiding en/of een
        # reguliere baan"; "een ander traject binnen de gemeente"; "vrijwilligerswerk"
        (ExitDestination.PAID_WORK, True),
        (ExitDestination.EDUCATION, True),
        (ExitDestination.OTHER_MUNICIPAL_TRAJECTORY, True),
        (ExitDestination.VOLUNTEER_WORK_ELSEWHERE, True),
        # the library's additions
        (ExitDestination.MOVED_AWAY, False),
        (ExitDestination.HEALTH, False),
        (ExitDestination.OWN_CHOICE, False),
        (ExitDestination.LOST_CONTACT, False),
        (ExitDestination.OTHER, False),
    ],
)
def test_exit_destinations_say_whether_the_sources_name_them(
    destination: ExitDestination, sourced: bool
) -> None:
    assert destination.sourced is sourced


@given(st.dates(), st.integers(-4_000_000, 4_000_000), st.integers(-200_000, 200_000))
def test_shifting_a_date_is_exact_inside_the_calendar_and_held_at_its_ends(
    day: datetime.date, days: int, months: int
) -> None:
    from hypothesis import assume

    from piezomethod._checks import shift

    # days: the reference is ordinal arithmetic, clamped to the calendar
    ordinal = min(max(day.toordinal() + days, 1), datetime.date.max.toordinal())
    assert shift(day, days) == datetime.date.fromordinal(ordinal)
    # months: in the calendar, in the direction asked, and by at most that many months
    assume(months != 0)
    moved = shift(day, months=months)
    assert (moved >= day) if months > 0 else (moved <= day)
    span = (moved.year - day.year) * 12 + moved.month - day.month
    assert abs(span) <= abs(months)
    if datetime.date.min.year < day.year + months // 12 < datetime.date.max.year - 1:
        assert span == months
