"""The five phases of the PiëzoMethodiek and how participants move between them.

The method has five phases, from first activation at home (phase 0) to education or a job
(phase 4). Participants can enter and leave in any phase, skip phases, step back, and re-enter
after they left; in practice every possible transition occurs (Movisie 2019, "De PiëzoMethodiek
en haar deelnemers", "alle mogelijke fase-overgangen voorkomen"). So this module does not
forbid moves between phases: it *classifies* them (:class:`MoveKind`) and lets a
:class:`TransitionPolicy` demand things, such as a recorded reason, for some kinds of move.
What is always invalid is structural: a phase change while not enrolled, a "change" to the
phase one is already in, dates that go backwards.

A participant's history is an immutable :class:`Trajectory` of events
(:class:`Enrolment`, :class:`PhaseChange`, :class:`Exit`):

>>> from datetime import date
>>> from piezomethod.phases import (
...     Enrolment,
...     Exit,
...     ExitDestination,
...     Phase,
...     PhaseChange,
...     Trajectory,
... )
>>> t = Trajectory.from_events(
...     "p-001",
...     [
...         Enrolment(date=date(2019, 1, 7), phase=Phase.ACTIVITIES),
...         PhaseChange(date=date(2019, 11, 4), to_phase=Phase.VOLUNTEERING_INSIDE),
...         Exit(date=date(2020, 6, 1), destination=ExitDestination.EDUCATION),
...     ],
... )
>>> [m.kind.value for m in t.moves()]
['entry', 'advance', 'exit']
>>> t.phase_on(date(2020, 1, 1))
<Phase.VOLUNTEERING_INSIDE: 2>
>>> t.is_active
False
"""

from __future__ import annotations

import bisect
import datetime
import enum
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeAlias

import attrs

from piezomethod._checks import (
    check_optional_text,
    check_text,
    checked,
    fields,
    require_date,
    require_text,
    schema_rule,
    to_enum,
)
from piezomethod._compat import deprecated_names
from piezomethod._i18n import Labelled, Lang, check_lang
from piezomethod.errors import (
    Code,
    FieldError,
    FieldTypeError,
    Issue,
    PolicyError,
    Severity,
    TransitionError,
)

__all__ = [
    "DEFAULT_COLOURS",
    "HISTORY_CODES",
    "Enrolment",
    "Episode",
    "Event",
    "Exit",
    "ExitDestination",
    "Lang",
    "Move",
    "MoveKind",
    "Phase",
    "PhaseChange",
    "PhaseInfo",
    "Setting",
    "Stay",
    "Trajectory",
    "TransitionPolicy",
    "classify_move",
    "phase_table",
    "validate_events",
]

# --------------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------------


class Setting(enum.StrEnum):
    """Where a phase mainly takes place. Phases 1 and 2 at the PiëzoCentrum (Movisie 2019, "De
    PiëzoMethodiek en haar deelnemers", "activiteiten binnen het PiëzoCentrum"), phase 3 at a
    partner organisation or company, phase 4 at a school or an employer. For phase 0 the sources
    give no setting of its own; the programme brochure joins the first step to the activities
    "in de Piëzo-locaties" (Vakkundig aan het werk (programme brochure, 2018), "VIJF FASES", "De
    eerste stap is eerste maatschappelijke activering en deelname aan educatieve activiteiten in
    de Piëzo-locaties"), so the library places it at the centre — an inference, not a statement
    of the sources."""

    HOME = "home"
    """At home. No phase takes place at home; the sources name a home visit (*huisbezoek*) for
    statushouders at settlement (Movisie 2019, "Verbeterkansen", "bijvoorbeeld in de vorm van
    een huisbezoek"), which :mod:`piezomethod.guidance` records as a contact."""
    CENTRE = "centre"
    """At the PiëzoCentrum, the neighbourhood centre that is the participant's home base."""
    PARTNER = "partner"
    """At a partner organisation or company."""
    OUTSIDE = "outside"
    """Outside the method's own organisations: a school or an employer."""


@attrs.frozen(kw_only=True, field_transformer=fields)
class PhaseInfo:
    """What the sources say about one phase, plus a display colour.

    ``colour`` is display metadata only. The method speaks of "5 fasen in 5 aantrekkelijke
    kleuren" (Movisie 2017/18 (Booijink), "Maatschappelijk actief met de PiëzoMethodiek"), but
    no source names the colours, so the defaults
    (:data:`DEFAULT_COLOURS`) are this library's choice and can be overridden with
    :func:`phase_table`. Nothing in the library depends on them.
    """

    phase: Phase
    name_nl: str
    name_en: str
    goal_nl: str
    goal_en: str
    setting: Setting
    colour: str
    source: str

    def name(self, *, lang: Lang = "nl") -> str:
        """The phase's name in Dutch (canonical) or English."""
        check_lang(lang)
        return self.name_nl if lang == "nl" else self.name_en

    def goal(self, *, lang: Lang = "nl") -> str:
        """The phase's goal in Dutch (canonical) or English."""
        check_lang(lang)
        return self.goal_nl if lang == "nl" else self.goal_en


