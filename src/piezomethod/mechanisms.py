"""The six working mechanisms of the method as checkable checklists.

The research found six working mechanisms — what makes the method work — each a context →
mechanism → outcome statement, and saw that attention for all mechanisms comes back
consistently in every phase (Movisie 2019, "Werkzame mechanismen", "komt aandacht voor alle
werkzame mechanismen consequent in elk van de fasen terug"). This
module turns them into checklist items per phase and level (a participant's guidance, or a
location), plus the organisation's preconditions and implementation steps as a checklist of the
same form; answers them in an :class:`Assessment`; scores :func:`coverage` per mechanism; and
with :func:`evaluate` answers from a participant's record the items the data can decide — and
only those.

The framework is data (``piezomethod/data/mechanisms.json``), loaded by
:func:`piezomethod.catalogues.mechanisms`:

>>> from piezomethod.catalogues import mechanism_framework
>>> framework = mechanism_framework()
>>> [m.id for m in framework.mechanisms][:3]
['veilige_thuishaven', 'integrale_begeleiding', 'mens_en_talentgericht']
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping

import attrs

from piezomethod._checks import as_tuple, check_optional_text, check_text, checked, fields, to_enum
from piezomethod._compat import deprecated_names
from piezomethod._i18n import Labelled, Text
from piezomethod.errors import Code, FieldError, Issue, Severity
from piezomethod.guidance import ContactKind, DomainStatus
from piezomethod.outcomes import MeasurementStatus, compliance
from piezomethod.passport import GoalStatus, MilestoneKind, PlacementKind, milestones_from
from piezomethod.phases import MoveKind, Phase
from piezomethod.records import ParticipantRecord

__all__ = [
    "DECISION_RULES",
    "Answer",
    "Assessment",
    "ChecklistItem",
    "ChecklistSection",
    "ItemAnswer",
    "ItemStatus",
    "Level",
    "Mechanism",
    "MechanismCoverage",
    "MechanismFramework",
    "check_assessment",
    "coverage",
    "evaluate",
    "team_overview",
]


class Level(enum.StrEnum):
    """Whom a checklist item is about."""

    PARTICIPANT = "participant"
    """One participant's guidance."""
    LOCATION = "location"
    """A location (a PiëzoCentrum)."""
    ORGANISATION = "organisation"
    """The organisation that implements the method (preconditions, implementation)."""


def _level(value: Level | str, field: str = "level") -> Level:
    return to_enum(Level, value, field)


class ItemStatus(Labelled):
    """Whether an item describes the method's current practice or a research recommendation.

    The sources tell them apart by their wording: what the method does ("De PiëzoMethodiek
    probeert ...") against what the research recommends ("kan wellicht", "zou goed zijn",
    "is wenselijk"). :func:`coverage` scores the two apart, so that a location is not marked
    down for not (yet) following a recommendation."""

    PRACTICE = "practice"
    RECOMMENDATION = "recommendation"


def _status(value: ItemStatus | str, field: str = "status") -> ItemStatus:
    return to_enum(ItemStatus, value, field)


def _phases(values: Iterable[Phase | int], field: str = "phases") -> frozenset[Phase]:
    found = frozenset(Phase.coerce(v, field=field) for v in as_tuple(values, field))
    if not found:
        raise FieldError(f"{field} must hold at least one phase", code=Code.EMPTY, field=field)
    return found


@attrs.frozen(kw_only=True, field_transformer=fields)
class ChecklistItem:
    """One thing to check: its text, the level and phases it applies to, where it comes from.

    ``derived`` is true when this library worded the item as a concrete translation of a
    mechanism or improvement point rather than following the source's text. ``status`` says
    whether it is current practice or a research recommendation (default: practice; every
    built-in item states it). ``check`` names the decision rule (see :data:`DECISION_RULES`)
    when the data can show the answer.
    """

    id: str = attrs.field(validator=check_text)
    text: Text
    level: Level = attrs.field(converter=_level)
    phases: frozenset[Phase] = attrs.field(converter=_phases)
    derived: bool
    source: str
    check: str | None = attrs.field(default=None, validator=check_optional_text)
    status: ItemStatus = attrs.field(default=ItemStatus.PRACTICE, converter=_status)


