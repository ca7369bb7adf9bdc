"""Synthetic cohorts: realistic, clearly labelled, deterministic test data.

:func:`synthetic_cohort` generates participants whose trajectories, measurements and passports
follow the figures the sources give (Movisie 2019, sections "De PiëzoMethodiek en haar
deelnemers", "Doelgroep" and "De effectiviteit van de PiëzoMethodiek"): about 45
years old on average, about 2/3 women, a little under 1/3 statushouders (a little more often
men, a little younger); most enter in phase 1; the largest flows go 0 > 1 > 2 > 3 > 4 but every
move occurs, including setbacks, skips, early exits and re-entries; a phase takes a little under
to a little over a year with a very wide spread; older participants are slower in phases 0-3 and
finish them less often, men move faster through phases 0, 1 and 4, women more often leave from
phases 0, 1 and 2, statushouders are slower only in phase 1 but finish phases 0, 1 and 4 more
often; about 41.5% of due questionnaires are taken ("een respons van 41.5%").

Everything else — the exact probabilities, the duration distribution, the answers to the
questionnaire, goals and placements — is this library's reconstruction, chosen to look
plausible, not measured. The numbers live in :class:`SynthParameters`. A synthetic cohort is
marked ``synthetic=True`` and its ids start with ``syn-``: never present it as real data.

>>> cohort = synthetic_cohort(n=200, seed=7)
>>> cohort.synthetic, len(cohort)
(True, 200)
>>> cohort == synthetic_cohort(n=200, seed=7)
True
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Mapping
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from piezomethod import _synth_guidance
from piezomethod._checks import checked, fields, frozen_mapping
from piezomethod.catalogues import skill_catalogue
from piezomethod.errors import Code, FieldError
from piezomethod.outcomes import AnswerCode, Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    DevelopmentGoal,
    DevelopmentPassport,
    GoalStatus,
    Placement,
    PlacementKind,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
)
from piezomethod.records import Cohort, Gender, Participant, ParticipantRecord

__all__ = ["SynthParameters", "synthetic_cohort"]

_D = ExitDestination


@attrs.frozen(kw_only=True, field_transformer=fields)
class SynthParameters:
    """The knobs of the generator. Sourced figures say so; the rest is reconstruction.

    Unless said otherwise the source is Movisie 2019, section "De PiëzoMethodiek en haar
    deelnemers"; the quoted words can be searched for in that document.
    """

    start: datetime.date = datetime.date(2014, 1, 1)
    """First possible enrolment (PMsys registered phases for about 4 years before 2019)."""
    as_of: datetime.date = datetime.date(2025, 12, 31)
    """The day the synthetic data is drawn; later events are not generated."""
    share_women: float = 2 / 3
    """Sourced: about 2/3 women ("ongeveer 2/3 ervan is vrouw")."""
    share_statushouder: float = 0.30
    """Sourced: a little under 1/3 ("Iets minder dan 1/3")."""
    mean_age: float = 45.0
    """Sourced: about 45 years on average ("gemiddeld zo’n 45 jaar oud")."""
    entry_phases: Mapping[int, float] = attrs.field(
        factory=lambda: {0: 0.15, 1: 0.55, 2: 0.15, 3: 0.10, 4: 0.05}, converter=frozen_mapping
    )
    """Reconstructed; sourced only that most enter directly in phase 1 ("direct in fase 1")."""
    median_stay_months: float = 9.5
    """Reconstructed so that a phase takes a little under to a little over a year ("iets
    minder tot iets meer dan een jaar")."""
    stay_spread: float = 0.8
    """Log-normal sigma: the duration varies very widely ("loopt echter zeer sterk uiteen")."""
    forward: Mapping[int, float] = attrs.field(
        factory=lambda: {0: 0.60, 1: 0.50, 2: 0.55, 3: 0.50, 4: 0.0}, converter=frozen_mapping
    )
    """Reconstructed chance that a stay ends by moving forward; the largest flows follow
    0 > 1 > 2 > 3 > 4 ("de grootste stromen de lijn van de methodiek")."""
    setback: Mapping[int, float] = attrs.field(
        factory=lambda: {0: 0.0, 1: 0.05, 2: 0.08, 3: 0.08, 4: 0.05}, converter=frozen_mapping
    )
    """Reconstructed chance of a step back; the rest of the stays end in an exit."""
    skip: float = 0.10
    """Reconstructed share of forward moves that skip a phase (skips occur: "wordt soms een
    fase overgeslagen")."""
    re_entry: float = 0.12
    """Reconstructed chance that someone who left re-enters later (re-entries occur:
    "uitgestroomde deelnemers later weer instromen")."""
    response_rate: float = 0.415
    """Sourced: 685 valid questionnaires, a response of 41.5% (Movisie 2019, "De effectiviteit
    van de PiëzoMethodiek", "een respons van 41.5%")."""
    municipalities: int = 9
    """Sourced: 18 locations in 9 municipalities (Movisie 2019, "Aanleiding", "negen
    gemeenten", "achttien locaties")."""


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _choice(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


_DESTINATIONS: dict[str, dict[object, float]] = {
    "finished": {_D.PAID_WORK: 0.6, _D.EDUCATION: 0.4},
    "high": {
        _D.PAID_WORK: 0.20,
        _D.EDUCATION: 0.12,
        _D.VOLUNTEER_WORK_ELSEWHERE: 0.20,
        _D.OTHER_MUNICIPAL_TRAJECTORY: 0.14,
        _D.OWN_CHOICE: 0.10,
        _D.HEALTH: 0.08,
        _D.MOVED_AWAY: 0.06,
        _D.LOST_CONTACT: 0.06,
        _D.OTHER: 0.04,
    },
    "low": {
        _D.PAID_WORK: 0.04,
        _D.EDUCATION: 0.04,
        _D.VOLUNTEER_WORK_ELSEWHERE: 0.10,
        _D.OTHER_MUNICIPAL_TRAJECTORY: 0.22,
        _D.OWN_CHOICE: 0.18,
        _D.HEALTH: 0.16,
        _D.MOVED_AWAY: 0.08,
        _D.LOST_CONTACT: 0.14,
        _D.OTHER: 0.04,
    },
}
_REFERRERS = ("wijkteam", "klantmanager", "huisarts", "zelf", "buurtwerk")
_PLACEMENT = {
    Phase(1): (PlacementKind.ACTIVITY, "PiëzoCentrum"),
    Phase(2): (PlacementKind.INTERNAL_VOLUNTEERING, "PiëzoCentrum"),
    Phase(3): (PlacementKind.EXTERNAL_VOLUNTEERING, "partnerorganisatie"),
    Phase(4): (PlacementKind.INTERNSHIP, "leerbedrijf"),
}
_LEVELS = ("A0", "A1", "A2", "B1", "B2", "C1", "C2")


@attrs.frozen
class _Person:
    age: int
    woman: bool
    statushouder: bool


class _Generator:
    def __init__(self, params: SynthParameters, rng: random.Random) -> None:
        self.p = params
        self.rng = rng
        self.skills = [s.id for s in skill_catalogue().skills]
        self.span = (params.as_of - params.start).days

    # -- trajectories -------------------------------------------------------------------------

    def stay_days(self, person: _Person, phase: Phase) -> int:
        factor = 1.0
        if phase <= 3:
            factor *= 1 + 0.015 * (person.age - 45)  # older: slower in 0-3 ("Doelgroep")
        if not person.woman and phase in (0, 1, 4):
            factor *= 0.8  # men faster through 0, 1 and 4 ("Doelgroep")
        if person.statushouder and phase == 1:
            factor *= 1.4  # statushouders slower only in phase 1 ("Doelgroep")
        months = self.p.median_stay_months * factor
        months *= math.exp(self.rng.gauss(0.0, self.p.stay_spread))
        return max(1, round(months * 30.4375))

    def next_move(self, person: _Person, phase: Phase) -> str:
        forward = self.p.forward[int(phase)] if phase < 4 else 0.0
        back = self.p.setback[int(phase)] if phase > 0 else 0.0
        if phase <= 3:
            forward *= _clip(1 - 0.01 * (person.age - 45), 0.5, 1.3)  # older finish less
        if person.statushouder and phase in (0, 1):
            forward *= 1.2  # statushouders finish 0 and 1 more often ("Doelgroep")
        leave = max(0.0, 1 - forward - back)
        if person.woman and phase <= 2:
            leave *= 1.25  # women more often leave from 0, 1, 2 ("Doelgroep")
        total = forward + back + leave
        r = self.rng.random() * total
        if r < forward:
            return "skip" if phase <= 2 and self.rng.random() < self.p.skip else "advance"
        return "setback" if r < forward + back else "exit"

    def destination(self, person: _Person, phase: Phase) -> ExitDestination:
        if phase == 4:
            finished = 0.55 if person.statushouder else 0.45  # statushouders finish 4 more often
            key = "finished" if self.rng.random() < finished else "high"
        else:
            key = "high" if phase >= 2 else "low"
        found = _choice(self.rng, _DESTINATIONS[key])
        assert isinstance(found, ExitDestination)
        return found

    def events(self, person: _Person) -> list[Event]:
        rng, as_of = self.rng, self.p.as_of
        day = self.p.start + datetime.timedelta(days=rng.randrange(self.span))
        phase = Phase(int(str(_choice(rng, self.p.entry_phases))))
        referrer = "vluchtelingenwerk" if person.statushouder else rng.choice(_REFERRERS)
        events: list[Event] = [Enrolment(date=day, phase=phase, referrer=referrer)]
        while True:
            day += datetime.timedelta(days=self.stay_days(person, phase))
            if day > as_of:
                return events
            move = self.next_move(person, phase)
            if move == "exit":
                destination = self.destination(person, phase)
                events.append(Exit(date=day, destination=destination))
                if destination.is_work_or_education or rng.random() > self.p.re_entry:
                    return events
                day += datetime.timedelta(days=rng.randrange(90, 900))
                if day > as_of:
                    return events
                phase = Phase(max(0, int(phase) - rng.choice((0, 0, 1))))
                events.append(Enrolment(date=day, phase=phase, referrer=rng.choice(_REFERRERS)))
                continue
            if move == "advance":
                phase = Phase(int(phase) + 1)
            elif move == "skip":
                phase = Phase(int(phase) + 2)
            else:
                phase = Phase(max(0, int(phase) - rng.choice((1, 1, 2))))
            events.append(PhaseChange(date=day, to_phase=phase))

    # -- measurements -------------------------------------------------------------------------

    def answers(
        self, person: _Person, phase: Phase, moment: MeasurementMoment, exit_to: object
    ) -> dict[str, AnswerCode]:
        rng = self.rng
        p = int(phase)
        work = {0: 0.02, 1: 0.03, 2: 0.05, 3: 0.10, 4: 0.30}[p]
        study = {0: 0.02, 1: 0.04, 2: 0.06, 3: 0.10, 4: 0.25}[p]
        if moment in (MeasurementMoment.EXIT, MeasurementMoment.FOLLOW_UP):
            if exit_to is ExitDestination.PAID_WORK:
                work = 0.9
            elif exit_to is ExitDestination.EDUCATION:
                study = 0.9

        def likert(centre: float, low: int = 1, high: int = 5) -> int:
            return int(_clip(round(rng.gauss(centre, 0.9)), low, high))

        health = 3.0 + 0.15 * p - 0.01 * (person.age - 45)  # 1 worst .. 5 best
        answers: dict[str, AnswerCode] = {
            "werk_betaald": "ja" if rng.random() < work else "nee",
            "opleiding_volgt": "ja" if rng.random() < study else "nee",
            "kans_werk": likert(2.2 + 0.35 * p),
            "kans_opleiding": likert(2.2 + 0.25 * p),
            "activiteiten_centrum": "ja" if 1 <= p <= 3 else "nee",
            "vrijwilligerswerk_centrum": "ja" if p == 2 else "nee",
            "activiteiten_buiten": "ja" if rng.random() < 0.2 + 0.1 * p else "nee",
            "vrijwilligerswerk_buiten": "ja" if p == 3 else "nee",
            "voorzieningen_buurt": likert(2.5 + 0.2 * p),
            "contact_vrienden": likert(2.6 + 0.25 * p),
            "contact_buren": likert(2.3 + 0.15 * p),
            "gezondheid_algemeen": 6 - likert(health),
            "gezondheid_beperkt": 6 - likert(health),
            "kalm_rustig": likert(health),
            "neerslachtig": 6 - likert(health),
            "geluk": likert(6.0 + 0.3 * p, 1, 10),
        }
        if answers["opleiding_volgt"] == "ja":
            answers["opleiding_niveau"] = rng.choice(("mbo1", "mbo2", "mbo2", "mbo3", "anders"))
        base = 0.8 + 0.5 * p if person.statushouder else 3.5
        for item in ("taal_spreken", "taal_lezen", "taal_schrijven"):
            answers[item] = _LEVELS[int(_clip(round(rng.gauss(base, 0.8)), 0, 6))]
        for item in list(answers):
            if rng.random() < 0.03:  # an unanswered item now and then
                del answers[item]
        return answers

    def measurements(self, pid: str, person: _Person, events: list[Event]) -> list[Measurement]:
        rng, as_of = self.rng, self.p.as_of
        taken: list[Measurement] = []
        phase: Phase | None = None

        def take(moment: MeasurementMoment, due: datetime.date, at: Phase, to: object) -> None:
            if rng.random() >= self.p.response_rate:
                return
            day = due + datetime.timedelta(days=rng.randrange(0, 21))
            if day > as_of:
                return
            response = Response(
                instrument_id="piezo-effectmeting",
                instrument_version="0.1",
                answers=self.answers(person, at, moment, to),
            )
            taken.append(
                Measurement(participant_id=pid, moment=moment, date=day, response=response)
            )

        for event in events:
            if isinstance(event, Enrolment):
                phase = event.phase
                take(MeasurementMoment.ENTRY, event.date, phase, None)
            elif isinstance(event, PhaseChange):
                phase = event.to_phase
                take(MeasurementMoment.TRANSITION, event.date, phase, None)
            else:
                assert phase is not None
                take(MeasurementMoment.EXIT, event.date, phase, event.destination)
                follow_up = event.date + relativedelta(months=3)
                take(MeasurementMoment.FOLLOW_UP, follow_up, phase, event.destination)
        # dates can cross when moments follow each other fast; the dataset order is canonical
        order = {m: n for n, m in enumerate(MeasurementMoment)}
        taken.sort(key=lambda m: (m.date, order[m.moment], m.response.instrument_id))
        return taken

    # -- passports ----------------------------------------------------------------------------

    def passport(self, pid: str, trajectory: Trajectory) -> DevelopmentPassport:
        rng, as_of = self.rng, self.p.as_of
        goals: list[DevelopmentGoal] = []
        placements: list[Placement] = []
        for n, stay in enumerate(trajectory.stays()):
            end = stay.end
            set_on = min(stay.start + datetime.timedelta(days=rng.randrange(0, 30)), as_of)
            if end is not None and set_on > end:
                set_on = stay.start
            forward = stay.ended_by is not None and stay.ended_by.value in ("advance", "skip")
            for k in range(rng.choice((1, 1, 2))):
                if end is None:
                    status = rng.choice((GoalStatus.PLANNED, GoalStatus.IN_PROGRESS))
                elif forward:
                    status = GoalStatus.ACHIEVED
                else:
                    status = rng.choice((GoalStatus.DROPPED, GoalStatus.IN_PROGRESS))
                goals.append(
                    DevelopmentGoal(
                        id=f"g{n + 1}-{k + 1}",
                        skill_id=rng.choice(self.skills),
                        phase=stay.phase,
                        set_on=set_on,
                        status=status,
                        achieved_on=end if status is GoalStatus.ACHIEVED else None,
                    )
                )
            if stay.phase in _PLACEMENT:
                kind, organisation = _PLACEMENT[stay.phase]
                placements.append(
                    Placement(
                        id=f"pl{n + 1}",
                        kind=kind,
                        organisation=organisation,
                        phase=stay.phase,
                        start=set_on,
                        end=end,
                        hours_per_week=float(rng.choice((4, 8, 12, 16, 24))),
                        skills=tuple(rng.sample(self.skills, 2)),
                    )
                )
        return DevelopmentPassport(participant_id=pid, goals=goals, placements=placements)

    # -- people -------------------------------------------------------------------------------

    def record(self, number: int) -> ParticipantRecord:
        rng, p = self.rng, self.p
        statushouder = rng.random() < p.share_statushouder
        # statushouders are a little more often men and a little younger ("De PiëzoMethodiek
        # en haar deelnemers", "iets meer mannen");
        # the shares for the others are set so that the whole cohort has the sourced figures
        woman_sh = 0.5
        woman_other = (p.share_women - p.share_statushouder * woman_sh) / (1 - p.share_statushouder)
        woman = rng.random() < (woman_sh if statushouder else woman_other)
        mean = p.mean_age - (
            5 if statushouder else -5 * p.share_statushouder / (1 - p.share_statushouder)
        )
        age = int(_clip(round(rng.gauss(mean, 12)), 18, 80))
        person = _Person(age=age, woman=woman, statushouder=statushouder)
        pid = f"syn-{number:06d}"
        events = self.events(person)
        trajectory = Trajectory.from_events(pid, events)
        birth_year = events[0].date.year - age
        participant = Participant(
            id=pid,
            birth_year=birth_year,
            gender=Gender.WOMAN if woman else Gender.MAN,
            statushouder=statushouder,
            municipality=f"gemeente-{rng.randrange(p.municipalities) + 1:02d}",
            organisation="piëzo-synthetisch",
        )
        return ParticipantRecord(
            participant=participant,
            trajectory=trajectory,
            measurements=self.measurements(pid, person, events),
            passport=self.passport(pid, trajectory),
        )


@checked
def synthetic_cohort(
    n: int = 1000,
    *,
    seed: int = 0,
    params: SynthParameters | None = None,
    guidance: bool = True,
) -> Cohort:
    """A synthetic cohort of ``n`` participants, the same for the same ``seed`` and
    ``params``. Each record has a trajectory, the questionnaires (``piezo-effectmeting``) that
    were taken, a passport with goals and placements, and (unless ``guidance=False``) the
    coach's work: an intake, coaches, contacts and, for some statushouders, a buddy — all of it
    reconstructed (see :mod:`piezomethod._synth_guidance`), drawn from its own random stream so
    that the rest of the cohort is the same with or without it. See the module docs for what
    is sourced and what is reconstructed."""
    if n < 0:
        raise FieldError("n must be a whole number >= 0", code=Code.INVALID_COUNT, field="n")
    params = params or SynthParameters()
    generator = _Generator(params, random.Random(seed))
    records = [generator.record(k + 1) for k in range(n)]
    if guidance:
        stream = random.Random(f"{seed}/guidance")
        records = [
            attrs.evolve(
                r,
                guidance=_synth_guidance.guidance(
                    stream, r.trajectory, bool(r.participant.statushouder), params.as_of
                ),
            )
            for r in records
        ]
    return Cohort(
        records=records, as_of=params.as_of, synthetic=True, name=f"synthetic n={n} seed={seed}"
    )
