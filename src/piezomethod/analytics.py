"""What happens to participants: flows, time in phase, competing risks, outcomes, response.

The primitives are :func:`kaplan_meier` (a survival curve with log-log confidence bands and its
median; it agrees with ``lifelines`` to 1e-9) and :func:`aalen_johansen` (cumulative incidence
of competing ways to leave). On a :class:`~piezomethod.records.Cohort` the library computes
who enters where (:func:`entry_phases`), every move (:func:`transition_matrix`), how long each
phase takes with right-censoring for those still in it (:func:`time_in_phase`), how a phase
ends (:func:`leaving_phase`), the expected time to pass all phases (:func:`all_phases`), the
same broken down by subgroup (:func:`subgroups`), outcome development per measurement moment
(:func:`outcome_development`) and the response rate per moment (:func:`response_rates`).

Each takes a cohort of records or a loaded :class:`~piezomethod.dataset.Dataset`. Given a
dataset (and numpy, the ``[arrow]`` extra), the analyses count on its columns without building
a record, and give the records' results (the same estimators count on the same totals): at
100,000 participants about a second for all of them, against half a minute for building the
records and counting on them.

Every result is a plain, frozen object with ``to_frame()`` for pandas (the ``[pandas]``
extra). Count tables publish through :meth:`CountTable.suppress`: small counts show as
``"<k"`` and no total is shown that would let one be recomputed.

>>> from piezomethod.synth import synthetic_cohort
>>> cohort = synthetic_cohort(n=300, seed=3)
>>> entries = entry_phases(cohort)
>>> entries.total == len(cohort)
True
>>> curve = time_in_phase(cohort)[Phase(1)]
>>> 0 < curve.median < 60
True

Durations are in months of 30.4375 days (a year / 12).
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from piezomethod import _frames
from piezomethod._checks import at_least, checked, fields, frozen_mapping
from piezomethod._i18n import Lang, Text
from piezomethod.dataset._report import Dataset
from piezomethod.errors import Code, FieldError
from piezomethod.instruments import instrument as builtin_instrument
from piezomethod.outcomes import (
    AnswerCode,
    Instrument,
    MeasurementMoment,
    MeasurementStatus,
    MeasurementWindows,
    Response,
    ScoreStatus,
    _statuses,
    score,
)
from piezomethod.phases import Enrolment, Exit, MoveKind, Phase
from piezomethod.records import Cohort, Gender, ParticipantRecord

if TYPE_CHECKING:
    from piezomethod._columnar_analytics import CohortColumns

__all__ = [
    "DAYS_PER_MONTH",
    "AllPhases",
    "CompetingRisks",
    "CountTable",
    "Disclosure",
    "DistanceTravelled",
    "OutcomeDevelopment",
    "PublishedTable",
    "ResponseRates",
    "SubgroupTable",
    "SurvivalCurve",
    "Travelled",
    "aalen_johansen",
    "age_band",
    "all_phases",
    "distance_travelled",
    "entry_phases",
    "kaplan_meier",
    "leaving_phase",
    "outcome_development",
    "response_rates",
    "subgroups",
    "time_in_phase",
    "transition_matrix",
]

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average month: durations are reported in these months."""

_Z_CACHE: dict[float, float] = {}


def _z(alpha: float) -> float:
    if alpha not in _Z_CACHE:
        _Z_CACHE[alpha] = statistics.NormalDist().inv_cdf(1 - alpha / 2)
    return _Z_CACHE[alpha]


@functools.cache
def _numpy() -> bool:
    return importlib.util.find_spec("numpy") is not None


def _columns(cohort: Cohort | Dataset) -> CohortColumns | None:
    """A loaded dataset's columns when numpy is installed (the analytics then count on
    them); None for a cohort of records (counted record by record, the reference)."""
    if isinstance(cohort, Dataset) and _numpy():
        found: CohortColumns = cohort._analytics_columns()
        return found
    return None


def _records(cohort: Cohort | Dataset) -> Cohort:
    return cohort.cohort if isinstance(cohort, Dataset) else cohort


def _months(days: int) -> float:
    return days / DAYS_PER_MONTH


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class SurvivalCurve(_frames.Tabular):
    """A Kaplan-Meier curve: at each distinct time, the share still "surviving" (here: still
    in the phase), its confidence band, and the counts behind it.

    ``times`` starts at 0. ``survival[k]`` holds from ``times[k]`` until the next time.
    ``median`` is the first time the curve is at or below 0.5 (``math.inf`` when it never
    gets there: more than half are still in).
    """

    times: tuple[float, ...]
    survival: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    censored: tuple[int, ...]
    alpha: float

    @property
    def median(self) -> float:
        """The median time (``math.inf`` if the curve never reaches 0.5)."""
        for t, s in zip(self.times, self.survival, strict=True):
            if s <= 0.5:
                return t
        return math.inf

    @property
    def n(self) -> int:
        """How many durations the curve is made of."""
        return self.at_risk[0] if self.at_risk else 0

    def at(self, time: float) -> float:
        """The survival at ``time`` (1.0 before the first time)."""
        k = bisect.bisect_right(self.times, time) - 1
        return 1.0 if k < 0 else self.survival[k]

    def restricted_mean(self, until: float | None = None) -> float:
        """The area under the curve up to ``until`` (default: the last time): the mean time
        when everyone is followed that long."""
        end = self.times[-1] if until is None else until
        area, previous_t, previous_s = 0.0, 0.0, 1.0
        for t, s in zip(self.times, self.survival, strict=True):
            if t >= end:
                break
            area += (t - previous_t) * previous_s
            previous_t, previous_s = t, s
        # a curve never above 1 has no more area than its length: summing the steps in floating
        # point could exceed it by an ulp
        return min(area + (end - previous_t) * previous_s, max(end, 0.0))

    def plot(
        self,
        ax: Any = None,
        *,
        colour: str = "#0072B2",
        label: str | None = None,
        lang: Lang = "en",
    ) -> Any:
        """The curve as a step line with its band and its median marked, with matplotlib
        (``ax``: the axes to draw on, None for a new figure). Returns the axes."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        return plots.survival(self, ax, colour=colour, label=label, lang=lang)

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per time."""
        names = ("time", "survival", "lower", "upper", "at_risk", "events", "censored")
        columns = [getattr(self, "times" if n == "time" else n) for n in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)], names


