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
from collections.abc import Iterable

import attrs

from piezomethod import _frames
from piezomethod._checks import check_text, checked, fields
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
from piezomethod.phases import Enrolment, Exit
from piezomethod.records import Cohort, ParticipantRecord

__all__ = ["WorkItem", "to_frame", "worklist"]

_D = datetime.timedelta


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
    if phase is not None and spell_start is not None:
        # an enrolled participant: contact, intake
        last = max((c.date for c in contacts if c.date >= spell_start), default=None)
        since = (last or spell_start) + _D(days=policy.interval(phase))
        if since <= as_of:
            found.append(
                (Code.NO_RECENT_CONTACT, since, "no contact within the policy's interval", as_of)
            )
        intake = guidance.intake
        if intake is None:
            found.append((Code.INTAKE_MISSING, spell_start, "no intake recorded", as_of))
        elif not intake.complete(domains):
            found.append(
                (Code.INTAKE_INCOMPLETE, intake.date, "the intake did not map every domain", as_of)
            )
    statuses, _ = _statuses(trajectory, record.measurements, as_of, None, None)
    for due, status, _measurement in statuses:
        if status is MeasurementStatus.DUE:
            found.append((Code.MEASUREMENT_DUE, due.window_start, "a questionnaire is due", as_of))
        elif status is MeasurementStatus.MISSING:
            found.append(
                (Code.MEASUREMENT_MISSING, due.window_end, "a questionnaire was missed", as_of)
            )
    if record.passport is not None:
        for goal in record.passport.goals:
            if goal.status is not GoalStatus.IN_PROGRESS:
                continue
            active = max([goal.set_on, *(e.confirmed_on for e in goal.evidence)])
            since = active + _D(days=policy.stalled_goal_days)
            if since <= as_of:
                found.append((Code.GOAL_STALLED, since, "a goal without progress", as_of))
    if policy.require_transition_talk:
        for issue in validate_guidance(guidance, events, policy=policy, domains=domains):
            if issue.code is Code.TRANSITION_WITHOUT_TALK and issue.index is not None:
                day = events[issue.index].date
                found.append((Code.TRANSITION_WITHOUT_TALK, day, "no talk decided the change", day))
    exits = [e for e in events if isinstance(e, Exit)]
    if exits and phase is None:
        left = exits[-1].date
        window_end = left + _D(days=policy.aftercare_days)
        done = any(c.kind is ContactKind.AFTERCARE and c.date >= left for c in contacts)
        if not done and as_of <= window_end:
            found.append((Code.AFTERCARE_DUE, left, "aftercare after the exit", left))
    for contact in contacts:
        referral = contact.referral
        if referral is not None and (
            referral.outcome_date is None or referral.outcome_date > as_of
        ):
            found.append(
                (Code.REFERRAL_OPEN, contact.date, "a referral without an outcome", contact.date)
            )
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