@attrs.frozen(kw_only=True, field_transformer=fields)
class ChecklistSection:
    """A named group of items (the organisation's preconditions, implementation steps)."""

    id: str = attrs.field(validator=check_text)
    name: Text
    source: str
    items: tuple[ChecklistItem, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Mechanism:
    """A working mechanism: context → mechanism → outcome, its source, and its items."""

    id: str = attrs.field(validator=check_text)
    name: Text
    context: Text
    mechanism: Text
    outcome: Text
    source: str
    items: tuple[ChecklistItem, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True, field_transformer=fields)
class MechanismFramework:
    """The six mechanisms and the organisation checklist, versioned. Item ids are unique across
    the whole framework, and every ``check`` names a known decision rule."""

    id: str = attrs.field(validator=check_text)
    version: str = attrs.field(validator=check_text)
    title: Text
    source: str
    mechanisms: tuple[Mechanism, ...] = attrs.field(converter=as_tuple)
    organisation: tuple[ChecklistSection, ...] = attrs.field(default=(), converter=as_tuple)
    notes: Text | None = None

    def __attrs_post_init__(self) -> None:
        ids = [i.id for i in self.items()]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        unknown = sorted(
            {i.check for i in self.items() if i.check and i.check not in DECISION_RULES}
        )
        problems = [f"item ids used twice: {', '.join(dup)}"] if dup else []
        problems += [f"unknown decision rules: {', '.join(unknown)}"] if unknown else []
        if problems:
            raise FieldError("; ".join(problems), code=Code.INVALID_FRAMEWORK, field="items")

    def groups(self) -> tuple[Mechanism | ChecklistSection, ...]:
        """The mechanisms, then the organisation sections."""
        return (*self.mechanisms, *self.organisation)

    def items(self) -> tuple[ChecklistItem, ...]:
        """Every item of every mechanism and section."""
        return tuple(i for group in self.groups() for i in group.items)

    def item(self, item_id: str) -> ChecklistItem:
        """The item with this id."""
        return self._find(item_id)[1]

    def group_of(self, item_id: str) -> str:
        """The id of the mechanism or section an item belongs to."""
        return self._find(item_id)[0].id

    def _find(self, item_id: str) -> tuple[Mechanism | ChecklistSection, ChecklistItem]:
        for group in self.groups():
            for item in group.items:
                if item.id == item_id:
                    return group, item
        raise FieldError(
            "no checklist item with that id", code=Code.UNKNOWN_CHECKLIST_ITEM, field="item_id"
        )

    def checklist(
        self, *, phase: Phase, level: Level
    ) -> tuple[tuple[str, Text, tuple[ChecklistItem, ...]], ...]:
        """Per mechanism (then section): its id, name and the items for ``phase`` and ``level``."""
        groups: list[tuple[str, Text, tuple[ChecklistItem, ...]]] = []
        for group in self.groups():
            items = tuple(i for i in group.items if i.level is level and phase in i.phases)
            if items:
                groups.append((group.id, group.name, items))
        return tuple(groups)


# --------------------------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------------------------


class Answer(enum.StrEnum):
    """An answer to a checklist item."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"

    @property
    def credit(self) -> float | None:
        """What the answer counts for in coverage: 1, ½, 0, or None (not applicable)."""
        return {Answer.YES: 1.0, Answer.PARTLY: 0.5, Answer.NO: 0.0}.get(self)


def _answer(value: Answer | str, field: str = "answer") -> Answer:
    return to_enum(Answer, value, field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class ItemAnswer:
    """The answer to one item, with an optional note (free text, kept internal)."""

    item_id: str = attrs.field(validator=check_text)
    answer: Answer = attrs.field(converter=_answer)
    note: str | None = attrs.field(default=None, validator=check_optional_text)


def _phase(value: Phase | int, field: str = "phase") -> Phase:
    return Phase.coerce(value, field=field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Assessment:
    """Answers to checklist items for one subject (a participant or a location), in one phase,
    on one date. Check it against a framework with :func:`check_assessment`."""

    subject_id: str = attrs.field(validator=check_text)
    level: Level = attrs.field(converter=_level)
    phase: Phase = attrs.field(converter=_phase)
    date: datetime.date
    answers: tuple[ItemAnswer, ...] = attrs.field(default=(), converter=as_tuple)

    def answer(self, item_id: str) -> Answer | None:
        """The answer given to ``item_id`` (None when unanswered)."""
        return next((a.answer for a in self.answers if a.item_id == item_id), None)


@checked
def check_assessment(assessment: Assessment, *, framework: MechanismFramework) -> list[Issue]:
    """Every problem with an assessment at once: unknown item ids, items answered for a level or
    phase they do not apply to, and items answered twice."""
    issues: list[Issue] = []
    known = {i.id: i for i in framework.items()}
    seen: set[str] = set()
    for n, a in enumerate(assessment.answers):
        found: list[tuple[Code, str]] = []
        item = known.get(a.item_id)
        if a.item_id in seen:
            found.append((Code.ANSWERED_TWICE, f"item '{a.item_id[:40]}' is answered twice"))
        seen.add(a.item_id)
        if item is None:
            found.append((Code.UNKNOWN_CHECKLIST_ITEM, f"no checklist item '{a.item_id[:40]}'"))
        else:
            if item.level is not assessment.level:
                want, got = item.level.value, assessment.level.value
                level = f"item '{item.id}' is for the {want} level, not {got}"
                found.append((Code.WRONG_LEVEL, level))
            if assessment.phase not in item.phases:
                phase = f"item '{item.id}' does not apply to phase {int(assessment.phase)}"
                found.append((Code.WRONG_PHASE, phase))
        issues += [
            Issue(
                code=code,
                severity=Severity.ERROR,
                message=message,
                index=n,
                participant_id=assessment.subject_id,
                field="answers",
            )
            for code, message in found
        ]
    return issues


@attrs.frozen(kw_only=True, field_transformer=fields)
class MechanismCoverage:
    """How well one mechanism (or section) is covered in an assessment.

    ``score`` is the mean credit (yes 1, partly ½, no 0) over the applicable answered items of
    current **practice**, in [0, 1], or None when none is answered; ``answered`` and
    ``applicable`` count those items. The research's **recommendations** are scored apart, in
    ``recommendation_score`` (over ``recommendations_answered`` of
    ``recommendations_applicable``), so that not (yet) following a recommendation never lowers
    the practice score. ``unanswered`` lists applicable items (of both kinds) without an
    answer; ``gaps`` the items answered *no* or *partly*.
    """

    group_id: str
    score: float | None
    answered: int
    applicable: int
    unanswered: tuple[str, ...]
    gaps: tuple[str, ...]
    recommendation_score: float | None = None
    recommendations_answered: int = 0
    recommendations_applicable: int = 0


@checked
def coverage(
    assessment: Assessment, *, framework: MechanismFramework
) -> tuple[MechanismCoverage, ...]:
    """Per mechanism (and organisation section) with items for the assessment's level and
    phase: the coverage score, the unanswered items and the gaps.

    >>> from datetime import date
    >>> from piezomethod.catalogues import mechanism_framework
    >>> a = Assessment(
    ...     subject_id="p-1",
    ...     level="participant",
    ...     phase=1,
    ...     date=date(2022, 1, 1),
    ...     answers=[
    ...         ItemAnswer(item_id="welkom", answer="yes"),
    ...         ItemAnswer(item_id="weinig_tijdsdruk", answer="partly"),
    ...     ],
    ... )
    >>> c = coverage(a, framework=mechanism_framework())[0]
    >>> c.group_id, c.score, c.unanswered, c.gaps
    ('veilige_thuishaven', 0.75, ('persoonlijke_aandacht', 'huisbezoek'), ('weinig_tijdsdruk',))
    """
    issues = check_assessment(assessment, framework=framework)
    if issues:
        raise FieldError(
            f"the assessment does not fit the framework: {issues[0].message}"
            + (f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""),
            code=issues[0].code,
            field="answers",
        )
    result = []
    for group_id, _name, items in framework.checklist(
        phase=assessment.phase, level=assessment.level
    ):
        credits: dict[ItemStatus, list[float]] = {s: [] for s in ItemStatus}
        unanswered: list[str] = []
        gaps: list[str] = []
        for item in items:
            answer = assessment.answer(item.id)
            if answer is None:
                unanswered.append(item.id)
                continue
            if answer.credit is None:
                continue
            credits[item.status].append(answer.credit)
            if answer in (Answer.NO, Answer.PARTLY):
                gaps.append(item.id)
        practice, advice = credits[ItemStatus.PRACTICE], credits[ItemStatus.RECOMMENDATION]
        result.append(
            MechanismCoverage(
                group_id=group_id,
                score=sum(practice) / len(practice) if practice else None,
                answered=len(practice),
                applicable=sum(1 for i in items if i.status is ItemStatus.PRACTICE),
                unanswered=tuple(unanswered),
                gaps=tuple(gaps),
                recommendation_score=sum(advice) / len(advice) if advice else None,
                recommendations_answered=len(advice),
                recommendations_applicable=sum(
                    1 for i in items if i.status is ItemStatus.RECOMMENDATION
                ),
            )
        )
    return tuple(result)


@checked
def team_overview(
    assessments: Iterable[Assessment], *, framework: MechanismFramework
) -> dict[Phase, dict[str, float | None]]:
    """For a team: per phase, per mechanism (or section), the mean coverage score over the
    assessments that scored it — so a team sees which mechanism is weak in which phase.

    Phases without assessments are left out; a mechanism no assessment scored is None.
    """
    scores: dict[Phase, dict[str, list[float]]] = {}
    for a in assessments:
        per_phase = scores.setdefault(a.phase, {})
        for c in coverage(a, framework=framework):
            bucket = per_phase.setdefault(c.group_id, [])
            if c.score is not None:
                bucket.append(c.score)
    return {
        phase: {gid: (sum(v) / len(v) if v else None) for gid, v in groups.items()}
        for phase, groups in sorted(scores.items())
    }


# --------------------------------------------------------------------------------------------
# Evaluation from data
# --------------------------------------------------------------------------------------------

Rule = Callable[[ParticipantRecord, Phase, datetime.date], Answer | None]


def _share(done: int, total: int) -> Answer:
    """All of them: yes; none: no; some: partly."""
    return Answer.YES if done == total else Answer.NO if done == 0 else Answer.PARTLY


def _wishes_recorded(record: ParticipantRecord, _phase: Phase, _on: datetime.date) -> Answer | None:
    p = record.passport
    if p is None:
        return None
    return Answer.YES if (p.wishes or p.dreams or p.expectations or p.talents) else Answer.NO


def _top3_agreed(record: ParticipantRecord, _phase: Phase, _on: datetime.date) -> Answer | None:
    if record.passport is None:
        return None
    ranked = len(record.passport.top_talents)
    return Answer.YES if ranked >= 3 else Answer.PARTLY if ranked else Answer.NO


def _goals_in_phase(record: ParticipantRecord, phase: Phase, on: datetime.date) -> Answer | None:
    if record.passport is None:
        return None
    found = any(g.phase == phase and g.set_on <= on for g in record.passport.goals)
    return Answer.YES if found else Answer.NO


def _measured_in_phase(record: ParticipantRecord, phase: Phase, on: datetime.date) -> Answer | None:
    report = compliance(record.trajectory, record.measurements, as_of=on)
    settled = [
        m.status
        for m in report.moments
        if m.due.phase == phase
        and m.status in (MeasurementStatus.DONE, MeasurementStatus.LATE, MeasurementStatus.MISSING)
    ]
    if not settled:
        return None
    return _share(sum(s is not MeasurementStatus.MISSING for s in settled), len(settled))


def _step_celebrated(record: ParticipantRecord, phase: Phase, on: datetime.date) -> Answer | None:
    entered = [m for m in record.trajectory.moves() if m.to_phase == phase and m.date <= on]
    if not entered:
        return None
    move = entered[-1]
    if move.kind not in (MoveKind.ADVANCE, MoveKind.SKIP, MoveKind.RE_ENTRY):
        return Answer.NOT_APPLICABLE  # entered by a first entry or a setback: no step to celebrate
    if record.passport is None:
        return None
    celebrated = {c.milestone_id for c in record.passport.celebrations if c.on <= on}
    milestone = next(
        m
        for m in milestones_from(record.trajectory)
        if m.id == f"move-{move.index}"
        and m.kind in (MilestoneKind.STEP_FORWARD, MilestoneKind.RE_ENTRY)
    )
    return Answer.YES if milestone.id in celebrated else Answer.NO


def _portfolio_evidence(
    record: ParticipantRecord, _phase: Phase, on: datetime.date
) -> Answer | None:
    if record.passport is None:
        return None
    achieved = [
        g
        for g in record.passport.goals
        if g.status is GoalStatus.ACHIEVED and g.achieved_on is not None and g.achieved_on <= on
    ]
    if not achieved:
        return None
    return _share(sum(bool(g.evidence) for g in achieved), len(achieved))


def _external_placement(
    record: ParticipantRecord, phase: Phase, on: datetime.date
) -> Answer | None:
    if record.passport is None:
        return None
    placements = [p for p in record.passport.placements if p.phase == phase and p.start <= on]
    if any(p.kind is PlacementKind.EXTERNAL_VOLUNTEERING for p in placements):
        return Answer.YES
    if any(p.kind is PlacementKind.INTERNAL_VOLUNTEERING for p in placements):
        # more independent work at the centre is the method's alternative: the coach decides
        return None
    return Answer.NO


def _taster_internship(
    record: ParticipantRecord, _phase: Phase, on: datetime.date
) -> Answer | None:
    if record.passport is None:
        return None
    found = any(
        p.kind is PlacementKind.TASTER_INTERNSHIP and p.start <= on
        for p in record.passport.placements
    )
    return Answer.YES if found else None  # no taster internship may simply mean none was fitting


def _intake_mapped(record: ParticipantRecord, _phase: Phase, on: datetime.date) -> Answer | None:
    guidance = record.guidance
    if guidance is None:
        return None  # the organisation records no guidance here: the data cannot say
    intake = guidance.intake
    if intake is None or intake.date > on:
        return Answer.NO
    if intake.complete():
        return Answer.YES
    return Answer.PARTLY if intake.domains else Answer.NO


def _referred(record: ParticipantRecord, _phase: Phase, on: datetime.date) -> Answer | None:
    guidance = record.guidance
    if guidance is None or guidance.intake is None:
        return None
    wanted = {d.domain_id for d in guidance.intake.domains if d.status is DomainStatus.REFERRED}
    if not wanted:
        return None  # nothing to refer: not for the data to judge
    done = {
        c.referral.domain_id for c in guidance.contacts if c.referral is not None and c.date <= on
    }
    found = len(wanted & done)
    return Answer.YES if found == len(wanted) else Answer.PARTLY if found else Answer.NO


def _talk_decided(record: ParticipantRecord, phase: Phase, on: datetime.date) -> Answer | None:
    guidance = record.guidance
    entered = [m for m in record.trajectory.moves() if m.to_phase == phase and m.date <= on]
    if guidance is None or not entered:
        return None
    move = entered[-1]
    if move.kind in (MoveKind.ENTRY, MoveKind.RE_ENTRY):
        return Answer.NOT_APPLICABLE  # entered by an enrolment: no transition to talk about
    decided = any(c.decides_change_on == move.date for c in guidance.contacts)
    return Answer.YES if decided else Answer.NO


def _statushouder_support(kind: str) -> Rule:
    def rule(record: ParticipantRecord, _phase: Phase, on: datetime.date) -> Answer | None:
        guidance = record.guidance
        statushouder = record.participant.statushouder
        if statushouder is None or guidance is None:
            return None
        if not statushouder:
            return Answer.NOT_APPLICABLE  # the sources name these for statushouders
        if kind == "buddy":
            found = any(b.start <= on for b in guidance.buddies)
        else:
            wanted = (
                ContactKind.HOME_VISIT if kind == "home_visit" else ContactKind.VISITING_VOLUNTEER
            )
            found = any(c.kind is wanted and c.date <= on for c in guidance.contacts)
        return Answer.YES if found else Answer.NO

    return rule


DECISION_RULES: Mapping[str, Rule] = {
    "intake_mapped": _intake_mapped,
    "referred": _referred,
    "talk_decided": _talk_decided,
    "buddy": _statushouder_support("buddy"),
    "home_visit": _statushouder_support("home_visit"),
    "visiting_volunteer": _statushouder_support("visiting_volunteer"),
    "wishes_recorded": _wishes_recorded,
    "top3_agreed": _top3_agreed,
    "goals_in_phase": _goals_in_phase,
    "measured_in_phase": _measured_in_phase,
    "step_celebrated": _step_celebrated,
    "portfolio_evidence": _portfolio_evidence,
    "external_placement": _external_placement,
    "taster_internship": _taster_internship,
}
"""The decision rules an item's ``check`` can name. Each answers from a participant record, or
returns None when the data cannot decide — then the item stays open for the coach."""


@checked
def evaluate(
    record: ParticipantRecord, *, as_of: datetime.date, framework: MechanismFramework
) -> Assessment:
    """Answer, from a participant's record, the participant-level items the data can decide for
    the phase the participant is in on ``as_of`` (or was last in), and leave the rest open.

    It never answers an item without a decision rule, and a rule abstains when the data is
    silent (no passport, no measurement due yet, ...). Notes say that the answer came from data.
    """
    phase = record.trajectory.phase_on(as_of)
    if phase is None:
        before = [s for s in record.trajectory.stays() if s.start <= as_of]
        if not before:
            raise FieldError(
                "the participant was never enrolled by as_of",
                code=Code.NOT_ENROLLED,
                field="as_of",
            )
        phase = before[-1].phase
    answers = []
    for item in framework.items():
        if item.level is not Level.PARTICIPANT or phase not in item.phases or item.check is None:
            continue
        answer = DECISION_RULES[item.check](record, phase, as_of)
        if answer is not None:
            answers.append(
                ItemAnswer(item_id=item.id, answer=answer, note=f"from data: {item.check}")
            )
    return Assessment(
        subject_id=record.id, level=Level.PARTICIPANT, phase=phase, date=as_of, answers=answers
    )


__getattr__ = deprecated_names(__name__, {"AssessmentIssueCode": "piezomethod.errors.Code"})
