"""Analytics invariants: conservation, bounds, monotonicity, agreement, no leaking small cells."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from piezomethod.analytics import (
    CountTable,
    Disclosure,
    aalen_johansen,
    entry_phases,
    kaplan_meier,
    leaving_phase,
    subgroups,
    time_in_phase,
    transition_matrix,
)
from piezomethod.phases import Phase
from piezomethod.records import Cohort
from piezomethod.strategies import cohorts

durations = st.lists(st.integers(0, 60).map(float) | st.floats(0, 60), max_size=60)


@given(durations, st.data())
def test_kaplan_meier_is_a_survival_curve(found: list[float], data: st.DataObject) -> None:
    observed = data.draw(st.lists(st.booleans(), min_size=len(found), max_size=len(found)))
    curve = kaplan_meier(found, observed)
    assert curve.times[0] == 0.0
    assert list(curve.times) == sorted(set(curve.times))
    previous = 1.0
    for s, lo, hi in zip(curve.survival, curve.lower, curve.upper, strict=True):
        assert 0.0 <= lo <= s <= hi <= 1.0
        assert s <= previous
        previous = s
    assert sum(curve.events) == sum(observed)
    assert sum(curve.events) + sum(curve.censored) == len(found)
    assert curve.n == len(found)
    assert 0.0 <= curve.restricted_mean() <= max(found, default=0.0)


@given(durations, st.data())
def test_cumulative_incidences_never_sum_above_one(found: list[float], data: st.DataObject) -> None:
    cause = st.sampled_from(["advance", "setback", "exit", None])
    causes = data.draw(st.lists(cause, min_size=len(found), max_size=len(found)))
    risks = aalen_johansen(found, causes, names=["advance", "setback", "exit"])
    curve = kaplan_meier(found, [c is not None for c in causes])
    for k, t in enumerate(risks.times):
        total = sum(risks.incidence[c][k] for c in risks.causes)
        assert total <= 1.0 + 1e-12
        assert abs(total + risks.staying[k] - 1.0) < 1e-9
        assert abs(risks.staying[k] - curve.at(t)) < 1e-9
        for c in risks.causes:
            assert 0.0 <= risks.incidence[c][k] <= 1.0 + 1e-12
            if k:
                assert risks.incidence[c][k] >= risks.incidence[c][k - 1]


@given(cohorts())
def test_flows_conserve_participants(cohort: Cohort) -> None:
    flows = transition_matrix(cohort)
    entered = [
        r
        for r in cohort.records
        if r.trajectory.events[:1] and r.trajectory.events[0].date <= cohort.as_of
    ]
    assert entry_phases(cohort).total == len(entered)
    assert sum(flows.counts[0]) == len(entered)
    for phase in Phase:
        j = int(phase)
        into = flows.column_totals[j]
        out_of = flows.row_totals[2 + j]
        now = sum(1 for r in cohort.records if r.trajectory.phase_on(cohort.as_of) is phase)
        assert into == out_of + now
        assert flows.counts[2 + j][j] == 0
    enrolled = sum(1 for r in cohort.records if r.trajectory.phase_on(cohort.as_of) is not None)
    exits = flows.column_totals[-1]
    assert exits + enrolled == flows.row_totals[0] + flows.row_totals[1]


@given(cohorts())
def test_stays_and_groups_account_for_everyone(cohort: Cohort) -> None:
    curves = time_in_phase(cohort)
    risks = leaving_phase(cohort)
    for phase in Phase:
        assert curves[phase].n == risks[phase].n
        stays = [s for r in cohort.records for s in r.trajectory.stays() if s.start <= cohort.as_of]
        assert curves[phase].n == sum(1 for s in stays if s.phase is phase)
    for by in ("age_band", "gender", "statushouder"):
        table = subgroups(cohort, by)
        assert sum(table.participants.values()) == len(cohort)


tables = st.integers(1, 5).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 40), min_size=width, max_size=width), min_size=1, max_size=5
    )
)


@given(tables, st.integers(1, 15))
def test_suppression_without_rounding_withholds_every_covering_total(
    counts: list[list[int]], k: int
) -> None:
    table = CountTable(
        title="t",
        rows=tuple(f"r{i}" for i in range(len(counts))),
        columns=tuple(f"c{j}" for j in range(len(counts[0]))),
        counts=tuple(tuple(r) for r in counts),
    )
    published = table.suppress(k, base=1)
    for i, row in enumerate(counts):
        for j, c in enumerate(row):
            shown = published.cells[i][j]
            if 0 < c < k:
                assert shown == f"<{k}"
                # every total that contains this cell is withheld
                assert published.row_totals[i] is None
                assert published.column_totals[j] is None
                assert published.total is None
            else:
                assert shown == str(c)
    for i, t in enumerate(published.row_totals):
        if t is not None:
            assert int(t) == sum(counts[i])
    for j, t in enumerate(published.column_totals):
        if t is not None:
            assert int(t) == sum(r[j] for r in counts)
    if published.total is not None:
        assert int(published.total) == sum(map(sum, counts))


@given(st.integers(0, 100_000), st.integers(1, 15), st.sampled_from([2, 3, 5, 10]))
def test_a_published_count_is_zero_suppressed_or_rounded_near_the_truth(
    n: int, k: int, base: int
) -> None:
    rule = Disclosure(threshold=k, base=base)
    shown = rule.count(n)
    if n == 0:
        assert shown == "0"
    elif n < k:
        assert shown == f"<{k}"
    else:
        value = int(shown)
        assert value % base == 0
        assert value > 0
        # the nearest multiple (halves up), or base for a count rounded to zero
        assert abs(value - n) <= base // 2 or (value == base and n < base)
