"""The wire format: JSON-ready dicts and JSON text, strict on the way in.

One private cattrs converter, configured here and nowhere else, turns library objects into
plain dicts (``to_dict``/``to_json``) and back (``from_dict``/``from_json``). Every top-level
dict carries ``schema_version``. Events carry a ``type`` tag (``enrolment``, ``phase_change``,
``exit``), phases are the integers 0-4, dates are ISO ``YYYY-MM-DD`` strings.

Input is strict: a wrong type (no ``"1"`` for ``1``, no string where a list belongs), an unknown
key, an unknown event type or phase, a malformed date, a history that breaks the phase model —
each raises :class:`~piezomethod.errors.SerializationError` listing every problem with its JSON
path. Values from the input are never echoed (they may be personal). A ``schema_version`` newer
than this library's raises :class:`~piezomethod.errors.SchemaVersionError`; older versions are
migrated (version 2 added a participant record's ``guidance``; a version-1 record has none).

>>> from datetime import date
>>> from piezomethod.phases import Enrolment, Phase, Trajectory
>>> t = Trajectory(participant_id="p-1", events=[Enrolment(date=date(2020, 5, 4), phase=Phase(1))])
>>> to_dict(t)
{'schema_version': 2, 'participant_id': 'p-1',
 'events': [{'type': 'enrolment', 'date': '2020-05-04', 'phase': 1, 'referrer': None}]}
>>> from_json(Trajectory, to_json(t)) == t
True
>>> try:
...     from_dict(
...         Trajectory,
...         {
...             "schema_version": 1,
...             "participant_id": "p-1",
...             "events": [{"type": "enrolment", "date": "4-5-2020", "phase": 7}],
...         },
...     )
... except SerializationError as err:
...     for problem in err.problems:
...         print(problem)
$.events[0].date: expected an ISO date 'YYYY-MM-DD'
$.events[0].phase: expected a phase number 0-4
"""

from __future__ import annotations

import copy
import datetime
import enum
import functools
import json
import math
import operator
import os
import re
from collections.abc import Callable, Mapping
from types import UnionType
from typing import Any, Final, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from piezomethod._checks import checked, schema_rules
from piezomethod.consent import Consent, DataCategory, Disclosure, Portfolio
from piezomethod.errors import (
    Code,
    FieldError,
    InstrumentError,
    PiezoError,
    Problem,
    SchemaVersionError,
    SerializationError,
    Severity,
    TransitionError,
)
from piezomethod.mechanisms import Answer, Assessment, Level, MechanismFramework
from piezomethod.outcomes import (
    Aggregation,
    Instrument,
    Measurement,
    MeasurementMoment,
    OutcomeDomain,
    Response,
)
from piezomethod.passport import (
    Confirmer,
    DevelopmentPassport,
    EvidenceKind,
    GoalStatus,
    MilestoneKind,
    PlacementKind,
    SkillCatalogue,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
)
from piezomethod.records import Gender, Participant, ParticipantRecord

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
    "SCHEMA_VERSION",
    "from_dict",
    "from_json",
    "load",
    "read_file",
    "to_dict",
    "to_json",
    "wire_schemas",
    "wire_types",
]

SCHEMA_VERSION: Final = 2
"""The version of the wire format this library writes (and the newest it reads)."""

T = TypeVar("T")

_EVENT_TAGS: Final[Mapping[str, type[Event]]] = {
    "enrolment": Enrolment,
    "phase_change": PhaseChange,
    "exit": Exit,
}
_TAG_OF: Final[Mapping[type, str]] = {cls: tag for tag, cls in _EVENT_TAGS.items()}
_TOP_LEVEL: Final = (
    Enrolment,
    PhaseChange,
    Exit,
    Trajectory,
    TransitionPolicy,
    Instrument,
    Response,
    Measurement,
    SkillCatalogue,
    DevelopmentPassport,
    Consent,
    Disclosure,
    Portfolio,
    Participant,
    ParticipantRecord,
    MechanismFramework,
    Assessment,
)


