"""piezomethod: the PiëzoMethodiek as code and data.

The rule for this namespace: the top level holds the nouns a newcomer needs to work with the
method — the phases and trajectories, the questionnaires and their scoring, the development
passport, consent, participant records, the errors and the wire format. Everything else is
reached from the module named after its noun (:mod:`piezomethod.mechanisms`,
:mod:`piezomethod.dataset`, :mod:`piezomethod.analytics`, :mod:`piezomethod.report`,
:mod:`piezomethod.render`, :mod:`piezomethod.synth`, :mod:`piezomethod.fhir`,
:mod:`piezomethod.strategies`, ...). No name here shares a name with a submodule, so
``import piezomethod.mechanisms as m`` always gives the module; a submodule is imported on
first use as an attribute (``piezomethod.dataset.load``).

>>> import piezomethod as pm
>>> pm.Phase(1).info.name_nl
'deelname aan activiteiten'
>>> pm.mechanisms.Level.PARTICIPANT.value
'participant'
"""

import importlib as _importlib
import importlib.metadata as _metadata
import warnings as _warnings

from piezomethod.catalogues import skill_catalogue
from piezomethod.consent import Consent, DataCategory, may_share, portfolio
from piezomethod.errors import (
    Code,
    ConsentError,
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
from piezomethod.instruments import instrument, instrument_ids, load_instrument
from piezomethod.outcomes import (
    Instrument,
    Measurement,
    MeasurementMoment,
    Response,
    ScoreSheet,
    compliance,
    schedule,
    score,
)
from piezomethod.passport import (
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    GoalStatus,
    Placement,
    PlacementKind,
    SkillCatalogue,
    Talent,
    validate_passport,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    MoveKind,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    validate_events,
)
from piezomethod.records import (
    Cohort,
    Gender,
    Participant,
    ParticipantRecord,
    pseudonymise,
    validate_record,
)
from piezomethod.serialization import SCHEMA_VERSION, from_dict, from_json, to_dict, to_json

try:
    __version__ = _metadata.version("piezomethod")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "SCHEMA_VERSION",
    "Code",
    "Cohort",
    "Consent",
    "ConsentError",
    "DataCategory",
    "DevelopmentGoal",
    "DevelopmentPassport",
    "Enrolment",
    "Event",
    "Evidence",
    "Exit",
    "ExitDestination",
    "FieldError",
    "FieldTypeError",
    "Gender",
    "GoalStatus",
    "Instrument",
    "InstrumentError",
    "Issue",
    "Measurement",
    "MeasurementMoment",
    "MoveKind",
    "Participant",
    "ParticipantRecord",
    "Phase",
    "PhaseChange",
    "PiezoError",
    "Placement",
    "PlacementKind",
    "PolicyError",
    "Problem",
    "Response",
    "SchemaVersionError",
    "ScoreSheet",
    "ScoringError",
    "SerializationError",
    "Severity",
    "SkillCatalogue",
    "Talent",
    "Trajectory",
    "TransitionError",
    "TransitionPolicy",
    "__version__",
    "compliance",
    "from_dict",
    "from_json",
    "instrument",
    "instrument_ids",
    "load_instrument",
    "may_share",
    "portfolio",
    "pseudonymise",
    "schedule",
    "score",
    "skill_catalogue",
    "to_dict",
    "to_json",
    "validate_events",
    "validate_passport",
    "validate_record",
]

_SUBMODULES = (
    "analytics",
    "caseload",
    "catalogues",
    "cli",
    "consent",
    "dataset",
    "errors",
    "fhir",
    "guidance",
    "instruments",
    "mechanisms",
    "outcomes",
    "passport",
    "phases",
    "records",
    "render",
    "report",
    "serialization",
    "strategies",
    "synth",
)
"""The public submodules; each is reached as an attribute, imported on first use."""

# Names that left the top level in this release, still found here for one more release, with a
# warning:
# old name -> the module that holds it now (and its new name there, if it was renamed).
_MOVED = {
    "Answer": ("mechanisms", "Answer"),
    "Assessment": ("mechanisms", "Assessment"),
    "ItemAnswer": ("mechanisms", "ItemAnswer"),
    "Level": ("mechanisms", "Level"),
    "Mechanism": ("mechanisms", "Mechanism"),
    "MechanismFramework": ("mechanisms", "MechanismFramework"),
    "check_assessment": ("mechanisms", "check_assessment"),
    "coverage": ("mechanisms", "coverage"),
    "evaluate": ("mechanisms", "evaluate"),
    "team_overview": ("mechanisms", "team_overview"),
    "mechanism_framework": ("catalogues", "mechanism_framework"),
    "load_skill_catalogue": ("catalogues", "load_skill_catalogue"),
    "checklist_html": ("render", "checklist_html"),
    "checklist_markdown": ("render", "checklist_markdown"),
    "portfolio_html": ("render", "portfolio_html"),
    "portfolio_markdown": ("render", "portfolio_markdown"),
    "ComplianceReport": ("outcomes", "ComplianceReport"),
    "DueMeasurement": ("outcomes", "DueMeasurement"),
    "MeasurementStatus": ("outcomes", "MeasurementStatus"),
    "MeasurementWindows": ("outcomes", "MeasurementWindows"),
    "ScaleScore": ("outcomes", "ScaleScore"),
    "change": ("outcomes", "change"),
    "instrument_schema": ("instruments", "instrument_schema"),
    "Celebration": ("passport", "Celebration"),
    "Milestone": ("passport", "Milestone"),
    "milestones_from": ("passport", "milestones_from"),
    "Disclosure": ("consent", "Disclosure"),
    "Portfolio": ("consent", "Portfolio"),
    "pseudonym": ("consent", "pseudonym"),
    "Episode": ("phases", "Episode"),
    "Move": ("phases", "Move"),
    "Stay": ("phases", "Stay"),
    "PhaseInfo": ("phases", "PhaseInfo"),
    "Setting": ("phases", "Setting"),
    "classify_move": ("phases", "classify_move"),
    "phase_table": ("phases", "phase_table"),
    "IssueCode": ("errors", "Code"),
}


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    moved = _MOVED.get(name)
    if moved is not None:
        module, new = moved
        _warnings.warn(
            f"piezomethod.{name} is deprecated at the top level; use piezomethod.{module}.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_importlib.import_module(f"{__name__}.{module}"), new)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
