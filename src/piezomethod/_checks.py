"""Field and argument checks shared by every module (private).

Two mechanisms keep the promise that a wrong value is refused with a
:class:`~piezomethod.errors.FieldError` (or ``FieldTypeError``) naming the *right* field:

* :func:`fields` is the attrs ``field_transformer`` of every model class. It gives each field a
  type check derived from its annotation (run before the field's own validators), and it hands
  a converter that takes a ``field`` parameter the field's name through
  ``attrs.Converter(..., takes_field=True)`` — so a shared converter cannot name the wrong field.
* :func:`checked` decorates public functions: each argument is checked against its annotation
  and refused with the parameter's name. An iterator passed where an ``Iterable`` is expected
  is read once into a tuple, so its items can be checked.

Messages name the field and the rule and never echo the value.
"""

from __future__ import annotations

import collections.abc
import datetime
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import attrs
from dateutil.relativedelta import relativedelta

from piezomethod._i18n import Lang
from piezomethod.errors import Code, FieldError, FieldTypeError

F = TypeVar("F", bound=Callable[..., Any])
E = TypeVar("E", bound=enum.StrEnum)


# --------------------------------------------------------------------------------------------
# Checkers compiled from annotations
# --------------------------------------------------------------------------------------------


@attrs.frozen
class _Checker:
    """A compiled check: ``test(value)`` is true when the value fits; otherwise the error is
    ``error(f"{name} must be {description}", code=code, field=name)``."""

    test: Callable[[object], bool]
    description: str
    code: Code = Code.WRONG_TYPE
    error: type[FieldError] = FieldTypeError
    iterable: bool = False
    """The annotation is an ``Iterable``: an iterator is read into a tuple before the test."""
    types: tuple[type, ...] | None = None
    """Set when the test is just ``isinstance(value, types)`` (bool excluded unless listed):
    a union of such checks then becomes one ``isinstance`` call."""

    def refuse(self, name: str) -> FieldError:
        return self.error(f"{name} must be {self.description}", code=self.code, field=name)


def _accept(_value: object) -> bool:
    return True


def _is_date(value: object) -> bool:
    kind = value.__class__
    return kind is datetime.date or (
        kind is not datetime.datetime and isinstance(value, datetime.date)
    )


def _is_lang(value: object) -> bool:
    return isinstance(value, str) and value in ("nl", "en")


def _instance_of(types: tuple[type, ...]) -> Callable[[object], bool]:
    """``isinstance(value, types)``, with bool refused unless it is one of ``types``."""
    if len(types) == 1 and not issubclass(int, types[0]):
        # the bound ``type.__instancecheck__`` is isinstance(v, tp) without a Python frame
        return types[0].__instancecheck__
    if bool in types or not any(issubclass(bool, t) for t in types):
        return lambda v: isinstance(v, types)
    return lambda v: isinstance(v, types) and v.__class__ is not bool


def _plain(types: tuple[type, ...], description: str) -> _Checker:
    return _Checker(_instance_of(types), description, types=types)


_SIMPLE: Mapping[Any, _Checker] = {
    Any: _Checker(_accept, "anything"),
    object: _Checker(_accept, "anything"),
    type(None): _Checker(lambda v: v is None, "None"),
    bool: _plain((bool,), "true or false"),
    int: _plain((int,), "a whole number"),
    float: _plain((int, float, Fraction), "a number"),
    str: _plain((str,), "a string"),
    bytes: _plain((bytes,), "bytes"),
    datetime.date: _Checker(
        _is_date, "a datetime.date (not a datetime or a string)", Code.INVALID_DATE
    ),
    Lang: _Checker(_is_lang, "'nl' or 'en'", Code.UNKNOWN_LANGUAGE, FieldError),
}


def _members(tp: Any) -> _Checker:
    """``X | Y``: either fits."""
    parts = [_compile(a) for a in get_args(tp)]
    real = [p for p in parts if p.description != "None"]
    optional = len(real) < len(parts)
    description = " or ".join(dict.fromkeys(p.description for p in parts))
    plain = [p.types for p in real if p.types is not None]
    if len(plain) == len(real) > 1:  # one isinstance call for them all
        merged = _plain(tuple(t for group in plain for t in group), description)
        real = [merged]
    tests = tuple(p.test for p in real)
    if len(tests) == 1:  # the common ``X | None``: one test, no loop
        only = tests[0]

        def test(value: object) -> bool:
            return (optional and value is None) or only(value)

    else:

        def test(value: object) -> bool:
            return (optional and value is None) or any(t(value) for t in tests)

    # a wrong value for an optional date is still a date problem, and so on
    codes = {p.code for p in real}
    code = codes.pop() if len(codes) == 1 else Code.WRONG_TYPE
    types = real[0].types if len(real) == 1 and not optional else None
    error = real[0].error if len(real) == 1 else FieldTypeError
    iterable = any(p.iterable for p in parts)
    return _Checker(test, description, code, error, iterable=iterable, types=types)


