"""Notebook pictures: results as HTML tables, charts with ``plot(ax=None)``, and distance
travelled — the figures the report draws, through the same functions."""

from __future__ import annotations

import datetime
import math
from html.parser import HTMLParser
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piezomethod import analytics, plots
from piezomethod.analytics import CountTable, distance_travelled
from piezomethod.errors import FieldError
from piezomethod.instruments import instrument
from piezomethod.outcomes import Measurement, MeasurementMoment, Response, score
from piezomethod.phases import Phase
from piezomethod.records import Cohort, ParticipantRecord
from piezomethod.strategies import cohorts, responses
from piezomethod.synth import synthetic_cohort
from tests.builders import D, record

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

EFFECT = instrument("piezo-effectmeting")


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return synthetic_cohort(n=300, seed=4, guidance=False)


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.caption = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th", "caption"):
            self._in = tag
            if tag != "caption":
                self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def _parsed(html: str) -> _Cells:
    cells = _Cells()
    cells.feed(html)
    return cells


def _results(cohort: Cohort) -> list[Any]:
    return [
        analytics.entry_phases(cohort),
        analytics.transition_matrix(cohort),
        analytics.transition_matrix(cohort).suppress(10),
        analytics.time_in_phase(cohort)[Phase(1)],
        analytics.leaving_phase(cohort)[Phase(2)],
        analytics.all_phases(cohort),
        analytics.subgroups(cohort, "gender"),
        analytics.outcome_development(cohort),
        analytics.distance_travelled(cohort),
        analytics.response_rates(cohort),
    ]


def test_every_result_shows_as_the_table_of_its_frame(cohort: Cohort) -> None:
    for result in _results(cohort):
        frame = result.to_frame()
        table = _parsed(result._repr_html_())
        assert table.rows[0] == [str(c) for c in frame.columns], type(result)
        shown = table.rows[1:]
        if len(frame) > 25:  # a long result shows its first rows and says how many more
            assert len(shown) == 26
            assert f"{len(frame) - 25} more rows" in shown[-1][0]
            shown = shown[:-1]
        assert len(shown) == min(len(frame), 25), type(result)
        first = [str(v) if not isinstance(v, float) else f"{v:.4g}" for v in frame.iloc[0]]
        assert shown[0] == ["" if v in ("None", "nan") else v for v in first], type(result)
        assert table.caption


# -- distance travelled --------------------------------------------------------------------


def _with(measurements: list[tuple[MeasurementMoment, datetime.date, dict[str, Any]]]) -> Any:
    rec = record("p-1", (D(2020, 1, 1), 1), (D(2021, 1, 1), 2), (D(2022, 1, 1), "paid_work"))
    taken = [
        Measurement(
            participant_id="p-1",
            moment=m,
            date=day,
            response=Response(
                instrument_id=EFFECT.id, instrument_version=EFFECT.version, answers=answers
            ),
        )
        for m, day, answers in measurements
    ]
    return attrs.evolve(rec, measurements=taken)


def test_distance_travelled_pairs_entry_with_the_last_of_each_later_moment() -> None:
    # one participant: happiness 5 at entry, 6 then 8 at transitions, 4 at exit; the pair for
    # "transition" is the last transition (8 - 5 = +3), for exit 4 - 5 = -1
    rec = _with(
        [
            (MeasurementMoment.ENTRY, D(2020, 1, 1), {"geluk": 5}),
            (MeasurementMoment.TRANSITION, D(2020, 6, 1), {"geluk": 6}),
            (MeasurementMoment.TRANSITION, D(2021, 1, 1), {"geluk": 8}),
            (MeasurementMoment.EXIT, D(2022, 1, 1), {"geluk": 4}),
        ]
    )
    found = distance_travelled(Cohort(records=[rec], as_of=D(2023, 1, 1)))
    up = found.get("geluk", MeasurementMoment.TRANSITION)
    assert (up.n, up.mean, up.improved, up.same, up.worse) == (1, 3.0, 1, 0, 0)
    assert up.lower is None
    assert up.upper is None
    down = found.get("geluk", MeasurementMoment.EXIT)
    assert (down.n, down.mean, down.worse) == (1, -1.0, 1)
    assert found.get("geluk", MeasurementMoment.FOLLOW_UP).n == 0
    assert found.get("kans_werk", MeasurementMoment.EXIT).n == 0  # not answered


def test_an_unknown_scale_is_refused(cohort: Cohort) -> None:
    with pytest.raises(FieldError) as info:
        distance_travelled(cohort).get("no_such_scale", MeasurementMoment.EXIT)
    assert (info.value.code, info.value.field) == ("unknown_scale", "scale")


