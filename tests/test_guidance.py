"""The coach's work: intake, coach assignments, contacts, referrals, buddies, aftercare."""

from __future__ import annotations

import datetime
import json
import pathlib
import re

import pytest
from attrs import evolve as attrs_evolve
from hypothesis import given
from hypothesis import strategies as st

from piezomethod.errors import Code, CodeArea, codes
from piezomethod.guidance import (
    BuddyAssignment,
    CoachAssignment,
    Contact,
    DomainAssessment,
    Guidance,
    GuidancePolicy,
    Intake,
    LifeDomain,
    Referral,
    life_domains,
    validate_guidance,
)
from piezomethod.phases import Enrolment, Event, Exit, ExitDestination, Phase, PhaseChange
from piezomethod.records import ParticipantRecord, pseudonymise
from piezomethod.serialization import from_dict, to_dict, to_json, wire_schemas
from tests.builders import refused

D = datetime.date

EVENTS: list[Event] = [
    Enrolment(date=D(2024, 1, 8), phase=Phase(1)),
    PhaseChange(date=D(2024, 6, 3), to_phase=Phase(2)),
    Exit(date=D(2024, 12, 2), destination=ExitDestination.PAID_WORK),
]


def _found(guidance: Guidance, **options: object) -> list[tuple[str, str | None, int | None]]:
    return [
        (i.code.value, i.field, i.index)
        for i in validate_guidance(guidance, EVENTS, **options)  # type: ignore[arg-type]
    ]


def test_a_whole_year_of_guidance_is_valid() -> None:
    guidance = Guidance(
        participant_id="p-1",
        intake=Intake(
            date=D(2024, 1, 8),
            wishes=["koken"],
            domains=[DomainAssessment(domain_id=d.id, status="no_concern") for d in life_domains()],
        ),
        coaches=[
            CoachAssignment(coach_id="c-1", start=D(2024, 1, 8), end=D(2024, 6, 2)),
            CoachAssignment(coach_id="c-2", start=D(2024, 6, 3)),
        ],
        contacts=[
            Contact(date=D(2024, 1, 8), kind="intake", roles=["participant", "coach"]),
            Contact(date=D(2024, 2, 12), kind="periodic", domains=["taal"]),
            Contact(
                date=D(2024, 3, 4),
                kind="referral",
                referral=Referral(
                    to="schuldhulpverlening",
                    domain_id="financien",
                    outcome="started",
                    outcome_date=D(2024, 3, 20),
                ),
            ),
            Contact(date=D(2024, 5, 20), kind="transition_talk", decides_change_on=D(2024, 6, 3)),
            Contact(date=D(2025, 1, 15), kind="aftercare"),
        ],
        buddies=[BuddyAssignment(buddy_id="b-1", start=D(2024, 1, 15), end=D(2024, 6, 1))],
    )
    assert _found(guidance, policy=GuidancePolicy(require_transition_talk=True)) == []
    assert guidance.intake is not None
    assert guidance.intake.complete()
    assert guidance.coach_on(D(2024, 7, 1)) == "c-2"
    assert guidance.last_contact(D(2024, 4, 1)).kind == "referral"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (Contact(date=D(2023, 12, 1), kind="periodic"), "contact_outside_enrolment"),
        (Contact(date=D(2024, 12, 20), kind="periodic"), "contact_outside_enrolment"),
        (Contact(date=D(2024, 3, 1), kind="aftercare"), "aftercare_before_exit"),
        (Contact(date=D(2025, 6, 1), kind="aftercare"), "aftercare_outside_window"),
        (
            Contact(date=D(2024, 3, 1), kind="periodic", domains=["astrologie"]),
            "unknown_life_domain",
        ),
        (
            Contact(
                date=D(2024, 3, 1),
                kind="referral",
                referral=Referral(
                    to="x", domain_id="taal", outcome="declined", outcome_date=D(2024, 2, 1)
                ),
            ),
            "referral_outcome_before_referral",
        ),
        (
            Contact(date=D(2024, 5, 1), kind="development_talk", decides_change_on=D(2024, 5, 2)),
            "no_such_change",
        ),
        (
            Contact(date=D(2024, 3, 1), kind="development_talk", decides_change_on=D(2024, 6, 3)),
            "talk_outside_window",
        ),
        (
            Contact(date=D(2024, 6, 4), kind="transition_talk", decides_change_on=D(2024, 6, 3)),
            "talk_outside_window",
        ),
    ],
)
def test_each_contact_rule(contact: Contact, expected: str) -> None:
    found = _found(Guidance(participant_id="p", contacts=[contact]))
    assert found == [(expected, "contacts", 0)]


