"""The development passport: talents, development goals, placements, milestones.

The research's strongest recommendation is to make development explicit: agree a top 3 of
talents, set explicit development goals (*ontwikkeldoelen*), hold a development conversation at
each phase transition and celebrate it (*piketpaaltjes*), and build a portfolio of acquired
employee skills that partner organisations and employers can see (Movisie 2019,
"Verbeterkansen", "een top 3 aan talenten", "(piketpaaltjes)", "een portfolio opgebouwd
worden"). This module holds that passport as data.

Single objects (a talent, a goal, a placement, a piece of evidence) fail fast when built. A
whole passport is checked by :func:`validate_passport`, which returns every problem as an
:class:`~piezomethod.errors.Issue`.

>>> from datetime import date
>>> goal = DevelopmentGoal(
...     id="g1", skill_id="op_tijd_komen", phase=Phase(2), set_on=date(2021, 3, 1)
... )
>>> goal = goal.advance(GoalStatus.IN_PROGRESS, on=date(2021, 3, 8))
>>> goal.advance(GoalStatus.ACHIEVED, on=date(2021, 6, 1)).status
<GoalStatus.ACHIEVED: 'achieved'>
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from piezomethod._checks import (
    as_tuple,
    check_optional_text,
    check_text,
    checked,
    fields,
    texts,
    to_enum,
)
from piezomethod._compat import deprecated_names
from piezomethod._i18n import Labelled, Text
from piezomethod.errors import Code, FieldError, Issue, Severity
from piezomethod.phases import MoveKind, Phase, Trajectory

__all__ = [
    "DEFAULT_PLACEMENT_PHASES",
    "Celebration",
    "Confirmer",
    "DevelopmentGoal",
    "DevelopmentPassport",
    "Evidence",
    "EvidenceKind",
    "GoalStatus",
    "Milestone",
    "MilestoneKind",
    "Placement",
    "PlacementKind",
    "Skill",
    "SkillCatalogue",
    "SkillCategory",
    "Talent",
    "milestones_from",
    "validate_passport",
]


def _phase(value: Phase | int, field: str = "phase") -> Phase:
    return Phase.coerce(value, field=field)


# --------------------------------------------------------------------------------------------
# Skills catalogue
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class SkillCategory:
    """A group of skills (employee skills, practical, the four kinds of soft skills, ...)."""

    id: str = attrs.field(validator=check_text)
    label: Text
    source: str = ""


@attrs.frozen(kw_only=True, field_transformer=fields)
class Skill:
    """One skill with a stable id, a category and a bilingual label."""

    id: str = attrs.field(validator=check_text)
    category: str = attrs.field(validator=check_text)
    label: Text


@attrs.frozen(kw_only=True, field_transformer=fields)
class SkillCatalogue:
    """A versioned set of skills in categories. Ids are unique; an unknown category is an error.

    Combine the built-in catalogue with an organisation's own with :meth:`extend`; an id that
    exists in both is refused, never silently overwritten.
    """

    id: str = attrs.field(validator=check_text)
    version: str = attrs.field(validator=check_text)
    title: Text
    source: str
    categories: tuple[SkillCategory, ...] = attrs.field(converter=as_tuple)
    skills: tuple[Skill, ...] = attrs.field(converter=as_tuple)
    notes: Text | None = None
    _index: dict[str, Skill] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.id: s for s in self.skills})
        problems = []
        for kind, ids in (
            ("category", [c.id for c in self.categories]),
            ("skill", [s.id for s in self.skills]),
        ):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                problems.append(f"{kind} ids used twice: {', '.join(dup)}")
        known = {c.id for c in self.categories}
        orphans = sorted({s.category for s in self.skills} - known)
        if orphans:
            problems.append(f"skills refer to unknown categories: {', '.join(orphans)}")
        if problems:
            raise FieldError("; ".join(problems), code=Code.INVALID_CATALOGUE, field="skills")

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id, or a ``FieldError``."""
        found = self._index.get(skill_id)
        if found is not None:
            return found
        raise FieldError(
            "no skill with that id in the catalogue", code=Code.UNKNOWN_SKILL, field="skill_id"
        )

    def category(self, category_id: str) -> SkillCategory:
        """The category with this id, or a ``FieldError``."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise FieldError(
            "no skill category with that id",
            code=Code.UNKNOWN_SKILL_CATEGORY,
            field="category_id",
        )

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self._index

    def extend(self, other: SkillCatalogue) -> SkillCatalogue:
        """This catalogue plus ``other``'s categories and skills; colliding ids are refused.

        A category of ``other`` with the same id *and* label as one here is shared, not a
        collision (an extension adds skills to the built-in categories).
        """
        mine = {c.id: c for c in self.categories}
        clashes = sorted(
            [c.id for c in other.categories if c.id in mine and mine[c.id] != c]
            + [s.id for s in other.skills if s.id in self]
        )
        if clashes:
            raise FieldError(
                f"the extension reuses ids: {', '.join(clashes)}",
                code=Code.ID_COLLISION,
                field="other",
            )
        return attrs.evolve(
            self,
            id=f"{self.id}+{other.id}",
            version=f"{self.version}+{other.version}",
            categories=(*self.categories, *(c for c in other.categories if c.id not in mine)),
            skills=(*self.skills, *other.skills),
        )


# --------------------------------------------------------------------------------------------
# Talents, goals, evidence, placements
# --------------------------------------------------------------------------------------------


def _check_rank(_instance: object, _attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= 3:
        raise FieldError(
            "rank must be 1, 2 or 3 (the agreed top 3), or None",
            code=Code.INVALID_RANK,
            field="rank",
        )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Talent:
    """A talent named at intake. ``rank`` 1-3 marks the agreed top 3; others stay unranked.

    ``name`` is the participant's own words: it stays in the passport and is never shared.
    ``skill_id`` optionally links it to the catalogue.
    """

    name: str = attrs.field(validator=check_text)
    rank: int | None = attrs.field(
        default=None,
        validator=_check_rank,
        metadata={"json_schema": (("integer", {"minimum": 1, "maximum": 3}),)},
    )
    skill_id: str | None = attrs.field(default=None, validator=check_optional_text)


class GoalStatus(enum.StrEnum):
    """Where a development goal stands: planned → in progress → achieved, or dropped."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


