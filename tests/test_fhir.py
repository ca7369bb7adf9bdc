"""FHIR both ways: the export validated with fhir.resources (R4 with the R4B model), the score
items' FHIRPath evaluated by an independent engine (fhirpathpy) against the library's scores,
and QuestionnaireResponses read back. The real form renderer is in test_lhc_forms.py."""

from __future__ import annotations

import copy
import datetime
import json
from fractions import Fraction
from typing import Any

import pytest
from fhir.resources.questionnaire import Questionnaire as QuestionnaireR5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as ResponseR5
from fhir.resources.R4B.questionnaire import Questionnaire as QuestionnaireR4B
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as ResponseR4B
from fhirpathpy import evaluate
from fhirpathpy.models import models
from hypothesis import given, settings
from hypothesis import strategies as st

from piezomethod.errors import FieldError, ScoringError
from piezomethod.fhir import (
    CALCULATED_EXPRESSION,
    ITEM_WEIGHT,
    ORDINAL_VALUE,
    VARIABLE,
    FhirVersion,
    _decimal,
    _string,
    canonical_url,
    indicator_link_id,
    questionnaire,
    questionnaire_response,
    response_from_fhir,
    scale_link_id,
)
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.outcomes import (
    Criterion,
    Indicator,
    Instrument,
    Item,
    Option,
    Response,
    ResponseScale,
    Rung,
    Scale,
    ScaleItem,
    Text,
    Transform,
    score,
)
from piezomethod.strategies import responses
from tests.builders import library_scores, same_score

VERSIONS: tuple[FhirVersion, ...] = ("R4", "R4B", "R5")
MODELS: dict[str, tuple[Any, Any]] = {
    "R4": (QuestionnaireR4B, ResponseR4B),  # fhir.resources has no R4; the elements are the same
    "R4B": (QuestionnaireR4B, ResponseR4B),
    "R5": (QuestionnaireR5, ResponseR5),
}
INSTRUMENTS = list(instrument_ids())


def _weight(extensions: list[dict[str, Any]], version: str) -> Any:
    url = ITEM_WEIGHT if version == "R5" else ORDINAL_VALUE
    assert all(e["url"] == url for e in extensions)  # never the other version's extension
    return next((e["valueDecimal"] for e in extensions), None)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_every_instrument_exports_as_a_valid_questionnaire(
    instrument_id: str, version: FhirVersion
) -> None:
    ins = instrument(instrument_id)
    q = questionnaire(ins, version=version)
    MODELS[version][0].model_validate(q)  # raises if the output is not valid FHIR
    scores = [scale_link_id(s.id) for s in ins.scales]
    scores += [indicator_link_id(i.id) for i in ins.indicators]
    assert [i["linkId"] for i in q["item"]] == [i.id for i in ins.items] + scores
    assert (q["url"], q["version"]) == (canonical_url(ins), ins.version)
    for fhir_item, item in zip(q["item"], ins.items, strict=False):
        options = ins.response_scale(item.response_scale).options
        codings = [o["valueCoding"] for o in fhir_item["answerOption"]]
        assert [c["code"] for c in codings] == [str(o.code) for o in options]
        weights = [_weight(c.get("extension", []), version) for c in codings]
        assert weights == [o.value for o in options]


def test_the_versions_differ_where_fhir_does() -> None:
    r4 = questionnaire(instrument("cbs-geluk"), version="R4")
    r5 = questionnaire(instrument("cbs-geluk"), version="R5")
    assert r4["item"][0]["type"] == "choice"
    assert (r5["item"][0]["type"], r5["item"][0]["answerConstraint"]) == ("coding", "optionsOnly")
    first = r4["item"][0]["answerOption"][0]["valueCoding"]["extension"][0]["url"]
    assert first == ORDINAL_VALUE
    assert r5["item"][0]["answerOption"][0]["valueCoding"]["extension"][0]["url"] == ITEM_WEIGHT


