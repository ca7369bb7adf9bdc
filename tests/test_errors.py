"""The error tree: one root, a fitting builtin for each error, stable codes, pickling."""

from __future__ import annotations

import pickle

import pytest

import piezomethod.errors as errors_module
from piezomethod.errors import (
    Code,
    ConsentError,
    FieldError,
    FieldTypeError,
    Issue,
    PiezoError,
    Problem,
    SchemaVersionError,
    SerializationError,
    Severity,
    TransitionError,
)


def _all_error_classes() -> list[type[PiezoError]]:
    found: list[type[PiezoError]] = []
    todo: list[type[PiezoError]] = [PiezoError]
    while todo:
        cls = todo.pop()
        if not cls.__name__.startswith("_"):  # private bases are not raised themselves
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


ERRORS = _all_error_classes()


def test_every_public_error_is_in_the_tree() -> None:
    public = [getattr(errors_module, n) for n in errors_module.__all__]
    exceptions = [c for c in public if isinstance(c, type) and issubclass(c, BaseException)]
    assert exceptions, "errors.__all__ names no exceptions"
    assert all(issubclass(c, PiezoError) for c in exceptions)
    assert set(exceptions) <= set(ERRORS)


@pytest.mark.parametrize(
    "cls", [c for c in ERRORS if c not in (PiezoError, ConsentError)], ids=lambda c: c.__name__
)
def test_each_error_on_bad_input_also_subclasses_a_builtin(cls: type[PiezoError]) -> None:
    assert issubclass(cls, ValueError | TypeError)
    assert not issubclass(cls, OSError)


def test_a_refused_consent_is_no_builtin_error() -> None:
    # it was a PermissionError, hence an OSError: `except OSError` around file I/O caught it
    assert ConsentError.__mro__ == (ConsentError, PiezoError, Exception, BaseException, object)


def test_default_codes_are_distinct() -> None:
    codes = [c.default_code for c in ERRORS]
    assert len(codes) == len(set(codes))


def test_field_type_error_is_both_value_and_type_error() -> None:
    err = FieldTypeError("date must be a date", field="date")
    assert isinstance(err, TypeError)
    assert isinstance(err, FieldError)
    assert err.code == "wrong_type"


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_errors_survive_pickling(cls: type[PiezoError]) -> None:
    err = cls("something broke a rule", code=Code.SAME_PHASE, field="f", participant_id="p-9")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.code, back.field, back.participant_id) == (
        "something broke a rule",
        Code.SAME_PHASE,
        "f",
        "p-9",
    )
    assert str(back) == str(err)


def test_rich_errors_keep_their_payload_through_pickling() -> None:
    issue = Issue(code="same_phase", severity=Severity.ERROR, message="m", index=3)
    err = TransitionError.from_issues([issue, issue], participant_id="p-1")
    back = pickle.loads(pickle.dumps(err))
    assert back.issues == (issue, issue)
    assert back.code == "same_phase"
    assert "and 1 more" in str(back)

    problem = Problem(path="$.schema_version", message="too new")
    ser = SchemaVersionError("too new", problems=[problem])
    back_ser = pickle.loads(pickle.dumps(ser))
    assert isinstance(back_ser, SerializationError)
    assert back_ser.problems == (problem,)
