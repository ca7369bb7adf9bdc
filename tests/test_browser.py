"""The report in a real browser: Debian's Chromium, headless, at 1280 px and printed on A4.

A team lead opens the page in a browser and prints it. These tests render the report in Dutch
and English, with and without ``--suppress``, and check what a reader would see: nothing
wider than the window, every chart drawn, every word in the page's language, no raw ids, and
no table cut off on an A4 page. The screenshots and PDFs go to ``screenshots/`` (not
committed) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from piezomethod.instruments import instrument
from piezomethod.report import write_report
from piezomethod.synth import synthetic_cohort

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
CHARTS = 7  # entry, flows, time in phase, how a phase ends, outcomes, distance, response

# words a page in the other language would show if a label were left untranslated
ENGLISH = (
    "participants", "participant", "entry", "re_entry", "re-entry", "exit", "woman",
    "phase", "months", "stays", "total", "questionnaires", "response", "advance", "setback",
    "median", "still", "open now", "yes", "unknown", "share", "change",
)  # fmt: skip
DUTCH = (
    "deelnemers", "instroom", "herinstroom", "uitstroom", "vrouw", "fase", "maanden",
    "verblijven", "totaal", "vragenlijsten", "respons", "doorstroom", "terugval", "mediaan",
    "statushouder", "onbekend", "ja", "nee", "aandeel", "verandering",
)  # fmt: skip


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four reports, written once."""
    cohort = synthetic_cohort(n=1000, seed=0)
    folder = tmp_path_factory.mktemp("reports")
    return {
        f"{lang}{'-suppress' if k else ''}": write_report(
            folder / f"report-{lang}{'-suppress' if k else ''}.html",
            cohort,
            lang=lang,
            suppress=k,
            charts=True,
        )
        for lang in ("nl", "en")
        for k in (None, 10)
    }


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", text.lower()))


def _visible_text(page: Any) -> str:
    """The text a reader sees, the charts' text included (SVG text is real text here)."""
    return str(
        page.evaluate(
            "() => document.body.innerText + '\\n' + "
            "[...document.querySelectorAll('svg text')].map(t => t.textContent).join('\\n')"
        )
    )


@pytest.mark.parametrize("name", ["nl", "en", "nl-suppress", "en-suppress"])
def test_the_report_reads_well_at_1280_pixels(page: Any, pages: dict[str, Path], name: str) -> None:
    page.goto(pages[name].as_uri())
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{name}.png"), full_page=True)

    # nothing wider than the window: a wide table scrolls inside its own box
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, width

    # every chart is there and has something drawn in it
    charts = page.evaluate(
        "() => [...document.querySelectorAll('figure svg')].map(s => {"
        " const r = s.getBoundingClientRect();"
        " return [r.width, r.height, s.querySelectorAll('path, rect, line, use').length]; })"
    )
    assert len(charts) == CHARTS
    for chart_width, chart_height, marks in charts:
        assert chart_width > 200
        assert chart_height > 100
        assert marks > 20

    # every word in the page's language, and no raw id
    text = _visible_text(page)
    words = _words(text)
    lang = name[:2]
    foreign = ENGLISH if lang == "nl" else DUTCH
    found = sorted(w for w in foreign if w.strip() in words)
    assert found == [], found
    ins = instrument("piezo-effectmeting")
    ids = {i.id for i in ins.items} | {s.id for s in ins.scales} | {"re_entry", "work_or_education"}
    assert sorted(i for i in ids if "_" in i and i in text) == []


@pytest.mark.parametrize("name", ["nl", "en-suppress"])
def test_the_printed_report_cuts_no_table(page: Any, pages: dict[str, Path], name: str) -> None:
    page.goto(pages[name].as_uri())
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 687, "height": 1000})  # A4 less 2 x 14 mm, at 96 dpi
    cut = page.evaluate(
        "() => [...document.querySelectorAll('table, figure svg')]"
        ".filter(t => t.getBoundingClientRect().right > document.body.clientWidth + 1)"
        ".map(t => t.outerHTML.slice(0, 80))"
    )
    assert cut == []
    SHOTS.mkdir(exist_ok=True)
    page.pdf(path=str(SHOTS / f"report-{name}.pdf"), format="A4")
    assert (SHOTS / f"report-{name}.pdf").stat().st_size > 50_000