def _check_durations(
    durations: Iterable[float], observed: Iterable[bool] | None
) -> tuple[list[float], list[bool]]:
    found = list(durations)
    for value in found:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise FieldError(
                "durations must be finite numbers >= 0",
                code=Code.INVALID_DURATION,
                field="durations",
            )
    seen = [True] * len(found) if observed is None else list(observed)
    if len(seen) != len(found):
        raise FieldError(
            "observed must have one entry per duration",
            code=Code.LENGTH_MISMATCH,
            field="observed",
        )
    if not all(isinstance(o, bool) for o in seen):
        raise FieldError("observed must be true or false", code=Code.WRONG_TYPE, field="observed")
    return [float(d) for d in found], seen


@checked
def kaplan_meier(
    durations: Iterable[float], observed: Iterable[bool] | None = None, *, alpha: float = 0.05
) -> SurvivalCurve:
    """The Kaplan-Meier estimate from ``durations`` and whether each end was ``observed``
    (``False``: right-censored, the person was still in when the data was drawn).

    The band is the exponential Greenwood ("log-log") interval at level ``1 - alpha``, as in
    ``lifelines``; where the curve is 1 the band is 1, where it is 0 the band is 0.

    >>> curve = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    >>> [round(s, 3) for s in curve.survival]
    [1.0, 0.8, 0.6, 0.3, 0.3]
    >>> curve.median
    5.0
    """
    if not 0 < alpha < 1:
        raise FieldError("alpha must lie between 0 and 1", code=Code.INVALID_ALPHA, field="alpha")
    times_in, seen = _check_durations(durations, observed)
    deaths: dict[float, int] = {}
    gone: dict[float, int] = {}
    for t, o in zip(times_in, seen, strict=True):
        gone[t] = gone.get(t, 0) + 1
        if o:
            deaths[t] = deaths.get(t, 0) + 1
    times = sorted(gone)
    return _kaplan_meier(times, [deaths.get(t, 0) for t in times], [gone[t] for t in times], alpha)


def _kaplan_meier(
    times: Sequence[float], deaths: Sequence[int], gone: Sequence[int], alpha: float
) -> SurvivalCurve:
    """The estimate from the counts per distinct time (sorted): how many ended there
    (``deaths``) and how many left the risk set (``gone``: ended or censored). The one
    estimator both :func:`kaplan_meier` and the columnar analytics count into."""
    times, deaths, gone = list(times), list(deaths), list(gone)
    if not times or times[0] > 0:
        times.insert(0, 0.0)
        deaths.insert(0, 0)
        gone.insert(0, 0)
    z = _z(alpha)
    n = sum(gone)
    s, greenwood = 1.0, 0.0
    survival, lower, upper, at_risk, censored = [], [], [], [], []
    log, exp = math.log, math.exp
    for d, leaving in zip(deaths, gone, strict=True):
        if d:
            s *= 1 - d / n
            if n > d:
                greenwood += d / (n * (n - d))
        if s >= 1.0:
            lo = hi = 1.0
        elif s <= 0.0:
            lo = hi = 0.0
        else:
            v = log(s)
            spread = z * math.sqrt(greenwood) / v
            lo = exp(-exp(log(-v) - spread))
            hi = exp(-exp(log(-v) + spread))
        survival.append(s)
        lower.append(lo)
        upper.append(hi)
        at_risk.append(n)
        censored.append(leaving - d)
        n -= leaving
    return SurvivalCurve(
        times=tuple(times),
        survival=tuple(survival),
        lower=tuple(lower),
        upper=tuple(upper),
        at_risk=tuple(at_risk),
        events=tuple(deaths),
        censored=tuple(censored),
        alpha=alpha,
    )


# --------------------------------------------------------------------------------------------
# Competing risks
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class CompetingRisks(_frames.Tabular):
    """Cumulative incidence of each way to leave (Aalen-Johansen), with the curve of staying.

    ``incidence[cause][k]`` is the share that has left by ``cause`` at ``times[k]``;
    ``staying[k]`` the Kaplan-Meier share that has not left at all. At every time the
    incidences and ``staying`` add up to 1.
    """

    times: tuple[float, ...]
    causes: tuple[str, ...]
    incidence: Mapping[str, tuple[float, ...]] = attrs.field(converter=frozen_mapping)
    staying: tuple[float, ...]
    n: int

    def final(self, cause: str) -> float:
        """The incidence of ``cause`` at the last time (0 when there are no times)."""
        values = self.incidence[cause]
        return values[-1] if values else 0.0

    def plot(self, ax: Any = None, *, lang: Lang = "en") -> Any:
        """Each cause's cumulative incidence over time, with matplotlib. Returns the axes."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        return plots.competing(self, ax, lang=lang)

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per time: the time, each cause's incidence and the share staying."""
        names = ("time", *self.causes, "staying")
        rows = [
            {
                "time": t,
                **{c: self.incidence[c][k] for c in self.causes},
                "staying": self.staying[k],
            }
            for k, t in enumerate(self.times)
        ]
        return rows, names


