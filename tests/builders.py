"""Builders shared by the tests: compact histories and records, and one real example of every
public attrs class (harvested from what the library itself builds)."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any

import attrs
import pytest

from piezomethod.catalogues import mechanism_framework, skill_catalogue
from piezomethod.consent import Consent, portfolio
from piezomethod.errors import PiezoError, Problem
from piezomethod.instruments import instrument
from piezomethod.mechanisms import Assessment, ItemAnswer, coverage
from piezomethod.outcomes import (
    Measurement,
    MeasurementMoment,
    MeasurementWindows,
    Response,
    change,
    compliance,
    score,
)
from piezomethod.passport import (
    Celebration,
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    GoalStatus,
    Placement,
    Talent,
    milestones_from,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    phase_table,
    validate_events,
)
from piezomethod.records import Cohort, Gender, Participant, ParticipantRecord

D = datetime.date

Step = tuple[datetime.date, int | str]
"""One event: (day, phase) enrols when not enrolled and changes phase otherwise; (day,
destination) is an exit."""


def events(*steps: Step) -> list[Event]:
    """A history from compact steps, e.g. ``events((D(2020, 1, 6), 1), (D(2021, 1, 4), "paid_work"))``."""
    found: list[Event] = []
    enrolled = False
    for day, what in steps:
        if isinstance(what, str):
            found.append(Exit(date=day, destination=ExitDestination(what)))
            enrolled = False
        elif enrolled:
            found.append(PhaseChange(date=day, to_phase=Phase(what)))
        else:
            found.append(Enrolment(date=day, phase=Phase(what)))
            enrolled = True
    return found


def trajectory(pid: str, *steps: Step) -> Trajectory:
    """A trajectory from compact steps (see :func:`events`)."""
    return Trajectory.from_events(pid, events(*steps))


def record(pid: str, *steps: Step, **participant: Any) -> ParticipantRecord:
    """A record with a participant (``participant`` are its other fields) and a history."""
    return ParticipantRecord(
        participant=Participant(id=pid, **participant), trajectory=trajectory(pid, *steps)
    )


def rich_record(pid: str = "p-1") -> ParticipantRecord:
    """A record with every part filled in, personal free text included (for the tests that
    check what is shared, dropped or keyed)."""
    history = Trajectory.from_events(
        pid,
        [
            Enrolment(date=D(2021, 1, 4), phase=Phase(1), referrer="wijkteam Noord"),
            PhaseChange(date=D(2021, 11, 1), to_phase=Phase(3), reason="sprong na gesprek"),
            Exit(date=D(2022, 6, 1), destination="paid_work", reason="baan bij de bakker"),
        ],
    )
    goal = (
        DevelopmentGoal(
            id="g1", skill_id="op_tijd_komen", phase=1, set_on=D(2021, 2, 1), note="privé"
        )
        .advance(GoalStatus.IN_PROGRESS, on=D(2021, 2, 2))
        .advance(
            GoalStatus.ACHIEVED,
            on=D(2021, 5, 1),
            evidence=[
                Evidence(
                    kind="observation",
                    confirmed_by="coach",
                    confirmed_on=D(2021, 5, 1),
                    description="privé",
                )
            ],
        )
    )
    return ParticipantRecord(
        participant=Participant(
            id=pid,
            birth_year=1979,
            gender=Gender.WOMAN,
            statushouder=True,
            municipality="Zoetermeer",
            referrer="huisarts",
            attributes={"notitie": "woont bij zus", "kinderen": 3},
        ),
        trajectory=history,
        measurements=[
            Measurement(
                participant_id=pid,
                moment=MeasurementMoment.ENTRY,
                date=D(2021, 1, 10),
                response=Response(
                    instrument_id="cbs-geluk", instrument_version="1.0", answers={"geluk": 5}
                ),
            )
        ],
        passport=DevelopmentPassport(
            participant_id=pid,
            wishes=["kok worden"],
            talents=[Talent(name="bakken", rank=1, skill_id="koken")],
            goals=[goal],
            placements=[
                Placement(
                    id="pl",
                    kind="activity",
                    organisation="Buurthuis",
                    phase=1,
                    start=D(2021, 1, 11),
                    tasks=["taart bakken"],
                )
            ],
            celebrations=[Celebration(milestone_id="goal-g1", on=D(2021, 5, 2))],
        ),
        consents=[
            Consent(
                participant_id=pid,
                recipient="employer",
                purposes={"sollicitatie"},
                categories={"passport"},
                given_on=D(2022, 1, 1),
            )
        ],
    )


# --------------------------------------------------------------------------------------------
# One example of every public attrs class
# --------------------------------------------------------------------------------------------

PUBLIC_MODULES = (
    "errors",
    "phases",
    "guidance",
    "caseload",
    "outcomes",
    "passport",
    "mechanisms",
    "consent",
    "records",
    "catalogues",
    "render",
    "dataset",
    "analytics",
    "synth",
    "report",
    "serialization",
    "instruments",
    "fhir",
    "strategies",
    "cli",
)


def public_attrs_classes() -> list[type]:
    """Every attrs class named in a public module's ``__all__``, once."""
    found: list[type] = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(f"piezomethod.{name}")
        for export in module.__all__:
            obj = getattr(module, export)
            if isinstance(obj, type) and attrs.has(obj) and obj not in found:
                found.append(obj)
    return found


