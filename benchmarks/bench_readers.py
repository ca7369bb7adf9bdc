"""Benchmark: every reader on the same synthetic dataset, in rows per second.

For each size it writes one synthetic cohort as: CSV files (UTF-8, as ``write_tables`` writes
them); the same files as Dutch Excel saves them (Windows-1252, ``;``, CRLF, Dutch table and
column names, so the encoding is guessed and the names resolved); a SQLite database; pandas
and polars DataFrames (read from the CSV files by those libraries, typed as they guess); and,
at sizes an ``.xlsx`` sheet can hold, a workbook. Writing is not timed. Each reader then runs
``dataset.load`` in a fresh process, so that the peak memory (``VmHWM``, the process's own
high-water mark, not ``ru_maxrss``, which Linux carries over ``fork``+``exec``) is that of the
measured work only. The yardstick, in the same run, is the bare ``pyarrow.csv.read_csv`` of the
CSV files.

    python benchmarks/bench_readers.py [--sizes 10000 100000] [--xlsx-max 10000]

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from piezomethod.dataset import TABLES, load, write_tables
from piezomethod.dataset._names import COLUMN_ALIASES, TABLE_ALIASES
from piezomethod.synth import synthetic_cohort


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _source(kind: str, folder: Path) -> Any:
    if kind == "csv":
        return folder / "csv"
    if kind == "csv-dutch-excel":
        return folder / "dutch"
    if kind == "sqlite":
        return folder / "data.sqlite"
    if kind == "xlsx":
        return folder / "data.xlsx"
    names = [t.name for t in TABLES]
    if kind == "pandas":
        import pandas as pd  # noqa: PLC0415 - only the child that measures it

        return {n: pd.read_csv(folder / "csv" / f"{n}.csv", keep_default_na=True) for n in names}
    if kind == "polars":
        import polars as pl  # noqa: PLC0415 - only the child that measures it

        return {
            n: pl.read_csv(folder / "csv" / f"{n}.csv", infer_schema_length=10_000) for n in names
        }
    raise ValueError(kind)


def _measure(kind: str, folder: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    if kind == "pyarrow":
        from pyarrow import csv as pacsv  # noqa: PLC0415 - only the child that measures it

        start = time.perf_counter()
        for path in sorted((folder / "csv").glob("*.csv")):
            pacsv.read_csv(path)
        figures["seconds"] = time.perf_counter() - start
    else:
        source = _source(kind, folder)  # a frame is built before the clock starts
        start = time.perf_counter()
        dataset = load(source)
        figures["seconds"] = time.perf_counter() - start
        figures["loaded"] = dataset.report.loaded
        figures["problems"] = len(dataset.report.problems)
    figures["peak_mib"] = _peak_mib()
    return figures


def _dutch_excel(source: Path, target: Path) -> None:
    """The CSV files as Dutch Excel saves them: cp1252, ';', CRLF, Dutch names."""
    target.mkdir()
    for table in TABLES:
        with (source / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        aliases = COLUMN_ALIASES[table.name]
        rows[0] = [(aliases.get(h) or (h,))[0] for h in rows[0]]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        dutch = TABLE_ALIASES[table.name][0]
        (target / f"{dutch}.csv").write_bytes(buffer.getvalue().encode("cp1252"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--xlsx-max", type=int, default=10_000)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(
        f"{'participants':>12} {'reader':<16} {'rows':>10} {'seconds':>8} {'rows/s':>10} "
        f"{'x parse':>8} {'peak MiB':>8}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            cohort = synthetic_cohort(n=size, seed=2026, guidance=False)
            write_tables(cohort, folder / "csv")
            _dutch_excel(folder / "csv", folder / "dutch")
            write_tables(cohort, folder / "data.sqlite")
            kinds = ["pyarrow", "csv", "csv-dutch-excel", "sqlite", "pandas", "polars"]
            if size <= args.xlsx_max:
                write_tables(cohort, folder / "data.xlsx")
                kinds.append("xlsx")
            del cohort
            rows = 0
            for path in (folder / "csv").glob("*.csv"):
                with path.open(encoding="utf-8") as handle:
                    rows += sum(1 for _ in handle) - 1
            parse = float("nan")
            for kind in kinds:
                done = subprocess.run(
                    [sys.executable, __file__, "--measure", kind, str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                f = json.loads(done.stdout)
                if kind == "pyarrow":
                    parse = f["seconds"]
                print(
                    f"{size:>12,} {kind:<16} {rows:>10,} {f['seconds']:>8.2f} "
                    f"{rows / f['seconds']:>10,.0f} {f['seconds'] / parse:>8.1f} "
                    f"{f['peak_mib']:>8.0f}"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
