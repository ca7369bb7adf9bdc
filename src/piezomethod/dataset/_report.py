"""The validation report: one record per problem, and what was loaded (private)."""

from __future__ import annotations

import datetime
import enum
import importlib.util
import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from piezomethod import _frames
from piezomethod._checks import at_least, checked, fields, to_enum
from piezomethod._i18n import Lang, check_lang
from piezomethod.errors import Code, FieldError, Severity
from piezomethod.records import Cohort, ParticipantRecord
from piezomethod.serialization import SCHEMA_VERSION

_WORDS = {
    "nl": {
        "head": "{n} deelnemers: {loaded} ingelezen, {quarantined} in quarantaine; "
        "{errors} fouten, {warnings} waarschuwingen",
        "more": "... en nog {n} (alle problemen met --json)",
        "omitted": "  van nog {n} problemen zijn alleen de aantallen bewaard (hoogstens "
        "{participant} per deelnemer en {table} per tabel in detail)",
    },
    "en": {
        "head": "{n} participants: {loaded} loaded, {quarantined} quarantined; "
        "{errors} errors, {warnings} warnings",
        "more": "... {n} more (use --json for all)",
        "omitted": "  {n} more problems were counted without their details (at most "
        "{participant} per participant and {table} per table are kept)",
    },
}


def _code(value: Code | str, field: str = "code") -> Code:
    return Code.of(value)


def _severity(value: Severity | str, field: str = "severity") -> Severity:
    return to_enum(Severity, value, field)


@attrs.frozen(kw_only=True, field_transformer=fields)
class DataProblem:
    """One problem in a dataset.

    ``code`` is a registered :class:`~piezomethod.errors.Code`. ``row`` counts data rows from 1
    (in a spreadsheet with a header line, that is line ``row + 1``); it is None for a problem
    with a whole table. ``message`` never contains a value from the data, only the
    participant id as ``participant_id``.
    """

    code: Code = attrs.field(converter=_code)
    severity: Severity = attrs.field(converter=_severity)
    table: str
    row: int | None
    participant_id: str | None
    column: str | None
    message: str

    @property
    def is_error(self) -> bool:
        """True for an error (a warning does not quarantine anyone)."""
        return self.severity is Severity.ERROR

    @checked
    def describe(self, *, lang: Lang = "nl") -> str:
        """One line for people: severity, where, the participant and what is wrong — in Dutch
        the meaning of the code, in English the detailed message.

        >>> p = DataProblem(
        ...     code="same_phase",
        ...     severity="error",
        ...     table="events",
        ...     row=3,
        ...     participant_id="p-1",
        ...     column="phase",
        ...     message="a phase change to phase 1, which is already the current phase",
        ... )
        >>> print(p.describe(lang="nl"))
        fout events:3 [phase] p-1 same_phase:
        een faseovergang naar de fase waarin de deelnemer al zit
        """
        where = f"{self.table}:{self.row}" if self.row is not None else self.table
        column = f" [{self.column}]" if self.column else ""
        who = f" {self.participant_id}" if self.participant_id else ""
        text = self.code.meaning(lang="nl") if check_lang(lang) == "nl" else self.message
        return f"{self.severity.label(lang=lang)} {where}{column}{who} {self.code}: {text}"


_PROBLEM_COLUMNS = ("code", "severity", "table", "row", "participant_id", "column", "message")


@attrs.frozen(kw_only=True, field_transformer=fields)
class Omitted:
    """Problems that were counted but whose details were not kept: ``count`` problems with
    ``code`` and ``severity`` in ``table``, past the limits of details per participant or per
    table (see :func:`~piezomethod.dataset.load`)."""

    table: str
    code: Code = attrs.field(converter=_code)
    severity: Severity = attrs.field(converter=_severity)
    count: int


@attrs.frozen(kw_only=True, field_transformer=fields)
class ProblemLimits:
    """How many problems a report keeps in detail: at most ``per_participant`` for one
    participant and ``per_table`` for one table; every other problem is counted (exactly) in
    :attr:`ValidationReport.omitted`. A dataset with a million bad rows is then reported in
    seconds and little memory, and what is shown is still enough to find each kind of
    mistake."""

    per_participant: int = attrs.field(default=100, validator=at_least(0, Code.INVALID_COUNT))
    per_table: int = attrs.field(default=10_000, validator=at_least(0, Code.INVALID_COUNT))


