"""The error tree: one root, a fitting builtin for each error, stable codes, pickling."""

from __future__ import annotations

import ast
import importlib.util
import pickle
from pathlib import Path

import pytest

import piezomethod.errors as errors_module
from piezomethod.catalogues import mechanism_framework
from piezomethod.errors import (
    Code,
    CodeArea,
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
    codes,
)
from piezomethod.mechanisms import evaluate
from piezomethod.phases import TransitionPolicy
from tests.builders import rich_record


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


# --- the registry of codes -----------------------------------------------------------------

SRC = Path(__file__).resolve().parents[1] / "src" / "piezomethod"


def _code_references() -> dict[str, list[str]]:
    """Every ``Code.NAME`` in the library's source, by name, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("Code", "ErrorCode")
                and node.attr.isupper()
            ):
                found.setdefault(node.attr, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_code_used_is_registered_and_every_registered_code_is_used() -> None:
    used = _code_references()
    registered = {c.name for c in Code}
    assert sorted(set(used) - registered) == []
    assert sorted(registered - set(used)) == []


def test_no_code_is_written_as_a_bare_string_in_the_library() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "code"
                and isinstance(node.value, ast.Constant)
            ):
                offenders.append(f"{path.name}:{node.value.lineno}")
    assert offenders == []


def test_every_code_has_an_area_and_a_meaning_in_both_languages() -> None:
    assert len(Code) > 80
    for code in Code:
        assert isinstance(code.area, CodeArea)
        assert code.nl.strip(), code
        assert code.en.strip(), code
        assert code.meaning() == code.nl
        assert code.meaning(lang="en") == code.en
    # one code, one meaning: no value is registered twice
    assert len({c.value for c in Code}) == len(Code) == len(Code.__members__)
    assert set(codes()) == set(Code)
    assert all(c.area is CodeArea.CONSENT for c in codes(CodeArea.CONSENT))


def test_an_unregistered_code_is_refused_on_an_issue() -> None:
    with pytest.raises(FieldError) as info:
        Issue(code="not_a_code", severity="error", message="m")
    assert (info.value.code, info.value.field) == ("unknown_code", "code")
    with pytest.raises(FieldError) as info:
        Code.DATE_BACKWARDS.meaning(lang="fr")  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("unknown_language", "lang")


def test_the_docs_list_every_error_and_every_code_from_the_registry() -> None:
    spec = importlib.util.spec_from_file_location("docs_conf", SRC.parents[1] / "docs" / "conf.py")
    assert spec is not None
    assert spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    text = conf.codes_markdown()
    for code in Code:
        assert f"| `{code.value}` | {code.nl} | {code.en} |" in text
    for cls in ERRORS:
        assert f"| `{cls.__name__}` |" in text


def test_the_field_names_the_rule_breaker_not_a_neighbour() -> None:
    # these named the wrong field before the field names came from the fields themselves
    with pytest.raises(FieldError) as info:
        TransitionPolicy(name="x", exit_phases=[9])
    assert (info.value.code, info.value.field) == ("unknown_phase", "exit_phases")
    with pytest.raises(FieldError) as info:
        TransitionPolicy.from_kinds("x", allowed=["nope"])
    assert (info.value.code, info.value.field) == ("unknown_value", "allowed")
    with pytest.raises(FieldError) as info:
        evaluate(rich_record(), as_of="2020-01-01", framework=mechanism_framework())  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("invalid_date", "as_of")
