"""Benchmark: validate 1,000,000 events (100,000 participants) in pure Python.

Prints events per second for ``validate_events`` and ``Trajectory.from_events`` under the
method's own policy and the strict example policy, and the process's peak memory. Histories
are generated first (not timed) by a seeded random walk through the phases.

    python benchmarks/bench_trajectories.py [--participants N] [--events-per-participant K]

The target on a 2-core machine is at least 300,000 events per second. Timings are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import resource
import sys
import time

from piezomethod import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    Phase,
    PhaseChange,
    Trajectory,
    TransitionError,
    TransitionPolicy,
    validate_events,
)

DESTINATIONS = list(ExitDestination)


def history(rng: random.Random, size: int) -> list[Event]:
    """A valid history of ``size`` events: entries, every kind of move, exits, re-entries."""
    day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
    phase: Phase | None = None
    events: list[Event] = []
    for _ in range(size):
        day += datetime.timedelta(days=rng.randrange(400))
        if phase is None:
            phase = Phase(rng.choice((0, 1, 1, 1, 2, 3)))
            events.append(Enrolment(date=day, phase=phase))
        elif rng.random() < 0.12:
            events.append(Exit(date=day, destination=rng.choice(DESTINATIONS)))
            phase = None
        else:
            target = Phase(rng.choice([p for p in range(5) if p != phase]))
            reason = "toelichting" if rng.random() < 0.5 else None
            events.append(PhaseChange(date=day, to_phase=target, reason=reason))
            phase = target
    return events


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--events-per-participant", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    start = time.perf_counter()
    histories = [history(rng, args.events_per_participant) for _ in range(args.participants)]
    total = sum(len(h) for h in histories)
    print(f"python {platform.python_version()} on {platform.machine()}")
    took = time.perf_counter() - start
    print(f"generated {args.participants:,} histories, {total:,} events in {took:.2f} s")
    print(f"peak memory after generating: {peak_mib():.0f} MiB")

    for policy in (TransitionPolicy.methodiek(), TransitionPolicy.strict()):
        start = time.perf_counter()
        issues = 0
        for n, events in enumerate(histories):
            issues += len(validate_events(events, policy=policy, participant_id=str(n)))
        elapsed = time.perf_counter() - start
        print(
            f"validate_events  policy={policy.name:<9} {elapsed:6.2f} s  "
            f"{total / elapsed:>10,.0f} events/s  ({issues:,} issues)"
        )

        start = time.perf_counter()
        built = 0
        for n, events in enumerate(histories):
            try:
                Trajectory.from_events(str(n), events, policy=policy)
                built += 1
            except TransitionError:  # refused histories are counted, not fatal
                continue
        elapsed = time.perf_counter() - start
        print(
            f"from_events      policy={policy.name:<9} {elapsed:6.2f} s  "
            f"{total / elapsed:>10,.0f} events/s  ({built:,} accepted)"
        )
    print(f"peak memory (max RSS): {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
