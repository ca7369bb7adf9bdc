"""Writing records as the canonical tables: row dicts, CSV files, DataFrames (private)."""

from __future__ import annotations

import csv
import datetime
import enum
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from piezomethod import _frames
from piezomethod._checks import checked
from piezomethod.dataset._schema import TABLE_BY_NAME, TABLES, Table
from piezomethod.phases import Enrolment, PhaseChange
from piezomethod.records import Cohort, ParticipantRecord


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


@checked
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
            row = dict.fromkeys(TABLE_BY_NAME["events"].column_names, "")
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


@checked
def write_tables(
    records: Iterable[ParticipantRecord] | Cohort, folder: str | os.PathLike[str]
) -> list[Path]:
    """Write the canonical tables of ``records`` as CSV files (UTF-8, comma, ISO dates) into
    ``folder`` (created if needed), and return their paths."""
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in table_rows(records).items():
        table = TABLE_BY_NAME[name]
        path = base / f"{name}.csv"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_header(table, rows), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


@checked
def to_frames(records: Iterable[ParticipantRecord] | Cohort) -> dict[str, Any]:
    """The canonical tables as pandas DataFrames of strings (needs the ``[pandas]`` extra);
    :func:`load` reads them back."""
    return {
        name: _frames.frame(rows, _header(TABLE_BY_NAME[name], rows))
        for name, rows in table_rows(records).items()
    }
