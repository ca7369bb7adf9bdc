"""The Frictionless Data Package descriptor of the tables (private).

``datapackage.json`` describes each CSV table with a Table Schema — its fields, their types,
which are required, the allowed codes, primary and foreign keys — so that the ``frictionless``
tools (and anything else that reads Data Packages) can check the structure of the tables
without this library. The rules of the method (histories, scales, skills) are not in it:
:func:`~piezomethod.dataset.validate` checks those. The descriptor also carries where the data
comes from (``piezomethod.synthetic``, the generator and its seed), so a report made from the
folder says when the data is synthetic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from piezomethod.dataset._schema import GENDER, TABLE_BY_NAME, TABLES, Column
from piezomethod.phases import Phase

PACKAGE_FILE = "datapackage.json"
PROVENANCE_KEY = "piezomethod"

_TYPES = {"date": "date", "integer": "integer", "phase": "integer", "number": "number"}
_KEYS: Mapping[str, tuple[str, ...]] = {
    "participants": ("participant_id",),
    "measurements": (
        "participant_id",
        "moment",
        "date",
        "instrument",
        "instrument_version",
        "item",
    ),
    "goals": ("participant_id", "goal_id"),
    "placements": ("participant_id", "placement_id"),
}


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": _TYPES.get(column.kind, "boolean" if column.kind == "boolean" else "string"),
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    elif column.kind == "phase":
        constraints |= {"minimum": int(min(Phase)), "maximum": int(max(Phase))}
    elif column.name == "gender":
        constraints["enum"] = sorted({g.value for g in GENDER.values()})
    elif column.values:
        constraints["enum"] = list(column.values)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(name: str, header: Sequence[str] | None = None) -> dict[str, Any]:
    """The Table Schema of one table (``header``: the columns as written, extras as text)."""
    table = TABLE_BY_NAME[name]
    columns = {c.name: c for c in table.columns}
    names = list(header) if header is not None else list(columns)
    schema: dict[str, Any] = {
        "fields": [
            _field(columns[h]) if h in columns else {"name": h, "type": "string"} for h in names
        ],
        "missingValues": [""],
    }
    if name in _KEYS:
        schema["primaryKey"] = list(_KEYS[name])
    if name != "participants":
        schema["foreignKeys"] = [
            {
                "fields": "participant_id",
                "reference": {"resource": "participants", "fields": "participant_id"},
            }
        ]
    return schema


def data_package(
    headers: Mapping[str, Sequence[str]] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Data Package descriptor of the five tables as CSV files (UTF-8, comma)."""
    from piezomethod import __version__  # noqa: PLC0415 - the package imports this module

    resources = [
        {
            "name": t.name,
            "path": f"{t.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": t.description,
            "schema": table_schema(t.name, (headers or {}).get(t.name)),
        }
        for t in TABLES
        if headers is None or t.name in headers
    ]
    descriptor: dict[str, Any] = {
        "name": "piezomethod-dataset",
        "title": "PiëzoMethodiek participant data",
        "profile": "tabular-data-package",
        "resources": resources,
    }
    descriptor[PROVENANCE_KEY] = {"library_version": __version__, **(provenance or {})}
    return descriptor


def read_provenance(folder: Path) -> dict[str, Any]:
    """The provenance a ``datapackage.json`` in ``folder`` carries ({} if none or unreadable)."""
    path = folder / PACKAGE_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or not isinstance(found.get(PROVENANCE_KEY), dict):
        return {}
    return dict(found[PROVENANCE_KEY])