@pytest.mark.parametrize("version", VERSIONS)
def test_a_conditional_item_is_exported_as_enable_when(version: FhirVersion) -> None:
    q = questionnaire(instrument("piezo-effectmeting"), version=version, lang="en")
    level = next(i for i in q["item"] if i["linkId"] == "opleiding_niveau")
    (condition,) = level["enableWhen"]
    assert (condition["question"], condition["operator"]) == ("opleiding_volgt", "=")
    assert condition["answerCoding"]["code"] == "ja"
    assert condition["answerCoding"]["system"] == "urn:piezomethod:piezo-effectmeting:ja_nee"
    assert "enableBehavior" not in level  # one condition
    unconditional = [i for i in q["item"] if i["linkId"] != "opleiding_niveau"]
    assert not any("enableWhen" in i for i in unconditional)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_every_text_is_in_the_declared_language(instrument_id: str, lang: str) -> None:
    ins = instrument(instrument_id)
    q = questionnaire(ins, version="R4", lang=lang)  # type: ignore[arg-type]
    assert q["language"] == lang
    assert q["title"] == ins.title.get(lang=lang)  # type: ignore[arg-type]
    labels = [s.label for s in ins.scales] + [i.label for i in ins.indicators]
    texts = [i.text for i in ins.items] + labels
    assert [i["text"] for i in q["item"]] == [t.get(lang=lang) for t in texts]  # type: ignore[arg-type]
    for fhir_item, item in zip(q["item"], ins.items, strict=False):
        options = ins.response_scale(item.response_scale).options
        shown = [o["valueCoding"]["display"] for o in fhir_item["answerOption"]]
        assert shown == [o.label.get(lang=lang) for o in options]  # type: ignore[arg-type]
    assert ins.notes is not None
    assert q["description"].split("\n\n")[0].endswith(ins.notes.get(lang=lang))  # type: ignore[arg-type]
    other = "en" if lang == "nl" else "nl"
    source_word = {"nl": "Bron:", "en": "Source:"}
    assert source_word[lang] in q["description"]
    assert source_word[other] not in q["description"]


# --------------------------------------------------------------------------------------------
# The score items, evaluated by another FHIRPath engine
# --------------------------------------------------------------------------------------------


def _fhirpath_scores(q: dict[str, Any], qr: dict[str, Any]) -> dict[str, Any]:
    """Every score item's value as fhirpathpy computes it: variables first, in order."""
    found = {}
    for item in q["item"]:
        extensions = item.get("extension", [])
        if not any(e["url"] == CALCULATED_EXPRESSION for e in extensions):
            continue
        context: dict[str, Any] = {"resource": qr}
        for extension in extensions:
            expression = extension["valueExpression"]["expression"]
            result = evaluate(qr, expression, context, model=models["r4"])
            if extension["url"] == VARIABLE:
                context[extension["valueExpression"]["name"]] = result
            else:
                assert len(result) <= 1
                found[item["linkId"]] = result[0] if result else None
    return found


@given(
    st.integers(-(10**6), 10**6),
    st.integers(0, 12),
    st.integers(0, 12),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12),
)
def test_numbers_and_texts_are_written_as_exact_fhirpath_literals(
    numerator: int, twos: int, fives: int, text: str
) -> None:
    value = Fraction(numerator, 2**twos * 5**fives)
    assert Fraction(str(evaluate({}, _decimal(value))[0])) == value
    assert evaluate({}, _string(text)) == [text]


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
@settings(max_examples=30)  # each example evaluates every score item in FHIRPath
@given(data=st.data())
def test_the_score_items_compute_the_librarys_scores(instrument_id: str, data: Any) -> None:
    ins = instrument(instrument_id)
    q = questionnaire(ins, version="R4")
    response = data.draw(responses(ins))  # any response, also answers to unasked items
    qr = questionnaire_response(ins, response, version="R4")
    if data.draw(st.booleans(), label="as a form sends it: unasked answers removed"):
        qr["item"] = [i for i in qr.get("item", []) if ins.asked(i["linkId"], response.answers)]
    computed, expected = _fhirpath_scores(q, qr), library_scores(ins, response)
    assert computed.keys() == expected.keys()
    for link, value in expected.items():
        assert same_score(computed[link], value), (link, computed[link], value)


