"""The participant record: the aggregate the library works on and the unit of JSON interchange.

A :class:`ParticipantRecord` holds one participant's :class:`Participant` details, trajectory,
measurements, development passport and consents. Every part must belong to the same participant.

>>> from piezomethod.phases import Enrolment, Phase, Trajectory
>>> from datetime import date
>>> p = Participant(id="p-1", birth_year=1978, gender=Gender.WOMAN, statushouder=True)
>>> t = Trajectory(participant_id="p-1", events=[Enrolment(date=date(2021, 2, 1), phase=Phase(1))])
>>> record = ParticipantRecord(participant=p, trajectory=t)
>>> record.trajectory.current_phase
<Phase.ACTIVITIES: 1>
>>> len(pseudonymise(record, key=b"a research key, kept secret").participant.id)
32
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs

from piezomethod._checks import (
    as_tuple,
    check_optional_text,
    check_text,
    checked,
    fields,
    frozen_mapping,
    schema_rule,
    to_enum,
)
from piezomethod.consent import Consent, pseudonym
from piezomethod.errors import Code, FieldError, Issue
from piezomethod.guidance import Guidance, Intake
from piezomethod.outcomes import Measurement
from piezomethod.passport import DevelopmentPassport, SkillCatalogue, Talent, validate_passport
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
)

__all__ = [
    "AttributeValue",
    "Cohort",
    "Gender",
    "Participant",
    "ParticipantRecord",
    "pseudonymise",
    "validate_record",
]

AttributeValue: TypeAlias = str | int | float | bool | None
"""The value of an open participant attribute."""


class Gender(enum.StrEnum):
    """Gender as recorded; ``unknown`` when not recorded."""

    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    UNKNOWN = "unknown"


def _check_birth_year(
    _instance: object, _attribute: attrs.Attribute[Any], value: int | None
) -> None:
    if value is not None and not 1900 <= value <= 2100:
        raise FieldError(
            "birth_year must be a year between 1900 and 2100",
            code=Code.INVALID_YEAR,
            field="birth_year",
        )


schema_rule(_check_birth_year, "integer", minimum=1900, maximum=2100)


def _gender(value: Gender | str, field: str = "gender") -> Gender:
    return to_enum(Gender, value, field)


def _check_attribute_names(
    _instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, AttributeValue]
) -> None:
    if not all(key.strip() for key in value):
        raise FieldError(
            "attribute names must be non-blank strings",
            code=Code.BLANK_TEXT,
            field=attribute.name,
        )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Participant:
    """Who the participant is, as far as the method needs to know.

    ``attributes`` holds an organisation's own fields (open vocabulary). Pseudonymised exports
    drop it whole, since the library cannot know what it contains.
    """

    id: str = attrs.field(validator=check_text)
    birth_year: int | None = attrs.field(default=None, validator=_check_birth_year)
    gender: Gender = attrs.field(default=Gender.UNKNOWN, converter=_gender)
    statushouder: bool | None = None
    municipality: str | None = attrs.field(default=None, validator=check_optional_text)
    organisation: str | None = attrs.field(default=None, validator=check_optional_text)
    referrer: str | None = attrs.field(default=None, validator=check_optional_text)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=frozen_mapping, validator=_check_attribute_names, hash=False
    )


@attrs.frozen(kw_only=True, field_transformer=fields)
class ParticipantRecord:
    """One participant: details, trajectory, measurements, passport, consents and guidance.

    Building a record checks that every part belongs to ``participant`` and raises a
    ``FieldError`` (code ``participant_mismatch``) naming the part that does not.
    """

    participant: Participant
    trajectory: Trajectory = attrs.field()
    measurements: tuple[Measurement, ...] = attrs.field(default=(), converter=as_tuple)
    passport: DevelopmentPassport | None = None
    consents: tuple[Consent, ...] = attrs.field(default=(), converter=as_tuple)
    guidance: Guidance | None = None
    """The coach's work with this participant (intake, coaches, contacts, buddies)."""

    @trajectory.default
    def _empty_trajectory(self) -> Trajectory:
        return Trajectory(participant_id=self.participant.id)

    def __attrs_post_init__(self) -> None:
        pid = self.participant.id
        parts = [("trajectory", self.trajectory.participant_id)]
        parts += [(f"measurements[{n}]", m.participant_id) for n, m in enumerate(self.measurements)]
        if self.passport is not None:
            parts.append(("passport", self.passport.participant_id))
        parts += [(f"consents[{n}]", c.participant_id) for n, c in enumerate(self.consents)]
        if self.guidance is not None:
            parts.append(("guidance", self.guidance.participant_id))
        wrong = [name for name, owner in parts if owner != pid]
        if wrong:
            raise FieldError(
                f"these parts belong to another participant: {', '.join(wrong)}",
                code=Code.PARTICIPANT_MISMATCH,
                field=wrong[0],
                participant_id=pid,
            )

    @property
    def id(self) -> str:
        """The participant's id."""
        return self.participant.id


