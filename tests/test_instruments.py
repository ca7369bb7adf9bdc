"""Built-in instruments, loading your own, and the published JSON Schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from piezomethod.errors import FieldError, InstrumentError
from piezomethod.instruments import instrument, instrument_ids, instrument_schema, load_instrument
from piezomethod.serialization import to_dict, to_json

SHIPPED = [
    "cbs-ervaren-gezondheid",
    "cbs-geluk",
    "mhi5",
    "participatieladder",
    "piezo-effectmeting",
    "rand36-algemene-gezondheid",
    "taalniveau",
]


def _raw(instrument_id: str) -> dict[str, Any]:
    path = resources.files("piezomethod") / "data" / "instruments" / f"{instrument_id}.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def test_the_built_ins_are_the_ones_the_method_needs() -> None:
    assert list(instrument_ids()) == SHIPPED


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_every_shipped_instrument_validates_against_the_schema(instrument_id: str) -> None:
    validator = jsonschema.Draft202012Validator(instrument_schema())
    assert list(validator.iter_errors(_raw(instrument_id))) == []
    assert list(validator.iter_errors(to_dict(instrument(instrument_id)))) == []


def test_the_schema_is_a_valid_schema_and_refuses_a_broken_file() -> None:
    schema = instrument_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    broken = {**_raw("cbs-geluk"), "items": "geluk", "surprise": 1}
    assert len(list(jsonschema.Draft202012Validator(schema).iter_errors(broken))) == 2


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_every_shipped_instrument_cites_its_source_and_licence(instrument_id: str) -> None:
    ins = instrument(instrument_id)
    assert ins.source.strip()
    assert ins.licence.strip()
    if ins.reconstructed:
        assert ins.notes is not None


def test_load_from_path_text_bytes_and_dict_agree(tmp_path: Path) -> None:
    data = _raw("mhi5")
    path = tmp_path / "eigen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = [
        load_instrument(path),
        load_instrument(json.dumps(data)),
        load_instrument("\ufeff" + json.dumps(data)),  # a byte-order mark is allowed
        load_instrument(json.dumps(data).encode()),
        load_instrument(data),
    ]
    assert all(x == instrument("mhi5") for x in loaded)
    # the type decides, never the content: a str is JSON text, even when it names a file
    with pytest.raises(InstrumentError) as info:
        load_instrument(str(path))
    assert info.value.code == "invalid_json"


def test_a_malformed_file_lists_every_problem_with_its_path() -> None:
    data = _raw("mhi5")
    data["reconstructed"] = "no"
    data["items"][0]["domain"] = "wealth"
    data["response_scales"][0]["options"][0]["code"] = 1.5
    data["scales"][0]["items"][0]["revers"] = True
    with pytest.raises(InstrumentError) as info:
        load_instrument(data)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("$.reconstructed", "expected true or false"),
        (
            "$.items[0].domain",
            "expected one of: work_education, social_participation, health, language",
        ),
        (
            "$.response_scales[0].options[0].code",
            "expected an answer code (an integer or a string)",
        ),
        ("$.scales[0].items[0]", "unknown field(s): 'revers'"),
    ]


def test_semantic_problems_carry_paths_into_the_file() -> None:
    data = _raw("cbs-geluk")
    data["scales"][0]["interpretations"][0]["bands"][1]["lower"] = 6
    data["items"][0]["response_scale"] = "elders"
    with pytest.raises(InstrumentError) as info:
        load_instrument(data)
    paths = [p.path for p in info.value.problems]
    assert paths == ["$.items[0].response_scale", "$.scales[0].items[0].item"]


def test_band_gaps_in_a_file_are_refused() -> None:
    data = _raw("cbs-geluk")
    data["scales"][0]["interpretations"][0]["bands"][1]["lower"] = 6
    with pytest.raises(InstrumentError) as info:
        load_instrument(data)
    assert [(p.path, p.message) for p in info.value.problems] == [
        (
            "$.scales[0].interpretations[0].bands",
            "the bands leave a gap between 'ongelukkig' and 'neutraal'",
        )
    ]


def test_a_newer_file_version_and_bad_json_are_refused() -> None:
    with pytest.raises(InstrumentError) as info:
        load_instrument({**_raw("cbs-geluk"), "schema_version": 99})
    assert "upgrade piezomethod" in str(info.value)
    with pytest.raises(InstrumentError):
        load_instrument("{ not json")


def test_an_unknown_built_in_is_a_clear_error() -> None:
    with pytest.raises(FieldError) as info:
        instrument("zelfredzaamheidsmatrix")
    assert info.value.code == "unknown_instrument"


def test_instrument_json_round_trips() -> None:
    for instrument_id in SHIPPED:
        ins = instrument(instrument_id)
        assert load_instrument(to_json(ins)) == ins
        assert to_dict(load_instrument(to_dict(ins))) == to_dict(ins)
