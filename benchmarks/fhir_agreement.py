"""Agreement figures for the FHIR export: how many scores another engine computes equal the
library's, per built-in instrument. Prints counts; asserts nothing (the tests do that with
fewer examples).

* ``--fhirpath N``: up to N generated responses per instrument (and the unusual test
  instrument of ``tests/test_fhir.py``); the score items' FHIRPath is evaluated by fhirpathpy
  and compared with ``score()``, and each response goes out and back through
  ``response_from_fhir`` in R4, R4B and R5.
* ``--lhc N``: N forms per instrument and version (R4, R5), filled by clicking in NLM's
  LHC-Forms in headless Chromium (needs ``PIEZO_NODE_MODULES`` with ``lforms`` and
  ``PIEZO_CHROMIUM``, as the tests do); the form's scores are compared with the library's, and
  the form's QuestionnaireResponse is read back.

    python benchmarks/fhir_agreement.py --fhirpath 300 --lhc 25
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod.fhir import questionnaire, questionnaire_response, response_from_fhir
from piezomethod.instruments import instrument, instrument_ids
from piezomethod.outcomes import Instrument, Response, score
from piezomethod.strategies import responses
from tests.builders import same_score

_QUIET = settings(
    database=None, deadline=None, suppress_health_check=list(HealthCheck), print_blob=False
)


def _fhirpath_counts(ins: Instrument, examples: int) -> dict[str, int]:
    from tests.builders import library_scores  # noqa: PLC0415
    from tests.test_fhir import _fhirpath_scores  # noqa: PLC0415

    q = questionnaire(ins, version="R4")
    counts = dict.fromkeys(("responses", "scores", "with a score", "agree", "roundtrip"), 0)

    @settings(_QUIET, max_examples=examples)
    @given(responses(ins))
    def run(response: Response) -> None:
        qr = questionnaire_response(ins, response, version="R4")
        computed, expected = _fhirpath_scores(q, qr), library_scores(ins, response)
        counts["responses"] += 1
        for link, value in expected.items():
            counts["scores"] += 1
            counts["with a score"] += value is not None
            counts["agree"] += same_score(computed[link], value)
        for version in ("R4", "R4B", "R5"):
            sent = json.loads(json.dumps(questionnaire_response(ins, response, version=version)))
            back = response_from_fhir(sent, ins, version=version)
            counts["roundtrip"] += back == response and score(ins, back) == score(ins, response)

    run()
    return counts


def _fhirpath(examples: int) -> None:
    from tests.test_fhir import _unusual  # noqa: PLC0415

    subjects: list[tuple[str, Instrument]] = [(i, instrument(i)) for i in instrument_ids()]
    subjects.append(("(unusual test instrument)", _unusual()))
    for name, ins in subjects:
        print(f"{name:28} {_fhirpath_counts(ins, examples)}", flush=True)


def _lhc_counts(
    page: Any, ins: Instrument, *, q: Any, version: str, examples: int, fill: Any
) -> dict[str, int]:
    from tests.builders import library_scores  # noqa: PLC0415
    from tests.test_lhc_forms import form_scores  # noqa: PLC0415

    counts = dict.fromkeys(("forms", "scores", "with a score", "agree", "read back"), 0)
    complete = responses(ins, min_answered=len(ins.items), as_asked=True)

    @settings(_QUIET, max_examples=examples)
    @given(st.one_of(complete, responses(ins, as_asked=True)))
    def run(response: Response) -> None:
        qr = fill(page, ins, q, version, dict(response.answers))
        expected, computed = library_scores(ins, response), form_scores(qr)
        counts["forms"] += 1
        for link, value in expected.items():
            counts["scores"] += 1
            counts["with a score"] += value is not None
            counts["agree"] += same_score(computed.get(link), value)
        back = response_from_fhir(qr, ins, version="R4B" if version == "R4" else "R5")
        counts["read back"] += back == response and score(ins, back) == score(ins, response)

    run()
    return counts


def _lhc(examples: int) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    from tests.builders import open_lforms  # noqa: PLC0415
    from tests.test_lhc_forms import fill as fill_form  # noqa: PLC0415

    dist = Path(os.environ["PIEZO_NODE_MODULES"]) / "lforms" / "dist" / "lforms"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ["PIEZO_CHROMIUM"], args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        open_lforms(page, dist)
        for name in instrument_ids():
            ins = instrument(name)
            for version in ("R4", "R5"):
                q = questionnaire(ins, version=version, lang="nl" if version == "R4" else "en")
                counts = _lhc_counts(
                    page, ins, q=q, version=version, examples=examples, fill=fill_form
                )
                print(f"{name:28} {version} {counts}", flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--fhirpath", type=int, default=0, metavar="N")
    parser.add_argument("--lhc", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.fhirpath:
        _fhirpath(args.fhirpath)
    if args.lhc:
        _lhc(args.lhc)


if __name__ == "__main__":
    main()