def test_a_bad_alpha_is_refused(cohort: Cohort) -> None:
    with pytest.raises(FieldError) as info:
        distance_travelled(cohort, alpha=1.5)
    assert (info.value.code, info.value.field) == ("invalid_alpha", "alpha")


@st.composite
def _measured(draw: st.DrawFn) -> Cohort:
    base = draw(cohorts(max_size=5))
    records: list[ParticipantRecord] = []
    for r in base.records:
        if not r.trajectory.events:
            records.append(r)
            continue
        start = r.trajectory.events[0].date
        taken = [
            Measurement(
                participant_id=r.id,
                moment=draw(st.sampled_from(MeasurementMoment)),
                date=start + datetime.timedelta(days=draw(st.integers(0, 900))),
                response=draw(responses(EFFECT)),
            )
            for _ in range(draw(st.integers(0, 5)))
        ]
        taken.sort(key=lambda m: m.date)
        records.append(attrs.evolve(r, measurements=taken))
    return Cohort(records=records, as_of=base.as_of)


def _reference(cohort: Cohort, scale: str, moment: MeasurementMoment) -> list[float]:
    """Distance travelled the slow way: every response scored whole, each pair by hand."""
    changes = []
    for r in cohort.records:
        entries = [m for m in r.measurements if m.moment is MeasurementMoment.ENTRY]
        if not entries:
            continue
        later = [m for m in r.measurements if m.moment is moment and m.date >= entries[0].date]
        if not later:
            continue
        before = score(EFFECT, entries[0].response).scale(scale)
        after = score(EFFECT, later[-1].response).scale(scale)
        if before.value is None or after.value is None:
            continue
        if "too_few" in (before.status.value, after.status.value):
            continue
        changes.append(float(after.value) - float(before.value))
    return changes


@settings(max_examples=40)
@given(_measured(), st.sampled_from([s.id for s in EFFECT.scales]))
def test_distance_travelled_agrees_with_scoring_each_pair_by_hand(
    cohort: Cohort, scale: str
) -> None:
    found = distance_travelled(cohort)
    for moment in found.moments:
        expected = _reference(cohort, scale, moment)
        change = found.get(scale, moment)
        assert change.n == len(expected)
        assert change.improved + change.same + change.worse == change.n
        assert change.improved == sum(v > 0 for v in expected)
        if expected:
            assert change.mean == pytest.approx(math.fsum(expected) / len(expected))
        if change.lower is not None and change.upper is not None and change.mean is not None:
            assert change.lower <= change.mean <= change.upper


@settings(max_examples=20)
@given(_measured())
def test_a_scale_where_lower_is_better_turns_the_change_around(cohort: Cohort) -> None:
    flipped_scales = tuple(
        attrs.evolve(s, higher_is_better=not s.higher_is_better) for s in EFFECT.scales
    )
    flipped = attrs.evolve(EFFECT, scales=flipped_scales)
    as_is, turned = distance_travelled(cohort), distance_travelled(cohort, flipped)
    for a, b in zip(as_is.changes, turned.changes, strict=True):
        assert (a.n, a.improved, a.same, a.worse) == (b.n, b.worse, b.same, b.improved)
        if a.mean is not None and b.mean is not None:
            assert a.mean == pytest.approx(-b.mean)


# -- charts ----------------------------------------------------------------------------------


def _axes(rows: int = 1, columns: int = 1) -> Any:
    return Figure().subplots(rows, columns, squeeze=False)


def test_the_flow_diagram_draws_every_flow_once() -> None:
    table = CountTable(
        title="moves",
        rows=("entry", "re_entry", "0", "1", "2", "3", "4"),
        columns=("0", "1", "2", "3", "4", "exit"),
        counts=(
            (10, 50, 0, 0, 0, 0),
            (0, 3, 0, 0, 0, 0),
            (0, 8, 0, 0, 0, 2),
            (1, 0, 30, 4, 0, 12),
            (0, 2, 0, 20, 0, 6),
            (0, 0, 0, 0, 15, 5),
            (0, 0, 0, 0, 0, 15),
        ),
    )
    ax = table.plot(_axes()[0][0], lang="nl")
    bands = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    # entries in phases 0 and 1 (re-entries join them), exits from all five, and seven moves
    assert len(bands) == 2 + 5 + 7
    labels = {t.get_text() for t in ax.texts}
    # every entry and exit is labelled (phase 1 takes 50 entries and 3 re-entries); of the
    # moves the larger ones (at least a twelfth of the largest band)
    assert {"10", "53", "2", "12", "6", "5", "15", "8", "30", "20"} <= labels
    assert not {"1", "4"} & labels
    # a published chart leaves out what is suppressed
    ax = plots.flows(table, _axes()[0][0], shown=lambda c: c if c >= 10 else None)
    published = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(published) == 2 + 2 + 3


