"""Benchmark: validate and load a synthetic dataset from CSV, then run the report's analytics.

For each size (participants) a child process writes the synthetic CSV tables, in chunks of at
most 50,000 participants with disjoint ids (``synthetic_cohort(first=...)``), so that no process
ever holds a large cohort. Then every measured step runs in a fresh process started from this
small parent, three rounds each, and the medians are printed:

* ``parse``: ``pyarrow.csv.read_csv`` of the same files — the yardstick, in the same run
  (pyarrow imported before the clock starts, as it is for the columnar backend);
* ``validate``: ``piezomethod.dataset.validate`` (the report only), per backend;
* ``load``: ``piezomethod.dataset.load`` (the report, records available), per backend — the
  reference builds every record, the columnar backend builds them on demand;
* ``records``: ``load(...).cohort`` — every record built (the load itself not counted);
* ``analytics``: every analytics function the report calls (timed after the load, which is
  not counted): with the columnar backend on the loaded dataset, counted on its columns
  without building a record (reading the columns from the loaded tables is counted); with the
  reference on the cohort of records, record by record (building the records is not counted).

Peak memory is each step's own: ``VmHWM`` from ``/proc/self/status`` of its process (not
``ru_maxrss``, which Linux carries over ``fork`` and ``exec`` from a large parent).

    python benchmarks/bench_datasets.py [--sizes 10000 100000] [--big] [--rounds 3]

``--big`` adds 1,000,000 participants (the pure-Python backend is left out there unless
``--backends`` names it: it takes minutes per round). Targets (issue 15), on a 2-core
machine: validate at most 3x the parse, load at most 5x at 100k, analytics under 1 s at 100k;
the pure-Python path at most 15x. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHUNK = 50_000
BACKENDS = ("python", "arrow")


def _peak_mib() -> float:
    """This process's own peak resident memory (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


def _generate(size: int, folder: Path) -> None:
    """Write the tables of ``size`` synthetic participants, chunk by chunk."""
    from piezomethod.dataset import write_tables  # noqa: PLC0415
    from piezomethod.synth import synthetic_cohort  # noqa: PLC0415

    for number, first in enumerate(range(1, size + 1, CHUNK)):
        n = min(CHUNK, size - first + 1)
        # without the coach's guidance, as the earlier figures were measured
        cohort = synthetic_cohort(n=n, seed=2026 + number, guidance=False, first=first)
        with tempfile.TemporaryDirectory() as tmp:
            write_tables(cohort, Path(tmp))
            for table in Path(tmp).glob("*.csv"):
                target = folder / table.name
                with table.open(encoding="utf-8", newline="") as source:
                    header = source.readline()
                    with target.open("a", encoding="utf-8", newline="") as out:
                        if number == 0:
                            out.write(header)
                        shutil.copyfileobj(source, out)
        del cohort


def _step(step: str, folder: Path, backend: str = "arrow") -> dict[str, Any]:
    """Run one step in this (fresh) process; its seconds and its own peak memory."""
    found: dict[str, Any] = {}
    if step == "parse":
        from pyarrow import csv as pacsv  # noqa: PLC0415

        start = time.perf_counter()
        rows = sum(pacsv.read_csv(path).num_rows for path in sorted(folder.glob("*.csv")))
        found["seconds"] = time.perf_counter() - start
        found["rows"] = rows
    elif step in ("validate", "load", "records"):
        from piezomethod.dataset import load, validate  # noqa: PLC0415

        if backend == "arrow":
            # imported before the clock starts, as the yardstick imports pyarrow before its own
            import piezomethod.dataset._columnar  # noqa: F401, PLC0415

        start = time.perf_counter()
        if step == "validate":
            report = validate(folder, backend=backend)
        else:
            dataset = load(folder, backend=backend)
            report = dataset.report
            if step == "records":
                start = time.perf_counter()
                found["records"] = len(dataset.cohort.records)
        found["seconds"] = time.perf_counter() - start
        found["problems"] = report.total
        found["loaded"] = report.loaded
        found["backend"] = report.backend
    else:
        from piezomethod import analytics as a  # noqa: PLC0415
        from piezomethod.dataset import load  # noqa: PLC0415

        dataset = load(folder, backend=backend)
        # the columnar backend's analytics count on the loaded dataset's columns (reading them
        # is timed); the reference's on the records, built before the clock starts
        cohort: Any = dataset if backend == "arrow" else dataset.cohort
        start = time.perf_counter()
        a.entry_phases(cohort)
        a.transition_matrix(cohort)
        a.time_in_phase(cohort)
        a.leaving_phase(cohort)
        a.all_phases(cohort)
        for by in ("age_band", "gender", "statushouder"):
            a.subgroups(cohort, by)
        a.outcome_development(cohort)
        a.distance_travelled(cohort)
        a.response_rates(cohort)
        found["seconds"] = time.perf_counter() - start
    found["peak_mib"] = _peak_mib()
    return found


