"""Table and column names: the canonical English names, their Dutch aliases, and a user's
own mapping (private; the public class is :class:`NameMapping`).

Every reader resolves the names it finds here, so a file ``Deelnemers.csv``, a sheet
``deelnemers`` and a database view ``deelnemers`` are all the participants table, and a column
``Deelnemer ID`` is ``participant_id``. Names are compared case-insensitively, with
surrounding spaces ignored and inner spaces and hyphens read as underscores.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from piezomethod._checks import fields, frozen_mapping
from piezomethod.dataset._schema import TABLE_BY_NAME, TABLES
from piezomethod.errors import Code, FieldError

TABLE_ALIASES: Mapping[str, tuple[str, ...]] = {
    "participants": ("deelnemers",),
    "events": ("gebeurtenissen",),
    "measurements": ("metingen",),
    "goals": ("doelen", "ontwikkeldoelen"),
    "placements": ("plaatsingen",),
    "coach_assignments": ("begeleiders", "begeleiding"),
    "intakes": ("intakegesprekken",),
    "contacts": ("contacten", "begeleidingscontacten"),
}
"""Per canonical table, its Dutch names."""

COLUMN_ALIASES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "participants": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "birth_year": ("geboortejaar",),
        "gender": ("geslacht",),
        "statushouder": (),
        "municipality": ("gemeente",),
        "organisation": ("organisatie",),
        "referrer": ("verwijzer",),
    },
    "events": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "date": ("datum",),
        "type": ("soort",),
        "phase": ("fase",),
        "destination": ("bestemming",),
        "reason": ("reden",),
        "referrer": ("verwijzer",),
    },
    "measurements": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "moment": ("meetmoment",),
        "date": ("datum",),
        "instrument": ("vragenlijst",),
        "item": ("vraag",),
        "answer": ("antwoord",),
        "instrument_version": ("versie", "vragenlijst_versie"),
    },
    "goals": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "goal_id": ("doel_id",),
        "skill_id": ("vaardigheid_id", "vaardigheid"),
        "phase": ("fase",),
        "set_on": ("gesteld_op", "datum_gesteld"),
        "status": (),
        "achieved_on": ("behaald_op", "datum_behaald"),
    },
    "placements": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "placement_id": ("plaatsing_id",),
        "kind": ("soort",),
        "organisation": ("organisatie",),
        "phase": ("fase",),
        "start": ("begin", "startdatum"),
        "end": ("einde", "einddatum"),
        "hours_per_week": ("uren_per_week",),
        "skills": ("vaardigheden",),
    },
    "coach_assignments": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "role": ("rol",),
        "coach_id": ("begeleider_id", "begeleider"),
        "start": ("begin", "startdatum"),
        "end": ("einde", "einddatum"),
    },
    "intakes": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "date": ("datum",),
        "domain_id": ("levensdomein", "domein"),
        "status": (),
        "wishes": ("wensen",),
        "talents": ("talenten",),
        "expectations": ("verwachtingen",),
    },
    "contacts": {
        "participant_id": ("deelnemer_id", "deelnemernummer"),
        "date": ("datum",),
        "kind": ("soort",),
        "roles": ("rollen", "aanwezig"),
        "domains": ("levensdomeinen", "domeinen"),
        "goals": ("doelen",),
        "referral_to": ("verwezen_naar",),
        "referral_domain": ("verwezen_voor",),
        "referral_outcome": ("uitkomst_verwijzing",),
        "referral_outcome_date": ("datum_uitkomst",),
        "decides_change_on": ("besluit_faseovergang",),
        "next_steps": ("vervolgstappen",),
    },
}
"""Per canonical table, per canonical column, its Dutch names."""


def normal(name: object) -> str:
    """A name as compared: lower case, no surrounding spaces, spaces and hyphens as ``_``."""
    text = str(name).strip().lower()
    return "_".join(text.replace("-", " ").split())


def _mapping_error(message: str) -> FieldError:
    return FieldError(message, code=Code.INVALID_MAPPING, field="mapping")


def _names(value: object, what: str, allowed: Mapping[str, Any]) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise _mapping_error(f"{what} must be a table of 'their name = canonical name'")
    found: dict[str, str] = {}
    for theirs, canonical in value.items():
        if not isinstance(theirs, str) or not isinstance(canonical, str):
            raise _mapping_error(f"{what}: names must be text")
        if canonical not in allowed:
            raise _mapping_error(f"{what}: not a canonical name; use one of {', '.join(allowed)}")
        found[normal(theirs)] = canonical
    return frozen_mapping(found)


@attrs.frozen(kw_only=True, field_transformer=fields)
class NameMapping:
    """An organisation's own table and column names, mapped to the canonical ones.

    ``tables`` maps their table (file, sheet or database table) names to canonical table names;
    ``columns`` maps, per canonical table, their column names to canonical column names;
    ``queries`` gives, per canonical table, an SQL query whose result is that table (databases
    only). In a TOML file::

        [tables]
        "Cliënten" = "participants"

        [columns.participants]
        "Clientnummer" = "participant_id"

        [queries]
        events = "SELECT client AS participant_id, datum AS date, ... FROM trajecten"

    Their names are compared like the built-in aliases (case, spaces and hyphens ignored); a
    mapped name wins over an alias.

    >>> m = NameMapping.from_dict({"tables": {"Cliënten": "participants"}})
    >>> m.table("cliënten")
    'participants'
    """

    tables: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    columns: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, converter=frozen_mapping)
    queries: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NameMapping:
        """A mapping from its dict form (the TOML file's tables), checked."""
        if not isinstance(data, Mapping):
            raise _mapping_error("a mapping must be a table with [tables] and [columns.<table>]")
        unknown = set(data) - {"tables", "columns", "queries"}
        if unknown:
            raise _mapping_error("only [tables], [columns.<table>] and [queries] are read")
        tables = _names(data.get("tables", {}), "[tables]", TABLE_BY_NAME)
        raw_columns = data.get("columns", {})
        if not isinstance(raw_columns, Mapping):
            raise _mapping_error("[columns] must hold one [columns.<table>] section per table")
        columns: dict[str, Mapping[str, str]] = {}
        for table, names in raw_columns.items():
            canonical = tables.get(normal(table)) or resolve_table(str(table))
            if canonical is None:
                raise _mapping_error("[columns.<table>]: not a table name")
            allowed = dict.fromkeys(TABLE_BY_NAME[canonical].column_names)
            columns[canonical] = _names(names, f"[columns.{canonical}]", allowed)
        queries = data.get("queries", {})
        if not isinstance(queries, Mapping) or not all(
            isinstance(q, str) and resolve_table(str(t)) == t for t, q in queries.items()
        ):
            raise _mapping_error('[queries]: one canonical table name = "SQL text" per table')
        return cls(tables=tables, columns=columns, queries=dict(queries))

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> NameMapping:
        """A mapping from a TOML file."""
        from piezomethod.serialization import read_file  # noqa: PLC0415 - a heavy module

        text = read_file(Path(path))
        try:
            data = tomllib.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise _mapping_error(f"not a TOML file ({type(err).__name__})") from None
        return cls.from_dict(data)

    def table(self, name: str) -> str | None:
        """The canonical table ``name`` stands for, or None."""
        key = normal(name)
        mapped = next((v for k, v in self.tables.items() if normal(k) == key), None)
        return mapped or resolve_table(name)

    def column(self, table: str, name: str) -> str | None:
        """The canonical column of ``table`` that ``name`` stands for, or None."""
        key = normal(name)
        own = self.columns.get(table, {})
        mapped = next((v for k, v in own.items() if normal(k) == key), None)
        return mapped or _COLUMNS[table].get(key)


_TABLES = {normal(t.name): t.name for t in TABLES} | {
    normal(alias): table for table, aliases in TABLE_ALIASES.items() for alias in aliases
}
_COLUMNS = {
    table: {normal(c): c for c in columns}
    | {normal(a): c for c, aliases in columns.items() for a in aliases}
    for table, columns in COLUMN_ALIASES.items()
}
NO_MAPPING = NameMapping()


def resolve_table(name: str) -> str | None:
    """The canonical table a name stands for by itself or as a Dutch alias, or None."""
    return _TABLES.get(normal(name))


def as_mapping(
    value: NameMapping | Mapping[str, Any] | str | os.PathLike[str] | None,
) -> NameMapping:
    """``mapping=`` as given: a NameMapping, its dict form, a TOML file, or None."""
    if value is None:
        return NO_MAPPING
    if isinstance(value, NameMapping):
        return value
    if isinstance(value, Mapping):
        return NameMapping.from_dict(value)
    return NameMapping.read(value)


def alias_rows() -> list[tuple[str, str, str]]:
    """(table, canonical column or '', Dutch aliases) for the docs' alias table."""
    rows: list[tuple[str, str, str]] = []
    for table in TABLES:
        rows.append((table.name, "", ", ".join(TABLE_ALIASES[table.name])))
        aliases = COLUMN_ALIASES[table.name]
        rows += [(table.name, c, ", ".join(aliases[c])) for c in table.column_names]
    return rows
