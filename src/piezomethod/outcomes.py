"""Questionnaire instruments as data, exact scoring, measurement moments and the schedule.

The method measures development with a questionnaire the coach takes **at entry, at every phase
transition, at exit and 3 months after exit** (Movisie 2019, "Onderzoeksopzet", "Bij de
instroom, bij elke fase overgang, bij de uitstroom en bij 3 maanden na de uitstroom").
This module holds:

* the instrument model — items, response scales, scales with recoding, aggregation, a linear
  transform and named interpretations (bands), and derived indicators such as "the highest rung
  whose criteria hold" — and the rules an instrument must satisfy;
* :func:`score`, which turns a :class:`Response` into a :class:`ScoreSheet`, exactly (rational
  arithmetic, so 60 is 60 and not 59.99999), never treating a missing answer as 0;
* :func:`schedule` and :func:`compliance`: which measurements a trajectory makes due, which were
  taken, late or missed, and the response rate (the research reached 41.5%: knowing the gaps is a
  feature).

Instruments are loaded from JSON by :mod:`piezomethod.instruments`; this module does no I/O.

>>> from piezomethod.instruments import instrument
>>> mhi5 = instrument("mhi5")
>>> sheet = score(
...     mhi5,
...     Response(
...         instrument_id="mhi5",
...         instrument_version=mhi5.version,
...         answers={"mhi5_1": 4, "mhi5_2": 5, "mhi5_3": 4, "mhi5_4": 4, "mhi5_5": 3},
...     ),
... )
>>> s = sheet.scale("mhi5")
>>> s.value, s.band("cbs").code, s.band("ggd").code
(60.0, 'gezond', 'ongezond')
"""

from __future__ import annotations

import datetime
import enum
import itertools
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple, TypeAlias

import attrs

from piezomethod._checks import as_tuple, at_least, checked, fields, frozen_mapping, shift, to_enum
from piezomethod._checks import optional_frozen_mapping as _optional_mapping
from piezomethod._compat import deprecated_names
from piezomethod._i18n import Labelled, Text

# the registry of codes; ``Code`` here was, and for one more release is, the answer-code alias
from piezomethod.errors import Code as ErrorCode
from piezomethod.errors import FieldError, InstrumentError, Problem, ScoringError
from piezomethod.phases import Enrolment, Exit, Phase, PhaseChange, Trajectory

__all__ = [
    "Aggregation",
    "AnswerCode",
    "Band",
    "ComplianceReport",
    "Criterion",
    "DueMeasurement",
    "Indicator",
    "IndicatorResult",
    "Instrument",
    "Interpretation",
    "Item",
    "Measurement",
    "MeasurementMoment",
    "MeasurementStatus",
    "MeasurementWindows",
    "MomentStatus",
    "Option",
    "OutcomeDomain",
    "Response",
    "ResponseScale",
    "Rung",
    "Scale",
    "ScaleChange",
    "ScaleItem",
    "ScaleScore",
    "ScoreSheet",
    "ScoreStatus",
    "Text",
    "Transform",
    "change",
    "check_response",
    "compliance",
    "schedule",
    "score",
]

AnswerCode: TypeAlias = int | str
"""An answer code as the questionnaire records it: ``4`` for "soms", ``"B1"`` for a level."""

Number: TypeAlias = int | float


def _summary(problems: Sequence[Problem]) -> str:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


# --------------------------------------------------------------------------------------------
# The instrument model
# --------------------------------------------------------------------------------------------


class OutcomeDomain(enum.StrEnum):
    """The four outcome domains of the method's effect measurement (Movisie 2019, "De
    effectiviteit van de PiëzoMethodiek", "arbeidsparticipatie en opleiding")."""

    WORK_EDUCATION = "work_education"
    """a. arbeidsparticipatie en opleiding."""
    SOCIAL_PARTICIPATION = "social_participation"
    """b. maatschappelijke participatie."""
    HEALTH = "health"
    """c. gezondheid, including general happiness."""
    LANGUAGE = "language"
    """d. taalniveau (self-assessed Dutch)."""


class Aggregation(enum.StrEnum):
    """How a scale combines its item values."""

    SUM = "sum"
    MEAN = "mean"


def _domain(value: OutcomeDomain | str, field: str = "domain") -> OutcomeDomain:
    return to_enum(OutcomeDomain, value, field)


def _aggregation(value: Aggregation | str, field: str = "aggregation") -> Aggregation:
    return to_enum(Aggregation, value, field)


