"""The analytics of :mod:`piezomethod.analytics` on a cohort held in columns (numpy).

A :class:`CohortColumns` holds a cohort as integer arrays: per participant its attributes,
per event its participant, day, kind and phase, per measurement its participant, moment,
day and instrument, per answer its measurement, item and code. It is made from a loaded
dataset's columns without building a record (``ColumnarLoader.cohort_columns``), or from a
cohort's records (:meth:`CohortColumns.from_cohort`).

Each analysis counts what the reference counts from records (the stays per phase, how each
ended, the moves, the due measurements and what satisfied them, each response's scores) with
array operations, and hands the counts per distinct time to the *same* estimators
(``analytics._kaplan_meier``, ``analytics._aalen_johansen``), scores each distinct answer
combination with the same scorer, and sums exactly (per distinct score, in fractions), as
the reference's ``math.fsum`` does. The results are the reference's objects; a property test
holds the two to 1e-12 (in practice they are equal; the standard deviation of the distance
travelled may differ in its last bit).

Needs numpy (the ``arrow`` extra).
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from piezomethod import analytics as a
from piezomethod._arrays import Bools, Index, Ints, distinct
from piezomethod._checks import shift
from piezomethod.instruments import instrument as builtin_instrument
from piezomethod.outcomes import (
    _DEFAULT_WINDOWS,
    AnswerCode,
    Instrument,
    MeasurementMoment,
    MeasurementStatus,
    MeasurementWindows,
)
from piezomethod.phases import Enrolment, Exit, Phase, PhaseChange
from piezomethod.records import Cohort, Gender

_MOMENTS = tuple(MeasurementMoment)
_GENDERS = tuple(Gender)
_PHASES = tuple(Phase)
ENROLMENT, CHANGE, EXIT = 0, 1, 2
# how a stay ended: the analytics' causes in their order, -1 while still open
_ADVANCE, _SETBACK, _EXIT = 0, 1, 2
_DAY_BITS = 22  # an ordinal day (at most 3,652,059) fits in 22 bits


def _ints(values: Any) -> Ints:
    return np.asarray(values, dtype=np.int64)


class CohortColumns:
    """A cohort as columns: what the analytics read (see the module's docs).

    Participants are numbered in the cohort's order. Events are grouped by participant in
    history order; measurements by participant in the records' order (date, moment,
    instrument); answers belong to a measurement. ``instruments`` holds each measurement
    instrument's (id, version), ``items`` and ``codes`` the distinct item ids and answer codes
    the answers point into.
    """

    def __init__(
        self,
        *,
        as_of: datetime.date,
        birth_year: Ints,
        gender: Ints,
        statushouder: Ints,
        event_place: Ints,
        event_day: Ints,
        event_kind: Ints,
        event_phase: Ints,
        event_work: Bools,
        response_place: Ints,
        response_moment: Ints,
        response_day: Ints,
        response_instrument: Ints,
        instruments: Sequence[tuple[str, str]],
        answer_response: Ints,
        answer_item: Ints,
        answer_code: Ints,
        items: Sequence[str],
        codes: Sequence[AnswerCode | None],
    ) -> None:
        self.as_of = as_of
        self.day = as_of.toordinal()
        self.participants = len(birth_year)
        self.birth_year, self.gender, self.statushouder = birth_year, gender, statushouder
        self.event_place, self.event_day = event_place, event_day
        self.event_kind, self.event_phase, self.event_work = event_kind, event_phase, event_work
        self.response_place, self.response_moment = response_place, response_moment
        self.response_day, self.response_instrument = response_day, response_instrument
        self.instruments = list(instruments)
        self.answer_response, self.answer_item = answer_response, answer_item
        self.answer_code = answer_code
        self.items, self.codes = list(items), list(codes)
        self._cache: dict[Any, Any] = {}

    @classmethod
    def from_cohort(cls, cohort: Cohort) -> CohortColumns:
        """The columns of a cohort's records (a Python loop over them)."""
        birth, gender, status = [], [], []
        events: dict[str, list[Any]] = {k: [] for k in ("place", "day", "kind", "phase", "work")}
        responses: dict[str, list[int]] = {k: [] for k in ("place", "moment", "day", "ins")}
        answers: dict[str, list[int]] = {k: [] for k in ("response", "item", "code")}
        instruments: dict[tuple[str, str], int] = {}
        items: dict[str, int] = {}
        codes: dict[tuple[type, AnswerCode], int] = {}
        moment_of = {m: n for n, m in enumerate(_MOMENTS)}
        gender_of = {g: n for n, g in enumerate(_GENDERS)}
        for place, record in enumerate(cohort.records):
            p = record.participant
            birth.append(0 if p.birth_year is None else p.birth_year)
            gender.append(gender_of[p.gender])
            status.append(-1 if p.statushouder is None else int(p.statushouder))
            for event in record.trajectory.events:
                events["place"].append(place)
                events["day"].append(event.date.toordinal())
                if isinstance(event, Exit):
                    kind, phase = EXIT, -1
                    events["work"].append(event.destination.is_work_or_education)
                else:
                    assert isinstance(event, Enrolment | PhaseChange)
                    kind = ENROLMENT if isinstance(event, Enrolment) else CHANGE
                    phase = int(event.phase if isinstance(event, Enrolment) else event.to_phase)
                    events["work"].append(False)
                events["kind"].append(kind)
                events["phase"].append(phase)
            for m in record.measurements:
                response = len(responses["place"])
                responses["place"].append(place)
                responses["moment"].append(moment_of[m.moment])
                responses["day"].append(m.date.toordinal())
                key = (m.response.instrument_id, m.response.instrument_version)
                responses["ins"].append(instruments.setdefault(key, len(instruments)))
                for item, code in m.response.answers.items():
                    answers["response"].append(response)
                    answers["item"].append(items.setdefault(item, len(items)))
                    answers["code"].append(codes.setdefault((type(code), code), len(codes)))
        return cls(
            as_of=cohort.as_of,
            birth_year=_ints(birth),
            gender=_ints(gender),
            statushouder=_ints(status),
            event_place=_ints(events["place"]),
            event_day=_ints(events["day"]),
            event_kind=_ints(events["kind"]),
            event_phase=_ints(events["phase"]),
            event_work=np.asarray(events["work"], dtype=bool),
            response_place=_ints(responses["place"]),
            response_moment=_ints(responses["moment"]),
            response_day=_ints(responses["day"]),
            response_instrument=_ints(responses["ins"]),
            instruments=list(instruments),
            answer_response=_ints(answers["response"]),
            answer_item=_ints(answers["item"]),
            answer_code=_ints(answers["code"]),
            items=list(items),
            codes=[code for _, code in codes],
        )

    # -- what several analyses read ---------------------------------------------------------

    @functools.cached_property
    def _until(self) -> Bools:
        """Per event: on or before ``as_of`` (a prefix of each history, dates never go back)."""
        return self.event_day <= self.day

    @functools.cached_property
    def _first(self) -> Bools:
        """Per event: the first of its participant's history."""
        first = np.ones(len(self.event_place), dtype=bool)
        first[1:] = self.event_place[1:] != self.event_place[:-1]
        return first

    @functools.cached_property
    def stays(self) -> tuple[Ints, Ints, Ints, Ints]:
        """Each stay that began by ``as_of``: its participant, phase, days (to its end or
        ``as_of``) and how it ended (advance, setback, exit; -1 still open then). A stay is
        opened by an enrolment or a phase change and ended by the next event."""
        kind, day, phase = self.event_kind, self.event_day, self.event_phase
        opens = np.flatnonzero((kind != EXIT) & self._until)
        after = opens + 1
        has_next = after < len(kind)
        after = np.where(has_next, after, 0)
        has_next &= ~self._first[after]
        ended = has_next & (day[after] <= self.day)
        days = np.where(ended, day[after], self.day) - day[opens]
        cause = np.where(
            kind[after] == EXIT,
            _EXIT,
            np.where(phase[after] < phase[opens], _SETBACK, _ADVANCE),
        )
        return self.event_place[opens], phase[opens], days, np.where(ended, cause, -1)

    def _phase_stays(self, members: Bools | None = None) -> dict[Phase, tuple[Ints, Ints]]:
        """Per phase, its stays' days and causes (of the participants in ``members``)."""
        place, phase, days, cause = self.stays
        if members is not None:
            mine = members[place]
            phase, days, cause = phase[mine], days[mine], cause[mine]
        return {p: (days[phase == int(p)], cause[phase == int(p)]) for p in _PHASES}

    # -- flows ------------------------------------------------------------------------------

    def entry_phases(self) -> a.CountTable:
        first = self._first & self._until
        counts = np.bincount(self.event_phase[first], minlength=len(_PHASES))
        return a.CountTable(
            title="entry phase",
            rows=a._PHASE_LABELS,
            columns=("participants",),
            counts=tuple((int(c),) for c in counts.tolist()),
        )

    def transition_matrix(self) -> a.CountTable:
        rows = ("entry", "re_entry", *a._PHASE_LABELS)
        columns = (*a._PHASE_LABELS, "exit")
        kind, phase, until = self.event_kind, self.event_phase, self._until
        before = np.roll(phase, 1)
        row = np.where(kind == ENROLMENT, np.where(self._first, 0, 1), 2 + before)
        column = np.where(kind == EXIT, len(columns) - 1, phase)
        flat = np.bincount(
            (row * len(columns) + column)[until], minlength=len(rows) * len(columns)
        ).reshape(len(rows), len(columns))
        return a.CountTable(
            title="moves",
            rows=rows,
            columns=columns,
            counts=tuple(tuple(r) for r in flat.tolist()),
        )

    # -- time in phase ----------------------------------------------------------------------

    @staticmethod
    def _counts(days: Ints, keep: Bools) -> tuple[list[float], Ints, Ints, Ints]:
        """The distinct times (months), and per time how many left the risk set and the
        inverse (which time each duration is)."""
        distinct, inverse, gone = np.unique(days, return_inverse=True, return_counts=True)
        months = [d / a.DAYS_PER_MONTH for d in distinct.tolist()]
        ended = np.bincount(inverse[keep], minlength=len(distinct))
        return months, gone, ended, inverse

    def time_in_phase(self, alpha: float = 0.05) -> dict[Phase, a.SurvivalCurve]:
        key = ("time_in_phase", alpha)
        if key not in self._cache:
            curves = {}
            for p, (days, cause) in self._phase_stays().items():
                months, gone, ended, _ = self._counts(days, cause >= 0)
                curves[p] = a._kaplan_meier(months, ended.tolist(), gone.tolist(), alpha)
            self._cache[key] = curves
        found: dict[Phase, a.SurvivalCurve] = self._cache[key]
        return dict(found)

    def leaving_phase(self) -> dict[Phase, a.CompetingRisks]:
        found = {}
        for p, (days, cause) in self._phase_stays().items():
            months, gone, _, inverse = self._counts(days, cause >= 0)
            events = {
                name: np.bincount(inverse[cause == n], minlength=len(months)).tolist()
                for n, name in enumerate(a._CAUSES)
            }
            found[p] = a._aalen_johansen(months, events, gone.tolist())
        return found

    def all_phases(self) -> a.AllPhases:
        return a._all_phases(self.time_in_phase())

    # -- subgroups --------------------------------------------------------------------------

    def _groups(self, by: a.Breakdown) -> tuple[Ints, list[str]]:
        """Per participant its group's number, and the groups' names."""
        if by == "gender":
            return self.gender, [g.value for g in _GENDERS]
        if by == "statushouder":
            return self.statushouder + 1, ["unknown", "no", "yes"]
        first = np.flatnonzero(self._first)
        year = np.zeros(self.participants, dtype=np.int64)
        has = np.zeros(self.participants, dtype=bool)
        days, inverse = np.unique(self.event_day[first], return_inverse=True)
        years = _ints([datetime.date.fromordinal(d).year for d in days.tolist()])
        year[self.event_place[first]] = years[inverse]
        has[self.event_place[first]] = True
        has &= self.birth_year != 0
        age = year - self.birth_year
        band = np.full(self.participants, len(a._AGE_BANDS), dtype=np.int64)
        for n, (low, high, _) in enumerate(a._AGE_BANDS):
            band[has & (low <= age) & (age < high)] = n
        return band, [*(b[2] for b in a._AGE_BANDS), "unknown"]

    def _active(self) -> Bools:
        """Per participant: enrolled at ``as_of`` (the last event by then is not an exit)."""
        upto = np.flatnonzero(self._until)
        place = self.event_place[upto]
        last = np.ones(len(upto), dtype=bool)
        last[:-1] = place[1:] != place[:-1]
        active = np.zeros(self.participants, dtype=bool)
        active[place[last]] = self.event_kind[upto[last]] != EXIT
        return active

    def subgroups(self, by: a.Breakdown) -> a.SubgroupTable:
        number, names = self._groups(by)
        present = np.bincount(number, minlength=len(names)) > 0
        groups = tuple(g for g in a._GROUP_ORDER[by] if present[names.index(g)])
        renumber = np.full(len(names), -1, dtype=np.int64)
        renumber[[names.index(g) for g in groups]] = np.arange(len(groups))
        of = renumber[number]
        active = self._active()
        exits = (self.event_kind == EXIT) & self._until
        medians: dict[str, dict[Phase, float]] = {}
        forward: dict[str, dict[Phase, float | None]] = {}
        work: dict[str, float | None] = {}
        for n, g in enumerate(groups):
            members = of == n
            medians[g], forward[g] = {}, {}
            for p, (days, cause) in self._phase_stays(members).items():
                medians[g][p] = _median(days, cause >= 0)
                ended = int(np.count_nonzero(cause >= 0))
                advanced = int(np.count_nonzero(cause == _ADVANCE))
                forward[g][p] = advanced / ended if ended else None
            mine = exits & members[self.event_place]
            left = int(np.count_nonzero(mine))
            work[g] = int(np.count_nonzero(self.event_work[mine])) / left if left else None
        count = np.bincount(of, minlength=len(groups)).tolist()
        running = np.bincount(of[active], minlength=len(groups)).tolist()
        return a.SubgroupTable(
            by=by,
            groups=groups,
            participants=dict(zip(groups, count, strict=True)),
            median_months=medians,
            finished_forward=forward,
            work_or_education=work,
            active=dict(zip(groups, running, strict=True)),
        )

    # -- outcomes ---------------------------------------------------------------------------

    @functools.cached_property
    def _answers(self) -> Ints:
        """Per measurement and item, the code index of the answer (-1: none)."""
        found = np.full((len(self.response_place), len(self.items)), -1, dtype=np.int64)
        found[self.answer_response, self.answer_item] = self.answer_code
        return found

    def _answer_to(self, item: str) -> Ints:
        """Per measurement, the code index of its answer to ``item`` (-1: none)."""
        if item not in self.items:
            return np.full(len(self.response_place), -1, dtype=np.int64)
        answers: Ints = self._answers[:, self.items.index(item)]
        return answers

    def _scored(self, ins: Instrument) -> tuple[a._Scorer, Bools, dict[str, _Scores]]:
        """The scorer, per measurement whether it fits ``ins``, and per scale each
        measurement's score (NaN: none); made once per instrument."""
        key = ("scored", id(ins))
        kept = self._cache.get(key)
        if kept is None or kept[0] is not ins:
            kept = self._cache[key] = (ins, *self._score(ins))
        return kept[1], kept[2], kept[3]

    def _score(self, ins: Instrument) -> tuple[a._Scorer, Bools, dict[str, _Scores]]:
        scorer = a._Scorer(ins)
        fits = np.zeros(len(self.response_place), dtype=bool)
        if (ins.id, ins.version) in self.instruments:
            fits = self.response_instrument == self.instruments.index((ins.id, ins.version))
            # an answer that is not one of the instrument's options: judged per item and code
            pair = self.answer_item * len(self.codes) + self.answer_code
            seen = np.flatnonzero(np.bincount(pair, minlength=len(self.items) * len(self.codes)))
            valid = np.zeros(len(self.items) * len(self.codes), dtype=bool)
            for at in seen.tolist():
                item, code = divmod(at, len(self.codes))
                valid[at] = (self.items[item], self.codes[code]) in scorer.valid
            fits[self.answer_response[~valid[pair]]] = False
        # each scale scored once per distinct combination of its answers, fitting ones only
        # (another instrument's answer to an item of the same id need not be scorable here)
        fitting = np.flatnonzero(fits)
        scored: dict[str, _Scores] = {}
        for sid, items in scorer.items.items():
            parts = [self._answer_to(i)[fitting] + 1 for i in items]
            number, holders = distinct(parts)
            values = []
            for at in holders.tolist():
                answers = {
                    i: self.codes[part[at] - 1]
                    for i, part in zip(items, parts, strict=True)
                    if part[at]
                }
                value = scorer.value(sid, answers)
                values.append(math.nan if value is None else value)
            scored[sid] = _Scores(fitting, number, values, len(fits))
        return scorer, fits, scored

    def outcome_development(self, instrument: Instrument | None) -> a.OutcomeDevelopment:
        ins = instrument or builtin_instrument("piezo-effectmeting")
        scorer, fits, scored = self._scored(ins)
        moment = self.response_moment
        scale_ids = tuple(s.id for s in ins.scales)
        is_yes = np.array([c == "ja" for c in self.codes], dtype=bool)
        taken = np.bincount(moment[fits], minlength=len(_MOMENTS)).tolist()
        count = dict(zip(_MOMENTS, taken, strict=True))
        means: dict[MeasurementMoment, dict[str, float | None]] = {m: {} for m in _MOMENTS}
        for sid in scale_ids:
            for m, mean in zip(_MOMENTS, scored[sid].means(moment), strict=True):
                means[m][sid] = mean
        shares: dict[MeasurementMoment, dict[str, float | None]] = {}
        for n, m in enumerate(_MOMENTS):
            here = fits & (moment == n)
            shares[m] = {}
            for item in scorer.yes_no:
                answer = self._answer_to(item)[here]
                answer = answer[answer >= 0]
                yes = int(np.count_nonzero(is_yes[answer]))
                shares[m][item] = yes / len(answer) if len(answer) else None
        return a.OutcomeDevelopment(
            instrument_id=ins.id,
            moments=_MOMENTS,
            responses=count,
            scales=scale_ids,
            means=means,
            shares=scorer.yes_no,
            share_yes=shares,
            labels=scorer.labels(),
            ranges={s: tuple(float(b) for b in ins.scale_range(s)) for s in scale_ids},
        )

    def distance_travelled(
        self, instrument: Instrument | None, alpha: float
    ) -> a.DistanceTravelled:
        ins = instrument or builtin_instrument("piezo-effectmeting")
        _, fits, scored = self._scored(ins)
        values = {sid: found.per_response() for sid, found in scored.items()}
        place, moment, day = self.response_place, self.response_moment, self.response_day
        entry_moment = _MOMENTS.index(MeasurementMoment.ENTRY)
        # each participant's first fitting entry questionnaire
        entries = np.flatnonzero(fits & (moment == entry_moment))
        who, first = np.unique(place[entries], return_index=True)
        entry_of = np.full(self.participants, -1, dtype=np.int64)
        entry_of[who] = entries[first]
        later_moments = [_MOMENTS.index(m) for m in a._LATER]
        entry = entry_of[place]
        later = fits & np.isin(moment, later_moments) & (entry >= 0)
        later &= day >= day[np.maximum(entry, 0)]
        # the last of each later moment, per participant
        found = np.flatnonzero(later)[::-1]
        key = place[found] * len(_MOMENTS) + moment[found]
        _, last = np.unique(key, return_index=True)
        chosen = found[last]
        before, after = entry[chosen], chosen
        z = a._z(alpha)
        changes = []
        for s in ins.scales:
            sign = 1.0 if s.higher_is_better else -1.0
            change = sign * (values[s.id][after] - values[s.id][before])
            for m in a._LATER:
                picked = change[moment[after] == _MOMENTS.index(m)]
                picked = picked[~np.isnan(picked)]
                changes.append(
                    a._travelled(
                        s.id,
                        m,
                        n=len(picked),
                        total=math.fsum(picked.tolist()),
                        spread=_stdev(picked) if len(picked) >= 2 else None,
                        signs=(
                            int(np.count_nonzero(picked > 0)),
                            int(np.count_nonzero(picked == 0)),
                        ),
                        z=z,
                    )
                )
        order = {(c.scale, c.moment): c for c in changes}
        return a.DistanceTravelled(
            instrument_id=ins.id,
            scales=tuple(s.id for s in ins.scales),
            moments=a._LATER,
            changes=tuple(order[s.id, m] for s in ins.scales for m in a._LATER),
            labels={s.id: s.label for s in ins.scales},
            alpha=alpha,
        )

    # -- response ---------------------------------------------------------------------------

    def response_rates(
        self, instrument_id: str | None, windows: MeasurementWindows | None
    ) -> a.ResponseRates:
        w = windows or _DEFAULT_WINDOWS
        kind, until = self.event_kind, self._until
        # the due measurements: one per event by as_of, and a follow-up after each exit
        moment_of_kind = _ints(
            [_MOMENTS.index(m) for m in (MeasurementMoment.ENTRY, MeasurementMoment.TRANSITION)]
            + [_MOMENTS.index(MeasurementMoment.EXIT)]
        )
        made = np.flatnonzero(until)
        due_place = self.event_place[made]
        due_moment = moment_of_kind[kind[made]]
        due_day = self.event_day[made]
        exits = made[kind[made] == EXIT]
        follow = _shifted(self.event_day[exits], 0, w.follow_up_months)
        due_place = np.concatenate([due_place, self.event_place[exits]])
        due_moment = np.concatenate(
            [due_moment, np.full(len(exits), _MOMENTS.index(MeasurementMoment.FOLLOW_UP))]
        )
        due_day = np.concatenate([due_day, follow])
        start = np.empty_like(due_day)
        end = np.empty_like(due_day)
        for n, m in enumerate(_MOMENTS):
            mine = due_moment == n
            before, after = w.window(m)
            start[mine] = _shifted(due_day[mine], -before, 0)
            end[mine] = _shifted(due_day[mine], after, 0)
        # per participant and moment in order of due date: a due claims the measurements
        # from its window's start to the next one's start (the claims never overlap)
        group = due_place * len(_MOMENTS) + due_moment
        order = np.lexsort((due_day, group))
        group, start, end = group[order], start[order], end[order]
        last = np.ones(len(group), dtype=bool)
        last[:-1] = group[1:] != group[:-1]
        claim_end = np.where(last, 1 << _DAY_BITS, np.roll(start, -1))
        # the measurements that count, as sorted keys (participant, moment, day)
        taken = self.response_day <= self.day
        if instrument_id is not None:
            ids = [i for i, _ in self.instruments]
            taken &= np.isin(
                self.response_instrument, [n for n, i in enumerate(ids) if i == instrument_id]
            )
        keys = np.sort(
            ((self.response_place * len(_MOMENTS) + self.response_moment) << _DAY_BITS)[taken]
            + self.response_day[taken]
        )
        base = group << _DAY_BITS
        low = np.searchsorted(keys, base + start)
        candidates = np.searchsorted(keys, base + claim_end) - low
        on_time = np.searchsorted(keys, base + np.minimum(end + 1, claim_end)) - low
        status = np.select(
            [on_time > 0, candidates > 0, start > self.day, end >= self.day],
            [0, 1, 2, 3],
            4,
        )
        named = (
            MeasurementStatus.DONE,
            MeasurementStatus.LATE,
            MeasurementStatus.NOT_YET_DUE,
            MeasurementStatus.DUE,
            MeasurementStatus.MISSING,
        )
        moment = group % len(_MOMENTS)
        flat = np.bincount(moment * len(named) + status, minlength=len(_MOMENTS) * len(named))
        counts = {
            m: {s: int(flat[n * len(named) + named.index(s)]) for s in MeasurementStatus}
            for n, m in enumerate(_MOMENTS)
        }
        return a.ResponseRates(instrument_id=instrument_id, counts=counts)


