"""The coach's work: intake, coach assignments, guidance contacts, referrals, buddies and
aftercare (a domain module: no I/O).

Every participant is guided individually by a coach (*trajectbegeleider*), who may change per
phase (Movisie 2019, "De PiëzoMethodiek en haar deelnemers", "individueel begeleid door een
trajectbegeleider, die per fase kan wisselen"). It starts with an **intake**; then there is
**periodic contact** about the participant's development and next steps, including when they
are ready for the next phase; the number of contacts varies in practice (same section, "Dat
begint bij een intake", "Het aantal begeleidingscontacten is in praktijk variabel"). Guidance is
integral: all **life domains** are mapped and, if needed through a **referral**, addressed
(Movisie 2019, "Werkzame mechanismen", "alle levensdomeinen in kaart worden gebracht en,
eventueel middels doorverwijzing, aangepakt worden").

A participant's guidance is one immutable :class:`Guidance`: the :class:`Intake`, the
:class:`CoachAssignment`\\ s, the :class:`Contact`\\ s and the :class:`BuddyAssignment`\\ s.
:func:`validate_guidance` checks it against the participant's events and a
:class:`GuidancePolicy` and returns every problem at once, like
:func:`~piezomethod.phases.validate_events`.

Coaches and buddies are named by a pseudonymous id or a role, never by a person's name, and
the free text of a contact (``next_steps``) and of the intake (wishes, talents, expectations)
is internal: it never appears in an error, a report or an export.

>>> from datetime import date
>>> from piezomethod.phases import Enrolment, Phase
>>> guidance = Guidance(
...     participant_id="p-1",
...     intake=Intake(
...         date=date(2024, 1, 8),
...         domains=[DomainAssessment(domain_id="taal", status="needs_attention")],
...     ),
...     coaches=[CoachAssignment(coach_id="coach-7", start=date(2024, 1, 8))],
...     contacts=[Contact(date=date(2024, 1, 8), kind="intake", roles=["participant", "coach"])],
... )
>>> events = [Enrolment(date=date(2024, 1, 8), phase=Phase(1))]
>>> [i.code.value for i in validate_guidance(guidance, events)]
[]
>>> guidance.coach_on(date(2024, 3, 1))
'coach-7'
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

from piezomethod._checks import (
    as_tuple,
    at_least,
    check_optional_text,
    check_text,
    checked,
    fields,
    frozen_mapping,
    shift,
    texts,
    to_enum,
)
from piezomethod._i18n import Labelled, Text
from piezomethod.errors import Code, FieldError, FieldTypeError, Issue, Severity
from piezomethod.phases import Enrolment, Event, Exit, Phase, PhaseChange

__all__ = [
    "BuddyAssignment",
    "CoachAssignment",
    "Contact",
    "ContactKind",
    "DomainAssessment",
    "DomainStatus",
    "Fact",
    "FactKind",
    "Guidance",
    "GuidancePolicy",
    "Intake",
    "LifeDomain",
    "Referral",
    "ReferralOutcome",
    "Role",
    "life_domains",
    "validate_guidance",
]


class DomainStatus(Labelled):
    """How a life domain stands at the intake (or later)."""

    NO_CONCERN = "no_concern"
    """Mapped: nothing that stands in the way."""
    NEEDS_ATTENTION = "needs_attention"
    """Mapped: something stands in the way, not yet taken up."""
    ADDRESSED = "addressed"
    """Being taken up within the guidance."""
    REFERRED = "referred"
    """Referred to another organisation (record the :class:`Referral` on a contact)."""


class ContactKind(Labelled):
    """The kinds of guidance contact. The sources name the intake, periodic contact, talks about
    the next phase, home visits, visiting volunteers, buddies, referral, coordination with the
    municipality's klantmanager and the employer service desk, and aftercare (Movisie 2019,
    "De PiëzoMethodiek en haar deelnemers" and "Verbeterkansen")."""

    INTAKE = "intake"
    PERIODIC = "periodic"
    DEVELOPMENT_TALK = "development_talk"
    TRANSITION_TALK = "transition_talk"
    HOME_VISIT = "home_visit"
    VISITING_VOLUNTEER = "visiting_volunteer"
    BUDDY_MEETING = "buddy_meeting"
    REFERRAL = "referral"
    COORDINATION_KLANTMANAGER = "coordination_klantmanager"
    COORDINATION_EMPLOYER_DESK = "coordination_employer_desk"
    AFTERCARE = "aftercare"


TALKS = frozenset({ContactKind.DEVELOPMENT_TALK, ContactKind.TRANSITION_TALK})
"""The contacts that can decide a phase change."""


class Role(Labelled):
    """Who took part in a contact (roles, never names)."""

    PARTICIPANT = "participant"
    COACH = "coach"
    CO_COACH = "co_coach"
    BUDDY = "buddy"
    VISITING_VOLUNTEER = "visiting_volunteer"
    KLANTMANAGER = "klantmanager"
    EMPLOYER_DESK = "employer_desk"
    PARTNER_ORGANISATION = "partner_organisation"
    FAMILY = "family"
    INTERPRETER = "interpreter"


class ReferralOutcome(Labelled):
    """What became of a referral (the library's choice of outcomes; the sources name none)."""

    STARTED = "started"
    COMPLETED = "completed"
    DECLINED = "declined"
    NOT_POSSIBLE = "not_possible"


class FactKind(Labelled):
    """Optional, dated facts from the intake (or later)."""

    PRIOR_EDUCATION = "prior_education"
    BENEFIT_STATUS = "benefit_status"
    LANGUAGE_LEVEL = "language_level"


# -- life domains ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class LifeDomain:
    """A life domain the intake maps. ``source`` cites the words it rests on."""

    id: str = attrs.field(validator=check_text)
    name: Text
    source: str = attrs.field(validator=check_text)


@functools.cache
def life_domains() -> tuple[LifeDomain, ...]:
    """The default life domains: **reconstructed** by this library, since the sources say "all
    life domains" without listing them (Movisie 2019, "Werkzame mechanismen", "alle
    levensdomeinen in kaart worden gebracht"). Each cites the source words it rests on; none
    copies a licensed matrix (ZRM, Outcomes Star). Pass an organisation's own list to
    :func:`validate_guidance` instead.

    >>> [d.id for d in life_domains()][:3]
    ['thuissituatie', 'financien', 'gezondheid']
    """
    data = json.loads((resources.files("piezomethod") / "data" / "life_domains.json").read_bytes())
    return tuple(
        LifeDomain(id=d["id"], name=Text(**d["name"]), source=d["source"]) for d in data["domains"]
    )


# -- the parts of a guidance history ---------------------------------------------------------


def _status(value: DomainStatus | str, field: str = "status") -> DomainStatus:
    return to_enum(DomainStatus, value, field)


def _kind(value: ContactKind | str, field: str = "kind") -> ContactKind:
    return to_enum(ContactKind, value, field)


def _fact_kind(value: FactKind | str, field: str = "kind") -> FactKind:
    return to_enum(FactKind, value, field)


def _outcome(value: ReferralOutcome | str | None, field: str = "outcome") -> ReferralOutcome | None:
    return None if value is None else to_enum(ReferralOutcome, value, field)


def _roles(values: Iterable[Role | str], field: str = "roles") -> frozenset[Role]:
    return frozenset(to_enum(Role, v, field) for v in as_tuple(values, field))


def _end_after_start(instance: Any) -> None:
    if instance.end is not None and instance.end < instance.start:
        raise FieldError("end is before start", code=Code.END_BEFORE_START, field="end")


@attrs.frozen(kw_only=True, field_transformer=fields)
class DomainAssessment:
    """How one life domain stands (by the domain's id)."""

    domain_id: str = attrs.field(validator=check_text)
    status: DomainStatus = attrs.field(converter=_status)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Fact:
    """A dated fact: prior education, benefit status or language level (coded by the
    organisation, e.g. ``mbo2``, ``bijstand``, ``A2``)."""

    kind: FactKind = attrs.field(converter=_fact_kind)
    value: str = attrs.field(validator=check_text)
    date: datetime.date


@attrs.frozen(kw_only=True, field_transformer=fields)
class Intake:
    """The intake: its date, the participant's wishes, talents and expectations in their own
    words (Vakkundig aan het werk (programme brochure, 2018), "Lerend vrijwilligerswerk", "wat
    zijn de wensen, talenten en verwachtingen?"), the life domains mapped, and dated facts.

    The words are internal: never in errors, reports or exports. ``complete`` tells whether
    every life domain of a list was mapped.
    """

    date: datetime.date
    wishes: tuple[str, ...] = attrs.field(default=(), converter=texts)
    talents: tuple[str, ...] = attrs.field(default=(), converter=texts)
    expectations: tuple[str, ...] = attrs.field(default=(), converter=texts)
    domains: tuple[DomainAssessment, ...] = attrs.field(default=(), converter=as_tuple)
    facts: tuple[Fact, ...] = attrs.field(default=(), converter=as_tuple)

    def status(self, domain_id: str) -> DomainStatus | None:
        """How the domain stands, or None when the intake did not map it."""
        return next((d.status for d in self.domains if d.domain_id == domain_id), None)

    def complete(self, domains: Iterable[LifeDomain] | None = None) -> bool:
        """True when every domain (default: :func:`life_domains`) was mapped."""
        mapped = {d.domain_id for d in self.domains}
        return all(d.id in mapped for d in (life_domains() if domains is None else domains))


@attrs.frozen(kw_only=True, field_transformer=fields)
class CoachAssignment:
    """Which coach (a pseudonymous id or a role) guides the participant, from ``start`` until
    ``end`` (None while it lasts). ``co_coach`` marks a second coach beside the first, where
    the organisation's :class:`GuidancePolicy` allows one."""

    coach_id: str = attrs.field(validator=check_text)
    start: datetime.date
    end: datetime.date | None = None
    co_coach: bool = False

    def __attrs_post_init__(self) -> None:
        _end_after_start(self)

    def covers(self, day: datetime.date) -> bool:
        """True when the assignment runs on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@attrs.frozen(kw_only=True, field_transformer=fields)
class BuddyAssignment:
    """A buddy (*maatje*), by a pseudonymous id, from ``start`` until ``end``. The research
    recommends a buddy for statushouders in phases 1 and 2 (Movisie 2019, "Verbeterkansen",
    "Ook in fase 1 en 2 is het extra zinvol statushouders te koppelen aan een maatje")."""

    buddy_id: str = attrs.field(validator=check_text)
    start: datetime.date
    end: datetime.date | None = None

    def __attrs_post_init__(self) -> None:
        _end_after_start(self)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Referral:
    """A referral made at a contact: to whom (an organisation or role, not a person), for which
    life domain, and later its outcome and the day it was known."""

    to: str = attrs.field(validator=check_text)
    domain_id: str = attrs.field(validator=check_text)
    outcome: ReferralOutcome | None = attrs.field(default=None, converter=_outcome)
    outcome_date: datetime.date | None = None

    def __attrs_post_init__(self) -> None:
        if (self.outcome is None) != (self.outcome_date is None):
            raise FieldError(
                "an outcome and its date come together",
                code=Code.MISSING_VALUE,
                field="outcome_date" if self.outcome is not None else "outcome",
            )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Contact:
    """One guidance contact: its day, kind and who took part (roles); the life domains and goals
    (by id) it touched; ``next_steps``, internal free text that never leaves the record;
    a :class:`Referral` for a referral; and, for a talk that decided a phase change,
    ``decides_change_on``, the day of that change."""

    date: datetime.date
    kind: ContactKind = attrs.field(converter=_kind)
    roles: frozenset[Role] = attrs.field(factory=frozenset, converter=_roles)
    domains: tuple[str, ...] = attrs.field(default=(), converter=texts)
    goals: tuple[str, ...] = attrs.field(default=(), converter=texts)
    next_steps: str | None = attrs.field(default=None, validator=check_optional_text)
    referral: Referral | None = None
    decides_change_on: datetime.date | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind is ContactKind.REFERRAL) != (self.referral is not None):
            raise FieldError(
                "a referral contact, and only one, records its referral",
                code=Code.MISSING_VALUE if self.referral is None else Code.IGNORED_VALUE,
                field="referral",
            )
        if self.decides_change_on is not None and self.kind not in TALKS:
            raise FieldError(
                "only a development or transition talk decides a phase change",
                code=Code.IGNORED_VALUE,
                field="decides_change_on",
            )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Guidance:
    """A participant's guidance: intake, coach assignments, contacts and buddies. Contacts
    and assignments are kept in the order given; :func:`validate_guidance` checks the whole."""

    participant_id: str = attrs.field(validator=check_text)
    intake: Intake | None = None
    coaches: tuple[CoachAssignment, ...] = attrs.field(default=(), converter=as_tuple)
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=as_tuple)
    buddies: tuple[BuddyAssignment, ...] = attrs.field(default=(), converter=as_tuple)

    def coach_on(self, day: datetime.date) -> str | None:
        """The (first, not co-) coach on ``day``, or None."""
        found = [c for c in self.coaches if c.covers(day) and not c.co_coach]
        return found[0].coach_id if found else None

    def last_contact(self, as_of: datetime.date | None = None) -> Contact | None:
        """The latest contact on or before ``as_of`` (default: any)."""
        found = [c for c in self.contacts if as_of is None or c.date <= as_of]
        return max(found, key=lambda c: c.date, default=None)


# -- policy ----------------------------------------------------------------------------------


def _intervals(
    value: Mapping[Phase | int, int], field: str = "contact_interval_days"
) -> Mapping[Phase, int]:
    if not isinstance(value, Mapping):
        raise FieldTypeError(
            f"{field} must be a mapping of phase to days", code=Code.WRONG_TYPE, field=field
        )
    found: dict[Phase, int] = {}
    for phase, days in value.items():
        wrong = [v for v in (phase, days) if not isinstance(v, int) or isinstance(v, bool)]
        if wrong:
            raise FieldTypeError(
                f"{field} must map phase numbers to whole numbers of days",
                code=Code.WRONG_TYPE,
                field=field,
            )
        if days < 1:
            raise FieldError(
                f"{field} must hold whole numbers of days of 1 or more",
                code=Code.INVALID_VALUE,
                field=field,
            )
        if phase not in range(5):
            raise FieldError(f"{field}: not a phase", code=Code.UNKNOWN_PHASE, field=field)
        found[Phase(phase)] = days
    return frozen_mapping(found)


_positive = at_least(1, Code.INVALID_VALUE)


_DEFAULT_INTERVALS = {Phase(0): 42, Phase(1): 42, Phase(2): 42, Phase(3): 56, Phase(4): 56}


@attrs.frozen(kw_only=True, field_transformer=fields)
class GuidancePolicy:
    """An organisation's rules for guidance. **The defaults are this library's choice, not the
    sources'**: the sources say only that the number of contacts varies in practice (Movisie
    2019, "De PiëzoMethodiek en haar deelnemers", "Het aantal begeleidingscontacten is in
    praktijk variabel").

    - ``contact_interval_days``: the longest time without a contact, per phase (6 weeks in
      phases 0-2, 8 weeks in 3-4);
    - ``stalled_goal_days``: a goal in progress with no evidence or status change for this
      long is stalled (about 6 months);
    - ``aftercare_days``: how long after an exit contacts are aftercare (3 months, the horizon
      of the follow-up measurement);
    - ``transition_talk_days``: how many days before a phase change a talk that decided it may
      be held (30);
    - ``require_transition_talk``: whether every phase change needs such a talk. Off by
      default: a structured talk at each transition is a research recommendation, not current
      practice (Movisie 2019, "Verbeterkansen");
    - ``co_coach_allowed``: whether a participant may have a second coach at the same time.
    """

    contact_interval_days: Mapping[Phase, int] = attrs.field(
        factory=lambda: dict(_DEFAULT_INTERVALS), converter=_intervals
    )
    stalled_goal_days: int = attrs.field(default=183, validator=_positive)
    aftercare_days: int = attrs.field(default=92, validator=_positive)
    transition_talk_days: int = attrs.field(default=30, validator=_positive)
    require_transition_talk: bool = False
    co_coach_allowed: bool = False

    def interval(self, phase: Phase) -> int:
        """The longest time without a contact in ``phase`` (days)."""
        return self.contact_interval_days.get(phase, max(self.contact_interval_days.values()))


# -- validation ------------------------------------------------------------------------------


def _spells(events: Sequence[Event]) -> list[tuple[datetime.date, datetime.date | None]]:
    """The enrolment spells (start, exit day or None) of a history, in order."""
    spells: list[tuple[datetime.date, datetime.date | None]] = []
    for event in events:
        if isinstance(event, Enrolment):
            spells.append((event.date, None))
        elif isinstance(event, Exit) and spells and spells[-1][1] is None:
            spells[-1] = (spells[-1][0], event.date)
    return spells


@checked
def validate_guidance(
    guidance: Guidance,
    events: Iterable[Event],
    *,
    policy: GuidancePolicy | None = None,
    domains: Iterable[LifeDomain] | None = None,
) -> list[Issue]:
    """Check a whole guidance history against the participant's events and return every
    problem at once (empty when valid). ``index`` is the position in the list the issue is
    about, ``field`` names that list (``contacts``, ``coaches``, ``buddies``, ``intake``).

    - a contact outside every enrolment (before the first, between an exit and a new
      enrolment), except aftercare within ``aftercare_days`` after an exit;
    - aftercare before any exit, or later than the aftercare window (a warning);
    - coach assignments that overlap, unless one is a co-coach the policy allows;
    - an intake that maps a domain not in the list, or maps one twice;
    - a referral whose outcome is dated before the referral, or for an unknown domain;
    - a talk that says it decided a phase change on a day without one, or more than
      ``transition_talk_days`` before it, or after it;
    - with ``require_transition_talk``, a phase change without such a talk.

    >>> from datetime import date
    >>> from piezomethod.phases import Enrolment, Phase
    >>> g = Guidance(
    ...     participant_id="p-2",
    ...     contacts=[Contact(date=date(2023, 12, 1), kind="periodic")],
    ... )
    >>> events = [Enrolment(date=date(2024, 1, 8), phase=Phase(1))]
    >>> [(i.code.value, i.field, i.index) for i in validate_guidance(g, events)]
    [('contact_outside_enrolment', 'contacts', 0)]
    """
    rules = policy or GuidancePolicy()
    history = list(events)
    known = {d.id for d in (life_domains() if domains is None else domains)}
    pid = guidance.participant_id
    issues: list[Issue] = []

    def add(
        code: Code, field: str, index: int | None, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        issues.append(
            Issue(
                code=code,
                severity=severity,
                message=message,
                index=index,
                participant_id=pid,
                field=field,
            )
        )

    spells = _spells(history)
    exits = [e.date for e in history if isinstance(e, Exit)]
    aftercare = datetime.timedelta(days=rules.aftercare_days)
    for n, contact in enumerate(guidance.contacts):
        day = contact.date
        enrolled = any(s <= day and (e is None or day <= e) for s, e in spells)
        if contact.kind is ContactKind.AFTERCARE:
            before = [x for x in exits if x <= day]
            if not before:
                add(Code.AFTERCARE_BEFORE_EXIT, "contacts", n, "aftercare before any exit")
            elif day - before[-1] > aftercare and not enrolled:
                add(
                    Code.AFTERCARE_OUTSIDE_WINDOW,
                    "contacts",
                    n,
                    f"aftercare more than {rules.aftercare_days} days after the exit",
                    Severity.WARNING,
                )
        elif not enrolled:
            add(
                Code.CONTACT_OUTSIDE_ENROLMENT,
                "contacts",
                n,
                "a contact while the participant is not enrolled",
            )
        if contact.referral is not None:
            referral = contact.referral
            if referral.outcome_date is not None and referral.outcome_date < day:
                add(
                    Code.REFERRAL_OUTCOME_BEFORE_REFERRAL,
                    "contacts",
                    n,
                    "the referral's outcome is dated before the referral",
                )
            if referral.domain_id not in known:
                add(Code.UNKNOWN_LIFE_DOMAIN, "contacts", n, "a referral for an unknown domain")
        if any(d not in known for d in contact.domains):
            add(Code.UNKNOWN_LIFE_DOMAIN, "contacts", n, "a contact touches an unknown domain")
    _check_talks(guidance, history, rules, add)
    _check_coaches(guidance, rules, add)
    if guidance.intake is not None:
        ids = [d.domain_id for d in guidance.intake.domains]
        if any(d not in known for d in ids):
            add(Code.UNKNOWN_LIFE_DOMAIN, "intake", None, "the intake maps an unknown domain")
        if len(set(ids)) < len(ids):
            add(Code.DUPLICATE_ID, "intake", None, "the intake maps a domain twice")
    return issues


def _check_talks(
    guidance: Guidance, history: Sequence[Event], rules: GuidancePolicy, add: Any
) -> None:
    changes = [e.date for e in history if isinstance(e, PhaseChange)]
    decided: set[datetime.date] = set()
    for n, contact in enumerate(guidance.contacts):
        change = contact.decides_change_on
        if change is None:
            continue
        if change not in changes:
            add(Code.NO_SUCH_CHANGE, "contacts", n, "no phase change on the day the talk decided")
        elif not (shift(change, -rules.transition_talk_days) <= contact.date <= change):
            add(
                Code.TALK_OUTSIDE_WINDOW,
                "contacts",
                n,
                f"the talk is not within {rules.transition_talk_days} days before the change",
            )
        else:
            decided.add(change)
    if rules.require_transition_talk:
        for day in changes:
            if day not in decided:
                index = next(
                    i for i, e in enumerate(history) if isinstance(e, PhaseChange) and e.date == day
                )
                add(
                    Code.TRANSITION_WITHOUT_TALK,
                    "events",
                    index,
                    "a phase change without a development talk that decided it",
                )


def _check_coaches(guidance: Guidance, rules: GuidancePolicy, add: Any) -> None:
    coaches = guidance.coaches
    for n, first in enumerate(coaches):
        for m in range(n + 1, len(coaches)):
            second = coaches[m]
            overlap = first.start <= (second.end or datetime.date.max) and second.start <= (
                first.end or datetime.date.max
            )
            allowed = rules.co_coach_allowed and (first.co_coach or second.co_coach)
            if overlap and not allowed:
                add(Code.COACH_OVERLAP, "coaches", m, "two coaches at the same time")
