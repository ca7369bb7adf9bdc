"""One error tree for the whole library, and the problem record that validation returns.

Every error the library raises on bad input is a :class:`PiezoError`. Each one also subclasses
the builtin exception that fits (``ValueError`` for a value that breaks a rule, ``TypeError``
for a value of the wrong type), so code that already catches builtins keeps working. Every error
carries a stable machine-readable ``code`` and, where known, the ``field`` and the
``participant_id`` it is about. Errors survive pickling (they cross process boundaries in
parallel pipelines), and their messages never echo personal free text such as names, reasons
or notes.

Whole-history and whole-dataset validation does not raise at the first problem; it returns a
list of :class:`Issue` records instead.

>>> from piezomethod.errors import FieldError, PiezoError
>>> err = FieldError("date must be a datetime.date", code="invalid_date", field="date")
>>> isinstance(err, PiezoError) and isinstance(err, ValueError)
True
>>> err.code, err.field
('invalid_date', 'date')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "ConsentError",
    "FieldError",
    "FieldTypeError",
    "InstrumentError",
    "Issue",
    "PiezoError",
    "PolicyError",
    "Problem",
    "SchemaVersionError",
    "ScoringError",
    "SerializationError",
    "Severity",
    "TransitionError",
]


class Severity(enum.StrEnum):
    """How bad an :class:`Issue` is. Errors make a history unusable; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found by a whole-history or whole-dataset validation.

    ``code`` is stable and meant for machines (filter, count, translate); ``message`` is for
    people and never contains personal free text. ``index`` is the position of the event the
    issue is about, counted from 0 in the list that was validated.
    """

    code: str
    severity: Severity
    message: str
    index: int | None = None
    participant_id: str | None = None
    field: str | None = None

    @property
    def is_error(self) -> bool:
        """True when the issue is an error (not a warning)."""
        return self.severity is Severity.ERROR


@attrs.frozen(kw_only=True)
class Problem:
    """One reason a piece of wire data (JSON) was refused, with the JSON path it is about."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _rebuild(cls: type[PiezoError], message: str, state: dict[str, Any]) -> PiezoError:
    """Recreate an error from its pickled message and attributes."""
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.message = message
    for name, value in state.items():
        setattr(err, name, value)
    return err


class PiezoError(Exception):
    """The root of every error the library raises on bad input.

    Catch this to catch them all. ``code`` is a stable identifier of the rule that was broken;
    each subclass has a default and a raise site may name a more specific one.
    """

    default_code: str = "piezo_error"

    code: str
    field: str | None
    participant_id: str | None
    message: str

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.field = field
        self.participant_id = participant_id

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "message"}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._state()))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class FieldError(PiezoError, ValueError):
    """A single object was built with a field value that breaks a rule."""

    default_code = "invalid_field"


class FieldTypeError(FieldError, TypeError):
    """A single object was built with a field value of the wrong type."""

    default_code = "wrong_type"


class PolicyError(PiezoError, ValueError):
    """A transition policy was defined inconsistently (for example a move to the same phase)."""

    default_code = "invalid_policy"


class TransitionError(PiezoError, ValueError):
    """An event, or a whole history, breaks the rules of the phase model or of the policy.

    ``issues`` holds every error-severity :class:`Issue` that was found, so a caller can show
    all of them at once. The message summarises the first.
    """

    default_code = "invalid_transition"
    issues: tuple[Issue, ...]

    def __init__(
        self,
        message: str,
        *,
        issues: Iterable[Issue] = (),
        code: str | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field, participant_id=participant_id)
        self.issues = tuple(issues)

    @classmethod
    def from_issues(
        cls, issues: Iterable[Issue], *, participant_id: str | None = None
    ) -> TransitionError:
        """Build the error for a list of issues: the first one's code, all of them attached."""
        found = tuple(issues)
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        where = f"event {first.index}: " if first.index is not None else ""
        msg = f"{where}{first.message}{more}"
        return cls(msg, issues=found, code=first.code, participant_id=participant_id)


class _ProblemListError(PiezoError):
    """Base for errors that carry every problem found, each with the path it is about."""

    problems: tuple[Problem, ...]

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[Problem] = (),
        code: str | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field, participant_id=participant_id)
        self.problems = tuple(problems)


class SerializationError(_ProblemListError, ValueError):
    """Wire data (a dict or JSON text) could not be turned into library objects.

    ``problems`` lists every reason found, each with the JSON path it is about
    (``$.events[2].date``). Values from the input are never echoed.
    """

    default_code = "invalid_data"


class SchemaVersionError(SerializationError):
    """The data carries a ``schema_version`` this version of the library cannot read."""

    default_code = "unsupported_schema_version"


class InstrumentError(SerializationError):
    """An instrument definition breaks the model's rules; ``problems`` lists every one, each
    with the JSON path of the part of the instrument file it is about."""

    default_code = "invalid_instrument"


class ScoringError(_ProblemListError, ValueError):
    """A response cannot be scored against an instrument; ``problems`` lists every reason.

    Raised for unknown items, codes outside the item's response scale and version mismatches.
    Messages name the item, never the answer given.
    """

    default_code = "invalid_response"


class ConsentError(PiezoError, PermissionError):
    """Sharing was asked for without a valid consent for that recipient, purpose and data."""

    default_code = "no_consent"
