"""The ``piezomethod`` command.

* ``piezomethod demo`` — the phase table, then a small example history validated under the
  method and under a stricter house rule: what the library does, in one screen.
* ``piezomethod phases`` — the five phases with their goals and settings.
* ``piezomethod policy [methodiek|strict|FILE.json] [--mermaid]`` — describe a policy.
* ``piezomethod report [SOURCE] [-o report.html] [--suppress [K]] [--instrument ID]`` —
  validate a dataset (default: the built-in synthetic cohort), compute the analytics and
  write one HTML report; exit status 1, and no report, when no participant could be loaded.
* ``piezomethod validate SOURCE|FILE.json [--policy ...] [--json]`` — validate a dataset, or
  one trajectory file (the :func:`~piezomethod.serialization.to_json` format); exit status 1
  when there are errors.
* ``piezomethod synth [-n N] [--seed S] -o DIR|FILE.xlsx|FILE.sqlite|URL`` — write a
  synthetic cohort as tables.
* ``piezomethod schema -o DIR`` — write the JSON Schemas of the wire format and the tables, and
  the tables' Data Package descriptor.

A dataset SOURCE is a folder of CSV files or workbooks, one ``.xlsx`` workbook, a SQLite file
or a database URL (``sqlite:///data.db``, ``postgresql+psycopg://…``); ``--encoding`` names the
CSV files' encoding and ``--mapping FILE.toml`` the organisation's own table and column names.
* ``piezomethod instruments`` — the built-in questionnaires.

All commands take ``--lang nl|en`` (Dutch is the default: it is the method's language).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from piezomethod._i18n import Lang
from piezomethod.dataset import NameMapping, load, table_schemas, write_tables
from piezomethod.dataset._package import PACKAGE_FILE, data_package
from piezomethod.dataset._read import is_url
from piezomethod.errors import Issue, PiezoError
from piezomethod.instruments import instrument, instrument_ids, instrument_schema
from piezomethod.phases import (
    Enrolment,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionPolicy,
    phase_table,
    validate_events,
)
from piezomethod.report import write_report
from piezomethod.serialization import from_json, read_file, wire_schemas
from piezomethod.synth import SynthParameters, synthetic_cohort

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
        "nothing": "geen enkele deelnemer ingelezen: geen rapport geschreven",
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
        "nothing": "no participant could be loaded: no report written",
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
        # in Dutch the meaning of the code; in English the detailed message
        text = issue.code.meaning(lang="nl") if lang == "nl" else issue.message
        severity = issue.severity.label(lang=lang)
        out.write(f"  {severity:<12} {where}{issue.code}: {text}\n")


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


class _CannotWriteError(Exception):
    """A file the command writes could not be written (the message says which and why)."""


@contextlib.contextmanager
def _writing(path: object) -> Iterator[None]:
    """Turn an OSError while writing ``path`` into a message that says so."""
    try:
        yield
    except OSError as err:
        raise _CannotWriteError(f"cannot write {path}: {err.strerror or err}") from None


def _load_policy(spec: str) -> TransitionPolicy:
    if spec == "methodiek":
        return TransitionPolicy.methodiek()
    if spec == "strict":
        return TransitionPolicy.strict()
    return from_json(TransitionPolicy, read_file(Path(spec)))


def _validate(out: TextIO, path: str, policy: TransitionPolicy, as_json: bool, lang: Lang) -> int:
    text = read_file(Path(path))  # a file that cannot be read is exit status 2, not invalid data
    try:
        trajectory = from_json(Trajectory, text)
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


def _is_record_file(path: str) -> bool:
    """True for a trajectory JSON file (everything else is a dataset source)."""
    return not is_url(path) and Path(path).suffix.lower() == ".json"


def _load(args: argparse.Namespace, policy: TransitionPolicy) -> Any:
    mapping = NameMapping.read(args.mapping) if args.mapping else None
    source = args.source
    _progress(f"loading {source if not is_url(source) else source.partition('://')[0]}")
    return load(source, policy=policy, encoding=args.encoding, mapping=mapping, progress=_progress)


def _validate_dataset(
    out: TextIO, args: argparse.Namespace, policy: TransitionPolicy, as_json: bool, lang: Lang
) -> int:
    report = _load(args, policy).report
    if as_json:
        out.write(report.to_json() + "\n")
    else:
        out.write(report.summary(lang=lang, problems=_SHOWN) + "\n")
    return 0 if report.ok else 1


_SHOWN = 50


def _progress(word: str) -> None:
    sys.stderr.write(f"piezomethod: {word}\n")
    sys.stderr.flush()


def _report(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    policy = _load_policy(args.policy)
    report = None
    if args.source is None:
        _progress(f"synthetic cohort n={args.n} seed={args.seed}")
        params = SynthParameters(instruments=(args.instrument,))
        cohort = synthetic_cohort(n=args.n, seed=args.seed, params=params)
    else:
        # the dataset itself: its analytics count on its columns, no record is built
        cohort = dataset = _load(args, policy)
        report = dataset.report
        if report.loaded == 0:
            # an empty report would look like a result: say what was wrong instead
            sys.stderr.write(report.summary(lang=lang, problems=_SHOWN) + "\n")
            sys.stderr.write(f"piezomethod: {_TEXT[lang]['nothing']}\n")
            return 1
    with _writing(args.output):
        path = write_report(
            args.output,
            cohort,
            report=report,
            lang=lang,
            suppress=args.suppress,
            progress=_progress,
            instrument=args.instrument,
        )
    out.write(f"{path}\n")
    return 0


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    cohort = synthetic_cohort(n=args.n, seed=args.seed)
    about = {"generator": "piezomethod.synth.synthetic_cohort", "n": args.n, "seed": args.seed}
    with _writing(args.output):
        paths = write_tables(cohort, args.output, provenance=about)
    for path in paths:
        out.write(f"{path}\n")
    if not paths:
        out.write(f"{args.output.partition('://')[0]}\n")
    return 0


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.output)
    schemas = {f"table-{name}": schema for name, schema in table_schemas().items()}
    schemas |= wire_schemas()
    schemas["instrument"] = instrument_schema()
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    documents = {f"{name}.schema.json": schema for name, schema in sorted(schemas.items())}
    documents[PACKAGE_FILE] = data_package()
    for name, schema in documents.items():
        path = folder / name
        with _writing(path):
            text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            path.write_text(text, encoding="utf-8")
        out.write(f"{path}\n")
    return 0


def _instruments(out: TextIO, lang: Lang) -> int:
    for instrument_id in instrument_ids():
        ins = instrument(instrument_id)
        title = ins.title.get(lang=lang)
        out.write(f"{ins.id:<28} {ins.version:<6} {len(ins.items):>3} items  {title}\n")
    return 0


_SOURCE_HELP = "a folder of CSV files or workbooks, an .xlsx workbook, a .sqlite file or a URL"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="piezomethod", description="The PiëzoMethodiek as code and data."
    )
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", choices=["nl", "en"], default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="phase table and an example history, validated", parents=[lang])
    sub.add_parser("phases", help="the five phases", parents=[lang])
    pol = sub.add_parser("policy", help="describe a transition policy", parents=[lang])
    pol.add_argument("policy", nargs="?", default="methodiek", help="methodiek, strict or a file")
    pol.add_argument("--mermaid", action="store_true", help="print a Mermaid state diagram")
    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--encoding", default=None, help="the CSV files' encoding")
    reading.add_argument("--mapping", default=None, help="a TOML file of table and column names")
    val = sub.add_parser(
        "validate", help="validate a dataset or a trajectory JSON file", parents=[lang, reading]
    )
    val.add_argument("source", help=_SOURCE_HELP + ", or a trajectory JSON file")
    val.add_argument("--policy", default="methodiek", help="methodiek, strict or a policy file")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    rep = sub.add_parser(
        "report", help="write the HTML report on a dataset", parents=[lang, reading]
    )
    rep.add_argument("source", nargs="?", help=_SOURCE_HELP + " (default: synthetic)")
    rep.add_argument("-o", "--output", default="report.html", help="the HTML file to write")
    rep.add_argument(
        "--suppress",
        type=int,
        nargs="?",
        const=10,
        default=None,
        metavar="K",
        help="protect small counts: below K as <K, the rest rounded to 5 (K defaults to 10)",
    )
    rep.add_argument(
        "--instrument",
        choices=instrument_ids(),
        default="piezo-effectmeting",
        help="the questionnaire whose outcomes are shown (default: the method's own)",
    )
    rep.add_argument("--policy", default="methodiek", help="methodiek, strict or a policy file")
    rep.add_argument("-n", type=int, default=2000, help="size of the synthetic cohort")
    rep.add_argument("--seed", type=int, default=0, help="seed of the synthetic cohort")
    syn = sub.add_parser("synth", help="write a synthetic cohort as tables", parents=[lang])
    syn.add_argument("-n", type=int, default=1000, help="participants")
    syn.add_argument("--seed", type=int, default=0)
    syn.add_argument(
        "-o", "--output", required=True, help="a folder, an .xlsx or .sqlite file, or a URL"
    )
    sch = sub.add_parser("schema", help="write the JSON Schemas", parents=[lang])
    sch.add_argument("-o", "--output", required=True, help="the folder to write")
    sub.add_parser("instruments", help="the built-in questionnaires", parents=[lang])
    return parser


_SIGPIPE_STATUS = 141  # 128 + SIGPIPE, what a shell reports for a tool a closed pipe stopped


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0 fine, 1 invalid data, 2 cannot run, 141
    the reader of the output went away)."""
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
        if args.command == "validate":
            policy = _load_policy(args.policy)
            if _is_record_file(args.source):
                return _validate(stream, args.source, policy, args.json, lang)
            return _validate_dataset(stream, args, policy, args.json, lang)
        if args.command == "report":
            return _report(args, stream, lang)
        if args.command == "synth":
            return _synth(args, stream)
        if args.command == "schema":
            return _schema(args, stream)
        return _instruments(stream, lang)
    except _CannotWriteError as err:
        sys.stderr.write(f"piezomethod: {err}\n")
        return 2
    except BrokenPipeError:
        # the reader went away (``piezomethod demo | head``): stop quietly, as a Unix tool
        # killed by SIGPIPE does; stdout goes to devnull so the exit's flush fails no more
        if stream is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return _SIGPIPE_STATUS
    except OSError as err:
        where = f"cannot read {err.filename}" if err.filename is not None else "cannot run"
        sys.stderr.write(f"piezomethod: {where}: {err.strerror or err}\n")
        return 2
    except PiezoError as err:
        sys.stderr.write(f"piezomethod: {err}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
