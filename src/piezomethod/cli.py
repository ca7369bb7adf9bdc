"""The ``piezomethod`` command.

* ``piezomethod demo`` — the phase table, then a small example history validated under the
  method and under a stricter house rule: what the library does, in one screen.
* ``piezomethod phases`` — the five phases with their goals and settings.
* ``piezomethod policy [methodiek|strict|FILE.json] [--mermaid]`` — describe a policy.
* ``piezomethod validate FILE.json [--policy ...] [--json]`` — validate one trajectory file
  (the :func:`~piezomethod.serialization.to_json` format); exit status 1 when it has errors.

All commands take ``--lang nl|en`` (Dutch is the default: it is the method's language).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from piezomethod.errors import Issue, PiezoError
from piezomethod.phases import (
    Enrolment,
    Exit,
    ExitDestination,
    Lang,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    phase_table,
    validate_events,
)
from piezomethod.serialization import from_json

__all__ = ["main"]

_TEXT = {
    "nl": {
        "phase": "fase",
        "setting": "waar",
        "name": "naam",
        "example": "Voorbeeld: een geldige geschiedenis (beleid 'methodiek')",
        "moves": "Bewegingen",
        "stays": "Verblijf per fase",
        "ongoing": "loopt nog",
        "under": "Dezelfde geschiedenis onder beleid",
        "broken": "Een geschiedenis met fouten; alle problemen tegelijk:",
        "clean": "geen problemen",
        "days": "dagen",
    },
    "en": {
        "phase": "phase",
        "setting": "setting",
        "name": "name",
        "example": "Example: a valid history (policy 'methodiek')",
        "moves": "Moves",
        "stays": "Stays per phase",
        "ongoing": "ongoing",
        "under": "The same history under policy",
        "broken": "A history with mistakes; every problem at once:",
        "clean": "no problems",
        "days": "days",
    },
}


def _print_phases(out: TextIO, lang: Lang) -> None:
    t = _TEXT[lang]
    out.write(f"{t['phase']:<5} {t['setting']:<8} {t['name']}\n")
    for info in phase_table():
        out.write(f"{int(info.phase):<5} {info.setting.value:<8} {info.name(lang=lang)}\n")
        out.write(f"{'':<14} {info.goal(lang=lang)}\n")


def _print_issues(out: TextIO, issues: Sequence[Issue], lang: Lang) -> None:
    if not issues:
        out.write(f"  {_TEXT[lang]['clean']}\n")
    for issue in issues:
        where = f"[{issue.index}] " if issue.index is not None else ""
        out.write(f"  {issue.severity.value:<7} {where}{issue.code}: {issue.message}\n")


def _example() -> Trajectory:
    d = datetime.date
    return Trajectory.from_events(
        "voorbeeld-001",
        [
            Enrolment(date=d(2019, 1, 7), phase=Phase.ACTIVITIES, referrer="wijkteam"),
            PhaseChange(date=d(2019, 11, 4), to_phase=Phase.VOLUNTEERING_PARTNER),
            PhaseChange(date=d(2020, 3, 2), to_phase=Phase.VOLUNTEERING_INSIDE),
            Exit(date=d(2021, 6, 1), destination=ExitDestination.PAID_WORK),
            Enrolment(date=d(2023, 2, 1), phase=Phase.ACTIVITIES),
        ],
    )


def _demo(out: TextIO, lang: Lang) -> int:
    t = _TEXT[lang]
    _print_phases(out, lang)
    example = _example()
    out.write(f"\n{t['example']}\n{t['moves']}:\n")
    for move in example.moves():
        a = "-" if move.from_phase is None else int(move.from_phase)
        b = "-" if move.to_phase is None else int(move.to_phase)
        out.write(f"  {move.date}  {a} -> {b}  {move.kind.label(lang=lang)}\n")
    as_of = datetime.date(2024, 1, 1)
    out.write(f"{t['stays']} ({as_of}):\n")
    for stay in example.stays():
        end = stay.end or t["ongoing"]
        days = stay.duration(as_of=as_of).days
        out.write(f"  {t['phase']} {int(stay.phase)}: {stay.start} .. {end} ({days} {t['days']})\n")
    strict = TransitionPolicy.strict()
    out.write(f"\n{t['under']} '{strict.name}':\n")
    _print_issues(out, example.issues(policy=strict), lang)
    broken = [
        PhaseChange(date=datetime.date(2020, 1, 1), to_phase=Phase(2)),
        Enrolment(date=datetime.date(2020, 2, 1), phase=Phase(1)),
        PhaseChange(date=datetime.date(2020, 1, 15), to_phase=Phase(1)),
        Enrolment(date=datetime.date(2020, 3, 1), phase=Phase(2)),
    ]
    out.write(f"\n{t['broken']}\n")
    _print_issues(out, validate_events(broken, participant_id="voorbeeld-002"), lang)
    return 0


def _load_policy(spec: str) -> TransitionPolicy:
    if spec == "methodiek":
        return TransitionPolicy.methodiek()
    if spec == "strict":
        return TransitionPolicy.strict()
    return from_json(TransitionPolicy, Path(spec).read_bytes())


def _validate(out: TextIO, path: str, policy: TransitionPolicy, as_json: bool, lang: Lang) -> int:
    try:
        trajectory = from_json(Trajectory, Path(path).read_bytes())
    except PiezoError as err:
        problems = [str(p) for p in getattr(err, "problems", ())] or [str(err)]
        if as_json:
            json.dump({"valid": False, "code": err.code, "problems": problems}, out, indent=2)
            out.write("\n")
        else:
            out.write(f"{err.code}:\n")
            for problem in problems:
                out.write(f"  {problem}\n")
        return 1
    issues = trajectory.issues(policy=policy)
    errors = [i for i in issues if i.is_error]
    if as_json:
        rows = [
            {"code": i.code, "severity": i.severity.value, "index": i.index, "message": i.message}
            for i in issues
        ]
        json.dump({"valid": not errors, "issues": rows}, out, indent=2)
        out.write("\n")
    else:
        _print_issues(out, issues, lang)
    return 1 if errors else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="piezomethod", description="The PiëzoMethodiek as code and data."
    )
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="phase table and an example history, validated")
    sub.add_parser("phases", help="the five phases")
    pol = sub.add_parser("policy", help="describe a transition policy")
    pol.add_argument("policy", nargs="?", default="methodiek", help="methodiek, strict or a file")
    pol.add_argument("--mermaid", action="store_true", help="print a Mermaid state diagram")
    val = sub.add_parser("validate", help="validate a trajectory JSON file")
    val.add_argument("file")
    val.add_argument("--policy", default="methodiek", help="methodiek, strict or a policy file")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0 fine, 1 invalid data, 2 cannot run)."""
    stream = out or sys.stdout
    args = _parser().parse_args(argv)
    lang: Lang = args.lang
    try:
        if args.command == "demo":
            return _demo(stream, lang)
        if args.command == "phases":
            _print_phases(stream, lang)
            return 0
        if args.command == "policy":
            policy = _load_policy(args.policy)
            text = policy.to_mermaid(lang=lang) if args.mermaid else policy.describe(lang=lang)
            stream.write(text + "\n")
            return 0
        return _validate(stream, args.file, _load_policy(args.policy), args.json, lang)
    except OSError as err:
        sys.stderr.write(f"piezomethod: cannot read {err.filename}: {err.strerror}\n")
        return 2
    except PiezoError as err:
        sys.stderr.write(f"piezomethod: {err}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