def _items(container: type | tuple[type, ...], item: _Checker, what: str) -> _Checker:
    item_test = item.test

    def test(value: object) -> bool:
        if not isinstance(value, container) or isinstance(value, str | bytes):
            return False
        assert isinstance(value, Iterable)
        return all(map(item_test, value))

    return _Checker(test, f"{what} of {item.description}")


def _compile(tp: Any) -> _Checker:
    """The checker for an annotation (resolved, not a string)."""
    simple = _SIMPLE.get(tp)
    if simple is not None:
        return simple
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        return _members(tp)
    if origin is Literal:
        allowed = frozenset(args)
        shown = ", ".join(repr(a) for a in args)
        return _Checker(
            lambda v: isinstance(v, str | int) and v in allowed,
            f"one of {shown}",
            Code.UNKNOWN_VALUE,
            FieldError,
        )
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _items(tuple, _compile(args[0]), "a tuple")
        parts = [_compile(a) for a in args]

        def fixed(value: object) -> bool:
            return (
                isinstance(value, tuple)
                and len(value) == len(parts)
                and all(p.test(v) for p, v in zip(parts, value, strict=True))
            )

        return _Checker(fixed, f"a tuple of {len(parts)}")
    if origin in (frozenset, set, list):
        return _items(origin, _compile(args[0]), f"a {origin.__name__}")
    if origin in (dict, collections.abc.Mapping):
        keys, values = _compile(args[0]), _compile(args[1])

        def mapping(value: object) -> bool:
            return (
                isinstance(value, Mapping)
                and all(map(keys.test, value.keys()))
                and all(map(values.test, value.values()))
            )

        return _Checker(mapping, f"a mapping of {keys.description} to {values.description}")
    if origin in (collections.abc.Iterable, collections.abc.Sequence, collections.abc.Collection):
        item = _compile(args[0]) if args else _SIMPLE[Any]
        checker = _items(origin, item, "a sequence")
        return attrs.evolve(checker, iterable=origin is collections.abc.Iterable)
    if origin is type:
        return _Checker(lambda v: isinstance(v, type), "a class")
    if origin is collections.abc.Callable or tp is collections.abc.Callable:
        return _Checker(callable, "a function")
    if isinstance(tp, TypeVar):
        return _compile(tp.__bound__) if tp.__bound__ is not None else _SIMPLE[Any]
    if isinstance(origin, type):  # another generic class, such as os.PathLike[str]
        return _Checker(lambda v: isinstance(v, origin), f"a {origin.__name__}")
    if isinstance(tp, type):
        name = tp.__name__
        article = "an" if name[:1].lower() in "aeiou" else "a"
        if issubclass(tp, bool | int) and not issubclass(tp, enum.Enum):
            return _SIMPLE[int]
        return _plain((tp,), f"{article} {name}")
    raise TypeError(f"no check for the annotation {tp!r}")  # pragma: no cover - a new kind


_HINTS: dict[object, dict[str, Any]] = {}


def _hints(owner: object) -> dict[str, Any]:
    """The resolved annotations of a class or function (resolved once, then kept)."""
    found = _HINTS.get(owner)
    if found is None:
        found = _HINTS[owner] = typing.get_type_hints(owner)
    return found


# --------------------------------------------------------------------------------------------
# attrs: the field transformer
# --------------------------------------------------------------------------------------------


class _FieldType:
    """attrs validator: the field's value fits its annotation (compiled on first use), then
    the field's own validator, if any, runs."""

    __slots__ = ("_test", "then")

    def __init__(self, then: Callable[[Any, attrs.Attribute[Any], Any], Any] | None) -> None:
        self._test: Callable[[object], bool] | None = None
        self.then = then

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        test = self._test
        if test is None:
            test = self._test = _compile(_hints(type(instance))[attribute.name]).test
        if not test(value):
            checker = _compile(_hints(type(instance))[attribute.name])
            raise checker.refuse(attribute.alias or attribute.name)
        if self.then is not None:
            self.then(instance, attribute, value)


