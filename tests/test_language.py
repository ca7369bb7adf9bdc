"""One place for language: every function that shows text takes ``lang=`` as a keyword and
refuses an unknown language with the same error; every enum label exists in both languages."""

from __future__ import annotations

import datetime
import enum
import importlib
from collections.abc import Callable
from typing import Any

import pytest

from piezomethod import _i18n
from piezomethod.catalogues import mechanism_framework, skill_catalogue
from piezomethod.consent import Portfolio, portfolio
from piezomethod.dataset import DataProblem, ValidationReport
from piezomethod.errors import Code, FieldError, Severity
from piezomethod.fhir import questionnaire
from piezomethod.instruments import instrument
from piezomethod.phases import ExitDestination, MoveKind, Phase, TransitionPolicy
from piezomethod.render import checklist_html, checklist_markdown, portfolio_markdown
from piezomethod.report import report_html
from piezomethod.synth import synthetic_cohort
from tests.builders import PUBLIC_MODULES, examples, rich_record

EXAMPLES = examples()


def _portfolio(lang: Any) -> tuple[Portfolio, object]:
    record = rich_record()
    assert record.passport is not None
    return portfolio(
        record.passport,
        recipient="employer",
        purpose="sollicitatie",
        consents=record.consents,
        as_of=datetime.date(2022, 6, 1),
        catalogue=skill_catalogue(),
        lang=lang,
    )


SHOWS_TEXT: list[tuple[str, Callable[[Any], object]]] = [
    ("Phase.label", lambda lang: Phase(1).label(lang=lang)),
    ("PhaseInfo.name", lambda lang: Phase(1).info.name(lang=lang)),
    ("PhaseInfo.goal", lambda lang: Phase(1).info.goal(lang=lang)),
    ("ExitDestination.label", lambda lang: ExitDestination.HEALTH.label(lang=lang)),
    ("MoveKind.label", lambda lang: MoveKind.SKIP.label(lang=lang)),
    ("TransitionPolicy.describe", lambda lang: TransitionPolicy.strict().describe(lang=lang)),
    ("TransitionPolicy.to_mermaid", lambda lang: TransitionPolicy.strict().to_mermaid(lang=lang)),
    ("Text.get", lambda lang: instrument("cbs-geluk").title.get(lang=lang)),
    ("Code.meaning", lambda lang: Code.SAME_PHASE.meaning(lang=lang)),
    ("Severity.label", lambda lang: Severity.ERROR.label(lang=lang)),
    ("portfolio", _portfolio),
    (
        "checklist_markdown",
        lambda lang: checklist_markdown(mechanism_framework(), phase=1, lang=lang),
    ),
    ("checklist_html", lambda lang: checklist_html(mechanism_framework(), phase=1, lang=lang)),
    ("report_html", lambda lang: report_html(synthetic_cohort(n=5), lang=lang, charts=False)),
    ("questionnaire", lambda lang: questionnaire(instrument("cbs-geluk"), lang=lang)),
    (
        "ValidationReport.summary",
        lambda lang: EXAMPLES[ValidationReport].summary(lang=lang),
    ),
    ("DataProblem.describe", lambda lang: EXAMPLES[DataProblem].describe(lang=lang)),
]


@pytest.mark.parametrize(("name", "show"), SHOWS_TEXT, ids=[n for n, _ in SHOWS_TEXT])
def test_every_text_speaks_dutch_and_english_and_refuses_other_languages(
    name: str, show: Callable[[Any], object]
) -> None:
    assert show("nl") != show("en"), name
    for wrong in ("fr", "NL", "", None, 1):
        with pytest.raises(FieldError) as info:
            show(wrong)
        assert (info.value.code, info.value.field) == ("unknown_language", "lang"), name


def test_the_portfolio_renders_in_its_own_language() -> None:
    shown, _ = _portfolio("en")
    assert portfolio_markdown(shown).count("Skills acquired") == 1


def test_text_get_takes_the_language_as_a_keyword() -> None:
    title = instrument("mhi5").title
    with pytest.warns(DeprecationWarning, match=r"Text.get\(lang=...\)"):
        assert title.get("en") == title.en


def _public_enums() -> list[type[enum.Enum]]:
    """Every enum named in a public module's ``__all__``, once."""
    found: list[type[enum.Enum]] = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(f"piezomethod.{name}")
        for export in module.__all__:
            obj = getattr(module, export)
            if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj not in found:
                found.append(obj)
    return found


def _labelled() -> list[type[_i18n.Labelled]]:
    return [cls for cls in _public_enums() if issubclass(cls, _i18n.Labelled)]


@pytest.mark.parametrize("cls", _labelled(), ids=lambda c: c.__name__)
def test_every_labelled_enum_has_a_label_for_every_member_in_both_languages(
    cls: type[_i18n.Labelled],
) -> None:
    for member in cls:
        assert member.label(lang="nl").strip()
        assert member.label(lang="en").strip()
    assert cls.__name__ in _i18n.labelled_tables()


def test_the_label_tables_hold_no_more_than_the_enums() -> None:
    assert _i18n.labelled_tables() == {c.__name__ for c in _labelled()}


@pytest.mark.parametrize("cls", _public_enums(), ids=lambda c: c.__name__)
def test_no_enum_has_an_alias(cls: type[enum.Enum]) -> None:
    # iterating an enum skips aliases; __members__ does not, so this can fail
    assert len(cls.__members__) == len(list(cls))
