"""HL7 FHIR both ways: an instrument as a ``Questionnaire``, a response as a
``QuestionnaireResponse``, and a ``QuestionnaireResponse`` back as a :class:`Response`. Needs
the ``[fhir]`` extra (``fhir.resources``).

FHIR **R4** (what most Dutch care servers run), **R4B** (the default) and **R5** are written.
What a receiving system gets:

* every answer option as a ``Coding`` in a code system named after the instrument and its
  response scale (``urn:piezomethod:mhi5:frequentie6``), with the option's number as an
  ``ordinalValue`` extension (R4, R4B) or an ``itemWeight`` extension (R5);
* conditional questions as ``enableWhen`` (``Item.asked_if``);
* one read-only ``decimal`` item per scale and one ``integer`` item per indicator whose SDC
  ``calculatedExpression`` (FHIRPath) computes the score from the answers exactly as
  :func:`~piezomethod.outcomes.score` does: each answer's value after reversal or recoding, the
  minimum number of answers, the mean or the sum, the transform, and for a ladder the highest
  rung whose criteria hold (a mean that is a repeating decimal, 43/15, as exactly as a FHIRPath
  decimal can write it). An SDC form filler (LHC-Forms, for one) shows the score as the form
  is filled; a server without SDC can ignore these items. Prorating (``score(...,
  prorate=True)``) is an option of the library and is not in the form;
* labels, descriptions and score names in the declared ``language``.

Everything written is passed through the ``fhir.resources`` model of its version (R4 output
through the R4B model: the Questionnaire elements used are the same in both), so what you get is
valid FHIR, as a JSON-ready dict. :func:`response_from_fhir` reads a ``QuestionnaireResponse``
of any of the three versions back, and scoring what it returns gives the same scores as scoring
the answers directly.

>>> from piezomethod.instruments import instrument
>>> from piezomethod.outcomes import Response, score
>>> mhi5 = instrument("mhi5")
>>> q = questionnaire(mhi5, version="R4", lang="en")
>>> q["item"][0]["linkId"], q["item"][0]["type"], q["item"][-1]["linkId"]
('mhi5_1', 'choice', 'scale:mhi5')
>>> answers = {"mhi5_1": 4, "mhi5_2": 5, "mhi5_3": 4, "mhi5_4": 4, "mhi5_5": 3}
>>> sent = Response(instrument_id="mhi5", instrument_version=mhi5.version, answers=answers)
>>> qr = questionnaire_response(mhi5, sent, version="R4")
>>> back = response_from_fhir(qr, mhi5)
>>> back == sent, score(mhi5, back).scale("mhi5").value
(True, 60.0)
"""

from __future__ import annotations

import datetime
import importlib
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final, Literal, TypeAlias

from piezomethod._checks import checked
from piezomethod._i18n import Lang
from piezomethod.errors import Code, FieldError, Problem, ScoringError
from piezomethod.outcomes import (
    Aggregation,
    AnswerCode,
    Criterion,
    Indicator,
    Instrument,
    Option,
    Response,
    Scale,
    _exact,
    check_response,
)

__all__ = [
    "CALCULATED_EXPRESSION",
    "ITEM_WEIGHT",
    "ORDINAL_VALUE",
    "VARIABLE",
    "FhirVersion",
    "canonical_url",
    "indicator_link_id",
    "questionnaire",
    "questionnaire_response",
    "response_from_fhir",
    "scale_link_id",
]

FhirVersion: TypeAlias = Literal["R4", "R4B", "R5"]

ITEM_WEIGHT: Final = "http://hl7.org/fhir/StructureDefinition/itemWeight"
"""The R5 extension that carries an answer option's number."""
ORDINAL_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
"""The R4 (and R4B) extension that carries an answer option's number."""
CALCULATED_EXPRESSION: Final = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
"""The SDC extension whose FHIRPath computes a score item from the answers."""
VARIABLE: Final = "http://hl7.org/fhir/StructureDefinition/variable"
"""The extension that names a FHIRPath expression for the calculation of its item."""

_VERSIONS: Final = ("R4", "R4B", "R5")
_NOT_ID = re.compile(r"[^A-Za-z0-9\-.]")
_SCORE_PREFIX: Final = ("scale:", "indicator:")

