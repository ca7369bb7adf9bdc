"""Field checks and converters shared by the domain modules (private).

Each raises a :class:`~piezomethod.errors.FieldError` (or ``FieldTypeError``) naming the field
and the rule, and never echoes the value it refused.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from piezomethod.errors import FieldError, FieldTypeError

E = TypeVar("E", bound=enum.StrEnum)


def require_date(value: object, field: str) -> None:
    """A calendar date: a ``datetime.date`` that is not a ``datetime``."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise FieldTypeError(
            f"{field} must be a datetime.date (not a datetime or a string)",
            code="invalid_date",
            field=field,
        )


def check_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator for :func:`require_date`."""
    require_date(value, attribute.name)


def check_optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: None or a calendar date."""
    if value is not None:
        require_date(value, attribute.name)


def require_text(value: object, field: str) -> None:
    """A non-blank string."""
    if not isinstance(value, str):
        raise FieldTypeError(f"{field} must be a string", code="wrong_type", field=field)
    if not value.strip():
        raise FieldError(f"{field} must be a non-blank string", code="blank_text", field=field)


def check_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator for :func:`require_text`."""
    require_text(value, attribute.name)


def check_optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: None or a non-blank string (blank is refused: use None)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise FieldTypeError(f"{attribute.name} must be a string or None", field=attribute.name)
    if not value.strip():
        raise FieldError(
            f"{attribute.name} must not be blank; use None when there is none",
            code="blank_text",
            field=attribute.name,
        )


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """A sequence as a tuple; a string, bytes or a mapping is refused.

    Typed loosely on purpose: mypy's attrs plugin cannot carry a TypeVar through a converter.
    """
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise FieldTypeError("expected a sequence", code="wrong_type")
    return tuple(values)


def texts(values: Iterable[str]) -> tuple[str, ...]:
    """A sequence of non-blank strings, as a tuple."""
    found = as_tuple(values)
    if not all(isinstance(v, str) and v.strip() for v in found):
        raise FieldError("every text in the list must be a non-blank string", code="blank_text")
    return found


def to_enum(cls: type[E], value: object, field: str) -> E:
    """A member of the string enum ``cls`` from a member or its value."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        raise FieldTypeError(f"{field} must be a {cls.__name__}", code="wrong_type", field=field)
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise FieldError(
            f"{field} must be one of: {allowed}", code=f"unknown_{field}", field=field
        ) from None
