"""Datasets: the canonical tables, loading them into records, and the validation report.

An organisation's participant data lives in five tables, as CSV files in one folder
(``participants.csv``, ``events.csv``, ``measurements.csv``, ``goals.csv``,
``placements.csv``) or as pandas DataFrames. :func:`load` reads them, checks every row and
every participant's history against the method, and returns a :class:`Dataset`: the valid
participants as :class:`~piezomethod.records.ParticipantRecord`\\ s in a
:class:`~piezomethod.records.Cohort`, and a :class:`ValidationReport` listing every problem with
a stable code, its table, row, participant and column. A participant with any error is
*quarantined*: listed in the report, left out of the records, never silently dropped. The
source files are only read.

>>> import tempfile
>>> from piezomethod.synth import synthetic_cohort
>>> folder = tempfile.mkdtemp()
>>> paths = write_tables(synthetic_cohort(n=20, seed=1), folder)
>>> dataset = load(folder)
>>> dataset.report.ok, len(dataset.cohort)
(True, 20)

The table formats are in :data:`TABLES` (and as JSON Schemas from
:func:`table_schemas`). Dates are ISO (``2024-03-01``) or Dutch day-first (``1-3-2024``,
``01/03/2024``); nothing else, so that ``03-04-2024`` can never be read as 4 March.
"""

from __future__ import annotations

import csv
import datetime
import enum
import functools
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from piezomethod import _frames
from piezomethod.catalogues import skill_catalogue
from piezomethod.errors import FieldError, Issue, Severity
from piezomethod.instruments import instrument as builtin_instrument
from piezomethod.instruments import instruments as builtin_instruments
from piezomethod.outcomes import Code, Instrument, Measurement, MeasurementMoment, Response
from piezomethod.passport import (
    DEFAULT_PLACEMENT_PHASES,
    DevelopmentGoal,
    DevelopmentPassport,
    GoalStatus,
    Placement,
    PlacementKind,
    SkillCatalogue,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    validate_events,
)
from piezomethod.records import Cohort, Gender, Participant, ParticipantRecord

__all__ = [
    "TABLES",
    "Column",
    "DataCode",
    "DataProblem",
    "Dataset",
    "Source",
    "Table",
    "ValidationReport",
    "load",
    "read_tables",
    "table_rows",
    "table_schemas",
    "to_frames",
    "validate",
    "write_tables",
]

Source: TypeAlias = "str | os.PathLike[str] | Mapping[str, Any]"
"""A folder of CSV files, or a mapping of table name to a DataFrame or a list of row dicts."""


