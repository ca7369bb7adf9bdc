"""piezomethod: the PiëzoMethodiek as code and data.

The core nouns are re-exported here; each lives in the module named after it
(:mod:`piezomethod.phases`, :mod:`piezomethod.errors`, :mod:`piezomethod.serialization`).

>>> import piezomethod as pm
>>> pm.Phase(1).info.name_nl
'deelname aan activiteiten'
"""

from importlib.metadata import PackageNotFoundError, version

from piezomethod.errors import (
    FieldError,
    FieldTypeError,
    Issue,
    PiezoError,
    PolicyError,
    Problem,
    SchemaVersionError,
    SerializationError,
    Severity,
    TransitionError,
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
    "Enrolment",
    "Episode",
    "Event",
    "Exit",
    "ExitDestination",
    "FieldError",
    "FieldTypeError",
    "Issue",
    "IssueCode",
    "Move",
    "MoveKind",
    "Phase",
    "PhaseChange",
    "PhaseInfo",
    "PiezoError",
    "PolicyError",
    "Problem",
    "SchemaVersionError",
    "SerializationError",
    "Setting",
    "Severity",
    "Stay",
    "Trajectory",
    "TransitionError",
    "TransitionPolicy",
    "__version__",
    "classify_move",
    "from_dict",
    "from_json",
    "phase_table",
    "to_dict",
    "to_json",
    "validate_events",
]