class _Scores:
    """One scale's scores of the fitting measurements: per measurement (of ``fitting``) the
    number of its distinct answer combination, and each combination's score (NaN: none)."""

    def __init__(self, fitting: Ints, number: Index, values: list[float], total: int) -> None:
        self.fitting, self.number, self.values, self.total = fitting, number, values, total

    def per_response(self) -> npt.NDArray[np.float64]:
        """Each measurement's score (NaN: none, or not fitting)."""
        found = np.full(self.total, math.nan)
        found[self.fitting] = np.asarray(self.values, dtype=np.float64)[self.number]
        return found

    def means(self, moment: Ints) -> list[float | None]:
        """Per moment the mean score, as ``math.fsum(scores) / len(scores)``: the exact sum
        (counted per distinct score, in fractions) correctly rounded, as ``fsum`` gives it."""
        kinds = len(self.values)
        counts = np.bincount(
            moment[self.fitting] * kinds + self.number, minlength=len(_MOMENTS) * kinds
        ).reshape(len(_MOMENTS), kinds)
        scored = [n for n, v in enumerate(self.values) if not math.isnan(v)]
        found: list[float | None] = []
        for row in counts.tolist():
            n = sum(row[k] for k in scored)
            total = sum((Fraction(self.values[k]) * row[k] for k in scored), Fraction(0))
            found.append(float(total) / n if n else None)
        return found


