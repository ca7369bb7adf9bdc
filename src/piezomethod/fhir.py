"""HL7 FHIR export: an instrument as a ``Questionnaire``, a response as a
``QuestionnaireResponse``. Needs the ``[fhir]`` extra (``fhir.resources``).

FHIR R4B is the default; pass ``version="R5"`` for R5. Every answer option carries its numeric
value as an ``itemWeight`` extension (``http://hl7.org/fhir/StructureDefinition/itemWeight``), so
a receiving system can score without this library. Answer codes are written as FHIR ``Coding``s
in a code system named after the instrument and its response scale. The output is passed
through the ``fhir.resources`` model of the chosen version, so what you get is valid FHIR, as
a JSON-ready dict.

>>> from piezomethod.instruments import instrument
>>> q = questionnaire(instrument("cbs-geluk"), lang="en")
>>> q["resourceType"], q["item"][0]["linkId"], q["item"][0]["type"]
('Questionnaire', 'geluk', 'choice')
"""

from __future__ import annotations

import datetime
import importlib
import re
from typing import Any, Literal, TypeAlias

from piezomethod._checks import checked
from piezomethod._i18n import Lang
from piezomethod.errors import Code, FieldError, ScoringError
from piezomethod.outcomes import Instrument, Option, Response, check_response

__all__ = ["ITEM_WEIGHT", "FhirVersion", "canonical_url", "questionnaire", "questionnaire_response"]

FhirVersion: TypeAlias = Literal["R4B", "R5"]

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
_NOT_ID = re.compile(r"[^A-Za-z0-9\-.]")


def _model(version: str, resource: str) -> Any:
    if version not in ("R4B", "R5"):
        raise FieldError("version must be 'R4B' or 'R5'", code=Code.UNKNOWN_VALUE, field="version")
    package = "fhir.resources.R4B" if version == "R4B" else "fhir.resources"
    try:
        module = importlib.import_module(f"{package}.{resource.lower()}")
    except ImportError:  # pragma: no cover - exercised only without the extra installed
        msg = 'FHIR export needs the [fhir] extra: pip install "piezomethod[fhir]"'
        raise ImportError(msg) from None
    return getattr(module, resource)


def _validated(version: str, resource: dict[str, Any]) -> dict[str, Any]:
    model = _model(version, resource["resourceType"])
    result: dict[str, Any] = model.model_validate(resource).model_dump(mode="json")
    return result


@checked
def canonical_url(instrument: Instrument) -> str:
    """The canonical URL the export uses for an instrument's questionnaire."""
    return f"urn:piezomethod:questionnaire:{instrument.id}"


def _system(instrument: Instrument, response_scale: str) -> str:
    return f"urn:piezomethod:{instrument.id}:{response_scale}"


def _coding(instrument: Instrument, scale: str, option: Option, lang: Lang) -> dict[str, Any]:
    coding: dict[str, Any] = {
        "system": _system(instrument, scale),
        "code": str(option.code),
        "display": option.label.get(lang=lang),
    }
    return coding


def _weight(option: Option) -> list[dict[str, Any]]:
    if option.value is None:
        return []
    return [{"url": ITEM_WEIGHT, "valueDecimal": option.value}]


@checked
def questionnaire(
    instrument: Instrument, *, version: FhirVersion = "R4B", lang: Lang = "nl"
) -> dict[str, Any]:
    """The instrument as a FHIR ``Questionnaire`` (a JSON-ready dict)."""
    items = []
    for item in instrument.items:
        rs = instrument.response_scale(item.response_scale)
        options = []
        for option in rs.options:
            entry: dict[str, Any] = {"valueCoding": _coding(instrument, rs.id, option, lang)}
            weight = _weight(option)
            if weight:
                entry["extension"] = weight
            options.append(entry)
        fhir_item: dict[str, Any] = {
            "linkId": item.id,
            "text": item.text.get(lang=lang),
            "answerOption": options,
        }
        if version == "R5":
            fhir_item.update(type="coding", answerConstraint="optionsOnly")
        else:
            fhir_item["type"] = "choice"
        items.append(fhir_item)
    description = instrument.source
    if instrument.reconstructed and instrument.notes is not None:
        description += " Reconstructed: " + instrument.notes.get(lang=lang)
    resource = {
        "resourceType": "Questionnaire",
        "id": _NOT_ID.sub("-", instrument.id)[:64],
        "url": canonical_url(instrument),
        "version": instrument.version,
        "name": re.sub(r"[^A-Za-z0-9]", "", instrument.id.title()) or "Instrument",
        "title": instrument.title.get(lang=lang),
        "status": "active",
        "language": lang,
        "description": description,
        "copyright": instrument.licence,
        "item": items,
    }
    return _validated(version, resource)


@checked
def questionnaire_response(
    instrument: Instrument,
    response: Response,
    *,
    version: FhirVersion = "R4B",
    lang: Lang = "nl",
    authored: datetime.date | None = None,
) -> dict[str, Any]:
    """A response as a FHIR ``QuestionnaireResponse`` (a JSON-ready dict), answers in the
    instrument's item order, each answer's value as an ``itemWeight`` on its ``Coding``.

    Raises :class:`~piezomethod.errors.ScoringError` if the response does not fit the
    instrument. No participant identifier is written; add a ``subject`` yourself if your
    exchange needs one and the participant has consented.
    """
    problems = check_response(instrument, response)
    if problems:
        raise ScoringError(str(problems[0]), problems=problems)
    items = []
    for item in instrument.items:
        if item.id not in response.answers:
            continue
        rs = instrument.response_scale(item.response_scale)
        option = rs.option(response.answers[item.id])
        assert option is not None  # check_response guarantees it
        coding = _coding(instrument, rs.id, option, lang)
        weight = _weight(option)
        if weight:
            coding["extension"] = weight
        items.append(
            {
                "linkId": item.id,
                "text": item.text.get(lang=lang),
                "answer": [{"valueCoding": coding}],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical_url(instrument)}|{instrument.version}",
        "status": "completed",
        "language": lang,
        "item": items,
    }
    if authored is not None:
        resource["authored"] = authored.isoformat()
    return _validated(version, resource)
