"""Synthetic cohorts: deterministic, valid, and calibrated to the sourced figures."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piezomethod.analytics import all_phases, response_rates, subgroups
from piezomethod.catalogues import skill_catalogue
from piezomethod.errors import FieldError
from piezomethod.outcomes import MeasurementStatus
from piezomethod.phases import MoveKind, Phase
from piezomethod.records import Cohort, Gender, validate_record
from piezomethod.synth import SynthParameters, synthetic_cohort


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return synthetic_cohort(n=4000, seed=11, guidance=False)


def test_same_seed_same_cohort_other_seed_other_cohort() -> None:
    assert synthetic_cohort(n=50, seed=3) == synthetic_cohort(n=50, seed=3)
    assert synthetic_cohort(n=50, seed=3) != synthetic_cohort(n=50, seed=4)


def test_labelled_synthetic(cohort: Cohort) -> None:
    assert cohort.synthetic
    assert all(r.id.startswith("syn-") for r in cohort.records)
    assert "synthetic" in (cohort.name or "")


def test_every_record_is_valid(cohort: Cohort) -> None:
    catalogue = skill_catalogue()
    for record in cohort.records[:500]:
        assert validate_record(record, catalogue=catalogue) == []
        assert all(e.date <= cohort.as_of for e in record.trajectory.events)
        assert all(m.date <= cohort.as_of for m in record.measurements)


# Movisie 2019 (001:252-256): about 45 years old, about 2/3 women, a little under 1/3 statushouders
def test_demographics_match_the_source(cohort: Cohort) -> None:
    people = [r.participant for r in cohort.records]
    women = sum(p.gender is Gender.WOMAN for p in people) / len(people)
    statushouders = sum(bool(p.statushouder) for p in people) / len(people)
    ages = [
        r.trajectory.events[0].date.year - (r.participant.birth_year or 0) for r in cohort.records
    ]
    assert abs(women - 2 / 3) < 0.03
    assert 0.26 < statushouders < 1 / 3
    assert abs(statistics.mean(ages) - 45) < 1.5


# 001:309-312: most enter directly in phase 1; every kind of move occurs
def test_most_enter_in_phase_one_and_every_move_kind_occurs(cohort: Cohort) -> None:
    entries = Counter(r.trajectory.episodes()[0].entry_phase for r in cohort.records)
    assert entries.most_common(1)[0][0] is Phase(1)
    assert entries[Phase(1)] > len(cohort) / 2
    kinds = Counter(m.kind for r in cohort.records for m in r.trajectory.moves())
    assert set(kinds) == set(MoveKind)
    assert any(r.trajectory.is_active for r in cohort.records)
    assert any(not r.trajectory.is_active for r in cohort.records)


# 001:313-317: a phase takes a little under to a little over a year; all phases mean 68, median 43
def test_time_in_phase_is_about_a_year_and_all_phases_as_sourced(cohort: Cohort) -> None:
    figures = all_phases(cohort)
    for phase in Phase:
        assert 10 < figures.phase_means[phase] < 16, phase
    assert abs(figures.mean_months - 68) <= 6.8
    assert abs(figures.median_months - 43) <= 4.3


# 001:170: 685 valid questionnaires, a response of 41.5%
def test_response_is_about_forty_percent(cohort: Cohort) -> None:
    rate = response_rates(cohort).rate()
    assert rate is not None
    assert abs(rate - 0.415) < 0.03
    counts = response_rates(cohort).counts
    for status in MeasurementStatus:  # late questionnaires, and every other status, occur
        assert sum(c[status] for c in counts.values()) > 0, status


# 001:900-915: older participants slower in 0-3; men faster through 0, 1 and 4;
# statushouders slower only in phase 1
def test_subgroup_trends_follow_the_source(cohort: Cohort) -> None:
    ages = subgroups(cohort, "age_band")
    for phase in (Phase(0), Phase(1), Phase(2), Phase(3)):
        assert ages.median_months["<30"][phase] < ages.median_months["60+"][phase]
    gender = subgroups(cohort, "gender")
    for phase in (Phase(0), Phase(1), Phase(4)):
        assert gender.median_months["man"][phase] < gender.median_months["woman"][phase]
    sh = subgroups(cohort, "statushouder")
    assert sh.median_months["yes"][Phase(1)] > sh.median_months["no"][Phase(1)]


def test_passports_have_goals(cohort: Cohort) -> None:
    with_goals = [r for r in cohort.records if r.passport is not None and r.passport.goals]
    assert len(with_goals) == len(cohort)


def test_parameters_change_the_cohort() -> None:
    everyone_in_phase_zero = SynthParameters(entry_phases={0: 1.0})
    cohort = synthetic_cohort(n=100, seed=1, params=everyone_in_phase_zero)
    assert {r.trajectory.episodes()[0].entry_phase for r in cohort.records} == {Phase(0)}


@pytest.mark.parametrize(
    ("n", "code"), [(-1, "invalid_count"), (1.5, "wrong_type"), (True, "wrong_type")]
)
def test_bad_sizes_are_refused(n: object, code: str) -> None:
    with pytest.raises(FieldError) as info:
        synthetic_cohort(n=n, seed=0)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == (code, "n")


@given(st.integers(0, 6), st.integers(0, 6), st.integers(1, 10**6))
@settings(max_examples=20)
def test_chunks_numbered_from_first_have_disjoint_ids(a: int, b: int, first: int) -> None:
    one = synthetic_cohort(n=a, seed=1, guidance=False, first=first)
    two = synthetic_cohort(n=b, seed=2, guidance=False, first=first + a)
    ids = [r.id for r in (*one.records, *two.records)]
    assert len(set(ids)) == a + b
    numbers = [int(i.removeprefix("syn-")) for i in ids]
    assert numbers == list(range(first, first + a + b))


def test_first_below_one_is_refused() -> None:
    with pytest.raises(FieldError) as info:
        synthetic_cohort(n=1, first=0)
    assert (info.value.code, info.value.field) == ("invalid_count", "first")