def test_aftercare_severity_is_a_warning_and_the_rest_errors() -> None:
    late = Guidance(participant_id="p", contacts=[Contact(date=D(2025, 6, 1), kind="aftercare")])
    (issue,) = validate_guidance(late, EVENTS)
    assert (issue.severity, issue.participant_id) == ("warning", "p")


def test_every_problem_at_once() -> None:
    guidance = Guidance(
        participant_id="p",
        intake=Intake(
            date=D(2024, 1, 8),
            domains=[
                DomainAssessment(domain_id="taal", status="referred"),
                DomainAssessment(domain_id="taal", status="addressed"),
                DomainAssessment(domain_id="sterrenbeelden", status="addressed"),
            ],
        ),
        coaches=[
            CoachAssignment(coach_id="c-1", start=D(2024, 1, 8)),
            CoachAssignment(coach_id="c-2", start=D(2024, 3, 1)),
        ],
        contacts=[
            Contact(date=D(2023, 1, 1), kind="periodic"),
            Contact(date=D(2024, 2, 1), kind="aftercare"),
        ],
    )
    found = _found(guidance, policy=GuidancePolicy(require_transition_talk=True))
    assert sorted(found) == sorted(
        [
            ("contact_outside_enrolment", "contacts", 0),
            ("aftercare_before_exit", "contacts", 1),
            ("transition_without_talk", "events", 1),
            ("coach_overlap", "coaches", 1),
            ("unknown_life_domain", "intake", None),
            ("duplicate_id", "intake", None),
        ]
    )


def test_a_co_coach_is_allowed_only_where_the_policy_says_so() -> None:
    guidance = Guidance(
        participant_id="p",
        coaches=[
            CoachAssignment(coach_id="c-1", start=D(2024, 1, 8)),
            CoachAssignment(coach_id="c-2", start=D(2024, 3, 1), co_coach=True),
        ],
    )
    assert _found(guidance) == [("coach_overlap", "coaches", 1)]
    assert _found(guidance, policy=GuidancePolicy(co_coach_allowed=True)) == []
    assert guidance.coach_on(D(2024, 4, 1)) == "c-1"


def test_a_talk_is_not_required_unless_the_policy_says_so() -> None:
    # a structured talk at each transition is a research recommendation, not current practice
    assert _found(Guidance(participant_id="p")) == []


def test_an_organisations_own_life_domains() -> None:
    own = [LifeDomain(id="wonen", name=life_domains()[0].name, source="own list")]
    intake = Intake(
        date=D(2024, 1, 8), domains=[DomainAssessment(domain_id="wonen", status="addressed")]
    )
    guidance = Guidance(participant_id="p", intake=intake)
    assert _found(guidance, domains=own) == []
    assert _found(guidance) == [("unknown_life_domain", "intake", None)]
    assert intake.complete(own)
    assert not intake.complete()
    assert intake.status("wonen") == "addressed"
    assert intake.status("taal") is None


def test_the_default_life_domains_are_reconstructed_and_cite_their_words() -> None:
    domains = life_domains()
    assert [d.id for d in domains] == [
        "thuissituatie",
        "financien",
        "gezondheid",
        "sociaal_netwerk",
        "taal",
        "dagbesteding_werk",
        "zelfredzaamheid",
    ]
    # each citation in the house format: Movisie 2019, "<section>", "<the source's words>"
    # (the words were checked against the seed documents when the list was written)
    citation = re.compile(r'Movisie 2019, "[^"]+", "[^"]+"')
    for domain in domains:
        parts = domain.source.split("; ")
        assert all(citation.fullmatch(part) for part in parts), domain.id


