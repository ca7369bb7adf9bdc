"""The coach's work in the synthetic cohort (private; see :mod:`piezomethod.synth`).

Everything here is **reconstructed**: the sources say that every participant has an intake and
periodic contact whose number varies in practice, that the coach may change per phase, that
statushouders get a home visit at settlement (in Zoetermeer) and may get a buddy in phases 1-2,
and that aftercare is an improvement point — but give no frequencies. The chances below are
this library's choice, made so that a worklist and the team lead's figures have something to
show; every generated history is valid under the default
:class:`~piezomethod.guidance.GuidancePolicy`. It draws from its own random stream, so the
calibrated trajectories and questionnaires do not change when it changes.
"""

from __future__ import annotations

import datetime
import random

from piezomethod.guidance import (
    BuddyAssignment,
    CoachAssignment,
    Contact,
    ContactKind,
    DomainAssessment,
    DomainStatus,
    Guidance,
    Intake,
    Referral,
    ReferralOutcome,
    life_domains,
)
from piezomethod.phases import Phase, Stay, Trajectory

COACHES = 60
"""Reconstructed: the number of coaches the synthetic participants are spread over."""
COMPLETE_INTAKE = 0.8
"""Reconstructed: the share of intakes that map every life domain."""
COACH_CHANGE = 0.3
"""Reconstructed: the chance that the coach changes at a phase change ("per fase kan wisselen")."""
TALK = 0.35
"""Reconstructed: the share of phase changes decided in a recorded talk (a recommendation, so
not all)."""
HOME_VISIT = 0.7
"""Reconstructed: the share of statushouders with a home visit at the start."""
BUDDY = 0.4
"""Reconstructed: the share of statushouders in phase 1 or 2 with a buddy."""
AFTERCARE = 0.5
"""Reconstructed: the share of exits followed by an aftercare contact."""

_D = datetime.timedelta
_STATUSES = (
    (DomainStatus.NO_CONCERN, 0.55),
    (DomainStatus.NEEDS_ATTENTION, 0.25),
    (DomainStatus.ADDRESSED, 0.12),
    (DomainStatus.REFERRED, 0.08),
)


def guidance(
    rng: random.Random, trajectory: Trajectory, statushouder: bool, as_of: datetime.date
) -> Guidance:
    """A valid guidance history for ``trajectory`` (events up to ``as_of``)."""
    domains = [d.id for d in life_domains()]
    stays = [s for s in trajectory.stays() if s.start <= as_of]
    events = trajectory.events
    first = events[0].date
    # the intake, on the first day
    chosen = domains if rng.random() < COMPLETE_INTAKE else rng.sample(domains, rng.randint(1, 5))
    mapped = [d for d in domains if d in chosen]  # in the list's order, as tables read them
    statuses = [s for s, _ in _STATUSES]
    weights = [w for _, w in _STATUSES]
    assessed = [
        DomainAssessment(domain_id=d, status=rng.choices(statuses, weights=weights)[0])
        for d in mapped
    ]
    intake = Intake(date=first, domains=assessed)
    contacts: list[Contact] = [
        Contact(date=first, kind=ContactKind.INTAKE, roles=["participant", "coach"])
    ]
    if statushouder and rng.random() < HOME_VISIT:
        contacts.append(Contact(date=first, kind=ContactKind.HOME_VISIT, roles=["coach"]))
    for d in assessed:
        if d.status is DomainStatus.REFERRED:
            day = first + _D(days=rng.randint(3, 30))
            if day > as_of or trajectory.phase_on(day) is None:
                continue
            outcome_day = day + _D(days=rng.randint(14, 90))
            known = outcome_day <= as_of and rng.random() < 0.7
            contacts.append(
                Contact(
                    date=day,
                    kind=ContactKind.REFERRAL,
                    roles=["participant", "coach"],
                    domains=[d.domain_id],
                    referral=Referral(
                        to="partnerorganisatie",
                        domain_id=d.domain_id,
                        outcome=ReferralOutcome.STARTED if known else None,
                        outcome_date=outcome_day if known else None,
                    ),
                )
            )
    # periodic contact within each stay, at a pace of the participant's own
    pace = max(14, int(rng.gauss(40, 12)))
    for stay in stays:
        end = min(stay.end or as_of, as_of)
        day = stay.start + _D(days=rng.randint(7, pace))
        while day < end:
            contacts.append(
                Contact(date=day, kind=ContactKind.PERIODIC, roles=["participant", "coach"])
            )
            day += _D(days=max(7, int(rng.gauss(pace, pace / 3))))
    # talks that decided a phase change
    changes = [m for m in trajectory.moves() if m.date <= as_of and m.from_phase is not None]
    for move in changes:
        if move.to_phase is not None and rng.random() < TALK:
            day = move.date - _D(days=rng.randint(0, 21))
            if any(s.start <= day <= (s.end or as_of) for s in stays):
                contacts.append(
                    Contact(
                        date=day,
                        kind=ContactKind.TRANSITION_TALK,
                        roles=["participant", "coach"],
                        decides_change_on=move.date,
                    )
                )
    # aftercare after some exits
    for move in trajectory.moves():
        if move.to_phase is None and move.date <= as_of and rng.random() < AFTERCARE:
            day = move.date + _D(days=rng.randint(14, 80))
            later = [m.date for m in trajectory.moves() if m.date > move.date]
            if day <= as_of and (not later or day < later[0]):
                contacts.append(Contact(date=day, kind=ContactKind.AFTERCARE, roles=["coach"]))
    contacts.sort(key=lambda c: c.date)
    return Guidance(
        participant_id=trajectory.participant_id,
        intake=intake,
        coaches=_coaches(rng, trajectory, as_of),
        contacts=contacts,
        buddies=_buddies(rng, stays, statushouder, as_of),
    )


def _coaches(
    rng: random.Random, trajectory: Trajectory, as_of: datetime.date
) -> list[CoachAssignment]:
    """One coach per enrolment, changing at some phase changes; none overlap."""
    found: list[CoachAssignment] = []
    coach: str | None = None
    start: datetime.date | None = None
    for move in trajectory.moves():
        if move.date > as_of:
            break
        if move.from_phase is None:  # an entry or a re-entry
            coach, start = f"coach-{rng.randrange(COACHES) + 1:02d}", move.date
        elif move.to_phase is None:  # an exit ends the assignment
            if coach is not None and start is not None:
                found.append(CoachAssignment(coach_id=coach, start=start, end=move.date))
            coach = start = None
        elif (
            coach is not None
            and start is not None
            and rng.random() < COACH_CHANGE
            and move.date > start
        ):
            found.append(CoachAssignment(coach_id=coach, start=start, end=move.date - _D(days=1)))
            coach, start = f"coach-{rng.randrange(COACHES) + 1:02d}", move.date
    if coach is not None and start is not None:
        found.append(CoachAssignment(coach_id=coach, start=start))
    return found


def _buddies(
    rng: random.Random, stays: list[Stay], statushouder: bool, as_of: datetime.date
) -> list[BuddyAssignment]:
    if not statushouder:
        return []
    for stay in stays:
        if stay.phase in (Phase(1), Phase(2)) and rng.random() < BUDDY:
            last = None if stay.end is None or stay.end > as_of else stay.end
            buddy = f"maatje-{rng.randrange(200) + 1:03d}"
            return [BuddyAssignment(buddy_id=buddy, start=stay.start, end=last)]
    return []