def _unusual() -> Instrument:
    """What no built-in has: a mean scale with a fractional transform and an offset, an option
    without a value, negative and decimal values, a recode, and a condition on two codes and on
    a conditional item."""
    t = Text(nl="t", en="t")
    options = (
        Option(code=1, label=t, value=-1.5),
        Option(code=2, label=t, value=0.25),
        Option(code=3, label=t, value=4),
        Option(code="?", label=t),  # "don't know": counts as unanswered
    )
    yes_no = ResponseScale(id="yn", options=(Option(code="j", label=t), Option(code="n", label=t)))
    items = [Item(id=f"i{k}", text=t, domain="health", response_scale="s") for k in range(4)]
    items.append(Item(id="c", text=t, domain="health", response_scale="s", asked_if=Criterion(item="i0", codes=(1, 3))))  # fmt: skip
    items.append(Item(id="d", text=t, domain="health", response_scale="yn", asked_if=Criterion(item="c", codes=(2,))))  # fmt: skip
    mean = Scale(
        id="mean",
        label=t,
        items=(ScaleItem(item="i0"), ScaleItem(item="i1", reverse=True), ScaleItem(item="i2")),
        aggregation="mean",
        min_answered=2,
        transform=Transform(multiply=0.4, add=-3),
    )
    summed = Scale(
        id="sum",
        label=t,
        items=(ScaleItem(item="i3", recode={"1": 10, "3": 0.5}), ScaleItem(item="i2")),
        min_answered=1,
    )
    rung = Rung(value=2, label=t, criteria=(Criterion(item="d", codes=("j",)),))
    ladder = Indicator(id="l", label=t, rungs=(rung, Rung(value=-1, label=t)))
    return Instrument(
        id="unusual",
        version="1",
        title=t,
        source="a test",
        licence="none",
        reconstructed=False,
        items=tuple(items),
        response_scales=(ResponseScale(id="s", options=options), yes_no),
        scales=(mean, summed),
        indicators=(ladder,),
    )


def test_a_condition_on_several_codes_is_any_of_them() -> None:
    q = questionnaire(_unusual(), version="R4")
    conditional = next(i for i in q["item"] if i["linkId"] == "c")
    assert conditional["enableBehavior"] == "any"
    assert [w["answerCoding"]["code"] for w in conditional["enableWhen"]] == ["1", "3"]


@settings(max_examples=80)  # FHIRPath evaluation is slow: within the CI budget
@given(data=st.data())
def test_score_items_of_an_unusual_instrument_compute_the_librarys_scores(data: Any) -> None:
    ins = _unusual()
    response = data.draw(responses(ins))
    q = questionnaire(ins, version="R4")
    qr = questionnaire_response(ins, response, version="R4")
    computed, expected = _fhirpath_scores(q, qr), library_scores(ins, response)
    assert computed.keys() == expected.keys()
    for link, value in expected.items():
        assert same_score(computed[link], value), (link, computed[link], value)


def test_the_mhi5_score_item_reverses_and_transforms() -> None:
    # the worked example of the module docs (CBS scoring): 60, not the weight sum of 10
    mhi5 = instrument("mhi5")
    answers = {"mhi5_1": 4, "mhi5_2": 5, "mhi5_3": 4, "mhi5_4": 4, "mhi5_5": 3}
    response = Response(instrument_id="mhi5", instrument_version=mhi5.version, answers=answers)
    q = questionnaire(mhi5, version="R4")
    scores = _fhirpath_scores(q, questionnaire_response(mhi5, response, version="R4"))
    assert scores == {"scale:mhi5": 60}
    assert "RAND" in q["description"]  # prorating is said to be left out


# --------------------------------------------------------------------------------------------
# QuestionnaireResponse out and back
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
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
    assert [(c["code"], c["display"], _weight(c["extension"], version)) for c in codings] == [
        ("4", "some of the time", 3),
        ("2", "most of the time", 1),
    ]
    assert qr["authored"].startswith("2021-03-04")
    assert "subject" not in qr


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
@settings(max_examples=40)
@given(data=st.data())
def test_a_response_comes_back_with_typed_codes_and_the_same_scores(
    instrument_id: str, version: FhirVersion, data: Any
) -> None:
    ins = instrument(instrument_id)
    response = data.draw(responses(ins))
    lang = data.draw(st.sampled_from(["nl", "en"]))
    sent = json.loads(json.dumps(questionnaire_response(ins, response, version=version, lang=lang)))
    back = response_from_fhir(sent, ins, version=version)
    assert back == response
    assert {k: type(v) for k, v in back.answers.items()} == {
        k: type(v) for k, v in response.answers.items()
    }
    assert score(ins, back) == score(ins, response)
    assert score(ins, back, prorate=True) == score(ins, response, prorate=True)


