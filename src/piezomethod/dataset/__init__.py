"""Datasets: the canonical tables, loading them into records, and the validation report.

An organisation's participant data lives in canonical tables, as CSV files in one folder
(``participants.csv``, ``events.csv``, ``measurements.csv``, ``goals.csv``,
``placements.csv``, and the coach's work: ``coach_assignments.csv``, ``intakes.csv``,
``contacts.csv``), a workbook, a database, or DataFrames. :func:`load` reads them, checks
every row and every participant's history against the method, and returns a
:class:`Dataset`: the valid
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
>>> dataset.record("syn-000003").participant.id
'syn-000003'

The table formats are in :data:`TABLES` (and as JSON Schemas from
:func:`table_schemas`). Dates are ISO (``2024-03-01``) or Dutch day-first (``1-3-2024``,
``01/03/2024``); nothing else, so that ``03-04-2024`` can never be read as 4 March.

Inside, one private module per concern: ``_schema`` (the tables), ``_report`` (the report),
``_read`` with one module per kind of source (``_text``, ``_frame``), ``_cells`` (the cell
parsers every path shares), ``_loader`` (the reference loader), ``_columnar`` (the columnar
backend, which gives the reference's report from columns) and ``_write``.
"""

from __future__ import annotations

import codecs
import contextvars
import datetime
import enum
import importlib.util
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from piezomethod._checks import checked, to_enum
from piezomethod._compat import deprecated_names
from piezomethod.catalogues import skill_catalogue
from piezomethod.dataset._loader import load_tables
from piezomethod.dataset._names import NameMapping, as_mapping
from piezomethod.dataset._read import Database, Source, open_source
from piezomethod.dataset._report import (
    DataProblem,
    Dataset,
    Omitted,
    ProblemLimits,
    ValidationReport,
)
from piezomethod.dataset._schema import TABLES, Column, Table, table_schemas
from piezomethod.dataset._text import read_tables
from piezomethod.dataset._write import table_rows, to_frames, write_tables
from piezomethod.errors import Code, FieldError
from piezomethod.guidance import GuidancePolicy
from piezomethod.instruments import instrument as builtin_instrument
from piezomethod.instruments import instrument_ids as builtin_instruments
from piezomethod.outcomes import Instrument
from piezomethod.passport import SkillCatalogue
from piezomethod.phases import TransitionPolicy
from piezomethod.records import Cohort, ParticipantRecord

__all__ = [
    "TABLES",
    "Backend",
    "Column",
    "DataProblem",
    "Database",
    "Dataset",
    "NameMapping",
    "Omitted",
    "ProblemLimits",
    "Source",
    "Table",
    "ValidationReport",
    "columnar_available",
    "load",
    "read_tables",
    "table_rows",
    "table_schemas",
    "to_frames",
    "validate",
    "write_tables",
]


class Backend(enum.StrEnum):
    """Which loader reads a dataset: ``python``, the reference, row by row; ``arrow``, the
    columnar one (needs the ``arrow`` extra: pyarrow and numpy). Both make the same report
    and the same records."""

    PYTHON = "python"
    ARROW = "arrow"


def columnar_available() -> bool:
    """True when the columnar backend can run (pyarrow and numpy are installed)."""
    return all(importlib.util.find_spec(name) is not None for name in ("pyarrow", "numpy"))


def _backend(value: Backend | str | None) -> Backend:
    if value is None:
        return Backend.ARROW if columnar_available() else Backend.PYTHON
    chosen = to_enum(Backend, value, "backend")
    if chosen is Backend.ARROW and not columnar_available():
        raise FieldError(
            "the arrow backend needs pyarrow and numpy: pip install 'piezomethod[arrow]'",
            code=Code.NEEDS_EXTRA,
            field="backend",
        )
    return chosen


def _as_of(records: Sequence[ParticipantRecord]) -> datetime.date:
    days = [e.date for r in records for e in r.trajectory.events[-1:]]
    days += [m.date for r in records for m in r.measurements[-1:]]
    today = datetime.date.today()
    # a report is never as of a day still to come: a placeholder such as 9999-12-31 ("no end")
    # must not move the cut-off
    return max((d for d in days if d <= today), default=today)