_GOAL_MOVES: Mapping[GoalStatus, frozenset[GoalStatus]] = {
    GoalStatus.PLANNED: frozenset({GoalStatus.IN_PROGRESS, GoalStatus.DROPPED}),
    GoalStatus.IN_PROGRESS: frozenset({GoalStatus.ACHIEVED, GoalStatus.DROPPED}),
    GoalStatus.ACHIEVED: frozenset(),
    GoalStatus.DROPPED: frozenset(),
}


class EvidenceKind(Labelled):
    """What kind of evidence shows a goal was achieved."""

    OBSERVATION = "observation"
    REFERENCE = "reference"
    CERTIFICATE = "certificate"
    WORK_SAMPLE = "work_sample"
    SELF_ASSESSMENT = "self_assessment"


class Confirmer(Labelled):
    """Who confirmed the evidence, as a role (never a person's name)."""

    COACH = "coach"
    SUPERVISOR = "supervisor"
    PARTNER_ORGANISATION = "partner_organisation"
    TEACHER = "teacher"
    EMPLOYER = "employer"
    PARTICIPANT = "participant"


def _evidence_kind(value: EvidenceKind | str, field: str = "kind") -> EvidenceKind:
    return to_enum(EvidenceKind, value, field)


def _confirmer(value: Confirmer | str, field: str = "confirmed_by") -> Confirmer:
    return to_enum(Confirmer, value, field)


