"""Benchmark: do the loaders' time and memory grow linearly with hostile input?

Three inputs a fuzzing harness found slow, each at three sizes, each run in a fresh process
whose own peak memory (``VmHWM``) is read:

* ``instrument``: an instrument with N items, all in one scale (``load_instrument``);
* ``record``: a JSON participant record with N events that all break the phase model
  (``serialization.from_json``, refused with a ``TransitionError``-based error);
* ``garbage``: a participants CSV of N random lines (``dataset.validate``).

    python benchmarks/bench_limits.py [--scale 1]

Per size it prints the seconds, the seconds per 1,000 units and the peak MiB. Linear growth
shows as a steady cost per 1,000. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = {"instrument": (10_000, 30_000, 100_000), "record": (10_000, 30_000, 100_000)}
SIZES["garbage"] = (100_000, 300_000, 1_000_000)


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


def _text(nl: str = "t") -> dict[str, str]:
    return {"nl": nl, "en": nl}


def _instrument(n: int) -> str:
    options = [{"code": c, "label": _text(), "value": c} for c in (0, 1)]
    return json.dumps(
        {
            "schema_version": 2,
            "id": "big",
            "version": "1",
            "title": _text(),
            "source": "s",
            "licence": "l",
            "reconstructed": False,
            "response_scales": [{"id": "yn", "options": options}],
            "items": [
                {"id": f"i{k}", "text": _text(), "domain": "health", "response_scale": "yn"}
                for k in range(n)
            ],
            "scales": [
                {"id": "s", "label": _text(), "items": [{"item": f"i{k}"} for k in range(n)]}
            ],
        }
    )


def _record(n: int) -> str:
    events = [{"type": "enrolment", "date": "2020-01-06", "phase": 1}]
    # each a move to the phase the participant is already in: one error per event
    events += [{"type": "phase_change", "date": "2020-02-01", "to_phase": 1}] * n
    return json.dumps(
        {
            "schema_version": 2,
            "participant": {"participant_id": "p-1"},
            "trajectory": {"participant_id": "p-1", "events": events},
        }
    )


def _garbage(n: int, folder: Path) -> None:
    rng = random.Random(n)
    alphabet = "abcdefghij0123456789,;\"' -é€"
    lines = ["participant_id,birth_year,gender"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(n)]
    (folder / "participants.csv").write_text("\n".join(lines), encoding="utf-8")
    (folder / "events.csv").write_text("participant_id,date,type,phase\n", encoding="utf-8")


def _step(kind: str, n: int) -> dict[str, Any]:
    from piezomethod.errors import PiezoError  # noqa: PLC0415

    found: dict[str, Any] = {}
    if kind == "instrument":
        from piezomethod.instruments import load_instrument  # noqa: PLC0415

        text = _instrument(n)
        start = time.perf_counter()
        load_instrument(text)
    elif kind == "record":
        from piezomethod.records import ParticipantRecord  # noqa: PLC0415
        from piezomethod.serialization import from_json  # noqa: PLC0415

        text = _record(n)
        start = time.perf_counter()
        try:
            from_json(ParticipantRecord, text)
        except PiezoError as error:
            found["problems"] = len(getattr(error, "problems", ()))
    else:
        from piezomethod.dataset import validate  # noqa: PLC0415

        with tempfile.TemporaryDirectory() as tmp:
            _garbage(n, Path(tmp))
            start = time.perf_counter()
            report = validate(tmp)
            found["problems"] = report.total
            found["listed"] = len(report.problems)
    found["seconds"] = time.perf_counter() - start
    found["peak_mib"] = _peak_mib()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step[0], int(args.step[1]))))
        return
    print(f"{'input':>10} {'size':>10} {'seconds':>8} {'s per 1k':>9} {'peak MiB':>9}  details")
    for kind, sizes in SIZES.items():
        for n in sizes:
            done = subprocess.run(
                [sys.executable, __file__, "--step", kind, str(n)],
                check=True,
                capture_output=True,
                text=True,
            )
            f = json.loads(done.stdout)
            details = {k: v for k, v in f.items() if k not in ("seconds", "peak_mib")}
            print(
                f"{kind:>10} {n:>10,} {f['seconds']:>8.2f} {1000 * f['seconds'] / n:>9.4f} "
                f"{f['peak_mib']:>9.0f}  {details or ''}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
