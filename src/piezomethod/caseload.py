"""A coach's caseload: what needs doing today (it sits above :mod:`piezomethod.records`, since
records carry the guidance, and :mod:`piezomethod.guidance` must not import them).

The research asks of a tracking system that it helps "keep sight of the guidance trajectories
and the development towards a next phase" (Movisie 2019, "Verbeterkansen", "zicht te houden op
de begeleidingstrajecten"). :func:`worklist` gives a coach (or a team, with ``coach=None``) one
:class:`WorkItem` per thing to do, each with a registered code, the participant, and since when
it is waiting:

- ``no_recent_contact``: an enrolled participant without a contact for longer than the
  policy's interval for their phase;
- ``measurement_due`` / ``measurement_missing``: a questionnaire whose window is open, or has
  closed without it (from :func:`~piezomethod.outcomes.compliance`);
- ``goal_stalled``: a goal in progress without evidence or a change for ``stalled_goal_days``;
- ``transition_without_talk``: a phase change without a talk that decided it, **only where the
  policy requires one** (a research recommendation, not current practice);
- ``intake_missing`` / ``intake_incomplete``: an enrolled participant without an intake, or
  with one that did not map every life domain;
- ``aftercare_due``: an exit within the aftercare window without an aftercare contact since;
- ``referral_open``: a referral without an outcome.

Work is about participants in guidance: enrolled on the day, or within the aftercare window
after their exit (then their items fall to the coach they had when they left). Past that window
what a closed trajectory left open is history, not work; only a questionnaire whose window is
still open (the follow-up) stays on the list.

The intervals are a :class:`~piezomethod.guidance.GuidancePolicy`; its defaults are the
library's choice, not the sources'.

>>> from datetime import date
>>> from piezomethod.guidance import CoachAssignment, Guidance
>>> from piezomethod.phases import Enrolment, Phase, Trajectory
>>> from piezomethod.records import Participant, ParticipantRecord
>>> record = ParticipantRecord(
...     participant=Participant(id="p-1"),
...     trajectory=Trajectory.from_events(
...         "p-1", [Enrolment(date=date(2024, 1, 8), phase=Phase(1))]
...     ),
...     guidance=Guidance(
...         participant_id="p-1",
...         coaches=[CoachAssignment(coach_id="coach-7", start=date(2024, 1, 8))],
...     ),
... )
>>> for item in worklist([record], coach="coach-7", as_of=date(2024, 3, 1)):
...     print(item.code.value, item.since)
intake_missing 2024-01-08
measurement_missing 2024-02-07
no_recent_contact 2024-02-19
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from piezomethod import _frames
from piezomethod._checks import check_text, checked, fields, frozen_mapping, shift
from piezomethod.analytics import CountTable
from piezomethod.errors import Code
from piezomethod.guidance import (
    ContactKind,
    Guidance,
    GuidancePolicy,
    LifeDomain,
    validate_guidance,
)
from piezomethod.outcomes import MeasurementStatus, _statuses
from piezomethod.passport import GoalStatus
from piezomethod.phases import Enrolment, Exit, MoveKind, Phase
from piezomethod.records import Cohort, ParticipantRecord

__all__ = ["GuidanceFigures", "WorkItem", "guidance_figures", "to_frame", "worklist"]


def _code(value: Code | str, field: str = "code") -> Code:
    return Code.of(value)


@attrs.frozen(kw_only=True, field_transformer=fields)
class WorkItem:
    """One thing to do: for whom, what (a registered code and a message that holds no personal
    text), since when, and the coach it falls to (None when no coach is assigned)."""

    participant_id: str = attrs.field(validator=check_text)
    code: Code = attrs.field(converter=_code)
    since: datetime.date
    coach_id: str | None = None
    message: str = attrs.field(validator=check_text)


def _coaches(guidance: Guidance | None, day: datetime.date) -> list[str]:
    if guidance is None:
        return []
    return [c.coach_id for c in guidance.coaches if c.covers(day)]


def _items(
    record: ParticipantRecord,
    as_of: datetime.date,
    policy: GuidancePolicy,
    domains: Iterable[LifeDomain] | None,
) -> list[tuple[Code, datetime.date, str, datetime.date]]:
    """(code, since, message, the day whose coach it falls to) for one participant."""
    found: list[tuple[Code, datetime.date, str, datetime.date]] = []
    trajectory = record.trajectory
    events = [e for e in trajectory.events if e.date <= as_of]
    guidance = record.guidance or Guidance(participant_id=record.id)
    contacts = [c for c in guidance.contacts if c.date <= as_of]
    phase = trajectory.phase_on(as_of)
    spell_start = max((e.date for e in events if isinstance(e, Enrolment)), default=None)
    exits = [e for e in events if isinstance(e, Exit)]
    left = exits[-1].date if exits and phase is None else None
    if spell_start is None:
        return found
    # past the aftercare window a participant is no longer in guidance: what was left open is
    # history, not work; only a questionnaire whose window is still open (the follow-up) is
    past = left is not None and as_of > shift(left, policy.aftercare_days)
    # the day whose coach an item falls to: today, or for one who left, the day they left
    today = as_of if left is None else left
    if phase is not None:
        # an enrolled participant: contact, intake
        last = max((c.date for c in contacts if c.date >= spell_start), default=None)
        since = shift(last or spell_start, policy.interval(phase))
        if since <= as_of:
            found.append(
                (Code.NO_RECENT_CONTACT, since, "no contact within the policy's interval", today)
            )
        intake = guidance.intake
        if intake is None:
            found.append((Code.INTAKE_MISSING, spell_start, "no intake recorded", today))
        elif not intake.complete(domains):
            found.append(
                (Code.INTAKE_INCOMPLETE, intake.date, "the intake did not map every domain", today)
            )
    statuses, _ = _statuses(trajectory, record.measurements, as_of, None, None)
    for due, status, _measurement in statuses:
        if status is MeasurementStatus.DUE:
            found.append((Code.MEASUREMENT_DUE, due.window_start, "a questionnaire is due", today))
        elif status is MeasurementStatus.MISSING and not past:
            found.append(
                (Code.MEASUREMENT_MISSING, due.window_end, "a questionnaire was missed", today)
            )
    if past:
        return found
    if record.passport is not None and phase is not None:
        for goal in record.passport.goals:
            if goal.status is not GoalStatus.IN_PROGRESS:
                continue
            active = max([goal.set_on, *(e.confirmed_on for e in goal.evidence)])
            since = shift(active, policy.stalled_goal_days)
            if since <= as_of:
                found.append((Code.GOAL_STALLED, since, "a goal without progress", today))
    if policy.require_transition_talk:
        for issue in validate_guidance(guidance, events, policy=policy, domains=domains):
            if issue.code is not Code.TRANSITION_WITHOUT_TALK or issue.index is None:
                continue
            day = events[issue.index].date
            if day >= spell_start:  # the changes of this spell; an earlier one is history
                found.append((Code.TRANSITION_WITHOUT_TALK, day, "no talk decided the change", day))
    if left is not None and not any(
        c.kind is ContactKind.AFTERCARE and c.date >= left for c in contacts
    ):
        found.append((Code.AFTERCARE_DUE, left, "aftercare after the exit", left))
    for contact in contacts:
        referral = contact.referral
        if referral is not None and (
            referral.outcome_date is None or referral.outcome_date > as_of
        ):
            found.append((Code.REFERRAL_OPEN, contact.date, "a referral without an outcome", today))
    return found


@checked
def worklist(
    records: Iterable[ParticipantRecord] | Cohort,
    *,
    as_of: datetime.date,
    coach: str | None = None,
    policy: GuidancePolicy | None = None,
    domains: Iterable[LifeDomain] | None = None,
) -> tuple[WorkItem, ...]:
    """What needs doing on ``as_of``: for one coach (the items of participants they guide on
    the day the item is about, co-coaching included), or for everyone with ``coach=None``.
    Items come oldest first (then by participant and code). See the module for the codes."""
    rules = policy or GuidancePolicy()
    found: list[WorkItem] = []
    chosen = records.records if isinstance(records, Cohort) else records
    listed = None if domains is None else tuple(domains)
    for record in chosen:
        for code, since, message, day in _items(record, as_of, rules, listed):
            coaches = _coaches(record.guidance, day)
            if coach is not None and coach not in coaches:
                continue
            owner = coach if coach is not None else (coaches[0] if coaches else None)
            found.append(
                WorkItem(
                    participant_id=record.id,
                    code=code,
                    since=since,
                    coach_id=owner,
                    message=message,
                )
            )
    found.sort(key=lambda i: (i.since, i.participant_id, i.code.value))
    return tuple(found)


@checked
def to_frame(items: Iterable[WorkItem]) -> object:
    """The worklist as a pandas DataFrame, one row per item (needs ``[pandas]``)."""
    columns = ("participant_id", "code", "since", "coach_id", "message")
    rows = [
        {
            "participant_id": i.participant_id,
            "code": i.code.value,
            "since": i.since,
            "coach_id": i.coach_id,
            "message": i.message,
        }
        for i in items
    ]
    return _frames.frame(rows, columns)


# -- for a team lead ---------------------------------------------------------------------------

_MONTH_DAYS = 365.25 / 12
_CHANGES = frozenset({MoveKind.ADVANCE, MoveKind.SKIP, MoveKind.SETBACK})


@attrs.frozen(kw_only=True, field_transformer=fields)
class GuidanceFigures:
    """What a team lead reads about the guidance of a cohort, as of a day. Only participants
    whose record carries guidance count (``participants``): a record without it says nothing
    about guidance, not that there was none.

    - ``counts``: per phase (rows ``"0"``-``"4"``), the ``contacts`` held while in it, the
      ``transitions`` into it (advances, skips, setbacks) and those a talk decided
      (``with_talk``); publish it with ``counts.suppress(k)``;
    - ``participant_months``: per phase, the time spent in it, in months;
    - ``intakes`` and ``complete_intakes`` (that mapped every life domain);
    - ``caseload``: per coach, the participants they guide on ``as_of`` (publish with
      ``caseload.suppress(k)``);
    - ``first_contact_days``: per enrolment, the days from entry to the first contact; the
      enrolments still waiting for one are ``awaiting_first_contact``.
    """

    as_of: datetime.date
    participants: int
    counts: CountTable
    participant_months: Mapping[Phase, float] = attrs.field(converter=frozen_mapping)
    intakes: int
    complete_intakes: int
    caseload: CountTable
    first_contact_days: tuple[int, ...]
    awaiting_first_contact: int

    def contacts_per_month(self, phase: Phase) -> float | None:
        """Contacts per participant-month in ``phase`` (None without time in it)."""
        months = self.participant_months[phase]
        return self.counts.get(str(int(phase)), "contacts") / months if months else None

    @property
    def share_with_talk(self) -> float | None:
        """The share of transitions a talk decided (None without transitions)."""
        moved = sum(self.counts.get(str(int(p)), "transitions") for p in Phase)
        talked = sum(self.counts.get(str(int(p)), "with_talk") for p in Phase)
        return talked / moved if moved else None

    @property
    def share_complete_intakes(self) -> float | None:
        """The share of intakes that mapped every life domain (None without intakes)."""
        return self.complete_intakes / self.intakes if self.intakes else None

    @property
    def median_first_contact_days(self) -> float | None:
        """The median days from entry to the first contact, over the enrolments that had one."""
        found = sorted(self.first_contact_days)
        if not found:
            return None
        middle = len(found) // 2
        return float(found[middle]) if len(found) % 2 else (found[middle - 1] + found[middle]) / 2

    def to_frame(self) -> Any:
        """One row per phase: contacts, participant-months, contacts per month, transitions
        and those with a talk (needs ``[pandas]``)."""
        rows = [
            {
                "phase": int(p),
                "contacts": self.counts.get(str(int(p)), "contacts"),
                "participant_months": self.participant_months[p],
                "contacts_per_month": self.contacts_per_month(p),
                "transitions": self.counts.get(str(int(p)), "transitions"),
                "with_talk": self.counts.get(str(int(p)), "with_talk"),
            }
            for p in Phase
        ]
        return _frames.frame(rows, tuple(rows[0]))


@checked
def guidance_figures(
    cohort: Cohort, *, domains: Iterable[LifeDomain] | None = None
) -> GuidanceFigures:
    """The team lead's figures on the guidance of ``cohort`` up to its ``as_of`` (see
    :class:`GuidanceFigures`).

    >>> from piezomethod.synth import synthetic_cohort
    >>> figures = guidance_figures(synthetic_cohort(n=20, seed=1))
    >>> figures.participants, figures.intakes
    (20, 20)
    >>> 0 <= figures.share_with_talk <= 1
    True
    """
    as_of = cohort.as_of
    listed = None if domains is None else tuple(domains)
    contacts = dict.fromkeys(Phase, 0)
    transitions = dict.fromkeys(Phase, 0)
    talked = dict.fromkeys(Phase, 0)
    days = dict.fromkeys(Phase, 0)
    caseload: dict[str, int] = {}
    intakes = complete = awaiting = participants = 0
    first: list[int] = []
    for record in cohort.records:
        guidance = record.guidance
        if guidance is None:
            continue
        participants += 1
        trajectory = record.trajectory
        for stay in trajectory.stays():
            if stay.start <= as_of:
                days[stay.phase] += (
                    (min(stay.end, as_of) if stay.end else as_of) - stay.start
                ).days
        held = [c for c in guidance.contacts if c.date <= as_of]
        for contact in held:
            phase = trajectory.phase_on(contact.date)
            if phase is not None:
                contacts[phase] += 1
        decided = {c.decides_change_on for c in held}
        for move in trajectory.moves():
            if move.date <= as_of and move.kind in _CHANGES and move.to_phase is not None:
                transitions[move.to_phase] += 1
                talked[move.to_phase] += move.date in decided
            if move.date <= as_of and move.kind in (MoveKind.ENTRY, MoveKind.RE_ENTRY):
                later = [c.date for c in held if c.date >= move.date]
                if later:
                    first.append((min(later) - move.date).days)
                else:
                    awaiting += 1
        if guidance.intake is not None and guidance.intake.date <= as_of:
            intakes += 1
            complete += guidance.intake.complete(listed)
        if trajectory.phase_on(as_of) is not None:
            for coach in {c.coach_id for c in guidance.coaches if c.covers(as_of)}:
                caseload[coach] = caseload.get(coach, 0) + 1
    phases = tuple(str(int(p)) for p in Phase)
    coaches = tuple(sorted(caseload))
    return GuidanceFigures(
        as_of=as_of,
        participants=participants,
        counts=CountTable(
            title="guidance per phase",
            rows=phases,
            columns=("contacts", "transitions", "with_talk"),
            counts=tuple((contacts[p], transitions[p], talked[p]) for p in Phase),
        ),
        participant_months={p: days[p] / _MONTH_DAYS for p in Phase},
        intakes=intakes,
        complete_intakes=complete,
        caseload=CountTable(
            title="caseload per coach",
            rows=coaches,
            columns=("participants",),
            counts=tuple((caseload[c],) for c in coaches),
        ),
        first_contact_days=tuple(first),
        awaiting_first_contact=awaiting,
    )
