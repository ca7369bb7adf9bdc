"""Consent-based sharing: consent records, the portfolio, the disclosure log, pseudonyms.

The tracking system facilitates collaboration of several organisations around the participant,
always with the participant's own consent (Movisie 2017/18 (Booijink), "Een jaarlijkse
bijdrage", "Uiteraard altijd met toestemming van de deelnemer zelf"). Here consent is data:
who may receive what, for which purpose, from when, until it expires or is withdrawn. A
:func:`portfolio` is built only under a valid consent, holds only what may be shown (achieved
skills with structured evidence, and placements — never health answers, never free text), and
comes with a :class:`Disclosure` record for the disclosure log.

>>> from datetime import date
>>> c = Consent(
...     participant_id="p-1",
...     recipient="employer",
...     purposes={"job_application"},
...     categories={DataCategory.PASSPORT},
...     given_on=date(2022, 1, 10),
...     withdrawn_on=date(2022, 6, 1),
... )
>>> may_share(
...     [c],
...     recipient="employer",
...     purpose="job_application",
...     category=DataCategory.PASSPORT,
...     as_of=date(2022, 5, 31),
... )
True
>>> may_share(
...     [c],
...     recipient="employer",
...     purpose="job_application",
...     category=DataCategory.PASSPORT,
...     as_of=date(2022, 6, 1),
... )
False
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
from collections.abc import Iterable

import attrs

from piezomethod._checks import (
    NON_BLANK,
    as_tuple,
    check_text,
    checked,
    fields,
    require_text,
    to_enum,
)
from piezomethod._compat import renamed_keywords
from piezomethod._i18n import Lang
from piezomethod.errors import Code, ConsentError, FieldError, FieldTypeError
from piezomethod.passport import (
    Confirmer,
    DevelopmentPassport,
    EvidenceKind,
    GoalStatus,
    PlacementKind,
    SkillCatalogue,
)
from piezomethod.phases import Phase

__all__ = [
    "Consent",
    "DataCategory",
    "Disclosure",
    "Portfolio",
    "PortfolioEvidence",
    "PortfolioPlacement",
    "PortfolioSkill",
    "may_share",
    "portfolio",
    "pseudonym",
]


class DataCategory(enum.StrEnum):
    """The kinds of data a consent can cover."""

    PASSPORT = "passport"
    """The development passport: achieved skills, evidence, placements."""
    MEASUREMENTS = "measurements"
    """Questionnaire answers and scores (health answers are special-category data)."""
    TRAJECTORY = "trajectory"
    """The history of phases, entries and exits."""


def _purposes(values: Iterable[str], field: str = "purposes") -> frozenset[str]:
    found = frozenset(as_tuple(values, field))
    if not all(isinstance(p, str) for p in found):
        raise FieldTypeError(f"{field} must be purpose ids (strings)", field=field)
    if not found or not all(p.strip() for p in found):
        raise FieldError(
            f"{field} must name at least one purpose, none blank", code=Code.BLANK_TEXT, field=field
        )
    return found


def _categories(
    values: Iterable[DataCategory | str], field: str = "categories"
) -> frozenset[DataCategory]:
    found = frozenset(to_enum(DataCategory, v, field) for v in as_tuple(values, field))
    if not found:
        raise FieldError(f"{field} must hold at least one category", code=Code.EMPTY, field=field)
    return found


@attrs.frozen(kw_only=True, field_transformer=fields)
class Consent:
    """A participant's consent to share ``categories`` of data with ``recipient`` for
    ``purposes``, from ``given_on`` up to and including ``expires_on`` (if set), and no longer
    from ``withdrawn_on`` (if set) on.

    ``recipient`` is an organisation id or a category of recipient such as ``"employer"``.
    """

    participant_id: str = attrs.field(validator=check_text)
    recipient: str = attrs.field(validator=check_text)
    purposes: frozenset[str] = attrs.field(
        converter=_purposes,
        metadata={
            "json_schema": (("array", {"minItems": 1}), ("array-of-string", {"pattern": NON_BLANK}))
        },
    )
    categories: frozenset[DataCategory] = attrs.field(
        converter=_categories, metadata={"json_schema": (("array", {"minItems": 1}),)}
    )
    given_on: datetime.date
    expires_on: datetime.date | None = None
    withdrawn_on: datetime.date | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("expires_on", "withdrawn_on"):
            value = getattr(self, name)
            if value is not None and value < self.given_on:
                raise FieldError(f"{name} is before given_on", code=Code.DATE_ORDER, field=name)

    @checked
    def valid_on(self, day: datetime.date) -> bool:
        """Whether the consent is in force on ``day``."""
        return (
            self.given_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )

    @renamed_keywords(on="as_of")
    @checked
    def covers(
        self,
        *,
        recipient: str,
        purpose: str,
        category: DataCategory,
        as_of: datetime.date,
        recipient_category: str | None = None,
    ) -> bool:
        """Whether this consent allows sharing ``category`` with ``recipient`` for ``purpose``
        on ``as_of``."""
        return (
            self.valid_on(as_of)
            and self.recipient in (recipient, recipient_category)
            and purpose in self.purposes
            and category in self.categories
        )


@renamed_keywords(on="as_of")
@checked
def may_share(
    consents: Iterable[Consent],
    *,
    recipient: str,
    purpose: str,
    category: DataCategory,
    as_of: datetime.date,
    recipient_category: str | None = None,
) -> bool:
    """Whether any consent allows sharing ``category`` with ``recipient`` for ``purpose`` on
    ``as_of``. A consent names either the recipient itself or its ``recipient_category``."""
    return any(
        c.covers(
            recipient=recipient,
            purpose=purpose,
            category=category,
            as_of=as_of,
            recipient_category=recipient_category,
        )
        for c in consents
    )


@attrs.frozen(kw_only=True, field_transformer=fields)
class PortfolioEvidence:
    """Evidence as it may be shown: its kind, who confirmed it (a role) and when."""

    kind: EvidenceKind
    kind_label: str
    confirmed_by: Confirmer
    confirmed_by_label: str
    confirmed_on: datetime.date


@attrs.frozen(kw_only=True, field_transformer=fields)
class PortfolioSkill:
    """An achieved skill as it may be shown."""

    skill_id: str
    label: str
    category: str
    phase: Phase
    achieved_on: datetime.date
    evidence: tuple[PortfolioEvidence, ...]


@attrs.frozen(kw_only=True, field_transformer=fields)
class PortfolioPlacement:
    """A placement as it may be shown (its free-text tasks are not)."""

    kind: PlacementKind
    kind_label: str
    organisation: str
    phase: Phase
    start: datetime.date
    end: datetime.date | None
    hours_per_week: float | None
    skills: tuple[str, ...]


@attrs.frozen(kw_only=True, field_transformer=fields)
class Portfolio:
    """What may be shown to a recipient, in one language, as of one date."""

    participant_id: str
    recipient: str
    purpose: str
    lang: Lang
    issued_on: datetime.date
    skills: tuple[PortfolioSkill, ...]
    placements: tuple[PortfolioPlacement, ...]


@attrs.frozen(kw_only=True, field_transformer=fields)
class Disclosure:
    """One entry for the disclosure log: what was shared with whom, why, when, under which
    consent (identified by its recipient and date given)."""

    participant_id: str
    recipient: str
    purpose: str
    categories: frozenset[DataCategory]
    on: datetime.date
    consent_recipient: str
    consent_given_on: datetime.date
    skills_shared: int
    placements_shared: int


@renamed_keywords(on="as_of")
@checked
def portfolio(
    passport: DevelopmentPassport,
    *,
    recipient: str,
    purpose: str,
    consents: Iterable[Consent],
    as_of: datetime.date,
    catalogue: SkillCatalogue,
    lang: Lang = "nl",
    recipient_category: str | None = None,
) -> tuple[Portfolio, Disclosure]:
    """Build the portfolio ``recipient`` may see for ``purpose`` on ``as_of``, and its
    disclosure record; raise :class:`ConsentError` when no consent of this participant
    covers it.

    The portfolio holds achieved goals (as catalogue skills, with structured evidence) and
    placements up to ``as_of``. It never holds health answers or any free text: not the
    participant's wishes, dreams, talents or expectations, not goal notes, evidence
    descriptions or placement tasks.
    """
    on = as_of
    pid = passport.participant_id
    covering = [
        c
        for c in consents
        if c.participant_id == pid
        and c.covers(
            recipient=recipient,
            purpose=purpose,
            category=DataCategory.PASSPORT,
            as_of=on,
            recipient_category=recipient_category,
        )
    ]
    if not covering:
        raise ConsentError(
            "no valid consent covers sharing the passport with this recipient for this purpose "
            "on this date",
            field="consents",
            participant_id=pid,
        )
    consent = max(covering, key=lambda c: c.given_on)
    skills = tuple(
        PortfolioSkill(
            skill_id=goal.skill_id,
            label=catalogue.skill(goal.skill_id).label.get(lang=lang),
            category=catalogue.category(catalogue.skill(goal.skill_id).category).label.get(
                lang=lang
            ),
            phase=goal.phase,
            achieved_on=goal.achieved_on,
            evidence=tuple(
                PortfolioEvidence(
                    kind=e.kind,
                    kind_label=e.kind.label(lang=lang),
                    confirmed_by=e.confirmed_by,
                    confirmed_by_label=e.confirmed_by.label(lang=lang),
                    confirmed_on=e.confirmed_on,
                )
                for e in goal.evidence
                if e.confirmed_on <= on
            ),
        )
        for goal in passport.goals
        if goal.status is GoalStatus.ACHIEVED
        and goal.achieved_on is not None
        and goal.achieved_on <= on
    )
    placements = tuple(
        PortfolioPlacement(
            kind=p.kind,
            kind_label=p.kind.label(lang=lang),
            organisation=p.organisation,
            phase=p.phase,
            start=p.start,
            end=p.end if p.end is not None and p.end <= on else None,
            hours_per_week=p.hours_per_week,
            skills=tuple(
                catalogue.skill(s).label.get(lang=lang) for s in p.skills if s in catalogue
            ),
        )
        for p in passport.placements
        if p.start <= on
    )
    shown = Portfolio(
        participant_id=pid,
        recipient=recipient,
        purpose=purpose,
        lang=lang,
        issued_on=on,
        skills=skills,
        placements=placements,
    )
    disclosure = Disclosure(
        participant_id=pid,
        recipient=recipient,
        purpose=purpose,
        categories=frozenset({DataCategory.PASSPORT}),
        on=on,
        consent_recipient=consent.recipient,
        consent_given_on=consent.given_on,
        skills_shared=len(skills),
        placements_shared=len(placements),
    )
    return shown, disclosure


_MIN_KEY_BYTES = 16


@checked
def pseudonym(participant_id: str, *, key: bytes) -> str:
    """A keyed pseudonym (HMAC-SHA256) for ``participant_id``: the same key always gives the
    same pseudonym; without the key it cannot be reversed or linked to another key's.

    The pseudonym is 32 lowercase hex digits (128 bits) and never contains the original id:
    when a digest would, the next digest in a fixed sequence is taken, so the result stays
    deterministic. (There is deliberately no fixed prefix such as ``ps-``: an id like ``"p"``
    would be inside every candidate.)

    >>> pseudonym("p-1", key=b"0123456789abcdef") == pseudonym("p-1", key=b"0123456789abcdef")
    True
    >>> len(pseudonym("p-1", key=b"0123456789abcdef"))
    32
    """
    if len(key) < _MIN_KEY_BYTES:
        raise FieldError(
            f"key must be at least {_MIN_KEY_BYTES} bytes", code=Code.WEAK_KEY, field="key"
        )
    require_text(participant_id, "participant_id")
    message = participant_id.encode("utf-8")
    counter = 0
    while True:
        digest = hmac.new(key, message + b"\x00" + str(counter).encode(), hashlib.sha256)
        candidate = digest.hexdigest()[:32]
        if participant_id not in candidate:
            return candidate
        counter += 1