def drawn(
    event_place: Ints, event_day: Ints, response_place: Ints, response_day: Ints
) -> datetime.date:
    """The day a cohort's data was drawn, as :func:`~piezomethod.dataset.load` finds it from
    the records: the latest of each participant's last event and last measurement that is
    not after today (today when there is none)."""
    today = datetime.date.today().toordinal()
    days = []
    for place, day in ((event_place, event_day), (response_place, response_day)):
        last = np.ones(len(place), dtype=bool)
        last[:-1] = place[1:] != place[:-1]
        days.append(day[last])
    found = np.concatenate(days)
    found = found[found <= today]
    return datetime.date.fromordinal(int(found.max()) if len(found) else today)


_LAST_DAY = datetime.date.max.toordinal()


_EPOCH = np.datetime64("0001-01-01", "D")  # ordinal 1
_MONTHS = (np.datetime64("0001-01", "M"), np.datetime64("9999-12", "M"))


def _shifted(days: Ints, by: int, months: int) -> Ints:
    """:func:`~piezomethod._checks.shift` of each ordinal day: held at the calendar's ends;
    calendar months as ``dateutil.relativedelta`` adds them (the day held at the month's
    last), in numpy when no days are added as well, else by ``shift`` itself per distinct day."""
    if not months:
        return np.clip(days + by, 1, _LAST_DAY)
    if not by:
        day = _EPOCH + (days - 1).astype("timedelta64[D]")
        month = day.astype("datetime64[M]")
        into = (day - month.astype("datetime64[D]")).astype(np.int64)
        target = month + np.timedelta64(months, "M")
        length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
            np.int64
        )
        moved = target.astype("datetime64[D]") + np.minimum(into, length - 1)
        found: Ints = (moved - _EPOCH).astype(np.int64) + 1
        found[target < _MONTHS[0]] = 1
        found[target > _MONTHS[1]] = _LAST_DAY
        return found
    distinct, inverse = np.unique(days, return_inverse=True)
    shifted = [
        shift(datetime.date.fromordinal(d), by, months=months).toordinal()
        for d in distinct.tolist()
    ]
    return _ints(shifted)[inverse] if len(days) else _ints([])


