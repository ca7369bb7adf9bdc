"""The columnar backend (private): the reference loader's report, from columns.

Needs pyarrow and numpy (the ``arrow`` extra). A CSV table is read by pyarrow with every column
dictionary-encoded, so each row holds small integer codes into the column's *distinct* texts.
Each distinct text is stripped, unguarded and parsed once, **by the reference's own cell
parsers** (:mod:`._cells`), and the verdict is broadcast to the rows with numpy. What crosses
rows — unknown participants, ids used twice, duplicate answers, conditional items, the history
rules — is computed on the integer codes.

What is computed in bulk only decides *which rows are clean*. Every row that is not, and every
participant whose history is not plainly valid, goes to the reference's own code
(:class:`._loader._Loader`'s per-row methods and :meth:`~._loader._Loader.history`), in file
order, into the same collector: so the problems, their messages and their order are the
reference's by construction, and the limits cut the same list at the same place. A clean row
is one the reference would accept without a word; the bulk checks may be stricter than that
(a row flagged needlessly is judged by the reference and comes out clean), never laxer.

A table pyarrow cannot read exactly as the reference does — rows of another width, a column
without a name, a cell longer than a spreadsheet cell, text that does not decode — is read by
the reference reader instead, and the report says so. So are tables that are not CSV files
(workbooks, databases, frames) and the coach's tables (small by nature).
"""

from __future__ import annotations

import codecs
import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from piezomethod._arrays import Index
from piezomethod._arrays import combined as _combined
from piezomethod._arrays import distinct as _distinct
from piezomethod._columnar_analytics import CohortColumns, drawn
from piezomethod.dataset._cells import (
    BadCellError,
    parse_bool,
    parse_date,
    parse_destination,
    parse_gender,
    parse_int,
    parse_kind,
    parse_moment,
    parse_number,
    parse_phase,
    parse_status,
    parse_type,
    split,
)
from piezomethod.dataset._loader import (
    MAX_CELL,
    MISSING,
    Loaded,
    _Collector,
    _Loader,
    _PassportTable,
    _Row,
    _Rows,
    duplicate_answer,
    duplicate_participant,
    measurement_key,
    unguard,
)
from piezomethod.dataset._read import RawTable
from piezomethod.dataset._report import ProblemLimits
from piezomethod.errors import Code, Severity
from piezomethod.outcomes import AnswerCode, Instrument, Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    DEFAULT_PLACEMENT_PHASES,
    DevelopmentPassport,
    GoalStatus,
    PlacementKind,
    SkillCatalogue,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
)
from piezomethod.records import Gender, Participant, ParticipantRecord

_T = TypeVar("_T")
Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

BACKEND = "arrow"
_BLOCK = 1 << 24  # bytes per pyarrow block: few chunks, each parsed on its own thread
_TYPES = ("enrolment", "phase_change", "exit")
_MOMENTS = list(MeasurementMoment)
_PHASES = list(Phase)
_GENDERS = list(Gender)
_GOAL_STATUSES = list(GoalStatus)


class Fallback(Exception):  # noqa: N818 - not an error: a reason to use the reference reader
    """A table the columnar reader cannot read exactly as the reference does; why."""