# --------------------------------------------------------------------------------------------
# The canonical tables
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Column:
    """One column of a canonical table. ``values`` lists the allowed codes, if closed."""

    name: str
    description: str
    required: bool = False
    kind: str = "text"
    """``text``, ``date``, ``integer``, ``number``, ``boolean``, ``phase`` or ``code``."""
    values: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Table:
    """A canonical table: its name (the CSV file is ``<name>.csv``) and columns."""

    name: str
    description: str
    required: bool
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in canonical order."""
        return tuple(c.name for c in self.columns)


def _codes(cls: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in cls)


_PID = Column(name="participant_id", description="the participant's id", required=True)
_EVENT_TYPES = ("enrolment", "phase_change", "exit")
_BOOLEAN = {"true": True, "false": False, "ja": True, "nee": False, "yes": True, "no": False}
_BOOLEAN |= {"1": True, "0": False, "j": True, "n": False, "y": True}
_GENDER = {m.value: m for m in Gender} | {
    "vrouw": Gender.WOMAN,
    "v": Gender.WOMAN,
    "m": Gender.MAN,
    "anders": Gender.OTHER,
    "onbekend": Gender.UNKNOWN,
}

TABLES: tuple[Table, ...] = (
    Table(
        name="participants",
        description="One row per participant. Any further column becomes an open attribute.",
        required=True,
        columns=(
            _PID,
            Column(name="birth_year", description="year of birth", kind="integer"),
            Column(
                name="gender",
                description="woman, man, other or unknown (Dutch vrouw/man/anders/onbekend too)",
                kind="code",
                values=_codes(Gender),
            ),
            Column(
                name="statushouder",
                description="refugee with a residence permit: true/false (ja/nee, 1/0 too)",
                kind="boolean",
            ),
            Column(name="municipality", description="municipality"),
            Column(name="organisation", description="the organisation that guides them"),
            Column(name="referrer", description="who referred them (an organisation or role)"),
        ),
    ),
    Table(
        name="events",
        description=(
            "One row per enrolment, phase change or exit, in the order they happened; rows of "
            "one participant on the same day keep their file order."
        ),
        required=True,
        columns=(
            _PID,
            Column(name="date", description="the day it happened", required=True, kind="date"),
            Column(
                name="type",
                description="enrolment, phase_change or exit",
                required=True,
                kind="code",
                values=_EVENT_TYPES,
            ),
            Column(
                name="phase",
                description="the phase entered (0-4); empty for an exit",
                kind="phase",
            ),
            Column(
                name="destination",
                description="where an exit leads; empty otherwise",
                kind="code",
                values=_codes(ExitDestination),
            ),
            Column(name="reason", description="why (free text; never echoed in messages)"),
            Column(name="referrer", description="who referred an enrolment"),
        ),
    ),
    Table(
        name="measurements",
        description=(
            "Questionnaire answers in long format: one row per answered item. Rows with the "
            "same participant, moment, date and instrument form one response; a blank answer "
            "counts as not answered."
        ),
        required=False,
        columns=(
            _PID,
            Column(
                name="moment",
                description="entry, transition, exit or follow_up",
                required=True,
                kind="code",
                values=_codes(MeasurementMoment),
            ),
            Column(name="date", description="the day it was taken", required=True, kind="date"),
            Column(name="instrument", description="the instrument id", required=True),
            Column(name="item", description="the item id", required=True),
            Column(name="answer", description="the answer code", required=True),
            Column(
                name="instrument_version",
                description="the instrument version (default: the known instrument's)",
            ),
        ),
    ),
    Table(
        name="goals",
        description="Development goals (ontwikkeldoelen), one row per goal.",
        required=False,
        columns=(
            _PID,
            Column(name="goal_id", description="the goal's id", required=True),
            Column(name="skill_id", description="a skill in the catalogue", required=True),
            Column(
                name="phase", description="the phase it was set in", required=True, kind="phase"
            ),
            Column(name="set_on", description="the day it was set", required=True, kind="date"),
            Column(
                name="status",
                description="planned, in_progress, achieved or dropped",
                kind="code",
                values=_codes(GoalStatus),
            ),
            Column(name="achieved_on", description="the day it was achieved", kind="date"),
        ),
    ),
    Table(
        name="placements",
        description="Placements: activities, volunteer work, internships, jobs.",
        required=False,
        columns=(
            _PID,
            Column(name="placement_id", description="the placement's id", required=True),
            Column(
                name="kind",
                description="the kind of placement",
                required=True,
                kind="code",
                values=_codes(PlacementKind),
            ),
            Column(name="organisation", description="the organisation", required=True),
            Column(name="phase", description="the phase", required=True, kind="phase"),
            Column(name="start", description="first day", required=True, kind="date"),
            Column(name="end", description="last day, if ended", kind="date"),
            Column(name="hours_per_week", description="hours per week", kind="number"),
            Column(name="skills", description="skill ids practised, separated by '|'"),
        ),
    ),
)
_TABLE = {t.name: t for t in TABLES}


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class DataCode(enum.StrEnum):
    """The stable codes of dataset problems found by :func:`load` itself.

    A participant's history is also checked with
    :func:`~piezomethod.phases.validate_events` (codes of
    :class:`~piezomethod.phases.IssueCode`, such as ``date_backwards`` or ``already_enrolled``),
    and a goal or placement that cannot be built reports the code of the
    :class:`~piezomethod.errors.FieldError` it raised (such as ``end_before_start``).
    """

    MISSING_TABLE = "missing_table"
    UNKNOWN_TABLE = "unknown_table"
    """A table that is not one of the canonical five (a warning: it is not read)."""
    UNREADABLE_TABLE = "unreadable_table"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNKNOWN_COLUMN = "unknown_column"
    """A column the table does not define (a warning: it is not read)."""
    MISSING_VALUE = "missing_value"
    INVALID_VALUE = "invalid_value"
    INVALID_DATE = "invalid_date"
    UNKNOWN_PHASE = "unknown_phase"
    IGNORED_VALUE = "ignored_value"
    """A value in a column this kind of row does not use (a warning)."""
    DUPLICATE_PARTICIPANT = "duplicate_participant"
    UNKNOWN_PARTICIPANT = "unknown_participant"
    """A row about a participant the participants table does not have."""
    NO_EVENTS = "no_events"
    """A participant without any event (a warning)."""
    UNKNOWN_INSTRUMENT = "unknown_instrument"
    UNKNOWN_INSTRUMENT_VERSION = "unknown_instrument_version"
    UNKNOWN_ITEM = "unknown_item"
    ANSWER_OUT_OF_SCALE = "answer_out_of_scale"
    DUPLICATE_ANSWER = "duplicate_answer"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_SKILL = "unknown_skill"
    PLACEMENT_PHASE = "placement_phase"
    """A placement kind that is unusual in its phase (a warning)."""


@attrs.frozen(kw_only=True)
class DataProblem:
    """One problem in a dataset.

    ``row`` counts data rows from 1 (in a spreadsheet with a header line, that is line
    ``row + 1``); it is None for a problem with a whole table. ``message`` never contains a
    value from the data, only the participant id as ``participant_id``.
    """

    code: str
    severity: Severity
    table: str
    row: int | None
    participant_id: str | None
    column: str | None
    message: str

    @property
    def is_error(self) -> bool:
        """True for an error (a warning does not quarantine anyone)."""
        return self.severity is Severity.ERROR


_PROBLEM_COLUMNS = ("code", "severity", "table", "row", "participant_id", "column", "message")


@attrs.frozen(kw_only=True)
class ValidationReport:
    """Every problem in a dataset, and who was loaded and who quarantined.

    ``problems`` come in table order (participants, events, measurements, goals, placements)
    and by row. ``participants`` counts the distinct ids in the participants table, ``loaded``
    the records that were built, and ``quarantined`` lists (sorted) the ids left out because of
    an error. Every id is either loaded or quarantined.
    """

    problems: tuple[DataProblem, ...]
    participants: int
    loaded: int
    quarantined: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings may remain)."""
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> tuple[DataProblem, ...]:
        """The problems that are errors."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[DataProblem, ...]:
        """The problems that are warnings."""
        return tuple(p for p in self.problems if not p.is_error)

    def counts(self) -> dict[str, int]:
        """How many problems have each code, by code."""
        found: dict[str, int] = {}
        for p in self.problems:
            found[p.code] = found.get(p.code, 0) + 1
        return dict(sorted(found.items()))

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "schema_version": 1,
            "ok": self.ok,
            "participants": self.participants,
            "loaded": self.loaded,
            "quarantined": list(self.quarantined),
            "counts": self.counts(),
            "problems": [
                {c: _plain(getattr(p, c)) for c in _PROBLEM_COLUMNS} for p in self.problems
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> Any:
        """The problems as a pandas DataFrame, one row per problem (needs ``[pandas]``)."""
        rows = [{c: _plain(getattr(p, c)) for c in _PROBLEM_COLUMNS} for p in self.problems]
        return _frames.frame(rows, _PROBLEM_COLUMNS)

    def summary(self) -> str:
        """A few lines for people: the counts, then the first problems."""
        head = (
            f"{self.participants} participants: {self.loaded} loaded, "
            f"{len(self.quarantined)} quarantined; "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )
        lines = [head]
        lines += [f"  {code}: {n}" for code, n in self.counts().items()]
        return "\n".join(lines)


def _plain(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


@attrs.frozen(kw_only=True)
class Dataset:
    """What :func:`load` returns: the cohort of valid records and the validation report."""

    cohort: Cohort
    report: ValidationReport

    @property
    def records(self) -> tuple[ParticipantRecord, ...]:
        """The loaded (valid) records."""
        return self.cohort.records


# --------------------------------------------------------------------------------------------
# Reading tables
# --------------------------------------------------------------------------------------------


@attrs.frozen
class _Raw:
    header: list[str]
    rows: Iterable[Sequence[str]]


def read_tables(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """The canonical table files present in ``folder``, by table name."""
    base = Path(folder)
    if not base.is_dir():
        raise FieldError("the dataset folder does not exist", code="no_such_folder", field="source")
    return {t.name: base / f"{t.name}.csv" for t in TABLES if (base / f"{t.name}.csv").is_file()}


def _sniff(header: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _csv_rows(path: Path) -> Iterator[list[str]]:
    # utf-8-sig reads files with and without a byte-order mark (Excel writes one)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        dialect = _sniff(handle.readline())
        handle.seek(0)
        yield from csv.reader(handle, dialect)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "" if text in {"nan", "NaT", "<NA>", "None"} and not isinstance(value, str) else text


def _from_rows(rows: Sequence[Mapping[str, object]] | Any) -> _Raw:
    if hasattr(rows, "columns") and hasattr(rows, "itertuples"):  # a pandas DataFrame
        header = [str(c) for c in rows.columns]
        body = ([_cell(v) for v in values] for values in rows.itertuples(index=False, name=None))
        return _Raw(header, body)
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise FieldError(
            "a table must be a DataFrame or a list of row dicts", code="wrong_type", field="source"
        )
    listed = list(rows)
    keys: list[str] = []
    for row in listed:
        if not isinstance(row, Mapping):
            raise FieldError(
                "a table must be a DataFrame or a list of row dicts",
                code="wrong_type",
                field="source",
            )
        keys += [str(k) for k in row if str(k) not in keys]
    return _Raw(keys, ([_cell(row.get(h)) for h in keys] for row in listed))


def _open(source: Source) -> tuple[dict[str, _Raw], list[DataProblem]]:
    problems: list[DataProblem] = []
    raw: dict[str, _Raw] = {}
    if isinstance(source, Mapping):
        for name, table_rows in source.items():
            if name not in _TABLE:
                problems.append(
                    _table_problem(
                        DataCode.UNKNOWN_TABLE,
                        str(name)[:40],
                        "not a canonical table; it is not read",
                        severity=Severity.WARNING,
                    )
                )
                continue
            raw[name] = _from_rows(table_rows)
    else:
        for name, path in read_tables(source).items():
            rows = _csv_rows(path)
            try:
                header = next(rows, [])
            except (UnicodeDecodeError, csv.Error):
                problems.append(
                    _table_problem(
                        DataCode.UNREADABLE_TABLE, name, "the file is not UTF-8 CSV text"
                    )
                )
                continue
            raw[name] = _Raw(header, rows)
    for table in TABLES:
        if table.required and table.name not in raw:
            problems.append(
                _table_problem(DataCode.MISSING_TABLE, table.name, "this table is required")
            )
    return raw, problems


def _table_problem(
    code: DataCode,
    table: str,
    message: str,
    column: str | None = None,
    severity: Severity = Severity.ERROR,
) -> DataProblem:
    return DataProblem(
        code=code.value,
        severity=severity,
        table=table,
        row=None,
        participant_id=None,
        column=column,
        message=message,
    )


# --------------------------------------------------------------------------------------------
# Cell parsers (each returns the value or raises _Bad)
# --------------------------------------------------------------------------------------------


class _BadCellError(Exception):
    def __init__(self, code: DataCode | str, message: str) -> None:
        super().__init__(message)
        self.code = code.value if isinstance(code, DataCode) else code
        self.message = message


_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_BAD_DATE = "not a date: use YYYY-MM-DD or day-first DD-MM-YYYY"


@functools.lru_cache(maxsize=1 << 16)
def _date(text: str) -> datetime.date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    match = _DUTCH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _parse_date(text: str) -> datetime.date:
    found = _date(text)
    if found is None:
        raise _BadCellError(DataCode.INVALID_DATE, _BAD_DATE)
    return found


_PHASES = {str(int(p)): p for p in Phase}


def _parse_phase(text: str) -> Phase:
    found = _PHASES.get(text)
    if found is None:
        raise _BadCellError(DataCode.UNKNOWN_PHASE, "not a phase: use 0, 1, 2, 3 or 4")
    return found


def _parse_int(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise _BadCellError(DataCode.INVALID_VALUE, "not a whole number")
    return int(text)


def _parse_number(text: str) -> float:
    try:
        value = float(text.replace(",", ".")) if text.count(",") <= 1 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _BadCellError(DataCode.INVALID_VALUE, "not a number")
    return value


def _parse_bool(text: str) -> bool:
    found = _BOOLEAN.get(text.lower())
    if found is None:
        raise _BadCellError(DataCode.INVALID_VALUE, "not true or false")
    return found


def _code_parser(values: Mapping[str, Any], what: str) -> Callable[[str], Any]:
    allowed = ", ".join(dict.fromkeys(str(v) for v in values.values()))

    def parse(text: str) -> Any:
        found = values.get(text.lower())
        if found is None:
            raise _BadCellError(DataCode.INVALID_VALUE, f"not a {what}: use {allowed}")
        return found

    return parse


_parse_gender = _code_parser(_GENDER, "gender")
_parse_type = _code_parser({t: t for t in _EVENT_TYPES}, "event type")
_parse_destination = _code_parser({m.value: m for m in ExitDestination}, "destination")
_parse_moment = _code_parser({m.value: m for m in MeasurementMoment}, "moment")
_parse_status = _code_parser({m.value: m for m in GoalStatus}, "goal status")
_parse_kind = _code_parser({m.value: m for m in PlacementKind}, "placement kind")


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

_MOMENT_ORDER = {m: n for n, m in enumerate(MeasurementMoment)}
_EVENT_COLUMNS = {
    "date": "date",
    "phase": "phase",
    "to_phase": "phase",
    "destination": "destination",
    "reason": "reason",
    "referrer": "referrer",
}


class _Rows:
    """Iterates one table's rows as (row number, {column: stripped text or ''})."""

    def __init__(self, table: Table, raw: _Raw, problems: list[DataProblem]) -> None:
        self.table = table
        self.raw = raw
        header = [h.strip().lower() for h in raw.header]
        self.ok = True
        seen: set[str] = set()
        for name in header:
            if name in seen:
                problems.append(
                    _table_problem(
                        DataCode.DUPLICATE_COLUMN, table.name, "a column appears twice", name[:40]
                    )
                )
                self.ok = False
            seen.add(name)
        for column in table.columns:
            if column.required and column.name not in seen:
                problems.append(
                    _table_problem(
                        DataCode.MISSING_COLUMN, table.name, "a required column", column.name
                    )
                )
                self.ok = False
        known = set(table.column_names)
        self.extra = [h for h in header if h not in known and h]
        if table.name != "participants":
            for name in self.extra:
                problems.append(
                    _table_problem(
                        DataCode.UNKNOWN_COLUMN,
                        table.name,
                        "a column this table does not define; it is not read",
                        name[:40],
                        Severity.WARNING,
                    )
                )
        self.index = {h: n for n, h in enumerate(header)}
        self.width = len(header)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.ok:
            return
        names = list(self.index.items())
        width = self.width
        for number, found in enumerate(self.raw.rows, start=1):
            values = found if len(found) >= width else [*found, *([""] * (width - len(found)))]
            yield number, {name: values[n].strip() for name, n in names}


