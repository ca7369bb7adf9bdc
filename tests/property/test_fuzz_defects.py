"""Defects found by fuzzing, each now a property: loaders never change their input, frozen
objects are frozen all the way down, huge numbers and odd paths are refused with a PiezoError,
Markdown output stays literal text, and a pseudonymised export keys every id."""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from piezomethod.catalogues import load_skill_catalogue, skill_catalogue
from piezomethod.consent import Portfolio, PortfolioPlacement
from piezomethod.errors import FieldError, PiezoError, SerializationError
from piezomethod.instruments import instrument, load_instrument
from piezomethod.passport import PlacementKind
from piezomethod.phases import Phase
from piezomethod.records import pseudonymise
from piezomethod.render import portfolio_markdown
from piezomethod.serialization import from_dict, from_json, to_dict, wire_types
from tests.builders import examples, rich_record
from tests.property.test_serialization_properties import _mutations

EXAMPLES = examples()
WIRE = [(cls, to_dict(EXAMPLES[cls])) for cls in wire_types()]


def test_every_wire_type_has_an_example() -> None:
    assert len(WIRE) == len(wire_types()) == 17


@pytest.mark.parametrize(("cls", "doc"), WIRE, ids=[c.__name__ for c, _ in WIRE])
def test_a_valid_document_is_read_back_and_left_as_it_was(cls: type, doc: dict[str, Any]) -> None:
    before = copy.deepcopy(doc)
    assert from_dict(cls, doc) == EXAMPLES[cls]
    assert doc == before


@given(st.data())
def test_loaders_never_change_what_they_are_given(data: st.DataObject) -> None:
    cls, doc = data.draw(st.sampled_from(WIRE))
    mutated = data.draw(_mutations(doc))
    before = copy.deepcopy(mutated)
    with contextlib.suppress(PiezoError):
        from_dict(cls, mutated)
    assert mutated == before


def _mutable_inside(value: Any, path: str = "") -> list[str]:
    """Where a dict, list or set sits inside a frozen object."""
    if isinstance(value, dict | list | set):
        return [path or "$"]
    if attrs.has(type(value)):
        found = []
        for field in attrs.fields(type(value)):
            if field.name.startswith("_"):
                continue
            found += _mutable_inside(getattr(value, field.name), f"{path}.{field.name}")
        return found
    if isinstance(value, tuple | frozenset):
        return [p for n, item in enumerate(value) for p in _mutable_inside(item, f"{path}[{n}]")]
    if hasattr(value, "items"):  # a read-only mapping: look inside
        return [p for k, item in value.items() for p in _mutable_inside(item, f"{path}[{k!r}]")]
    return []


@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda c: c.__name__)
def test_frozen_all_the_way_down(cls: type) -> None:
    assert _mutable_inside(EXAMPLES[cls]) == []


def test_an_instrument_read_from_json_holds_no_mutable_recode() -> None:
    rand = load_instrument(json.dumps(to_dict(instrument("rand36-algemene-gezondheid"))))
    recodes = [si.recode for s in rand.scales for si in s.items if si.recode is not None]
    assert recodes
    for recode in recodes:
        with pytest.raises(TypeError):
            recode["1"] = 0  # type: ignore[index]


@pytest.mark.parametrize("digits", [4301, 20000])
def test_a_number_too_long_to_print_is_refused_not_crashed_on(digits: int) -> None:
    huge = 10**digits
    with pytest.raises(SerializationError) as info:
        from_json(Portfolio, '{"schema_version": 1' + "0" * digits + "}")
    assert info.value.code == "invalid_json"
    with pytest.raises(SerializationError) as info:
        from_dict(Portfolio, {"schema_version": huge})
    assert info.value.code == "unsupported_schema_version"
    assert "0000000000" not in str(info.value)


SOURCES = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40),
    st.text(max_size=10).map(lambda s: "\ufeff" + s),
    st.text(max_size=10).map(lambda s: "[" + s),
)


@given(SOURCES)
def test_any_text_or_bytes_is_json_text_and_is_refused_with_a_piezo_error(source: Any) -> None:
    for load in (load_instrument, load_skill_catalogue):
        with contextlib.suppress(PiezoError):
            load(source)


