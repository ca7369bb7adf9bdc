"""The analytics on a loaded dataset's columns agree with the analytics on its records (the
reference), to 1e-12, on data that is valid or broken in every way the report knows; and the
pieces they count with agree with the reference's own (the median, the calendar shift)."""

from __future__ import annotations

import datetime
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piezomethod import analytics as a
from piezomethod import strategies
from piezomethod._checks import shift
from piezomethod.dataset import Dataset, load, write_tables
from piezomethod.dataset._loader import measurement_key
from piezomethod.instruments import instrument
from piezomethod.outcomes import Measurement, MeasurementMoment, MeasurementWindows
from piezomethod.phases import Enrolment, Event, TransitionPolicy
from piezomethod.records import Cohort
from piezomethod.synth import synthetic_cohort

pytest.importorskip("pyarrow")
from piezomethod import _columnar_analytics as ca

from .test_backend_agreement import _POLICIES, _TABLES, _mutate, _write

_EFFECT = instrument("piezo-effectmeting")
_INSTRUMENTS = (
    None,
    instrument("participatieladder"),
    # the same questionnaire under another version: no response fits it
    attrs.evolve(_EFFECT, version="9"),
)
_WINDOWS = (
    None,
    MeasurementWindows(entry_after=0, transition_before=0, exit_after=90, follow_up_months=1),
)
_AS_OF = (None, datetime.date(2017, 3, 1), datetime.date(2020, 6, 30), datetime.date(2040, 1, 1))


def _every(
    cohort: Cohort | Dataset,
    *,
    alpha: float = 0.05,
    ins: Any = None,
    windows: MeasurementWindows | None = None,
) -> list[Any]:
    """Every analysis the report runs, and the options it can take."""
    return [
        a.entry_phases(cohort),
        a.transition_matrix(cohort),
        a.time_in_phase(cohort, alpha=alpha),
        a.leaving_phase(cohort),
        a.all_phases(cohort),
        *(a.subgroups(cohort, by) for by in ("age_band", "gender", "statushouder")),
        a.outcome_development(cohort, ins),
        a.distance_travelled(cohort, ins, alpha=alpha),
        a.response_rates(cohort, windows=windows),
        a.response_rates(cohort, instrument_id=None, windows=windows),
        a.response_rates(cohort, instrument_id="participatieladder"),
    ]


def _close(found: Any, expected: Any, where: str = "") -> None:
    """Equal, floats to 1e-12 (relative or absolute); the same types and keys in order."""
    assert type(found) is type(expected), where
    if attrs.has(type(found)):
        for field in attrs.fields(type(found)):
            _close(getattr(found, field.name), getattr(expected, field.name), field.name)
    elif isinstance(found, Mapping):
        assert list(found) == list(expected), where
        for key in found:
            _close(found[key], expected[key], f"{where}[{key}]")
    elif isinstance(found, tuple | list):
        assert len(found) == len(expected), where
        for n, (x, y) in enumerate(zip(found, expected, strict=True)):
            _close(x, y, f"{where}[{n}]")
    elif isinstance(found, float) and math.isfinite(found):
        assert math.isclose(found, expected, rel_tol=1e-12, abs_tol=1e-12), where
    else:
        assert found == expected, where


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(sorted(_TABLES)),
    st.data(),
    st.sampled_from(_POLICIES),
    st.sampled_from(_AS_OF),
    st.sampled_from(_INSTRUMENTS),
    st.sampled_from(_WINDOWS),
    st.sampled_from((0.05, 0.2)),
)
def test_the_analytics_on_columns_agree_with_the_records(  # noqa: PLR0917 - drawn arguments
    seed: int,
    data: st.DataObject,
    policy: TransitionPolicy,
    as_of: datetime.date | None,
    ins: Any,
    windows: MeasurementWindows | None,
    alpha: float,
) -> None:
    tables = {name: [dict(r) for r in rows] for name, rows in _TABLES[seed].items()}
    _mutate(tables, data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(tables, folder, ",", "utf-8")
        columnar = load(folder, backend="arrow", policy=policy, as_of=as_of)
        reference = load(folder, backend="python", policy=policy, as_of=as_of)
    options = {"alpha": alpha, "ins": ins, "windows": windows}
    fast = _every(columnar, **options)
    # counted on the tables' columns: no record was built for it
    assert columnar._cohort is None or not columnar.report.loaded
    expected = _every(columnar.cohort, **options)
    _close(fast, expected)
    assert columnar._analytics_columns().as_of == columnar.cohort.as_of
    # a dataset whose records are built (the reference backend): its columns are read from them
    _close(_every(reference, **options), expected)


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(_AS_OF))
def test_a_larger_cohort_agrees_too(seed: int, as_of: datetime.date | None) -> None:
    cohort = synthetic_cohort(n=250, seed=seed)
    if as_of is not None:
        cohort = attrs.evolve(cohort, as_of=as_of)
    dataset = Dataset(cohort=cohort, report=load({}).report)
    _close(_every(dataset), _every(cohort))


