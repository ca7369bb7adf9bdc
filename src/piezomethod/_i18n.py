"""Language, in one place (private): the label languages, the language check, bilingual texts
and the label tables shared by the enums of several modules.

Dutch is canonical (it is the method's own language); English sits alongside. Every public
function that shows text takes ``lang=`` as a keyword and refuses an unknown language with the
same :class:`~piezomethod.errors.FieldError` (code ``unknown_language``, field ``lang``), raised
by :func:`check_lang`.

This module is at the bottom of the package: it imports nothing from it at import time (the
error classes are looked up only when an error is raised), so that :mod:`piezomethod.errors`
can use it for the meanings of its codes.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

import attrs

__all__ = ["LANGS", "Labelled", "Lang", "Text", "check_lang", "label"]

Lang: TypeAlias = Literal["nl", "en"]
"""The label languages. Dutch is canonical: it is the method's own language."""

LANGS: Final[tuple[Lang, ...]] = ("nl", "en")


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``'nl'`` or ``'en'``; otherwise the one error every function raises."""
    if isinstance(lang, str) and lang in LANGS:
        return lang
    from piezomethod.errors import Code, FieldError  # noqa: PLC0415 - errors builds on this module

    raise FieldError("lang must be 'nl' or 'en'", code=Code.UNKNOWN_LANGUAGE, field="lang")


def _check_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        from piezomethod.errors import Code, FieldTypeError  # noqa: PLC0415 - as check_lang

        raise FieldTypeError(
            f"{attribute.name} must be a string", code=Code.WRONG_TYPE, field=attribute.name
        )


_UNSET: Any = object()


@attrs.frozen(kw_only=True)
class Text:
    """A bilingual text; Dutch is canonical.

    >>> Text(nl="fase", en="phase").get(lang="en")
    'phase'
    """

    nl: str = attrs.field(validator=_check_str)
    en: str = attrs.field(validator=_check_str)

    def get(self, _positional: Lang = _UNSET, /, *, lang: Lang = "nl") -> str:
        """The text in ``lang``. (Passing the language positionally still works in this
        release, with a ``DeprecationWarning``.)"""
        if _positional is not _UNSET:
            warnings.warn(
                "Text.get(lang) is deprecated; pass the language as Text.get(lang=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            lang = _positional
        return self.nl if check_lang(lang) == "nl" else self.en


# --------------------------------------------------------------------------------------------
# Label tables: per enum (by class name), per member value, (Dutch, English).
# --------------------------------------------------------------------------------------------

_LABELS: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "ExitDestination": {
        "paid_work": ("betaald werk", "paid work"),
        "education": ("opleiding", "education"),
        "volunteer_work_elsewhere": ("vrijwilligerswerk elders", "volunteer work elsewhere"),
        "other_municipal_trajectory": ("ander gemeentelijk traject", "other municipal trajectory"),
        "moved_away": ("verhuisd", "moved away"),
        "health": ("gezondheid", "health"),
        "own_choice": ("eigen keuze", "own choice"),
        "lost_contact": ("contact verloren", "lost contact"),
        "other": ("anders", "other"),
    },
    "MoveKind": {
        "entry": ("instroom", "entry"),
        "re_entry": ("herinstroom", "re-entry"),
        "advance": ("doorstroom", "advance"),
        "skip": ("overslaan", "skip"),
        "setback": ("terugval", "setback"),
        "exit": ("uitstroom", "exit"),
    },
    "EvidenceKind": {
        "observation": ("observatie", "observation"),
        "reference": ("referentie", "reference"),
        "certificate": ("certificaat", "certificate"),
        "work_sample": ("werkvoorbeeld", "work sample"),
        "self_assessment": ("zelfbeoordeling", "self-assessment"),
    },
    "Confirmer": {
        "coach": ("trajectbegeleider", "coach"),
        "supervisor": ("werkbegeleider", "supervisor"),
        "partner_organisation": ("partnerorganisatie", "partner organisation"),
        "teacher": ("docent", "teacher"),
        "employer": ("werkgever", "employer"),
        "participant": ("deelnemer zelf", "the participant"),
    },
    "PlacementKind": {
        "activity": ("activiteit", "activity"),
        "internal_volunteering": (
            "lerend vrijwilligerswerk binnen de locatie",
            "learning volunteer work inside",
        ),
        "external_volunteering": (
            "lerend vrijwilligerswerk bij een partner",
            "learning volunteer work at a partner",
        ),
        "taster_internship": ("snuffelstage", "taster internship"),
        "internship": ("stage", "internship"),
        "education": ("opleiding", "education"),
        "job": ("baan", "job"),
    },
    "MeasurementMoment": {
        "entry": ("instroom", "entry"),
        "transition": ("fase-overgang", "transition"),
        "exit": ("uitstroom", "exit"),
        "follow_up": ("follow-up (3 mnd)", "follow-up (3 mo)"),
    },
    "MeasurementStatus": {
        "done": ("op tijd", "on time"),
        "late": ("te laat", "late"),
        "missing": ("ontbrekend", "missing"),
        "due": ("open", "open"),
        "not_yet_due": ("nog niet", "not yet"),
    },
    "Severity": {
        "error": ("fout", "error"),
        "warning": ("waarschuwing", "warning"),
    },
    "ItemStatus": {
        "practice": ("huidige praktijk", "current practice"),
        "recommendation": ("aanbeveling uit het onderzoek", "research recommendation"),
    },
    "DomainStatus": {
        "no_concern": ("geen zorg", "no concern"),
        "needs_attention": ("vraagt aandacht", "needs attention"),
        "addressed": ("wordt aangepakt", "being addressed"),
        "referred": ("doorverwezen", "referred"),
    },
    "ContactKind": {
        "intake": ("intake", "intake"),
        "periodic": ("periodiek contact", "periodic contact"),
        "development_talk": ("ontwikkelgesprek", "development talk"),
        "transition_talk": ("overgangsgesprek", "transition talk"),
        "home_visit": ("huisbezoek", "home visit"),
        "visiting_volunteer": (
            "bezoek van een bezoekvrouw of -man",
            "visit by a visiting volunteer",
        ),
        "buddy_meeting": ("afspraak met het maatje", "buddy meeting"),
        "referral": ("doorverwijzing", "referral"),
        "coordination_klantmanager": (
            "afstemming met de klantmanager",
            "coordination with the klantmanager",
        ),
        "coordination_employer_desk": (
            "afstemming met het werkgeversservicepunt",
            "coordination with the employer service desk",
        ),
        "aftercare": ("nazorg", "aftercare"),
    },
    "Role": {
        "participant": ("deelnemer", "participant"),
        "coach": ("trajectbegeleider", "coach"),
        "co_coach": ("co-begeleider", "co-coach"),
        "buddy": ("maatje", "buddy"),
        "visiting_volunteer": ("bezoekvrouw of -man", "visiting volunteer"),
        "klantmanager": ("klantmanager", "klantmanager"),
        "employer_desk": ("werkgeversservicepunt", "employer service desk"),
        "partner_organisation": ("partnerorganisatie", "partner organisation"),
        "family": ("familie", "family"),
        "interpreter": ("tolk", "interpreter"),
    },
    "ReferralOutcome": {
        "started": ("gestart", "started"),
        "completed": ("afgerond", "completed"),
        "declined": ("afgewezen", "declined"),
        "not_possible": ("niet mogelijk", "not possible"),
    },
    "FactKind": {
        "prior_education": ("vooropleiding", "prior education"),
        "benefit_status": ("uitkeringssituatie", "benefit status"),
        "language_level": ("taalniveau", "language level"),
    },
}


def label(table: str, value: str, *, lang: Lang = "nl") -> str:
    """The label of ``value`` in the label table ``table``, in ``lang``."""
    nl, en = _LABELS[table][value]
    return nl if check_lang(lang) == "nl" else en


def labelled_tables() -> frozenset[str]:
    """The names of the enums that have a label table (for the test that each is complete)."""
    return frozenset(_LABELS)


class Labelled(enum.StrEnum):
    """A string enum whose members have a Dutch and an English label (from the shared tables)."""

    def label(self, *, lang: Lang = "nl") -> str:
        """The member's label in Dutch (canonical) or English."""
        return label(type(self).__name__, self.value, lang=lang)