@checked
def aalen_johansen(
    durations: Iterable[float],
    causes: Iterable[str | None],
    *,
    names: Sequence[str] | None = None,
) -> CompetingRisks:
    """Cumulative incidence per cause from ``durations`` and each one's ``cause`` of ending
    (``None``: censored, still in). ``names`` fixes the causes and their order (default: the
    causes seen, sorted).

    >>> risks = aalen_johansen([1, 2, 2, 4], ["advance", "exit", None, "advance"])
    >>> {c: round(risks.final(c), 3) for c in risks.causes}
    {'advance': 0.75, 'exit': 0.25}
    """
    times_in, _ = _check_durations(durations, None)
    found = list(causes)
    if len(found) != len(times_in):
        raise FieldError(
            "causes must have one entry per duration",
            code=Code.LENGTH_MISMATCH,
            field="causes",
        )
    cause_names = tuple(names) if names is not None else tuple(sorted({c for c in found if c}))
    unknown = {c for c in found if c is not None and c not in cause_names}
    if unknown:
        raise FieldError(
            "a cause is not among the names given", code=Code.UNKNOWN_CAUSE, field="causes"
        )
    events: dict[float, dict[str, int]] = {}
    gone: dict[float, int] = {}
    for t, c in zip(times_in, found, strict=True):
        gone[t] = gone.get(t, 0) + 1
        if c is not None:
            row = events.setdefault(t, {})
            row[c] = row.get(c, 0) + 1
    times = sorted(gone)
    return _aalen_johansen(
        times,
        {c: [events.get(t, {}).get(c, 0) for t in times] for c in cause_names},
        [gone[t] for t in times],
    )


def _aalen_johansen(
    times: Sequence[float], events: Mapping[str, Sequence[int]], gone: Sequence[int]
) -> CompetingRisks:
    """The estimate from the counts per distinct time (sorted): how many ended there by each
    cause (in the causes' order) and how many left the risk set. The one estimator both
    :func:`aalen_johansen` and the columnar analytics count into."""
    n_total = n = sum(gone)
    s = 1.0
    cumulative = dict.fromkeys(events, 0.0)
    incidence: dict[str, list[float]] = {c: [] for c in events}
    staying: list[float] = []
    for k, leaving in enumerate(gone):
        d = 0
        for c, counts in events.items():
            cumulative[c] += s * counts[k] / n
            incidence[c].append(cumulative[c])
            d += counts[k]
        s *= 1 - d / n
        staying.append(s)
        n -= leaving
    return CompetingRisks(
        times=tuple(times),
        causes=tuple(events),
        incidence={c: tuple(v) for c, v in incidence.items()},
        staying=tuple(staying),
        n=n_total,
    )


