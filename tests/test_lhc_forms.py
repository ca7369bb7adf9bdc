"""The FHIR export in a real form renderer: NLM's LHC-Forms in headless Chromium.

For every built-in instrument, in LHC-Forms' R4 and R5 modes, a response is filled in through
the form itself (clicking the options, as a person would; conditional questions appear only
when their condition holds), and then:

* the score items the form computed from its SDC ``calculatedExpression``s equal the library's
  scores exactly;
* the ``QuestionnaireResponse`` the form produces comes back through
  :func:`~piezomethod.fhir.response_from_fhir` as the answers given, and scores the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from piezomethod._i18n import Lang
from piezomethod.fhir import (
    FhirVersion,
    questionnaire,
    response_from_fhir,
)
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.outcomes import Instrument, score
from piezomethod.strategies import responses
from tests.builders import library_scores, same_score

_SHOW = "async ([q, version]) => { await LForms.Util.addFormToPage(q, 'form', {fhirVersion: version}); }"
_READ = "(version) => LForms.Util.getFormFHIRData('QuestionnaireResponse', version)"


def fill(
    page: Any, ins: Instrument, q: dict[str, Any], version: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """Show ``q`` in LHC-Forms, answer it through the form in item order, and return the
    QuestionnaireResponse the form makes."""
    page.evaluate(_SHOW, [q, version])
    given_so_far: dict[str, Any] = {}
    for item in ins.items:
        box = page.locator(f'[id="{item.id}/1"]')
        shown = ins.asked(item.id, given_so_far) is True
        # enableWhen as the instrument says: the question appears or stays away (a timeout
        # fails the test)
        box.wait_for(state="visible" if shown else "detached", timeout=5000)
        if item.id not in answers:
            continue
        options = ins.response_scale(item.response_scale).options
        index = next(
            k
            for k, o in enumerate(options)
            if o.code == answers[item.id] and type(o.code) is type(answers[item.id])
        )
        box.click()
        page.locator(f'#lhc-tools-searchResults li[autocomprawlistindex="{index}"]').click()
        given_so_far[item.id] = answers[item.id]
    page.wait_for_timeout(50)  # the form runs its expressions after each change
    result: dict[str, Any] = page.evaluate(_READ, version)
    return result


def form_scores(qr: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for item in qr.get("item", []):
        if item["linkId"].startswith(("scale:", "indicator:")):
            (answer,) = item.get("answer", [{}]) or [{}]
            value = answer.get("valueDecimal", answer.get("valueInteger"))
            found[item["linkId"]] = value
    return found


@pytest.mark.parametrize("version", ["R4", "R5"])
@pytest.mark.parametrize("instrument_id", list(instrument_ids()))
# few examples and no shrinking: each one fills forms in a browser (a failure shows the
# drawn responses as they are)
@settings(
    max_examples=3,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_lhc_forms_computes_the_librarys_scores_and_its_response_comes_back(
    lforms_page: Any, instrument_id: str, version: FhirVersion, data: Any
) -> None:
    ins = instrument(instrument_id)
    lang: Lang = "nl" if version == "R4" else "en"
    q = questionnaire(ins, version=version, lang=lang)
    # one response with every (asked) item answered, so that every scale has a score, and one
    # with any subset
    complete = responses(ins, min_answered=len(ins.items), as_asked=True)
    for response in (data.draw(complete), data.draw(responses(ins, as_asked=True))):
        qr = fill(lforms_page, ins, q, version, dict(response.answers))
        expected = library_scores(ins, response)
        computed = form_scores(qr)
        for link, value in expected.items():
            assert same_score(computed.get(link), value), (link, computed.get(link), value)
        back = response_from_fhir(qr, ins, version="R4B" if version == "R4" else version)
        assert back == response
        assert score(ins, back) == score(ins, response)