class Phase(enum.IntEnum):
    """The five phases, numbered 0-4 as the method numbers them.

    >>> Phase(3).info.name_nl
    'lerend vrijwilligerswerk bij een partnerorganisatie'
    >>> Phase.ACTIVITIES.label(lang="en")
    'Phase 1: taking part in activities'
    """

    ACTIVATION = 0
    """Fase 0 — eerste maatschappelijke activering (first social activation)."""
    ACTIVITIES = 1
    """Fase 1 — deelname aan activiteiten (taking part in activities)."""
    VOLUNTEERING_INSIDE = 2
    """Fase 2 — lerend vrijwilligerswerk binnen de locatie (learning volunteer work inside)."""
    VOLUNTEERING_PARTNER = 3
    """Fase 3 — lerend vrijwilligerswerk bij een partnerorganisatie (at a partner)."""
    EDUCATION_OR_WORK = 4
    """Fase 4 — opleiding en/of reguliere baan (education and/or a regular job)."""

    @property
    def info(self) -> PhaseInfo:
        """The phase's metadata with the default colour."""
        return _PHASE_INFO[self]

    @property
    def colour(self) -> str:
        """The default display colour (not from the sources; see :class:`PhaseInfo`)."""
        return _PHASE_INFO[self].colour

    @classmethod
    def coerce(cls, value: object, *, field: str = "phase") -> Phase:
        """A ``Phase`` from a ``Phase`` or a plain int 0-4; anything else is a ``FieldError``
        naming ``field`` (a bool is refused, though Python counts it as an int).

        >>> Phase.coerce(3)
        <Phase.VOLUNTEERING_PARTNER: 3>
        """
        return _as_phase(value, field)

    def label(self, *, lang: Lang = "nl") -> str:
        """A short label such as ``'Fase 1: deelname aan activiteiten'``."""
        word = "Fase" if check_lang(lang) == "nl" else "Phase"
        return f"{word} {int(self)}: {self.info.name(lang=lang)}"


DEFAULT_COLOURS: Mapping[Phase, str] = {
    # The Okabe-Ito palette, chosen to stay distinguishable for colour-blind readers.
    # Not from the sources: no source names the method's five colours.
    Phase.ACTIVATION: "#E69F00",
    Phase.ACTIVITIES: "#56B4E9",
    Phase.VOLUNTEERING_INSIDE: "#009E73",
    Phase.VOLUNTEERING_PARTNER: "#0072B2",
    Phase.EDUCATION_OR_WORK: "#CC79A7",
}
"""Default display colours per phase: this library's choice, overridable, never load-bearing."""

_SOURCE = (
    'Movisie 2019, "De PiëzoMethodiek en haar deelnemers", "De PiëzoMethodiek bestaat uit vijf '
    'fases"; Movisie 2017/18 (Booijink), "Maatschappelijk actief met de PiëzoMethodiek", "De '
    'PiëzoMethodiek bestaat uit vijf fases"'
)

_PHASE_INFO: dict[Phase, PhaseInfo] = {
    info.phase: info
    for info in (
        PhaseInfo(
            phase=Phase.ACTIVATION,
            name_nl="eerste maatschappelijke activering",
            name_en="first social activation",
            goal_nl=(
                "een vertrouwensband opbouwen, de thuis-/gezinssituatie op orde krijgen en de "
                "maatschappelijke zelfredzaamheid vergroten"
            ),
            goal_en=(
                "build a bond of trust, get the home and family situation in order and "
                "increase self-reliance in society"
            ),
            setting=Setting.CENTRE,
            colour=DEFAULT_COLOURS[Phase.ACTIVATION],
            source=_SOURCE
            + "; the setting is inferred from: Vakkundig aan het werk (programme brochure, "
            '2018), "VIJF FASES", "De eerste stap is eerste maatschappelijke activering en '
            'deelname aan educatieve activiteiten in de Piëzo-locaties"',
        ),
        PhaseInfo(
            phase=Phase.ACTIVITIES,
            name_nl="deelname aan activiteiten",
            name_en="taking part in activities",
            goal_nl=(
                "meedoen aan activiteiten in het PiëzoCentrum die bij de deelnemer passen; "
                "een positieve en zinvolle dagbesteding; een start met taal- en andere "
                "vaardigheden"
            ),
            goal_en=(
                "take part in activities at the PiëzoCentrum that fit the participant; a "
                "positive, meaningful daily routine; a start with language and other skills"
            ),
            setting=Setting.CENTRE,
            colour=DEFAULT_COLOURS[Phase.ACTIVITIES],
            source=_SOURCE,
        ),
        PhaseInfo(
            phase=Phase.VOLUNTEERING_INSIDE,
            name_nl="lerend vrijwilligerswerk binnen de locatie",
            name_en="learning volunteer work inside the centre",
            goal_nl="werknemers-/vrijwilligersvaardigheden eigen maken",
            goal_en="acquire employee and volunteer skills",
            setting=Setting.CENTRE,
            colour=DEFAULT_COLOURS[Phase.VOLUNTEERING_INSIDE],
            source=_SOURCE,
        ),
        PhaseInfo(
            phase=Phase.VOLUNTEERING_PARTNER,
            name_nl="lerend vrijwilligerswerk bij een partnerorganisatie",
            name_en="learning volunteer work at a partner organisation",
            goal_nl=(
                "lerend vrijwilligerswerk bij een partnerorganisatie of bedrijf (of "
                "zelfstandiger vrijwilligerswerk op het PiëzoCentrum); aandacht voor wat nodig "
                "is om door te groeien naar opleiding en/of werk"
            ),
            goal_en=(
                "learning volunteer work at a partner organisation or company (or more "
                "independent volunteer work at the centre); attention to what is needed to "
                "move on to education or work"
            ),
            setting=Setting.PARTNER,
            colour=DEFAULT_COLOURS[Phase.VOLUNTEERING_PARTNER],
            source=_SOURCE,
        ),
        PhaseInfo(
            phase=Phase.EDUCATION_OR_WORK,
            name_nl="opleiding en/of reguliere baan",
            name_en="education and/or a regular job",
            goal_nl="begeleiding naar een opleiding (bijvoorbeeld MBO 1/2) of betaald werk",
            goal_en="guidance towards education (for example MBO level 1/2) or paid work",
            setting=Setting.OUTSIDE,
            colour=DEFAULT_COLOURS[Phase.EDUCATION_OR_WORK],
            source=_SOURCE,
        ),
    )
}

_COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}")


@checked
def phase_table(*, colours: Mapping[Phase, str] | None = None) -> tuple[PhaseInfo, ...]:
    """All five phases in order, with the colours overridden where ``colours`` says so.

    >>> [i.colour for i in phase_table(colours={Phase.ACTIVATION: "#000000"})][:2]
    ['#000000', '#56B4E9']
    """
    overrides = dict(colours or {})
    for key, colour in overrides.items():
        if not isinstance(key, Phase):
            raise FieldTypeError(
                "colours must be keyed by Phase", code=Code.WRONG_TYPE, field="colours"
            )
        if not isinstance(colour, str) or not _COLOUR_RE.fullmatch(colour):
            raise FieldError(
                f"the colour for phase {int(key)} must be a '#RRGGBB' hex string",
                code=Code.INVALID_COLOUR,
                field="colours",
            )
    return tuple(
        attrs.evolve(_PHASE_INFO[p], colour=overrides.get(p, _PHASE_INFO[p].colour)) for p in Phase
    )


def _as_phase(value: object, field: str) -> Phase:
    if isinstance(value, Phase):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldTypeError(f"{field} must be a Phase (0-4)", code=Code.WRONG_TYPE, field=field)
    if not 0 <= value <= 4:
        raise FieldError(f"{field} must be 0-4", code=Code.UNKNOWN_PHASE, field=field)
    return Phase(value)


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


class ExitDestination(Labelled):
    """Where a participant goes when they leave the method (*uitstroom*).

    From the sources: paid work and education (phase 4, "een opleiding en/of een reguliere
    baan"), another municipal trajectory (Movisie 2019, "De PiëzoMethodiek en haar
    deelnemers", "omdat een ander traject binnen de gemeente beter past") and volunteer work
    elsewhere (same section, "vrijwilligerswerk het hoogst haalbare"). **The library's
    additions**, for what a tracking system meets in practice but the sources do not name:
    moved away, health, own choice, lost contact, and other.
    """

    PAID_WORK = "paid_work"
    EDUCATION = "education"
    VOLUNTEER_WORK_ELSEWHERE = "volunteer_work_elsewhere"
    OTHER_MUNICIPAL_TRAJECTORY = "other_municipal_trajectory"
    MOVED_AWAY = "moved_away"
    """The library's addition (not in the sources)."""
    HEALTH = "health"
    """The library's addition (not in the sources)."""
    OWN_CHOICE = "own_choice"
    """The library's addition (not in the sources)."""
    LOST_CONTACT = "lost_contact"
    """The library's addition (not in the sources)."""
    OTHER = "other"
    """The library's addition (not in the sources)."""

    @property
    def is_work_or_education(self) -> bool:
        """True for paid work and education, the goal of phase 4. It does not mark an exit as
        a success: for many participants a job or education is not the goal at all (Movisie
        2019, "De PiëzoMethodiek en haar deelnemers", "Voor een aanzienlijk deel van de
        deelnemers is een baan of opleiding gezien hun situatie bovendien niet het
        einddoel")."""
        return self in (ExitDestination.PAID_WORK, ExitDestination.EDUCATION)

    @property
    def sourced(self) -> bool:
        """True when the sources name this destination; False for the library's additions."""
        return self in _SOURCED_DESTINATIONS


_SOURCED_DESTINATIONS = frozenset(
    {
        ExitDestination.PAID_WORK,
        ExitDestination.EDUCATION,
        ExitDestination.VOLUNTEER_WORK_ELSEWHERE,
        ExitDestination.OTHER_MUNICIPAL_TRAJECTORY,
    }
)


def _phase(value: Phase | int, field: str = "phase") -> Phase:
    return _as_phase(value, field)


