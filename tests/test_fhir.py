"""FHIR export, validated with fhir.resources for R4B and R5."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from fhir.resources.questionnaire import Questionnaire as QuestionnaireR5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as ResponseR5
from fhir.resources.R4B.questionnaire import Questionnaire as QuestionnaireR4B
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as ResponseR4B

from piezomethod.errors import FieldError, ScoringError
from piezomethod.fhir import (
    ITEM_WEIGHT,
    FhirVersion,
    canonical_url,
    questionnaire,
    questionnaire_response,
)
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.outcomes import Response

MODELS: dict[str, tuple[Any, Any]] = {
    "R4B": (QuestionnaireR4B, ResponseR4B),
    "R5": (QuestionnaireR5, ResponseR5),
}


@pytest.mark.parametrize("version", ["R4B", "R5"])
@pytest.mark.parametrize("instrument_id", list(instrument_ids()))
def test_every_instrument_exports_as_a_valid_questionnaire(
    instrument_id: str, version: str
) -> None:
    ins = instrument(instrument_id)
    q = questionnaire(ins, version=version)  # type: ignore[arg-type]
    MODELS[version][0].model_validate(q)  # raises if the output is not valid FHIR
    assert [i["linkId"] for i in q["item"]] == [i.id for i in ins.items]
    assert q["url"] == canonical_url(ins)
    assert q["version"] == ins.version
    for fhir_item, item in zip(q["item"], ins.items, strict=True):
        options = ins.response_scale(item.response_scale).options
        assert [o["valueCoding"]["code"] for o in fhir_item["answerOption"]] == [
            str(o.code) for o in options
        ]
        weights = [
            next(
                (e["valueDecimal"] for e in o.get("extension", []) if e["url"] == ITEM_WEIGHT), None
            )
            for o in fhir_item["answerOption"]
        ]
        assert weights == [o.value for o in options]


def test_r4b_and_r5_differ_where_fhir_does() -> None:
    r4b = questionnaire(instrument("cbs-geluk"))
    r5 = questionnaire(instrument("cbs-geluk"), version="R5")
    assert r4b["item"][0]["type"] == "choice"
    assert (r5["item"][0]["type"], r5["item"][0]["answerConstraint"]) == ("coding", "optionsOnly")


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_a_response_exports_as_a_valid_questionnaire_response(version: FhirVersion) -> None:
    ins = instrument("mhi5")
    response = Response(
        instrument_id="mhi5", instrument_version=ins.version, answers={"mhi5_3": 2, "mhi5_1": 4}
    )
    qr = questionnaire_response(
        ins, response, version=version, lang="en", authored=datetime.date(2021, 3, 4)
    )
    MODELS[version][1].model_validate(qr)
    assert qr["questionnaire"] == f"{canonical_url(ins)}|{ins.version}"
    assert [i["linkId"] for i in qr["item"]] == ["mhi5_1", "mhi5_3"]  # instrument order
    codings = [i["answer"][0]["valueCoding"] for i in qr["item"]]
    assert [(c["code"], c["display"], c["extension"][0]["valueDecimal"]) for c in codings] == [
        ("4", "some of the time", 3),
        ("2", "most of the time", 1),
    ]
    assert qr["authored"].startswith("2021-03-04")
    assert "subject" not in qr


def test_a_bad_response_or_version_is_refused() -> None:
    ins = instrument("mhi5")
    with pytest.raises(ScoringError) as info:
        questionnaire_response(
            ins, Response(instrument_id="mhi5", instrument_version="1.0", answers={"mhi5_1": 9})
        )
    assert info.value.code == "invalid_response"
    assert [p.path for p in info.value.problems] == ["$.answers.mhi5_1"]
    with pytest.raises(FieldError) as field_info:
        questionnaire(ins, version="STU3")  # type: ignore[arg-type]
    assert (field_info.value.code, field_info.value.field) == ("unknown_value", "version")
