"""piezomethod: the PiëzoMethodiek as code and data.

The core nouns are re-exported here; each lives in the module named after it
(:mod:`piezomethod.phases`, :mod:`piezomethod.outcomes`, :mod:`piezomethod.instruments`,
:mod:`piezomethod.errors`, :mod:`piezomethod.serialization`). :mod:`piezomethod.fhir` and
:mod:`piezomethod.strategies` need their extras and are imported on their own.

>>> import piezomethod as pm
>>> pm.Phase(1).info.name_nl
'deelname aan activiteiten'
"""

from importlib.metadata import PackageNotFoundError, version

from piezomethod.errors import (
    FieldError,
    FieldTypeError,
    InstrumentError,
    Issue,
    PiezoError,
    PolicyError,
    Problem,
    SchemaVersionError,
    ScoringError,
    SerializationError,
    Severity,
    TransitionError,
)
from piezomethod.instruments import instrument, instrument_schema, instruments, load_instrument
from piezomethod.outcomes import (
    ComplianceReport,
    DueMeasurement,
    Instrument,
    Measurement,
    MeasurementMoment,
    MeasurementStatus,
    MeasurementWindows,
    Response,
    ScaleScore,
    ScoreSheet,
    change,
    compliance,
    schedule,
    score,
)
from piezomethod.phases import (
    Enrolment,
    Episode,
    Event,
    Exit,
    ExitDestination,
    IssueCode,
    Move,
    MoveKind,
    Phase,
    PhaseChange,
    PhaseInfo,
    Setting,
    Stay,
    Trajectory,
    TransitionPolicy,
    classify_move,
    phase_table,
    validate_events,
)
from piezomethod.serialization import SCHEMA_VERSION, from_dict, from_json, to_dict, to_json

try:
    __version__ = version("piezomethod")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "SCHEMA_VERSION",
    "ComplianceReport",
    "DueMeasurement",
    "Enrolment",
    "Episode",
    "Event",
    "Exit",
    "ExitDestination",
    "FieldError",
    "FieldTypeError",
    "Instrument",
    "InstrumentError",
    "Issue",
    "IssueCode",
    "Measurement",
    "MeasurementMoment",
    "MeasurementStatus",
    "MeasurementWindows",
    "Move",
    "MoveKind",
    "Phase",
    "PhaseChange",
    "PhaseInfo",
    "PiezoError",
    "PolicyError",
    "Problem",
    "Response",
    "ScaleScore",
    "SchemaVersionError",
    "ScoreSheet",
    "ScoringError",
    "SerializationError",
    "Setting",
    "Severity",
    "Stay",
    "Trajectory",
    "TransitionError",
    "TransitionPolicy",
    "__version__",
    "change",
    "classify_move",
    "compliance",
    "from_dict",
    "from_json",
    "instrument",
    "instrument_schema",
    "instruments",
    "load_instrument",
    "phase_table",
    "schedule",
    "score",
    "to_dict",
    "to_json",
    "validate_events",
]