def _goal_status(value: GoalStatus | str, field: str = "status") -> GoalStatus:
    return to_enum(GoalStatus, value, field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Evidence:
    """What shows a goal was achieved, who confirmed it and when.

    ``kind``, ``confirmed_by`` and ``confirmed_on`` may be shared in a portfolio;
    ``description`` is free text for the coach and is never shared.
    """

    kind: EvidenceKind = attrs.field(converter=_evidence_kind)
    confirmed_by: Confirmer = attrs.field(converter=_confirmer)
    confirmed_on: datetime.date
    description: str | None = attrs.field(default=None, validator=check_optional_text)


def _check_goal(goal: DevelopmentGoal) -> None:
    if goal.status is GoalStatus.ACHIEVED:
        if goal.achieved_on is None:
            raise FieldError(
                "an achieved goal needs achieved_on", code=Code.MISSING_DATE, field="achieved_on"
            )
        if goal.achieved_on < goal.set_on:
            raise FieldError(
                "achieved_on is before set_on",
                code=Code.ACHIEVED_BEFORE_SET,
                field="achieved_on",
            )
    elif goal.achieved_on is not None:
        raise FieldError(
            "only an achieved goal has achieved_on",
            code=Code.UNEXPECTED_DATE,
            field="achieved_on",
        )
    if any(e.confirmed_on < goal.set_on for e in goal.evidence):
        raise FieldError(
            "evidence is dated before the goal was set",
            code=Code.EVIDENCE_BEFORE_SET,
            field="evidence",
        )


@attrs.frozen(kw_only=True, field_transformer=fields)
class DevelopmentGoal:
    """An explicit development goal (*ontwikkeldoel*) on a catalogue skill, set in a phase.

    Status moves planned → in progress → achieved, and a planned or in-progress goal can be
    dropped; :meth:`advance` refuses any other move. ``note`` is the coach's free text and is
    never shared.
    """

    id: str = attrs.field(validator=check_text)
    skill_id: str = attrs.field(validator=check_text)
    phase: Phase = attrs.field(converter=_phase)
    set_on: datetime.date
    status: GoalStatus = attrs.field(default=GoalStatus.PLANNED, converter=_goal_status)
    achieved_on: datetime.date | None = None
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=as_tuple)
    note: str | None = attrs.field(default=None, validator=check_optional_text)

    def __attrs_post_init__(self) -> None:
        _check_goal(self)

    @checked
    def advance(
        self, status: GoalStatus | str, *, on: datetime.date, evidence: Iterable[Evidence] = ()
    ) -> DevelopmentGoal:
        """The goal moved to ``status`` on ``on`` (the day it moved; with any new evidence), or
        a ``FieldError``."""
        target = _goal_status(status)
        if target not in _GOAL_MOVES[self.status]:
            raise FieldError(
                f"a goal cannot move from {self.status.value} to {target.value}",
                code=Code.INVALID_GOAL_MOVE,
                field="status",
            )
        return attrs.evolve(
            self,
            status=target,
            achieved_on=on if target is GoalStatus.ACHIEVED else None,
            evidence=(*self.evidence, *evidence),
        )


class PlacementKind(Labelled):
    """Kinds of placement the method uses, from activities to a job."""

    ACTIVITY = "activity"
    INTERNAL_VOLUNTEERING = "internal_volunteering"
    EXTERNAL_VOLUNTEERING = "external_volunteering"
    TASTER_INTERNSHIP = "taster_internship"
    INTERNSHIP = "internship"
    EDUCATION = "education"
    JOB = "job"


DEFAULT_PLACEMENT_PHASES: Mapping[PlacementKind, frozenset[Phase]] = {
    PlacementKind.ACTIVITY: frozenset({Phase(0), Phase(1)}),
    PlacementKind.INTERNAL_VOLUNTEERING: frozenset({Phase(2), Phase(3)}),
    PlacementKind.EXTERNAL_VOLUNTEERING: frozenset({Phase(3)}),
    PlacementKind.TASTER_INTERNSHIP: frozenset({Phase(2), Phase(3), Phase(4)}),
    PlacementKind.INTERNSHIP: frozenset({Phase(4)}),
    PlacementKind.EDUCATION: frozenset({Phase(4)}),
    PlacementKind.JOB: frozenset({Phase(4)}),
}
"""Which placement kinds fit which phases, reconstructed from the phase descriptions (activities
in phases 0-1; internal learning volunteer work in phase 2, and 3 per its footnote; external in
3; MBO internships, education and a job in 4). Taster internships are not tied to a phase in the
sources; 2-4 is this library's reading. A mismatch is a warning: the method allows exceptions."""


def _placement_kind(value: PlacementKind | str, field: str = "kind") -> PlacementKind:
    return to_enum(PlacementKind, value, field)


