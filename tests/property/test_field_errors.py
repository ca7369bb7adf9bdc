"""Every public attrs class refuses a wrong-typed value in each field with a PiezoError that
names that field — never a raw exception, never another field's name."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from piezomethod.errors import FieldError, PiezoError
from tests.builders import examples, public_attrs_classes

EXAMPLES = examples()
CLASSES = public_attrs_classes()
PAIRS = [
    (cls, field.alias or field.name) for cls in CLASSES for field in attrs.fields(cls) if field.init
]


def test_every_public_attrs_class_has_a_real_example() -> None:
    assert [c.__name__ for c in CLASSES if c not in EXAMPLES] == []
    assert len(CLASSES) > 70


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_field_names_itself_when_given_a_plain_object(cls: type) -> None:
    example = EXAMPLES[cls]
    assert attrs.evolve(example) == example  # the example itself is valid
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name = field.alias or field.name
        with pytest.raises(PiezoError) as info:
            attrs.evolve(example, **{name: object()})
        assert isinstance(info.value, FieldError), (cls.__name__, name)
        assert info.value.field == name, (cls.__name__, name, info.value.field)


WRONG: st.SearchStrategy[Any] = st.one_of(
    st.builds(object),
    st.complex_numbers(allow_nan=False),
    st.binary(),
    st.lists(st.builds(object), min_size=1, max_size=3),
    st.dictionaries(st.text(max_size=3), st.builds(object), min_size=1, max_size=2),
    st.sets(st.complex_numbers(allow_nan=False), min_size=1, max_size=2).map(frozenset),
)


@given(pair=st.sampled_from(PAIRS), wrong=WRONG)
def test_a_wrong_typed_value_is_refused_naming_its_field(
    pair: tuple[type, str], wrong: Any
) -> None:
    cls, name = pair
    with pytest.raises(PiezoError) as info:
        attrs.evolve(EXAMPLES[cls], **{name: wrong})
    assert info.value.field == name
    assert info.value.code in ("wrong_type", "invalid_date", "unknown_value", "unknown_language")
