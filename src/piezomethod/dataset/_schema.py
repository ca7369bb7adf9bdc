"""The canonical tables: their columns, vocabularies and JSON Schemas (private)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from piezomethod._checks import fields
from piezomethod.guidance import ContactKind, DomainStatus
from piezomethod.outcomes import MeasurementMoment
from piezomethod.passport import GoalStatus, PlacementKind
from piezomethod.phases import ExitDestination
from piezomethod.records import Gender


@attrs.frozen(kw_only=True, field_transformer=fields)
class Column:
    """One column of a canonical table. ``values`` lists the allowed codes, if closed."""

    name: str
    description: str
    required: bool = False
    kind: str = "text"
    """``text``, ``date``, ``integer``, ``number``, ``boolean``, ``phase`` or ``code``."""
    values: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, field_transformer=fields)
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

    def kind_of(self, name: str) -> str:
        """The kind of column ``name`` (``text`` for a column the table does not define)."""
        return next((c.kind for c in self.columns if c.name == name), "text")


def _codes(cls: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in cls)


PID = Column(name="participant_id", description="the participant's id", required=True)
EVENT_TYPES = ("enrolment", "phase_change", "exit")
GUIDE_ROLES = ("coach", "co_coach", "buddy")
FREE_TEXT_COLUMNS = frozenset({"wishes", "talents", "expectations", "next_steps"})
"""Columns of the participant's or the coach's own words: written only when asked."""
BOOLEAN = {"true": True, "false": False, "ja": True, "nee": False, "yes": True, "no": False}
BOOLEAN |= {"1": True, "0": False, "j": True, "n": False, "y": True}
# what Dutch Excel writes for TRUE and FALSE
BOOLEAN |= {"waar": True, "onwaar": False}
GENDER = {m.value: m for m in Gender} | {
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
            PID,
            Column(name="birth_year", description="year of birth", kind="integer"),
            Column(
                name="gender",
                description="woman, man, other or unknown (Dutch vrouw/man/anders/onbekend too)",
                kind="code",
                values=_codes(Gender),
            ),
            Column(
                name="statushouder",
                description=(
                    "refugee with a residence permit: true/false (ja/nee, waar/onwaar, 1/0 too)"
                ),
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
            PID,
            Column(name="date", description="the day it happened", required=True, kind="date"),
            Column(
                name="type",
                description="enrolment, phase_change or exit",
                required=True,
                kind="code",
                values=EVENT_TYPES,
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
            PID,
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
            PID,
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
            PID,
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
    Table(
        name="coach_assignments",
        description=(
            "Who guides the participant from when to when: a coach, a co-coach, or a buddy "
            "(maatje), by a pseudonymous id or a role, never a name."
        ),
        required=False,
        columns=(
            PID,
            Column(
                name="role",
                description="coach, co_coach or buddy",
                required=True,
                kind="code",
                values=GUIDE_ROLES,
            ),
            Column(name="coach_id", description="the coach's or buddy's id", required=True),
            Column(name="start", description="first day", required=True, kind="date"),
            Column(name="end", description="last day, if ended", kind="date"),
        ),
    ),
    Table(
        name="intakes",
        description=(
            "The intake: one row per life domain mapped (all rows of a participant share the "
            "intake's date); the participant's own words only when written on request."
        ),
        required=False,
        columns=(
            PID,
            Column(name="date", description="the day of the intake", required=True, kind="date"),
            Column(name="domain_id", description="a life domain's id"),
            Column(
                name="status",
                description="no_concern, needs_attention, addressed or referred",
                kind="code",
                values=_codes(DomainStatus),
            ),
            Column(name="wishes", description="wishes, separated by '|' (free text)"),
            Column(name="talents", description="talents, separated by '|' (free text)"),
            Column(name="expectations", description="expectations, separated by '|' (free text)"),
        ),
    ),
    Table(
        name="contacts",
        description="Guidance contacts, one row per contact.",
        required=False,
        columns=(
            PID,
            Column(name="date", description="the day of the contact", required=True, kind="date"),
            Column(
                name="kind",
                description="the kind of contact",
                required=True,
                kind="code",
                values=_codes(ContactKind),
            ),
            Column(name="roles", description="who took part (roles), separated by '|'"),
            Column(name="domains", description="life domains touched, separated by '|'"),
            Column(name="goals", description="goal ids touched, separated by '|'"),
            Column(name="referral_to", description="a referral: to which organisation or role"),
            Column(name="referral_domain", description="a referral: for which life domain"),
            Column(
                name="referral_outcome",
                description="started, completed, declined or not_possible",
                kind="code",
                values=("started", "completed", "declined", "not_possible"),
            ),
            Column(
                name="referral_outcome_date", description="when the outcome was known", kind="date"
            ),
            Column(
                name="decides_change_on",
                description="a talk: the day of the phase change it decided",
                kind="date",
            ),
            Column(name="next_steps", description="next steps (the coach's free text)"),
        ),
    ),
)
TABLE_BY_NAME: Mapping[str, Table] = {t.name: t for t in TABLES}


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
                prop["enum"] = ["", *sorted(BOOLEAN)]
            elif column.kind == "code" and column.name == "gender":
                prop["enum"] = ["", *sorted(GENDER)]
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