class _Loader:
    def __init__(
        self,
        policy: TransitionPolicy,
        instruments: Mapping[str, Instrument],
        catalogue: SkillCatalogue,
    ) -> None:
        self.policy = policy
        self.instruments = instruments
        self.catalogue = catalogue
        self.problems: list[DataProblem] = []
        self.participants: dict[str, Participant | None] = {}
        self.order: list[str] = []
        self.bad: set[str] = set()
        self.events: dict[str, list[tuple[int, Event | None]]] = {}
        self.responses: dict[
            tuple[str, MeasurementMoment, datetime.date, str, str], dict[str, Code]
        ]
        self.responses = {}
        self.goals: dict[str, list[DevelopmentGoal]] = {}
        self.placements: dict[str, list[Placement]] = {}
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

    # -- problems -----------------------------------------------------------------------------

    def add(  # noqa: PLR0917 - a private helper called on every bad cell; positional reads best
        self,
        code: DataCode | str,
        table: str,
        row: int | None,
        pid: str | None,
        column: str | None,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            DataProblem(
                code=code.value if isinstance(code, DataCode) else code,
                severity=severity,
                table=table,
                row=row,
                participant_id=pid,
                column=column,
                message=message,
            )
        )
        if severity is Severity.ERROR and pid is not None and pid in self.participants:
            self.bad.add(pid)

    def owner(self, table: str, number: int, row: Mapping[str, str]) -> str | None:
        pid = row["participant_id"]
        if not pid:
            self.add(DataCode.MISSING_VALUE, table, number, None, "participant_id", "required")
            return None
        if pid not in self.participants:
            self.add(
                DataCode.UNKNOWN_PARTICIPANT,
                table,
                number,
                pid,
                "participant_id",
                "no such participant in the participants table",
            )
            return None
        return pid

    def cell(  # noqa: PLR0917 - as add()
        self,
        table: str,
        number: int,
        pid: str | None,
        row: Mapping[str, str],
        column: str,
        parse: Callable[[str], Any],
        *,
        required: bool = False,
    ) -> Any:
        """The parsed value, None when empty and optional; on a bad value, a problem and
        ``_MISSING``."""
        text = row.get(column, "")
        if not text:
            if required:
                self.add(DataCode.MISSING_VALUE, table, number, pid, column, "required")
                return _MISSING
            return None
        try:
            return parse(text)
        except _BadCellError as bad:
            self.add(bad.code, table, number, pid, column, bad.message)
            return _MISSING

    def built(
        self,
        where: tuple[str, int, str],
        cls: Callable[..., Any],
        values: Mapping[str, Any],
        columns: Mapping[str, str],
    ) -> Any:
        """``cls(**values)``, or a problem (the FieldError's code, its field mapped to a
        column through ``columns``) and ``_MISSING``."""
        table, number, pid = where
        try:
            return cls(**values)
        except FieldError as err:
            column = columns.get(err.field or "", err.field)
            self.add(err.code, table, number, pid, column, str(err))
            return _MISSING

    # -- tables -------------------------------------------------------------------------------

    def read_participants(self, rows: _Rows) -> None:
        table = "participants"
        extra = rows.extra
        for number, row in rows:
            pid = row["participant_id"]
            if not pid:
                self.add(DataCode.MISSING_VALUE, table, number, None, "participant_id", "required")
                continue
            if pid in self.participants:
                self.add(
                    DataCode.DUPLICATE_PARTICIPANT,
                    table,
                    number,
                    pid,
                    "participant_id",
                    "this participant id appears on an earlier row",
                )
                continue
            self.participants[pid] = None
            self.order.append(pid)
            values = {
                "birth_year": self.cell(table, number, pid, row, "birth_year", _parse_int),
                "gender": self.cell(table, number, pid, row, "gender", _parse_gender),
                "statushouder": self.cell(table, number, pid, row, "statushouder", _parse_bool),
                "municipality": row.get("municipality") or None,
                "organisation": row.get("organisation") or None,
                "referrer": row.get("referrer") or None,
            }
            if any(v is _MISSING for v in values.values()):
                self.bad.add(pid)
                continue
            if values["gender"] is None:
                values["gender"] = Gender.UNKNOWN
            attributes = {name: row[name] or None for name in extra}
            participant = self.built(
                (table, number, pid),
                Participant,
                {"id": pid, "attributes": attributes, **values},
                {},
            )
            if participant is not _MISSING:
                self.participants[pid] = participant

    def read_events(self, rows: _Rows) -> None:
        table = "events"
        for number, row in rows:
            pid = self.owner(table, number, row)
            if pid is None:
                continue
            day = self.cell(table, number, pid, row, "date", _parse_date, required=True)
            kind = self.cell(table, number, pid, row, "type", _parse_type, required=True)
            event: Event | None = None
            if kind == "exit":
                destination = self.cell(
                    table, number, pid, row, "destination", _parse_destination, required=True
                )
                if row.get("phase"):
                    self.ignored(table, number, pid, "phase", "an exit")
                if day is not _MISSING and destination is not _MISSING:
                    reason = row.get("reason") or None
                    event = Exit(date=day, destination=destination, reason=reason)
            elif kind is not _MISSING:
                phase = self.cell(table, number, pid, row, "phase", _parse_phase, required=True)
                if row.get("destination"):
                    self.ignored(table, number, pid, "destination", f"a {kind}")
                if day is not _MISSING and phase is not _MISSING:
                    if kind == "enrolment":
                        if row.get("reason"):
                            self.ignored(table, number, pid, "reason", "an enrolment")
                        event = Enrolment(
                            date=day, phase=phase, referrer=row.get("referrer") or None
                        )
                    else:
                        if row.get("referrer"):
                            self.ignored(table, number, pid, "referrer", "a phase change")
                        event = PhaseChange(
                            date=day, to_phase=phase, reason=row.get("reason") or None
                        )
            self.events.setdefault(pid, []).append((number, event))

    def ignored(self, table: str, number: int, pid: str, column: str, what: str) -> None:
        self.add(
            DataCode.IGNORED_VALUE,
            table,
            number,
            pid,
            column,
            f"{what} does not use this column; the value is ignored",
            Severity.WARNING,
        )

    def read_measurements(self, rows: _Rows) -> None:
        table = "measurements"
        responses = self.responses
        codes_of = self._codes
        for number, row in rows:
            pid = self.owner(table, number, row)
            if pid is None:
                continue
            moment = self.cell(table, number, pid, row, "moment", _parse_moment, required=True)
            day = self.cell(table, number, pid, row, "date", _parse_date, required=True)
            instrument_id = row["instrument"]
            item = row["item"]
            answer = row["answer"]
            codes = codes_of.get(instrument_id)
            if not instrument_id or not item:
                column = "instrument" if not instrument_id else "item"
                self.add(DataCode.MISSING_VALUE, table, number, pid, column, "required")
                continue
            if codes is None:
                self.add(
                    DataCode.UNKNOWN_INSTRUMENT,
                    table,
                    number,
                    pid,
                    "instrument",
                    "no such instrument; pass it to load(instruments=...)",
                )
                continue
            version = row.get("instrument_version") or self.instruments[instrument_id].version
            if version != self.instruments[instrument_id].version:
                self.add(
                    DataCode.UNKNOWN_INSTRUMENT_VERSION,
                    table,
                    number,
                    pid,
                    "instrument_version",
                    f"expected version '{self.instruments[instrument_id].version}'",
                )
                continue
            options = codes.get(item)
            if options is None:
                self.add(
                    DataCode.UNKNOWN_ITEM,
                    table,
                    number,
                    pid,
                    "item",
                    f"not an item of '{instrument_id}'",
                )
                continue
            if moment is _MISSING or day is _MISSING or not answer:
                continue
            code = options.get(answer.lower())
            if code is None:
                self.add(
                    DataCode.ANSWER_OUT_OF_SCALE,
                    table,
                    number,
                    pid,
                    "answer",
                    f"not an answer on the scale of item '{item}'",
                )
                continue
            answers = responses.setdefault((pid, moment, day, instrument_id, version), {})
            if item in answers:
                self.add(
                    DataCode.DUPLICATE_ANSWER,
                    table,
                    number,
                    pid,
                    "item",
                    "a second answer to this item in the same response",
                )
                continue
            answers[item] = code

    def texts_present(
        self, where: tuple[str, int, str], row: Mapping[str, str], *columns: str
    ) -> bool:
        """Report each of ``columns`` that is empty; True when none is."""
        table, number, pid = where
        empty = [c for c in columns if not row[c]]
        for column in empty:
            self.add(DataCode.MISSING_VALUE, table, number, pid, column, "required")
        return not empty

    def first_use(
        self, seen: set[tuple[str, str]], where: tuple[str, int, str], column: str, value: str
    ) -> None:
        """Report ``value`` in ``column`` when this participant used it on an earlier row."""
        table, number, pid = where
        if (pid, value) in seen:
            self.add(DataCode.DUPLICATE_ID, table, number, pid, column, "an id used twice")
        seen.add((pid, value))

    def read_goals(self, rows: _Rows) -> None:
        table = "goals"
        seen: set[tuple[str, str]] = set()
        for number, row in rows:
            pid = self.owner(table, number, row)
            if pid is None:
                continue
            phase = self.cell(table, number, pid, row, "phase", _parse_phase, required=True)
            set_on = self.cell(table, number, pid, row, "set_on", _parse_date, required=True)
            status = self.cell(table, number, pid, row, "status", _parse_status)
            achieved = self.cell(table, number, pid, row, "achieved_on", _parse_date)
            goal_id, skill_id = row["goal_id"], row["skill_id"]
            present = self.texts_present((table, number, pid), row, "goal_id", "skill_id")
            if _MISSING in (phase, set_on, status, achieved) or not present:
                continue
            self.first_use(seen, (table, number, pid), "goal_id", goal_id)
            if skill_id not in self.catalogue:
                self.add(
                    DataCode.UNKNOWN_SKILL,
                    table,
                    number,
                    pid,
                    "skill_id",
                    "a skill not in the catalogue",
                )
            goal = self.built(
                (table, number, pid),
                DevelopmentGoal,
                {
                    "id": goal_id,
                    "skill_id": skill_id,
                    "phase": phase,
                    "set_on": set_on,
                    "status": status or GoalStatus.PLANNED,
                    "achieved_on": achieved,
                },
                {"id": "goal_id"},
            )
            if goal is not _MISSING:
                self.goals.setdefault(pid, []).append(goal)

    def read_placements(self, rows: _Rows) -> None:
        table = "placements"
        seen: set[tuple[str, str]] = set()
        for number, row in rows:
            pid = self.owner(table, number, row)
            if pid is None:
                continue
            kind = self.cell(table, number, pid, row, "kind", _parse_kind, required=True)
            phase = self.cell(table, number, pid, row, "phase", _parse_phase, required=True)
            start = self.cell(table, number, pid, row, "start", _parse_date, required=True)
            end = self.cell(table, number, pid, row, "end", _parse_date)
            hours = self.cell(table, number, pid, row, "hours_per_week", _parse_number)
            placement_id, organisation = row["placement_id"], row["organisation"]
            where = (table, number, pid)
            present = self.texts_present(where, row, "placement_id", "organisation")
            if _MISSING in (kind, phase, start, end, hours) or not present:
                continue
            skills = tuple(s.strip() for s in row.get("skills", "").split("|") if s.strip())
            self.first_use(seen, where, "placement_id", placement_id)
            if any(s not in self.catalogue for s in skills):
                self.add(
                    DataCode.UNKNOWN_SKILL,
                    table,
                    number,
                    pid,
                    "skills",
                    "a skill not in the catalogue",
                )
            if phase not in DEFAULT_PLACEMENT_PHASES.get(kind, frozenset(Phase)):
                self.add(
                    DataCode.PLACEMENT_PHASE,
                    table,
                    number,
                    pid,
                    "phase",
                    f"a {kind.value} placement in phase {int(phase)} is unusual",
                    Severity.WARNING,
                )
            placement = self.built(
                (table, number, pid),
                Placement,
                {
                    "id": placement_id,
                    "kind": kind,
                    "organisation": organisation,
                    "phase": phase,
                    "start": start,
                    "end": end,
                    "hours_per_week": hours,
                    "skills": skills,
                },
                {"id": "placement_id"},
            )
            if placement is not _MISSING:
                self.placements.setdefault(pid, []).append(placement)

    # -- whole participants -------------------------------------------------------------------

    def check_histories(self, events_read: bool) -> dict[str, tuple[Event, ...]]:
        histories: dict[str, tuple[Event, ...]] = {}
        for pid in self.order:
            rows = self.events.get(pid, [])
            if not rows and events_read:
                self.add(
                    DataCode.NO_EVENTS,
                    "events",
                    None,
                    pid,
                    None,
                    "a participant without any event",
                    Severity.WARNING,
                )
            events = [e for _, e in rows if e is not None]
            numbers = [n for n, e in rows if e is not None]
            issues: list[Issue] = validate_events(events, policy=self.policy, participant_id=pid)
            for issue in issues:
                number = numbers[issue.index] if issue.index is not None else None
                column = _EVENT_COLUMNS.get(issue.field or "")
                self.add(issue.code, "events", number, pid, column, issue.message, issue.severity)
            histories[pid] = tuple(events)
        return histories

    def records(self, histories: Mapping[str, tuple[Event, ...]]) -> list[ParticipantRecord]:
        measurements: dict[str, list[Measurement]] = {}
        for (pid, moment, day, instrument_id, version), answers in self.responses.items():
            if pid in self.bad:
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
            if pid in self.bad or participant is None:
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


