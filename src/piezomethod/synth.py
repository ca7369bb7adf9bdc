"""Synthetic cohorts: realistic, clearly labelled, deterministic test data.

:func:`synthetic_cohort` generates participants whose trajectories, questionnaires and
passports tell the story of the research (Movisie 2019). Sourced, and each held by a test in
``tests/test_synth.py`` or ``tests/test_synth_research.py`` that cites the words:

* people: about 45 years old, about 2/3 women, a little under 1/3 statushouders, who are
  "iets meer mannen" and "gemiddeld iets jonger";
* trajectories: most enter in phase 1; "de grootste stromen de lijn van de methodiek" (out of
  each phase 0-3 more move on than go anywhere else, exit included) while every move occurs,
  setbacks, skips and re-entries too; a phase takes "iets minder tot iets meer dan een jaar",
  all phases 68 months on average and 43 as the median; older participants are slower in
  phases 0-3 and finish them less often; men move faster through phases 0, 1 and 4; women
  more often move on out of phases 0, 1 and 2 (the source says "uit fase 0, 1 en 2 te
  stromen", which could also mean leaving; it explains it by "Zij zetten wel stappen in de
  methodiek", so this library reads it as moving on); statushouders are slower only in phase 1
  and finish phases 0, 1 and 4 more often;
* questionnaires: "een respons van 41.5%"; paid work grows from entry up to the follow-up and
  the chance of work with it; education grows up to the exit from phase 3; activities and
  volunteering at the centre grow a lot, outside it hardly at all; the use of neighbourhood
  facilities and the contact with neighbours grow a little, the contact with friends hardly;
  health changes little and is best at the follow-up; happiness is lowest in phases 3 and 4
  and highest at the follow-up; speaking Dutch grows the most, with a small dip at the exit
  from phase 4 — for statushouders and (with "geen noemenswaardig grote verschillen") for
  everyone.

Everything else — the probabilities, the duration distribution, the size of each trend, the
late questionnaires, goals, placements and the coach's work — is this library's
reconstruction, chosen to look plausible, not measured. The numbers live in
:class:`SynthParameters` and ``_Generator.level``. Any built-in questionnaire can be
answered (``SynthParameters(instruments=...)``): an item follows the trend of what it asks
(``_CONSTRUCTS``; an item the generator does not know follows the health trend). A synthetic
cohort is marked ``synthetic=True`` and its ids start with ``syn-``: never present it as real
data.

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
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.outcomes import (
    AnswerCode,
    Instrument,
    Measurement,
    MeasurementMoment,
    Response,
    Scale,
)
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
    median_stay_months: float = 9.1
    """Reconstructed so that a phase takes a little under to a little over a year ("iets
    minder tot iets meer dan een jaar") and all phases take 68 months on average and 43 as
    the median by :func:`~piezomethod.analytics.all_phases` ("gemiddeld 68 maanden", "binnen
    43 maanden")."""
    stay_spread: float = 0.95
    """Log-normal sigma: the duration varies very widely ("loopt echter zeer sterk uiteen");
    set with ``median_stay_months`` to give the sourced mean and median."""
    forward: Mapping[int, float] = attrs.field(
        factory=lambda: {0: 0.66, 1: 0.62, 2: 0.62, 3: 0.60, 4: 0.0}, converter=frozen_mapping
    )
    """Reconstructed chance that a stay ends by moving forward, set so that the largest
    flows follow 0 > 1 > 2 > 3 > 4 ("de grootste stromen de lijn van de methodiek"): out of
    each phase 0-3 more move on than leave or go anywhere else."""
    setback: Mapping[int, float] = attrs.field(
        factory=lambda: {0: 0.0, 1: 0.04, 2: 0.06, 3: 0.06, 4: 0.05}, converter=frozen_mapping
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
    late: float = 0.08
    """Reconstructed share of the questionnaires taken that are taken after their window."""
    women_statushouder: float = 0.58
    """Reconstructed share of women among statushouders: "iets meer mannen" than among all
    participants; the others' share follows from ``share_women``."""
    younger_statushouder: float = 2.5
    """Reconstructed: statushouders are this many years younger than the mean ("gemiddeld
    iets jonger"); the others are older so that the whole cohort keeps ``mean_age``."""
    instruments: tuple[str, ...] = attrs.field(default=("piezo-effectmeting",))
    """The built-in questionnaires answered at each questionnaire moment (any of
    :func:`~piezomethod.instruments.instrument_ids`); how each item moves is in the module
    docs."""

    @instruments.validator
    def _known(self, attribute: object, value: tuple[str, ...]) -> None:
        known = instrument_ids()
        for n, name in enumerate(value):
            if name not in known:
                raise FieldError(
                    "is not a built-in instrument",
                    code=Code.UNKNOWN_INSTRUMENT,
                    field=f"instruments[{n}]",
                )

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
    level: float
    """The person's own level around the trend (on the 0..1 scale of ``_Generator.level``)."""


@attrs.frozen
class _Stage:
    """Where a questionnaire is taken: its moment, the phase entered or left, and for an exit
    and its follow-up, where the participant went."""

    moment: MeasurementMoment
    phase: Phase
    exit_to: ExitDestination | None = None


# Which trend an item follows (see _Generator.level). An item not named here follows "health":
# little change, the best at the follow-up — the source's words for almost every question.
_CONSTRUCTS: Mapping[str, str] = {
    "werk_betaald": "paid_work",
    "pl_betaald_werk": "paid_work",
    "opleiding_volgt": "education",
    "kans_werk": "chances",
    "kans_opleiding": "chances",
    "activiteiten_centrum": "in_centre",
    "pl_georganiseerde_activiteit": "in_centre",
    "vrijwilligerswerk_centrum": "volunteer_in_centre",
    "pl_onbetaald_werk": "volunteering",
    "activiteiten_buiten": "outside",
    "vrijwilligerswerk_buiten": "outside",
    "voorzieningen_buurt": "facilities",
    "contact_vrienden": "friends",
    "pl_sociaal_contact": "friends",
    "contact_buren": "neighbours",
    "geluk": "happiness",
    "taal_spreken": "speaking",
    "taal_gesprekken": "speaking",
    "taal_luisteren": "speaking",
    "taal_lezen": "reading",
    "taal_schrijven": "reading",
}


@attrs.frozen
class _FormItem:
    id: str
    construct: str
    codes: tuple[AnswerCode, ...]
    """The options; for an ordered item from worst to best."""
    yes_no: bool
    ordered: bool
    conditional: bool
    """Asked only when the instrument's condition holds; drawn without a trend."""


@attrs.frozen
class _Form:
    instrument: Instrument
    items: tuple[_FormItem, ...]

    @classmethod
    def of(cls, ins: Instrument) -> _Form:
        """How to answer ``ins``: each item's trend, and its options from worst to best (by
        the value the item has in its first scale and that scale's direction)."""
        scale_of = {si.item: sc for sc in reversed(ins.scales) for si in sc.items}
        items = []
        for item in ins.items:
            codes = tuple(o.code for o in ins.response_scale(item.response_scale).options)
            scale = scale_of.get(item.id)
            conditional = item.asked_if is not None
            if scale is not None and not conditional:

                def value(code: AnswerCode, scale: Scale = scale, item_id: str = item.id) -> Any:
                    found = ins.value_of(scale.id, item_id, code)
                    return 0 if found is None else found

                codes = tuple(sorted(codes, key=value, reverse=not scale.higher_is_better))
            items.append(
                _FormItem(
                    id=item.id,
                    construct=_CONSTRUCTS.get(item.id, "health"),
                    codes=codes,
                    yes_no=not conditional and {str(c) for c in codes} == {"ja", "nee"},
                    ordered=scale is not None and not conditional,
                    conditional=conditional,
                )
            )
        return cls(instrument=ins, items=tuple(items))


class _Generator:
    def __init__(self, params: SynthParameters, rng: random.Random) -> None:
        self.p = params
        self.rng = rng
        self.skills = [s.id for s in skill_catalogue().skills]
        self.span = (params.as_of - params.start).days
        self.forms = tuple(_Form.of(instrument(i)) for i in params.instruments)

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
        if person.woman and phase <= 2:
            # women more often move on out of phases 0, 1 and 2 ("Doelgroep": "Zij zetten wel
            # stappen in de methodiek"; see the module docs for the reading)
            forward *= 1.15
        leave = max(0.0, 1 - forward - back)
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

    def level(self, person: _Person, construct: str, stage: _Stage) -> float:
        """How far along ``person`` is on ``construct`` at ``stage``: 0 (worst) .. 1 (best),
        or for a yes/no item the chance of "ja". The shapes are sourced (see ``_TRENDS``); the
        numbers are reconstructed."""
        p, moment, to = int(stage.phase), stage.moment, stage.exit_to
        follow_up = moment is MeasurementMoment.FOLLOW_UP
        after = moment in (MeasurementMoment.EXIT, MeasurementMoment.FOLLOW_UP)
        if construct == "paid_work":
            if after and to is ExitDestination.PAID_WORK:
                return 0.92 if follow_up else 0.88
            return (0.03, 0.04, 0.06, 0.10, 0.20)[p] + (0.08 if follow_up else 0.0)
        if construct == "education":
            if after and to is ExitDestination.EDUCATION:
                return 0.90
            return (0.02, 0.04, 0.07, 0.12, 0.24)[p] + (0.03 if follow_up else 0.0)
        if construct == "in_centre":  # activities at the centre: phases 1-3 (and 2 volunteering)
            if follow_up:
                return 0.15
            started = moment is not MeasurementMoment.ENTRY
            return (0.10, 0.85 if started else 0.45, 0.90, 0.80, 0.45)[p]
        if construct == "volunteer_in_centre":
            return 0.05 if follow_up else (0.03, 0.08, 0.85, 0.35, 0.10)[p]
        if construct == "volunteering":  # volunteer work anywhere: in phases 2 and 3
            return 0.25 if follow_up else (0.05, 0.10, 0.85, 0.85, 0.40)[p]
        if construct == "outside":
            return 0.22
        # the rest are person-level scales, with a person's own level around the trend
        shift = person.level
        if construct == "chances":
            value = 0.35 + 0.07 * p + (0.05 if follow_up else 0.0)
        elif construct == "facilities":
            value = 0.40 + 0.03 * p + (0.03 if follow_up else 0.0)
        elif construct == "friends":
            value = 0.52 + 0.005 * p + (0.03 if follow_up else 0.0)
        elif construct == "neighbours":
            value = 0.36 + 0.05 * p + (0.03 if follow_up else 0.0)
        elif construct == "happiness":
            value = 0.70 if follow_up else (0.62, 0.64, 0.63, 0.55, 0.54)[p]
        elif construct in ("speaking", "reading"):
            step = 0.11 if construct == "speaking" else 0.07
            start = 0.15 if person.statushouder else 0.55
            if not person.statushouder:
                step /= 4
            # at entry the method has not yet worked: the level of the phase before
            reached = max(p - 1, 0) if moment is MeasurementMoment.ENTRY else p
            value = start + step * reached
            if p == 4 and moment is MeasurementMoment.EXIT:
                value -= 0.06  # the small dip at the exit from phase 4
        else:  # health, and the default for an item this generator does not know
            value = 0.62 - 0.004 * (person.age - 45) + (0.08 if follow_up else 0.0)
        return value + shift

    def response(self, person: _Person, stage: _Stage, form: _Form) -> Response:
        rng = self.rng
        answers: dict[str, AnswerCode] = {}
        for item in form.items:
            if item.yes_no:
                chance = self.level(person, item.construct, stage)
                answers[item.id] = "ja" if rng.random() < chance else "nee"
            elif item.ordered:
                top = len(item.codes) - 1
                centre = _clip(self.level(person, item.construct, stage), 0.0, 1.0) * top
                index = round(rng.gauss(centre, 0.22 * top))
                answers[item.id] = item.codes[int(_clip(index, 0, top))]
            elif not item.conditional or form.instrument.asked(item.id, answers):
                answers[item.id] = rng.choice(item.codes)
        for item_id in list(answers):
            if rng.random() < 0.03:  # an unanswered item now and then
                del answers[item_id]
        return Response(
            instrument_id=form.instrument.id,
            instrument_version=form.instrument.version,
            answers=answers,
        )

    def measurements(self, pid: str, person: _Person, events: list[Event]) -> list[Measurement]:
        rng, as_of = self.rng, self.p.as_of
        taken: list[Measurement] = []
        phase: Phase | None = None

        def take(moment: MeasurementMoment, due: datetime.date, stage: _Stage) -> None:
            if rng.random() >= self.p.response_rate:
                return
            if rng.random() < self.p.late:
                day = due + datetime.timedelta(days=rng.randrange(31, 75))
            else:
                day = due + datetime.timedelta(days=rng.randrange(0, 21))
            if day > as_of:
                return
            for form in self.forms:
                response = self.response(person, stage, form)
                taken.append(
                    Measurement(participant_id=pid, moment=moment, date=day, response=response)
                )

        for event in events:
            if isinstance(event, Enrolment):
                phase = event.phase
                take(MeasurementMoment.ENTRY, event.date, _Stage(MeasurementMoment.ENTRY, phase))
            elif isinstance(event, PhaseChange):
                phase = event.to_phase
                moment = MeasurementMoment.TRANSITION
                take(moment, event.date, _Stage(moment, phase))
            else:
                assert phase is not None
                to = event.destination
                take(MeasurementMoment.EXIT, event.date, _Stage(MeasurementMoment.EXIT, phase, to))
                follow_up = event.date + relativedelta(months=3)
                stage = _Stage(MeasurementMoment.FOLLOW_UP, phase, to)
                take(MeasurementMoment.FOLLOW_UP, follow_up, stage)
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
        # en haar deelnemers", "iets meer mannen"); the others' figures are set so that the
        # whole cohort has the sourced ones
        sh = p.share_statushouder
        woman_other = (p.share_women - sh * p.women_statushouder) / (1 - sh)
        woman = rng.random() < (p.women_statushouder if statushouder else woman_other)
        younger = p.younger_statushouder
        mean = p.mean_age - (younger if statushouder else -younger * sh / (1 - sh))
        age = int(_clip(round(rng.gauss(mean, 12)), 18, 80))
        level = _clip(rng.gauss(0.0, 0.08), -0.25, 0.25)
        person = _Person(age=age, woman=woman, statushouder=statushouder, level=level)
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
    first: int = 1,
) -> Cohort:
    """A synthetic cohort of ``n`` participants, the same for the same ``seed`` and
    ``params``. Each record has a trajectory, the questionnaires (``piezo-effectmeting``) that
    were taken, a passport with goals and placements, and (unless ``guidance=False``) the
    coach's work: an intake, coaches, contacts and, for some statushouders, a buddy — all of it
    reconstructed (see :mod:`piezomethod._synth_guidance`), drawn from its own random stream so
    that the rest of the cohort is the same with or without it. See the module docs for what
    is sourced and what is reconstructed.

    ``first`` numbers the first participant (``syn-000001`` by default): cohorts made in chunks
    (``first=1``, ``first=50001``, ... each with its own ``seed``) have disjoint ids, so a
    dataset too large to hold in memory can be written chunk by chunk."""
    if n < 0:
        raise FieldError("n must be a whole number >= 0", code=Code.INVALID_COUNT, field="n")
    if first < 1:
        message = "first must be a whole number >= 1"
        raise FieldError(message, code=Code.INVALID_COUNT, field="first")
    params = params or SynthParameters()
    generator = _Generator(params, random.Random(seed))
    records = [generator.record(first + k) for k in range(n)]
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