def _check_unique(
    _instance: object, attribute: attrs.Attribute[Any], value: tuple[ParticipantRecord, ...]
) -> None:
    seen: set[str] = set()
    for n, record in enumerate(value):
        if record.participant.id in seen:
            raise FieldError(
                f"records[{n}] repeats a participant id; a cohort holds each participant once",
                code=Code.DUPLICATE_PARTICIPANT,
                field=attribute.name,
                participant_id=record.participant.id,
            )
        seen.add(record.participant.id)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Cohort:
    """A group of participant records, observed up to ``as_of``: what analytics work on.

    ``as_of`` is the day the data was drawn: a stay or episode still open then is *censored*
    (its end is unknown), not finished. ``synthetic`` marks generated data, so that no chart
    or table made from it can be mistaken for real figures.

    >>> p = Participant(id="p-1")
    >>> cohort = Cohort(records=[ParticipantRecord(participant=p)], as_of=datetime.date(2025, 1, 1))
    >>> len(cohort), cohort.synthetic
    (1, False)
    """

    records: tuple[ParticipantRecord, ...] = attrs.field(
        converter=as_tuple, validator=_check_unique
    )
    as_of: datetime.date
    synthetic: bool = False
    name: str | None = attrs.field(default=None, validator=check_optional_text)

    def __len__(self) -> int:
        return len(self.records)

    @functools.cached_property
    def _stays_until_as_of(self) -> tuple[tuple[tuple[Phase, int, MoveKind | None], ...], ...]:
        """Per record, in order, each stay that began by ``as_of``: its phase, its days up to
        its end or ``as_of``, and how it ended (None while still open at ``as_of``: censored).

        Several analytics read this; it is derived once per cohort, which is immutable.
        """
        as_of = self.as_of
        found = []
        for record in self.records:
            mine = []
            for stay in record.trajectory.stays():
                if stay.start > as_of:
                    break
                ended = stay.end is not None and stay.end <= as_of
                end = stay.end if ended and stay.end is not None else as_of
                mine.append((stay.phase, (end - stay.start).days, stay.ended_by if ended else None))
            found.append(tuple(mine))
        return tuple(found)


@checked
def validate_record(
    record: ParticipantRecord,
    *,
    policy: TransitionPolicy | None = None,
    catalogue: SkillCatalogue | None = None,
) -> list[Issue]:
    """Every issue of a record: the trajectory under ``policy`` and, given a ``catalogue``, the
    passport (see :func:`~piezomethod.passport.validate_passport`)."""
    issues = record.trajectory.issues(policy=policy)
    if record.passport is not None and catalogue is not None:
        issues += validate_passport(
            record.passport, catalogue=catalogue, trajectory=record.trajectory
        )
    return issues


def _scrub(event: Event) -> Event:
    if isinstance(event, Enrolment):
        return attrs.evolve(event, referrer=None)
    if isinstance(event, PhaseChange | Exit):
        return attrs.evolve(event, reason=None)
    raise AssertionError("unreachable: a trajectory holds only events")  # pragma: no cover