@checked
def load(
    source: Source,
    *,
    policy: TransitionPolicy | None = None,
    instruments: Iterable[Instrument] | None = None,
    catalogue: SkillCatalogue | None = None,
    as_of: datetime.date | None = None,
    name: str | None = None,
    encoding: str | None = None,
    mapping: NameMapping | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
    guidance_policy: GuidancePolicy | None = None,
    limits: ProblemLimits | None = None,
    backend: Backend | str | None = None,
) -> Dataset:
    """Load and validate a dataset, from wherever it is kept.

    ``source`` is a folder of CSV files or workbooks (one per table), one ``.xlsx`` workbook
    (a sheet per table), a database (a SQLAlchemy engine, a URL such as
    ``sqlite:///data.db`` or ``postgresql+psycopg://…``, or a ``.sqlite`` file), or a mapping
    of table name to a DataFrame (pandas, polars, pyarrow) or a list of row dicts. Tables
    and columns may have their Dutch names (``deelnemers``, ``deelnemer_id``, …) or, with
    ``mapping`` (a :class:`NameMapping`, its dict form, or a TOML file), the organisation's
    own. ``encoding`` is the text encoding of CSV files (default: UTF-8, else Windows-1252
    with a warning). ``progress`` is called with a line per table read. ``guidance_policy`` is
    what the coach's work (coach assignments, intakes, contacts) is checked against (default:
    :class:`~piezomethod.guidance.GuidancePolicy`'s defaults). ``limits``
    (:class:`ProblemLimits`) says how many problems the report keeps in detail, per
    participant (default 100) and per table (default 10,000); the others are counted exactly
    in :attr:`ValidationReport.omitted`. ``backend`` chooses the loader (:class:`Backend`): by
    default the columnar one when pyarrow and numpy are installed, else the reference; both
    give the same report and records, and the report says which ran
    (:attr:`ValidationReport.backend`) and which tables it left to the reference, and why.

    ``policy`` is the transition policy histories are checked against (default: the method's
    own, which allows every move); a policy with ``severity="warning"`` reports its breaches
    without quarantining anyone. ``instruments`` are the questionnaires the measurements may
    use (default: the built-in ones), ``catalogue`` the skills goals and placements may name
    (default: the built-in catalogue). ``as_of``, the day the data was drawn, defaults to the
    latest date in the data that is not after today (a date still to come, such as the
    placeholder 9999-12-31, does not move it).

    A table that cannot be used as a whole (a required column missing, a column twice, not
    UTF-8 text) would leave every record incomplete, so then no participant is loaded: all are
    quarantined. Raises only when the source itself cannot be used (a folder that does not
    exist, a table that is neither a DataFrame nor a list of rows); everything wrong *in* the
    data is in the report.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FieldError(
                "not a text encoding Python knows (e.g. utf-8, cp1252, utf-16)",
                code=Code.UNKNOWN_ENCODING,
                field="encoding",
            ) from None
    names = as_mapping(mapping)
    known = (
        {i.id: i for i in instruments}
        if instruments is not None
        else {i: builtin_instrument(i) for i in builtin_instruments()}
    )
    chosen = _backend(backend)
    opened = open_source(source, mapping=names, encoding=encoding)
    try:
        loaded, report = load_tables(
            opened.tables,
            opened.problems,
            policy=policy or TransitionPolicy.methodiek(),
            instruments=known,
            catalogue=catalogue or skill_catalogue(),
            mapping=names,
            progress=progress,
            guidance_policy=guidance_policy or GuidancePolicy(),
            limits=limits,
            backend=chosen.value,
            build=not _REPORT_ONLY.get(),
        )
    finally:
        opened.close()
    synthetic = opened.provenance.get("synthetic") is True

    def build() -> Cohort:
        records = loaded.all()
        return Cohort(
            records=records, as_of=as_of or _as_of(records), name=name, synthetic=synthetic
        )

    if loaded.built or not loaded.ids:
        return Dataset(cohort=build(), report=report)

    def columns() -> Any:
        """The columns the analytics read, read from the tables (None: from the records)."""
        return loaded.columns(as_of) if loaded.columns is not None else None

    return Dataset(
        report=report,
        build=build,
        one=loaded.one,
        ids=loaded.ids,
        columns=columns,
        name=name,
        synthetic=synthetic,
    )


_REPORT_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("report_only", default=False)


def validate(source: Source, **options: Any) -> ValidationReport:
    """Validate a dataset and return only the report (see :func:`load` for the options); no
    record is built, so it is faster than ``load(source).report``, with the same report."""
    token = _REPORT_ONLY.set(True)
    try:
        return load(source, **options).report
    finally:
        _REPORT_ONLY.reset(token)


__getattr__ = deprecated_names(__name__, {"DataCode": "piezomethod.errors.Code"})