_MISSING: Any = object()


def _measurement_key(m: Measurement) -> tuple[datetime.date, int, str]:
    return (m.date, _MOMENT_ORDER[m.moment], m.response.instrument_id)


def _as_of(records: Sequence[ParticipantRecord]) -> datetime.date:
    days = [e.date for r in records for e in r.trajectory.events[-1:]]
    days += [m.date for r in records for m in r.measurements[-1:]]
    return max(days, default=datetime.date.today())


def load(
    source: Source,
    *,
    policy: TransitionPolicy | None = None,
    instruments: Iterable[Instrument] | None = None,
    catalogue: SkillCatalogue | None = None,
    as_of: datetime.date | None = None,
    name: str | None = None,
) -> Dataset:
    """Load and validate a dataset: a folder of CSV tables or a mapping of tables.

    ``policy`` is the transition policy histories are checked against (default: the method's
    own, which allows every move); a policy with ``severity="warning"`` reports its breaches
    without quarantining anyone. ``instruments`` are the questionnaires the measurements may
    use (default: the built-in ones), ``catalogue`` the skills goals and placements may name
    (default: the built-in catalogue). ``as_of``, the day the data was drawn, defaults to the
    latest date in the data.

    A table that cannot be used as a whole (a required column missing, a column twice, not
    UTF-8 text) would leave every record incomplete, so then no participant is loaded: all are
    quarantined. Raises only when the source itself cannot be used (a folder that does not
    exist, a table that is neither a DataFrame nor a list of rows); everything wrong *in* the
    data is in the report.
    """
    known = (
        {i.id: i for i in instruments}
        if instruments is not None
        else {i: builtin_instrument(i) for i in builtin_instruments()}
    )
    loader = _Loader(policy or TransitionPolicy.methodiek(), known, catalogue or skill_catalogue())
    raw, problems = _open(source)
    loader.problems += problems
    if not any(p.code == DataCode.MISSING_TABLE for p in problems):
        readers: dict[str, Callable[[_Rows], None]] = {
            "participants": loader.read_participants,
            "events": loader.read_events,
            "measurements": loader.read_measurements,
            "goals": loader.read_goals,
            "placements": loader.read_placements,
        }
        usable: set[str] = set()
        for table in TABLES:
            if table.name in raw:
                rows = _Rows(table, raw[table.name], loader.problems)
                if rows.ok:
                    usable.add(table.name)
                try:
                    readers[table.name](rows)
                except (UnicodeDecodeError, csv.Error):
                    usable.discard(table.name)
                    loader.add(
                        DataCode.UNREADABLE_TABLE,
                        table.name,
                        None,
                        None,
                        None,
                        "the file is not UTF-8 CSV text",
                    )
        histories = loader.check_histories(events_read="events" in usable)
        # a table that cannot be read would leave every record incomplete: load none
        records = loader.records(histories) if usable == set(raw) else []
    else:
        records = []
    loaded = {r.id for r in records}
    quarantined = tuple(sorted(pid for pid in loader.order if pid not in loaded))
    order = {t.name: n for n, t in enumerate(TABLES)}
    report = ValidationReport(
        problems=tuple(sorted(loader.problems, key=lambda p: (order.get(p.table, -1), p.row or 0))),
        participants=len(loader.order),
        loaded=len(records),
        quarantined=quarantined,
    )
    cohort = Cohort(records=records, as_of=as_of or _as_of(records), name=name)
    return Dataset(cohort=cohort, report=report)