@pytest.mark.parametrize(
    ("build", "code", "field"),
    [
        (
            lambda: CoachAssignment(coach_id="c", start=D(2024, 2, 1), end=D(2024, 1, 1)),
            "end_before_start",
            "end",
        ),
        (
            lambda: BuddyAssignment(buddy_id="b", start=D(2024, 2, 1), end=D(2024, 1, 1)),
            "end_before_start",
            "end",
        ),
        (lambda: Contact(date=D(2024, 1, 1), kind="referral"), "missing_value", "referral"),
        (
            lambda: Contact(
                date=D(2024, 1, 1), kind="periodic", referral=Referral(to="x", domain_id="taal")
            ),
            "ignored_value",
            "referral",
        ),
        (
            lambda: Contact(date=D(2024, 1, 1), kind="periodic", decides_change_on=D(2024, 1, 2)),
            "ignored_value",
            "decides_change_on",
        ),
        (lambda: Contact(date=D(2024, 1, 1), kind="chat"), "unknown_value", "kind"),
        (
            lambda: Contact(date=D(2024, 1, 1), kind="periodic", roles=["mayor"]),
            "unknown_value",
            "roles",
        ),
        (
            lambda: Referral(to="x", domain_id="taal", outcome="started"),
            "missing_value",
            "outcome_date",
        ),
        (
            lambda: Referral(to="x", domain_id="taal", outcome_date=D(2024, 1, 1)),
            "missing_value",
            "outcome",
        ),
        (
            lambda: GuidancePolicy(contact_interval_days={9: 10}),
            "unknown_phase",
            "contact_interval_days",
        ),
        (
            lambda: GuidancePolicy(contact_interval_days={1: 0}),
            "invalid_value",
            "contact_interval_days",
        ),
        (lambda: GuidancePolicy(aftercare_days=0), "invalid_value", "aftercare_days"),
        # found by the field property test in CI: a wrong-typed key or value is a type error
        (
            lambda: GuidancePolicy(contact_interval_days={"": 3}),  # type: ignore[dict-item]
            "wrong_type",
            "contact_interval_days",
        ),
        (
            lambda: GuidancePolicy(contact_interval_days={1: 2.5}),  # type: ignore[dict-item]
            "wrong_type",
            "contact_interval_days",
        ),
    ],
)
def test_bad_parts_are_refused_naming_the_field(build: object, code: str, field: str) -> None:
    refused(build, code, field)  # type: ignore[arg-type]


def test_the_default_policy_says_its_intervals() -> None:
    policy = GuidancePolicy()
    assert [policy.interval(Phase(p)) for p in range(5)] == [42, 42, 42, 56, 56]
    assert GuidancePolicy(contact_interval_days={1: 14}).interval(Phase(3)) == 14


def test_every_guidance_code_is_used_by_guidance_or_caseload() -> None:
    import inspect

    import piezomethod.caseload
    import piezomethod.guidance

    source = inspect.getsource(piezomethod.guidance) + inspect.getsource(piezomethod.caseload)
    assert [c.value for c in codes(CodeArea.GUIDANCE) if f"Code.{c.name}" not in source] == []


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 200), st.booleans()), min_size=1, max_size=5
    )
)
def test_coach_overlap_is_reported_exactly_when_two_assignments_share_a_day(
    spans: list[tuple[int, int, bool]],
) -> None:
    start = D(2024, 1, 1)
    coaches = [
        CoachAssignment(
            coach_id=f"c-{n}",
            start=start + datetime.timedelta(days=a),
            end=None if open_ else start + datetime.timedelta(days=a + length),
        )
        for n, (a, length, open_) in enumerate(spans)
    ]
    guidance = Guidance(participant_id="p", coaches=coaches)
    reported = {
        i.index for i in validate_guidance(guidance, EVENTS) if i.code is Code.COACH_OVERLAP
    }
    # the reference: day by day, which assignments run
    expected = set()
    for m, later in enumerate(coaches):
        for earlier in coaches[:m]:
            last = D(2026, 1, 1)
            days = (start + datetime.timedelta(days=k) for k in range((last - start).days))
            if any(earlier.covers(d) and later.covers(d) for d in days):
                expected.add(m)
    assert reported == expected


# -- in the participant record and on the wire ---------------------------------------------------


def _record_with_guidance() -> ParticipantRecord:
    from tests.builders import guidance_example, rich_record

    record = rich_record()
    return attrs_evolve(record, guidance=attrs_evolve(guidance_example(), participant_id=record.id))


def test_a_record_with_guidance_round_trips_and_fits_its_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    record = _record_with_guidance()
    document = to_dict(record)
    assert document["schema_version"] == 2
    assert from_dict(ParticipantRecord, document) == record
    jsonschema.validate(json.loads(to_json(record)), wire_schemas()["participant-record"])


def test_a_version_1_record_migrates_to_one_without_guidance() -> None:
    record = _record_with_guidance()
    document = to_dict(record)
    document["schema_version"] = 1
    del document["guidance"]
    assert from_dict(ParticipantRecord, document) == attrs_evolve(record, guidance=None)


def test_guidance_of_another_participant_is_refused() -> None:
    from tests.builders import guidance_example, rich_record

    record = rich_record()
    refused(
        lambda: ParticipantRecord(
            participant=record.participant,
            trajectory=record.trajectory,
            guidance=attrs_evolve(guidance_example(), participant_id="someone-else"),
        ),
        "participant_mismatch",
        "guidance",
    )


