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
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from piezomethod.dataset._cells import (
    BadCellError,
    parse_bool,
    parse_contact_kind,
    parse_date,
    parse_destination,
    parse_domain_status,
    parse_gender,
    parse_int,
    parse_kind,
    parse_moment,
    parse_number,
    parse_phase,
    parse_referral_outcome,
    parse_role,
    parse_status,
    parse_type,
    same_version,
    split,
)
from piezomethod.dataset._frame import cell
from piezomethod.dataset._names import NameMapping
from piezomethod.dataset._read import RawTable, table_problem
from piezomethod.dataset._report import DataProblem, Omitted, ProblemLimits, ValidationReport
from piezomethod.dataset._schema import TABLES, Table
from piezomethod.errors import Code, FieldError, Severity
from piezomethod.guidance import (
    BuddyAssignment,
    CoachAssignment,
    Contact,
    DomainAssessment,
    Guidance,
    GuidancePolicy,
    Intake,
    Referral,
    life_domains,
    validate_guidance,
)
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

_DOMAIN_ORDER = {d.id: n for n, d in enumerate(life_domains())}

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
    """Every problem found (in detail up to the limits, counted past them), and which
    participants have an error."""

    def __init__(self, limits: ProblemLimits | None = None) -> None:
        self.problems: list[DataProblem] = []
        self.known: set[str] = set()  # ids in the participants table
        self.limits = limits or ProblemLimits()
        self.per_table: dict[str, int] = {}
        self.per_participant: dict[str, int] = {}
        self.omitted: dict[tuple[str, Code, Severity], int] = {}
        self.erred: set[str] = set()  # participants with an error, also past the limits

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
        if pid is not None and severity is Severity.ERROR:
            self.erred.add(pid)
        in_table = self.per_table[table] = self.per_table.get(table, 0) + 1
        mine = 0
        if pid is not None:
            mine = self.per_participant[pid] = self.per_participant.get(pid, 0) + 1
        if in_table > self.limits.per_table or mine > self.limits.per_participant:
            key = (table, code, severity)
            self.omitted[key] = self.omitted.get(key, 0) + 1
            return
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

    def bad(self) -> set[str]:
        """The participants with an error on any row (in any table, found in any order)."""
        listed = {p.participant_id for p in self.problems if p.is_error and p.participant_id}
        return (listed | self.erred) & self.known

    def report(
        self,
        order: Sequence[str],
        loaded: set[str],
        backend: str = "python",
        fallbacks: Sequence[str] = (),
    ) -> ValidationReport:
        """The report: problems by table and row, every id loaded or quarantined."""
        rank = {t.name: n for n, t in enumerate(TABLES)}
        return ValidationReport(
            problems=tuple(
                sorted(self.problems, key=lambda p: (rank.get(p.table, -1), p.row or 0))
            ),
            participants=len(order),
            loaded=len(loaded),
            quarantined=tuple(sorted(pid for pid in order if pid not in loaded)),
            omitted=tuple(
                Omitted(table=table, code=code, severity=severity, count=count)
                for (table, code, severity), count in sorted(
                    self.omitted.items(), key=lambda i: (rank.get(i[0][0], -1), i[0][1].value)
                )
            ),
            limits=self.limits,
            backend=backend,
            fallbacks=tuple(fallbacks),
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


def duplicate_participant(row: _Row) -> None:
    row.problem(
        Code.DUPLICATE_PARTICIPANT,
        "participant_id",
        "this participant id appears on an earlier row",
    )


def duplicate_answer(row: _Row) -> None:
    row.problem(Code.DUPLICATE_ANSWER, "item", "a second answer to this item in the same response")


def unknown_participant(row: _Row) -> None:
    row.problem(
        Code.UNKNOWN_PARTICIPANT, "participant_id", "no such participant in the participants table"
    )


MAX_CELL = 32_767
"""The most characters a cell holds (as in a spreadsheet cell); a longer one is a problem."""

_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def unguard(text: str) -> str:
    """A cell without the ``'`` a writer put before a formula character (see
    :func:`._write.guard`): ``'=1`` is ``=1``, ``'s-Hertogenbosch`` stays as it is."""
    return text[1:] if _GUARDED.match(text) else text


class _Rows:
    """One table's rows, checked for its columns first: iterates :class:`_Row` contexts.

    Column names are resolved to canonical ones (Dutch aliases, the user's mapping); blank
    rows are skipped (but counted, so row numbers stay those of the file); a column without
    a name, and a cell past the header's last column, is ignored, with one warning per table
    if any holds a value.
    """

    def __init__(self, table: Table, raw: RawTable, sink: _Collector, mapping: NameMapping) -> None:
        self.table = table
        self.raw = raw
        self.sink = sink
        problems = sink.problems
        self.ok = True
        self.index: dict[str, int] = {}
        self.unnamed: list[int] = []
        self.extra: list[str] = []
        for position, given in enumerate(raw.header):
            if not str(given).strip():
                self.unnamed.append(position)
                continue
            name = mapping.column(table.name, given) or str(given).strip().lower()
            if name in self.index:
                problems.append(
                    table_problem(
                        Code.DUPLICATE_COLUMN, table.name, "a column appears twice", name[:40]
                    )
                )
                self.ok = False
            self.index[name] = position
        for column in table.columns:
            if column.required and column.name not in self.index:
                problems.append(
                    table_problem(Code.MISSING_COLUMN, table.name, "a required column", column.name)
                )
                self.ok = False
        known = set(table.column_names)
        self.extra = [h for h in self.index if h not in known]
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
        self.width = len(raw.header)

    def _unnamed(self) -> None:
        self.sink.problems.append(
            table_problem(
                Code.UNNAMED_COLUMN,
                self.table.name,
                "a column without a name holds values; give it a name or remove it",
                severity=Severity.WARNING,
            )
        )

    def __iter__(self) -> Iterator[_Row]:
        if not self.ok:
            return
        names = list(self.index.items())
        width, name, sink = self.width, self.table.name, self.sink
        typed, escaped, unnamed = self.raw.typed, self.raw.escaped, self.unnamed
        warned = False  # about values where no column has a name
        for number, found in enumerate(self.raw.rows, start=1):
            values: Sequence[str] = [cell(v) for v in found] if typed else found
            if len(values) != width:
                if len(values) < width:
                    values = [*values, *([""] * (width - len(values)))]
                elif not warned and any(v.strip() for v in values[width:]):
                    warned = True
                    self._unnamed()
            if unnamed and not warned and any(values[n].strip() for n in unnamed):
                warned = True
                self._unnamed()
            cells = {column: values[n].strip() for column, n in names}
            if not any(cells.values()):
                continue  # a blank row, or values only where no column has a name
            # one join tells both rare cases apart from the common one
            joined = "".join(values)
            if escaped and "'" in joined:
                cells = {c: unguard(v) if v[:1] == "'" else v for c, v in cells.items()}
            row = _Row(sink, name, number, cells)
            if len(joined) > MAX_CELL and max(map(len, cells.values())) > MAX_CELL:
                pid = cells.get("participant_id", "")
                row.pid = pid if pid and len(pid) <= MAX_CELL else None
                for column, text in cells.items():
                    if len(text) > MAX_CELL:
                        row.problem(
                            Code.CELL_TOO_LONG,
                            column,
                            f"longer than {MAX_CELL:,} characters (the most a spreadsheet cell "
                            "holds; often a quote that is not closed): the row is not read",
                        )
                if row.pid is None or name != "participants":
                    continue
                # the participant is still registered, so that it is quarantined
                row.cells = {c: ("" if len(v) > MAX_CELL else v) for c, v in cells.items()}
                row.pid = None
            yield row


class Loaded:
    """The participants loaded: their ids in file order, and each one's record (built, or
    built on demand by ``one``)."""

    def __init__(
        self,
        ids: list[str],
        built: Mapping[str, ParticipantRecord],
        one: Callable[[str], ParticipantRecord] | None = None,
        columns: Callable[[datetime.date | None], Any] | None = None,
    ) -> None:
        self.ids = ids
        self.built = built
        self.one = one or built.__getitem__
        # as_of -> the loaded cohort as the analytics' columns (None: build the records)
        self.columns = columns

    def all(self) -> list[ParticipantRecord]:
        return [self.one(pid) for pid in self.ids]


class _PassportTable:
    """What goals and placements share: an id column, the row's values, the skills it names
    and the object it becomes (kept per participant in ``store``)."""

    def __init__(  # noqa: PLR0917 - a description, made in one place
        self,
        id_column: str,
        values: Callable[[_Row], dict[str, Any] | None],
        skill_column: str,
        skills_known: Callable[[Mapping[str, Any]], bool],
        cls: Callable[..., Any],
        store: dict[str, list[Any]],
    ) -> None:
        self.id_column = id_column
        self.values = values
        self.skill_column = skill_column
        self.skills_known = skills_known
        self.cls = cls
        self.store = store

    def judge(self, row: _Row, found: dict[str, Any], *, duplicate: bool) -> Any | None:
        """Report an id used twice and unknown skills; the object, or None when it refused
        the values (reported too)."""
        if duplicate:
            row.problem(Code.DUPLICATE_ID, self.id_column, "an id used twice")
        if not self.skills_known(found):
            row.problem(Code.UNKNOWN_SKILL, self.skill_column, "a skill not in the catalogue")
        built = row.built(self.cls, found, {"id": self.id_column})
        return None if built is MISSING else built


class _Loader:
    """Reads the tables in order and builds the records of the participants without errors."""

    def __init__(
        self,
        policy: TransitionPolicy,
        instruments: Mapping[str, Instrument],
        catalogue: SkillCatalogue,
        limits: ProblemLimits | None = None,
    ) -> None:
        self.policy = policy
        self.instruments = instruments
        self.catalogue = catalogue
        self.sink = _Collector(limits)
        self.participants: dict[str, Participant | None] = {}
        self.order: list[str] = []
        self.events: dict[str, list[tuple[int, Event | None]]] = {}
        self.responses: dict[
            tuple[str, MeasurementMoment, datetime.date, str, str], dict[str, AnswerCode]
        ] = {}
        # for instruments with conditional items: the row each answer came from
        self._answer_rows: dict[
            tuple[str, MeasurementMoment, datetime.date, str, str], dict[str, int]
        ] = {}
        # per instrument with conditional items: their ids
        self._conditional = {
            ins.id: frozenset(i.id for i in ins.items if i.asked_if is not None)
            for ins in instruments.values()
            if any(i.asked_if for i in ins.items)
        }
        self.goals: dict[str, list[DevelopmentGoal]] = {}
        self.placements: dict[str, list[Placement]] = {}
        self.passport_tables = {
            "goals": _PassportTable(
                "goal_id",
                self.goal_values,
                "skill_id",
                lambda found: found["skill_id"] in catalogue,
                DevelopmentGoal,
                self.goals,
            ),
            "placements": _PassportTable(
                "placement_id",
                self.placement_values,
                "skills",
                lambda found: all(s in catalogue for s in found["skills"]),
                Placement,
                self.placements,
            ),
        }
        # the coach's work: per participant, (row number, part) in file order
        self.guides: dict[str, list[tuple[int, CoachAssignment | BuddyAssignment]]] = {}
        self.intakes: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.contacts: dict[str, list[tuple[int, Contact]]] = {}
        self.guidance: dict[str, Guidance] = {}
        # per instrument, per item: the instrument's own id string (one key object for every
        # answer, not a copy per row) and answer text (lower case) -> the answer code
        self._codes = {
            ins.id: {
                item.id: (
                    item.id,
                    {
                        str(opt.code).lower(): opt.code
                        for opt in ins.response_scale(item.response_scale).options
                    },
                )
                for item in ins.items
            }
            for ins in instruments.values()
        }

    def owned(self, rows: _Rows) -> Iterator[tuple[_Row, str]]:
        """The rows of a table about a known participant, with that participant's id (the
        others are reported by :meth:`owner` and left out)."""
        for row in rows:
            if self.owner(row):
                assert row.pid is not None
                yield row, row.pid

    def owner(self, row: _Row) -> bool:
        """Set the row's participant; report a missing or unknown one (then False)."""
        pid = row.text("participant_id")
        if not pid:
            row.problem(Code.MISSING_VALUE, "participant_id", "required")
            return False
        row.pid = pid
        if pid not in self.participants:
            unknown_participant(row)
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
            "coach_assignments": self.read_coach_assignments,
            "intakes": self.read_intakes,
            "contacts": self.read_contacts,
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
                duplicate_participant(row)
                continue
            self.participants[pid] = None
            self.sink.known.add(pid)
            self.order.append(pid)
            participant = self.participant(row, pid, rows.extra)
            if participant is not None:
                self.participants[pid] = participant

    @staticmethod
    def participant(row: _Row, pid: str, extra: Sequence[str]) -> Participant | None:
        """The participant on a registered row, or None after its problems are reported."""
        values = {
            "birth_year": row.cell("birth_year", parse_int),
            "gender": row.cell("gender", parse_gender),
            "statushouder": row.cell("statushouder", parse_bool),
            "municipality": row.text("municipality") or None,
            "organisation": row.text("organisation") or None,
            "referrer": row.text("referrer") or None,
        }
        if any(v is MISSING for v in values.values()):
            return None
        if values["gender"] is None:
            values["gender"] = Gender.UNKNOWN
        attributes = {name: row.text(name) or None for name in extra}
        participant = row.built(Participant, {"id": pid, "attributes": attributes, **values}, {})
        return None if participant is MISSING else participant

    def read_events(self, rows: _Rows) -> None:
        for row, pid in self.owned(rows):
            self.events.setdefault(pid, []).append((row.number, self.event(row)))

    @staticmethod
    def event(row: _Row) -> Event | None:
        """The event on a row, or None after its problems are reported (warnings about values
        it does not use are reported too)."""
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
        return event

    def read_measurements(self, rows: _Rows) -> None:
        # the largest table by far (one row per answer)
        responses = self.responses
        for row, pid in self.owned(rows):
            found = self.answer(row, pid)
            if found is None:
                continue
            key, item, code = found
            answers = responses.setdefault(key, {})
            if item in answers:
                duplicate_answer(row)
                continue
            answers[item] = code
            conditional = self._conditional.get(key[3])
            if conditional is not None and item in conditional:
                self._answer_rows.setdefault(key, {})[item] = row.number
        self._not_asked()

    def answer(
        self, row: _Row, pid: str
    ) -> tuple[tuple[str, MeasurementMoment, datetime.date, str, str], str, AnswerCode] | None:
        """One row's answer (the response's key, the item and the code), or None: after its
        problems are reported, or for an empty answer (a question not answered)."""
        moment = row.cell("moment", parse_moment, required=True)
        day = row.cell("date", parse_date, required=True)
        cells = row.cells
        instrument_id, item, answer = cells["instrument"], cells["item"], cells["answer"]
        if not (instrument_id and item) and not row.present("instrument", "item"):
            return None
        codes = self._codes.get(instrument_id)
        if codes is None:
            row.problem(
                Code.UNKNOWN_INSTRUMENT,
                "instrument",
                "no such instrument; pass it to load(instruments=...)",
            )
            return None
        known = self.instruments[instrument_id].version
        version = cells.get("instrument_version") or known
        if version != known and same_version(version, known):
            version = known  # a spreadsheet made a number of it
        if version != known:
            row.problem(
                Code.UNKNOWN_INSTRUMENT_VERSION,
                "instrument_version",
                f"expected version '{known}'",
            )
            return None
        known_item = codes.get(item)
        if known_item is None:
            row.problem(Code.UNKNOWN_INSTRUMENT_ITEM, "item", "not an item of this instrument")
            return None
        item, options = known_item
        if moment is MISSING or day is MISSING or not answer:
            return None
        code = options.get(answer.lower())
        if code is None:
            row.problem(Code.ANSWER_OUT_OF_SCALE, "answer", "not an answer on the item's scale")
            return None
        return (pid, moment, day, instrument_id, version), item, code

    def _not_asked(self) -> None:
        """Warn about answers to conditional items an earlier answer in the same response says
        are not asked (kept: a warning loses nothing; scoring ignores them)."""
        for key, rows in self._answer_rows.items():
            ins, answers = self.instruments[key[3]], self.responses[key]
            for item, number in sorted(rows.items(), key=lambda pair: pair[1]):
                if ins.asked(item, answers) is False:
                    condition = ins.item(item).asked_if
                    assert condition is not None  # only conditional items are not asked
                    self.sink.add(
                        Code.ANSWER_NOT_ASKED,
                        "measurements",
                        number,
                        key[0],
                        "item",
                        f"the instrument asks this item only after certain answers to "
                        f"'{condition.item}'",
                        Severity.WARNING,
                    )
        self._answer_rows.clear()

    def read_goals(self, rows: _Rows) -> None:
        self._read_passport_items(rows, self.passport_tables["goals"])

    def read_placements(self, rows: _Rows) -> None:
        self._read_passport_items(rows, self.passport_tables["placements"])

    @staticmethod
    def goal_values(row: _Row) -> dict[str, Any] | None:
        """A goal row's values, or None after its cell problems are reported."""
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

    @staticmethod
    def placement_values(row: _Row) -> dict[str, Any] | None:
        """A placement row's values, or None after its cell problems are reported (a kind
        unusual for the phase is a warning)."""
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
            "skills": split(row.text("skills")),
        }

    def _read_passport_items(self, rows: _Rows, table: _PassportTable) -> None:
        """Goals and placements: each row's values, an id used twice by one participant,
        skills not in the catalogue, then the object (or the FieldError it raises)."""
        seen: set[tuple[str, str]] = set()
        for row, pid in self.owned(rows):
            found = table.values(row)
            if found is None:
                continue
            key = (pid, found["id"])
            duplicate = key in seen
            seen.add(key)
            built = table.judge(row, found, duplicate=duplicate)
            if built is not None:
                table.store.setdefault(pid, []).append(built)

    def read_coach_assignments(self, rows: _Rows) -> None:
        for row, pid in self.owned(rows):
            role = row.cell("role", parse_role, required=True)
            start = row.cell("start", parse_date, required=True)
            end = row.cell("end", parse_date)
            if MISSING in (role, start, end) or not row.present("coach_id"):
                continue
            who = row.text("coach_id")
            built = (
                row.built(BuddyAssignment, {"buddy_id": who, "start": start, "end": end}, {})
                if role == "buddy"
                else row.built(
                    CoachAssignment,
                    {"coach_id": who, "start": start, "end": end, "co_coach": role == "co_coach"},
                    {},
                )
            )
            if built is not MISSING:
                self.guides.setdefault(pid, []).append((row.number, built))

    def read_intakes(self, rows: _Rows) -> None:
        for row, pid in self.owned(rows):
            day = row.cell("date", parse_date, required=True)
            status = row.cell("status", parse_domain_status)
            domain = row.text("domain_id") or None
            if (domain is None) != (status is None) and status is not MISSING:
                row.problem(
                    Code.MISSING_VALUE,
                    "status" if status is None else "domain_id",
                    "a domain and its status come together",
                )
                continue
            if MISSING in (day, status):
                continue
            found = self.intakes.setdefault(pid, [])
            if found and found[0][1]["date"] != day:
                row.problem(Code.DUPLICATE_ID, "date", "one intake per participant: another date")
                continue
            words = {c: split(row.text(c)) for c in ("wishes", "talents", "expectations")}
            found.append((row.number, {"date": day, "domain": domain, "status": status, **words}))

    def read_contacts(self, rows: _Rows) -> None:
        columns = {
            "to": "referral_to",
            "domain_id": "referral_domain",
            "outcome": "referral_outcome",
        }
        columns |= {"outcome_date": "referral_outcome_date"}
        for row, pid in self.owned(rows):
            day = row.cell("date", parse_date, required=True)
            kind = row.cell("kind", parse_contact_kind, required=True)
            decided = row.cell("decides_change_on", parse_date)
            outcome = row.cell("referral_outcome", parse_referral_outcome)
            outcome_date = row.cell("referral_outcome_date", parse_date)
            if MISSING in (day, kind, decided, outcome, outcome_date):
                continue
            referral = None
            to, domain = row.text("referral_to"), row.text("referral_domain")
            if to or domain or outcome or outcome_date:
                values = {"to": to, "domain_id": domain, "outcome": outcome}
                referral = row.built(Referral, values | {"outcome_date": outcome_date}, columns)
                if referral is MISSING:
                    continue
            contact = row.built(
                Contact,
                {
                    "date": day,
                    "kind": kind,
                    "roles": split(row.text("roles")),
                    "domains": split(row.text("domains")),
                    "goals": split(row.text("goals")),
                    "next_steps": row.text("next_steps") or None,
                    "referral": referral,
                    "decides_change_on": decided,
                },
                {"referral": "referral_to"},
            )
            if contact is not MISSING:
                self.contacts.setdefault(pid, []).append((row.number, contact))

    # -- whole participants -------------------------------------------------------------------

    def check_guidance(
        self,
        histories: Mapping[str, tuple[Event, ...]],
        policy: GuidancePolicy,
        events_read: bool,
    ) -> None:
        """Build each participant's guidance and report what :func:`validate_guidance` finds,
        at the rows it is about (not when the events could not be read: every contact would
        then seem to fall outside an enrolment)."""
        for pid in self.order:
            guides = self.guides.get(pid, [])
            intake_rows = self.intakes.get(pid, [])
            contacts = self.contacts.get(pid, [])
            if not (guides or intake_rows or contacts):
                continue
            intake = None
            if intake_rows:
                first = intake_rows[0][1]
                intake = Intake(
                    date=first["date"],
                    wishes=first["wishes"],
                    talents=first["talents"],
                    expectations=first["expectations"],
                    # in the order of the life-domain list: a database returns rows in no
                    # guaranteed order, and the domains of an intake are a set
                    domains=sorted(
                        (
                            DomainAssessment(domain_id=r["domain"], status=r["status"])
                            for _, r in intake_rows
                            if r["domain"] is not None
                        ),
                        key=lambda d: (
                            _DOMAIN_ORDER.get(d.domain_id, len(_DOMAIN_ORDER)),
                            d.domain_id,
                        ),
                    ),
                )
            coaches = [(n, g) for n, g in guides if isinstance(g, CoachAssignment)]
            buddies = [(n, g) for n, g in guides if isinstance(g, BuddyAssignment)]
            guidance = Guidance(
                participant_id=pid,
                intake=intake,
                coaches=[g for _, g in coaches],
                contacts=[c for _, c in contacts],
                buddies=[b for _, b in buddies],
            )
            self.guidance[pid] = guidance
            if not events_read:
                continue
            numbers = {
                "contacts": ("contacts", [n for n, _ in contacts]),
                "coaches": ("coach_assignments", [n for n, _ in coaches]),
                "buddies": ("coach_assignments", [n for n, _ in buddies]),
                "intake": ("intakes", [n for n, _ in intake_rows]),
            }
            for issue in validate_guidance(guidance, histories.get(pid, ()), policy=policy):
                table, rows = numbers.get(issue.field or "", ("events", []))
                number = rows[issue.index] if issue.index is not None and rows else None
                if issue.field == "intake" and rows:
                    number = rows[0]
                self.sink.add(issue.code, table, number, pid, None, issue.message, issue.severity)

    def check_histories(self, events_read: bool) -> Mapping[str, tuple[Event, ...]]:
        histories: dict[str, tuple[Event, ...]] = {}
        for pid in self.order:
            histories[pid] = self.history(pid, self.events.get(pid, []), events_read)
        return histories

    def history(
        self, pid: str, rows: Sequence[tuple[int, Event | None]], events_read: bool
    ) -> tuple[Event, ...]:
        """Report a participant without events and what the history rules find in one
        participant's (row number, event) list; the events read."""
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
            self.sink.add(issue.code, "events", number, pid, column, issue.message, issue.severity)
        return tuple(events)

    def valid_participant(self, pid: str) -> bool:
        """The participant's own row was valid."""
        return self.participants[pid] is not None

    def loadable(self) -> list[str]:
        """The participants :meth:`records` would load: no error anywhere, a valid row."""
        bad = self.sink.bad()
        return [pid for pid in self.order if pid not in bad and self.valid_participant(pid)]

    def loaded(self, histories: Mapping[str, tuple[Event, ...]], *, build: bool) -> Loaded:
        """Who is loaded, and their records (the reference builds them all now)."""
        if not build:
            return Loaded(self.loadable(), {})
        records = self.records(histories)
        return Loaded([r.id for r in records], {r.id: r for r in records})

    def measurements(self, bad: set[str]) -> dict[str, list[Measurement]]:
        """Per participant without errors, the measurements read, in date order."""
        found: dict[str, list[Measurement]] = {}
        for (pid, moment, day, instrument_id, version), answers in self.responses.items():
            if pid in bad:
                continue
            found.setdefault(pid, []).append(
                Measurement(
                    participant_id=pid,
                    moment=moment,
                    date=day,
                    response=Response(
                        instrument_id=instrument_id, instrument_version=version, answers=answers
                    ),
                )
            )
        for mine in found.values():
            mine.sort(key=measurement_key)
        return found

    def records(self, histories: Mapping[str, tuple[Event, ...]]) -> list[ParticipantRecord]:
        bad = self.sink.bad()
        measurements = self.measurements(bad)
        found: list[ParticipantRecord] = []
        for pid in self.order:
            participant = self.participants[pid]
            if pid in bad or participant is None:
                continue
            mine = measurements.get(pid, [])
            goals, placements = self.goals.get(pid, ()), self.placements.get(pid, ())
            passport = (
                DevelopmentPassport(participant_id=pid, goals=goals, placements=placements)
                if goals or placements
                else None
            )
            found.append(
                ParticipantRecord(
                    participant=participant,
                    # check_histories has judged this history (no error, or pid is bad)
                    trajectory=Trajectory._trusted(participant_id=pid, events=histories[pid]),
                    measurements=mine,
                    passport=passport,
                    guidance=self.guidance.get(pid),
                )
            )
        return found


