"""Writing records as the canonical tables: row dicts, CSV files with their Data Package
descriptor, an ``.xlsx`` workbook, a database, DataFrames (private)."""

from __future__ import annotations

import csv
import datetime
import enum
import importlib
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from piezomethod import _frames
from piezomethod._checks import checked
from piezomethod._compat import renamed_keywords
from piezomethod.dataset._package import PACKAGE_FILE, PROVENANCE_KEY, data_package
from piezomethod.dataset._read import DATABASE_SUFFIXES, WORKBOOK_SUFFIXES, Database, is_url
from piezomethod.dataset._schema import TABLE_BY_NAME, TABLES, Table
from piezomethod.errors import Code, FieldError
from piezomethod.guidance import Guidance
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
def table_rows(
    records: Iterable[ParticipantRecord] | Cohort, *, free_text: bool = False
) -> dict[str, list[dict[str, str]]]:
    """The canonical tables of ``records`` as lists of row dicts (every value a string).

    The tables hold what :func:`load` reads back: participants (with their open attributes as
    extra columns), events, measurements, goals, placements, and the coach's work (coach
    assignments and buddies, the intake's life domains, contacts). The participant's and the
    coach's own words in the guidance (the intake's wishes, talents and expectations, a
    contact's next steps) are written only with ``free_text=True``. Talents, goal evidence and
    notes, placement tasks, celebrations, intake facts and consents have no table: use the JSON
    wire format for whole records.
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
        if record.guidance is not None:
            _guidance_rows(tables, pid, record.guidance, free_text)
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


def _guidance_rows(
    tables: dict[str, list[dict[str, str]]], pid: str, guidance: Guidance, free_text: bool
) -> None:
    def words(values: Sequence[str]) -> str:
        return "|".join(values) if free_text else ""

    for c in guidance.coaches:
        role = "co_coach" if c.co_coach else "coach"
        row = {"role": role, "coach_id": c.coach_id, "start": _iso(c.start), "end": _iso(c.end)}
        tables["coach_assignments"].append({"participant_id": pid, **row})
    for b in guidance.buddies:
        row = {"role": "buddy", "coach_id": b.buddy_id, "start": _iso(b.start), "end": _iso(b.end)}
        tables["coach_assignments"].append({"participant_id": pid, **row})
    intake = guidance.intake
    if intake is not None:
        said = {
            "wishes": words(intake.wishes),
            "talents": words(intake.talents),
            "expectations": words(intake.expectations),
        }
        domains = intake.domains or (None,)
        for n, d in enumerate(domains):
            tables["intakes"].append(
                {
                    "participant_id": pid,
                    "date": _iso(intake.date),
                    "domain_id": "" if d is None else d.domain_id,
                    "status": "" if d is None else d.status.value,
                }
                | (said if n == 0 else dict.fromkeys(said, ""))
            )
    for contact in guidance.contacts:
        referral = contact.referral
        tables["contacts"].append(
            {
                "participant_id": pid,
                "date": _iso(contact.date),
                "kind": contact.kind.value,
                "roles": "|".join(sorted(r.value for r in contact.roles)),
                "domains": "|".join(contact.domains),
                "goals": "|".join(contact.goals),
                "referral_to": "" if referral is None else referral.to,
                "referral_domain": "" if referral is None else referral.domain_id,
                "referral_outcome": _text(None if referral is None else referral.outcome),
                "referral_outcome_date": _iso(None if referral is None else referral.outcome_date),
                "decides_change_on": _iso(contact.decides_change_on),
                "next_steps": (contact.next_steps or "") if free_text else "",
            }
        )


def _header(table: Table, rows: Sequence[Mapping[str, str]]) -> list[str]:
    header = list(table.column_names)
    for row in rows:
        header += [k for k in row if k not in header]
    return header


_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def guard(text: str) -> str:
    """A cell as written to a file a spreadsheet opens: a ``'`` before a cell that a
    spreadsheet would take for a formula (one starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return, as OWASP advises against CSV injection) — and before one that already
    starts with ``'`` and such a character, so that the reader's
    :func:`._loader.unguard` gives back exactly what was written."""
    return "'" + text if _FORMULA.match(text) else text


def _provenance(
    records: Iterable[ParticipantRecord] | Cohort, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    found: dict[str, Any] = {"synthetic": False}
    if isinstance(records, Cohort):
        found = {"synthetic": records.synthetic}
        if records.name is not None:
            found["name"] = records.name
    return found | dict(given or {})


def _write_csv(
    tables: Mapping[str, list[dict[str, str]]], base: Path, provenance: Mapping[str, Any]
) -> list[Path]:
    base.mkdir(parents=True, exist_ok=True)
    paths = []
    headers = {}
    for name, rows in tables.items():
        header = headers[name] = _header(TABLE_BY_NAME[name], rows)
        path = base / f"{name}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([guard(row.get(h, "")) for h in header] for row in rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    package = base / PACKAGE_FILE
    descriptor = data_package(headers, provenance)
    package.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return [*paths, package]


def _typed(kind: str, text: str) -> object:
    """A cell's text as the typed value a workbook or database stores."""
    if text == "":
        return None
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind in ("integer", "phase"):
        return int(text)
    if kind == "boolean":
        return text == "true"
    if kind == "number":
        return float(text)
    return text