@attrs.frozen(kw_only=True, field_transformer=fields)
class ValidationReport:
    """Every problem in a dataset, and who was loaded and who quarantined.

    ``problems`` come in table order (participants, events, measurements, goals, placements)
    and by row. ``participants`` counts the distinct ids in the participants table, ``loaded``
    the records that were built, and ``quarantined`` lists (sorted) the ids left out because of
    an error. Every id is either loaded or quarantined. Past the :class:`ProblemLimits`,
    problems are counted in ``omitted`` (by table, code and severity) instead of listed; the
    counts, :attr:`ok` and the summary include them.

    ``backend`` says which loader made the report (``"python"``, the reference, or
    ``"arrow"``, the columnar one) and ``fallbacks`` which tables the columnar loader left to
    the reference reader, and why. Both backends make the same report, so these two fields do
    not take part in comparing reports.
    """

    problems: tuple[DataProblem, ...]
    participants: int
    loaded: int
    quarantined: tuple[str, ...]
    omitted: tuple[Omitted, ...] = ()
    limits: ProblemLimits = ProblemLimits()
    backend: str = attrs.field(default="python", eq=False)
    fallbacks: tuple[str, ...] = attrs.field(default=(), eq=False)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings may remain)."""
        return not any(p.is_error for p in self.problems) and not any(
            o.severity is Severity.ERROR for o in self.omitted
        )

    @property
    def total(self) -> int:
        """How many problems were found: those listed and those only counted."""
        return len(self.problems) + sum(o.count for o in self.omitted)

    @property
    def errors(self) -> tuple[DataProblem, ...]:
        """The problems that are errors."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[DataProblem, ...]:
        """The problems that are warnings."""
        return tuple(p for p in self.problems if not p.is_error)

    def counts(self) -> dict[str, int]:
        """How many problems have each code, by code (the omitted ones included)."""
        found: dict[str, int] = {}
        for p in self.problems:
            found[p.code.value] = found.get(p.code.value, 0) + 1
        for o in self.omitted:
            found[o.code.value] = found.get(o.code.value, 0) + o.count
        return dict(sorted(found.items()))

    def _severity_count(self, severity: Severity) -> int:
        listed = sum(1 for p in self.problems if p.severity is severity)
        return listed + sum(o.count for o in self.omitted if o.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (``schema_version`` as in the wire format)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "participants": self.participants,
            "loaded": self.loaded,
            "quarantined": list(self.quarantined),
            "counts": self.counts(),
            "problems": [
                {c: _plain(getattr(p, c)) for c in _PROBLEM_COLUMNS} for p in self.problems
            ],
            "omitted": [
                {
                    "table": o.table,
                    "code": o.code.value,
                    "severity": o.severity.value,
                    "count": o.count,
                }
                for o in self.omitted
            ],
            "backend": self.backend,
            "fallbacks": list(self.fallbacks),
        }

    @checked
    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> Any:
        """The problems as a pandas DataFrame, one row per problem (needs ``[pandas]``)."""
        rows = [{c: _plain(getattr(p, c)) for c in _PROBLEM_COLUMNS} for p in self.problems]
        return _frames.frame(rows, _PROBLEM_COLUMNS)

    @checked
    def summary(self, *, lang: Lang = "nl", problems: int = 0) -> str:
        """A few lines for people, in Dutch (the default) or English: the counts, each code
        with its meaning, then the first ``problems`` problems (see
        :meth:`DataProblem.describe`).

        >>> report = ValidationReport(problems=(), participants=2, loaded=2, quarantined=())
        >>> print(report.summary(lang="en"))
        2 participants: 2 loaded, 0 quarantined; 0 errors, 0 warnings
        """
        w = _WORDS[check_lang(lang)]
        lines = [
            w["head"].format(
                n=self.participants,
                loaded=self.loaded,
                quarantined=len(self.quarantined),
                errors=self._severity_count(Severity.ERROR),
                warnings=self._severity_count(Severity.WARNING),
            )
        ]
        lines += [
            f"  {code} ({n}): {Code.of(code).meaning(lang=lang)}"
            for code, n in self.counts().items()
        ]
        lines += [f"  {p.describe(lang=lang)}" for p in self.problems[:problems]]
        if 0 < problems < len(self.problems):
            lines.append("  " + w["more"].format(n=len(self.problems) - problems))
        if self.omitted:
            lines.append(
                w["omitted"].format(
                    n=_thousands(sum(o.count for o in self.omitted), lang),
                    participant=self.limits.per_participant,
                    table=_thousands(self.limits.per_table, lang),
                )
            )
        return "\n".join(lines)