# --------------------------------------------------------------------------------------------
# Count tables and small-cell suppression
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=fields)
class Disclosure:
    """Statistical disclosure control for published counts: small-cell suppression with
    rounding to a base, as statistical offices publish tables of people.

    A count of 0 is shown as ``0``; a count from 1 to ``threshold - 1`` as ``"<threshold"``;
    every other count rounded to the nearest multiple of ``base`` (halves up). A *total* (a
    table's margins, the number of participants, the stays of a phase) is never suppressed but
    always rounded, a small one up to ``base``: were small totals suppressed too, the cells
    under them would be pinned (two cells of at least 1 under a total of at most 2 are both 1).
    No published figure but a zero is then exact, so a small count does not simply follow
    from sums and differences of the others — not from a table's totals, not from the same
    total in another table, not from the headline number. On a small table the rounded
    figures can still leave a suppressed cell one possible value; the report therefore audits
    its whole page and withholds a figure where that happens (secondary suppression, see
    :func:`piezomethod.report.report_html`). Shares are computed from the published
    (rounded) counts and withheld where either count is suppressed. With ``base=1`` nothing is
    rounded; :meth:`CountTable.suppress` then withholds every total that covers a suppressed
    cell instead (that protects one table, not a page of linked tables).

    >>> d = Disclosure(threshold=10, base=5)
    >>> [d.count(n) for n in (0, 3, 10, 12, 13, 967)]
    ['0', '<10', '10', '10', '15', '965']
    >>> [d.total(n) for n in (0, 1, 3, 8, 967)]
    ['0', '5', '5', '10', '965']
    >>> d.share(13, 52)  # 15 of 50
    0.3
    """

    threshold: int = attrs.field(default=10, validator=at_least(1, Code.INVALID_THRESHOLD))
    base: int = attrs.field(default=5, validator=at_least(1, Code.INVALID_THRESHOLD))

    def suppressed(self, n: int) -> bool:
        """True when ``n`` is published as ``"<threshold"``."""
        return 0 < n < self.threshold

    def value(self, n: int) -> int | None:
        """The number published for ``n`` (None when it is suppressed). A count rounded to 0
        (only possible below ``base / 2`` with a threshold that low) is published as ``base``,
        so a nonzero count never shows as zero."""
        if n == 0:
            return 0
        if self.suppressed(n):
            return None
        rounded = (n + self.base // 2) // self.base * self.base
        return rounded or self.base

    def count(self, n: int) -> str:
        """``n`` as published: ``"0"``, ``"<threshold"`` or the rounded count."""
        shown = self.value(n)
        return f"<{self.threshold}" if shown is None else str(shown)

    def total(self, n: int) -> str:
        """A total as published: ``"0"`` or rounded (at least ``base``), never suppressed."""
        if n == 0:
            return "0"
        return str((n + self.base // 2) // self.base * self.base or self.base)

    def share(self, part: int, whole: int) -> float | None:
        """``part / whole`` from the published counts (None when either is suppressed or the
        whole is 0)."""
        p, w = self.value(part), self.value(whole)
        return None if p is None or not w else p / w


@attrs.frozen(kw_only=True, field_transformer=fields)
class PublishedTable(_frames.Tabular):
    """A count table made safe to publish: see :meth:`CountTable.suppress`.

    Cells are text: a count (rounded to ``base``), or ``"<k"``. A total is None where showing
    it would let a suppressed cell be recomputed (only when nothing is rounded, ``base=1``).
    """

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    row_totals: tuple[str | None, ...]
    column_totals: tuple[str | None, ...]
    total: str | None
    threshold: int
    base: int = 1

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """The table with a ``total`` column and row (empty where a total is withheld)."""
        rows = [
            {"": r, **dict(zip(self.columns, cells, strict=True)), "total": t or ""}
            for r, cells, t in zip(self.rows, self.cells, self.row_totals, strict=True)
        ]
        totals = [t or "" for t in self.column_totals]
        rows.append(
            {"": "total", **dict(zip(self.columns, totals, strict=True)), "total": self.total or ""}
        )
        return rows, ("", *self.columns, "total")


@attrs.frozen(kw_only=True, field_transformer=fields)
class CountTable(_frames.Tabular):
    """A table of counts of participants or moves, with row and column labels."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __attrs_post_init__(self) -> None:
        if len(self.counts) != len(self.rows) or any(
            len(r) != len(self.columns) for r in self.counts
        ):
            raise FieldError("counts must be rows x columns", code=Code.SHAPE, field="counts")
        if any(c < 0 for r in self.counts for c in r):
            raise FieldError(
                "counts must be whole numbers >= 0", code=Code.INVALID_COUNT, field="counts"
            )

    def get(self, row: str, column: str) -> int:
        """The count in ``row`` and ``column``."""
        return self.counts[self.rows.index(row)][self.columns.index(column)]

    @property
    def row_totals(self) -> tuple[int, ...]:
        """The sum of each row."""
        return tuple(sum(r) for r in self.counts)

    @property
    def column_totals(self) -> tuple[int, ...]:
        """The sum of each column."""
        return tuple(sum(r[j] for r in self.counts) for j in range(len(self.columns)))

    @property
    def total(self) -> int:
        """The sum of all cells."""
        return sum(self.row_totals)

    def plot(self, ax: Any = None, *, lang: Lang = "en") -> Any:
        """The table with matplotlib: the moves of :func:`transition_matrix` as a flow
        diagram (see :func:`piezomethod.plots.flows`), any other table as grouped bars.
        Returns the axes."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        if self.title == "moves":
            return plots.flows(self, ax, lang=lang)
        return plots.counts(self, ax, lang=lang)

    @checked
    def suppress(self, threshold: int = 10, *, base: int = 5) -> PublishedTable:
        """The table for publication under :class:`Disclosure`: every count from 1 to
        ``threshold - 1`` shows as ``"<threshold"``, every other count is rounded to the
        nearest multiple of ``base``, and every total is rounded (never suppressed, a small
        one up to ``base``); zeros stay visible.

        No published figure but a zero is then exact, so a suppressed count does not simply
        follow from the totals, here or in another table (a tiny table can still pin one: audit
        what you publish, as the report does). With ``base=1`` (no rounding) a total is
        withheld instead wherever it covers a suppressed cell, which protects this table alone.

        >>> t = CountTable(
        ...     title="t", rows=("a", "b"), columns=("x", "y"), counts=((3, 20), (15, 12))
        ... )
        >>> p = t.suppress(10)
        >>> p.cells, p.row_totals, p.column_totals, p.total
        ((('<10', '20'), ('15', '10')), ('25', '25'), ('20', '30'), '50')
        >>> t.suppress(10, base=1).row_totals
        (None, '27')
        """
        rule = Disclosure(threshold=threshold, base=base)
        cells = tuple(tuple(rule.count(c) for c in r) for r in self.counts)
        small = [[rule.suppressed(c) for c in r] for r in self.counts]
        exact = base == 1

        def total(value: int, covers: bool) -> str | None:
            if exact:
                return None if covers else rule.count(value)
            return rule.total(value)

        row_totals = tuple(total(t, any(sr)) for sr, t in zip(small, self.row_totals, strict=True))
        column_totals = tuple(
            total(t, any(sr[j] for sr in small)) for j, t in enumerate(self.column_totals)
        )
        return PublishedTable(
            title=self.title,
            rows=self.rows,
            columns=self.columns,
            cells=cells,
            row_totals=row_totals,
            column_totals=column_totals,
            total=total(self.total, any(any(sr) for sr in small)),
            threshold=threshold,
            base=base,
        )

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """The counts as a DataFrame, one row per row label."""
        rows = [
            {"": r, **dict(zip(self.columns, c, strict=True))}
            for r, c in zip(self.rows, self.counts, strict=True)
        ]
        return rows, ("", *self.columns)


_PHASE_LABELS = tuple(str(int(p)) for p in Phase)


@checked
def entry_phases(cohort: Cohort | Dataset) -> CountTable:
    """Participants by the phase they first entered in, one per participant who entered on or
    before ``cohort.as_of``. Re-entries are counted by :func:`transition_matrix`.
    """
    fast = _columns(cohort)
    if fast is not None:
        return fast.entry_phases()
    cohort = _records(cohort)
    counts = [0] * len(Phase)
    for record in cohort.records:
        events = record.trajectory.events
        if events and events[0].date <= cohort.as_of:
            first = events[0]
            assert isinstance(first, Enrolment)  # a trajectory starts with an enrolment
            counts[int(first.phase)] += 1
    return CountTable(
        title="entry phase",
        rows=_PHASE_LABELS,
        columns=("participants",),
        counts=tuple((c,) for c in counts),
    )


@checked
def transition_matrix(cohort: Cohort | Dataset) -> CountTable:
    """Every move in the cohort up to ``cohort.as_of``: rows ``entry``, ``re_entry`` and the
    phases 0-4 (where a move starts), columns the phases 0-4 and ``exit`` (where it leads).
    The diagonal is always 0: a move changes the phase. Moves are conserved: into a phase
    (its column) equals out of it (its row) plus those in it at ``as_of``."""
    fast = _columns(cohort)
    if fast is not None:
        return fast.transition_matrix()
    cohort = _records(cohort)
    rows = ("entry", "re_entry", *_PHASE_LABELS)
    columns = (*_PHASE_LABELS, "exit")
    counts = [[0] * len(columns) for _ in rows]
    for record in cohort.records:
        for move in record.trajectory.moves():
            if move.date > cohort.as_of:
                break
            if move.from_phase is None:
                r = 0 if move.kind is MoveKind.ENTRY else 1
            else:
                r = 2 + int(move.from_phase)
            c = len(columns) - 1 if move.to_phase is None else int(move.to_phase)
            counts[r][c] += 1
    return CountTable(
        title="moves", rows=rows, columns=columns, counts=tuple(tuple(r) for r in counts)
    )


# --------------------------------------------------------------------------------------------
# Time in phase, leaving a phase, all phases
# --------------------------------------------------------------------------------------------

_FORWARD = (MoveKind.ADVANCE, MoveKind.SKIP)
LeaveCause = Literal["advance", "setback", "exit"]
_CAUSES: tuple[str, ...] = ("advance", "setback", "exit")
# how a stay ended, as a cause of leaving the phase (a skip is an advance)
_CAUSE_OF: Mapping[MoveKind, str] = {k: "advance" if k in _FORWARD else str(k) for k in MoveKind}


Spell = tuple[Phase, int, MoveKind | None]
"""A stay up to ``as_of``: its phase, its days, and how it ended (None while still open)."""


def _record_spells(cohort: Cohort) -> tuple[tuple[Spell, ...], ...]:
    """Per record, its stays up to ``as_of``: derived once by the (immutable) cohort and kept
    there as tuples, so no call can change what another reads."""
    return cohort._stays_until_as_of


def _by_phase(
    spells: Iterable[Iterable[Spell]],
) -> dict[Phase, list[tuple[float, str | None]]]:
    """Per phase, each stay as (months, cause of leaving or None while ongoing)."""
    found: dict[Phase, list[tuple[float, str | None]]] = {p: [] for p in Phase}
    cause_of = _CAUSE_OF
    for mine in spells:
        for phase, days, ended in mine:
            found[phase].append((days / DAYS_PER_MONTH, None if ended is None else cause_of[ended]))
    return found


@checked
def time_in_phase(cohort: Cohort | Dataset, *, alpha: float = 0.05) -> dict[Phase, SurvivalCurve]:
    """For each phase, the Kaplan-Meier curve of time spent in it (months), every stay counted;
    a stay still going on at ``cohort.as_of`` is censored there."""
    fast = _columns(cohort)
    if fast is not None:
        return fast.time_in_phase(alpha)
    cohort = _records(cohort)
    return {
        phase: kaplan_meier([d for d, _ in spells], [c is not None for _, c in spells], alpha=alpha)
        for phase, spells in _by_phase(_record_spells(cohort)).items()
    }


@checked
def leaving_phase(cohort: Cohort | Dataset) -> dict[Phase, CompetingRisks]:
    """For each phase, the cumulative incidence of leaving it forward (``advance``: one phase
    or more), back (``setback``) or out of the method (``exit``); ongoing stays are censored.
    """
    fast = _columns(cohort)
    if fast is not None:
        return fast.leaving_phase()
    cohort = _records(cohort)
    return {
        phase: aalen_johansen([d for d, _ in spells], [c for _, c in spells], names=_CAUSES)
        for phase, spells in _by_phase(_record_spells(cohort)).items()
    }


@attrs.frozen(kw_only=True, field_transformer=fields)
class AllPhases(_frames.Tabular):
    """The expected time to pass all five phases, built from each phase's curve.

    The sources give a mean of about 68 and a median of about 43 months (Movisie 2019, "De
    PiëzoMethodiek en haar deelnemers", "gemiddeld 68 maanden") without saying how they were
    computed. This library's reading: the sum over
    the phases of the time spent in each, as the mean (``mean_months``: the sum of restricted
    means, each up to its phase's last observed time) and as the median (``median_months``:
    the sum of the phase medians). A phase whose median is not reached makes the median sum
    ``math.inf``.
    """

    mean_months: float
    median_months: float
    phase_means: Mapping[Phase, float] = attrs.field(converter=frozen_mapping)
    phase_medians: Mapping[Phase, float] = attrs.field(converter=frozen_mapping)

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per phase and a ``total`` row."""
        rows: list[dict[str, object]] = [
            {
                "phase": str(int(p)),
                "mean_months": self.phase_means[p],
                "median_months": self.phase_medians[p],
            }
            for p in Phase
        ]
        rows.append(
            {"phase": "total", "mean_months": self.mean_months, "median_months": self.median_months}
        )
        return rows, ("phase", "mean_months", "median_months")


@checked
def all_phases(cohort: Cohort | Dataset) -> AllPhases:
    """The expected time to pass all phases (see :class:`AllPhases` for how)."""
    return _all_phases(time_in_phase(cohort))


def _all_phases(curves: Mapping[Phase, SurvivalCurve]) -> AllPhases:
    means = {p: c.restricted_mean() for p, c in curves.items()}
    medians = {p: c.median for p, c in curves.items()}
    return AllPhases(
        mean_months=sum(means.values()),
        median_months=sum(medians.values()),
        phase_means=means,
        phase_medians=medians,
    )


# --------------------------------------------------------------------------------------------
# Subgroups
# --------------------------------------------------------------------------------------------

Breakdown = Literal["age_band", "gender", "statushouder"]
_AGE_BANDS = ((0, 30, "<30"), (30, 45, "30-44"), (45, 60, "45-59"), (60, 200, "60+"))


@checked
def age_band(record: ParticipantRecord) -> str:
    """The age band at first enrolment: ``<30``, ``30-44``, ``45-59``, ``60+`` or
    ``unknown`` (no birth year or no enrolment). Age is the enrolment year minus the birth
    year: the model holds no full birth date."""
    events = record.trajectory.events
    if record.participant.birth_year is None or not events:
        return "unknown"
    age = events[0].date.year - record.participant.birth_year
    for low, high, name in _AGE_BANDS:
        if low <= age < high:
            return name
    return "unknown"


def _group_of(record: ParticipantRecord, by: Breakdown) -> str:
    if by == "age_band":
        return age_band(record)
    if by == "gender":
        return record.participant.gender.value
    flag = record.participant.statushouder
    return "unknown" if flag is None else "yes" if flag else "no"


_GROUP_ORDER: Mapping[str, tuple[str, ...]] = {
    "age_band": (*(b[2] for b in _AGE_BANDS), "unknown"),
    "gender": tuple(g.value for g in Gender),
    "statushouder": ("yes", "no", "unknown"),
}


@attrs.frozen(kw_only=True, field_transformer=fields)
class SubgroupTable(_frames.Tabular):
    """Per subgroup: participants, the median months in each phase, the share of finished
    stays in each phase that ended forward, the share of exits to work or education, and how
    many are enrolled at ``as_of``."""

    by: str
    groups: tuple[str, ...]
    participants: Mapping[str, int] = attrs.field(converter=frozen_mapping)
    median_months: Mapping[str, Mapping[Phase, float]] = attrs.field(converter=frozen_mapping)
    finished_forward: Mapping[str, Mapping[Phase, float | None]] = attrs.field(
        converter=frozen_mapping
    )
    work_or_education: Mapping[str, float | None] = attrs.field(converter=frozen_mapping)
    active: Mapping[str, int] = attrs.field(converter=frozen_mapping)

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per group."""
        rows = []
        for g in self.groups:
            row: dict[str, object] = {self.by: g, "participants": self.participants[g]}
            for p in Phase:
                row[f"median_months_{int(p)}"] = self.median_months[g][p]
            for p in Phase:
                row[f"forward_{int(p)}"] = self.finished_forward[g][p]
            row["work_or_education"] = self.work_or_education[g]
            row["active"] = self.active[g]
            rows.append(row)
        columns = [self.by, "participants"]
        columns += [f"median_months_{int(p)}" for p in Phase]
        columns += [f"forward_{int(p)}" for p in Phase]
        return rows, [*columns, "work_or_education", "active"]


@checked
def subgroups(cohort: Cohort | Dataset, by: Breakdown) -> SubgroupTable:
    """The cohort broken down ``by`` age band, gender or statushouder (see
    :class:`SubgroupTable`). Groups with no participants are left out."""
    fast = _columns(cohort)
    if fast is not None:
        return fast.subgroups(by)
    cohort = _records(cohort)
    members: dict[str, list[ParticipantRecord]] = {}
    member_spells: dict[str, list[tuple[Spell, ...]]] = {}
    for record, mine in zip(cohort.records, _record_spells(cohort), strict=True):
        group = _group_of(record, by)
        members.setdefault(group, []).append(record)
        member_spells.setdefault(group, []).append(mine)
    groups = tuple(g for g in _GROUP_ORDER[by] if g in members)
    medians: dict[str, Mapping[Phase, float]] = {}
    forward: dict[str, Mapping[Phase, float | None]] = {}
    work: dict[str, float | None] = {}
    active: dict[str, int] = {}
    for g in groups:
        spells = _by_phase(member_spells[g])
        medians[g] = {
            p: kaplan_meier([d for d, _ in s], [c is not None for _, c in s]).median
            for p, s in spells.items()
        }
        shares: dict[Phase, float | None] = {}
        for p, s in spells.items():
            ended = [c for _, c in s if c is not None]
            shares[p] = sum(c == "advance" for c in ended) / len(ended) if ended else None
        forward[g] = shares
        exits = [
            e.destination
            for r in members[g]
            for e in r.trajectory.events
            if isinstance(e, Exit) and e.date <= cohort.as_of
        ]
        good = sum(1 for d in exits if d.is_work_or_education)
        work[g] = good / len(exits) if exits else None
        active[g] = sum(1 for r in members[g] if r.trajectory.phase_on(cohort.as_of) is not None)
    return SubgroupTable(
        by=by,
        groups=groups,
        participants={g: len(members[g]) for g in groups},
        median_months=medians,
        finished_forward=forward,
        work_or_education=work,
        active=active,
    )


# --------------------------------------------------------------------------------------------
# Outcomes and response
# --------------------------------------------------------------------------------------------


class _Scorer:
    """Scores responses to one instrument: each scale's value (None when too few items are
    answered), cached per combination of the scale's answers, never prorated."""

    def __init__(self, ins: Instrument) -> None:
        self.ins = ins
        self.items = {sc.id: tuple(si.item for si in sc.items) for sc in ins.scales}
        self.valid = {
            (item.id, option.code)
            for item in ins.items
            for option in ins.response_scale(item.response_scale).options
        }
        self.yes_no = tuple(
            i.id
            for i in ins.items
            if {str(o.code) for o in ins.response_scale(i.response_scale).options} == {"ja", "nee"}
        )
        self.cache: dict[tuple[str, tuple[AnswerCode | None, ...]], float | None] = {}

    def fits(self, response: Response) -> bool:
        """Whether ``response`` is to this instrument and every answer is one of its options
        (what :func:`~piezomethod.outcomes.check_response` would otherwise report)."""
        ins = self.ins
        if response.instrument_id != ins.id or response.instrument_version != ins.version:
            return False
        return all(pair in self.valid for pair in response.answers.items())

    def value(self, scale_id: str, answers: Mapping[str, AnswerCode]) -> float | None:
        items = self.items[scale_id]
        key = (scale_id, tuple(answers.get(i) for i in items))
        if key not in self.cache:
            part = {i: a for i, a in zip(items, key[1], strict=True) if a is not None}
            ins = self.ins
            response = Response(instrument_id=ins.id, instrument_version=ins.version, answers=part)
            found = score(ins, response).scale(scale_id)
            ok = found.value is not None and found.status is not ScoreStatus.TOO_FEW_ANSWERS
            self.cache[key] = float(found.value) if ok and found.value is not None else None
        return self.cache[key]

    def labels(self) -> dict[str, Text]:
        """Each scale's label and each yes/no item's text."""
        found = {sc.id: sc.label for sc in self.ins.scales}
        found.update({i: self.ins.item(i).text for i in self.yes_no})
        return found


@attrs.frozen(kw_only=True, field_transformer=fields)
class OutcomeDevelopment(_frames.Tabular):
    """Per measurement moment: how many responses, the mean of each scale, and the share
    answering "ja" to each yes/no item (such as ``werk_betaald``, paid work). ``labels`` holds
    each scale's label and each yes/no item's question, ``ranges`` each scale's lowest and
    highest score: what a chart or table shows instead of ids."""

    instrument_id: str
    moments: tuple[MeasurementMoment, ...]
    responses: Mapping[MeasurementMoment, int] = attrs.field(converter=frozen_mapping)
    scales: tuple[str, ...]
    means: Mapping[MeasurementMoment, Mapping[str, float | None]] = attrs.field(
        converter=frozen_mapping
    )
    shares: tuple[str, ...]
    share_yes: Mapping[MeasurementMoment, Mapping[str, float | None]] = attrs.field(
        converter=frozen_mapping
    )
    labels: Mapping[str, Text] = attrs.field(factory=dict, converter=frozen_mapping)
    ranges: Mapping[str, tuple[float, float]] = attrs.field(factory=dict, converter=frozen_mapping)

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per moment."""
        rows = [
            {
                "moment": m.value,
                "responses": self.responses[m],
                **{f"mean_{s}": self.means[m][s] for s in self.scales},
                **{f"share_{i}": self.share_yes[m][i] for i in self.shares},
            }
            for m in self.moments
        ]
        columns = ["moment", "responses", *(f"mean_{s}" for s in self.scales)]
        return rows, [*columns, *(f"share_{i}" for i in self.shares)]

    def plot(self, axes: Any = None, *, lang: Lang = "en") -> Any:
        """One panel per scale (on its own axis, labelled from the instrument) and one per
        yes/no item (the share answering "ja"), drawn with matplotlib; ``axes``: a sequence
        of at least as many axes, or None for a new figure. Returns the axes used."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        return plots.outcomes(self, axes, lang=lang)


@checked
def outcome_development(
    cohort: Cohort | Dataset, instrument: Instrument | None = None
) -> OutcomeDevelopment:
    """Outcomes per measurement moment for ``instrument`` (default: the built-in
    ``piezo-effectmeting``). Each response is scored with :func:`~piezomethod.outcomes.score`
    (exact, never prorated); a scale with too few answers is left out of its mean, not
    counted as 0. Responses that do not fit the instrument are skipped (validate first)."""
    fast = _columns(cohort)
    if fast is not None:
        return fast.outcome_development(instrument)
    cohort = _records(cohort)
    ins = instrument or builtin_instrument("piezo-effectmeting")
    scorer = _Scorer(ins)
    yes_no = scorer.yes_no
    scale_ids = tuple(s.id for s in ins.scales)
    sums: dict[MeasurementMoment, dict[str, list[float]]] = {
        m: {s: [] for s in scale_ids} for m in MeasurementMoment
    }
    yes: dict[MeasurementMoment, dict[str, list[bool]]] = {
        m: {i: [] for i in yes_no} for m in MeasurementMoment
    }
    count = dict.fromkeys(MeasurementMoment, 0)
    for record in cohort.records:
        for m in record.measurements:
            if not scorer.fits(m.response):
                continue
            answers = m.response.answers
            count[m.moment] += 1
            for sid in scale_ids:
                value = scorer.value(sid, answers)
                if value is not None:
                    sums[m.moment][sid].append(value)
            for item in yes_no:
                answer = answers.get(item)
                if answer is not None:
                    yes[m.moment][item].append(answer == "ja")
    moments = tuple(MeasurementMoment)
    return OutcomeDevelopment(
        instrument_id=ins.id,
        moments=moments,
        responses=count,
        scales=scale_ids,
        means={
            m: {s: math.fsum(v) / len(v) if v else None for s, v in sums[m].items()}
            for m in moments
        },
        shares=yes_no,
        share_yes={
            m: {i: sum(v) / len(v) if v else None for i, v in yes[m].items()} for m in moments
        },
        labels=scorer.labels(),
        ranges={s: tuple(float(b) for b in ins.scale_range(s)) for s in scale_ids},
    )


@attrs.frozen(kw_only=True, field_transformer=fields)
class Travelled:
    """The paired change on one scale from entry to one later moment: how many participants
    have both, the mean change (positive is better, whatever the scale's direction) with its
    confidence interval, and how many improved, stayed the same or got worse."""

    scale: str
    moment: MeasurementMoment
    n: int
    mean: float | None
    lower: float | None
    upper: float | None
    improved: int
    same: int
    worse: int


@attrs.frozen(kw_only=True, field_transformer=fields)
class DistanceTravelled(_frames.Tabular):
    """Distance travelled: for each scale and each moment after entry, the paired change per
    participant from their entry score (see :func:`distance_travelled`)."""

    instrument_id: str
    scales: tuple[str, ...]
    moments: tuple[MeasurementMoment, ...]
    changes: tuple[Travelled, ...]
    labels: Mapping[str, Text] = attrs.field(factory=dict, converter=frozen_mapping)
    alpha: float = 0.05

    def get(self, scale: str, moment: MeasurementMoment) -> Travelled:
        """The change on ``scale`` from entry to ``moment``."""
        for change in self.changes:
            if change.scale == scale and change.moment is moment:
                return change
        raise FieldError("no such scale and moment", code=Code.UNKNOWN_SCALE, field="scale")

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per scale and later moment."""
        names = ("scale", "moment", "n", "mean", "lower", "upper", "improved", "same", "worse")
        rows = [
            {n: getattr(c, n) for n in names} | {"moment": c.moment.value} for c in self.changes
        ]
        return rows, names

    def plot(self, axes: Any = None, *, lang: Lang = "en") -> Any:
        """One panel per scale: the mean change to each later moment with its interval, and
        the line of no change; ``axes`` as for :meth:`OutcomeDevelopment.plot`."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        return plots.distance(self, axes, lang=lang)


_LATER = (MeasurementMoment.TRANSITION, MeasurementMoment.EXIT, MeasurementMoment.FOLLOW_UP)


@checked
def distance_travelled(
    cohort: Cohort | Dataset, instrument: Instrument | None = None, *, alpha: float = 0.05
) -> DistanceTravelled:
    """Distance travelled, as Outcomes Star users know it: per participant, the change on each
    scale from their first entry questionnaire to their last questionnaire at each later moment
    (transition, exit, follow-up), paired — the same person twice.

    A change is counted as better when the scale moves in its good direction
    (``higher_is_better``), so a positive mean is progress on every scale. The interval is the
    mean plus and minus z times the standard error (a normal approximation: with fewer than
    about 30 pairs it is somewhat too narrow). Responses that do not fit the instrument are
    skipped, as in :func:`outcome_development`.

    >>> from piezomethod.synth import synthetic_cohort
    >>> travelled = distance_travelled(synthetic_cohort(n=400, seed=1))
    >>> work = travelled.get("kans_werk", MeasurementMoment.FOLLOW_UP)
    >>> work.n > 0, work.mean > 0, work.improved + work.same + work.worse == work.n
    (True, True, True)
    """
    if not 0 < alpha < 1:
        raise FieldError("alpha must lie between 0 and 1", code=Code.INVALID_ALPHA, field="alpha")
    fast = _columns(cohort)
    if fast is not None:
        return fast.distance_travelled(instrument, alpha)
    cohort = _records(cohort)
    ins = instrument or builtin_instrument("piezo-effectmeting")
    scorer = _Scorer(ins)
    scale_ids = tuple(s.id for s in ins.scales)
    sign = {s.id: 1.0 if s.higher_is_better else -1.0 for s in ins.scales}
    found: dict[tuple[str, MeasurementMoment], list[float]] = {
        (s, m): [] for s in scale_ids for m in _LATER
    }
    for record in cohort.records:
        fitting = [m for m in record.measurements if scorer.fits(m.response)]
        entry = next((m for m in fitting if m.moment is MeasurementMoment.ENTRY), None)
        if entry is None:
            continue
        last = {m.moment: m for m in fitting if m.date >= entry.date and m.moment in _LATER}
        for moment, later in last.items():
            for sid in scale_ids:
                before = scorer.value(sid, entry.response.answers)
                after = scorer.value(sid, later.response.answers)
                if before is not None and after is not None:
                    found[sid, moment].append(sign[sid] * (after - before))
    z = _z(alpha)
    changes = [
        _travelled(
            sid,
            moment,
            n=len(values),
            total=math.fsum(values),
            spread=statistics.stdev(values) if len(values) >= 2 else None,
            signs=(sum(v > 0 for v in values), sum(v == 0 for v in values)),
            z=z,
        )
        for (sid, moment), values in found.items()
    ]
    return DistanceTravelled(
        instrument_id=ins.id,
        scales=scale_ids,
        moments=_LATER,
        changes=tuple(changes),
        labels={s.id: s.label for s in ins.scales},
        alpha=alpha,
    )


def _travelled(
    scale: str,
    moment: MeasurementMoment,
    *,
    n: int,
    total: float,
    spread: float | None,
    signs: tuple[int, int],
    z: float,
) -> Travelled:
    """The paired change from its ``n`` values' (correctly rounded) sum, their standard
    deviation (None below two), and how many improved and stayed the same; both the records'
    and the columns' :func:`distance_travelled` build it here."""
    mean = total / n if n else None
    half = z * spread / math.sqrt(n) if spread is not None else None
    improved, same = signs
    return Travelled(
        scale=scale,
        moment=moment,
        n=n,
        mean=mean,
        lower=None if mean is None or half is None else mean - half,
        upper=None if mean is None or half is None else mean + half,
        improved=improved,
        same=same,
        worse=n - improved - same,
    )


@attrs.frozen(kw_only=True, field_transformer=fields)
class ResponseRates(_frames.Tabular):
    """Per measurement moment: how many were done, late, missing and still due, and the
    response rate ``(done + late) / (done + late + missing)`` (None when nothing settled)."""

    instrument_id: str | None
    counts: Mapping[MeasurementMoment, Mapping[MeasurementStatus, int]] = attrs.field(
        converter=frozen_mapping
    )

    def plot(self, ax: Any = None, *, lang: Lang = "en") -> Any:
        """The response rate per moment as bars, with matplotlib. Returns the axes."""
        from piezomethod import plots  # noqa: PLC0415 - matplotlib is an optional extra

        return plots.response(self, ax, lang=lang)

    def rate(self, moment: MeasurementMoment | None = None) -> float | None:
        """The response rate at ``moment``, or over all moments."""
        chosen = [moment] if moment is not None else list(self.counts)
        taken = sum(
            self.counts[m][MeasurementStatus.DONE] + self.counts[m][MeasurementStatus.LATE]
            for m in chosen
        )
        settled = taken + sum(self.counts[m][MeasurementStatus.MISSING] for m in chosen)
        return taken / settled if settled else None

    def _rows(self) -> tuple[Sequence[Mapping[str, object]], Sequence[str]]:
        """One row per moment with each status count and the rate."""
        statuses = tuple(MeasurementStatus)
        rows = [
            {"moment": m.value, **{s.value: c[s] for s in statuses}, "rate": self.rate(m)}
            for m, c in self.counts.items()
        ]
        return rows, ("moment", *(s.value for s in statuses), "rate")


@checked
def response_rates(
    cohort: Cohort | Dataset,
    *,
    instrument_id: str | None = "piezo-effectmeting",
    windows: MeasurementWindows | None = None,
) -> ResponseRates:
    """The response rate per moment over the cohort, from
    :func:`~piezomethod.outcomes.compliance` for each participant as of ``cohort.as_of``
    (only measurements of ``instrument_id`` count; None: any)."""
    fast = _columns(cohort)
    if fast is not None:
        return fast.response_rates(instrument_id, windows)
    cohort = _records(cohort)
    counts = {m: dict.fromkeys(MeasurementStatus, 0) for m in MeasurementMoment}
    as_of = cohort.as_of
    for record in cohort.records:
        # the matching of outcomes.compliance, without building its report objects
        found, _ = _statuses(record.trajectory, record.measurements, as_of, windows, instrument_id)
        for due, status, _measurement in found:
            counts[due.moment][status] += 1
    return ResponseRates(instrument_id=instrument_id, counts=counts)