def _qr(**changes: Any) -> dict[str, Any]:
    mhi5 = instrument("mhi5")
    answers = {"mhi5_1": 4, "mhi5_2": 5}
    response = Response(instrument_id="mhi5", instrument_version=mhi5.version, answers=answers)
    qr = copy.deepcopy(questionnaire_response(mhi5, response, version="R4"))
    qr.update(changes)
    return qr


def _item(link: str = "mhi5_1", code: str = "4", **changes: Any) -> dict[str, Any]:
    coding = {"system": "urn:piezomethod:mhi5:frequentie6", "code": code}
    return {"linkId": link, "answer": [{"valueCoding": coding}], **changes}


@pytest.mark.parametrize(
    ("qr", "path", "message"),
    [
        (_qr(resourceType="Questionnaire"), "$.resourceType", "expected 'QuestionnaireResponse'"),
        (_qr(status="draft"), "$.status", "a response with status completed, amended, in-progress can be read"),
        (_qr(item=[{"answer": []}]), "$.item[0].linkId", "not valid FHIR R4 (model_field_validation.missing)"),
        (_qr(authored="yesterday"), "$.authored", "not valid FHIR R4 (value_error)"),
        (_qr(questionnaire="urn:piezomethod:questionnaire:cbs-geluk|1.0"), "$.questionnaire", "expected urn:piezomethod:questionnaire:mhi5"),
        (_qr(questionnaire="urn:piezomethod:questionnaire:mhi5|0.9"), "$.questionnaire", "expected version '1.0'"),
        (_qr(status="entered-in-error"), "$.status", "a response with status completed, amended, in-progress can be read"),
        (_qr(item=[_item("mhi5_9")]), "$.item[0].linkId", "not an item of this instrument"),
        (_qr(item=[_item(), _item()]), "$.item[1].linkId", "this item appears twice"),
        (_qr(item=[_item(answer=[{"valueCoding": {"code": "1"}}, {"valueCoding": {"code": "2"}}])]), "$.item[0].answer", "one answer per item"),
        (_qr(item=[_item(answer=[{"valueString": "soms"}])]), "$.item[0].answer[0].valueCoding", "an answer is a Coding (valueCoding)"),
        (_qr(item=[_item(answer=[{"valueCoding": {"system": "http://loinc.org", "code": "4"}}])]), "$.item[0].answer[0].valueCoding.system", "expected the code system urn:piezomethod:mhi5:frequentie6"),
        (_qr(item=[_item(code="7")]), "$.item[0].answer[0].valueCoding.code", "code not in response scale 'frequentie6'"),
        (_qr(item=[_item(code="04")]), "$.item[0].answer[0].valueCoding.code", "code not in response scale 'frequentie6'"),
        (_qr(item=[_item(item=[_item("mhi5_2")])]), "$.item[0].item", "nested items are not read"),
    ],
)  # fmt: skip
def test_what_does_not_belong_is_refused_with_every_problem(
    qr: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(ScoringError) as info:
        response_from_fhir(qr, instrument("mhi5"), version="R4")
    assert info.value.code == "invalid_response"
    assert (path, message) in [(p.path, p.message) for p in info.value.problems]


def test_every_problem_is_listed_and_no_answer_is_echoed() -> None:
    secret = "my neighbour knows"
    bad = _qr(
        item=[
            _item("mhi5_9"),
            _item("mhi5_1", code=secret),
            _item("mhi5_2", answer=[{"valueString": secret}]),
        ]
    )
    with pytest.raises(ScoringError) as info:
        response_from_fhir(bad, instrument("mhi5"), version="R4")
    assert [p.path for p in info.value.problems] == [
        "$.item[0].linkId",
        "$.item[1].answer[0].valueCoding.code",
        "$.item[2].answer[0].valueCoding",
    ]
    assert secret not in str(info.value)
    assert all(secret not in p.message for p in info.value.problems)


def test_the_worked_example_of_the_docs() -> None:
    # docs/integrating.md, "A worked example": a form filler's response to the ladder
    system = "urn:piezomethod:participatieladder:ja_nee"
    qr = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:piezomethod:questionnaire:participatieladder|1.0",
        "status": "completed",
        "item": [
            {"linkId": "pl_betaald_werk", "answer": [{"valueCoding": {"system": system, "code": "ja"}}]},
            {"linkId": "pl_ondersteuning", "answer": [{"valueCoding": {"system": system, "code": "nee"}}]},
            {"linkId": "indicator:trede", "answer": [{"valueInteger": 6}]},
        ],
    }  # fmt: skip
    ladder = instrument("participatieladder")
    response = response_from_fhir(qr, ladder, version="R4")
    assert response.answers == {"pl_betaald_werk": "ja", "pl_ondersteuning": "nee"}
    assert score(ladder, response).indicator("trede").value == 6
    assert _fhirpath_scores(questionnaire(ladder, version="R4"), qr) == {"indicator:trede": 6}
    mhi5 = instrument("mhi5")
    answers = {"mhi5_1": 4, "mhi5_2": 5, "mhi5_3": 4, "mhi5_4": 4, "mhi5_5": 3}
    weights = [mhi5.response_scale("frequentie6").option(c).value for c in answers.values()]  # type: ignore[union-attr]
    assert sum(weights) == 15  # type: ignore[arg-type]