_WORDS: Final[Mapping[str, Mapping[Lang, str]]] = {
    "reconstructed": {"nl": "Reconstructie", "en": "Reconstructed"},
    "source": {"nl": "Bron", "en": "Source"},
    "scores": {
        "nl": (
            "De score-items rekenen de scores uit zoals de bibliotheek piezomethod dat doet "
            "(SDC calculatedExpression); afronden gebeurt pas bij het tonen."
        ),
        "en": (
            "The score items compute the scores as the piezomethod library does (SDC "
            "calculatedExpression); rounding is for display only."
        ),
    },
    "no_prorate": {
        "nl": "Een score met minder antwoorden naar rato (RAND-regel) staat niet in het formulier.",
        "en": "A score prorated from fewer answers (the RAND rule) is not in the form.",
    },
}


def _version(version: str) -> str:
    if version not in _VERSIONS:
        raise FieldError(
            "version must be 'R4', 'R4B' or 'R5'", code=Code.UNKNOWN_VALUE, field="version"
        )
    return version


def _model(version: str, resource: str) -> Any:
    # R4 is checked with the R4B model: fhir.resources ships no R4, and the Questionnaire and
    # QuestionnaireResponse elements written here are the same in both.
    package = "fhir.resources" if version == "R5" else "fhir.resources.R4B"
    try:
        module = importlib.import_module(f"{package}.{resource.lower()}")
    except ImportError:  # pragma: no cover - exercised only without the extra installed
        msg = 'FHIR needs the [fhir] extra: pip install "piezomethod[fhir]"'
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


@checked
def scale_link_id(scale_id: str) -> str:
    """The ``linkId`` of a scale's score item (``scale:mhi5``)."""
    return f"scale:{scale_id}"


@checked
def indicator_link_id(indicator_id: str) -> str:
    """The ``linkId`` of an indicator's item (``indicator:trede``)."""
    return f"indicator:{indicator_id}"


def _system(instrument: Instrument, response_scale: str) -> str:
    return f"urn:piezomethod:{instrument.id}:{response_scale}"


def _weight_url(version: str) -> str:
    return ITEM_WEIGHT if version == "R5" else ORDINAL_VALUE


def _coding(
    instrument: Instrument, scale: str, option: Option, lang: Lang, version: str
) -> dict[str, Any]:
    coding: dict[str, Any] = {
        "system": _system(instrument, scale),
        "code": str(option.code),
        "display": option.label.get(lang=lang),
    }
    if option.value is not None:
        coding["extension"] = [{"url": _weight_url(version), "valueDecimal": option.value}]
    return coding


