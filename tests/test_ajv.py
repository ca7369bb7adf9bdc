"""The published JSON Schemas under ajv, the validator most non-Python systems use.

Every schema ``piezomethod schema`` writes compiles in ajv's strict mode (draft 2020-12, with
ajv-formats), and ajv judges a batch of generated documents — as the library writes them and
mutated one place at a time — as the library does, except for the rules no schema can say
(see ``tests/property/test_schema_agreement.py``). One node process for the whole batch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod.dataset import table_schemas
from piezomethod.serialization import to_dict, wire_schemas
from tests.conftest import need_service
from tests.property.test_schema_agreement import SCHEMA_ONLY, SUBJECTS, _judge, _mutated

SCRIPT = Path(__file__).with_name("ajv_check.js")


def _ajv(schemas: dict[str, Any], documents: list[tuple[str, Any]]) -> dict[str, Any]:
    modules = need_service("PIEZO_NODE_MODULES", "ajv and ajv-formats installed by npm")
    node = shutil.which("node")
    assert node is not None, "Node.js is needed"
    found = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps({"schemas": schemas, "documents": documents}),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NODE_PATH": modules},
        timeout=300,
    )
    result: dict[str, Any] = json.loads(found.stdout)
    return result


def test_every_published_schema_compiles_in_strict_mode() -> None:
    schemas = {**wire_schemas(), **{f"table-{k}": v for k, v in table_schemas().items()}}
    result = _ajv(schemas, [])
    assert result["failed"] == {}
    assert sorted(result["compiled"]) == sorted(schemas)


_BATCH: list[tuple[str, dict[str, Any]]] = []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(SUBJECTS)).flatmap(
        lambda name: (
            SUBJECTS[name][1]
            .map(to_dict)
            .flatmap(lambda doc: st.one_of(st.just(doc), _mutated(doc)))
            .map(lambda doc: (name, doc))
        )
    )
)
def _collect(item: tuple[str, dict[str, Any]]) -> None:
    _BATCH.append(item)


def test_ajv_and_the_library_agree_on_generated_documents() -> None:
    _BATCH.clear()
    _collect()
    result = _ajv(wire_schemas(), _BATCH)
    assert result["failed"] == {}
    agree = disagree = 0
    for (name, doc), by_ajv in zip(_BATCH, result["verdicts"], strict=True):
        schema_ok, refusal = _judge(name, doc)
        assert by_ajv == schema_ok, (name, doc)  # ajv and jsonschema read the schema alike
        if refusal is None:
            assert by_ajv, (name, doc)
        elif by_ajv:
            messages = [p.message for p in refusal.problems]
            assert all(any(rule in m for rule in SCHEMA_ONLY) for m in messages), messages
            disagree += 1
            continue
        agree += 1
    assert agree > len(_BATCH) / 2
    print(f"ajv: {len(_BATCH)} documents, {agree} judged alike, {disagree} by a listed rule")