def _walk(value: Any) -> Iterator[object]:
    """``value`` and every attrs object inside it (through fields, tuples and mappings)."""
    if attrs.has(type(value)):
        yield value
        for field in attrs.fields(type(value)):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)


def guidance_example() -> Any:
    """A guidance history holding one of each of its parts."""
    from piezomethod import guidance as g

    return g.Guidance(
        participant_id="p-1",
        intake=g.Intake(
            date=D(2024, 1, 8),
            wishes=["een eigen zaak beginnen"],
            talents=["goed luisteren"],
            expectations=["sneller taal leren"],
            domains=[g.DomainAssessment(domain_id="taal", status="needs_attention")],
            facts=[g.Fact(kind="language_level", value="A1", date=D(2024, 1, 8))],
        ),
        coaches=[g.CoachAssignment(coach_id="coach-anna", start=D(2024, 1, 8))],
        contacts=[
            g.Contact(
                date=D(2024, 2, 1),
                kind="referral",
                roles=["participant", "coach"],
                domains=["financien"],
                goals=["g1"],
                next_steps="afspraak maken met de bank",
                referral=g.Referral(to="schuldhulpmaatje", domain_id="financien"),
            )
        ],
        buddies=[g.BuddyAssignment(buddy_id="maatje-bram", start=D(2024, 1, 15))],
    )


def _roots() -> list[object]:
    """Objects the library builds, between them holding an instance of every public class."""
    from piezomethod import analytics, dataset, synth

    cohort = synth.synthetic_cohort(n=40, seed=3)
    rich = rich_record()
    mhi5, ladder = instrument("mhi5"), instrument("participatieladder")
    answers = {"mhi5_1": 4, "mhi5_2": 5, "mhi5_3": 4, "mhi5_4": 4, "mhi5_5": 3}
    sheet = score(
        mhi5, Response(instrument_id="mhi5", instrument_version=mhi5.version, answers=answers)
    )
    ladder_sheet = score(
        ladder, Response(instrument_id=ladder.id, instrument_version=ladder.version, answers={})
    )
    framework = mechanism_framework()
    assessment = Assessment(
        subject_id="p-1",
        level="participant",
        phase=1,
        date=D(2022, 1, 1),
        answers=[ItemAnswer(item_id="welkom", answer="yes", note="fijn")],
    )
    assert rich.passport is not None
    shown, disclosure = portfolio(
        rich.passport,
        recipient="employer",
        purpose="sollicitatie",
        consents=rich.consents,
        as_of=D(2022, 6, 1),
        catalogue=skill_catalogue(),
    )
    broken = dataset.load({"participants": [{"participant_id": "p"}], "events": []})
    too_many = dataset.validate(
        {
            "participants": [{"participant_id": "p"}, {"participant_id": "p"}],
            "events": [
                {"participant_id": "p", "date": "2020-01-06", "type": "enrolment", "phase": "1"}
            ],
        },
        limits=dataset.ProblemLimits(per_table=0),
    )
    return [
        cohort,
        rich,
        *[r.trajectory.episodes() for r in cohort.records],
        *[r.trajectory.moves() for r in cohort.records],
        mhi5,
        ladder,
        sheet,
        ladder_sheet,
        change(sheet, sheet, instrument=mhi5),
        compliance(rich.trajectory, rich.measurements, as_of=D(2022, 12, 1)),
        MeasurementWindows(),
        skill_catalogue(),
        milestones_from(rich.trajectory, rich.passport.goals),
        framework,
        assessment,
        coverage(assessment, framework=framework),
        shown,
        disclosure,
        dataset.TABLES,
        broken.report,  # a Dataset is no attrs class: its report holds the problems
        too_many,
        guidance_example(),
        dataset.NameMapping.from_dict(
            {
                "tables": {"Cliënten": "participants"},
                "columns": {"participants": {"nr": "participant_id"}},
            }
        ),
        validate_events([PhaseChange(date=D(2020, 1, 1), to_phase=1)]),
        Problem(path="$", message="m"),
        phase_table(),
        TransitionPolicy.strict(),
        synth.SynthParameters(),
        __import__("piezomethod.guidance").guidance.GuidancePolicy(),
        __import__("piezomethod.caseload").caseload.guidance_figures(cohort),
        __import__("piezomethod.caseload").caseload.WorkItem(
            participant_id="p-1", code="no_recent_contact", since=D(2024, 1, 1), message="m"
        ),
        __import__("piezomethod.guidance").guidance.life_domains()[0],
        analytics.entry_phases(cohort),
        analytics.entry_phases(cohort).suppress(5),
        analytics.Disclosure(threshold=5),
        analytics.time_in_phase(cohort),
        analytics.leaving_phase(cohort),
        analytics.all_phases(cohort),
        analytics.subgroups(cohort, "gender"),
        analytics.outcome_development(cohort),
        analytics.distance_travelled(cohort),
        analytics.response_rates(cohort),
        Cohort(records=[rich], as_of=D(2023, 1, 1)),
    ]