_DAYS = st.integers(0, 2000)


@given(st.lists(st.tuples(_DAYS, st.booleans()), max_size=60))
def test_the_median_is_the_curves(stays: list[tuple[int, bool]]) -> None:
    days = ca._ints([d for d, _ in stays])
    observed = [o for _, o in stays]
    curve = a.kaplan_meier([d / a.DAYS_PER_MONTH for d in days.tolist()], observed)
    assert ca._median(days, np.asarray(observed, dtype=bool)) == curve.median


_ORDINALS = st.one_of(
    st.integers(1, datetime.date.max.toordinal()),
    st.integers(1, 400),
    st.integers(datetime.date.max.toordinal() - 400, datetime.date.max.toordinal()),
)


@given(
    st.lists(_ORDINALS, max_size=20),
    st.sampled_from((0, 0, 1, -1)) | st.integers(-500, 500),
    st.integers(-24, 24) | st.sampled_from((-120_000, 120_000)),
)
def test_days_shift_as_the_reference_shifts_them(days: list[int], by: int, months: int) -> None:
    moved = ca._shifted(ca._ints(days), by, months).tolist()
    assert moved == [
        shift(datetime.date.fromordinal(d), by, months=months).toordinal() for d in days
    ]


# days from an event at which a measurement is drawn: each window's edges (the defaults and
# the ones above), the follow-up's, and further off
_OFFSETS = (-15, -14, -1, 0, 1, 29, 30, 31, 89, 90, 91, 120, 400)
_LADDER = instrument("participatieladder")


def _without_text(event: Event) -> Event:
    if isinstance(event, Enrolment):
        return attrs.evolve(event, referrer=None)
    return attrs.evolve(event, reason=None)


@st.composite
def _measured_cohorts(draw: st.DrawFn) -> Cohort:
    """Cohorts with valid histories and measurements on and around their windows' edges,
    of two instruments, several on one day."""
    base = draw(strategies.cohorts(max_size=6))
    records = []
    for record in base.records:
        days = [e.date for e in record.trajectory.events] or [datetime.date(2020, 1, 1)]
        found: dict[tuple[Any, ...], Measurement] = {}
        for _ in range(draw(st.integers(0, 8))):
            day = draw(st.sampled_from(days)) + datetime.timedelta(
                days=draw(st.sampled_from(_OFFSETS))
            )
            ins = draw(st.sampled_from((_EFFECT, _LADDER)))
            moment = draw(st.sampled_from(MeasurementMoment))
            response = draw(strategies.responses(ins, min_answered=1, as_asked=True))
            found[moment, day, ins.id] = Measurement(
                participant_id=record.id, moment=moment, date=day, response=response
            )
        measured = sorted(found.values(), key=measurement_key)
        # without the free texts (reasons, referrers): the analytics do not read them, and a
        # text no CSV file holds (a NUL) would make the tables unreadable
        events = [_without_text(e) for e in record.trajectory.events]
        trajectory = attrs.evolve(record.trajectory, events=tuple(events))
        records.append(attrs.evolve(record, trajectory=trajectory, measurements=measured))
    return attrs.evolve(base, records=records)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_measured_cohorts(), st.sampled_from(_WINDOWS), st.sampled_from(_INSTRUMENTS))
def test_measurements_on_the_windows_edges_count_alike(
    cohort: Cohort, windows: MeasurementWindows | None, ins: Any
) -> None:
    expected = _every(cohort, windows=windows, ins=ins)
    # the columns read from the records
    _close(
        _every(Dataset(cohort=cohort, report=load({}).report), windows=windows, ins=ins), expected
    )
    # and read from the tables, written and loaded back
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(cohort, Path(tmp))
        loaded = load(Path(tmp), backend="arrow", as_of=cohort.as_of)
    fast = _every(loaded, windows=windows, ins=ins)
    assert loaded.report.loaded == len(cohort)
    _close(fast, _every(loaded.cohort, windows=windows, ins=ins))