def _run(step: str, folder: Path, backend: str = "arrow") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, str(folder), backend],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--big", action="store_true", help="also 1,000,000 participants")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=None)
    parser.add_argument(
        "--skip", nargs="+", choices=("records", "analytics"), default=[], help="steps not run"
    )
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step[0], Path(args.step[1]), args.step[2])))
        return
    if args.generate:
        _generate(int(args.generate[0]), Path(args.generate[1]))
        return
    sizes = [*args.sizes, *([1_000_000] if args.big else [])]
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; "
        f"medians of {args.rounds} rounds, each step in a fresh process"
    )
    print(
        f"{'participants':>12} {'answers':>10} {'MB':>5} {'parse s':>7} {'backend':>7} "
        f"{'validate s':>10} {'x':>5} {'load s':>7} {'x':>5} {'load/1k s':>9} "
        f"{'records s':>9} {'analytics s':>11} "
        f"{'peak MiB parse/validate/load/records/analytics':>46}"
    )
    for size in sizes:
        backends = args.backends or (["arrow"] if size >= 1_000_000 else list(BACKENDS))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            subprocess.run([sys.executable, __file__, "--generate", str(size), tmp], check=True)
            megabytes = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
            with (folder / "measurements.csv").open(encoding="utf-8") as handle:
                answers = sum(1 for _ in handle) - 1
            parse = [_run("parse", folder) for _ in range(args.rounds)]
            for backend in backends:
                rounds = {
                    step: (
                        [_run(step, folder, backend) for _ in range(args.rounds)]
                        if step not in args.skip
                        else [{"seconds": float("nan"), "peak_mib": float("nan")}]
                    )
                    for step in ("validate", "load", "records", "analytics")
                }
                rounds["parse"] = parse
                _print(size, answers, megabytes, backend, rounds)


def _print(
    size: int, answers: int, megabytes: float, backend: str, rounds: dict[str, list[Any]]
) -> None:
    seconds = {s: statistics.median(r["seconds"] for r in found) for s, found in rounds.items()}
    peaks = {s: statistics.median(r["peak_mib"] for r in found) for s, found in rounds.items()}
    assert all(r["backend"] == backend for r in rounds["validate"])  # what ran is what is named
    parse = seconds["parse"]
    steps = ("parse", "validate", "load", "records", "analytics")
    peak = "/".join(f"{peaks[s]:.0f}" for s in steps)
    print(
        f"{size:>12,} {answers:>10,} {megabytes:>5.0f} {parse:>7.2f} {backend:>7} "
        f"{seconds['validate']:>10.2f} {seconds['validate'] / parse:>5.1f} "
        f"{seconds['load']:>7.2f} {seconds['load'] / parse:>5.1f} "
        f"{1000 * seconds['load'] / size:>9.3f} {seconds['records']:>9.2f} "
        f"{seconds['analytics']:>11.2f} {peak:>46}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
