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

    def refuse(self, name: str) -> FieldError:
        return self.error(f"{name} must be {self.description}", code=self.code, field=name)


def _accept(_value: object) -> bool:
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool)


def _is_date(value: object) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _is_lang(value: object) -> bool:
    return isinstance(value, str) and value in ("nl", "en")


_SIMPLE: Mapping[Any, _Checker] = {
    Any: _Checker(_accept, "anything"),
    object: _Checker(_accept, "anything"),
    type(None): _Checker(lambda v: v is None, "None"),
    bool: _Checker(lambda v: v is True or v is False, "true or false"),
    int: _Checker(_is_int, "a whole number"),
    float: _Checker(_is_number, "a number"),
    str: _Checker(lambda v: isinstance(v, str), "a string"),
    bytes: _Checker(lambda v: isinstance(v, bytes), "bytes"),
    datetime.date: _Checker(
        _is_date, "a datetime.date (not a datetime or a string)", Code.INVALID_DATE
    ),
    Lang: _Checker(_is_lang, "'nl' or 'en'", Code.UNKNOWN_LANGUAGE, FieldError),
}


def _members(tp: Any) -> _Checker:
    """``X | Y``: either fits."""
    parts = [_compile(a) for a in get_args(tp)]
    tests = tuple(p.test for p in parts)

    def test(value: object) -> bool:
        return any(t(value) for t in tests)

    # a wrong value for an optional date is still a date problem, and so on
    codes = {p.code for p in parts if p.description != "None"}
    code = codes.pop() if len(codes) == 1 else Code.WRONG_TYPE
    description = " or ".join(dict.fromkeys(p.description for p in parts))
    return _Checker(test, description, code, iterable=any(p.iterable for p in parts))


def _items(container: type | tuple[type, ...], item: _Checker, what: str) -> _Checker:
    item_test = item.test

    def test(value: object) -> bool:
        if not isinstance(value, container) or isinstance(value, str | bytes):
            return False
        assert isinstance(value, Iterable)
        return all(item_test(v) for v in value)

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
            return isinstance(value, Mapping) and all(
                keys.test(k) and values.test(v) for k, v in value.items()
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
        return _Checker(lambda v: isinstance(v, tp), f"{article} {name}")
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
    """attrs validator: the field's value fits its annotation (compiled on first use)."""

    __slots__ = ("_checker",)

    def __init__(self) -> None:
        self._checker: _Checker | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        checker = self._checker
        if checker is None:
            checker = self._checker = _compile(_hints(type(instance))[attribute.name])
        if not checker.test(value):
            raise checker.refuse(attribute.alias or attribute.name)


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

    return attrs.Converter(convert, takes_field=True)


def fields(_cls: type, found: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """The attrs ``field_transformer`` of every model class (see the module docs)."""
    result = []
    for field in found:
        changes: dict[str, Any] = {}
        if _takes_field(field.converter):
            changes["converter"] = _with_field(field.converter)  # type: ignore[arg-type]
        if field.init:
            check = _FieldType()
            changes["validator"] = (
                check if field.validator is None else attrs.validators.and_(check, field.validator)
            )
        result.append(field.evolve(**changes))
    return result


# --------------------------------------------------------------------------------------------
# Functions: the argument checker
# --------------------------------------------------------------------------------------------


def checked(function: F) -> F:
    """Check every annotated argument of ``function`` on each call (see the module docs)."""
    signature = inspect.signature(function)
    names = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    plan: dict[str, _Checker] = {}

    def compile_plan() -> None:
        hints = _hints(function)
        for p in signature.parameters.values():
            if p.name in hints and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                plan[p.name] = _compile(hints[p.name])

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not plan:
            compile_plan()
        if args:
            values = list(args)
            for position, value in enumerate(values[: len(names)]):
                checker = plan.get(names[position])
                if checker is not None:
                    values[position] = _argument(checker, names[position], value)
            args = tuple(values)
        for name, value in kwargs.items():
            checker = plan.get(name)
            if checker is not None:
                kwargs[name] = _argument(checker, name, value)
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _argument(checker: _Checker, name: str, value: object) -> object:
    if checker.iterable and isinstance(value, Iterator):
        value = tuple(value)
    if not checker.test(value):
        raise checker.refuse(name)
    return value


# --------------------------------------------------------------------------------------------
# Value rules shared by several modules
# --------------------------------------------------------------------------------------------


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


def as_tuple(values: Iterable[Any], field: str = "value") -> tuple[Any, ...]:
    """A sequence as a tuple; a string, bytes or a mapping is refused.

    Typed loosely on purpose: mypy's attrs plugin cannot carry a TypeVar through a converter.
    """
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise FieldTypeError(f"{field} must be a sequence", code=Code.WRONG_TYPE, field=field)
    return tuple(values)


def texts(values: Iterable[str], field: str = "value") -> tuple[str, ...]:
    """A sequence of non-blank strings, as a tuple."""
    found = as_tuple(values, field)
    if not all(isinstance(v, str) and v.strip() for v in found):
        raise FieldError(
            f"every text in {field} must be a non-blank string", code=Code.BLANK_TEXT, field=field
        )
    return found


def frozen_mapping(values: Mapping[Any, Any], field: str = "value") -> Mapping[Any, Any]:
    """A read-only copy of a mapping, and of every mapping inside it (frozen objects are
    frozen all the way down)."""
    if not isinstance(values, Mapping):
        raise FieldTypeError(f"{field} must be a mapping", code=Code.WRONG_TYPE, field=field)
    return types.MappingProxyType(
        {k: frozen_mapping(v, field) if isinstance(v, Mapping) else v for k, v in values.items()}
    )


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
