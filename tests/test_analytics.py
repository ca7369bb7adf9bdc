"""Analytics: worked examples, agreement with lifelines, cohort tables and suppression."""

from __future__ import annotations

import datetime
import math
import warnings

import pytest

from piezomethod.analytics import (
    CountTable,
    aalen_johansen,
    age_band,
    all_phases,
    entry_phases,
    kaplan_meier,
    leaving_phase,
    outcome_development,
    response_rates,
    subgroups,
    time_in_phase,
    transition_matrix,
)
from piezomethod.instruments import instrument
from piezomethod.outcomes import Measurement, MeasurementMoment, MeasurementStatus, Response, score
from piezomethod.phases import Enrolment, Exit, MoveKind, Phase, Trajectory
from piezomethod.records import Cohort, Participant, ParticipantRecord
from piezomethod.synth import synthetic_cohort
from tests.builders import record, refused

D = datetime.date


# Kaplan & Meier's textbook example as used by Bland & Altman, BMJ 1998;317:1572 ("Survival
# probabilities (the Kaplan-Meier method)"): the product-limit estimate by hand.
def test_kaplan_meier_by_hand() -> None:
    curve = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [True, True, False, True, True, True, False])
    # t=1: 6/7; t=2: x 5/6 (one censored at 2 leaves 4 at risk); t=3: x 3/4; t=4: x 1/3
    expected = [1.0, 6 / 7, 6 / 7 * 5 / 6, 6 / 7 * 5 / 6 * 3 / 4, 6 / 7 * 5 / 6 * 3 / 4 / 3]
    assert curve.survival[:5] == pytest.approx(expected, abs=1e-12)
    assert curve.at_risk[:5] == (7, 7, 6, 4, 3)
    assert curve.median == 4.0
    assert curve.at(2.5) == pytest.approx(5 / 7)
    assert curve.at(-1) == 1.0


def _lifelines_km(durations: list[float], observed: list[bool]) -> object:
    lifelines = pytest.importorskip("lifelines")
    fitter = lifelines.KaplanMeierFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(durations, observed)
    return fitter


@pytest.mark.parametrize("seed", range(6))
def test_kaplan_meier_matches_lifelines(seed: int) -> None:
    import random

    rng = random.Random(seed)
    n = rng.randrange(1, 300)
    durations = [float(rng.randrange(0, 40)) for _ in range(n)]  # many ties, some zeros
    observed = [rng.random() < 0.7 for _ in range(n)]
    ours = kaplan_meier(durations, observed)
    theirs = _lifelines_km(durations, observed)
    sf = theirs.survival_function_  # type: ignore[attr-defined]
    ci = theirs.confidence_interval_  # type: ignore[attr-defined]
    for t, s, lo, hi in zip(sf.index, sf.iloc[:, 0], ci.iloc[:, 0], ci.iloc[:, 1], strict=True):
        assert ours.at(t) == pytest.approx(s, abs=1e-9)
        k = ours.times.index(t)
        assert ours.lower[k] == pytest.approx(lo, abs=1e-9)
        assert ours.upper[k] == pytest.approx(hi, abs=1e-9)
    assert ours.median == theirs.median_survival_time_  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", range(4))
def test_restricted_mean_matches_lifelines(seed: int) -> None:
    import random

    lifelines_utils = pytest.importorskip("lifelines.utils")
    rng = random.Random(seed)
    durations = [rng.uniform(0, 30) for _ in range(80)]
    observed = [rng.random() < 0.8 for _ in range(80)]
    fitter = _lifelines_km(durations, observed)
    theirs = lifelines_utils.restricted_mean_survival_time(fitter, t=25.0)
    assert kaplan_meier(durations, observed).restricted_mean(25.0) == pytest.approx(
        theirs, abs=1e-9
    )