def test_outcome_panels_are_labelled_from_the_instrument(cohort: Cohort) -> None:
    development = analytics.outcome_development(cohort)
    count = len(development.scales) + len(development.shares)
    for lang in ("nl", "en"):
        axes = development.plot(_axes(5, 4).flat, lang=lang)
        assert len(axes) == count
        titles = [ax.get_title().replace("\n", " ") for ax in axes]
        assert titles[0] == EFFECT.scale("kans_werk").label.get(lang=lang)
        assert not any("_" in t for t in titles)  # never an id
        low, high = axes[development.scales.index("geluk")].get_ylim()
        assert low < 1
        assert high > 10


def test_too_few_axes_are_refused(cohort: Cohort) -> None:
    with pytest.raises(FieldError) as info:
        analytics.outcome_development(cohort).plot(_axes(1, 2).flat)
    assert (info.value.code, info.value.field) == ("shape", "axes")


def test_each_result_draws_on_the_axes_it_is_given(cohort: Cohort) -> None:
    ax = _axes()[0][0]
    curve = analytics.time_in_phase(cohort)[Phase(1)]
    assert curve.plot(ax) is ax
    steps = ax.lines[0].get_ydata()
    assert list(steps) == list(curve.survival)
    risks = analytics.leaving_phase(cohort)[Phase(1)]
    ax = risks.plot(_axes()[0][0], lang="nl")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "doorstroom",
        "terugval",
        "uitstroom",
    ]
    ax = analytics.response_rates(cohort).plot(_axes()[0][0])
    assert len(ax.patches) == len(MeasurementMoment)
    panels = plots.time_in_phase_panels(analytics.time_in_phase(cohort), _axes(1, 5)[0])
    assert [a.get_title() for a in panels] == [f"phase {p}" for p in range(5)]
    travelled = distance_travelled(cohort)
    axes = travelled.plot(_axes(4, 4).flat)
    assert len(axes) == len(travelled.scales)


def test_plot_without_axes_makes_a_figure(cohort: Cohort) -> None:
    import matplotlib.pyplot as plt

    try:
        ax = analytics.transition_matrix(cohort).plot()
        assert ax.figure is plt.gcf()
        assert len(analytics.entry_phases(cohort).plot().patches) == 5
    finally:
        plt.close("all")


# -- charts on a published page (--suppress) ---------------------------------------------------


def test_a_coarse_curve_shows_whole_months_and_five_points(cohort: Cohort) -> None:
    curve = analytics.time_in_phase(cohort)[Phase(1)]
    ax = plots.survival(curve, _axes()[0][0], coarse=True)
    line = ax.lines[0]
    assert all(float(x).is_integer() for x in line.get_xdata())
    assert all(abs(20 * y - round(20 * y)) < 1e-9 for y in line.get_ydata())
    assert not ax.collections  # no band: its width would tell the counts
    assert list(line.get_ydata())[:3] == [round(20 * curve.at(t)) / 20 for t in (0, 1, 2)]


def test_published_charts_draw_what_the_tables_show(cohort: Cohort) -> None:
    rates = analytics.response_rates(cohort)
    ax = plots.response(rates, _axes()[0][0], shown=lambda m: 0.25)
    assert [bar.get_height() for bar in ax.patches] == [0.25] * len(MeasurementMoment)
    risks = analytics.leaving_phase(cohort)
    ax = plots.leaving(risks, _axes()[0][0], shown=lambda p, c: 0.5 if c == "advance" else None)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [0.5] * 5 + [0.0] * 10


def test_the_report_draws_outcomes_as_published(cohort: Cohort) -> None:
    from piezomethod import report

    pub = report._Publish(10, "en")
    development = analytics.outcome_development(cohort)
    published = report._published(development, pub)
    for m in development.moments:
        for item in development.shares:
            share = published.share_yes[m][item]
            assert share is None or abs(20 * share - round(20 * share)) < 1e-9
        if development.responses[m] < 10:
            assert set(published.means[m].values()) == {None}
    pub.withheld = {"flows.1.2"}
    drawn = report._drawable(analytics.transition_matrix(cohort), "flows", pub)
    assert drawn.get("1", "2") == 0
    assert drawn.get("2", "3") == analytics.transition_matrix(cohort).get("2", "3")