def _takes_field(converter: object) -> bool:
    if isinstance(converter, attrs.Converter) or not callable(converter):
        return False
    try:
        return "field" in inspect.signature(converter).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return False


def _with_field(converter: Callable[[Any, str], Any]) -> attrs.Converter[Any, Any]:
    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        return converter(value, field.alias or field.name)

    wrapped: attrs.Converter[Any, Any] = attrs.Converter(convert, takes_field=True)
    if id(converter) in SCHEMA_RULES:
        SCHEMA_RULES[id(wrapped)] = SCHEMA_RULES[id(converter)]
    return wrapped


def schema_rules(field: attrs.Attribute[Any]) -> list[tuple[str, dict[str, Any]]]:
    """The JSON Schema rules of ``field``: its ``json_schema`` metadata (a tuple of (JSON type
    or ``"any"``, keywords)), and those of its validators and converter (see
    :func:`schema_rule`)."""
    found: list[tuple[str, dict[str, Any]]] = list(field.metadata.get("json_schema", ()))
    pending: list[Any] = [field.validator, field.converter]
    while pending:
        item = pending.pop()
        if item is None:
            continue
        if id(item) in SCHEMA_RULES:
            found.append(SCHEMA_RULES[id(item)])
        if isinstance(item, _FieldType):
            pending.append(item.then)
        pending.extend(getattr(item, "_validators", ()))
        pending.append(getattr(item, "validator", None))
    return found