def _thousands(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "nl" else ",")


def _plain(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


class Dataset:
    """What :func:`load` returns: the validation report and the valid records.

    The records are built on demand: :meth:`record` builds one participant's, and the first
    use of :attr:`cohort` (or :attr:`records`) builds them all, once. Until then a loaded
    dataset holds its tables in compact columns (with the columnar backend), so loading a
    large dataset to read its report, or a few participants, costs no more than validating it.
    """

    __slots__ = (
        "_about",
        "_build",
        "_cohort",
        "_columnar",
        "_columns",
        "_ids",
        "_one",
        "report",
    )

    def __init__(
        self,
        *,
        report: ValidationReport,
        cohort: Cohort | None = None,
        build: Callable[[], Cohort] | None = None,
        one: Callable[[str], ParticipantRecord] | None = None,
        ids: Sequence[str] = (),
        columns: Callable[[], Any] | None = None,
        name: str | None = None,
        synthetic: bool = False,
    ) -> None:
        if (cohort is None) == (build is None):
            raise TypeError("a Dataset needs a cohort or a way to build one")
        self.report = report
        self._cohort = cohort
        self._build = build
        self._one = one
        self._ids = {pid: n for n, pid in enumerate(ids)} if build is not None else None
        self._columnar = columns
        self._columns: Any = None
        self._about = (name, synthetic)

    def __len__(self) -> int:
        """How many participants were loaded."""
        return len(self._ids) if self._ids is not None else len(self.cohort)

    @property
    def as_of(self) -> datetime.date:
        """The day the data was drawn (the cohort's ``as_of``), without building the records
        where the columns can tell."""
        if self._cohort is None and importlib.util.find_spec("numpy") is not None:
            found: datetime.date = self._analytics_columns().as_of
            return found
        return self.cohort.as_of

    @property
    def name(self) -> str | None:
        """The cohort's name (see :func:`load`)."""
        return self._cohort.name if self._cohort is not None else self._about[0]

    @property
    def synthetic(self) -> bool:
        """Whether the data is synthetic (the source says so)."""
        return self._cohort.synthetic if self._cohort is not None else self._about[1]

    def _analytics_columns(self) -> Any:
        """The cohort as the columnar analytics read it (needs numpy): read from the loaded
        tables' columns while the records are not built, else from the records; made once."""
        if self._columns is None:
            from piezomethod._columnar_analytics import CohortColumns  # noqa: PLC0415 - numpy

            made = self._columnar() if self._columnar is not None else None
            self._columns = made if made is not None else CohortColumns.from_cohort(self.cohort)
            self._columnar = None
        return self._columns

    def __repr__(self) -> str:
        return f"Dataset(report={self.report!r}, records={self.report.loaded})"

    @property
    def cohort(self) -> Cohort:
        """The cohort of valid records (built on first use)."""
        if self._cohort is None:
            assert self._build is not None
            self._cohort = self._build()
            self._build = self._one = self._columnar = None
        return self._cohort

    @property
    def records(self) -> tuple[ParticipantRecord, ...]:
        """The loaded (valid) records."""
        return self.cohort.records

    @property
    def participant_ids(self) -> tuple[str, ...]:
        """The ids of the loaded participants, in the order of the participants table."""
        if self._ids is not None and self._cohort is None:
            return tuple(self._ids)
        return tuple(r.participant.id for r in self.cohort.records)

    @checked
    def record(self, participant_id: str) -> ParticipantRecord:
        """One loaded participant's record, built now if the cohort is not built yet; a
        ``FieldError`` (``unknown_participant``) for an id that was not loaded (not in the
        data, or quarantined: see the report)."""
        if self._one is not None and self._ids is not None:
            if participant_id in self._ids:
                return self._one(participant_id)
        else:
            for found in self.cohort.records:
                if found.participant.id == participant_id:
                    return found
        raise FieldError(
            "no loaded participant has this id (not in the data, or quarantined)",
            code=Code.UNKNOWN_PARTICIPANT,
            field="participant_id",
        )
