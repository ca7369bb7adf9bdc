"""The reference loader: raw tables to records and a validation report (private).

Each table is read row by row. A :class:`_Row` is the context of one row — its table, number,
participant and cells — and every check on the row reports through it, so no call has to
carry the location along. The :class:`_Collector` gathers the problems and who must be
quarantined, and :meth:`_Collector.report` finalises them into the
:class:`~piezomethod.dataset.ValidationReport` (packaging's ``_ErrorCollector`` is the model:
collect everything, then finalise once).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

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
)
from piezomethod.dataset._read import RawTable, table_problem
from piezomethod.dataset._report import DataProblem, ValidationReport
from piezomethod.dataset._schema import TABLES, Table
from piezomethod.errors import Code, FieldError, Severity
from piezomethod.outcomes import AnswerCode, Instrument, Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    DEFAULT_PLACEMENT_PHASES,
    DevelopmentGoal,
    DevelopmentPassport,
    GoalStatus,
    Placement,
    SkillCatalogue,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    validate_events,
)
from piezomethod.records import Gender, Participant, ParticipantRecord

MISSING: Any = object()
"""What a cell check returns after it reported a problem: the value is unusable."""

_MOMENT_ORDER = {m: n for n, m in enumerate(MeasurementMoment)}
# the event fields validate_events names, as the columns of the events table
_EVENT_COLUMNS = {
    "date": "date",
    "phase": "phase",
    "to_phase": "phase",
    "destination": "destination",
    "reason": "reason",
    "referrer": "referrer",
}


class _Collector:
    """Every problem found, and which participants have an error."""

    def __init__(self) -> None:
        self.problems: list[DataProblem] = []
        self.known: set[str] = set()  # ids in the participants table
        self.bad: set[str] = set()

    def add(  # noqa: PLR0917 - the one place a problem record is made
        self,
        code: Code,
        table: str,
        row: int | None,
        pid: str | None,
        column: str | None,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            DataProblem(
                code=code,
                severity=severity,
                table=table,
                row=row,
                participant_id=pid,
                column=column,
                message=message,
            )
        )
        if severity is Severity.ERROR and pid is not None and pid in self.known:
            self.bad.add(pid)

    def report(self, order: Sequence[str], loaded: set[str]) -> ValidationReport:
        """The report: problems by table and row, every id loaded or quarantined."""
        rank = {t.name: n for n, t in enumerate(TABLES)}
        return ValidationReport(
            problems=tuple(
                sorted(self.problems, key=lambda p: (rank.get(p.table, -1), p.row or 0))
            ),
            participants=len(order),
            loaded=len(loaded),
            quarantined=tuple(sorted(pid for pid in order if pid not in loaded)),
        )


class _Row:
    """One data row and where it is: every check on it reports through here."""

    __slots__ = ("cells", "number", "pid", "sink", "table")

    def __init__(self, sink: _Collector, table: str, number: int, cells: dict[str, str]) -> None:
        self.sink = sink
        self.table = table
        self.number = number
        self.cells = cells
        self.pid: str | None = None

    def text(self, column: str) -> str:
        """The cell's stripped text ('' when empty or absent)."""
        return self.cells.get(column, "")

    def problem(
        self, code: Code, column: str | None, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.sink.add(code, self.table, self.number, self.pid, column, message, severity)

    def cell(self, column: str, parse: Callable[[str], Any], *, required: bool = False) -> Any:
        """The parsed value; None when empty and optional; after a problem, ``MISSING``."""
        text = self.text(column)
        if not text:
            if required:
                self.problem(Code.MISSING_VALUE, column, "required")
                return MISSING
            return None
        try:
            return parse(text)
        except BadCellError as bad:
            self.problem(bad.code, column, bad.message)
            return MISSING

    def present(self, *columns: str) -> bool:
        """Report each of ``columns`` that is empty; True when none is."""
        empty = [c for c in columns if not self.text(c)]
        for column in empty:
            self.problem(Code.MISSING_VALUE, column, "required")
        return not empty

    def ignored(self, column: str, what: str) -> None:
        """A value in a column this kind of row does not use (a warning)."""
        message = f"{what} does not use this column; the value is ignored"
        self.problem(Code.IGNORED_VALUE, column, message, Severity.WARNING)

    def built(
        self, cls: Callable[..., Any], values: Mapping[str, Any], columns: Mapping[str, str]
    ) -> Any:
        """``cls(**values)``, or a problem (the FieldError's code, its field mapped to a
        column through ``columns``) and ``MISSING``."""
        try:
            return cls(**values)
        except FieldError as err:
            self.problem(err.code, columns.get(err.field or "", err.field), str(err))
            return MISSING


class _Rows:
    """One table's rows, checked for its columns first: iterates :class:`_Row` contexts."""

    def __init__(self, table: Table, raw: RawTable, sink: _Collector) -> None:
        self.table = table
        self.raw = raw
        self.sink = sink
        header = [h.strip().lower() for h in raw.header]
        problems = sink.problems
        self.ok = True
        seen: set[str] = set()
        for name in header:
            if name in seen:
                problems.append(
                    table_problem(
                        Code.DUPLICATE_COLUMN, table.name, "a column appears twice", name[:40]
                    )
                )
                self.ok = False
            seen.add(name)
        for column in table.columns:
            if column.required and column.name not in seen:
                problems.append(
                    table_problem(Code.MISSING_COLUMN, table.name, "a required column", column.name)
                )
                self.ok = False
        known = set(table.column_names)
        self.extra = [h for h in header if h not in known and h]
        if table.name != "participants":
            for name in self.extra:
                problems.append(
                    table_problem(
                        Code.UNKNOWN_COLUMN,
                        table.name,
                        "a column this table does not define; it is not read",
                        name[:40],
                        Severity.WARNING,
                    )
                )
        self.index = {h: n for n, h in enumerate(header)}
        self.width = len(header)

    def __iter__(self) -> Iterator[_Row]:
        if not self.ok:
            return
        names = list(self.index.items())
        width, name, sink = self.width, self.table.name, self.sink
        for number, found in enumerate(self.raw.rows, start=1):
            values = found if len(found) >= width else [*found, *([""] * (width - len(found)))]
            yield _Row(sink, name, number, {column: values[n].strip() for column, n in names})


class _Loader:
    """Reads the tables in order and builds the records of the participants without errors."""

    def __init__(
        self,
        policy: TransitionPolicy,
        instruments: Mapping[str, Instrument],
        catalogue: SkillCatalogue,
    ) -> None:
        self.policy = policy
        self.instruments = instruments
        self.catalogue = catalogue
        self.sink = _Collector()
        self.participants: dict[str, Participant | None] = {}
        self.order: list[str] = []
        self.events: dict[str, list[tuple[int, Event | None]]] = {}
        self.responses: dict[
            tuple[str, MeasurementMoment, datetime.date, str, str], dict[str, AnswerCode]
        ] = {}
        self.goals: dict[str, list[DevelopmentGoal]] = {}
        self.placements: dict[str, list[Placement]] = {}
        # per instrument, per item: answer text (lower case) -> the answer code
        self._codes = {
            ins.id: {
                item.id: {
                    str(opt.code).lower(): opt.code
                    for opt in ins.response_scale(item.response_scale).options
                }
                for item in ins.items
            }
            for ins in instruments.values()
        }

    def owner(self, row: _Row) -> bool:
        """Set the row's participant; report a missing or unknown one (then False)."""
        pid = row.text("participant_id")
        if not pid:
            row.problem(Code.MISSING_VALUE, "participant_id", "required")
            return False
        row.pid = pid
        if pid not in self.participants:
            row.problem(
                Code.UNKNOWN_PARTICIPANT,
                "participant_id",
                "no such participant in the participants table",
            )
            return False
        return True

    # -- tables -------------------------------------------------------------------------------

    def read(self, rows: _Rows) -> None:
        """Read one table with its reader."""
        readers: dict[str, Callable[[_Rows], None]] = {
            "participants": self.read_participants,
            "events": self.read_events,
            "measurements": self.read_measurements,
            "goals": self.read_goals,
            "placements": self.read_placements,
        }
        readers[rows.table.name](rows)

    def read_participants(self, rows: _Rows) -> None:
        for row in rows:
            pid = row.text("participant_id")
            if not pid:
                row.problem(Code.MISSING_VALUE, "participant_id", "required")
                continue
            row.pid = pid
            if pid in self.participants:
                row.problem(
                    Code.DUPLICATE_PARTICIPANT,
                    "participant_id",
                    "this participant id appears on an earlier row",
                )
                continue
            self.participants[pid] = None
            self.sink.known.add(pid)
            self.order.append(pid)
            values = {
                "birth_year": row.cell("birth_year", parse_int),
                "gender": row.cell("gender", parse_gender),
                "statushouder": row.cell("statushouder", parse_bool),
                "municipality": row.text("municipality") or None,
                "organisation": row.text("organisation") or None,
                "referrer": row.text("referrer") or None,
            }
            if any(v is MISSING for v in values.values()):
                continue
            if values["gender"] is None:
                values["gender"] = Gender.UNKNOWN
            attributes = {name: row.text(name) or None for name in rows.extra}
            participant = row.built(
                Participant, {"id": pid, "attributes": attributes, **values}, {}
            )
            if participant is not MISSING:
                self.participants[pid] = participant

    def read_events(self, rows: _Rows) -> None:
        for row in rows:
            if not self.owner(row):
                continue
            assert row.pid is not None
            day = row.cell("date", parse_date, required=True)
            kind = row.cell("type", parse_type, required=True)
            event: Event | None = None
            reason = row.text("reason") or None
            if kind == "exit":
                destination = row.cell("destination", parse_destination, required=True)
                if row.text("phase"):
                    row.ignored("phase", "an exit")
                if day is not MISSING and destination is not MISSING:
                    event = Exit(date=day, destination=destination, reason=reason)
            elif kind is not MISSING:
                phase = row.cell("phase", parse_phase, required=True)
                if row.text("destination"):
                    row.ignored("destination", f"a {kind}")
                if kind == "enrolment" and reason:
                    row.ignored("reason", "an enrolment")
                if kind == "phase_change" and row.text("referrer"):
                    row.ignored("referrer", "a phase change")
                if day is not MISSING and phase is not MISSING:
                    event = (
                        Enrolment(date=day, phase=phase, referrer=row.text("referrer") or None)
                        if kind == "enrolment"
                        else PhaseChange(date=day, to_phase=phase, reason=reason)
                    )
            self.events.setdefault(row.pid, []).append((row.number, event))

    def read_measurements(self, rows: _Rows) -> None:
        # the largest table by far (one row per answer): cells are read directly here
        responses = self.responses
        codes_of = self._codes
        for row in rows:
            if not self.owner(row):
                continue
            assert row.pid is not None
            moment = row.cell("moment", parse_moment, required=True)
            day = row.cell("date", parse_date, required=True)
            cells = row.cells
            instrument_id, item, answer = cells["instrument"], cells["item"], cells["answer"]
            if not (instrument_id and item) and not row.present("instrument", "item"):
                continue
            codes = codes_of.get(instrument_id)
            if codes is None:
                row.problem(
                    Code.UNKNOWN_INSTRUMENT,
                    "instrument",
                    "no such instrument; pass it to load(instruments=...)",
                )
                continue
            known = self.instruments[instrument_id].version
            version = cells.get("instrument_version") or known
            if version != known:
                row.problem(
                    Code.UNKNOWN_INSTRUMENT_VERSION,
                    "instrument_version",
                    f"expected version '{known}'",
                )
                continue
            options = codes.get(item)
            if options is None:
                row.problem(Code.UNKNOWN_INSTRUMENT_ITEM, "item", "not an item of this instrument")
                continue
            if moment is MISSING or day is MISSING or not answer:
                continue
            code = options.get(answer.lower())
            if code is None:
                row.problem(Code.ANSWER_OUT_OF_SCALE, "answer", "not an answer on the item's scale")
                continue
            answers = responses.setdefault((row.pid, moment, day, instrument_id, version), {})
            if item in answers:
                row.problem(
                    Code.DUPLICATE_ANSWER,
                    "item",
                    "a second answer to this item in the same response",
                )
                continue
            answers[item] = code

    def read_goals(self, rows: _Rows) -> None:
        def values(row: _Row) -> dict[str, Any] | None:
            phase = row.cell("phase", parse_phase, required=True)
            set_on = row.cell("set_on", parse_date, required=True)
            status = row.cell("status", parse_status)
            achieved = row.cell("achieved_on", parse_date)
            present = row.present("goal_id", "skill_id")
            if MISSING in (phase, set_on, status, achieved) or not present:
                return None
            return {
                "id": row.text("goal_id"),
                "skill_id": row.text("skill_id"),
                "phase": phase,
                "set_on": set_on,
                "status": status or GoalStatus.PLANNED,
                "achieved_on": achieved,
            }

        def skills_known(found: Mapping[str, Any]) -> bool:
            return found["skill_id"] in self.catalogue

        self._read_passport_items(
            rows, "goal_id", values, "skill_id", skills_known, DevelopmentGoal, self.goals
        )

    def read_placements(self, rows: _Rows) -> None:
        def values(row: _Row) -> dict[str, Any] | None:
            kind = row.cell("kind", parse_kind, required=True)
            phase = row.cell("phase", parse_phase, required=True)
            start = row.cell("start", parse_date, required=True)
            end = row.cell("end", parse_date)
            hours = row.cell("hours_per_week", parse_number)
            present = row.present("placement_id", "organisation")
            if MISSING in (kind, phase, start, end, hours) or not present:
                return None
            if phase not in DEFAULT_PLACEMENT_PHASES.get(kind, frozenset(Phase)):
                row.problem(
                    Code.PLACEMENT_PHASE,
                    "phase",
                    f"a {kind.value} placement in phase {int(phase)} is unusual",
                    Severity.WARNING,
                )
            return {
                "id": row.text("placement_id"),
                "kind": kind,
                "organisation": row.text("organisation"),
                "phase": phase,
                "start": start,
                "end": end,
                "hours_per_week": hours,
                "skills": tuple(s.strip() for s in row.text("skills").split("|") if s.strip()),
            }

        def skills_known(found: Mapping[str, Any]) -> bool:
            return all(s in self.catalogue for s in found["skills"])

        self._read_passport_items(
            rows, "placement_id", values, "skills", skills_known, Placement, self.placements
        )

    def _read_passport_items(  # noqa: PLR0917 - the shared skeleton of two readers
        self,
        rows: _Rows,
        id_column: str,
        values: Callable[[_Row], dict[str, Any] | None],
        skill_column: str,
        skills_known: Callable[[Mapping[str, Any]], bool],
        cls: Callable[..., Any],
        store: dict[str, list[Any]],
    ) -> None:
        """Goals and placements: each row's values, an id used twice by one participant,
        skills not in the catalogue, then the object (or the FieldError it raises)."""
        seen: set[tuple[str, str]] = set()
        for row in rows:
            if not self.owner(row):
                continue
            assert row.pid is not None
            found = values(row)
            if found is None:
                continue
            key = (row.pid, found["id"])
            if key in seen:
                row.problem(Code.DUPLICATE_ID, id_column, "an id used twice")
            seen.add(key)
            if not skills_known(found):
                row.problem(Code.UNKNOWN_SKILL, skill_column, "a skill not in the catalogue")
            built = row.built(cls, found, {"id": id_column})
            if built is not MISSING:
                store.setdefault(row.pid, []).append(built)

    # -- whole participants -------------------------------------------------------------------

    def check_histories(self, events_read: bool) -> dict[str, tuple[Event, ...]]:
        histories: dict[str, tuple[Event, ...]] = {}
        for pid in self.order:
            rows = self.events.get(pid, [])
            if not rows and events_read:
                self.sink.add(
                    Code.NO_EVENTS,
                    "events",
                    None,
                    pid,
                    None,
                    "a participant without any event",
                    Severity.WARNING,
                )
            events = [e for _, e in rows if e is not None]
            numbers = [n for n, e in rows if e is not None]
            for issue in validate_events(events, policy=self.policy, participant_id=pid):
                number = numbers[issue.index] if issue.index is not None else None
                column = _EVENT_COLUMNS.get(issue.field or "")
                self.sink.add(
                    issue.code, "events", number, pid, column, issue.message, issue.severity
                )
            histories[pid] = tuple(events)
        return histories

    def records(self, histories: Mapping[str, tuple[Event, ...]]) -> list[ParticipantRecord]:
        bad = self.sink.bad
        measurements: dict[str, list[Measurement]] = {}
        for (pid, moment, day, instrument_id, version), answers in self.responses.items():
            if pid in bad:
                continue
            measurements.setdefault(pid, []).append(
                Measurement(
                    participant_id=pid,
                    moment=moment,
                    date=day,
                    response=Response(
                        instrument_id=instrument_id, instrument_version=version, answers=answers
                    ),
                )
            )
        found: list[ParticipantRecord] = []
        for pid in self.order:
            participant = self.participants[pid]
            if pid in bad or participant is None:
                continue
            mine = measurements.get(pid, [])
            mine.sort(key=_measurement_key)
            goals, placements = self.goals.get(pid, ()), self.placements.get(pid, ())
            passport = (
                DevelopmentPassport(participant_id=pid, goals=goals, placements=placements)
                if goals or placements
                else None
            )
            found.append(
                ParticipantRecord(
                    participant=participant,
                    trajectory=Trajectory.from_events(pid, histories[pid], policy=self.policy),
                    measurements=mine,
                    passport=passport,
                )
            )
        return found


def _measurement_key(m: Measurement) -> tuple[datetime.date, int, str]:
    return (m.date, _MOMENT_ORDER[m.moment], m.response.instrument_id)


def load_tables(
    raw: Mapping[str, RawTable],
    problems: Sequence[DataProblem],
    *,
    policy: TransitionPolicy,
    instruments: Mapping[str, Instrument],
    catalogue: SkillCatalogue,
) -> tuple[list[ParticipantRecord], ValidationReport]:
    """The records of the participants without errors, and the report on everything."""
    loader = _Loader(policy, instruments, catalogue)
    loader.sink.problems += problems
    records: list[ParticipantRecord] = []
    if not any(p.code is Code.MISSING_TABLE for p in problems):
        usable: set[str] = set()
        for table in TABLES:
            if table.name not in raw:
                continue
            rows = _Rows(table, raw[table.name], loader.sink)
            if rows.ok:
                usable.add(table.name)
            try:
                loader.read(rows)
            except (UnicodeDecodeError, csv.Error):
                usable.discard(table.name)
                loader.sink.problems.append(
                    table_problem(
                        Code.UNREADABLE_TABLE, table.name, "the file is not UTF-8 CSV text"
                    )
                )
        histories = loader.check_histories(events_read="events" in usable)
        # a table that cannot be read would leave every record incomplete: load none
        if usable == set(raw):
            records = loader.records(histories)
    report = loader.sink.report(loader.order, {r.id for r in records})
    return records, report