def fields(_cls: type, found: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """The attrs ``field_transformer`` of every model class (see the module docs)."""
    result = []
    for field in found:
        changes: dict[str, Any] = {}
        if _takes_field(field.converter):
            changes["converter"] = _with_field(field.converter)  # type: ignore[arg-type]
        if field.init:
            changes["validator"] = _FieldType(field.validator)
        result.append(field.evolve(**changes))
    return result


# --------------------------------------------------------------------------------------------
# Functions: the argument checker
# --------------------------------------------------------------------------------------------


def checked(function: F) -> F:
    """Check every annotated argument of ``function`` on each call (see the module docs)."""
    signature = inspect.signature(function)
    names = tuple(
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    )
    # name -> (test, iterable), compiled on the first call (annotations may name classes
    # defined after the function)
    plan: dict[str, tuple[Callable[[object], bool], bool]] = {}

    def compile_plan() -> None:
        hints = _hints(function)
        for p in signature.parameters.values():
            if p.name in hints and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                checker = _compile(hints[p.name])
                plan[p.name] = (checker.test, checker.iterable)

    def check(name: str, value: object) -> object:
        test, iterable = plan.get(name, (_accept, False))
        if iterable and isinstance(value, Iterator):
            value = tuple(value)
        if not test(value):
            raise _compile(_hints(function)[name]).refuse(name)
        return value

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not plan:
            compile_plan()
        if args:
            args = tuple(
                check(names[n], value) if n < len(names) else value for n, value in enumerate(args)
            )
        for name, value in kwargs.items():
            kwargs[name] = check(name, value)
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Value rules shared by several modules
# --------------------------------------------------------------------------------------------


NON_BLANK = (
    "[^\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029"
    "\\u202f\\u205f\\u3000]"
)
"""A JSON Schema ``pattern`` (ECMA 262 and Python alike) for a non-blank string: one character
that Python's ``str.strip()`` would not remove."""

SCHEMA_RULES: dict[int, tuple[str, dict[str, Any]]] = {}
"""What a validator or converter requires, in JSON Schema words, by the id of the function:
(the JSON type it applies to, the keywords). The schema generator reads it
(:func:`piezomethod.serialization.wire_schemas`)."""


def schema_rule(function: Any, json_type: str, **keywords: Any) -> Any:
    """Record that ``function`` (a validator or converter) requires ``keywords`` of values of
    ``json_type`` (``"string"``, ``"integer"``, ``"array-of-string"``); returns it."""
    SCHEMA_RULES[id(function)] = (json_type, keywords)
    return function


def require_date(value: object, field: str) -> None:
    """A calendar date: a ``datetime.date`` that is not a ``datetime``."""
    if not _is_date(value):
        raise _SIMPLE[datetime.date].refuse(field)


def require_text(value: object, field: str) -> None:
    """A non-blank string."""
    if not isinstance(value, str):
        raise _SIMPLE[str].refuse(field)
    if not value.strip():
        raise FieldError(f"{field} must be a non-blank string", code=Code.BLANK_TEXT, field=field)


def check_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator for :func:`require_text`."""
    require_text(value, attribute.alias or attribute.name)


def check_optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: None or a non-blank string (blank is refused: use None)."""
    if value is None:
        return
    name = attribute.alias or attribute.name
    if not isinstance(value, str):
        raise _SIMPLE[str].refuse(name)
    if not value.strip():
        raise FieldError(
            f"{name} must not be blank; use None when there is none",
            code=Code.BLANK_TEXT,
            field=name,
        )


schema_rule(check_text, "string", pattern=NON_BLANK)
schema_rule(check_optional_text, "string", pattern=NON_BLANK)


def as_tuple(values: Iterable[Any], field: str = "value") -> tuple[Any, ...]:
    """A sequence as a tuple; a string, bytes or a mapping is refused.

    Typed loosely on purpose: mypy's attrs plugin cannot carry a TypeVar through a converter.
    """
    kind = values.__class__
    if kind is tuple:
        return values  # type: ignore[return-value]
    if kind is list:
        return tuple(values)
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise FieldTypeError(f"{field} must be a sequence", code=Code.WRONG_TYPE, field=field)
    return tuple(values)


def texts(values: Iterable[str], field: str = "value") -> tuple[str, ...]:
    """A sequence of non-blank strings, as a tuple."""
    found = as_tuple(values, field)
    if not all(isinstance(v, str) for v in found):
        raise FieldTypeError(f"{field} must hold strings", code=Code.WRONG_TYPE, field=field)
    if not all(v.strip() for v in found):
        raise FieldError(
            f"every text in {field} must be a non-blank string", code=Code.BLANK_TEXT, field=field
        )
    return found


schema_rule(texts, "array-of-string", pattern=NON_BLANK)


def frozen_mapping(values: Mapping[Any, Any], field: str = "value") -> Mapping[Any, Any]:
    """A read-only copy of a mapping, and of every mapping inside it (frozen objects are
    frozen all the way down)."""
    if not isinstance(values, Mapping):
        raise FieldTypeError(f"{field} must be a mapping", code=Code.WRONG_TYPE, field=field)
    return types.MappingProxyType(
        {
            k: v if isinstance(v, _SCALARS) or not isinstance(v, Mapping) else frozen_mapping(v)
            for k, v in values.items()
        }
    )


_SCALARS = (str, int, float, type(None))


def optional_frozen_mapping(values: Mapping[Any, Any] | None, field: str = "value") -> Any:
    """None, or a read-only copy of a mapping."""
    return None if values is None else frozen_mapping(values, field)


def to_enum(cls: type[E], value: object, field: str) -> E:
    """A member of the string enum ``cls`` from a member or its value."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        raise FieldTypeError(f"{field} must be a {cls.__name__}", code=Code.WRONG_TYPE, field=field)
    found = cls._value2member_map_.get(value)
    if found is None:
        allowed = ", ".join(m.value for m in cls)
        raise FieldError(
            f"{field} must be one of: {allowed}", code=Code.UNKNOWN_VALUE, field=field
        ) from None
    return typing.cast(E, found)


def shift(day: datetime.date, days: int = 0, *, months: int = 0) -> datetime.date:
    """``day`` moved by ``days`` (and calendar ``months``), held at the calendar's ends instead
    of overflowing: a window that would end after 9999-12-31 (a placeholder some systems write
    for "no end") ends there."""
    try:
        if months:
            return day + relativedelta(days=days, months=months)
        return day + datetime.timedelta(days=days)
    except (OverflowError, ValueError):
        return datetime.date.max if (months or days) > 0 else datetime.date.min


def at_least(minimum: int, code: Code) -> Callable[[object, Any, int], None]:
    """An attrs validator: a whole number of at least ``minimum``, else ``code`` naming the
    field."""

    def check(_instance: object, attribute: Any, value: int) -> None:
        if value < minimum:
            name = attribute.alias or attribute.name
            raise FieldError(f"{name} must be a whole number >= {minimum}", code=code, field=name)

    schema_rule(check, "integer", minimum=minimum)
    return check
