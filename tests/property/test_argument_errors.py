"""Every public function refuses a wrong-typed argument with a PiezoError that names the
argument — never a raw TypeError or AttributeError from inside."""

from __future__ import annotations

import datetime
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from piezomethod.errors import PiezoError
from tests.builders import PUBLIC_MODULES

# cli.main takes what argparse parses; strategies are Hypothesis strategies for tests.
SKIPPED = {"cli", "strategies"}


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    found: list[tuple[str, Callable[..., Any]]] = []
    for name in PUBLIC_MODULES:
        if name in SKIPPED:
            continue
        module = importlib.import_module(f"piezomethod.{name}")
        for export in module.__all__:
            obj = getattr(module, export)
            if inspect.isfunction(obj) and (f"{name}.{export}", obj) not in found:
                found.append((f"{name}.{export}", obj))
    return found


FUNCTIONS = _public_functions()
PARAMETERS = [
    (qualified, function, parameter.name)
    for qualified, function in FUNCTIONS
    for parameter in inspect.signature(function).parameters.values()
    if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    and parameter.annotation not in ("object", "Any")
]


def test_there_are_public_functions_to_check() -> None:
    assert len(FUNCTIONS) > 40
    assert len(PARAMETERS) > 80


WRONG: st.SearchStrategy[Any] = st.one_of(
    st.builds(object),
    st.complex_numbers(allow_nan=False),
    st.just(datetime.datetime(2020, 1, 1, 12, 0)),
    st.lists(st.builds(object), min_size=1, max_size=2),
    st.frozensets(st.complex_numbers(allow_nan=False), min_size=1, max_size=2),
)


@pytest.mark.parametrize(
    ("qualified", "function", "name"), PARAMETERS, ids=[f"{q}-{n}" for q, _, n in PARAMETERS]
)
def test_each_argument_names_itself_when_given_a_plain_object(
    qualified: str, function: Callable[..., Any], name: str
) -> None:
    with pytest.raises(PiezoError) as info:
        function(**{name: object()})
    assert info.value.field == name, qualified


@given(parameter=st.sampled_from(PARAMETERS), wrong=WRONG)
def test_a_wrong_typed_argument_is_refused_naming_it(
    parameter: tuple[str, Callable[..., Any], str], wrong: Any
) -> None:
    qualified, function, name = parameter
    annotation = str(inspect.signature(function).parameters[name].annotation)
    # validate_events takes anything and reports each item that is not an event as an issue
    assume(not (isinstance(wrong, list | frozenset) and annotation == "Iterable[object]"))
    with pytest.raises(PiezoError) as info:
        function(**{name: wrong})
    assert info.value.field == name, qualified