def _v1_to_v2(body: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added a participant record's ``guidance``: a version-1 record has none."""
    if "participant" in body and "trajectory" in body:
        body.setdefault("guidance", None)
    return body


# Older wire versions map to a function that upgrades a dict by one version: an older version
# migrates, a newer one fails clearly.
_MIGRATIONS: Final[dict[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {1: _v1_to_v2}


# What structuring can raise on bad input: cattrs' exception groups, the library's own errors
# (from validators and converters), and the builtins that cattrs and the hooks raise on a value
# of the wrong shape. Anything else is a bug and is left to surface as itself.
_STRUCTURE_ERRORS = (
    BaseValidationError,
    PiezoError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
)


class _InvalidValueError(ValueError):
    """A structure hook refused a value; ``reason`` is safe to show (it holds no input)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _structure_date(value: object, _: object) -> datetime.date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _InvalidValueError("expected an ISO date 'YYYY-MM-DD'")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _InvalidValueError("not a calendar date") from None


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _InvalidValueError("expected a string")
    return value


def _whole(value: object) -> int | None:
    """``value`` as a JSON integer: an int, or a float with no fraction (JSON Schema's
    ``integer`` takes ``2.0``, and so does the wire format); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _structure_int(value: object, _: object) -> int:
    found = _whole(value)
    if found is None:
        raise _InvalidValueError("expected an integer")
    return found


def _structure_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _InvalidValueError("expected a number")
    if not math.isfinite(value):
        raise _InvalidValueError("expected a finite number")
    return float(value)


def _structure_scalar(value: object, _: object) -> str | int | float | bool:
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise _InvalidValueError("expected text, a number or true/false")


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _InvalidValueError("expected true or false")
    return value


def _structure_phase(value: object, _: object) -> Phase:
    found = _whole(value)
    if found is None or not 0 <= found <= 4:
        raise _InvalidValueError("expected a phase number 0-4")
    return Phase(found)


def _is_union_of(*members: type) -> Callable[[Any], bool]:
    wanted = set(members)

    def predicate(tp: Any) -> bool:
        return set(get_args(tp)) == wanted and get_origin(tp) is not None

    return predicate


def _structure_code(value: object, _: object) -> int | str:
    if isinstance(value, str):
        return value
    found = _whole(value)
    if found is None:
        raise _InvalidValueError("expected an answer code (an integer or a string)")
    return found


def _structure_number(value: object, _: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _InvalidValueError("expected a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _InvalidValueError("expected a finite number")
    return value


def _is_optional_union(tp: Any) -> bool:
    args = get_args(tp)
    return type(None) in args and len(args) > 2 and get_origin(tp) in (Union, UnionType)


def _optional_union_hook(tp: Any, converter: cattrs.Converter) -> Callable[[object, object], Any]:
    """``A | B | None``: None as is, anything else by the hook for ``A | B``."""
    rest = functools.reduce(operator.or_, [a for a in get_args(tp) if a is not type(None)])
    hook = converter.get_structure_hook(rest)

    def structure(value: object, _: object) -> Any:
        return None if value is None else hook(value, rest)

    return structure


def _is_literal(tp: Any) -> bool:
    return get_origin(tp) is Literal


def _literal_hook(tp: Any) -> Callable[[object, object], Any]:
    allowed = get_args(tp)
    shown = ", ".join(str(a) for a in allowed)

    def structure(value: object, _: object) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        raise _InvalidValueError(f"expected one of: {shown}")

    return structure


def _is_mapping(tp: Any) -> bool:
    return get_origin(tp) in (Mapping, dict)


def _mapping_hook(tp: Any, converter: cattrs.Converter) -> Callable[[object, object], Any]:
    """Strict objects: a JSON object with string keys, each value structured by its type."""
    _, value_type = get_args(tp)
    value_hook = converter.get_structure_hook(value_type)

    def structure(value: object, _: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _InvalidValueError("expected an object")
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _InvalidValueError("expected string keys")
            try:
                result[key] = value_hook(item, value_type)
            except _InvalidValueError as exc:
                raise _InvalidValueError(f"{exc.reason} (at key '{key[:30]}')") from None
        return result

    return structure


def _str_enum_hook(cls: type[enum.StrEnum]) -> Callable[[object, object], enum.StrEnum]:
    allowed = ", ".join(m.value for m in cls)

    def structure(value: object, _: object) -> enum.StrEnum:
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        raise _InvalidValueError(f"expected one of: {allowed}")

    return structure


def _structure_event(value: object, _: object) -> Event:
    if not isinstance(value, dict):
        raise _InvalidValueError("expected an object (an event)")
    tag = value.get("type")
    if not isinstance(tag, str) or tag not in _EVENT_TAGS:
        raise _InvalidValueError("'type' must be one of: " + ", ".join(_EVENT_TAGS))
    body = {k: v for k, v in value.items() if k != "type"}
    cls = _EVENT_TAGS[tag]
    result: Event = _converter.structure(body, cls)
    return result


def _unstructure_event(event: Event) -> dict[str, Any]:
    body: dict[str, Any] = _converter.unstructure(event, unstructure_as=type(event))
    return {"type": _TAG_OF[type(event)], **body}


def _is_collection(tp: Any) -> bool:
    return get_origin(tp) in (tuple, frozenset, list) and tp is not tuple


def _collection_hook(tp: Any, converter: cattrs.Converter) -> Callable[[object, object], Any]:
    """Strict arrays: a JSON array (a list) only — never a string, a dict or a set."""
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return _fixed_tuple_hook(args, converter)
    item_type = args[0]
    item_hook = converter.get_structure_hook(item_type)
    build: Callable[[list[Any]], Any] = origin
    unique = origin is frozenset

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, list | tuple):
            raise _InvalidValueError("expected an array")
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except _STRUCTURE_ERRORS as exc:  # collected and reported with the item's path
                exc.__notes__ = [*getattr(exc, "__notes__", []), _index_note(index, item_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError("invalid items", errors, tp)
        if unique and len(set(items)) != len(items):
            # the schema says uniqueItems: a duplicate is refused, never quietly dropped
            raise _InvalidValueError("the items must be unique")
        return build(items)

    return structure


def _fixed_tuple_hook(
    args: tuple[Any, ...], converter: cattrs.Converter
) -> Callable[[object, object], Any]:
    hooks = [converter.get_structure_hook(a) for a in args]

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, list | tuple) or len(value) != len(args):
            raise _InvalidValueError(f"expected an array of {len(args)} items")
        return tuple(h(v, a) for h, v, a in zip(hooks, value, args, strict=True))

    return structure


def _index_note(index: int, tp: Any) -> IterableValidationNote:
    return IterableValidationNote(f"Structuring item @ index {index}", index, tp)


def _is_frozenset(tp: Any) -> bool:
    return get_origin(tp) is frozenset


def _sorted_list(values: frozenset[Any]) -> list[Any]:
    return [_converter.unstructure(v) for v in sorted(values)]


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    conv.register_structure_hook(Phase, _structure_phase)
    conv.register_unstructure_hook(Phase, int)
    for enum_cls in (
        ExitDestination,
        MoveKind,
        Severity,
        OutcomeDomain,
        Aggregation,
        MeasurementMoment,
        GoalStatus,
        EvidenceKind,
        Confirmer,
        PlacementKind,
        MilestoneKind,
        DataCategory,
        Gender,
        Level,
        Answer,
    ):
        conv.register_structure_hook(enum_cls, _str_enum_hook(enum_cls))
        conv.register_unstructure_hook(enum_cls, lambda e: e.value)
    conv.register_structure_hook_func(_is_union_of(int, str), _structure_code)
    conv.register_structure_hook_func(_is_union_of(int, float), _structure_number)
    conv.register_structure_hook_func(_is_union_of(str, int, float, bool), _structure_scalar)
    conv.register_structure_hook_factory(_is_optional_union, _optional_union_hook)
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_factory(_is_mapping, _mapping_hook)
    conv.register_unstructure_hook_func(_is_mapping, dict)
    conv.register_structure_hook_factory(_is_collection, _collection_hook)
    conv.register_unstructure_hook_func(_is_frozenset, _sorted_list)
    conv.register_structure_hook(Event, _structure_event)
    conv.register_unstructure_hook(Event, _unstructure_event)
    return conv


_converter = _make_converter()


def wire_types() -> tuple[type, ...]:
    """The types with a wire format: what :func:`to_dict` writes and :func:`from_dict` reads.

    >>> len(wire_types()), [cls.__name__ for cls in wire_types()[:3]]
    (17, ['Enrolment', 'PhaseChange', 'Exit'])
    """
    return _TOP_LEVEL


@checked
def to_dict(obj: object) -> dict[str, Any]:
    """A JSON-ready dict of any of the :func:`wire_types` (events, trajectories, policies,
    instruments, responses, measurements, catalogues, passports, consents, disclosures,
    portfolios, participants and their records, mechanism frameworks and assessments), with
    ``schema_version``.

    Events carry their ``type`` tag; optional fields appear as ``None``.
    """
    if not isinstance(obj, _TOP_LEVEL):
        names = ", ".join(c.__name__ for c in _TOP_LEVEL)
        raise SerializationError(
            f"to_dict takes one of: {names}", code=Code.UNSUPPORTED_TYPE, field="obj"
        )
    if isinstance(obj, Enrolment | PhaseChange | Exit):
        body = _unstructure_event(obj)
    else:
        body = _converter.unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, **body}


@checked
def to_json(obj: object, *, indent: int | None = None) -> str:
    """JSON text of :func:`to_dict` (UTF-8 friendly: Dutch characters stay as they are)."""
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


@checked
def from_dict(cls: type[T], data: object) -> T:
    """Build a ``cls`` (any of the :func:`wire_types`) from a dict made by :func:`to_dict`,
    refusing anything else with a ``SerializationError`` that lists every problem. ``data`` is
    only read, never changed."""
    if cls not in _TOP_LEVEL:
        names = ", ".join(getattr(c, "__name__", "?") for c in _TOP_LEVEL)
        raise SerializationError(
            f"from_dict takes one of: {names}", code=Code.UNSUPPORTED_TYPE, field="cls"
        )
    error_cls = InstrumentError if cls is Instrument else SerializationError
    if not isinstance(data, dict):
        raise _refuse([Problem(path="$", message="expected an object")], error_cls=error_cls)
    try:
        # a private deep copy: nothing below (hooks, migrations) can change the caller's document
        own = copy.deepcopy(data)
    except RecursionError:
        problem = Problem(path="$", message="the data is nested too deeply")
        raise _refuse([problem], error_cls=error_cls) from None
    body = _upgrade(own, error_cls)
    target: Any = Event if cls in _TAG_OF else cls
    try:
        result = _converter.structure(body, target)
    except _STRUCTURE_ERRORS as exc:  # every refusal inside becomes one SerializationError
        raise _refuse(_problems(exc, "$"), error_cls=error_cls) from None
    if not isinstance(result, cls):
        expected, found = _TAG_OF.get(cls), _TAG_OF.get(type(result))
        msg = f"expected '{expected}', not '{found}'"
        raise _refuse([Problem(path="$.type", message=msg)], error_cls=error_cls)
    return result


@checked
def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON text and build a ``cls`` as :func:`from_dict` does.

    Refuses text that is not JSON, has ``NaN``/``Infinity``, repeats a key in one object, or
    holds a number too long to read; a leading byte-order mark is allowed.
    """
    error_cls = InstrumentError if cls is Instrument else SerializationError
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")

    def refuse(message: str) -> SerializationError:
        problem = Problem(path="$", message=message)
        return _refuse([problem], code=Code.INVALID_JSON, error_cls=error_cls)

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except _InvalidValueError as exc:
        raise refuse(exc.reason) from None
    except json.JSONDecodeError as exc:
        raise refuse(f"not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except (UnicodeDecodeError, RecursionError):
        raise refuse("not valid JSON (encoding or nesting)") from None
    except ValueError:  # Python's limit on the digits of an int
        raise refuse("a number has too many digits") from None
    return from_dict(cls, data)


MAX_FILE_BYTES: Final = 16 * 1024 * 1024
"""The largest file :func:`load` reads (instrument and catalogue files are a few kB)."""


@checked
def load(cls: type[T], source: os.PathLike[str] | str | bytes | Mapping[str, Any]) -> T:
    """Build a ``cls`` from a file (a ``pathlib.Path`` or other path-like), from JSON text
    (``str`` or ``bytes``) or from a parsed dict — which one is decided by the *type* of
    ``source``, never by its content. A file is read up to :data:`MAX_FILE_BYTES`.

    Raises a ``FieldError`` (code ``no_such_file`` or ``too_large``, field ``source``) when a
    file cannot be read, and what :func:`from_json` / :func:`from_dict` raise otherwise.
    """
    if isinstance(source, Mapping):
        return from_dict(cls, dict(source))
    if isinstance(source, str | bytes):
        return from_json(cls, source)
    if not isinstance(source, os.PathLike):
        raise FieldError(
            "source must be a path, JSON text or a dict", code=Code.WRONG_TYPE, field="source"
        )
    return from_json(cls, read_file(source))


@checked
def read_file(path: os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file, refused with a ``FieldError`` if it cannot be read or is larger
    than ``limit`` (so that ``/dev/zero`` is not read until memory runs out)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL or a lone surrogate in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a usable path"
        raise FieldError(
            f"cannot read the file: {reason}", code=Code.NO_SUCH_FILE, field="source"
        ) from None
    if len(data) > limit:
        raise FieldError(
            f"the file is larger than {limit} bytes", code=Code.TOO_LARGE, field="source"
        )
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _InvalidValueError("an object repeats a key")
        result[key] = value
    return result


def _no_constant(_: str) -> Any:
    raise _InvalidValueError("NaN and Infinity are not JSON")


def _upgrade(data: dict[str, Any], error_cls: type[SerializationError]) -> dict[str, Any]:
    if "schema_version" not in data:
        problem = Problem(path="$.schema_version", message="required field missing")
        raise _refuse([problem], error_cls=error_cls)
    version = _whole(data["schema_version"])
    if version is None or version < 1:
        problem = Problem(path="$.schema_version", message="expected a positive integer")
        raise _refuse([problem], error_cls=error_cls)
    if version > SCHEMA_VERSION:
        # the version is not shown: it may be any integer, even one too long to print
        msg = (
            f"schema_version is newer than this library reads ({SCHEMA_VERSION}); "
            "upgrade piezomethod"
        )
        raise SchemaVersionError(
            msg, problems=[Problem(path="$.schema_version", message=msg)], field="schema_version"
        )
    body = {k: v for k, v in data.items() if k != "schema_version"}
    while version < SCHEMA_VERSION:
        body = _MIGRATIONS[version](body)
        version += 1
    return body


MAX_PROBLEMS: Final = 100
"""The most problems a refusal lists in detail; past it, one last problem counts the rest
(a record with a million bad events is refused in seconds, with 101 problems, not a million)."""


def _refuse(
    problems: list[Problem],
    *,
    code: Code | None = None,
    error_cls: type[SerializationError] = SerializationError,
) -> SerializationError:
    first = problems[0] if problems else Problem(path="$", message="invalid data")
    more = f" (and {len(problems) - 1:,} more)" if len(problems) > 1 else ""
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        message = f"and {rest:,} more problems, counted but not listed"
        problems = [*problems[:MAX_PROBLEMS], Problem(path="$", message=message)]
    return error_cls(
        f"{first.path}: {first.message}{more}", problems=problems or [first], code=code
    )


def _problems(exc: BaseException, path: str) -> list[Problem]:
    """Walk cattrs' exception groups into problems with JSON paths and safe messages."""
    if isinstance(exc, BaseValidationError):
        found: list[Problem] = []
        for sub in exc.exceptions:
            note = next(
                (
                    n
                    for n in getattr(sub, "__notes__", [])
                    if hasattr(n, "name") or hasattr(n, "index")
                ),
                None,
            )
            if note is None:
                sub_path = path
            elif isinstance(exc, ClassValidationError) and hasattr(note, "name"):
                sub_path = f"{path}.{note.name}"
            else:
                sub_path = f"{path}[{note.index}]"
            found.extend(_problems(sub, sub_path))
        return found
    if isinstance(exc, InstrumentError):
        # its problems carry paths from the instrument's root; hang them under this path
        return [Problem(path=path + p.path[1:], message=p.message) for p in exc.problems]
    if isinstance(exc, TransitionError):
        return [
            Problem(path=f"{path}.events[{i.index}]", message=f"{i.code}: {i.message}")
            for i in exc.issues
        ]
    if isinstance(exc, PiezoError):
        where = f"{path}.{exc.field}" if exc.field and not path.endswith(exc.field) else path
        return [Problem(path=where, message=exc.message)]
    if isinstance(exc, _InvalidValueError):
        return [Problem(path=path, message=exc.reason)]
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = ", ".join(repr(k[:30]) for k in sorted(map(str, exc.extra_fields)))
        return [Problem(path=path, message=f"unknown field(s): {keys}")]
    if isinstance(exc, KeyError):
        return [Problem(path=path, message="required field missing")]
    if isinstance(exc, TypeError | AttributeError):
        return [Problem(path=path, message="wrong type")]
    return [Problem(path=path, message="invalid value")]


# --------------------------------------------------------------------------------------------
# JSON Schemas of the wire format
# --------------------------------------------------------------------------------------------

# a calendar date Python has: the year 0000 is a valid RFC 3339 full-date, but no date here
_DATE_SCHEMA: Final = {
    "type": "string",
    "format": "date",
    "pattern": r"^(?!0000)\d{4}-\d{2}-\d{2}$",
}
_SCALARS: Final[Mapping[Any, dict[str, Any]]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime.date: _DATE_SCHEMA,
    Phase: {"type": "integer", "minimum": 0, "maximum": 4},
    type(None): {"type": "null"},
}


def _with_rule(schema: dict[str, Any], json_type: str, keywords: Mapping[str, Any]) -> Any:
    """``schema`` with ``keywords`` added where it describes ``json_type`` (in each branch of
    an ``anyOf``; ``array-of-string``: to the items of an array of strings; ``any``: to the
    whole)."""
    if json_type == "any":
        return {**schema, **keywords}
    if "anyOf" in schema:
        return {**schema, "anyOf": [_with_rule(s, json_type, keywords) for s in schema["anyOf"]]}
    if json_type == "array-of-string" and schema.get("type") == "array":
        return {**schema, "items": _with_rule(schema["items"], "string", keywords)}
    if schema.get("type") == json_type:
        return {**schema, **keywords}
    return schema


class _SchemaBuilder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, tp: Any) -> dict[str, Any]:
        if tp in _SCALARS:
            return dict(_SCALARS[tp])
        if tp is Event:
            return {"oneOf": [self.event(cls, tag) for tag, cls in _EVENT_TAGS.items()]}
        if isinstance(tp, type) and issubclass(tp, enum.StrEnum):
            return {"enum": [m.value for m in tp]}
        if isinstance(tp, type) and attrs.has(tp):
            name = tp.__name__
            if name not in self.defs:
                self.defs[name] = {}  # a placeholder while building breaks recursion
                self.defs[name] = self.object(tp)
            return {"$ref": f"#/$defs/{name}"}
        origin, args = get_origin(tp), get_args(tp)
        if origin in (Union, UnionType):
            options = [self.of(a) for a in args]
            return {"anyOf": options}
        if origin is Literal:
            return {"enum": list(args)}
        if origin in (tuple, list, frozenset):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                items = [self.of(a) for a in args]
                size = len(items)  # ajv's strict mode wants a tuple's length said outright
                return {
                    "type": "array",
                    "prefixItems": items,
                    "items": False,
                    "minItems": size,
                    "maxItems": size,
                }
            schema: dict[str, Any] = {"type": "array", "items": self.of(args[0])}
            if origin is frozenset:
                schema["uniqueItems"] = True
            return schema
        if _is_mapping(tp):
            return {"type": "object", "additionalProperties": self.of(args[1])}
        raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover - a new field type

    def object(self, cls: type) -> dict[str, Any]:
        hints = get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init:
                continue
            name = field.alias or field.name
            properties[name] = self.of(hints[field.name])
            for json_type, keywords in schema_rules(field):
                properties[name] = _with_rule(properties[name], json_type, keywords)
            if field.default is attrs.NOTHING:
                required.append(name)
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc:
            schema["description"] = " ".join(doc.split())
        return schema

    def event(self, cls: type, tag: str) -> dict[str, Any]:
        schema = self.object(cls)
        schema["properties"] = {"type": {"const": tag}, **schema["properties"]}
        schema["required"] = ["type", *schema.get("required", [])]
        return schema


_HISTORY_RULE = (
    "the events follow the phase model (validate_events): dates never go backwards, no "
    "enrolment while enrolled, no phase change or exit while not enrolled, a phase change "
    "changes the phase"
)
_SCHEMA_ONLY: Final[Mapping[str, tuple[str, ...]]] = {
    "Trajectory": (_HISTORY_RULE,),
    "ParticipantRecord": (
        _HISTORY_RULE,
        "every part (trajectory, measurements, passport, consents, guidance) is about the "
        "record's participant",
        "the passport's and the guidance's own rules, as for those types (a referral contact, "
        "and only one, records its referral; a referral's outcome and its date come together)",
    ),
    "Instrument": (
        "every reference resolves: an item's response scale, a scale's and an indicator's "
        "items, the codes a recode or a criterion names",
        "the answer codes within a response scale, and the ids of items, scales and "
        "response scales, are unique",
        "a scale's interpretation bands are not empty and cover its range without gap or overlap",
        "min_answered is at most the number of the scale's items, and prorate_min at most "
        "min_answered",
        "a scale's items have values: from their options, or a recode",
        "a scale item is reversed or recoded, not both",
        "an indicator has rungs",
        "an item's condition (asked_if) names an earlier item and codes on its response "
        "scale, and a conditional item counts in no scale",
        "the answer codes of a response scale differ also as text (1 and '1', 'a1' and 'A1')",
    ),
    "DevelopmentPassport": (
        "an achieved goal has achieved_on, on or after set_on; a placement ends on or after "
        "it starts; ids are unique",
    ),
    "Consent": ("a withdrawal or expiry is on or after the day consent was given",),
}
"""Rules :func:`from_dict` checks that no JSON Schema can express, by type: each schema's
``description`` lists them, and so does the docs page on integrating."""


def _described(name: str, schema: dict[str, Any]) -> None:
    """Add to ``schema``'s description the rules of type ``name`` no schema can say."""
    rules = _SCHEMA_ONLY.get(name)
    if rules and "Also checked" not in schema.get("description", ""):
        also = "; ".join(rules)
        text = schema.get("description", "")
        schema["description"] = (
            f"{text} Also checked by the library (no schema can say it): {also}."
        )


def wire_schemas() -> dict[str, dict[str, Any]]:
    """A JSON Schema (draft 2020-12) for each top-level type of the wire format, by name
    (``participant-record``, ``trajectory``, ...). They describe what :func:`to_dict` writes
    and :func:`from_dict` accepts; :func:`from_dict` also checks what a schema cannot say
    (the phase model, instruments' internal consistency), so a schema-valid document can still
    be refused, with the reason.

    >>> schema = wire_schemas()["trajectory"]
    >>> sorted(schema["properties"])
    ['events', 'participant_id', 'schema_version']
    """
    found: dict[str, dict[str, Any]] = {}
    for cls in _TOP_LEVEL:
        builder = _SchemaBuilder()
        body = builder.event(cls, _TAG_OF[cls]) if cls in _TAG_OF else builder.object(cls)
        _described(cls.__name__, body)
        for name_of_def, definition in builder.defs.items():
            _described(name_of_def, definition)
        readable = {
            "enum": list(range(1, SCHEMA_VERSION + 1)),
            "description": f"{SCHEMA_VERSION} is written; older versions are read (migrated).",
        }
        body["properties"] = {"schema_version": readable, **body["properties"]}
        body["required"] = ["schema_version", *body.get("required", [])]
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://piezomethod.invalid/schemas/{name}.json",
            "title": f"piezomethod {cls.__name__} (wire format v{SCHEMA_VERSION})",
            **body,
        }
        if builder.defs:
            schema["$defs"] = builder.defs
        found[name] = schema
    return found