# --------------------------------------------------------------------------------------------
# FHIRPath for the scores
# --------------------------------------------------------------------------------------------


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _decimal(value: Fraction) -> str:
    """``value`` as an exact FHIRPath number literal (``-2``, ``0.25``). Every number in an
    instrument is an integer or a decimal written in JSON, and sums, reversals and recodes of
    those are too: the denominator has no prime factor but 2 and 5, so the digits end."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    digits = []
    while rest:
        rest *= 10
        digits.append(str(rest // value.denominator))
        rest %= value.denominator
    return f"{sign}{whole}" + (f".{''.join(digits)}" if digits else "")


def _answer(item_id: str) -> str:
    """The code of the answer to a top-level item, as FHIRPath (empty when unanswered)."""
    return f"%resource.item.where(linkId = {_string(item_id)}).answer.value.code"


def _in(item_id: str, codes: Sequence[AnswerCode]) -> str:
    wanted = " | ".join(_string(str(c)) for c in codes)
    return f"({_answer(item_id)} in ({wanted}))"


def _asked(instrument: Instrument, item_id: str) -> str:
    """Three-valued, as :meth:`Instrument.asked`: true, false, or empty (unknown)."""
    parts = []
    item = instrument.item(item_id)
    while item.asked_if is not None:
        parts.append(_in(item.asked_if.item, item.asked_if.codes))
        item = instrument.item(item.asked_if.item)
    return " and ".join(parts) if parts else "true"


def _holds(instrument: Instrument, criterion: Criterion) -> str:
    """A criterion, three-valued as the library decides it: false on an item that was not
    asked, empty when the answer is missing, else whether the answer is one of the codes."""
    answer_in = _in(criterion.item, criterion.codes)
    if instrument.item(criterion.item).asked_if is None:
        return answer_in
    return f"(iif(({_asked(instrument, criterion.item)}) = false, false, {answer_in}))"


def _value(instrument: Instrument, scale: Scale, position: int) -> str:
    """The value an item contributes to a scale, after reversal or recoding (empty when
    unanswered or when the answer carries no value)."""
    item_id = scale.items[position].item
    rs = instrument.response_scale(instrument.item(item_id).response_scale)
    expression = "{}"
    for option in reversed(rs.options):
        value = instrument.value_of(scale.id, item_id, option.code)
        if value is not None:
            code = _string(str(option.code))
            expression = f"iif($this = {code}, {_decimal(value)}, {expression})"
    return f"{_answer(item_id)}.select({expression})"


def _scale_expression(instrument: Instrument, scale: Scale) -> tuple[str, str]:
    """(the collection of the answered items' values, the score) as FHIRPath; the score uses
    the first as ``%values``."""
    parts = [_value(instrument, scale, k) for k in range(len(scale.items))]
    values = parts[0] + "".join(f".combine({p})" for p in parts[1:])
    n, total = len(scale.items), "%values.aggregate($this + $total, 0)"
    if scale.aggregation is Aggregation.SUM:
        raw = f"iif(%values.count() = {n}, {total}, {total} * {n} / %values.count())"
    else:
        raw = f"{total} / %values.count()"
    multiply, add = _exact(scale.transform.multiply), _exact(scale.transform.add)
    if multiply != 1:
        raw = f"({raw}) * {_decimal(multiply)}"
    if add != 0:
        raw = f"({raw}) + {_decimal(add)}"
    return values, f"iif(%values.count() >= {scale.required}, {raw}, {{}})"


def _indicator_expression(
    instrument: Instrument, indicator: Indicator
) -> tuple[list[tuple[str, str]], str]:
    """(variables: each rung's three-valued verdict, the indicator) as FHIRPath: the highest
    rung whose criteria hold; empty when a higher rung cannot be decided."""
    variables: list[tuple[str, str]] = []
    expression = "{}"
    for n, rung in enumerate(sorted(indicator.rungs, key=lambda r: r.value)):
        if not rung.criteria:
            expression = str(rung.value)
            continue
        name = f"rung{n + 1}"
        variables.append((name, " and ".join(_holds(instrument, c) for c in rung.criteria)))
        expression = f"iif(%{name}, {rung.value}, iif(%{name}.empty(), {{}}, {expression}))"
    return variables, expression


def _expression(text: str) -> dict[str, Any]:
    return {"language": "text/fhirpath", "expression": text}


def _variable(name: str, expression: str) -> dict[str, Any]:
    return {"url": VARIABLE, "valueExpression": {"name": name, **_expression(expression)}}


def _score_item(
    link_id: str, text: str, kind: str, variables: list[tuple[str, str]], expression: str
) -> dict[str, Any]:
    """A read-only item whose value the form computes: its variables first, then the value."""
    return {
        "linkId": link_id,
        "text": text,
        "type": kind,
        "readOnly": True,
        "extension": [
            *(_variable(name, value) for name, value in variables),
            {"url": CALCULATED_EXPRESSION, "valueExpression": _expression(expression)},
        ],
    }


def _score_items(instrument: Instrument, lang: Lang) -> list[dict[str, Any]]:
    """One read-only item per scale (``decimal``) and indicator (``integer``)."""
    items = []
    for scale in instrument.scales:
        values, score = _scale_expression(instrument, scale)
        label = scale.label.get(lang=lang)
        items.append(
            _score_item(scale_link_id(scale.id), label, "decimal", [("values", values)], score)
        )
    for indicator in instrument.indicators:
        variables, expression = _indicator_expression(instrument, indicator)
        link, label = indicator_link_id(indicator.id), indicator.label.get(lang=lang)
        items.append(_score_item(link, label, "integer", variables, expression))
    return items


def _check_link_ids(instrument: Instrument) -> None:
    for n, item in enumerate(instrument.items):
        if item.id.startswith(_SCORE_PREFIX):
            raise FieldError(
                "an item id may not start with 'scale:' or 'indicator:' in FHIR (the score "
                "items' linkIds)",
                code=Code.ID_COLLISION,
                field=f"items[{n}].id",
            )


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def _enable_when(
    instrument: Instrument, criterion: Criterion, lang: Lang, version: str
) -> dict[str, Any]:
    rs = instrument.response_scale(instrument.item(criterion.item).response_scale)
    conditions = []
    for code in criterion.codes:
        option = rs.option(code)
        assert option is not None  # the instrument's rules guarantee it
        coding = _coding(instrument, rs.id, option, lang, version)
        coding.pop("extension", None)
        conditions.append({"question": criterion.item, "operator": "=", "answerCoding": coding})
    found: dict[str, Any] = {"enableWhen": conditions}
    if len(conditions) > 1:
        found["enableBehavior"] = "any"
    return found


@checked
def questionnaire(
    instrument: Instrument, *, version: FhirVersion = "R4B", lang: Lang = "nl"
) -> dict[str, Any]:
    """The instrument as a FHIR ``Questionnaire`` (a JSON-ready dict) in ``lang``, with its
    score items (see the module docs).

    >>> from piezomethod.instruments import instrument
    >>> q = questionnaire(instrument("piezo-effectmeting"), version="R4", lang="en")
    >>> level = next(i for i in q["item"] if i["linkId"] == "opleiding_niveau")
    >>> (
    ...     level["text"],
    ...     level["enableWhen"][0]["question"],
    ...     level["enableWhen"][0]["answerCoding"]["code"],
    ... )
    ('If so, at what level?', 'opleiding_volgt', 'ja')
    """
    _version(version)
    _check_link_ids(instrument)
    items = []
    for item in instrument.items:
        rs = instrument.response_scale(item.response_scale)
        options = [
            {"valueCoding": _coding(instrument, rs.id, option, lang, version)}
            for option in rs.options
        ]
        fhir_item: dict[str, Any] = {
            "linkId": item.id,
            "text": item.text.get(lang=lang),
            "answerOption": options,
        }
        if version == "R5":
            fhir_item.update(type="coding", answerConstraint="optionsOnly")
        else:
            fhir_item["type"] = "choice"
        if item.asked_if is not None:
            fhir_item.update(_enable_when(instrument, item.asked_if, lang, version))
        items.append(fhir_item)
    scores = _score_items(instrument, lang)
    description = []
    if instrument.notes is not None:
        notes = instrument.notes.get(lang=lang)
        if instrument.reconstructed:
            notes = f"{_WORDS['reconstructed'][lang]}: {notes}"
        description.append(notes)
    description.append(f"{_WORDS['source'][lang]}: {instrument.source}")
    if scores:
        description.append(_WORDS["scores"][lang])
    if any(s.prorate_min is not None for s in instrument.scales):
        description.append(_WORDS["no_prorate"][lang])
    resource = {
        "resourceType": "Questionnaire",
        "id": _NOT_ID.sub("-", instrument.id)[:64],
        "url": canonical_url(instrument),
        "version": instrument.version,
        "name": re.sub(r"[^A-Za-z0-9]", "", instrument.id.title()) or "Instrument",
        "title": instrument.title.get(lang=lang),
        "status": "active",
        "language": lang,
        "description": "\n\n".join(description),
        "copyright": instrument.licence,
        "item": items + scores,
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
    instrument's item order, each answer's number as an ``ordinalValue`` (R4, R4B) or
    ``itemWeight`` (R5) on its ``Coding``. The score items are not written: they are the
    receiver's to compute.

    Raises :class:`~piezomethod.errors.ScoringError` if the response does not fit the
    instrument. No participant identifier is written; add a ``subject`` yourself if your
    exchange needs one and the participant has consented.
    """
    _version(version)
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
        items.append(
            {
                "linkId": item.id,
                "text": item.text.get(lang=lang),
                "answer": [{"valueCoding": _coding(instrument, rs.id, option, lang, version)}],
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


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------

_STATUSES: Final = ("completed", "amended", "in-progress")


def _fhir_problems(qr: Mapping[str, Any], version: str) -> list[Problem]:
    """The FHIR model's objections, by path and kind; no value from the resource is echoed."""
    import pydantic  # noqa: PLC0415 - a dependency of fhir.resources, needed only here

    try:
        _model(version, "QuestionnaireResponse").model_validate(dict(qr))
    except pydantic.ValidationError as error:
        return [
            Problem(
                path="$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]),
                message=f"not valid FHIR {version} ({e['type']})",
            )
            for e in error.errors()
        ]
    return []


def _summary(problems: Sequence[Problem]) -> str:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def _read_answer(
    instrument: Instrument, item_id: str, answers: Any, path: str, problems: list[Problem]
) -> AnswerCode | None:
    if not isinstance(answers, list) or len(answers) != 1:
        problems.append(Problem(path=path, message="one answer per item"))
        return None
    coding = answers[0].get("valueCoding") if isinstance(answers[0], dict) else None
    where = f"{path}[0].valueCoding"
    if not isinstance(coding, dict):
        problems.append(Problem(path=where, message="an answer is a Coding (valueCoding)"))
        return None
    rs = instrument.response_scale(instrument.item(item_id).response_scale)
    if coding.get("system") != _system(instrument, rs.id):
        message = f"expected the code system {_system(instrument, rs.id)}"
        problems.append(Problem(path=f"{where}.system", message=message))
        return None
    code = coding.get("code")
    found = next((o.code for o in rs.options if str(o.code) == code), None)
    if found is None:
        message = f"code not in response scale '{rs.id}'"
        problems.append(Problem(path=f"{where}.code", message=message))
    return found


@checked
def response_from_fhir(
    qr: Mapping[str, Any], instrument: Instrument, *, version: FhirVersion = "R4B"
) -> Response:
    """A FHIR ``QuestionnaireResponse`` (a parsed JSON dict, R4, R4B or R5) to ``instrument``
    as a :class:`~piezomethod.outcomes.Response` with the instrument's typed codes (``"4"``
    becomes ``4`` where the instrument's code is the number 4).

    Refused with :class:`~piezomethod.errors.ScoringError` listing every problem, by JSON
    path: a resource that is not valid FHIR of ``version`` (R4 is read with the R4B model), not
    a ``QuestionnaireResponse``, for another questionnaire or version, ``entered-in-error`` or
    ``stopped``; an unknown ``linkId`` or one given twice; an item without exactly one answer;
    an answer that is not a ``Coding`` of the item's code system or whose code is not on its
    response scale; nested items. The score items (``scale:…``, ``indicator:…``) a form filler
    adds are skipped: scores are the library's to compute. An answer to an item that should not
    have been asked is kept (scoring ignores it). No answer from the resource appears in a
    message.
    """
    _version(version)
    if not isinstance(qr, Mapping) or qr.get("resourceType") != "QuestionnaireResponse":
        problem = Problem(path="$.resourceType", message="expected 'QuestionnaireResponse'")
        raise ScoringError(str(problem), problems=[problem])
    problems = _fhir_problems(qr, version)
    if problems:
        raise ScoringError(_summary(problems), problems=problems)
    canonical = qr.get("questionnaire")
    if canonical is not None:
        url, _, qversion = str(canonical).partition("|")
        if url != canonical_url(instrument):
            problems.append(
                Problem(path="$.questionnaire", message=f"expected {canonical_url(instrument)}")
            )
        elif qversion and qversion != instrument.version:
            message = f"expected version '{instrument.version}'"
            problems.append(Problem(path="$.questionnaire", message=message))
    if qr.get("status") not in _STATUSES:
        message = f"a response with status {', '.join(_STATUSES)} can be read"
        problems.append(Problem(path="$.status", message=message))
    known = {item.id for item in instrument.items}
    answers: dict[str, AnswerCode] = {}
    for n, entry in enumerate(qr.get("item", [])):
        path = f"$.item[{n}]"
        link = entry.get("linkId", "")
        if link.startswith(_SCORE_PREFIX):
            continue
        if link not in known:
            problems.append(
                Problem(path=f"{path}.linkId", message="not an item of this instrument")
            )
            continue
        if link in answers:
            problems.append(Problem(path=f"{path}.linkId", message="this item appears twice"))
            continue
        if entry.get("item"):
            problems.append(Problem(path=f"{path}.item", message="nested items are not read"))
        if "answer" not in entry:
            continue  # an item shown but not answered
        code = _read_answer(instrument, link, entry["answer"], f"{path}.answer", problems)
        if code is not None:
            answers[link] = code
    if problems:
        raise ScoringError(_summary(problems), problems=problems)
    return Response(
        instrument_id=instrument.id, instrument_version=instrument.version, answers=answers
    )