def examples() -> dict[type, Any]:
    """One real instance of each attrs class reachable from :func:`_roots`, by class."""
    found: dict[type, Any] = {}
    for root in _roots():
        for obj in _walk(root):
            found.setdefault(type(obj), obj)
    return found


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


def refused(call: Callable[[], object], code: str, field: str | None) -> PiezoError:
    """Run ``call``; it must raise a PiezoError with exactly this ``code`` and ``field``."""
    with pytest.raises(PiezoError) as info:
        call()
    assert (info.value.code, info.value.field) == (code, field)
    return info.value


def same_score(computed: Any, exact: Any) -> bool:
    """Whether a score another engine computed (a number, or None for no score) is the
    library's exact score: exactly where that is a finite decimal (every built-in score), and
    otherwise (a mean of three: 43/15) to within the last of 15 significant digits, as far as
    a decimal can go."""
    if computed is None or exact is None:
        return computed is exact
    found, wanted = Fraction(str(computed)), Fraction(exact)
    denominator = wanted.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        return found == wanted
    return abs(found - wanted) <= Fraction(1, 10**15) * max(Fraction(1), abs(wanted))


def library_scores(ins: Any, response: Any) -> dict[str, Any]:
    """The library's scores of ``response``, keyed by the linkIds of the FHIR score items
    (exact fractions for scales, rung values for indicators, None where there is no score)."""
    from piezomethod.fhir import indicator_link_id, scale_link_id

    sheet = score(ins, response)
    found: dict[str, Any] = {scale_link_id(s.scale_id): s.exact for s in sheet.scales}
    found.update({indicator_link_id(i.indicator_id): i.value for i in sheet.indicators})
    return found


LFORMS_ORIGIN = "http://lforms.test/"
LFORMS_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js"></script>
<script src="/lforms/webcomponent/polyfills.js"></script>
<script src="/lforms/webcomponent/main.js"></script>
<script src="/lforms/fhir/lformsFHIRAll.min.js"></script>
</body></html>"""


def open_lforms(page: Any, dist: Any) -> None:
    """Load NLM's LHC-Forms (its built files in ``dist``, the npm package's ``dist/lforms``)
    into a Playwright ``page``, served through Playwright's routing: no server, no network."""
    import mimetypes

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(LFORMS_ORIGIN)
        if path == "form.html":
            route.fulfill(body=LFORMS_PAGE, content_type="text/html")
            return
        file = dist / path.removeprefix("lforms/")
        if not file.is_file():
            route.fulfill(status=404, body="")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(body=file.read_bytes(), content_type=kind)

    page.route(f"{LFORMS_ORIGIN}**", serve)
    page.goto(f"{LFORMS_ORIGIN}form.html")
    page.wait_for_function("() => window.LForms && LForms.Util && LForms.FHIR && LForms.FHIR.R4")
