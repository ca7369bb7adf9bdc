"""The HTML report: self-contained, labelled, suppressing when asked, charts with the extra."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from piezomethod.dataset import load, write_tables
from piezomethod.errors import FieldError
from piezomethod.report import charts_available, report_html, write_report
from piezomethod.synth import synthetic_cohort


def test_a_synthetic_cohort_is_labelled_in_both_languages() -> None:
    cohort = synthetic_cohort(n=60, seed=1)
    assert "Synthetische gegevens" in report_html(cohort, charts=False)
    assert "Synthetic data" in report_html(cohort, lang="en", charts=False)


def test_real_data_is_not_labelled_synthetic_and_shows_the_check(tmp_path: Path) -> None:
    # the records alone, without the cohort that says they are synthetic
    write_tables(synthetic_cohort(n=40, seed=2).records, tmp_path)
    dataset = load(tmp_path)
    page = report_html(dataset.cohort, report=dataset.report, lang="en", charts=False)
    assert "Synthetic data" not in page
    assert "Data check" in page
    assert "No problems found." in page


def test_tables_written_from_a_synthetic_cohort_keep_the_banner(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=40, seed=2), tmp_path)
    dataset = load(tmp_path)
    assert dataset.cohort.synthetic
    assert "Synthetic data" in report_html(dataset.cohort, lang="en", charts=False)


def test_the_page_fetches_nothing() -> None:
    page = report_html(synthetic_cohort(n=60, seed=3), charts=charts_available())
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert "<script" not in page


@pytest.mark.skipif(not charts_available(), reason="needs the [report] extra")
def test_charts_are_embedded_svg() -> None:
    page = report_html(synthetic_cohort(n=80, seed=4), charts=True)
    assert page.count("<svg") >= 6


def test_suppression_hides_small_counts_and_rounds_the_headline() -> None:
    cohort = synthetic_cohort(n=123, seed=5)
    page = report_html(cohort, lang="en", charts=False, suppress=10)
    assert "&lt;10" in page
    assert "about 125 participants" in page  # 123, rounded to 5
    assert "123 participants" not in page
    open_page = report_html(cohort, lang="en", charts=False)
    assert "123 participants" in open_page


def test_bad_options_are_refused() -> None:
    cohort = synthetic_cohort(n=5, seed=0)
    with pytest.raises(FieldError) as info:
        report_html(cohort, lang="de", charts=False)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("unknown_language", "lang")
    with pytest.raises(FieldError) as info:
        report_html(cohort, suppress=0, charts=False)
    assert (info.value.code, info.value.field) == ("invalid_threshold", "suppress")
    with pytest.raises(FieldError) as info:
        report_html(cohort, instrument="no-such-form", charts=False)
    assert (info.value.code, info.value.field) == ("unknown_instrument", "instrument_id")


@pytest.mark.parametrize("instrument_id", ["mhi5", "taalniveau", "participatieladder"])
def test_any_builtin_instrument_can_be_reported(instrument_id: str) -> None:
    from piezomethod.instruments import instrument
    from piezomethod.synth import SynthParameters

    params = SynthParameters(instruments=(instrument_id,))
    cohort = synthetic_cohort(n=80, seed=1, params=params, guidance=False)
    page = report_html(cohort, lang="en", charts=False, instrument=instrument_id)
    ins = instrument(instrument_id)
    assert f"Questionnaire: {ins.title.en}" in page
    for scale in ins.scales:  # each scale under its label, with a mean at entry
        row = re.search(rf"<td>{re.escape(scale.label.en)}</td><td class=\"n\">([^<]+)<", page)
        assert row is not None, scale.id
        assert row.group(1) != "–"
    # the default instrument has no answers in this cohort: its rows would be empty
    assert "kans op werk" not in page


def test_the_data_check_speaks_dutch_by_default(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=20, seed=2), tmp_path)
    events = tmp_path / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",enrolment,", ",aanmelding,")
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = load(tmp_path)
    nl = report_html(dataset.cohort, report=dataset.report, charts=False)
    assert "Controle van de gegevens" in nl
    assert "invalid_value: een cel heeft een waarde die niet past bij haar kolom" in nl
    en = report_html(dataset.cohort, report=dataset.report, lang="en", charts=False)
    assert "invalid_value: a cell holds a value that does not fit its column" in en


def test_progress_is_reported_and_the_file_written(tmp_path: Path) -> None:
    steps: list[str] = []
    path = write_report(
        tmp_path / "r.html", synthetic_cohort(n=30, seed=6), charts=False, progress=steps.append
    )
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert steps[-1] == "done"
    assert len(steps) >= 6


def test_an_empty_cohort_reports_without_a_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in (0, 1):
            page = report_html(synthetic_cohort(n=n, seed=1), lang="en")
            assert page.endswith("</html>")


def test_a_placeholder_date_at_the_calendars_end_does_not_crash(tmp_path: Path) -> None:
    # 9999-12-31 is what some systems write for "no end"; every window is held at that day
    import csv
    import datetime

    from piezomethod.phases import Exit

    cohort = synthetic_cohort(n=12, seed=2)
    write_tables(cohort, tmp_path)
    first = next(r.id for r in cohort.records if not isinstance(r.trajectory.events[-1], Exit))
    events = tmp_path / "events.csv"
    with events.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows.append([first, "9999-12-31", "exit", "", "paid_work", "", ""])
    with events.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    dataset = load(tmp_path)
    record = next(r for r in dataset.cohort.records if r.id == first)
    assert record.trajectory.events[-1].date == datetime.date.max
    assert dataset.cohort.as_of <= datetime.date.today()
    page = report_html(dataset.cohort, report=dataset.report, lang="en")
    assert page.endswith("</html>")


def test_without_scipy_the_page_says_it_was_not_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    from piezomethod import _protect

    cohort = synthetic_cohort(n=30, seed=1, guidance=False)
    audited = report_html(cohort, lang="en", charts=False, suppress=10)
    assert "not audited" not in audited
    monkeypatch.setattr(_protect, "available", lambda: False)
    page = report_html(cohort, lang="en", charts=False, suppress=10)
    assert "This page was not audited for disclosure across its tables" in page
    assert ">×<" not in page  # nothing withheld without the audit


@pytest.mark.parametrize("suppress", [None, 10])
def test_a_loaded_dataset_reports_what_its_records_report(
    tmp_path: Path, suppress: int | None
) -> None:
    pytest.importorskip("pyarrow")
    write_tables(synthetic_cohort(n=150, seed=5), tmp_path)
    dataset = load(tmp_path, backend="arrow", name="wijk-noord")
    options: dict[str, Any] = {
        "report": dataset.report,
        "charts": False,
        "suppress": suppress,
        "lang": "en",
    }
    page = report_html(dataset, **options)
    # counted on the dataset's columns: no record was built
    assert dataset._cohort is None
    assert (len(dataset), dataset.name, dataset.synthetic) == (150, "wijk-noord", True)
    assert page == report_html(dataset.cohort, **options)
    assert "wijk-noord" in page