def _by_id(
    things: Iterable[Any],
    wanted: str,
    code: ErrorCode,
    message: str,
    field: str,
    *,
    key: str = "id",
) -> Any:
    """The one of ``things`` whose ``key`` attribute is ``wanted``, or a ``FieldError``."""
    for thing in things:
        if getattr(thing, key) == wanted:
            return thing
    raise FieldError(message, code=code, field=field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Option:
    """One answer option: the ``code`` recorded, its label, and its numeric ``value``.

    ``value`` is None for options that carry no number (a plain yes/no used only by criteria).
    """

    code: AnswerCode
    label: Text
    value: Number | None = None


_AT_LEAST_ONE: Final = {"json_schema": (("array", {"minItems": 1}),)}
"""Field metadata: the JSON Schema of a list that may not be empty."""


@attrs.frozen(kw_only=True, field_transformer=fields)
class ResponseScale:
    """A set of answer options shared by items (``frequentie6``, ``ja_nee``, ``cefr``, ...)."""

    id: str
    options: tuple[Option, ...] = attrs.field(converter=as_tuple, metadata=_AT_LEAST_ONE)
    ordered: bool = True

    def option(self, code: AnswerCode) -> Option | None:
        """The option with this code (type-strict: ``1`` is not ``"1"``), or None."""
        for opt in self.options:
            if opt.code == code and type(opt.code) is type(code):
                return opt
        return None


@attrs.frozen(kw_only=True, field_transformer=fields)
class Criterion:
    """Holds when the answer to ``item`` is one of ``codes``."""

    item: str
    codes: tuple[AnswerCode, ...] = attrs.field(converter=as_tuple, metadata=_AT_LEAST_ONE)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Item:
    """One question: its id, text, outcome domain and response scale.

    ``asked_if`` makes the question conditional: it is asked only when an earlier item has one
    of the given answers ("If so, at what level?" only after "yes" to "Are you following an
    education?"). An item that was not asked is not a missing answer; an answer to it anyway is
    kept, ignored by scoring, and reported as a warning by dataset validation. A conditional
    item cannot count in a scale (its score would be missing for everyone not asked).
    """

    id: str
    text: Text
    domain: OutcomeDomain = attrs.field(converter=_domain)
    response_scale: str
    asked_if: Criterion | None = None


@attrs.frozen(kw_only=True, field_transformer=fields)
class ScaleItem:
    """An item's part in a scale: as is, reversed over its options' values, or recoded.

    ``recode`` maps answer codes to values, written as strings in JSON (``{"1": 100}``) because
    JSON object keys are strings; a code ``1`` and a code ``"1"`` are looked up the same way.
    """

    item: str
    reverse: bool = False
    recode: Mapping[str, Number] | None = attrs.field(
        default=None, hash=False, converter=_optional_mapping
    )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Transform:
    """A linear transform ``value * multiply + add`` (e.g. ``multiply=4`` for MHI-5 to 0-100)."""

    multiply: Number = attrs.field(
        default=1, metadata={"json_schema": (("any", {"not": {"const": 0}}),)}
    )
    add: Number = 0

    def apply(self, value: Fraction) -> Fraction:
        """The transformed value."""
        return value * _exact(self.multiply) + _exact(self.add)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Band:
    """One band of an interpretation, with explicit bounds: ``[lower, upper)`` by default.

    A missing bound is open-ended. ``code`` is stable (``"ongezond"``); ``label`` is bilingual.
    """

    code: str
    label: Text
    lower: Number | None = None
    upper: Number | None = None
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, value: Fraction | Number) -> bool:
        """Whether ``value`` falls in this band."""
        v = _exact(value)
        if self.lower is not None:
            lo = _exact(self.lower)
            if v < lo or (v == lo and not self.lower_inclusive):
                return False
        if self.upper is not None:
            hi = _exact(self.upper)
            if v > hi or (v == hi and not self.upper_inclusive):
                return False
        return True