def validate(source: Source, **options: Any) -> ValidationReport:
    """Validate a dataset and return only the report (see :func:`load` for the options)."""
    return load(source, **options).report


# --------------------------------------------------------------------------------------------
# Writing tables
# --------------------------------------------------------------------------------------------


def _iso(day: datetime.date | None) -> str:
    return "" if day is None else day.isoformat()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def table_rows(records: Iterable[ParticipantRecord] | Cohort) -> dict[str, list[dict[str, str]]]:
    """The canonical tables of ``records`` as lists of row dicts (every value a string).

    The tables hold what :func:`load` reads back: participants (with their open attributes as
    extra columns), events, measurements, goals and placements. Talents, the intake's words,
    goal evidence and notes, placement tasks, celebrations and consents have no table: use the
    JSON wire format for whole records.
    """
    found = records.records if isinstance(records, Cohort) else tuple(records)
    tables: dict[str, list[dict[str, str]]] = {t.name: [] for t in TABLES}
    for record in found:
        p = record.participant
        pid = p.id
        tables["participants"].append(
            {
                "participant_id": pid,
                "birth_year": _text(p.birth_year),
                "gender": p.gender.value,
                "statushouder": _text(p.statushouder),
                "municipality": _text(p.municipality),
                "organisation": _text(p.organisation),
                "referrer": _text(p.referrer),
            }
            | {k: _text(v) for k, v in p.attributes.items()}
        )
        for event in record.trajectory.events:
            row = dict.fromkeys(_TABLE["events"].column_names, "")
            row["participant_id"], row["date"] = pid, event.date.isoformat()
            if isinstance(event, Enrolment):
                row |= {"type": "enrolment", "phase": str(int(event.phase))}
                row["referrer"] = _text(event.referrer)
            elif isinstance(event, PhaseChange):
                row |= {"type": "phase_change", "phase": str(int(event.to_phase))}
                row["reason"] = _text(event.reason)
            else:
                row |= {"type": "exit", "destination": event.destination.value}
                row["reason"] = _text(event.reason)
            tables["events"].append(row)
        for m in record.measurements:
            for item, code in m.response.answers.items():
                tables["measurements"].append(
                    {
                        "participant_id": pid,
                        "moment": m.moment.value,
                        "date": m.date.isoformat(),
                        "instrument": m.response.instrument_id,
                        "item": item,
                        "answer": str(code),
                        "instrument_version": m.response.instrument_version,
                    }
                )
        if record.passport is None:
            continue
        for g in record.passport.goals:
            tables["goals"].append(
                {
                    "participant_id": pid,
                    "goal_id": g.id,
                    "skill_id": g.skill_id,
                    "phase": str(int(g.phase)),
                    "set_on": g.set_on.isoformat(),
                    "status": g.status.value,
                    "achieved_on": _iso(g.achieved_on),
                }
            )
        for pl in record.passport.placements:
            tables["placements"].append(
                {
                    "participant_id": pid,
                    "placement_id": pl.id,
                    "kind": pl.kind.value,
                    "organisation": pl.organisation,
                    "phase": str(int(pl.phase)),
                    "start": pl.start.isoformat(),
                    "end": _iso(pl.end),
                    "hours_per_week": _text(pl.hours_per_week),
                    "skills": "|".join(pl.skills),
                }
            )
    return tables