def test_aalen_johansen_matches_lifelines_without_ties() -> None:
    import random

    lifelines = pytest.importorskip("lifelines")
    rng = random.Random(5)
    durations = [rng.uniform(0, 50) for _ in range(150)]
    causes = [rng.choice(["advance", "setback", "exit", None]) for _ in durations]
    ours = aalen_johansen(durations, causes, names=["advance", "setback", "exit"])
    codes = {None: 0, "advance": 1, "setback": 2, "exit": 3}
    for k, cause in enumerate(("advance", "setback", "exit"), start=1):
        fitter = lifelines.AalenJohansenFitter(calculate_variance=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter.fit(durations, [codes[c] for c in causes], event_of_interest=k)
        frame = fitter.cumulative_density_
        for t, value in zip(frame.index, frame.iloc[:, 0], strict=True):
            j = max(i for i, x in enumerate((0.0, *ours.times)) if x <= t) - 1
            mine = ours.incidence[cause][j] if j >= 0 else 0.0
            assert mine == pytest.approx(value, abs=1e-9)


def test_aalen_johansen_and_kaplan_meier_agree_on_staying() -> None:
    durations = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
    causes = ["exit", None, "advance", "advance", None, "exit", "setback", None, "advance", "exit"]
    risks = aalen_johansen(durations, causes)
    curve = kaplan_meier(durations, [c is not None for c in causes])
    for t, s in zip(risks.times, risks.staying, strict=True):
        assert s == pytest.approx(curve.at(t), abs=1e-12)
        k = risks.times.index(t)
        total = sum(risks.incidence[c][k] for c in risks.causes) + s
        assert total == pytest.approx(1.0, abs=1e-12)


def test_survival_input_is_checked() -> None:
    refused(lambda: kaplan_meier([1, -2]), "invalid_duration", "durations")
    refused(lambda: kaplan_meier([1, 2], [True]), "length_mismatch", "observed")
    refused(lambda: kaplan_meier([1, math.nan]), "invalid_duration", "durations")
    refused(lambda: kaplan_meier([1, "2"]), "wrong_type", "durations")  # type: ignore[list-item]
    refused(lambda: kaplan_meier([1], alpha=1.5), "invalid_alpha", "alpha")
    refused(
        lambda: aalen_johansen([1, 2], ["exit", "holiday"], names=["exit"]),
        "unknown_cause",
        "causes",
    )


def test_an_empty_curve_has_no_median() -> None:
    curve = kaplan_meier([])
    assert curve.n == 0
    assert curve.median == math.inf


# --------------------------------------------------------------------------------------------
# On a small hand-made cohort
# --------------------------------------------------------------------------------------------


@pytest.fixture
def small() -> Cohort:
    return Cohort(
        records=[
            record(
                "a",
                (D(2020, 1, 1), 1),
                (D(2020, 7, 1), 2),
                (D(2021, 1, 1), "paid_work"),
                birth_year=1980,
                gender="woman",
            ),
            record(
                "b",
                (D(2020, 3, 1), 0),
                (D(2020, 9, 1), 2),
                (D(2021, 3, 1), 1),
                birth_year=1950,
                gender="man",
            ),
            record(
                "c",
                (D(2019, 1, 1), 1),
                (D(2019, 6, 1), "health"),
                (D(2020, 1, 1), 1),
                birth_year=2000,
                statushouder=True,
            ),
            record("d", birth_year=1980),
        ],
        as_of=D(2022, 1, 1),
    )


def test_entry_and_flows_on_a_small_cohort(small: Cohort) -> None:
    entries = entry_phases(small)
    assert [row[0] for row in entries.counts] == [1, 2, 0, 0, 0]
    flows = transition_matrix(small)
    assert flows.get("entry", "1") == 2
    assert flows.get("re_entry", "1") == 1
    assert flows.get("0", "2") == 1
    assert flows.get("2", "1") == 1
    assert flows.get("2", "exit") == 1
    assert flows.get("1", "exit") == 1
    assert flows.total == 9


def test_time_in_phase_censors_ongoing_stays(small: Cohort) -> None:
    curves = time_in_phase(small)
    one = curves[Phase(1)]
    # stays in phase 1: a (6 months, ended), c (5 months, ended), c again and b (ongoing)
    assert one.n == 4
    assert sum(one.events) == 2
    assert sum(one.censored) == 2
    assert curves[Phase(4)].n == 0


def test_leaving_phase_names_the_way_out(small: Cohort) -> None:
    risks = leaving_phase(small)
    assert risks[Phase(0)].final("advance") == pytest.approx(1.0)
    assert risks[Phase(2)].final("setback") + risks[Phase(2)].final("exit") == pytest.approx(1.0)


def test_subgroups_on_a_small_cohort(small: Cohort) -> None:
    ages = subgroups(small, "age_band")
    assert ages.participants == {"<30": 1, "30-44": 1, "60+": 1, "unknown": 1}
    assert age_band(small.records[1]) == "60+"
    by_gender = subgroups(small, "gender")
    assert by_gender.work_or_education["woman"] == 1.0
    assert by_gender.active["man"] == 1
    refused(lambda: subgroups(small, "shoe_size"), "unknown_value", "by")  # type: ignore[arg-type]


def test_outcome_development_agrees_with_scoring_each_response() -> None:
    cohort = synthetic_cohort(n=150, seed=9)
    ins = instrument("piezo-effectmeting")
    development = outcome_development(cohort, ins)
    for moment in MeasurementMoment:
        taken = [m for r in cohort.records for m in r.measurements if m.moment is moment]
        assert development.responses[moment] == len(taken)
        values = [score(ins, m.response).scale("geluk").value for m in taken]
        scored = [float(v) for v in values if v is not None]
        assert development.means[moment]["geluk"] == pytest.approx(sum(scored) / len(scored))
        work = [m.response.answers.get("werk_betaald") for m in taken]
        answered = [w for w in work if w is not None]
        share = sum(w == "ja" for w in answered) / len(answered)
        assert development.share_yes[moment]["werk_betaald"] == pytest.approx(share)


def test_response_rates_count_each_due_moment_once() -> None:
    pid = "r"
    record = ParticipantRecord(
        participant=Participant(id=pid),
        trajectory=Trajectory.from_events(
            pid,
            [
                Enrolment(date=D(2020, 1, 1), phase=Phase(1)),
                Exit(date=D(2020, 6, 1), destination="education"),
            ],
        ),
        measurements=[
            Measurement(
                participant_id=pid,
                moment=MeasurementMoment.ENTRY,
                date=D(2020, 1, 5),
                response=Response(
                    instrument_id="piezo-effectmeting", instrument_version="0.1", answers={}
                ),
            )
        ],
    )
    rates = response_rates(Cohort(records=[record], as_of=D(2021, 1, 1)))
    assert rates.counts[MeasurementMoment.ENTRY][MeasurementStatus.DONE] == 1
    assert rates.counts[MeasurementMoment.EXIT][MeasurementStatus.MISSING] == 1
    assert rates.counts[MeasurementMoment.FOLLOW_UP][MeasurementStatus.MISSING] == 1
    assert rates.rate() == pytest.approx(1 / 3)
    assert rates.rate(MeasurementMoment.TRANSITION) is None


def test_all_phases_sums_the_phases(small: Cohort) -> None:
    figures = all_phases(small)
    assert figures.mean_months == pytest.approx(sum(figures.phase_means.values()))
    assert figures.median_months == math.inf  # nobody has a phase-4 stay


# --------------------------------------------------------------------------------------------
# Suppression and frames
# --------------------------------------------------------------------------------------------


def test_suppression_worked_example() -> None:
    table = CountTable(
        title="t", rows=("a", "b", "c"), columns=("x", "y"), counts=((0, 25), (4, 30), (12, 11))
    )
    # suppression and rounding to base 5: every total published, none exact
    published = table.suppress(10)
    assert published.cells == (("0", "25"), ("<10", "30"), ("10", "10"))
    assert published.row_totals == ("25", "35", "25")
    assert published.column_totals == ("15", "65")
    assert published.total == "80"
    # without rounding, the totals that cover a suppressed cell are withheld
    exact = table.suppress(10, base=1)
    assert exact.cells == (("0", "25"), ("<10", "30"), ("12", "11"))
    assert exact.row_totals == ("25", None, "23")
    assert exact.column_totals == (None, "66")
    assert exact.total is None


def test_count_tables_are_checked() -> None:
    refused(
        lambda: CountTable(title="t", rows=("a",), columns=("x",), counts=((1, 2),)),
        "shape",
        "counts",
    )
    refused(
        lambda: CountTable(title="t", rows=("a",), columns=("x",), counts=((-1,),)),
        "invalid_count",
        "counts",
    )
    table = CountTable(title="t", rows=("a",), columns=("x",), counts=((1,),))
    refused(lambda: table.suppress(0), "invalid_threshold", "threshold")
    refused(lambda: table.suppress(True), "wrong_type", "threshold")
    refused(lambda: table.suppress(10, base=0), "invalid_threshold", "base")


def test_every_result_has_a_frame(small: Cohort) -> None:
    pytest.importorskip("pandas")
    cohort = synthetic_cohort(n=80, seed=2)
    assert list(entry_phases(cohort).to_frame().columns) == ["", "participants"]
    assert len(transition_matrix(cohort).to_frame()) == 7
    assert len(transition_matrix(cohort).suppress(5).to_frame()) == 8
    assert len(time_in_phase(cohort)[Phase(1)].to_frame()) == len(
        time_in_phase(cohort)[Phase(1)].times
    )
    assert "staying" in leaving_phase(cohort)[Phase(1)].to_frame().columns
    assert len(all_phases(cohort).to_frame()) == 6
    assert len(subgroups(cohort, "gender").to_frame()) == 2
    assert len(outcome_development(cohort).to_frame()) == 4
    assert "rate" in response_rates(cohort).to_frame().columns


def test_stays_are_derived_once_and_kept_immutable(small: Cohort) -> None:
    # once a module-level cache keyed by id(cohort) handed the same mutable lists to every
    # call; now the immutable cohort and trajectories keep tuples
    from piezomethod import analytics

    spells = analytics._record_spells(small)
    assert spells is analytics._record_spells(small)
    assert isinstance(spells, tuple)
    assert all(isinstance(mine, tuple) for mine in spells)
    assert spells[0] == ((Phase(1), 182, MoveKind.ADVANCE), (Phase(2), 184, MoveKind.EXIT))
    stays = small.records[0].trajectory.stays()
    assert isinstance(stays, tuple)
    assert small.records[0].trajectory.stays() is stays


def test_a_restricted_mean_never_exceeds_the_time_followed() -> None:
    # found by the Kaplan-Meier property: two censored stays, the steps' sum one ulp too long
    curve = kaplan_meier([1.1576227432185018, 17.23472377527813], [False, False])
    assert curve.restricted_mean() <= 17.23472377527813