def test_pseudonymisation_drops_the_coachs_words_and_keys_the_ids() -> None:
    record = _record_with_guidance()
    out = pseudonymise(record, key=b"k" * 32)
    assert out.guidance is not None
    assert record.guidance is not None
    text = to_json(out)
    for words in (
        "een eigen zaak beginnen",
        "goed luisteren",
        "sneller taal leren",
        "afspraak maken met de bank",
        "schuldhulpmaatje",
        "coach-anna",
        "maatje-bram",
        "A1",
    ):
        assert words in to_json(record)
        assert words not in text, words
    assert out.guidance.intake is not None
    assert out.guidance.intake.domains == record.guidance.intake.domains  # type: ignore[union-attr]
    assert out.guidance.intake.facts == ()
    assert [c.kind for c in out.guidance.contacts] == [c.kind for c in record.guidance.contacts]
    # one coach keeps one pseudonym across participants
    other = pseudonymise(_record_with_guidance(), key=b"k" * 32)
    assert other.guidance is not None
    assert other.guidance.coaches[0].coach_id == out.guidance.coaches[0].coach_id


# -- as tables ------------------------------------------------------------------------------------


def _guided_record() -> ParticipantRecord:
    from tests.builders import rich_record

    record = rich_record()
    start = record.trajectory.events[0].date
    guidance = Guidance(
        participant_id=record.id,
        intake=Intake(
            date=start,
            wishes=["een eigen zaak beginnen"],
            # in the order of the life-domain list, as the tables read an intake back
            domains=[
                DomainAssessment(domain_id="financien", status="referred"),
                DomainAssessment(domain_id="taal", status="needs_attention"),
            ],
        ),
        coaches=[
            CoachAssignment(coach_id="c-1", start=start),
            CoachAssignment(coach_id="c-2", start=start, co_coach=True),
        ],
        contacts=[
            Contact(
                date=start,
                kind="referral",
                roles=["coach", "participant"],
                domains=["financien"],
                next_steps="afspraak maken met de bank",
                referral=Referral(
                    to="schuldhulp", domain_id="financien", outcome="started", outcome_date=start
                ),
            )
        ],
        buddies=[BuddyAssignment(buddy_id="b-1", start=start)],
    )
    return attrs_evolve(record, guidance=guidance)


@pytest.mark.parametrize("free_text", [True, False])
def test_guidance_tables_round_trip(tmp_path: pathlib.Path, free_text: bool) -> None:
    from piezomethod.dataset import load, write_tables

    record = _guided_record()
    assert record.guidance is not None
    write_tables([record], tmp_path, free_text=free_text)
    found = load(tmp_path, guidance_policy=GuidancePolicy(co_coach_allowed=True))
    assert found.report.ok
    expected = record.guidance
    if not free_text:  # the participant's and the coach's own words stay out of files
        assert expected.intake is not None
        intake = attrs_evolve(expected.intake, wishes=())
        contacts = [attrs_evolve(c, next_steps=None) for c in expected.contacts]
        expected = attrs_evolve(expected, intake=intake, contacts=contacts)
        text = (tmp_path / "intakes.csv").read_text("utf-8") + (
            tmp_path / "contacts.csv"
        ).read_text("utf-8")
        assert "een eigen zaak" not in text
        assert "afspraak maken" not in text
    # the tables hold the whole guidance (the rest of this rich record is partly JSON-only)
    assert [r.guidance for r in found.records] == [expected]


def test_a_guidance_problem_is_reported_at_its_row(tmp_path: pathlib.Path) -> None:
    from piezomethod.dataset import load, write_tables

    record = _guided_record()
    write_tables([record], tmp_path)
    found = load(tmp_path)  # the default policy allows no co-coach
    assert [(p.code, p.table, p.row, p.participant_id) for p in found.report.errors] == [
        ("coach_overlap", "coach_assignments", 2, record.id)
    ]
    assert found.report.quarantined == (record.id,)


def test_guidance_cells_are_checked_like_any_other(tmp_path: pathlib.Path) -> None:
    from piezomethod.dataset import validate, write_tables

    write_tables([_guided_record()], tmp_path)
    path = tmp_path / "contacts.csv"
    path.write_text(path.read_text("utf-8").replace(",referral,", ",chat,"), "utf-8")
    path = tmp_path / "coach_assignments.csv"
    path.write_text(path.read_text("utf-8").replace(",buddy,", ",mentor,"), "utf-8")
    report = validate(tmp_path, guidance_policy=GuidancePolicy(co_coach_allowed=True))
    assert sorted((p.code, p.table, p.column) for p in report.errors) == [
        ("invalid_value", "coach_assignments", "role"),
        ("invalid_value", "contacts", "kind"),
    ]