def _median(days: Ints, observed: Bools) -> float:
    """The Kaplan-Meier median, as :attr:`SurvivalCurve.median` reads it from the curve: the
    same products in the same order (numpy's running product is sequential)."""
    distinct, inverse, gone = np.unique(days, return_inverse=True, return_counts=True)
    deaths = np.bincount(inverse[observed], minlength=len(distinct))
    at_risk = len(days) - np.concatenate(([0], np.cumsum(gone)[:-1]))
    factor = np.ones(len(distinct))
    has = deaths > 0
    factor[has] = 1 - deaths[has] / at_risk[has]
    below = np.flatnonzero(np.cumprod(factor) <= 0.5)
    if not len(below):
        return math.inf
    return float(distinct[below[0]]) / a.DAYS_PER_MONTH


def _stdev(values: npt.NDArray[Any]) -> float:
    """The sample standard deviation, exactly as a fraction over the distinct values and
    their counts, then rounded (``statistics.stdev`` is exact too, value by value)."""
    distinct, counts = np.unique(values, return_counts=True)
    pairs = [(Fraction(v), c) for v, c in zip(distinct.tolist(), counts.tolist(), strict=True)]
    n = int(counts.sum())
    mean = sum((v * c for v, c in pairs), Fraction(0)) / n
    squares = sum((c * (v - mean) ** 2 for v, c in pairs), Fraction(0))
    return math.sqrt(squares / (n - 1))