def typed_rows(
    name: str, header: Sequence[str], rows: Sequence[Mapping[str, str]]
) -> Iterable[list[object]]:
    """The rows of a table with typed cells, in ``header`` order."""
    kinds = [TABLE_BY_NAME[name].kind_of(h) for h in header]
    for row in rows:
        yield [_typed(k, row.get(h, "")) for k, h in zip(kinds, header, strict=True)]


def _write_workbook(
    tables: Mapping[str, list[dict[str, str]]], path: Path, provenance: Mapping[str, Any]
) -> list[Path]:
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError:
        raise FieldError(
            "writing a workbook needs piezomethod[excel]", code=Code.NEEDS_EXTRA, field="target"
        ) from None
    from piezomethod.dataset._workbook import MAX_ROWS  # noqa: PLC0415 - a reader module

    longest = max(tables, key=lambda name: len(tables[name]))
    if len(tables[longest]) + 1 > MAX_ROWS:
        raise FieldError(
            f"the {longest} table has more rows than an .xlsx sheet holds ({MAX_ROWS:,}): "
            "write CSV files or a database",
            code=Code.TOO_LARGE,
            field="target",
        )
    cell_class = importlib.import_module("openpyxl.cell").WriteOnlyCell
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.description = json.dumps({PROVENANCE_KEY: provenance})
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        header = _header(TABLE_BY_NAME[name], rows)
        sheet.append(header)
        for values in typed_rows(name, header, rows):
            cells = []
            for value in values:
                found = cell_class(sheet, value=value)
                if isinstance(value, str):
                    found.data_type = "s"  # text, never a formula, whatever it starts with
                elif isinstance(value, datetime.date):
                    found.number_format = "yyyy-mm-dd"
                cells.append(found)
            sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return [path]


@renamed_keywords(folder="target")
@checked
def write_tables(
    records: Iterable[ParticipantRecord] | Cohort,
    target: str | os.PathLike[str] | Database,
    *,
    provenance: Mapping[str, Any] | None = None,
    free_text: bool = False,
) -> list[Path]:
    """Write the canonical tables of ``records`` where :func:`load` reads them back.

    ``target`` is a folder (CSV files: UTF-8, comma, ISO dates, and a ``datapackage.json``
    describing them), an ``.xlsx`` file (a sheet per table, typed cells; needs ``[excel]``),
    or a database: a ``.sqlite`` file, a URL or a SQLAlchemy engine (typed columns, in one
    transaction, into tables that do not exist yet; needs ``[sql]``). A text cell that a
    spreadsheet would take for a formula is written with a leading ``'`` in CSV files (the
    reader removes it). ``provenance`` is added to what the descriptor says about where the
    data comes from (a synthetic cohort says so by itself). The guidance's free text is written
    only with ``free_text=True`` (see :func:`table_rows`). Returns the paths written (for a
    database, none).
    """
    tables = table_rows(records, free_text=free_text)
    about = _provenance(records, provenance)
    if isinstance(target, Database) or (isinstance(target, str) and is_url(target)):
        return _write_database(tables, target, about)
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return _write_workbook(tables, path, about)
    if suffix in DATABASE_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_database(tables, f"sqlite:///{path}", about)
        return [path]
    return _write_csv(tables, path, about)


def _write_database(
    tables: Mapping[str, list[dict[str, str]]], target: Any, provenance: Mapping[str, Any]
) -> list[Path]:
    from piezomethod.dataset import _sql  # noqa: PLC0415 - it needs the [sql] extra

    headers = {name: _header(TABLE_BY_NAME[name], rows) for name, rows in tables.items()}
    _sql.write_database(tables, headers, target, provenance)
    return []


@checked
def to_frames(records: Iterable[ParticipantRecord] | Cohort) -> dict[str, Any]:
    """The canonical tables as pandas DataFrames of strings (needs the ``[pandas]`` extra);
    :func:`load` reads them back."""
    return {
        name: _frames.frame(rows, _header(TABLE_BY_NAME[name], rows))
        for name, rows in table_rows(records).items()
    }