@given(st.text(min_size=1, max_size=30))
def test_any_path_that_cannot_be_read_is_a_field_error(name: str) -> None:
    for load in (load_instrument, load_skill_catalogue):
        with pytest.raises(PiezoError) as info:
            load(Path("/nonexistent-folder") / name)
        assert info.value.field == "source" or isinstance(info.value, SerializationError)


def test_odd_paths_and_endless_files_are_refused() -> None:
    for path in (Path("a\x00b"), Path("a\udcffb"), Path("/nonexistent/x.json")):
        with pytest.raises(FieldError) as info:
            load_instrument(path)
        assert (info.value.code, info.value.field) == ("no_such_file", "source")
    if Path("/dev/zero").exists():
        with pytest.raises(FieldError) as info:
            load_instrument(Path("/dev/zero"))
        assert (info.value.code, info.value.field) == ("too_large", "source")


def test_a_datetime_where_a_date_is_meant_is_refused_everywhere() -> None:
    record = rich_record()
    assert record.passport is not None
    from piezomethod.consent import may_share, portfolio

    moment = datetime.datetime(2022, 6, 1, 12, 0)
    with pytest.raises(FieldError) as info:
        portfolio(
            record.passport,
            recipient="employer",
            purpose="sollicitatie",
            consents=record.consents,
            as_of=moment,
            catalogue=skill_catalogue(),
        )
    assert (info.value.code, info.value.field) == ("invalid_date", "as_of")
    with pytest.raises(FieldError) as info:
        may_share(
            record.consents,
            recipient="employer",
            purpose="sollicitatie",
            category="passport",  # type: ignore[arg-type]
            as_of=moment,
        )
    assert info.value.field in ("category", "as_of")


def _portfolio_with(value: str) -> Portfolio:
    return Portfolio(
        participant_id="p-1",
        recipient=value,
        purpose="x",
        lang="en",
        issued_on=datetime.date(2022, 1, 1),
        skills=(),
        placements=(
            PortfolioPlacement(
                kind=PlacementKind.JOB,
                kind_label="job",
                organisation=value,
                phase=Phase(4),
                start=datetime.date(2022, 1, 1),
                end=None,
                hours_per_week=None,
                skills=(value,),
            ),
        ),
    )


def _structure(markdown: str) -> list[str]:
    """The tags of the rendered page, in order: what the Markdown built, apart from text."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return re.findall(r"</?[a-z0-9]+", html)


@given(st.text(max_size=40))
def test_portfolio_markdown_shows_every_value_as_literal_text(value: str) -> None:
    # whatever the value, the page has the structure of a page with a plain word in its place:
    # no link, image, HTML, emphasis, heading or extra table cell came from the value
    assert _structure(portfolio_markdown(_portfolio_with(value))) == _structure(
        portfolio_markdown(_portfolio_with("x"))
    )


def test_portfolio_markdown_defuses_a_javascript_link() -> None:
    shown = attrs.evolve(EXAMPLES[Portfolio], recipient="[klik](javascript:alert(1))")
    html = MarkdownIt("commonmark").render(portfolio_markdown(shown))
    assert "<a " not in html
    assert "[klik](javascript:alert(1))" in html


def test_a_pseudonymised_export_keys_every_id() -> None:
    record = rich_record()
    assert record.passport is not None
    named = attrs.evolve(
        record,
        passport=attrs.evolve(
            record.passport,
            goals=[attrs.evolve(g, id="doel-fatima-taal") for g in record.passport.goals],
            placements=[attrs.evolve(p, id="stage-fatima") for p in record.passport.placements],
            celebrations=[
                attrs.evolve(c, milestone_id="goal-doel-fatima-taal")
                for c in record.passport.celebrations
            ],
        ),
    )
    key = b"a research key, kept apart"
    out = pseudonymise(named, key=key)
    text = json.dumps(to_dict(out))
    assert "fatima" not in text
    assert out.passport is not None
    # links stay intact: the celebration still names the (keyed) goal it celebrates
    goal_id = out.passport.goals[0].id
    assert out.passport.celebrations[0].milestone_id == f"goal-{goal_id}"
    assert pseudonymise(named, key=key) == out  # deterministic for one key
    other = pseudonymise(named, key=b"another key, kept apart")
    assert other.passport is not None
    assert other.passport.goals[0].id != goal_id