def _header(table: Table, rows: Sequence[Mapping[str, str]]) -> list[str]:
    header = list(table.column_names)
    for row in rows:
        header += [k for k in row if k not in header]
    return header


def write_tables(
    records: Iterable[ParticipantRecord] | Cohort, folder: str | os.PathLike[str]
) -> list[Path]:
    """Write the canonical tables of ``records`` as CSV files (UTF-8, comma, ISO dates) into
    ``folder`` (created if needed), and return their paths."""
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in table_rows(records).items():
        table = _TABLE[name]
        path = base / f"{name}.csv"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_header(table, rows), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


def to_frames(records: Iterable[ParticipantRecord] | Cohort) -> dict[str, Any]:
    """The canonical tables as pandas DataFrames of strings (needs the ``[pandas]`` extra);
    :func:`load` reads them back."""
    return {
        name: _frames.frame(rows, _header(_TABLE[name], rows))
        for name, rows in table_rows(records).items()
    }


def table_schemas() -> dict[str, dict[str, Any]]:
    """A JSON Schema per canonical table, describing one row as an object of strings."""
    patterns = {
        "date": r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$",
        "integer": r"^-?\d+$",
        "phase": r"^[0-4]$",
        "number": r"^-?\d+([.,]\d+)?$",
    }
    schemas: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        properties: dict[str, Any] = {}
        for column in table.columns:
            prop: dict[str, Any] = {"type": "string", "description": column.description}
            if column.kind in patterns:
                prop["anyOf"] = [{"const": ""}, {"pattern": patterns[column.kind]}]
            elif column.kind == "boolean":
                prop["enum"] = ["", *sorted(_BOOLEAN)]
            elif column.kind == "code" and column.name == "gender":
                prop["enum"] = ["", *sorted(_GENDER)]
            elif column.values:
                prop["enum"] = ["", *column.values]
            if column.required:
                prop["minLength"] = 1
            properties[column.name] = prop
        schemas[table.name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://piezomethod.invalid/schemas/table-{table.name}.json",
            "title": f"piezomethod table '{table.name}' (one row; the CSV file {table.name}.csv)",
            "description": table.description,
            "type": "object",
            "properties": properties,
            "required": [c.name for c in table.columns if c.required],
            "additionalProperties": table.name == "participants",
        }
    return schemas
