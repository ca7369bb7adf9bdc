"""Cell parsers: text from a table cell to a value, or a ``BadCellError`` (private).

These are the one definition of what a cell may hold; every reader and every fast path uses
them, so no path can accept what another refuses. Dates are ISO (``2024-03-01``) or Dutch
day-first (``1-3-2024``, ``01/03/2024``, ``1.3.2024``), never month-first; a time of
midnight after the day (``07-01-2019 00:00``, as Excel writes a date) is allowed, any other time
is not, so that a moment is never silently cut to its day.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from piezomethod.dataset._schema import BOOLEAN, EVENT_TYPES, GENDER, GUIDE_ROLES
from piezomethod.errors import Code
from piezomethod.guidance import ContactKind, DomainStatus, ReferralOutcome
from piezomethod.outcomes import MeasurementMoment
from piezomethod.passport import GoalStatus, PlacementKind
from piezomethod.phases import ExitDestination, Phase


class BadCellError(Exception):
    """A cell parser refused a cell: the code and a message that never holds the cell."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_MIDNIGHT = re.compile(r"([^\sT]+)(?:[ T]0?0:00(?::00(?:\.0+)?)?)")
_BAD_DATE = "not a date: use YYYY-MM-DD or day-first DD-MM-YYYY"


@functools.lru_cache(maxsize=1 << 16)
def date_of(text: str) -> datetime.date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    midnight = _MIDNIGHT.fullmatch(text)
    if midnight is not None:
        return date_of(midnight.group(1))
    match = _DUTCH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> datetime.date:
    found = date_of(text)
    if found is None:
        raise BadCellError(Code.INVALID_DATE, _BAD_DATE)
    return found


_PHASES = {str(int(p)): p for p in Phase}


def parse_phase(text: str) -> Phase:
    found = _PHASES.get(text)
    if found is None:
        raise BadCellError(Code.UNKNOWN_PHASE, "not a phase: use 0, 1, 2, 3 or 4")
    return found


def parse_int(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise BadCellError(Code.INVALID_VALUE, "not a whole number")
    return int(text)


def parse_number(text: str) -> float:
    try:
        value = float(text.replace(",", ".")) if text.count(",") <= 1 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadCellError(Code.INVALID_VALUE, "not a number")
    return value


def same_version(text: str, known: str) -> bool:
    """True when a version cell is ``known``, also after a spreadsheet turned it into a number
    (``0,1`` or ``0.1`` for ``0.1``, ``1`` for ``1.0``): one instrument has one known version,
    so a number equal to it cannot stand for another."""
    if text == known:
        return True
    try:
        return parse_number(text) == float(known)
    except (BadCellError, ValueError):
        return False


def parse_bool(text: str) -> bool:
    found = BOOLEAN.get(text.lower())
    if found is None:
        raise BadCellError(Code.INVALID_VALUE, "not true or false")
    return found


def _code_parser(values: Mapping[str, Any], what: str) -> Callable[[str], Any]:
    allowed = ", ".join(dict.fromkeys(str(v) for v in values.values()))

    def parse(text: str) -> Any:
        found = values.get(text.lower())
        if found is None:
            raise BadCellError(Code.INVALID_VALUE, f"not a valid {what}: use {allowed}")
        return found

    return parse


parse_gender = _code_parser(GENDER, "gender")
parse_type = _code_parser({t: t for t in EVENT_TYPES}, "event type")
parse_destination = _code_parser({m.value: m for m in ExitDestination}, "destination")
parse_moment = _code_parser({m.value: m for m in MeasurementMoment}, "moment")
parse_status = _code_parser({m.value: m for m in GoalStatus}, "goal status")
parse_kind = _code_parser({m.value: m for m in PlacementKind}, "placement kind")
parse_role = _code_parser({r: r for r in GUIDE_ROLES}, "role")
parse_contact_kind = _code_parser({m.value: m for m in ContactKind}, "contact kind")
parse_domain_status = _code_parser({m.value: m for m in DomainStatus}, "domain status")
parse_referral_outcome = _code_parser({m.value: m for m in ReferralOutcome}, "referral outcome")


def split(text: str) -> tuple[str, ...]:
    """The parts of a ``|``-separated cell, stripped, empty parts left out."""
    return tuple(part.strip() for part in text.split("|") if part.strip())