class _Column:
    """One column of the kept rows: per row a code into ``texts``, the column's distinct cell
    texts (stripped, and unguarded in a file a spreadsheet opens, as the reference reads
    them)."""

    __slots__ = ("codes", "texts")

    def __init__(self, codes: Codes, texts: list[str]) -> None:
        self.codes = codes
        self.texts = texts

    def per_row(self, values: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[Any]:
        """A per-distinct-text array broadcast to the rows (integers as int32: codes, phases,
        days and places all fit, and a row costs half the memory)."""
        found = np.asarray(values)
        if found.dtype.kind == "i":
            found = found.astype(np.int32)
        return found[self.codes]

    def filled(self) -> Bools:
        """Per row: the cell holds text."""
        return self.per_row(np.array([bool(t) for t in self.texts], dtype=bool))

    def parsed(self, parse: Callable[[str], Any]) -> tuple[list[Any], Bools]:
        """Per distinct text the parsed value (None when empty, ``MISSING`` when the parser
        refuses it), and per row whether the parser refused the cell."""
        values: list[Any] = []
        for text in self.texts:
            if not text:
                values.append(None)
                continue
            try:
                values.append(parse(text))
            except BadCellError:
                values.append(MISSING)
        return values, self.per_row(np.array([v is MISSING for v in values], dtype=bool))


class _Table:
    """A CSV table as columns: the kept (not blank) rows, their row numbers in the file."""

    def __init__(
        self, name: str, numbers: Ints, columns: dict[str, _Column], extra: Sequence[str]
    ) -> None:
        self.name = name
        self.numbers = numbers
        self.columns = columns
        self.extra = list(extra)  # the columns the table does not define

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> _Column:
        """A column by canonical name; an absent one reads as empty cells."""
        found = self.columns.get(name)
        if found is None:
            found = self.columns[name] = _Column(np.zeros(len(self), dtype=np.int32), [""])
        return found

    def cells(self, index: int) -> dict[str, str]:
        return {name: c.texts[c.codes[index]] for name, c in self.columns.items()}

    def rows(self, sink: _Collector, indices: Ints) -> Iterator[tuple[int, _Row]]:
        """The reference's row contexts of the rows at ``indices``, in order."""
        for index in indices.tolist():
            yield index, _Row(sink, self.name, int(self.numbers[index]), self.cells(index))


# what str.strip() removes (every character whose isspace() is true; a test recomputes it)
SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_CLASS = "".join(f"\\x{{{ord(c):04x}}}" for c in SPACE)
# an RE2 pattern for a text the reference would change: it starts or ends with what strip()
# removes, or starts with '
_NOT_AS_READ = f"^[{_SPACE_CLASS}']|[{_SPACE_CLASS}]$"


def _canonical(dictionary: pa.Array, escaped: bool) -> tuple[Codes, list[str]]:
    """Each distinct raw text of a column to the text the reference reads (stripped, and
    unguarded in a file a spreadsheet opens): per raw text a code into the distinct texts.
    The few texts that change are found in C++ and changed by the reference's own code."""
    texts: list[str] = dictionary.to_pylist()
    remap = np.arange(len(texts), dtype=np.int32)
    longest = pc.max(pc.utf8_length(dictionary)).as_py() if len(texts) else 0
    if longest > MAX_CELL and max(len(t.strip()) for t in texts) > MAX_CELL:
        raise Fallback("a cell longer than a spreadsheet cell holds")
    changed = pc.match_substring_regex(dictionary, _NOT_AS_READ)
    changing = np.flatnonzero(changed.to_numpy(zero_copy_only=False))
    if not len(changing):
        return remap, texts
    index = dict(zip(texts, range(len(texts)), strict=True))
    for n in changing.tolist():
        del index[texts[n]]
    for n in changing.tolist():
        text = texts[n].strip()
        if escaped and text[:1] == "'":
            text = unguard(text)
        code = index.get(text)
        if code is None:
            # a new text (the raw one at n is read by no row now)
            code = index[text] = len(texts)
            texts.append(text)
        remap[n] = code
    return remap, texts


def _pyarrow_encoding(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    # the header line (with any byte-order mark) is skipped, so UTF-8 with a mark is UTF-8
    return "utf8" if name in ("utf-8", "utf-8-sig") else encoding


def read_columns(raw: RawTable, rows: _Rows) -> _Table:
    """The table's columns, read by pyarrow as the reference reads its rows; ``Fallback`` when
    that cannot be promised."""
    source = raw.csv
    if source is None:
        raise Fallback("not a CSV file")
    if rows.unnamed:
        raise Fallback("a column without a name")
    width = rows.width
    names = [f"c{n}" for n in range(width)]
    text = pa.dictionary(pa.int32(), pa.string())
    # streamed a block at a time: of each block only its columns' codes and distinct texts
    # are kept (not the text of every cell, as a whole-file read holds at its peak)
    chunks: list[list[pa.DictionaryArray]] = [[] for _ in names]
    try:
        reader = pacsv.open_csv(
            source.path,
            read_options=pacsv.ReadOptions(
                skip_rows=1,
                column_names=names,
                block_size=_BLOCK,
                encoding=_pyarrow_encoding(source.encoding),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=source.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, text),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            for position, array in enumerate(batch.columns):
                chunks[position].append(array)
            del batch
    except (pa.ArrowException, UnicodeError, ValueError):
        # pyarrow's message may quote a row: it is not passed on
        raise Fallback(
            "rows of another width than the header, or text that does not decode"
        ) from None
    by_position = {position: name for name, position in rows.index.items()}
    columns: dict[str, _Column] = {}
    for position in range(width):
        if not chunks[position]:
            columns[by_position[position]] = _Column(np.zeros(0, dtype=np.int32), [""])
            continue
        # one dictionary per column across the blocks (hashed in C++), then one pass over the
        # distinct texts in Python
        unified = pa.chunked_array(chunks[position], type=text).unify_dictionaries()
        chunks[position] = []
        remap, texts = _canonical(unified.chunk(0).dictionary, raw.escaped)
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in unified.chunks])
        del unified
        columns[by_position[position]] = _Column(remap[codes], texts or [""])
    # what pyarrow's pool kept of the blocks goes back to the system before the checks start
    pa.default_memory_pool().release_unused()
    filled = np.zeros(_row_count(columns), dtype=bool)
    for column in columns.values():
        filled |= column.filled()
    kept = np.flatnonzero(filled)
    for column in columns.values():
        column.codes = column.codes[kept]
    return _Table(rows.table.name, kept.astype(np.int64) + 1, columns, rows.extra)


def _row_count(columns: Mapping[str, _Column]) -> int:
    return len(next(iter(columns.values())).codes) if columns else 0


def _first(keys: Ints) -> Bools:
    """Per position: no earlier position holds the same key."""
    first = np.zeros(len(keys), dtype=bool)
    if len(keys):
        _, where = np.unique(keys, return_index=True)
        first[where] = True
    return first


class ColumnarLoader(_Loader):
    """The reference loader with columnar readers for the large tables of CSV files."""

    def __init__(
        self,
        policy: TransitionPolicy,
        instruments: Mapping[str, Instrument],
        catalogue: SkillCatalogue,
        limits: ProblemLimits | None = None,
    ) -> None:
        super().__init__(policy, instruments, catalogue, limits)
        self.fallbacks: list[str] = []
        self.tables: dict[str, _Table] = {}
        self.index: dict[str, int] = {}  # participant id -> place in self.order
        self.valid_participants: dict[str, int] = {}  # id -> kept row, built on demand
        self.valid_rows = np.zeros(0, dtype=np.int64)
        self._events: _EventColumns | None = None
        self._answers: _AnswerColumns | None = None
        self._passport: dict[str, _PassportColumns] = {}
        self._histories: Mapping[str, tuple[Event, ...]] = {}
        self._fallen_responses: dict[str, list[Measurement]] | None = None

    def read(self, rows: _Rows) -> None:
        fast: dict[str, Callable[[_Table], None]] = {
            "participants": self.fast_participants,
            "events": self.fast_events,
            "measurements": self.fast_measurements,
            "goals": self.fast_goals,
            "placements": self.fast_placements,
        }
        reader = fast.get(rows.table.name)
        if reader is None or not rows.ok:
            super().read(rows)
            return
        try:
            table = read_columns(rows.raw, rows)
        except Fallback as why:
            self.fallbacks.append(f"{rows.table.name}: {why}")
            super().read(rows)
            return
        reader(table)

    # -- who a row is about ---------------------------------------------------------------------

    def owners(self, table: _Table) -> tuple[Ints, Bools]:
        """Per row: the participant's place in the order (-1 when missing or unknown), and
        whether the row is about a known participant."""
        ids = table.column("participant_id")
        index = self.places()
        where = np.array([index.get(t, -1) if t else -1 for t in ids.texts], dtype=np.int64)
        place = ids.per_row(where)
        return place, place >= 0

    def places(self) -> dict[str, int]:
        """Participant id -> place in the order (made here when the participants table fell
        back to the reference reader)."""
        if len(self.index) != len(self.order):
            self.index = {pid: n for n, pid in enumerate(self.order)}
        return self.index

    def judged(self, table: _Table, indices: Ints, judge: Callable[[int, _Row], None]) -> None:
        """Run the reference's own checks on the rows at ``indices`` (in file order)."""
        for index, row in table.rows(self.sink, indices):
            judge(index, row)

    # -- participants ---------------------------------------------------------------------------

    def fast_participants(self, table: _Table) -> None:
        self.tables["participants"] = table
        ids = table.column("participant_id")
        filled = ids.filled()
        first = _first(np.where(filled, ids.codes, -1)) & filled
        registered = np.flatnonzero(first)
        for index in registered.tolist():
            pid = ids.texts[ids.codes[index]]
            self.index[pid] = len(self.order)
            self.order.append(pid)
            self.participants[pid] = None
        self.sink.known.update(self.order)
        extra = table.extra
        _, bad_year = table.column("birth_year").parsed(parse_int)
        _, bad_gender = table.column("gender").parsed(parse_gender)
        _, bad_status = table.column("statushouder").parsed(parse_bool)
        # the rules of Participant itself: judged once per distinct birth year, by the
        # reference, on a row that holds nothing else
        years = table.column("birth_year")
        refused = np.zeros(len(years.texts), dtype=bool)
        scratch = _Collector()
        for code, text in enumerate(years.texts):
            row = _Row(scratch, "participants", 0, {"birth_year": text})
            refused[code] = self.participant(row, "p", extra) is None
        clean = first & ~bad_year & ~bad_gender & ~bad_status & ~years.per_row(refused)
        for index in np.flatnonzero(clean).tolist():
            self.valid_participants[ids.texts[ids.codes[index]]] = index
        # per place in the order: its row when plainly valid, else -1
        self.valid_rows = np.where(clean[registered], registered, -1)

        def judge(index: int, row: _Row) -> None:
            pid = row.text("participant_id")
            if not pid:
                row.problem(Code.MISSING_VALUE, "participant_id", "required")
                return
            row.pid = pid
            if not first[index]:
                duplicate_participant(row)
                return
            participant = self.participant(row, pid, extra)
            if participant is not None:
                self.participants[pid] = participant

        self.judged(table, np.flatnonzero(~clean), judge)

    def valid_participant(self, pid: str) -> bool:
        return self.participants[pid] is not None or pid in self.valid_participants

    def participant_of(self, pid: str) -> Participant | None:
        """The participant (built now from its row), or None when its row was not valid."""
        found = self.participants.get(pid)
        if found is not None:
            return found
        index = self.valid_participants.get(pid)
        if index is None:
            return None
        table = self.tables["participants"]
        row = _Row(_Collector(), "participants", 0, table.cells(index))
        return self.participant(row, pid, table.extra)

    # -- events and histories -------------------------------------------------------------------

    def fast_events(self, table: _Table) -> None:
        place, owned = self.owners(table)
        days, _ = table.column("date").parsed(parse_date)
        kinds, _ = table.column("type").parsed(parse_type)
        phases, _ = table.column("phase").parsed(parse_phase)
        destinations, bad_destination = table.column("destination").parsed(parse_destination)
        day = table.column("date").per_row([d.toordinal() if _is(d) else -1 for d in days])
        kind = table.column("type").per_row([_TYPES.index(k) if k in _TYPES else -1 for k in kinds])
        phase = table.column("phase").per_row([int(p) if _is(p) else -1 for p in phases])
        has_phase = table.column("phase").filled()
        has_destination = table.column("destination").filled()
        has_reason = table.column("reason").filled()
        has_referrer = table.column("referrer").filled()
        exit_ = kind == 2
        clean = owned & (day >= 0) & (kind >= 0)
        clean &= np.where(
            exit_,
            has_destination & ~bad_destination & ~has_phase,
            (phase >= 0) & ~has_destination,
        )
        clean &= ~((kind == 0) & has_reason) & ~((kind == 1) & has_referrer)
        built: dict[int, Event | None] = {}

        def judge(index: int, row: _Row) -> None:
            if self.owner(row):
                built[index] = self.event(row)

        self.judged(table, np.flatnonzero(~clean), judge)
        self._events = _EventColumns(
            self, table, place, owned, clean, built, day=day, kind=kind, phase=phase
        )
        self._events.destinations = destinations

    def check_histories(self, events_read: bool) -> Mapping[str, tuple[Event, ...]]:
        if self._events is None:
            return super().check_histories(events_read)
        columns = self._events
        attention = columns.unclear(self.policy)
        if events_read:
            attention |= ~columns.has_events()
        for place in np.flatnonzero(attention).tolist():
            pid = self.order[place]
            self.history(pid, columns.rows(place), events_read)
        return columns

    # -- measurements ---------------------------------------------------------------------------

    def fast_measurements(self, table: _Table) -> None:
        place, owned = self.owners(table)
        moments, _ = table.column("moment").parsed(parse_moment)
        days, _ = table.column("date").parsed(parse_date)
        moment = table.column("moment").per_row(
            [_MOMENTS.index(m) if _is(m) else -1 for m in moments]
        )
        day = table.column("date").per_row([d.toordinal() if _is(d) else -1 for d in days])
        # what the rest of a row says, judged once per distinct combination by the reference
        parts = [table.column(c) for c in ("instrument", "instrument_version", "item", "answer")]
        combo, first_row = _distinct([p.codes for p in parts])
        slots: dict[tuple[str, str], int] = {}
        outcome = np.full(len(first_row), -1, dtype=np.int32)  # -1 bad, -2 no answer, else slot
        codes: list[AnswerCode | None] = []
        probe = {"moment": _MOMENTS[0].value, "date": "2000-01-01"}
        for n, at in enumerate(first_row.tolist()):
            cells = {c: p.texts[p.codes[at]] for c, p in zip(_ANSWER_COLUMNS, parts, strict=True)}
            scratch = _Collector()
            found = self.answer(_Row(scratch, "measurements", 0, cells | probe), "p")
            codes.append(None if found is None else found[2])
            if found is not None:
                outcome[n] = slots.setdefault((found[0][3], found[1]), len(slots))
            elif not scratch.per_table:
                outcome[n] = -2
        slot = outcome[combo]
        ok = owned & (moment >= 0) & (day >= 0)
        clean = ok & (slot != -1)
        answered = clean & (slot >= 0)
        answers = _AnswerColumns(self, table, place, answered, moment, day, slot, combo, codes)
        answers.slot_names = list(slots)
        duplicate = np.zeros(len(table), dtype=bool)
        duplicate[answers.drop_duplicates()] = True

        def judge(index: int, row: _Row) -> None:
            if duplicate[index]:
                row.pid = row.text("participant_id")
                duplicate_answer(row)
            elif self.owner(row):
                assert row.pid is not None
                found = self.answer(row, row.pid)
                # a row is judged here because the reference would say something about it
                assert found is None

        self.judged(table, np.flatnonzero(~clean | duplicate), judge)
        self._answers = answers
        answers.not_asked()

    # -- goals and placements -------------------------------------------------------------------

    def fast_goals(self, table: _Table) -> None:
        place, owned = self.owners(table)
        _, bad_phase = table.column("phase").parsed(parse_phase)
        set_days, _ = table.column("set_on").parsed(parse_date)
        statuses, bad_status = table.column("status").parsed(parse_status)
        achieved_days, _ = table.column("achieved_on").parsed(parse_date)
        set_on = table.column("set_on").per_row([_ordinal(d) for d in set_days])
        achieved = table.column("achieved_on").per_row([_ordinal(d) for d in achieved_days])
        achieved_status = table.column("status").per_row(
            [s is GoalStatus.ACHIEVED for s in statuses]
        )
        has_achieved = table.column("achieved_on").filled()
        valued = owned & ~bad_phase & table.column("phase").filled() & (set_on >= 0)
        valued &= ~bad_status & ((achieved >= 0) | ~has_achieved)
        valued &= table.column("goal_id").filled() & table.column("skill_id").filled()
        skills = table.column("skill_id")
        known_skill = skills.per_row([t in self.catalogue for t in skills.texts])
        # DevelopmentGoal's own rules (an achieved goal has a date, not before it was set;
        # another goal has none); a goal they would refuse is judged by the reference
        fits = np.where(achieved_status, has_achieved & (achieved >= set_on), ~has_achieved)
        phases = table.column("phase").parsed(parse_phase)[0]

        def values(index: int) -> dict[str, Any]:
            return {
                "id": _text(table, "goal_id", index),
                "skill_id": _text(table, "skill_id", index),
                "phase": phases[table.column("phase").codes[index]],
                "set_on": set_days[table.column("set_on").codes[index]],
                "status": statuses[table.column("status").codes[index]] or GoalStatus.PLANNED,
                "achieved_on": achieved_days[table.column("achieved_on").codes[index]],
            }

        self._passport_rows(table, "goals", place, valued, known_skill & fits, values)

    def fast_placements(self, table: _Table) -> None:
        place, owned = self.owners(table)
        kinds, bad_kind = table.column("kind").parsed(parse_kind)
        phases, bad_phase = table.column("phase").parsed(parse_phase)
        starts, _ = table.column("start").parsed(parse_date)
        ends, _ = table.column("end").parsed(parse_date)
        hours, bad_hours = table.column("hours_per_week").parsed(parse_number)
        start = table.column("start").per_row([_ordinal(d) for d in starts])
        end = table.column("end").per_row([_ordinal(d) for d in ends])
        has_end = table.column("end").filled()
        kind = table.column("kind").per_row(
            [list(PlacementKind).index(k) if _is(k) else -1 for k in kinds]
        )
        phase = table.column("phase").per_row([int(p) if _is(p) else -1 for p in phases])
        valued = owned & (kind >= 0) & (phase >= 0) & (start >= 0) & ((end >= 0) | ~has_end)
        valued &= ~bad_kind & ~bad_phase & ~bad_hours
        valued &= table.column("placement_id").filled() & table.column("organisation").filled()
        usual = np.zeros((len(PlacementKind), len(Phase)), dtype=bool)
        for k, placement_kind in enumerate(PlacementKind):
            for p in DEFAULT_PLACEMENT_PHASES.get(placement_kind, frozenset(Phase)):
                usual[k, int(p)] = True
        usual_phase = usual[np.maximum(kind, 0), np.maximum(phase, 0)]
        skills = table.column("skills")
        known_skills = skills.per_row(
            [all(s in self.catalogue for s in split(t)) for t in skills.texts]
        )
        in_range = table.column("hours_per_week").per_row(
            [h is None or (_is(h) and 0 <= h <= 80) for h in hours]
        )
        # Placement's own rules: hours between 0 and 80, no end before the start
        fits = in_range & (~has_end | (end >= start))

        def values(index: int) -> dict[str, Any]:
            return {
                "id": _text(table, "placement_id", index),
                "kind": kinds[table.column("kind").codes[index]],
                "organisation": _text(table, "organisation", index),
                "phase": phases[table.column("phase").codes[index]],
                "start": starts[table.column("start").codes[index]],
                "end": ends[table.column("end").codes[index]],
                "hours_per_week": hours[table.column("hours_per_week").codes[index]],
                "skills": split(_text(table, "skills", index)),
            }

        fine = known_skills & fits & usual_phase
        self._passport_rows(table, "placements", place, valued, fine, values)

    def _passport_rows(  # noqa: PLR0917 - what goals and placements share
        self,
        table: _Table,
        name: str,
        place: Ints,
        valued: Bools,
        fine: Bools,
        values: Callable[[int], dict[str, Any]],
    ) -> None:
        """What goals and placements share: an id used twice by one participant (among the
        rows whose values could be read, as the reference counts them), then the rows the
        reference must judge."""
        described = self.passport_tables[name]
        ids = table.column(described.id_column)
        rows = np.flatnonzero(valued)
        duplicate = np.zeros(len(table), dtype=bool)
        duplicate[rows[~_first(_combined([place[rows], ids.codes[rows]]))]] = True
        clean = valued & fine & ~duplicate
        built: dict[int, Any] = {}

        def judge(index: int, row: _Row) -> None:
            if not self.owner(row):
                return
            assert row.pid is not None
            found = described.values(row)
            if found is not None:
                built[index] = described.judge(row, found, duplicate=bool(duplicate[index]))

        self.judged(table, np.flatnonzero(~clean), judge)
        self._passport[name] = _PassportColumns(self, table, place, clean, built, described)
        self._passport[name].values = values

    # -- records --------------------------------------------------------------------------------

    def loaded(self, histories: Mapping[str, tuple[Event, ...]], *, build: bool) -> Loaded:
        """Who is loaded; each record is built from the columns when it is asked for."""
        ids = self.loadable()
        if not build:
            return Loaded(ids, {})
        self._histories = histories
        return Loaded(ids, {}, self.record, lambda as_of: self.cohort_columns(ids, as_of))

    def records(self, histories: Mapping[str, tuple[Event, ...]]) -> list[ParticipantRecord]:
        return self.loaded(histories, build=True).all()

    def record(self, pid: str) -> ParticipantRecord:
        """One loaded participant's record, built from the columns (and from what the
        reference reader kept of tables that fell back)."""
        participant = self.participant_of(pid)
        assert participant is not None  # only loaded participants are asked for
        place = self.places()[pid]
        if self._answers is not None:
            measurements = self._answers.of(place)
        else:
            if self._fallen_responses is None:
                self._fallen_responses = self.measurements(self.sink.bad())
            measurements = self._fallen_responses.get(pid, [])
        parts = [
            self._passport[name].of(place) if name in self._passport else store.get(pid, [])
            for name, store in (("goals", self.goals), ("placements", self.placements))
        ]
        goals, placements = parts
        passport = (
            DevelopmentPassport(participant_id=pid, goals=goals, placements=placements)
            if goals or placements
            else None
        )
        return ParticipantRecord(
            participant=participant,
            trajectory=Trajectory._trusted(participant_id=pid, events=self._histories[pid]),
            measurements=measurements,
            passport=passport,
            guidance=self.guidance.get(pid),
        )

    # -- the loaded cohort as columns, for the analytics -------------------------------------

    def cohort_columns(
        self, ids: Sequence[str], as_of: datetime.date | None
    ) -> CohortColumns | None:
        """The loaded participants (``ids``) as the analytics' columns, read from the
        tables' columns without building a record, as of ``as_of`` (None: as the records
        would find it). None when a table the analytics read fell back to the reference
        reader (then the records are built)."""
        events, answers = self._events, self._answers
        table = self.tables.get("participants")
        if table is None or events is None or (answers is None and self.responses):
            return None
        places = self.places()
        loaded = np.array([places[pid] for pid in ids], dtype=np.int64)
        where = np.full(len(self.order), -1, dtype=np.int64)
        where[loaded] = np.arange(len(ids))
        # participants: each attribute parsed once per distinct text, as the rows were
        rows = self.valid_rows[loaded]
        attributes = []
        for name, parse in (
            ("birth_year", parse_int),
            ("gender", parse_gender),
            ("statushouder", parse_bool),
        ):
            column = table.column(name)
            values, _ = column.parsed(parse)
            coded = np.array([_attribute(name, v) for v in values], dtype=np.int64)
            attributes.append(coded[column.codes[np.maximum(rows, 0)]])
        birth, gender, status = attributes
        # a participant whose row the reference read (it said something about it)
        for n in np.flatnonzero(rows < 0).tolist():
            built = self.participants[ids[n]]
            assert built is not None  # loaded
            birth[n] = _attribute("birth_year", built.birth_year)
            gender[n] = _attribute("gender", built.gender)
            status[n] = _attribute("statushouder", built.statushouder)
        # events: the rows the histories are made of, in history order
        kept = events.rows_by_place[events.has_event[events.rows_by_place]]
        owner = where[events.place[events.has_event[events.rows_by_place]]]
        kept, owner = kept[owner >= 0], owner[owner >= 0]
        day = events.day[kept].astype(np.int64)
        kind = events.kind[kept].astype(np.int64)
        phase = np.where(kind == 2, -1, events.phase[kept]).astype(np.int64)
        column = events.table.column("destination")
        work = [_is(d) and d.is_work_or_education for d in events.destinations]
        destination = column.per_row(np.array(work, dtype=bool))[kept]
        for at in np.flatnonzero(~events.clean[kept]).tolist():
            event = events.built[int(kept[at])]
            assert event is not None  # has_event
            day[at] = event.date.toordinal()
            if isinstance(event, Exit):
                kind[at], phase[at], destination[at] = 2, -1, event.destination.is_work_or_education
            else:
                kind[at] = 0 if isinstance(event, Enrolment) else 1
                phase[at] = int(event.phase if isinstance(event, Enrolment) else event.to_phase)
        # measurements: one per response, in the records' order, and their answers
        if answers is None or not len(answers.rows):
            empty = np.zeros(0, dtype=np.int64)
            response = [empty] * 4
            instruments: list[tuple[str, str]] = []
            answer = [empty] * 3
            items: list[str] = []
        else:
            mine = where[answers.place] >= 0
            # one answer of each response (any: they share its participant, moment, day and
            # instrument), of the loaded participants
            heads = np.zeros(int(answers.response.max()) + 1, dtype=np.int64)
            heads[answers.response] = np.arange(len(answers.response))
            ids_of_response = np.flatnonzero(where[answers.place[heads]] >= 0)
            heads = heads[ids_of_response]
            names = list(dict.fromkeys(i for i, _ in answers.slot_names))
            by_name = sorted(range(len(names)), key=names.__getitem__)
            rank = np.empty(len(names), dtype=np.int64)
            rank[by_name] = np.arange(len(names))
            instrument = answers.instrument_of_slot()[answers.slot[heads]]
            owner_r = where[answers.place[heads]]
            order = np.lexsort(
                (rank[instrument], answers.moment[heads], answers.day[heads], owner_r)
            )
            number = np.full(int(answers.response.max()) + 1, -1, dtype=np.int64)
            number[ids_of_response[order]] = np.arange(len(order))
            heads = heads[order]
            response = [
                owner_r[order],
                answers.moment[heads].astype(np.int64),
                answers.day[heads].astype(np.int64),
                instrument[order],
            ]
            instruments = [(i, self.instruments[i].version) for i in names]
            items = list(dict.fromkeys(item for _, item in answers.slot_names))
            item_of_slot = np.array(
                [items.index(item) for _, item in answers.slot_names], dtype=np.int64
            )
            answer = [
                number[answers.response[mine]],
                item_of_slot[answers.slot[mine]],
                answers.combo[mine].astype(np.int64),
            ]
        if as_of is None:
            as_of = drawn(owner, day, response[0], response[2])
        return CohortColumns(
            as_of=as_of,
            birth_year=birth,
            gender=gender,
            statushouder=status,
            event_place=owner,
            event_day=day,
            event_kind=kind,
            event_phase=phase,
            event_work=destination,
            response_place=response[0],
            response_moment=response[1],
            response_day=response[2],
            response_instrument=response[3],
            instruments=instruments,
            answer_response=answer[0],
            answer_item=answer[1],
            answer_code=answer[2],
            items=items,
            codes=answers.codes if answers is not None else [],
        )


def _attribute(name: str, value: object) -> int:
    """A participant's attribute as the analytics' columns hold it (see ``CohortColumns``);
    0 for a value the parser refused (such a row is never loaded)."""
    if value is MISSING:
        return 0
    if name == "birth_year":
        return 0 if value is None else int(value)  # type: ignore[call-overload]
    if name == "gender":
        return _GENDERS.index(Gender(str(value or Gender.UNKNOWN)))
    return -1 if value is None else int(bool(value))


def _grouped(place: Ints, participants: int) -> tuple[Ints, Ints]:
    """The positions with a participant (``place >= 0``), grouped by participant in file
    order, and where each participant's group starts (``participants + 1`` bounds)."""
    rows = np.flatnonzero(place >= 0)
    order = rows[np.argsort(place[rows], kind="stable")]
    return order, np.searchsorted(place[order], np.arange(participants + 1))


_ANSWER_COLUMNS = ("instrument", "instrument_version", "item", "answer")


def _trusted(cls: type[_T], **values: Any) -> _T:
    """``cls(**values)`` for values the columnar checks have found valid, without checking
    them again (as :meth:`~piezomethod.phases.Trajectory._trusted` does for histories): every
    field is set, from ``values`` or its default. The agreement test compares these objects
    with the reference's, built the checked way."""
    new = object.__new__(cls)
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if field.name in values:
            value = values[field.name]
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            value = field.default.factory()
        else:
            value = field.default
        object.__setattr__(new, field.name, value)
    return new


def _is(value: object) -> bool:
    """A parsed value (not empty, not refused)."""
    return value is not None and value is not MISSING


def _text(table: _Table, column: str, index: int) -> str:
    found = table.column(column)
    text: str = found.texts[found.codes[index]]
    return text


def _ordinal(value: object) -> int:
    """A parsed date's ordinal; -1 when empty, -2 when refused."""
    if value is None:
        return -1
    if value is MISSING:
        return -2
    assert isinstance(value, datetime.date)
    return value.toordinal()


class _EventColumns(Mapping[str, tuple[Event, ...]]):
    """The events table as columns, grouped by participant in file order; as a mapping, each
    participant's history (events built on demand)."""

    def __init__(  # noqa: PLR0917
        self,
        loader: ColumnarLoader,
        table: _Table,
        place: Ints,
        owned: Bools,
        clean: Bools,
        built: dict[int, Event | None],
        *,
        day: Ints,
        kind: Ints,
        phase: Ints,
    ) -> None:
        self.loader = loader
        self.table = table
        self.rows_by_place, self.start = _grouped(np.where(owned, place, -1), len(loader.order))
        self.place = place[self.rows_by_place]
        self.clean = clean
        self.built = built
        # per row: whether the reference has (or would have) an event for it
        self.has_event = clean.copy()
        for index, event in built.items():
            self.has_event[index] = event is not None
        self.day, self.kind, self.phase = day, kind, phase
        self.destinations: list[Any] = []

    def has_events(self) -> Bools:
        """Per participant: at least one row about it."""
        return np.diff(self.start) > 0

    def unclear(self, policy: TransitionPolicy) -> Bools:
        """Per participant: the bulk rules cannot promise that the reference finds nothing in
        its history (the reference then looks)."""
        participants = len(self.loader.order)
        rows = self.rows_by_place[self.has_event[self.rows_by_place]]
        place = self.place[self.has_event[self.rows_by_place]]
        kind, phase, day = self.kind[rows], self.phase[rows], self.day[rows]
        has_reason = self.table.column("reason").filled()[rows]
        has_referrer = self.table.column("referrer").filled()[rows]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = place[1:] != place[:-1]
        before_kind = np.where(first, -1, np.roll(kind, 1))
        before_phase = np.where(first, -1, np.roll(phase, 1))
        before_day = np.where(first, day, np.roll(day, 1))
        enrolment, change, exit_ = kind == 0, kind == 1, kind == 2
        # structure: an enrolment first or after an exit, a move or an exit while enrolled,
        # dates never back, a phase change to another phase
        wrong = enrolment & (before_kind >= 0) & (before_kind != 2)
        wrong |= ~enrolment & ((before_kind == -1) | (before_kind == 2))
        wrong |= day < before_day
        wrong |= change & (phase == before_phase)
        # the policy: entries, moves, exits and their reasons
        entries = np.zeros(len(Phase), dtype=bool)
        for p in policy.entry_phases:
            entries[int(p)] = True
        moves = np.zeros((len(Phase), len(Phase)), dtype=bool)
        for a, b in policy.moves:
            moves[int(a), int(b)] = True
        exits = np.zeros(len(Phase), dtype=bool)
        for p in policy.exit_phases:
            exits[int(p)] = True
        needs = policy.reasons_required
        safe_phase, safe_before = np.maximum(phase, 0), np.maximum(before_phase, 0)
        wrong |= enrolment & ~entries[safe_phase]
        if MoveKind.ENTRY in needs:
            wrong |= enrolment & first & ~has_referrer
        if MoveKind.RE_ENTRY in needs:
            wrong |= enrolment & ~first & ~has_referrer
        wrong |= change & ~moves[safe_before, safe_phase]
        wrong |= exit_ & ~exits[safe_before]
        step = phase - before_phase
        for move, which in (
            (MoveKind.ADVANCE, change & (step == 1)),
            (MoveKind.SKIP, change & (step > 1)),
            (MoveKind.SETBACK, change & (step < 0)),
            (MoveKind.EXIT, exit_),
        ):
            if move in needs:
                wrong |= which & ~has_reason
        unclear = np.zeros(participants, dtype=bool)
        unclear[place[wrong]] = True
        return unclear

    def rows(self, place: int) -> list[tuple[int, Event | None]]:
        """One participant's (row number, event) list, as the reference reader keeps it."""
        found: list[tuple[int, Event | None]] = []
        for index in self.rows_by_place[self.start[place] : self.start[place + 1]].tolist():
            number = int(self.table.numbers[index])
            found.append((number, self.event(index)))
        return found

    def event(self, index: int) -> Event | None:
        if not self.clean[index]:
            return self.built[index]
        # a clean row: its values are those the reference would build the event from
        day = datetime.date.fromordinal(int(self.day[index]))
        kind = self.kind[index]
        if kind == 2:
            destination = self.destinations[self.table.column("destination").codes[index]]
            return _trusted(
                Exit, date=day, destination=destination, reason=self.text("reason", index)
            )
        phase = _PHASES[self.phase[index]]
        if kind == 0:
            return _trusted(Enrolment, date=day, phase=phase, referrer=self.text("referrer", index))
        return _trusted(PhaseChange, date=day, to_phase=phase, reason=self.text("reason", index))

    def text(self, column: str, index: int) -> str | None:
        found = self.table.column(column)
        return found.texts[found.codes[index]] or None

    def __getitem__(self, pid: str) -> tuple[Event, ...]:
        place = self.loader.places().get(pid)
        if place is None:
            raise KeyError(pid)
        return tuple(e for _, e in self.rows(place) if e is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.loader.order)

    def __len__(self) -> int:
        return len(self.loader.order)


class _AnswerColumns:
    """The answers of the measurements table that count, as integer columns: per answer its
    participant, moment, day, slot (instrument and item) and combination (its code)."""

    def __init__(  # noqa: PLR0917
        self,
        loader: ColumnarLoader,
        table: _Table,
        place: Ints,
        answered: Bools,
        moment: Ints,
        day: Ints,
        slot: Index,
        combo: Index,
        codes: list[AnswerCode | None],
    ) -> None:
        self.loader = loader
        self.table = table
        self.rows = np.flatnonzero(answered)
        self.place = place[self.rows]
        self.moment = moment[self.rows]
        self.day = day[self.rows]
        self.slot = slot[self.rows]
        self.combo = combo[self.rows]
        self.codes = codes
        self.slot_names: list[tuple[str, str]] = []  # (instrument id, item id) per slot
        self.response = np.zeros(0, dtype=np.int32)
        self._groups: tuple[Ints, Ints] | None = None

    def _keep(self, keep: Bools) -> None:
        for name in ("rows", "place", "moment", "day", "slot", "combo", "response"):
            setattr(self, name, getattr(self, name)[keep])

    def instrument_of_slot(self) -> Ints:
        instruments = {i: n for n, i in enumerate(dict.fromkeys(i for i, _ in self.slot_names))}
        return np.array([instruments[i] for i, _ in self.slot_names], dtype=np.int32)

    def drop_duplicates(self) -> Ints:
        """Number the responses (participant, moment, day, instrument); leave out a second
        answer to an item in a response (the first in file order counts) and return the table
        rows of those left out."""
        if not len(self.rows):
            return self.rows
        # (each array is let go as soon as it is used: these are as long as the table)
        instrument = self.instrument_of_slot()[self.slot]
        day = self.day - self.day.min()
        response = _combined([self.place, self.moment, day, instrument])
        del instrument, day
        # one stable sort by (response, slot): ties keep file order, so the first counts
        key = _combined([response, self.slot])
        order = np.argsort(key, kind="stable")
        key = key[order]
        again = key[1:] == key[:-1]
        del key
        first = np.ones(len(order), dtype=bool)
        first[order[1:][again]] = False
        del again
        response = response[order]
        new = np.ones(len(order), dtype=bool)
        np.not_equal(response[1:], response[:-1], out=new[1:])
        del response
        number = np.cumsum(new, dtype=np.int32)
        number -= 1
        del new
        self.response = np.empty(len(order), dtype=np.int32)
        self.response[order] = number
        del order, number
        duplicates = self.rows[~first]
        self._keep(first)
        return duplicates

    def not_asked(self) -> None:
        """Warn about answers to items the response's own answers say were not asked, in the
        reference's order: responses by their first answer to a conditional item, then rows.

        The reference's rule (:meth:`~piezomethod.outcomes.Instrument.asked`) walks an item's
        conditions up: not asked when an answer a condition names is not among its codes.
        Here each condition is one lookup in a per-response array of the named item's answer.
        """
        loader = self.loader
        responses = int(self.response.max()) + 1 if len(self.response) else 0
        slots = {name: n for n, name in enumerate(self.slot_names)}
        fails = np.zeros(len(self.rows), dtype=bool)
        marked = np.zeros(len(self.rows), dtype=bool)
        lookups: dict[int, Ints] = {}

        def answer_to(slot: int) -> Ints:
            """Per response, the combination answering ``slot`` (-1: not answered)."""
            if slot not in lookups:
                found = np.full(responses, -1, dtype=np.int64)
                mine = self.slot == slot
                found[self.response[mine]] = self.combo[mine]
                lookups[slot] = found
            return lookups[slot]

        for (instrument_id, item_id), slot in slots.items():
            instrument = loader.instruments[instrument_id]
            if instrument.item(item_id).asked_if is None:
                continue
            mine = np.flatnonzero(self.slot == slot)
            marked[mine] = True
            item = instrument.item(item_id)
            while item.asked_if is not None:
                condition = item.asked_if
                holds = np.array(
                    [
                        code is not None
                        and any(code == c and type(code) is type(c) for c in condition.codes)
                        for code in self.codes
                    ],
                    dtype=bool,
                )
                other = slots.get((instrument_id, condition.item))
                if other is not None:  # else never answered: unknown, never False
                    given = answer_to(other)[self.response[mine]]
                    fails[mine] |= (given >= 0) & ~holds[np.maximum(given, 0)]
                item = instrument.item(condition.item)
        warned = np.flatnonzero(fails)
        if not len(warned):
            return
        # the reference's order: a response's place is its first answer to a conditional item
        at_marked = np.flatnonzero(marked)
        first_of = np.full(responses, -1, dtype=np.int64)
        first_of[self.response[at_marked[::-1]]] = at_marked[::-1]
        warned = warned[np.lexsort((warned, first_of[self.response[warned]]))]
        for at in warned.tolist():
            instrument_id, item_id = self.slot_names[self.slot[at]]
            asked_if = loader.instruments[instrument_id].item(item_id).asked_if
            assert asked_if is not None
            loader.sink.add(
                Code.ANSWER_NOT_ASKED,
                "measurements",
                int(self.table.numbers[self.rows[at]]),
                loader.order[self.place[at]],
                "item",
                f"the instrument asks this item only after certain answers to '{asked_if.item}'",
                Severity.WARNING,
            )

    def of(self, place: int) -> list[Measurement]:
        """One participant's measurements, in the reference's order."""
        if self._groups is None:
            self._groups = _grouped(self.place, len(self.loader.order))
        order, starts = self._groups
        mine = order[starts[place] : starts[place + 1]]
        by_response: dict[int, list[int]] = {}
        for at in mine.tolist():
            by_response.setdefault(int(self.response[at]), []).append(at)
        loader = self.loader
        pid = loader.order[place]
        found = []
        for group in by_response.values():
            at = group[0]
            instrument_id = self.slot_names[self.slot[at]][0]
            answers = {self.slot_names[self.slot[a]][1]: self.codes[self.combo[a]] for a in group}
            response = Response(
                instrument_id=instrument_id,
                instrument_version=loader.instruments[instrument_id].version,
                answers=answers,
            )
            found.append(
                Measurement(
                    participant_id=pid,
                    moment=_MOMENTS[self.moment[at]],
                    date=datetime.date.fromordinal(int(self.day[at])),
                    response=response,
                )
            )
        found.sort(key=measurement_key)
        return found


class _PassportColumns:
    """Goals or placements as rows of a table, built into objects for the records."""

    def __init__(  # noqa: PLR0917
        self,
        loader: ColumnarLoader,
        table: _Table,
        place: Ints,
        clean: Bools,
        built: dict[int, Any],
        described: _PassportTable,
    ) -> None:
        self.loader = loader
        self.table = table
        self.place = place
        self.clean = clean
        self.built = built
        self.described = described
        self._groups: tuple[Ints, Ints] | None = None
        self.values: Callable[[int], dict[str, Any]] = lambda _: {}

    def of(self, place: int) -> list[Any]:
        """One participant's objects, in file order."""
        if self._groups is None:
            self._groups = _grouped(self.place, len(self.loader.order))
        order, starts = self._groups
        found = []
        for index in order[starts[place] : starts[place + 1]].tolist():
            if self.clean[index]:
                cls: type[Any] = self.described.cls  # type: ignore[assignment]
                found.append(_trusted(cls, **self.values(index)))
            elif self.built.get(index) is not None:
                found.append(self.built[index])
        return found
