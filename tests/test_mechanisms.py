"""Example tests for the working mechanisms: the data, assessments, coverage, evaluate, checklists."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from piezomethod.catalogues import mechanism_framework
from piezomethod.errors import FieldError, SerializationError
from piezomethod.mechanisms import (
    DECISION_RULES,
    Assessment,
    ItemAnswer,
    ItemStatus,
    Level,
    check_assessment,
    coverage,
    evaluate,
)
from piezomethod.outcomes import Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    Celebration,
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    GoalStatus,
    Placement,
    Talent,
)
from piezomethod.phases import Enrolment, Phase, PhaseChange, Trajectory
from piezomethod.records import Participant, ParticipantRecord
from piezomethod.render import checklist_html, checklist_markdown
from piezomethod.serialization import from_json, to_json

D = datetime.date
FW = mechanism_framework()


CITATION = re.compile(
    r"^(Movisie 2019|Movisie 2017/18 \(Booijink\)|Vakkundig aan het werk \(programme brochure, 2018\))"
    r', "[^"]+"(, "[^"]+")*'
)


def test_every_item_cites_publication_heading_and_searchable_words() -> None:
    for group in FW.groups():
        for item in (group, *group.items):
            assert CITATION.match(item.source), item.id
            assert len(re.findall(r'"[^"]+"', item.source)) >= 2, item.id  # heading + words


def test_the_six_mechanisms_in_the_sources_order() -> None:
    # Source: Movisie 2019, "Werkzame mechanismen", "Het gaat om zes werkzame mechanismen"
    # (001:575-580).
    assert [m.name.nl for m in FW.mechanisms] == [
        "Het PiëzoCentrum als veilige thuishaven",
        "Integrale begeleiding",
        "Mens- en talentgerichte interventie",
        "Netwerkinterventie",
        "Ontwikkelingsgerichte interventie",
        "Nederlandstalige omgeving",
    ]
    for m in FW.mechanisms:
        assert m.context.nl
        assert m.mechanism.en
        assert m.outcome.nl
        assert m.source.startswith('Movisie 2019, "Werkzame mechanismen", "')


def test_the_organisation_checklist_has_preconditions_and_implementation() -> None:
    # Source: Movisie (2019), "Randvoorwaarden"; Booijink (Movisie, 2017/18) for implementation.
    pre, impl = FW.organisation
    assert [i.id for i in pre.items] == [
        "piezocentrum",
        "volgsysteem",
        "draagvlak",
        "speelruimte",
        "kundige_mensen",
        "financiele_middelen",
    ]
    assert {
        "contactpersoon",
        "projectleider",
        "implementatie_intake",
        "basistrainingen",
        "evaluatiegesprekken",
    } <= {i.id for i in impl.items}
    assert all(
        i.level is Level.ORGANISATION and i.phases == set(Phase) for i in pre.items + impl.items
    )


@pytest.mark.parametrize(
    ("item_id", "phases"),
    [
        ("top3_talenten", set(Phase)),
        ("maatje", {Phase(1), Phase(2)}),  # a buddy for statushouders in phases 1-2
        ("extern_vrijwilligerswerk", {Phase(3)}),
        ("les_buiten_werktijd", {Phase(2), Phase(3), Phase(4)}),
        # at settlement, "vooral in het begin" (Movisie 2019, "Verbeterkansen")
        ("huisbezoek", {Phase(0), Phase(1)}),
        ("overgang_gevierd", {Phase(1), Phase(2), Phase(3), Phase(4)}),
        # "ook om vroegtijdig aan verwachtingsmanagement te doen": not limited to late phases
        ("snuffelstage", set(Phase)),
        # "het eveneens in de andere fases inzetten van ... het ontwikkelpaspoort"
        ("portfolio", set(Phase)),
    ],
)
def test_the_improvement_points_are_items(item_id: str, phases: set[Phase]) -> None:
    assert FW.item(item_id).phases == phases


def test_every_check_names_a_rule_and_every_rule_is_used() -> None:
    checks = {i.check for i in FW.items() if i.check}
    assert checks == set(DECISION_RULES)
    assert all(FW.item(i.id).level is Level.PARTICIPANT for i in FW.items() if i.check)


def test_a_framework_with_duplicates_or_unknown_rules_is_refused() -> None:
    wire = to_json(FW).replace('"check": "top3_agreed"', '"check": "raden"')
    with pytest.raises(SerializationError) as info:
        from_json(type(FW), wire)
    assert info.value.code == "invalid_data"
    assert "unknown decision rules: raden" in str(info.value.problems)


# --- assessments and coverage --------------------------------------------------------------


def assessment(phase: int, answers: dict[str, str], level: str = "participant") -> Assessment:
    return Assessment(
        subject_id="p-1",
        level=level,
        phase=phase,
        date=D(2022, 1, 1),
        answers=[ItemAnswer(item_id=k, answer=v) for k, v in answers.items()],
    )


def test_check_assessment_reports_every_problem() -> None:
    a = Assessment(
        subject_id="p-1",
        level="participant",
        phase=1,
        date=D(2022, 1, 1),
        answers=[
            ItemAnswer(item_id="welkom", answer="yes"),
            ItemAnswer(item_id="welkom", answer="no"),
            ItemAnswer(item_id="vliegen", answer="yes"),
            ItemAnswer(item_id="extern_vrijwilligerswerk", answer="no"),
            ItemAnswer(item_id="volgsysteem", answer="yes"),
        ],
    )
    assert [(i.index, i.code) for i in check_assessment(a, framework=FW)] == [
        (1, "answered_twice"),
        (2, "unknown_checklist_item"),
        (3, "wrong_phase"),
        (4, "wrong_level"),
    ]
    with pytest.raises(FieldError) as info:
        coverage(a, framework=FW)
    assert (info.value.code, info.value.field) == ("answered_twice", "answers")


def test_coverage_scores_gaps_and_unanswered() -> None:
    a = assessment(
        3,
        {
            "ontwikkeldoelen": "yes",
            "extern_vrijwilligerswerk": "no",
            "portfolio": "partly",
            "meer_verwachten": "not_applicable",
        },
    )
    found = {c.group_id: c for c in coverage(a, framework=FW)}
    dev = found["ontwikkelingsgericht"]
    # practice: external volunteering (no); recommendations: goals (yes), portfolio (partly)
    assert (dev.score, dev.answered) == (0.0, 1)
    assert dev.recommendation_score == pytest.approx((1 + 0.5) / 2)
    assert dev.recommendations_answered == 2
    assert dev.gaps == ("portfolio", "extern_vrijwilligerswerk")  # in the framework's order
    assert set(dev.unanswered) == {"ontwikkelgesprek", "overgang_gevierd", "meting_afgenomen"}
    assert found["veilige_thuishaven"].score is None
    assert set(found) == {m.id for m in FW.mechanisms}


def test_organisation_assessment_covers_the_sections() -> None:
    a = assessment(
        2,
        {"piezocentrum": "yes", "volgsysteem": "yes", "financiele_middelen": "no"},
        level="organisation",
    )
    found = {c.group_id: c.score for c in coverage(a, framework=FW)}
    assert found == {"randvoorwaarden": pytest.approx(2 / 3), "implementatie": None}


# --- evaluate ------------------------------------------------------------------------------


def _record(**passport: Any) -> ParticipantRecord:
    trajectory = Trajectory.from_events(
        "p-1",
        [
            Enrolment(date=D(2020, 1, 6), phase=1),
            PhaseChange(date=D(2020, 11, 2), to_phase=2),
            PhaseChange(date=D(2021, 9, 1), to_phase=3),
        ],
    )
    geluk = Response(instrument_id="cbs-geluk", instrument_version="1.0", answers={"geluk": 7})
    measurements = [
        Measurement(
            participant_id="p-1",
            moment=MeasurementMoment.ENTRY,
            date=D(2020, 1, 10),
            response=geluk,
        ),
        Measurement(
            participant_id="p-1",
            moment=MeasurementMoment.TRANSITION,
            date=D(2021, 9, 5),
            response=geluk,
        ),
    ]
    pp = DevelopmentPassport(participant_id="p-1", **passport) if passport else None
    return ParticipantRecord(
        participant=Participant(id="p-1"),
        trajectory=trajectory,
        measurements=measurements,
        passport=pp,
    )


NEW_YEAR = D(2022, 1, 1)


def _answers(record: ParticipantRecord, on: datetime.date = NEW_YEAR) -> dict[str, str]:
    return {a.item_id: a.answer.value for a in evaluate(record, as_of=on, framework=FW).answers}


def test_evaluate_without_a_passport_answers_only_what_the_trajectory_shows() -> None:
    # In phase 3 since 2021-09-01 and the transition into 3 was measured. Without a passport
    # nothing about goals, talents or celebrations can be known, so nothing else is answered.
    assert _answers(_record()) == {"meting_afgenomen": "yes"}


def test_evaluate_with_a_full_passport() -> None:
    goal = (
        DevelopmentGoal(id="g1", skill_id="samenwerken", phase=3, set_on=D(2021, 9, 10))
        .advance(GoalStatus.IN_PROGRESS, on=D(2021, 9, 11))
        .advance(
            GoalStatus.ACHIEVED,
            on=D(2021, 12, 1),
            evidence=[
                Evidence(kind="observation", confirmed_by="supervisor", confirmed_on=D(2021, 12, 1))
            ],
        )
    )
    record = _record(
        wishes=["werk in de zorg"],
        talents=[Talent(name="a", rank=1), Talent(name="b", rank=2)],
        goals=[goal],
        placements=[
            Placement(
                id="pl",
                kind="external_volunteering",
                organisation="Zorgcentrum",
                phase=3,
                start=D(2021, 9, 15),
            )
        ],
        celebrations=[Celebration(milestone_id="move-2", on=D(2021, 9, 3))],
    )
    assert _answers(record) == {
        "wensen_uitgevraagd": "yes",
        "top3_talenten": "partly",
        "ontwikkeldoelen": "yes",
        "overgang_gevierd": "yes",
        "meting_afgenomen": "yes",
        "portfolio": "yes",
        "extern_vrijwilligerswerk": "yes",
        # no taster internship: absent from the answers, the coach decides whether one fitted
    }


def test_evaluate_says_no_where_the_data_shows_absence() -> None:
    record = _record(wishes=["x"])
    answers = _answers(record)
    assert answers["top3_talenten"] == "no"
    assert answers["ontwikkeldoelen"] == "no"
    assert answers["overgang_gevierd"] == "no"
    assert answers["extern_vrijwilligerswerk"] == "no"
    assert "portfolio" not in answers  # nothing achieved yet: nothing to decide


def test_evaluate_in_phase_2_finds_the_missing_transition_measurement() -> None:
    answers = _answers(_record(), on=D(2021, 3, 1))  # in phase 2; its transition was not measured
    assert answers == {"meting_afgenomen": "no"}


def test_evaluate_needs_an_enrolment() -> None:
    with pytest.raises(FieldError) as info:
        evaluate(_record(), as_of=D(2019, 1, 1), framework=FW)
    assert (info.value.code, info.value.field) == ("not_enrolled", "as_of")


# --- printable checklists --------------------------------------------------------------------


def test_printable_checklists_per_phase_and_language() -> None:
    md = checklist_markdown(FW, phase=Phase(1), lang="nl")
    shown = MarkdownIt("commonmark").render(md)  # what a reader sees, escapes resolved
    assert shown.startswith("<h1>Checklist werkzame mechanismen — Fase 1: deelname aan")
    # a research recommendation says so on paper
    assert (
        "<li>[ ] Een statushouder heeft een maatje dat zich om hem of haar bekommert. "
        "<em>(aanbeveling uit het onderzoek)</em></li>" in shown
    )
    assert (
        "<li>[ ] De deelnemer past het Nederlands actief toe in activiteiten en vrijwilligerswerk.</li>"
        in shown
    )
    assert (
        "lerend vrijwilligerswerk bij een partnerorganisatie (of zelfstandiger" not in md
    )  # a phase-3 item
    page = checklist_html(FW, phase=Phase(3), level="location", lang="en")
    assert page.startswith("<!DOCTYPE html>")
    assert "The centre offers language lessons at different levels." in page
    assert "The participant is welcomed personally" not in page  # participant level
    org = checklist_markdown(FW, phase=Phase(0), level=Level.ORGANISATION, lang="en")
    assert "## Preconditions" in org
    assert "## Implementation" in org


# Movisie 2019, "Verbeterkansen": the research's recommendations, by their wording ("kan
# wellicht", "zou het goed zijn", "is wenselijk", "is het extra zinvol", "is het behulpzaam").
RECOMMENDATIONS = {
    "top3_talenten",  # "kan wellicht meer focus aangebracht worden door samen een top 3"
    "snuffelstage",  # "Verder zou het goed zijn meer gebruik te maken van externe snuffelstages"
    "maatje",  # "Ook in fase 1 en 2 is het extra zinvol statushouders te koppelen aan een maatje"
    "ontwikkelgesprek",  # "is het behulpzaam de ontwikkelgesprekken meer systematisch"
    "overgang_gevierd",  # "Die overgangsmomenten kunnen meteen worden ‘gevierd’"
    "portfolio",  # "Aan de hand daarvan kan vervolgens een portfolio opgebouwd worden"
    "meer_verwachten",  # "zou het goed zijn in de hogere fases nog wat meer ... te verwachten"
    "match_arbeidsmarkt",  # "benadrukken de netwerkpartners dat het belangrijk is"
    "afstemming_gemeente",  # "zou het goed zijn wanneer klantmanagers meer betrokken zouden zijn"
    "externe_plaatsen",  # "uitbreiding van de externe lerend vrijwilligersplaatsen wenselijk"
    "ontwikkelpaspoort_alle_fasen",  # "het eveneens in de andere fases inzetten"
    # Movisie 2019, "Werkzame mechanismen"
    "ontwikkeldoelen",  # "gaven aan dat het wellicht goed is om meer expliciet te benoemen"
    "les_buiten_werktijd",  # "Het zou mooi zijn als taallessen vaker in avonduren"
    "contact_nederlandstaligen",  # "Uit literatuur weten we ook dat contact ... erg belangrijk"
}


def test_each_item_says_whether_it_is_practice_or_a_recommendation() -> None:
    import json
    from importlib import resources

    found = {i.id for i in FW.items() if i.status is ItemStatus.RECOMMENDATION}
    assert found == RECOMMENDATIONS
    # every built-in item states its status in the data, none relies on the default
    data = json.loads(
        (resources.files("piezomethod") / "data" / "mechanisms.json").read_text("utf-8")
    )
    groups = [*data["mechanisms"], *data["organisation"]]
    assert all("status" in item for group in groups for item in group["items"])


def test_every_mechanism_has_location_items() -> None:
    for mechanism in FW.mechanisms:
        assert any(i.level is Level.LOCATION for i in mechanism.items), mechanism.id


def test_not_following_a_recommendation_never_lowers_the_practice_score() -> None:
    yes = assessment(1, {"welkom": "yes", "persoonlijke_aandacht": "yes"})
    also_no = assessment(
        1, {"welkom": "yes", "persoonlijke_aandacht": "yes", "top3_talenten": "no", "maatje": "no"}
    )
    before = {c.group_id: c.score for c in coverage(yes, framework=FW)}
    after = {c.group_id: c.score for c in coverage(also_no, framework=FW)}
    assert before == after
    talent = next(
        c for c in coverage(also_no, framework=FW) if c.group_id == "mens_en_talentgericht"
    )
    assert talent.recommendation_score == 0.0


# --- evaluate from the coach's work ------------------------------------------------------------


def _guided(
    *,
    statushouder: bool | None = True,
    guidance: dict[str, object] | None = None,
) -> ParticipantRecord:
    from piezomethod.guidance import Guidance
    from piezomethod.phases import Event

    events: list[Event] = [
        Enrolment(date=D(2022, 1, 10), phase=Phase(1)),
        PhaseChange(date=D(2022, 9, 5), to_phase=Phase(2)),
    ]
    return ParticipantRecord(
        participant=Participant(id="s-1", statushouder=statushouder),
        trajectory=Trajectory.from_events("s-1", events),
        guidance=None if guidance is None else Guidance(participant_id="s-1", **guidance),  # type: ignore[arg-type]
    )


def _auto(record: ParticipantRecord) -> dict[str, str]:
    found = evaluate(record, as_of=D(2022, 10, 1), framework=FW)
    return {a.item_id: a.answer.value for a in found.answers}


GUIDED_ITEMS = (
    "intake_levensdomeinen",
    "doorverwijzing",
    "ontwikkelgesprek",
    "maatje",
    "huisbezoek",
)


def test_without_guidance_data_the_guidance_items_stay_open() -> None:
    answers = _auto(_guided(guidance=None))
    assert not set(GUIDED_ITEMS) & set(answers)


def test_the_coachs_work_answers_what_it_can() -> None:
    from piezomethod.guidance import (
        BuddyAssignment,
        Contact,
        DomainAssessment,
        Intake,
        Referral,
        life_domains,
    )

    domains = [DomainAssessment(domain_id=d.id, status="no_concern") for d in life_domains()]
    domains[1] = DomainAssessment(domain_id="financien", status="referred")
    guidance = {
        "intake": Intake(date=D(2022, 1, 10), domains=domains),
        "contacts": [
            Contact(
                date=D(2022, 2, 1),
                kind="referral",
                referral=Referral(to="schuldhulpverlening", domain_id="financien"),
            ),
            Contact(date=D(2022, 8, 29), kind="transition_talk", decides_change_on=D(2022, 9, 5)),
        ],
        "buddies": [BuddyAssignment(buddy_id="b", start=D(2022, 3, 1))],
    }
    answers = _auto(_guided(guidance=guidance))
    assert {
        k: answers.get(k)
        for k in ("intake_levensdomeinen", "doorverwijzing", "ontwikkelgesprek", "maatje")
    } == {
        "intake_levensdomeinen": "yes",
        "doorverwijzing": "yes",
        "ontwikkelgesprek": "yes",
        "maatje": "yes",
    }
    # an empty guidance record: the organisation records guidance, and none of it happened
    empty = _auto(_guided(guidance={}))
    assert {
        k: empty.get(k)
        for k in ("intake_levensdomeinen", "doorverwijzing", "ontwikkelgesprek", "maatje")
    } == {
        "intake_levensdomeinen": "no",
        "doorverwijzing": None,  # no intake, so nothing known to refer: the data cannot say
        "ontwikkelgesprek": "no",
        "maatje": "no",
    }


def test_statushouder_items_do_not_apply_to_others_and_abstain_when_unknown() -> None:
    assert _auto(_guided(statushouder=False, guidance={}))["maatje"] == "not_applicable"
    assert "maatje" not in _auto(_guided(statushouder=None, guidance={}))


def test_a_partly_mapped_intake_is_partly() -> None:
    from piezomethod.guidance import DomainAssessment, Intake

    intake = Intake(
        date=D(2022, 1, 10), domains=[DomainAssessment(domain_id="taal", status="addressed")]
    )
    assert _auto(_guided(guidance={"intake": intake}))["intake_levensdomeinen"] == "partly"