@attrs.frozen(kw_only=True, field_transformer=fields)
class Interpretation:
    """A named way to read a scale's value (``cbs``, ``ggd``), as bands, with its source."""

    id: str
    source: str
    bands: tuple[Band, ...] = attrs.field(converter=as_tuple)

    def band(self, value: Fraction | Number) -> Band | None:
        """The band ``value`` falls in (None if outside every band)."""
        return next((b for b in self.bands if b.contains(value)), None)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Scale:
    """A score computed from items: recoded, aggregated, transformed and interpreted.

    ``min_answered`` items must be answered for a score; with ``prorate_min`` set, scoring with
    ``prorate=True`` also accepts fewer (at least ``prorate_min``) and uses the mean of the
    answered items (for a ``sum`` scale: that mean times the number of items). That is the RAND
    rule for MHI-5. ``higher_is_better`` says which direction is good.
    """

    id: str
    label: Text
    items: tuple[ScaleItem, ...] = attrs.field(converter=as_tuple, metadata=_AT_LEAST_ONE)
    aggregation: Aggregation = attrs.field(default=Aggregation.SUM, converter=_aggregation)
    min_answered: int | None = attrs.field(
        default=None, metadata={"json_schema": (("integer", {"minimum": 1}),)}
    )
    prorate_min: int | None = attrs.field(
        default=None, metadata={"json_schema": (("integer", {"minimum": 1}),)}
    )
    transform: Transform = Transform()
    higher_is_better: bool = True
    interpretations: tuple[Interpretation, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def required(self) -> int:
        """How many items must be answered for a score (without prorating)."""
        return self.min_answered if self.min_answered is not None else len(self.items)

    def interpretation(self, interpretation_id: str) -> Interpretation:
        """The named interpretation, or a ``FieldError``."""
        found: Interpretation = _by_id(
            self.interpretations,
            interpretation_id,
            ErrorCode.UNKNOWN_INTERPRETATION,
            f"scale '{self.id}' has no interpretation with that id",
            "interpretation_id",
        )
        return found


@attrs.frozen(kw_only=True, field_transformer=fields)
class Rung:
    """One rung of a ladder: its ``value`` holds when every criterion holds (none: always)."""

    value: int
    label: Text
    criteria: tuple[Criterion, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Indicator:
    """A derived indicator; rule ``highest_rung``: the highest rung whose criteria all hold.

    If a higher rung cannot be decided because an answer it needs is missing, the indicator has
    no value (it would be a guess), and its status says so.
    """

    id: str
    label: Text
    rule: Literal["highest_rung"] = "highest_rung"
    rungs: tuple[Rung, ...] = attrs.field(default=(), converter=as_tuple, metadata=_AT_LEAST_ONE)


@attrs.frozen(kw_only=True, field_transformer=fields)
class Instrument:
    """A versioned questionnaire: items, response scales, scales and indicators, as data.

    ``reconstructed`` is true when the instrument is rebuilt from a description rather than
    taken from a published text; ``notes`` then says what is inferred. Building an instrument
    checks every rule at once and raises :class:`InstrumentError` listing every problem.
    """

    id: str
    version: str
    title: Text
    source: str
    licence: str
    reconstructed: bool
    items: tuple[Item, ...] = attrs.field(converter=as_tuple, metadata=_AT_LEAST_ONE)
    response_scales: tuple[ResponseScale, ...] = attrs.field(converter=as_tuple)
    scales: tuple[Scale, ...] = attrs.field(default=(), converter=as_tuple)
    indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=as_tuple)
    notes: Text | None = None
    # Per scale, per item: answer (type, code) -> value. Derived once, when built.
    _values: Mapping[str, tuple[Mapping[tuple[type, AnswerCode], Fraction], ...]] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _items: Mapping[str, Item] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_items", MappingProxyType({i.id: i for i in self.items}))
        problems = _instrument_problems(self)
        if problems:
            raise InstrumentError(_summary(problems), problems=problems)
        tables = {s.id: tuple(_item_values(self, si) for si in s.items) for s in self.scales}
        object.__setattr__(self, "_values", MappingProxyType(tables))

    def asked(self, item_id: str, answers: Mapping[str, AnswerCode]) -> bool | None:
        """Whether ``item_id`` is asked, given the other ``answers``: True for an item without
        a condition or whose condition holds, False when it does not (or when the item it
        depends on was itself not asked), None when the answer it depends on is missing.

        >>> from piezomethod.instruments import instrument
        >>> e = instrument("piezo-effectmeting")
        >>> [
        ...     e.asked("opleiding_niveau", a)
        ...     for a in ({"opleiding_volgt": "ja"}, {"opleiding_volgt": "nee"}, {})
        ... ]
        [True, False, None]
        """
        item = self.item(item_id)
        verdict: bool | None = True
        while item.asked_if is not None:  # ends: a condition is on an earlier item
            condition = item.asked_if
            code = answers.get(condition.item, _NOT_ANSWERED)
            if code is _NOT_ANSWERED:
                verdict = None
            elif not any(code == c and type(code) is type(c) for c in condition.codes):
                return False
            item = self.item(condition.item)
        return verdict

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        found = self._items.get(item_id)
        if found is None:
            raise FieldError(
                f"instrument '{self.id}' has no item with that id",
                code=ErrorCode.UNKNOWN_INSTRUMENT_ITEM,
                field="item_id",
            )
        return found

    def response_scale(self, scale_id: str) -> ResponseScale:
        """The response scale with this id."""
        found: ResponseScale = _by_id(
            self.response_scales,
            scale_id,
            ErrorCode.UNKNOWN_RESPONSE_SCALE,
            f"instrument '{self.id}' has no response scale with that id",
            "scale_id",
        )
        return found

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id."""
        found: Scale = _by_id(
            self.scales,
            scale_id,
            ErrorCode.UNKNOWN_SCALE,
            f"instrument '{self.id}' has no scale with that id",
            "scale_id",
        )
        return found

    def value_of(self, scale_id: str, item_id: str, code: AnswerCode) -> Fraction | None:
        """The value answer ``code`` to ``item_id`` contributes to ``scale_id``, after reversal
        or recoding; None when that answer carries no value (or the item is not in the scale).

        >>> from piezomethod.instruments import instrument
        >>> m = instrument("mhi5")
        >>> m.value_of("mhi5", "mhi5_1", 6), m.value_of("mhi5", "mhi5_3", 6)  # nooit
        (Fraction(5, 1), Fraction(0, 1))
        """
        scale = self.scale(scale_id)
        for si, table in zip(scale.items, self._values[scale_id], strict=True):
            if si.item == item_id:
                return table.get((type(code), code))
        return None

    def scale_range(self, scale_id: str) -> tuple[Fraction, Fraction]:
        """The lowest and highest value the scale can take (after the transform)."""
        return _scale_range(self, self.scale(scale_id))


_NOT_ANSWERED: Final[Any] = object()


def _exact(value: Number | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))  # the decimal written, not the binary approximation
    return Fraction(value)


def _item_values(instrument: Instrument, si: ScaleItem) -> dict[tuple[type, AnswerCode], Fraction]:
    """Answer code (with its type) -> value of the item in the scale."""
    rs = _find(instrument.response_scales, instrument.item(si.item).response_scale)
    if si.recode is not None:
        return {
            (type(o.code), o.code): _exact(si.recode[str(o.code)])
            for o in rs.options
            if str(o.code) in si.recode
        }
    values = {(type(o.code), o.code): _exact(o.value) for o in rs.options if o.value is not None}
    if si.reverse and values:
        top, bottom = max(values.values()), min(values.values())
        values = {k: top + bottom - v for k, v in values.items()}
    return values


def _find(options: Iterable[Any], wanted: str) -> Any:
    return next(o for o in options if o.id == wanted)


def _scale_range(instrument: Instrument, scale: Scale) -> tuple[Fraction, Fraction]:
    lows, highs = [], []
    for si in scale.items:
        values = _item_values(instrument, si).values()
        lows.append(min(values))
        highs.append(max(values))
    if scale.aggregation is Aggregation.SUM:
        low, high = sum(lows, Fraction(0)), sum(highs, Fraction(0))
    else:
        low, high = sum(lows, Fraction(0)) / len(lows), sum(highs, Fraction(0)) / len(highs)
    a, b = scale.transform.apply(low), scale.transform.apply(high)
    return (min(a, b), max(a, b))


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def _instrument_problems(ins: Instrument) -> list[Problem]:
    """Every rule an instrument breaks, each with the JSON path of the part it is about."""
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(path=path, message=message))

    for name, ids in (
        ("items", [i.id for i in ins.items]),
        ("response_scales", [r.id for r in ins.response_scales]),
        ("scales", [s.id for s in ins.scales]),
        ("indicators", [i.id for i in ins.indicators]),
    ):
        for dup in _duplicates(ids):
            bad(f"$.{name}", f"id '{dup}' is used twice")
    if not ins.items:
        bad("$.items", "an instrument needs at least one item")

    scales_by_id = {r.id: r for r in ins.response_scales}
    for n, rs in enumerate(ins.response_scales):
        if not rs.options:
            bad(f"$.response_scales[{n}].options", "a response scale needs options")
        codes = [(type(o.code), o.code) for o in rs.options]
        if len(set(codes)) != len(codes):
            bad(f"$.response_scales[{n}].options", "an answer code is used twice")
        elif len({str(o.code).lower() for o in rs.options}) != len(codes):
            # a table cell, a FHIR Coding and a JSON key carry a code as text
            message = "two answer codes read the same as text (1 and '1', 'a1' and 'A1')"
            bad(f"$.response_scales[{n}].options", message)
    items_by_id = {i.id: i for i in ins.items}
    position = {i.id: n for n, i in reversed(list(enumerate(ins.items)))}
    for n, question in enumerate(ins.items):
        if question.response_scale not in scales_by_id:
            bad(f"$.items[{n}].response_scale", f"no response scale '{question.response_scale}'")
        condition = question.asked_if
        if condition is None:
            continue
        path = f"$.items[{n}].asked_if"
        if position.get(condition.item, n) >= n:
            bad(f"{path}.item", f"'{condition.item}' is not an earlier item of this instrument")
            continue
        asked_on = scales_by_id.get(items_by_id[condition.item].response_scale)
        if asked_on is not None:
            if not condition.codes:
                bad(f"{path}.codes", "a condition needs at least one code")
            for code in condition.codes:
                if asked_on.option(code) is None:
                    bad(f"{path}.codes", f"code not in response scale '{asked_on.id}'")
    conditional = {i.id for i in ins.items if i.asked_if is not None}

    for n, scale in enumerate(ins.scales):
        path = f"$.scales[{n}]"
        usable = True
        if not scale.items:
            bad(f"{path}.items", "a scale needs at least one item")
            usable = False
        for k, si in enumerate(scale.items):
            ipath = f"{path}.items[{k}]"
            item = items_by_id.get(si.item)
            if item is None or item.response_scale not in scales_by_id:
                bad(f"{ipath}.item", f"no usable item '{si.item}'")
                usable = False
                continue
            if si.item in conditional:
                message = "a conditional item cannot count in a scale (asked_if)"
                bad(f"{ipath}.item", message)
            rs = scales_by_id[item.response_scale]
            if si.recode is not None:
                if si.reverse:
                    bad(ipath, "use either reverse or recode, not both")
                known = {str(o.code) for o in rs.options}
                unknown = sorted(set(si.recode) - known)
                if unknown:
                    bad(f"{ipath}.recode", f"codes not in the response scale: {unknown}")
                if not set(si.recode) & known:
                    usable = False
            elif all(o.value is None for o in rs.options):
                bad(ipath, f"response scale '{rs.id}' has no values; add values or a recode")
                usable = False
        required = scale.required
        if not 1 <= required <= max(len(scale.items), 1):
            bad(f"{path}.min_answered", "must be between 1 and the number of items")
        if scale.prorate_min is not None and not 1 <= scale.prorate_min <= required:
            bad(f"{path}.prorate_min", "must be between 1 and min_answered")
        if scale.transform.multiply == 0:
            bad(f"{path}.transform.multiply", "must not be 0")
        for dup in _duplicates(i.id for i in scale.interpretations):
            bad(f"{path}.interpretations", f"id '{dup}' is used twice")
        if usable:
            low, high = _scale_range(ins, scale)
            for m, interp in enumerate(scale.interpretations):
                problems.extend(_band_problems(interp, low, high, f"{path}.interpretations[{m}]"))

    for n, ind in enumerate(ins.indicators):
        path = f"$.indicators[{n}]"
        if not ind.rungs:
            bad(f"{path}.rungs", "an indicator needs rungs")
        values = [r.value for r in ind.rungs]
        if len(set(values)) != len(values):
            bad(f"{path}.rungs", "a rung value is used twice")
        for m, rung in enumerate(ind.rungs):
            for k, crit in enumerate(rung.criteria):
                cpath = f"{path}.rungs[{m}].criteria[{k}]"
                item = items_by_id.get(crit.item)
                if item is None or item.response_scale not in scales_by_id:
                    bad(f"{cpath}.item", f"no usable item '{crit.item}'")
                    continue
                rs = scales_by_id[item.response_scale]
                if not crit.codes:
                    bad(f"{cpath}.codes", "a criterion needs at least one code")
                for code in crit.codes:
                    if rs.option(code) is None:
                        bad(f"{cpath}.codes", f"code not in response scale '{rs.id}'")
    return problems


def _band_problems(
    interp: Interpretation, low: Fraction, high: Fraction, path: str
) -> list[Problem]:
    """Bands must cover ``[low, high]`` exactly once: no gap, no overlap, no empty band."""
    where = f"{path}.bands"
    if not interp.bands:
        return [Problem(path=where, message="an interpretation needs bands")]
    empty = [
        Problem(path=f"{where}[{k}]", message="the band is empty")
        for k, b in enumerate(interp.bands)
        if b.lower is not None
        and b.upper is not None
        and (
            _exact(b.lower) > _exact(b.upper)
            or (b.lower == b.upper and not (b.lower_inclusive and b.upper_inclusive))
        )
    ]
    if empty:
        return empty

    # A bound as a point on the line: (value, side). An inclusive lower bound starts at the value
    # itself (side 0), an exclusive one just after it (side 1); an inclusive upper bound ends just
    # after the value (side 1), an exclusive one at it (side 0). Bands tile the range exactly
    # when, in order, each starts where the previous one ended.
    def start(b: Band) -> tuple[Fraction, int]:
        if b.lower is None:
            return (min(low, _exact(b.upper or 0)) - 1, 0)
        return (_exact(b.lower), 0 if b.lower_inclusive else 1)

    def end(b: Band) -> tuple[Fraction, int]:
        if b.upper is None:
            return (max(high, _exact(b.lower or 0)) + 1, 0)
        return (_exact(b.upper), 1 if b.upper_inclusive else 0)

    ordered = sorted(interp.bands, key=start)
    problems: list[Problem] = []
    if start(ordered[0]) > (low, 0):
        problems.append(Problem(path=where, message="the bands leave the lowest values uncovered"))
    for a, b in itertools.pairwise(ordered):
        if end(a) > start(b):
            problems.append(Problem(path=where, message=f"bands '{a.code}' and '{b.code}' overlap"))
        elif end(a) < start(b):
            msg = f"the bands leave a gap between '{a.code}' and '{b.code}'"
            problems.append(Problem(path=where, message=msg))
    if end(ordered[-1]) < (high, 1):
        problems.append(Problem(path=where, message="the bands leave the highest values uncovered"))
    return problems


# --------------------------------------------------------------------------------------------
# Responses and scoring
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class Response:
    """The answers given to one instrument: ``{item_id: code}``. Unanswered items are absent."""

    instrument_id: str
    instrument_version: str
    answers: Mapping[str, AnswerCode] = attrs.field(
        factory=dict, converter=frozen_mapping, hash=False
    )


class ScoreStatus(enum.StrEnum):
    """Why a scale or indicator has the value it has."""

    SCORED = "scored"
    """All required items answered."""
    PRORATED = "prorated"
    """Scored from the mean of fewer than all items: as the scale's own ``min_answered``
    allows, or by the prorating (RAND) rule when ``prorate=True`` was asked."""
    TOO_FEW_ANSWERS = "too_few_answers"
    """Not enough items answered: no score (never a silent 0)."""
    UNDETERMINED = "undetermined"
    """An indicator's higher rung cannot be decided because an answer it needs is missing."""


@attrs.frozen(kw_only=True, field_transformer=fields)
class ScaleScore:
    """One scale's result: ``value`` (None when it cannot be scored), bands and counts."""

    scale_id: str
    value: float | None
    exact: Fraction | None
    status: ScoreStatus
    answered: int
    required: int
    bands: Mapping[str, Band | None] = attrs.field(
        factory=dict, hash=False, converter=frozen_mapping
    )

    def band(self, interpretation_id: str) -> Band:
        """The band of the named interpretation this score falls in."""
        found = self.bands.get(interpretation_id)
        if found is None:
            raise FieldError(
                f"scale '{self.scale_id}' has no band for that interpretation (no score, or no "
                "such interpretation)",
                code=ErrorCode.NO_BAND,
                field="interpretation_id",
            )
        return found


@attrs.frozen(kw_only=True, field_transformer=fields)
class IndicatorResult:
    """A derived indicator's result: the rung ``value`` and its label, or None and why."""

    indicator_id: str
    value: int | None
    label: Text | None
    status: ScoreStatus


@attrs.frozen(kw_only=True, field_transformer=fields)
class ScoreSheet:
    """The scores of one response: every scale and indicator of the instrument, in order."""

    instrument_id: str
    instrument_version: str
    scales: tuple[ScaleScore, ...]
    indicators: tuple[IndicatorResult, ...] = ()

    def scale(self, scale_id: str) -> ScaleScore:
        """The score of one scale."""
        message = "no scale with that id on this sheet"
        found: ScaleScore = _by_id(
            self.scales, scale_id, ErrorCode.UNKNOWN_SCALE, message, "scale_id", key="scale_id"
        )
        return found

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator."""
        message = "no indicator with that id on this sheet"
        found: IndicatorResult = _by_id(
            self.indicators,
            indicator_id,
            ErrorCode.UNKNOWN_INDICATOR,
            message,
            "indicator_id",
            key="indicator_id",
        )
        return found


@checked
def check_response(instrument: Instrument, response: Response) -> list[Problem]:
    """Every reason ``response`` cannot be scored against ``instrument`` (empty when fine)."""
    problems: list[Problem] = []
    if response.instrument_id != instrument.id:
        problems.append(Problem(path="$.instrument_id", message=f"expected '{instrument.id}'"))
    if response.instrument_version != instrument.version:
        problems.append(
            Problem(path="$.instrument_version", message=f"expected version '{instrument.version}'")
        )
    items = {i.id: i for i in instrument.items}
    for item_id, code in response.answers.items():
        item = items.get(item_id)
        if item is None:
            # the key is an item id the instrument does not know; ids are not personal text
            problems.append(Problem(path="$.answers", message=f"unknown item '{item_id[:40]}'"))
            continue
        if instrument.response_scale(item.response_scale).option(code) is None:
            problems.append(
                Problem(
                    path=f"$.answers.{item_id}",
                    message=f"code not in response scale '{item.response_scale}'",
                )
            )
    return problems


@checked
def score(instrument: Instrument, response: Response, *, prorate: bool = False) -> ScoreSheet:
    """Score ``response`` on every scale and indicator of ``instrument``.

    A scale with too few answers has ``value=None`` and status ``too_few_answers``; with
    ``prorate=True`` a scale that sets ``prorate_min`` is scored from the mean of the answered
    items when at least that many are answered (the RAND rule). Raises :class:`ScoringError`
    listing every problem for unknown items, codes outside a response scale, or a response to
    another instrument or version.
    """
    problems = check_response(instrument, response)
    if problems:
        raise ScoringError(_summary(problems), problems=problems)
    answers = response.answers
    sheets = tuple(_score_scale(instrument, s, answers, prorate) for s in instrument.scales)
    indicators = tuple(_derive(instrument, ind, answers) for ind in instrument.indicators)
    return ScoreSheet(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        scales=sheets,
        indicators=indicators,
    )


def _score_scale(
    instrument: Instrument, scale: Scale, answers: Mapping[str, AnswerCode], prorate: bool
) -> ScaleScore:
    values: list[Fraction] = []
    for si, table in zip(scale.items, instrument._values[scale.id], strict=True):
        if si.item in answers:
            code = answers[si.item]
            value = table.get((type(code), code))
            if value is not None:  # an option without a value counts as unanswered
                values.append(value)
    answered, required = len(values), scale.required
    lenient = prorate and scale.prorate_min is not None and answered >= scale.prorate_min
    if answered == len(scale.items):
        status = ScoreStatus.SCORED
    elif answered >= required or lenient:
        status = ScoreStatus.PRORATED  # from the mean of a subset of the items
    else:
        return ScaleScore(
            scale_id=scale.id,
            value=None,
            exact=None,
            status=ScoreStatus.TOO_FEW_ANSWERS,
            answered=answered,
            required=required,
            bands={i.id: None for i in scale.interpretations},
        )
    mean = sum(values, Fraction(0)) / answered
    raw = mean * len(scale.items) if scale.aggregation is Aggregation.SUM else mean
    exact = scale.transform.apply(raw)
    return ScaleScore(
        scale_id=scale.id,
        value=float(exact),
        exact=exact,
        status=status,
        answered=answered,
        required=required,
        bands={i.id: i.band(exact) for i in scale.interpretations},
    )


def _derive(
    instrument: Instrument, indicator: Indicator, answers: Mapping[str, AnswerCode]
) -> IndicatorResult:
    for rung in sorted(indicator.rungs, key=lambda r: r.value, reverse=True):
        # Three-valued: a rung fails if any criterion fails, is undecided if any answer it
        # needs is missing (and none fails), and holds otherwise.
        outcomes = [_criterion_holds(instrument, crit, answers) for crit in rung.criteria]
        verdict = False if False in outcomes else None if None in outcomes else True
        if verdict is True:
            return IndicatorResult(
                indicator_id=indicator.id,
                value=rung.value,
                label=rung.label,
                status=ScoreStatus.SCORED,
            )
        if verdict is None:
            return IndicatorResult(
                indicator_id=indicator.id, value=None, label=None, status=ScoreStatus.UNDETERMINED
            )
    return IndicatorResult(
        indicator_id=indicator.id, value=None, label=None, status=ScoreStatus.UNDETERMINED
    )


def _criterion_holds(
    instrument: Instrument, crit: Criterion, answers: Mapping[str, AnswerCode]
) -> bool | None:
    """Three-valued; on an item that was not asked, a criterion does not hold, whatever was
    answered (the question did not apply)."""
    if instrument.asked(crit.item, answers) is False:
        return False
    if crit.item not in answers:
        return None
    code = answers[crit.item]
    return any(code == c and type(code) is type(c) for c in crit.codes)


@attrs.frozen(kw_only=True, field_transformer=fields)
class ScaleChange:
    """The change on one scale between two score sheets (None when either has no score)."""

    scale_id: str
    before: float | None
    after: float | None
    difference: float | None
    improved: bool | None


@checked
def change(
    before: ScoreSheet, after: ScoreSheet, *, instrument: Instrument
) -> tuple[ScaleChange, ...]:
    """Per scale, ``after - before``; ``improved`` uses the scale's ``higher_is_better``.

    Both sheets must be of ``instrument`` (same id and version).
    """
    problems = [
        Problem(path=f"$.{name}", message=f"not a sheet of '{instrument.id}' {instrument.version}")
        for name, sheet in (("before", before), ("after", after))
        if (sheet.instrument_id, sheet.instrument_version) != (instrument.id, instrument.version)
    ]
    if problems:
        raise ScoringError(
            _summary(problems), problems=problems, code=ErrorCode.INSTRUMENT_MISMATCH
        )
    changes = []
    for scale in instrument.scales:
        a, b = before.scale(scale.id).exact, after.scale(scale.id).exact
        diff = None if a is None or b is None else b - a
        improved = None if diff is None or diff == 0 else (diff > 0) == scale.higher_is_better
        changes.append(
            ScaleChange(
                scale_id=scale.id,
                before=None if a is None else float(a),
                after=None if b is None else float(b),
                difference=None if diff is None else float(diff),
                improved=improved,
            )
        )
    return tuple(changes)


# --------------------------------------------------------------------------------------------
# Measurement moments, the schedule and compliance
# --------------------------------------------------------------------------------------------


class MeasurementMoment(Labelled):
    """When the questionnaire is taken: entry, each transition, exit and follow-up (Movisie 2019,
    "Onderzoeksopzet", "bij 3 maanden na de uitstroom")."""

    ENTRY = "entry"
    TRANSITION = "transition"
    EXIT = "exit"
    FOLLOW_UP = "follow_up"


@attrs.frozen(kw_only=True, field_transformer=fields)
class Measurement:
    """A response taken from a participant at a moment, on a date."""

    participant_id: str
    moment: MeasurementMoment
    date: datetime.date
    response: Response


_non_negative = at_least(0, ErrorCode.INVALID_COUNT)


@attrs.frozen(kw_only=True, field_transformer=fields)
class MeasurementWindows:
    """How many days before and after its due date a measurement still counts as on time.

    The sources do not give tolerances; these defaults are this library's choice (a measurement
    can hardly precede the event that makes it due, and a month afterwards is workable). Set
    your own. The follow-up is due ``follow_up_months`` calendar months after an exit (3 in the
    method), with ``dateutil.relativedelta``: 31 January + 3 months is 30 April.
    """

    entry_before: int = attrs.field(default=0, validator=_non_negative)
    entry_after: int = attrs.field(default=30, validator=_non_negative)
    transition_before: int = attrs.field(default=14, validator=_non_negative)
    transition_after: int = attrs.field(default=30, validator=_non_negative)
    exit_before: int = attrs.field(default=14, validator=_non_negative)
    exit_after: int = attrs.field(default=30, validator=_non_negative)
    follow_up_before: int = attrs.field(default=14, validator=_non_negative)
    follow_up_after: int = attrs.field(default=30, validator=_non_negative)
    follow_up_months: int = attrs.field(default=3, validator=_non_negative)

    def window(self, moment: MeasurementMoment) -> tuple[int, int]:
        """(days before, days after) for ``moment``."""
        before: int = getattr(self, f"{moment.value}_before")
        after: int = getattr(self, f"{moment.value}_after")
        return before, after


_DEFAULT_WINDOWS = MeasurementWindows()


@attrs.frozen(kw_only=True, field_transformer=fields)
class DueMeasurement:
    """One measurement a trajectory makes due: which moment, for which event, and when.

    ``phase`` is the phase entered (entry, transition) or left (exit, follow-up).
    """

    moment: MeasurementMoment
    event_index: int
    phase: Phase
    due: datetime.date
    window_start: datetime.date
    window_end: datetime.date


@checked
def schedule(
    trajectory: Trajectory, *, as_of: datetime.date, windows: MeasurementWindows | None = None
) -> tuple[DueMeasurement, ...]:
    """Every measurement the events up to ``as_of`` make due, in order of due date.

    One entry measurement per enrolment (re-entries included), one per phase change, one per
    exit, and a follow-up ``follow_up_months`` after each exit. A follow-up can lie after
    ``as_of``; :func:`compliance` reports it as not yet due.

    >>> from datetime import date
    >>> from piezomethod.phases import Enrolment, Exit, Phase, Trajectory
    >>> t = Trajectory.from_events(
    ...     "p",
    ...     [
    ...         Enrolment(date=date(2020, 1, 6), phase=Phase(1)),
    ...         Exit(date=date(2021, 1, 31), destination="paid_work"),
    ...     ],
    ... )
    >>> [(d.moment.value, d.due.isoformat()) for d in schedule(t, as_of=date(2021, 2, 1))]
    [('entry', '2020-01-06'), ('exit', '2021-01-31'), ('follow_up', '2021-04-30')]
    """
    return tuple(DueMeasurement(**d._asdict()) for d in _due(trajectory, as_of, windows))


class _Due(NamedTuple):
    """A due measurement as a plain tuple: what :class:`DueMeasurement` holds."""

    moment: MeasurementMoment
    event_index: int
    phase: Phase
    due: datetime.date
    window_start: datetime.date
    window_end: datetime.date


def _due(
    trajectory: Trajectory, as_of: datetime.date, windows: MeasurementWindows | None
) -> list[_Due]:
    """The one implementation of the schedule (see :func:`schedule`), as plain tuples."""
    w = windows or _DEFAULT_WINDOWS
    due: list[_Due] = []
    phase: Phase | None = None

    def add(moment: MeasurementMoment, index: int, at: Phase, day: datetime.date) -> None:
        before, after = w.window(moment)
        start, end = shift(day, -before), shift(day, after)
        due.append(_Due(moment, index, at, day, start, end))

    for index, event in enumerate(trajectory.events):
        if event.date > as_of:
            break
        if isinstance(event, Enrolment):
            phase = event.phase
            add(MeasurementMoment.ENTRY, index, phase, event.date)
        elif isinstance(event, PhaseChange):
            phase = event.to_phase
            add(MeasurementMoment.TRANSITION, index, phase, event.date)
        elif isinstance(event, Exit):
            assert phase is not None  # a valid trajectory is enrolled before it exits
            add(MeasurementMoment.EXIT, index, phase, event.date)
            follow_up = shift(event.date, months=w.follow_up_months)
            add(MeasurementMoment.FOLLOW_UP, index, phase, follow_up)
    due.sort(key=lambda d: d.due)
    return due


class MeasurementStatus(Labelled):
    """What became of a due measurement, as of a date."""

    DONE = "done"
    """Taken within its window."""
    LATE = "late"
    """Taken after its window closed (but before the next one of the same moment opened)."""
    MISSING = "missing"
    """Its window has closed and it was not taken."""
    DUE = "due"
    """Its window is open and it has not been taken yet."""
    NOT_YET_DUE = "not_yet_due"
    """Its window opens after ``as_of``."""


@attrs.frozen(kw_only=True, field_transformer=fields)
class MomentStatus:
    """A due measurement, its status, and the measurement that satisfied it (if any)."""

    due: DueMeasurement
    status: MeasurementStatus
    measurement: Measurement | None = attrs.field(default=None, eq=False, hash=False)


@attrs.frozen(kw_only=True, field_transformer=fields)
class ComplianceReport:
    """Per due measurement what became of it, the measurements no moment claims, and the rate."""

    participant_id: str
    as_of: datetime.date
    moments: tuple[MomentStatus, ...]
    unmatched: tuple[Measurement, ...] = attrs.field(default=(), eq=False, hash=False)

    def count(self, status: MeasurementStatus) -> int:
        """How many due measurements have ``status``."""
        return sum(1 for m in self.moments if m.status is status)

    @property
    def response_rate(self) -> float | None:
        """(done + late) / (done + late + missing); None when nothing was due yet."""
        taken = self.count(MeasurementStatus.DONE) + self.count(MeasurementStatus.LATE)
        settled = taken + self.count(MeasurementStatus.MISSING)
        return taken / settled if settled else None


@checked
def compliance(
    trajectory: Trajectory,
    measurements: Iterable[Measurement],
    *,
    as_of: datetime.date,
    windows: MeasurementWindows | None = None,
    instrument_id: str | None = None,
) -> ComplianceReport:
    """Match measurements to the due moments of ``trajectory`` and report each one's status.

    A measurement counts for a due moment of the same kind when its date falls in the moment's
    claim: from its window start until the next moment of the same kind opens its window. Within
    the window it is *done*; after it, *late*. Each measurement counts once. Only measurements of
    this participant (and of ``instrument_id``, if given) taken on or before ``as_of`` count.
    Adding a measurement never lowers the response rate.
    """
    found, unmatched = _statuses(trajectory, measurements, as_of, windows, instrument_id)
    return ComplianceReport(
        participant_id=trajectory.participant_id,
        as_of=as_of,
        moments=tuple(
            MomentStatus(due=DueMeasurement(**d._asdict()), status=status, measurement=m)
            for d, status, m in found
        ),
        unmatched=unmatched,
    )


def _statuses(
    trajectory: Trajectory,
    measurements: Iterable[Measurement],
    as_of: datetime.date,
    windows: MeasurementWindows | None,
    instrument_id: str | None,
) -> tuple[list[tuple[_Due, MeasurementStatus, Measurement | None]], tuple[Measurement, ...]]:
    """The one implementation of the matching (see :func:`compliance`), as plain tuples: per
    due moment its status and the measurement that satisfied it, and the unmatched ones."""
    due = _due(trajectory, as_of, windows)
    mine = sorted(
        (
            m
            for m in measurements
            if m.participant_id == trajectory.participant_id
            and m.date <= as_of
            and (instrument_id is None or m.response.instrument_id == instrument_id)
        ),
        key=lambda m: m.date,
    )
    used: set[int] = set()
    statuses: list[tuple[_Due, MeasurementStatus, Measurement | None]] = []
    for moment in MeasurementMoment:
        same = [d for d in due if d.moment is moment]
        for k, d in enumerate(same):
            claim_end = same[k + 1].window_start if k + 1 < len(same) else None
            candidates = [
                (n, m)
                for n, m in enumerate(mine)
                if n not in used
                and m.moment is moment
                and d.window_start <= m.date
                and (claim_end is None or m.date < claim_end)
            ]
            on_time = [(n, m) for n, m in candidates if m.date <= d.window_end]
            chosen = on_time[0] if on_time else candidates[0] if candidates else None
            if chosen is not None:
                used.add(chosen[0])
                status = MeasurementStatus.DONE if on_time else MeasurementStatus.LATE
                statuses.append((d, status, chosen[1]))
            elif d.window_start > as_of:
                statuses.append((d, MeasurementStatus.NOT_YET_DUE, None))
            elif d.window_end >= as_of:
                statuses.append((d, MeasurementStatus.DUE, None))
            else:
                statuses.append((d, MeasurementStatus.MISSING, None))
    statuses.sort(key=lambda s: (s[0].due, s[0].event_index))
    return statuses, tuple(m for n, m in enumerate(mine) if n not in used)


__getattr__ = deprecated_names(__name__, {"Code": "piezomethod.outcomes.AnswerCode"})