def test_score_items_a_form_filler_adds_are_skipped_and_unanswered_items_are_missing() -> None:
    qr = _qr()
    qr["item"].append({"linkId": "scale:mhi5", "answer": [{"valueDecimal": 99}]})
    qr["item"].append({"linkId": "mhi5_3"})  # shown, not answered
    back = response_from_fhir(qr, instrument("mhi5"), version="R4")
    assert back.answers == {"mhi5_1": 4, "mhi5_2": 5}


def test_an_answer_to_an_unasked_item_is_kept_and_ignored_by_scoring() -> None:
    ladder = instrument("participatieladder")
    answers = {"pl_betaald_werk": "nee", "pl_ondersteuning": "ja"}
    sent = Response(instrument_id=ladder.id, instrument_version=ladder.version, answers=answers)
    back = response_from_fhir(questionnaire_response(ladder, sent), ladder)
    assert back.answers == answers
    assert score(ladder, back).indicator("trede").value is None  # rung 4-2 unanswered


def test_bad_versions_and_reserved_link_ids_are_refused() -> None:
    ins = instrument("mhi5")
    for call in (
        lambda: questionnaire(ins, version="STU3"),  # type: ignore[arg-type]
        lambda: response_from_fhir(_qr(), ins, version="DSTU2"),  # type: ignore[arg-type]
    ):
        with pytest.raises(FieldError) as info:
            call()
        assert (info.value.code, info.value.field) == ("unknown_value", "version")
    clash = Item(
        id="scale:x", text=ins.items[0].text, domain="health", response_scale="frequentie6"
    )
    odd = Instrument(
        **{f: getattr(ins, f) for f in ("id", "version", "title", "source", "licence")},
        reconstructed=False,
        items=(clash,),
        response_scales=ins.response_scales,
    )
    with pytest.raises(FieldError) as clash_info:
        questionnaire(odd)
    assert (clash_info.value.code, clash_info.value.field) == ("id_collision", "items[0].id")


def test_a_bad_response_is_refused_on_export() -> None:
    ins = instrument("mhi5")
    with pytest.raises(ScoringError) as info:
        questionnaire_response(
            ins, Response(instrument_id="mhi5", instrument_version="1.0", answers={"mhi5_1": 9})
        )
    assert info.value.code == "invalid_response"
    assert [p.path for p in info.value.problems] == ["$.answers.mhi5_1"]