def _destination(value: ExitDestination | str, field: str = "destination") -> ExitDestination:
    return to_enum(ExitDestination, value, field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Enrolment:
    """A participant enters (or re-enters) the method in ``phase`` (*instroom*, *herinstroom*).

    ``referrer`` says who referred them (an organisation or role id, such as a municipal case
    manager); it is optional.
    """

    date: datetime.date = attrs.field()
    phase: Phase = attrs.field(converter=_phase)
    referrer: str | None = attrs.field(default=None, validator=check_optional_text)


@attrs.frozen(kw_only=True, field_transformer=fields)
class PhaseChange:
    """A participant moves to ``to_phase`` (forward, skipping, or back). ``reason`` is free text."""

    date: datetime.date = attrs.field()
    to_phase: Phase = attrs.field(converter=_phase)
    reason: str | None = attrs.field(default=None, validator=check_optional_text)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Exit:
    """A participant leaves the method (*uitstroom*) towards ``destination``."""

    date: datetime.date = attrs.field()
    destination: ExitDestination = attrs.field(converter=_destination)
    reason: str | None = attrs.field(default=None, validator=check_optional_text)


Event: TypeAlias = Enrolment | PhaseChange | Exit
"""Any one event in a participant's history."""


# --------------------------------------------------------------------------------------------
# Moves and their classification
# --------------------------------------------------------------------------------------------


class MoveKind(Labelled):
    """The kinds of move the method distinguishes (Movisie 2019, "De PiëzoMethodiek en haar
    deelnemers", "in iedere fase kunnen in- en uitstromen")."""

    ENTRY = "entry"
    """First enrolment (*instroom*), in any phase."""
    RE_ENTRY = "re_entry"
    """Enrolment after an earlier exit (*herinstroom*)."""
    ADVANCE = "advance"
    """One phase forward (*doorstroom*)."""
    SKIP = "skip"
    """Two or more phases forward (*overslaan*)."""
    SETBACK = "setback"
    """One or more phases back (*terugval*)."""
    EXIT = "exit"
    """Leaving the method (*uitstroom*), from any phase."""


@checked
def classify_move(
    from_phase: Phase | int | None, to_phase: Phase | int | None, *, re_entry: bool = False
) -> MoveKind:
    """Classify a move. ``None`` stands for "not enrolled" (outside the method).

    >>> classify_move(Phase(1), Phase(3))
    <MoveKind.SKIP: 'skip'>
    >>> classify_move(None, Phase(2), re_entry=True)
    <MoveKind.RE_ENTRY: 're_entry'>
    """
    if from_phase is None:
        if to_phase is None:
            raise FieldError(
                "a move needs a phase on at least one side", code=Code.NOT_A_MOVE, field="to_phase"
            )
        return MoveKind.RE_ENTRY if re_entry else MoveKind.ENTRY
    if to_phase is None:
        return MoveKind.EXIT
    step = int(to_phase) - int(from_phase)
    if step == 0:
        raise FieldError("a move must change the phase", code=Code.SAME_PHASE, field="to_phase")
    if step == 1:
        return MoveKind.ADVANCE
    return MoveKind.SKIP if step > 1 else MoveKind.SETBACK


@attrs.frozen(kw_only=True, field_transformer=fields)
class Move:
    """One classified move in a trajectory; ``index`` is the position of its event."""

    kind: MoveKind
    date: datetime.date
    from_phase: Phase | None
    to_phase: Phase | None
    index: int
    destination: ExitDestination | None = None

    @property
    def step(self) -> int | None:
        """Phases moved (``+2`` for a skip over one phase); None for entries and exits."""
        if self.from_phase is None or self.to_phase is None:
            return None
        return int(self.to_phase) - int(self.from_phase)


# --------------------------------------------------------------------------------------------
# Transition policies
# --------------------------------------------------------------------------------------------

_ALL_PHASES = frozenset(Phase)
_ALL_MOVES = frozenset((a, b) for a in Phase for b in Phase if a != b)


def _collection(values: object, field: str, what: str) -> Iterable[Any]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise FieldTypeError(f"{field} must be a collection of {what}", field=field)
    return values


def _phase_set(values: Iterable[Phase | int], field: str = "phases") -> frozenset[Phase]:
    return frozenset(_as_phase(v, field) for v in _collection(values, field, "phases"))


def _move_set(
    values: Iterable[tuple[Phase | int, Phase | int]], field: str = "moves"
) -> frozenset[tuple[Phase, Phase]]:
    moves: set[tuple[Phase, Phase]] = set()
    for pair in _collection(values, field, "(from, to) pairs"):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise FieldTypeError(f"each of {field} must be a (from, to) pair", field=field)
        a, b = _as_phase(pair[0], field), _as_phase(pair[1], field)
        if a == b:
            raise PolicyError(
                f"a move from phase {int(a)} to itself is not a move",
                code=Code.SAME_PHASE,
                field=field,
            )
        moves.add((a, b))
    return frozenset(moves)


schema_rule(
    _move_set,
    "array",
    items={"enum": [[int(a), int(b)] for a in Phase for b in Phase if a != b]},
)


def _kind_set(values: Iterable[MoveKind | str], field: str = "kinds") -> frozenset[MoveKind]:
    return frozenset(to_enum(MoveKind, v, field) for v in _collection(values, field, "move kinds"))


def _severity(value: Severity | str, field: str = "severity") -> Severity:
    return to_enum(Severity, value, field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class TransitionPolicy:
    """Which moves an organisation allows, and which kinds of move need a recorded reason.

    The policy is a table, as data: the phases one may enter in (``entry_phases``, for entries
    and re-entries), the phases one may leave from (``exit_phases``), the allowed phase-to-phase
    ``moves`` as ``(from, to)`` pairs, and the move kinds that need a ``reason``
    (``reasons_required``). Breaches are reported with ``severity``: ``error`` (the history is
    refused) or ``warning`` (reported, but the history stands).

    :meth:`methodiek` is the method itself and the default everywhere: every move allowed, no
    reasons demanded. :meth:`strict` is an example of a house rule. An organisation builds its
    own with the constructor or :meth:`from_kinds`:

    >>> no_skips = TransitionPolicy.from_kinds(
    ...     "no-skips",
    ...     allowed=[MoveKind.ADVANCE, MoveKind.SETBACK],
    ...     reasons_required=[MoveKind.SETBACK],
    ... )
    >>> no_skips.allows(Phase(1), Phase(3)), no_skips.allows(Phase(3), Phase(1))
    (False, True)
    """

    name: str = attrs.field(validator=check_text)
    entry_phases: frozenset[Phase] = attrs.field(default=_ALL_PHASES, converter=_phase_set)
    exit_phases: frozenset[Phase] = attrs.field(default=_ALL_PHASES, converter=_phase_set)
    moves: frozenset[tuple[Phase, Phase]] = attrs.field(default=_ALL_MOVES, converter=_move_set)
    reasons_required: frozenset[MoveKind] = attrs.field(default=frozenset(), converter=_kind_set)
    severity: Severity = attrs.field(default=Severity.ERROR, converter=_severity)

    _METHODIEK: ClassVar[TransitionPolicy]

    @classmethod
    def methodiek(cls) -> TransitionPolicy:
        """The method as the sources describe it: entry and exit in any phase, every move
        between two different phases allowed and classified, no reason demanded.

        Movisie 2019, "De PiëzoMethodiek en haar deelnemers", "alle mogelijke fase-overgangen
        voorkomen".
        """
        return cls._METHODIEK

    @classmethod
    def strict(cls) -> TransitionPolicy:
        """An example house rule, not the method: skips and setbacks need a recorded reason."""
        return cls(name="strict", reasons_required={MoveKind.SKIP, MoveKind.SETBACK})

    @classmethod
    def from_kinds(
        cls,
        name: str,
        *,
        allowed: Iterable[MoveKind | str],
        reasons_required: Iterable[MoveKind | str] = (),
        entry_phases: Iterable[Phase | int] = _ALL_PHASES,
        exit_phases: Iterable[Phase | int] = _ALL_PHASES,
        severity: Severity | str = Severity.ERROR,
    ) -> TransitionPolicy:
        """Build a policy whose phase-to-phase moves are those of the ``allowed`` kinds.

        Only ``advance``, ``skip`` and ``setback`` decide phase-to-phase moves; entries and
        exits are governed by ``entry_phases`` and ``exit_phases``.
        """
        kinds = _kind_set(allowed, "allowed")
        moves = {(a, b) for a, b in _ALL_MOVES if classify_move(a, b) in kinds}
        return cls(
            name=name,
            entry_phases=entry_phases,
            exit_phases=exit_phases,
            moves=moves,
            reasons_required=reasons_required,
            severity=severity,
        )

    def allows(self, from_phase: Phase | None, to_phase: Phase | None) -> bool:
        """Whether the move is allowed; ``None`` stands for "not enrolled"."""
        if from_phase is None:
            return to_phase in self.entry_phases
        if to_phase is None:
            return from_phase in self.exit_phases
        return (from_phase, to_phase) in self.moves

    def needs_reason(self, kind: MoveKind) -> bool:
        """Whether a move of this kind needs a recorded reason under this policy."""
        return kind in self.reasons_required

    def describe(self, *, lang: Lang = "nl") -> str:
        """A plain-text description of the policy, one rule a line."""
        check_lang(lang)
        nl = lang == "nl"

        def phases(ps: frozenset[Phase]) -> str:
            if ps == _ALL_PHASES:
                return "alle fasen" if nl else "every phase"
            if not ps:
                return "geen" if nl else "none"
            return ", ".join(str(int(p)) for p in sorted(ps))

        lines = [f"{'Beleid' if nl else 'Policy'} '{self.name}'"]
        lines.append(f"- {'instroom in' if nl else 'entry into'}: {phases(self.entry_phases)}")
        lines.append(f"- {'uitstroom uit' if nl else 'exit from'}: {phases(self.exit_phases)}")
        for kind in (MoveKind.ADVANCE, MoveKind.SKIP, MoveKind.SETBACK):
            pairs = sorted((a, b) for a, b in self.moves if classify_move(a, b) is kind)
            shown = ", ".join(f"{int(a)}→{int(b)}" for a, b in pairs) or ("geen" if nl else "none")
            lines.append(f"- {kind.label(lang=lang)}: {shown}")
        needs = ", ".join(k.label(lang=lang) for k in MoveKind if k in self.reasons_required)
        lines.append(
            f"- {'reden verplicht bij' if nl else 'reason required for'}: "
            f"{needs or ('niets' if nl else 'nothing')}"
        )
        lines.append(f"- {'ernst bij overtreding' if nl else 'severity'}: {self.severity.value}")
        return "\n".join(lines)

    def to_mermaid(self, *, lang: Lang = "nl") -> str:
        """A Mermaid state diagram of the allowed moves; moves that need a reason are marked.

        >>> print(TransitionPolicy.strict().to_mermaid(lang="en").splitlines()[0])
        stateDiagram-v2
        """
        check_lang(lang)
        mark = " (reden)" if lang == "nl" else " (reason)"
        lines = ["stateDiagram-v2"]
        for p in Phase:
            lines.append(f'    state "{p.label(lang=lang)}" as P{int(p)}')
        for kind, phases, arrow in (
            (MoveKind.ENTRY, self.entry_phases, "[*] --> P{p}"),
            (MoveKind.EXIT, self.exit_phases, "P{p} --> [*]"),
        ):
            suffix = mark if kind in self.reasons_required else ""
            for p in sorted(phases):
                lines.append(f"    {arrow.format(p=int(p))} : {kind.label(lang=lang)}{suffix}")
        for a, b in sorted(self.moves):
            kind = classify_move(a, b)
            suffix = mark if kind in self.reasons_required else ""
            lines.append(f"    P{int(a)} --> P{int(b)} : {kind.label(lang=lang)}{suffix}")
        return "\n".join(lines)


TransitionPolicy._METHODIEK = TransitionPolicy(name="methodiek")


# --------------------------------------------------------------------------------------------
# Validation of a whole history
# --------------------------------------------------------------------------------------------


HISTORY_CODES: frozenset[Code] = frozenset(
    {
        Code.NOT_AN_EVENT,
        Code.FIRST_NOT_ENROLMENT,
        Code.DATE_BACKWARDS,
        Code.NOT_ENROLLED,
        Code.ALREADY_ENROLLED,
        Code.SAME_PHASE,
        Code.MOVE_NOT_ALLOWED,
        Code.REASON_REQUIRED,
    }
)
"""The codes :func:`validate_events` reports (see :class:`~piezomethod.errors.Code`)."""


def _scan(
    events: Iterable[object],
    policy: TransitionPolicy,
    participant_id: str | None,
    *,
    phase: Phase | None = None,
    last_date: datetime.date | None = None,
    has_history: bool = False,
    offset: int = 0,
) -> list[Issue]:
    """The one implementation of the history rules, for whole lists and single new events.

    Structural problems leave the state as it was (the event is judged as if it were not
    there); policy breaches do not (the move happened, it merely breaks a house rule).
    ``phase is None`` means not enrolled; ``has_history`` means an event came before.
    """
    issues: list[Issue] = []
    name, severity = policy.name, policy.severity
    needs_reason = policy.reasons_required

    def add(code: Code, message: str, field: str | None, sev: Severity = Severity.ERROR) -> None:
        issue = Issue(
            code=code,
            severity=sev,
            message=message,
            index=index,
            participant_id=participant_id,
            field=field,
        )
        issues.append(issue)

    index = offset
    for index, event in enumerate(events, start=offset):  # noqa: B007 - add() reads it
        if not isinstance(event, Enrolment | PhaseChange | Exit):
            kind_name = type(event).__name__
            add(Code.NOT_AN_EVENT, f"item is a {kind_name}, not an event", None)
            continue
        date = event.date
        if last_date is not None and date < last_date:
            add(Code.DATE_BACKWARDS, "the event is dated before the event before it", "date")
        last_date = date

        if isinstance(event, Enrolment):
            if phase is not None:
                add(
                    Code.ALREADY_ENROLLED,
                    f"an enrolment while enrolled in phase {int(phase)}; "
                    "record an exit or a phase change instead",
                    "phase",
                )
            else:
                kind = MoveKind.RE_ENTRY if has_history else MoveKind.ENTRY
                phase = event.phase
                if phase not in policy.entry_phases:
                    msg = f"policy '{name}' does not allow {kind.value} into phase {int(phase)}"
                    add(Code.MOVE_NOT_ALLOWED, msg, "phase", severity)
                # An enrolment has no reason field: its referrer records why one came.
                if kind in needs_reason and event.referrer is None:
                    msg = f"policy '{name}' requires a referrer for {kind.value}"
                    add(Code.REASON_REQUIRED, msg, "referrer", severity)
            has_history = True
            continue

        if phase is None:
            code = Code.NOT_ENROLLED if has_history else Code.FIRST_NOT_ENROLMENT
            what = "a phase change" if isinstance(event, PhaseChange) else "an exit"
            msg = (
                f"{what} while not enrolled; record a re-enrolment first"
                if has_history
                else f"a history must start with an enrolment, not {what}"
            )
            add(code, msg, None)
            has_history = True
            continue

        if isinstance(event, PhaseChange):
            step = event.to_phase - phase
            if step == 0:
                msg = f"a phase change to phase {int(phase)}, which is already the current phase"
                add(Code.SAME_PHASE, msg, "to_phase")
                continue
            kind = (
                MoveKind.ADVANCE if step == 1 else MoveKind.SKIP if step > 1 else MoveKind.SETBACK
            )
            allowed = (phase, event.to_phase) in policy.moves
            where = f"from phase {int(phase)} to phase {int(event.to_phase)}"
            field = "to_phase"
            phase = event.to_phase
        else:
            kind = MoveKind.EXIT
            allowed = phase in policy.exit_phases
            where = f"from phase {int(phase)}"
            field = "destination"
            phase = None
        if not allowed:
            msg = f"policy '{name}' does not allow a {kind.value} {where}"
            add(Code.MOVE_NOT_ALLOWED, msg, field, severity)
        if kind in needs_reason and event.reason is None:
            msg = f"policy '{name}' requires a reason for a {kind.value}"
            add(Code.REASON_REQUIRED, msg, "reason", severity)
    return issues


@checked
def validate_events(
    events: Iterable[object],
    *,
    policy: TransitionPolicy | None = None,
    participant_id: str | None = None,
) -> list[Issue]:
    """Check a whole history and return every problem, in event order (empty when valid).

    Structural rules, whatever the policy: the first event is an enrolment; dates never go
    backwards (same-day events keep their order); no phase change or exit while not enrolled;
    no enrolment while enrolled; a phase change changes the phase. Then the policy's rules:
    allowed entries, moves and exits, and required reasons.

    An event that breaks a structural rule does not change the participant's state, so one
    mistake is reported once and later events are judged against the state before it.

    >>> from datetime import date
    >>> issues = validate_events(
    ...     [
    ...         PhaseChange(date=date(2020, 1, 1), to_phase=Phase(2)),
    ...         Enrolment(date=date(2020, 2, 1), phase=Phase(1)),
    ...         PhaseChange(date=date(2020, 1, 15), to_phase=Phase(1)),
    ...     ]
    ... )
    >>> [(i.index, i.code.value) for i in issues]
    [(0, 'first_not_enrolment'), (2, 'date_backwards'), (2, 'same_phase')]

    :func:`validate_events` and :meth:`Trajectory.from_events` agree on every input: the
    latter refuses a history exactly when the former reports an error.
    """
    return _scan(events, policy or TransitionPolicy._METHODIEK, participant_id)


# --------------------------------------------------------------------------------------------
# Trajectories
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class Stay:
    """A spell in one phase: from ``start`` until ``end`` (None while it lasts).

    ``entered_by`` says how the stay began (entry, re-entry, advance, skip, setback) and
    ``ended_by`` how it ended (advance, skip, setback, exit; None while it lasts). A stay covers
    the days ``start <= day < end``; a same-day move gives a stay of zero days.
    """

    phase: Phase
    start: datetime.date
    end: datetime.date | None
    entered_by: MoveKind
    ended_by: MoveKind | None

    def duration(self, *, as_of: datetime.date | None = None) -> datetime.timedelta:
        """Days in this stay, up to ``as_of`` if given (needed while the stay lasts)."""
        return _span(self.start, self.end, as_of)


def _span(
    start: datetime.date, end: datetime.date | None, as_of: datetime.date | None
) -> datetime.timedelta:
    if as_of is not None:
        require_date(as_of, "as_of")
        stop = as_of if end is None else min(end, as_of)
    elif end is None:
        raise FieldError(
            "the spell is still open; pass as_of to measure it",
            code=Code.AS_OF_REQUIRED,
            field="as_of",
        )
    else:
        stop = end
    return max(stop - start, datetime.timedelta(0))


@attrs.frozen(kw_only=True, field_transformer=fields)
class Episode:
    """An enrolment-to-exit spell: one time through the method. ``end`` is None while active."""

    start: datetime.date
    end: datetime.date | None
    entered_by: MoveKind
    destination: ExitDestination | None
    stays: tuple[Stay, ...]

    @property
    def entry_phase(self) -> Phase:
        """The phase the participant entered in."""
        return self.stays[0].phase

    @property
    def exit_phase(self) -> Phase | None:
        """The phase the participant left from; None while the episode lasts."""
        return self.stays[-1].phase if self.end is not None else None

    def duration(self, *, as_of: datetime.date | None = None) -> datetime.timedelta:
        """Days in this episode, up to ``as_of`` if given (needed while it lasts)."""
        return _span(self.start, self.end, as_of)


def _to_event_tuple(events: Iterable[Event], field: str = "events") -> tuple[Event, ...]:
    return tuple(_collection(events, field, "events"))


def _check_history(instance: Trajectory, _attribute: attrs.Attribute[Any], value: object) -> None:
    pid = instance.participant_id
    found = [i for i in _scan(instance.events, TransitionPolicy._METHODIEK, pid) if i.is_error]
    if found:
        raise TransitionError.from_issues(found, participant_id=pid)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Trajectory:
    """One participant's immutable history of events, always structurally valid.

    Build it empty and :meth:`record` events, or all at once with :meth:`from_events`. Both
    check the structural rules and the policy (default: :meth:`TransitionPolicy.methodiek`)
    and either return a new trajectory or raise :class:`~piezomethod.errors.TransitionError`,
    leaving the old one untouched.

    >>> from datetime import date
    >>> t = Trajectory(participant_id="p-002")
    >>> t.current_phase is None
    True
    >>> t = t.record(Enrolment(date=date(2021, 3, 1), phase=Phase.ACTIVATION))
    >>> t = t.record(PhaseChange(date=date(2022, 2, 1), to_phase=Phase.VOLUNTEERING_INSIDE))
    >>> t.moves()[-1].kind
    <MoveKind.SKIP: 'skip'>
    >>> t.time_in_phase(Phase.ACTIVATION, as_of=date(2023, 1, 1)).days
    337
    """

    participant_id: str = attrs.field(validator=check_text)
    events: tuple[Event, ...] = attrs.field(
        default=(), converter=_to_event_tuple, validator=_check_history
    )

    @classmethod
    def _trusted(cls, **values: Any) -> Trajectory:
        """A trajectory from values this module has just checked, without checking them again.

        Every field is set from ``values`` by walking ``attrs.fields``, so a field added later
        cannot be left unset: a missing value is a ``KeyError`` here, not a broken object.
        """
        new = object.__new__(cls)
        for field in attrs.fields(cls):
            object.__setattr__(new, field.name, values.pop(field.name))
        if values:
            raise TypeError(f"not fields of {cls.__name__}: {sorted(values)}")
        return new

    @classmethod
    def from_events(
        cls,
        participant_id: str,
        events: Iterable[Event],
        *,
        policy: TransitionPolicy | None = None,
    ) -> Trajectory:
        """Build a trajectory from a whole history, or raise ``TransitionError`` with every
        error that :func:`validate_events` reports for it."""
        require_text(participant_id, "participant_id")
        found = _to_event_tuple(events)
        errors = [
            i
            for i in _scan(found, policy or TransitionPolicy._METHODIEK, participant_id)
            if i.is_error
        ]
        if errors:
            raise TransitionError.from_issues(errors, participant_id=participant_id)
        return cls._trusted(participant_id=participant_id, events=found)

    def record(self, event: Event, *, policy: TransitionPolicy | None = None) -> Trajectory:
        """Return a new trajectory with ``event`` appended, or raise ``TransitionError``."""
        last = self.events[-1] if self.events else None
        errors = [
            i
            for i in _scan(
                (event,),
                policy or TransitionPolicy._METHODIEK,
                self.participant_id,
                phase=self.current_phase,
                last_date=last.date if last is not None else None,
                has_history=last is not None,
                offset=len(self.events),
            )
            if i.is_error
        ]
        if errors:
            raise TransitionError.from_issues(errors, participant_id=self.participant_id)
        return self._trusted(participant_id=self.participant_id, events=(*self.events, event))

    def issues(self, *, policy: TransitionPolicy | None = None) -> list[Issue]:
        """Every issue (errors and warnings) this history has under ``policy``."""
        return validate_events(self.events, policy=policy, participant_id=self.participant_id)

    @property
    def current_phase(self) -> Phase | None:
        """The phase the participant is in now; None when not enrolled."""
        return _phase_after(self.events[-1]) if self.events else None

    @property
    def is_active(self) -> bool:
        """True while the participant is enrolled."""
        return self.current_phase is not None

    def moves(self) -> tuple[Move, ...]:
        """Every move in order: entries, re-entries, phase changes and exits, classified."""
        return self._moves

    def stays(self) -> tuple[Stay, ...]:
        """Every spell in a phase, in order; the last one is open while the participant is in."""
        return self._stays

    def episodes(self) -> tuple[Episode, ...]:
        """Every enrolment-to-exit spell, in order; the last one is open while active."""
        return self._episodes

    # Moves, stays and episodes are derived once per (immutable) trajectory and kept with it.

    @functools.cached_property
    def _moves(self) -> tuple[Move, ...]:
        moves: list[Move] = []
        phase: Phase | None = None
        for index, event in enumerate(self.events):
            if isinstance(event, Enrolment):
                kind = MoveKind.RE_ENTRY if index else MoveKind.ENTRY
                to, destination = event.phase, None
            elif isinstance(event, PhaseChange):
                kind, to, destination = classify_move(phase, event.to_phase), event.to_phase, None
            else:
                kind, to, destination = MoveKind.EXIT, None, event.destination
            from_phase = None if kind in (MoveKind.ENTRY, MoveKind.RE_ENTRY) else phase
            moves.append(
                Move(
                    kind=kind,
                    date=event.date,
                    from_phase=from_phase,
                    to_phase=to,
                    index=index,
                    destination=destination,
                )
            )
            phase = to
        return tuple(moves)

    @functools.cached_property
    def _stays(self) -> tuple[Stay, ...]:
        return tuple(stay for episode in self._episodes for stay in episode.stays)

    @functools.cached_property
    def _episodes(self) -> tuple[Episode, ...]:
        episodes: list[Episode] = []
        # the stays of the current episode: (phase, start, entered_by), and the ends of all
        # but the last; each Stay is built once, when its end is known
        open_stays: list[tuple[Phase, datetime.date, MoveKind]] = []
        ends: list[tuple[datetime.date, MoveKind]] = []
        start: Move | None = None

        def stays(last_end: tuple[datetime.date, MoveKind] | None) -> tuple[Stay, ...]:
            closed = [*ends, last_end]
            return tuple(
                Stay(
                    phase=phase,
                    start=begin,
                    end=None if end is None else end[0],
                    entered_by=entered_by,
                    ended_by=None if end is None else end[1],
                )
                for (phase, begin, entered_by), end in zip(open_stays, closed, strict=True)
            )

        for move in self._moves:
            if move.kind is MoveKind.EXIT:
                assert start is not None  # a valid history enrols before it exits
                episodes.append(
                    Episode(
                        start=start.date,
                        end=move.date,
                        entered_by=start.kind,
                        destination=move.destination,
                        stays=stays((move.date, move.kind)),
                    )
                )
                open_stays, ends, start = [], [], None
                continue
            if move.kind is MoveKind.ENTRY or move.kind is MoveKind.RE_ENTRY:
                start = move
            elif open_stays:
                ends.append((move.date, move.kind))
            assert move.to_phase is not None
            open_stays.append((move.to_phase, move.date, move.kind))
        if start is not None:
            episodes.append(
                Episode(
                    start=start.date,
                    end=None,
                    entered_by=start.kind,
                    destination=None,
                    stays=stays(None),
                )
            )
        return tuple(episodes)

    def phase_on(self, day: datetime.date) -> Phase | None:
        """The phase at the end of ``day`` (after that day's events); None when not enrolled."""
        require_date(day, "day")
        position = bisect.bisect_right(self.events, day, key=lambda e: e.date)
        return _phase_after(self.events[position - 1]) if position else None

    def time_in_phase(self, phase: Phase | int, *, as_of: datetime.date) -> datetime.timedelta:
        """Total time spent in ``phase`` up to ``as_of``, over every stay and episode."""
        target = _as_phase(phase, "phase")
        require_date(as_of, "as_of")
        return sum(
            (s.duration(as_of=as_of) for s in self.stays() if s.phase == target),
            datetime.timedelta(0),
        )


def _phase_after(event: Event) -> Phase | None:
    if isinstance(event, PhaseChange):
        return event.to_phase
    if isinstance(event, Enrolment):
        return event.phase
    return None


__getattr__ = deprecated_names(__name__, {"IssueCode": "piezomethod.errors.Code"})