def _check_hours(_instance: object, _attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not 0 <= value <= 80:
        raise FieldError(
            "hours_per_week must be between 0 and 80",
            code=Code.INVALID_HOURS,
            field="hours_per_week",
        )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Placement:
    """Where the participant practises: an activity, volunteer work, an internship, a job.

    ``organisation`` names the organisation (not a person). ``tasks`` is free text for the
    coach and is never shared; a portfolio shows ``skills`` (catalogue ids) instead.
    """

    id: str = attrs.field(validator=check_text)
    kind: PlacementKind = attrs.field(converter=_placement_kind)
    organisation: str = attrs.field(validator=check_text)
    phase: Phase = attrs.field(converter=_phase)
    start: datetime.date
    end: datetime.date | None = None
    hours_per_week: float | None = attrs.field(default=None, validator=_check_hours)
    tasks: tuple[str, ...] = attrs.field(default=(), converter=texts)
    skills: tuple[str, ...] = attrs.field(default=(), converter=texts)

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise FieldError("end is before start", code=Code.END_BEFORE_START, field="end")


# --------------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------------


class MilestoneKind(enum.StrEnum):
    """What is celebrated. The source names the transition from one phase to the next (Movisie
    2019, "Verbeterkansen", "Die overgangsmomenten kunnen meteen worden ‘gevierd’"): a step
    forward. **The library widens it** — a re-entry, an exit into work or education and an
    achieved goal are its own additions, which an organisation may or may not celebrate."""

    STEP_FORWARD = "step_forward"
    RE_ENTRY = "re_entry"
    EXIT_TO_WORK_OR_EDUCATION = "exit_to_work_or_education"
    GOAL_ACHIEVED = "goal_achieved"


@attrs.frozen(kw_only=True, field_transformer=fields)
class Milestone:
    """A *piketpaaltje*: a step worth celebrating. ``id`` is stable for the same history."""

    id: str
    kind: MilestoneKind
    date: datetime.date
    phase: Phase | None
    goal_id: str | None = None


@attrs.frozen(kw_only=True, field_transformer=fields)
class Celebration:
    """That (and when) a milestone was celebrated with the participant."""

    milestone_id: str = attrs.field(validator=check_text)
    on: datetime.date


@checked
def milestones_from(
    trajectory: Trajectory, goals: Iterable[DevelopmentGoal] = ()
) -> tuple[Milestone, ...]:
    """The milestones of a history: every forward move (advance or skip), every re-entry,
    every exit into paid work or education, and every achieved goal; in date order.

    >>> from datetime import date
    >>> from piezomethod.phases import Enrolment, PhaseChange
    >>> t = Trajectory.from_events(
    ...     "p",
    ...     [
    ...         Enrolment(date=date(2020, 1, 1), phase=Phase(1)),
    ...         PhaseChange(date=date(2021, 1, 1), to_phase=Phase(2)),
    ...     ],
    ... )
    >>> [(m.id, m.kind.value) for m in milestones_from(t)]
    [('move-1', 'step_forward')]
    """
    found: list[Milestone] = []
    for move in trajectory.moves():
        kind: MilestoneKind | None = None
        if move.kind in (MoveKind.ADVANCE, MoveKind.SKIP):
            kind = MilestoneKind.STEP_FORWARD
        elif move.kind is MoveKind.RE_ENTRY:
            kind = MilestoneKind.RE_ENTRY
        elif (
            move.kind is MoveKind.EXIT
            and move.destination
            and move.destination.is_work_or_education
        ):
            kind = MilestoneKind.EXIT_TO_WORK_OR_EDUCATION
        if kind is not None:
            phase = move.to_phase if move.to_phase is not None else move.from_phase
            found.append(Milestone(id=f"move-{move.index}", kind=kind, date=move.date, phase=phase))
    for goal in goals:
        if goal.status is GoalStatus.ACHIEVED and goal.achieved_on is not None:
            found.append(
                Milestone(
                    id=f"goal-{goal.id}",
                    kind=MilestoneKind.GOAL_ACHIEVED,
                    date=goal.achieved_on,
                    phase=goal.phase,
                    goal_id=goal.id,
                )
            )
    return tuple(sorted(found, key=lambda m: (m.date, m.id)))


# --------------------------------------------------------------------------------------------
# The passport
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class DevelopmentPassport:
    """A participant's development passport (*ontwikkelpaspoort*).

    ``wishes``, ``dreams`` and ``expectations`` are the participant's own words from the intake;
    like talents' names and goal notes they stay in the passport and are never shared.
    Check a whole passport with :func:`validate_passport`.
    """

    participant_id: str = attrs.field(validator=check_text)
    wishes: tuple[str, ...] = attrs.field(default=(), converter=texts)
    dreams: tuple[str, ...] = attrs.field(default=(), converter=texts)
    expectations: tuple[str, ...] = attrs.field(default=(), converter=texts)
    talents: tuple[Talent, ...] = attrs.field(default=(), converter=as_tuple)
    goals: tuple[DevelopmentGoal, ...] = attrs.field(default=(), converter=as_tuple)
    placements: tuple[Placement, ...] = attrs.field(default=(), converter=as_tuple)
    celebrations: tuple[Celebration, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def top_talents(self) -> tuple[Talent, ...]:
        """The ranked talents, in rank order."""
        return tuple(
            sorted((t for t in self.talents if t.rank is not None), key=lambda t: t.rank or 0)
        )

    def goal(self, goal_id: str) -> DevelopmentGoal:
        """The goal with this id."""
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise FieldError("no goal with that id", code=Code.UNKNOWN_GOAL, field="goal_id")

    def milestones(
        self, trajectory: Trajectory
    ) -> tuple[tuple[Milestone, Celebration | None], ...]:
        """Every milestone of ``trajectory`` and this passport's goals, with its celebration."""
        celebrated = {c.milestone_id: c for c in self.celebrations}
        return tuple((m, celebrated.get(m.id)) for m in milestones_from(trajectory, self.goals))


@checked
def validate_passport(
    passport: DevelopmentPassport,
    *,
    catalogue: SkillCatalogue,
    trajectory: Trajectory | None = None,
    placement_phases: Mapping[PlacementKind, frozenset[Phase]] = DEFAULT_PLACEMENT_PHASES,
) -> list[Issue]:
    """Every problem in a passport: more than three ranked talents or a rank used twice, ids
    used twice, skills not in ``catalogue``, placements whose kind does not fit their phase (a
    warning: the method allows exceptions), and — given the ``trajectory`` — celebrations of
    milestones that do not exist or that are dated before the milestone.
    """
    issues: list[Issue] = []
    pid = passport.participant_id

    def add(code: Code, message: str, field: str, sev: Severity = Severity.ERROR) -> None:
        issues.append(
            Issue(code=code, severity=sev, message=message, participant_id=pid, field=field)
        )

    ranked = [t.rank for t in passport.talents if t.rank is not None]
    if len(ranked) > 3:
        add(Code.TOO_MANY_RANKED, f"{len(ranked)} talents are ranked; agree a top 3", "talents")
    for rank in sorted({r for r in ranked if ranked.count(r) > 1}):
        add(Code.DUPLICATE_RANK, f"rank {rank} is given to more than one talent", "talents")
    # Ids can be typed by a person, so messages name positions, never the ids themselves.
    for field, ids in (
        ("goals", [g.id for g in passport.goals]),
        ("placements", [p.id for p in passport.placements]),
    ):
        for n, value in enumerate(ids):
            if value in ids[:n]:
                add(Code.DUPLICATE_ID, f"{field}[{n}] repeats the id of an earlier one", field)
    for n, talent in enumerate(passport.talents):
        if talent.skill_id is not None and talent.skill_id not in catalogue:
            where = f"talents[{n}].skill_id"
            add(Code.UNKNOWN_SKILL, f"{where} is not a skill in the catalogue", where)
    for n, goal in enumerate(passport.goals):
        if goal.skill_id not in catalogue:
            where = f"goals[{n}].skill_id"
            add(Code.UNKNOWN_SKILL, f"{where} is not a skill in the catalogue", where)
    for n, placement in enumerate(passport.placements):
        if any(skill_id not in catalogue for skill_id in placement.skills):
            where = f"placements[{n}].skills"
            add(Code.UNKNOWN_SKILL, f"{where} holds a skill not in the catalogue", where)
        fits = placement_phases.get(placement.kind, frozenset(Phase))
        if placement.phase not in fits:
            add(
                Code.PLACEMENT_PHASE,
                f"a {placement.kind.value} placement in phase {int(placement.phase)} is unusual",
                f"placements[{n}].phase",
                Severity.WARNING,
            )
    if trajectory is not None:
        if trajectory.participant_id != pid:
            add(
                Code.PARTICIPANT_MISMATCH,
                "the trajectory belongs to another participant",
                "participant_id",
            )
        known = {m.id: m for m in milestones_from(trajectory, passport.goals)}
        for n, c in enumerate(passport.celebrations):
            milestone = known.get(c.milestone_id)
            where = f"celebrations[{n}]"
            if milestone is None:
                add(Code.UNKNOWN_MILESTONE, f"{where} celebrates an unknown milestone", where)
            elif c.on < milestone.date:
                msg = f"{where} is dated before the milestone it celebrates"
                add(Code.CELEBRATED_BEFORE, msg, where)
    return issues


__getattr__ = deprecated_names(__name__, {"PassportIssueCode": "piezomethod.errors.Code"})