def measurement_key(m: Measurement) -> tuple[datetime.date, int, str]:
    return (m.date, _MOMENT_ORDER[m.moment], m.response.instrument_id)


def load_tables(
    raw: Mapping[str, RawTable],
    problems: Sequence[DataProblem],
    *,
    policy: TransitionPolicy,
    instruments: Mapping[str, Instrument],
    catalogue: SkillCatalogue,
    mapping: NameMapping,
    progress: Callable[[str], None] | None = None,
    guidance_policy: GuidancePolicy | None = None,
    limits: ProblemLimits | None = None,
    backend: str = "python",
    build: bool = True,
) -> tuple[Loaded, ValidationReport]:
    """The records of the participants without errors, and the report on everything.

    A table that could not be opened or read as a whole (any problem without a row that is
    an error) would leave every record incomplete: then no participant is loaded.
    ``backend="arrow"`` reads the large CSV tables in columns (:mod:`._columnar`) and builds
    records on demand; the reference builds them at once. With ``build=False`` no record is
    built (the report counts who would be loaded).
    """
    loader: _Loader
    if backend == "arrow":
        from piezomethod.dataset._columnar import ColumnarLoader  # noqa: PLC0415 - optional

        loader = ColumnarLoader(policy, instruments, catalogue, limits)
    else:
        loader = _Loader(policy, instruments, catalogue, limits)
    loader.sink.problems += problems
    loaded = Loaded([], {})
    # without the participants table every other row would be about an unknown participant
    if "participants" in raw and not any(p.code is Code.MISSING_TABLE for p in problems):
        usable = not any(p.is_error and p.row is None for p in problems)
        events_read = False
        for table in TABLES:
            if table.name not in raw:
                continue
            if progress is not None:
                progress(f"reading {table.name}")
            found = raw[table.name]
            rows = _Rows(table, found, loader.sink, mapping)
            usable = usable and rows.ok
            events_read = events_read or (table.name == "events" and rows.ok)
            try:
                loader.read(rows)
            except (UnicodeDecodeError, csv.Error):
                usable = False
                loader.sink.problems.append(
                    table_problem(Code.UNREADABLE_TABLE, table.name, found.unreadable)
                )
            finally:
                close = getattr(found.rows, "close", None)
                if close is not None:
                    close()  # a database cursor, a file: as soon as the table is read
        histories = loader.check_histories(events_read=events_read)
        loader.check_guidance(histories, guidance_policy or GuidancePolicy(), events_read)
        if usable:
            loaded = loader.loaded(histories, build=build)
    report = loader.sink.report(
        loader.order, set(loaded.ids), backend, getattr(loader, "fallbacks", ())
    )
    return loaded, report