@checked
def pseudonymise(record: ParticipantRecord, *, key: bytes) -> ParticipantRecord:
    """A copy of ``record`` for research: the id replaced by a keyed pseudonym everywhere,
    direct identifiers and free text dropped.

    What it does: replaces the participant id by :func:`~piezomethod.consent.pseudonym` (same
    key, same pseudonym: records stay linkable within one export; another key gives unlinkable
    pseudonyms); keys goal and placement ids the same way (an id typed by a person can carry a
    name), and the milestone ids of celebrations with them; drops the referrer, the open
    ``attributes``, every event reason and referrer, the intake's wishes, dreams and
    expectations, talents' own words, goal notes, evidence descriptions, placement tasks, and
    all consents. It keeps birth *year* (the model never holds a full birth date), gender,
    statushouder, municipality, organisation, the phases and their dates, measurements and the
    structured passport (skills, goal statuses, placements). Of the guidance it keeps the dates,
    kinds and roles of contacts, the life domains and their status, and coach, buddy and
    referral ids as keyed pseudonyms; it drops the intake's words and facts and every contact's
    next steps.

    What it does not do: it is pseudonymisation, not anonymisation. Exact dates, a small
    municipality and rare combinations can still single a person out; under the GDPR the output
    is still personal data. Keep the key apart from the data, and apply small-cell suppression
    to anything you publish.
    """
    ps = pseudonym(record.participant.id, key=key)

    def keyed(kind: str, value: str) -> str:
        # An id typed by a person can carry a name; key it too, within this participant.
        return pseudonym(f"{record.participant.id}\x1f{kind}\x1f{value}", key=key)

    p = record.participant
    participant = Participant(
        id=ps,
        birth_year=p.birth_year,
        gender=p.gender,
        statushouder=p.statushouder,
        municipality=p.municipality,
        organisation=p.organisation,
    )
    trajectory = Trajectory.from_events(ps, [_scrub(e) for e in record.trajectory.events])
    measurements = tuple(attrs.evolve(m, participant_id=ps) for m in record.measurements)
    passport = None
    if record.passport is not None:
        goal_prefix = "goal-"
        passport = DevelopmentPassport(
            participant_id=ps,
            talents=tuple(
                Talent(name=f"talent {t.rank}", rank=t.rank, skill_id=t.skill_id)
                for t in record.passport.talents
                if t.rank is not None
            ),
            goals=tuple(
                attrs.evolve(
                    g,
                    id=keyed("goal", g.id),
                    note=None,
                    evidence=tuple(attrs.evolve(e, description=None) for e in g.evidence),
                )
                for g in record.passport.goals
            ),
            placements=tuple(
                attrs.evolve(pl, id=keyed("placement", pl.id), tasks=())
                for pl in record.passport.placements
            ),
            celebrations=tuple(
                attrs.evolve(
                    c, milestone_id=goal_prefix + keyed("goal", c.milestone_id[len(goal_prefix) :])
                )
                if c.milestone_id.startswith(goal_prefix)
                else c
                for c in record.passport.celebrations
            ),
        )
    return ParticipantRecord(
        participant=participant,
        trajectory=trajectory,
        measurements=measurements,
        passport=passport,
        guidance=None if record.guidance is None else _scrub_guidance(record.guidance, ps, key),
    )


def _scrub_guidance(guidance: Guidance, ps: str, key: bytes) -> Guidance:
    """The guidance for research: the intake's words, its facts and every contact's next steps
    dropped; coach and buddy ids keyed (the same coach keeps one pseudonym across participants,
    so caseloads stay countable); goal ids keyed as the passport's are; a referral's recipient
    keyed."""
    pid = guidance.participant_id

    def keyed(kind: str, value: str) -> str:
        return pseudonym(f"{pid}\x1f{kind}\x1f{value}", key=key)

    def shared(kind: str, value: str) -> str:
        return pseudonym(f"\x1f{kind}\x1f{value}", key=key)

    intake = guidance.intake
    return Guidance(
        participant_id=ps,
        intake=None if intake is None else Intake(date=intake.date, domains=intake.domains),
        coaches=tuple(
            attrs.evolve(c, coach_id=shared("coach", c.coach_id)) for c in guidance.coaches
        ),
        contacts=tuple(
            attrs.evolve(
                c,
                next_steps=None,
                goals=tuple(keyed("goal", g) for g in c.goals),
                referral=None
                if c.referral is None
                else attrs.evolve(c.referral, to=shared("referral", c.referral.to)),
            )
            for c in guidance.contacts
        ),
        buddies=tuple(
            attrs.evolve(b, buddy_id=shared("buddy", b.buddy_id)) for b in guidance.buddies
        ),
    )
