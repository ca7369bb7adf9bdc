"""Benchmark: validate a synthetic dataset from CSV end to end, then run the cohort analytics.

For each size (participants) it generates a synthetic cohort and writes its CSV tables (not
timed), then measures in a fresh process, so that the peak memory is that of the measured work
only:

* ``pyarrow.csv.read_csv`` parsing the same files — the yardstick (the dev extra has pyarrow);
* ``piezomethod.dataset.load``: read, check every row and history, build the records;
* the cohort analytics: entry phases, the transition matrix, time in phase, leaving a phase,
  all phases, three subgroup breakdowns, outcome development and the response rate.

    python benchmarks/bench_datasets.py [--sizes 10000 100000]

Targets (issue 6), on a 2-core machine, for 100,000 participants: load at most 3x the pyarrow
parse; analytics under 5 s; peak memory under 1 GB; cost linear in the number of participants.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyarrow import csv as pacsv

from piezomethod.analytics import (
    all_phases,
    entry_phases,
    leaving_phase,
    outcome_development,
    response_rates,
    subgroups,
    time_in_phase,
    transition_matrix,
)
from piezomethod.dataset import load, write_tables
from piezomethod.synth import synthetic_cohort


def _measure(folder: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path in sorted(folder.glob("*.csv")):
            pacsv.read_csv(path)
        best = min(best, time.perf_counter() - start)
    figures["pyarrow_parse_s"] = best
    start = time.perf_counter()
    dataset = load(folder)
    figures["load_s"] = time.perf_counter() - start
    figures["loaded"] = dataset.report.loaded
    figures["problems"] = len(dataset.report.problems)
    cohort = dataset.cohort
    figures["events"] = sum(len(r.trajectory.events) for r in cohort.records)
    figures["measurements"] = sum(len(r.measurements) for r in cohort.records)
    start = time.perf_counter()
    entry_phases(cohort)
    transition_matrix(cohort)
    time_in_phase(cohort)
    leaving_phase(cohort)
    all_phases(cohort)
    for by in ("age_band", "gender", "statushouder"):
        subgroups(cohort, by)
    outcome_development(cohort)
    response_rates(cohort)
    figures["analytics_s"] = time.perf_counter() - start
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(Path(args.measure))))
        return
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    header = (
        f"{'participants':>12} {'events':>9} {'answers':>10} {'MB':>6} {'pyarrow s':>9} "
        f"{'load s':>7} {'ratio':>6} {'per 1k s':>8} {'analytics s':>11} {'peak MiB':>8}"
    )
    print(header)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            # without guidance, as the earlier figures were measured
            write_tables(synthetic_cohort(n=size, seed=2026, guidance=False), folder)
            megabytes = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
            with (folder / "measurements.csv").open(encoding="utf-8") as handle:
                answers = sum(1 for _ in handle) - 1
            done = subprocess.run(
                [sys.executable, __file__, "--measure", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
        f = json.loads(done.stdout)
        ratio = f["load_s"] / f["pyarrow_parse_s"]
        print(
            f"{size:>12,} {int(f['events']):>9,} {answers:>10,} {megabytes:>6.0f} "
            f"{f['pyarrow_parse_s']:>9.2f} {f['load_s']:>7.2f} {ratio:>6.1f} "
            f"{1000 * f['load_s'] / size:>8.3f} {f['analytics_s']:>11.2f} {f['peak_mib']:>8.0f}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
