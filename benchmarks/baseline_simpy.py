"""Plain-SimPy baseline for workload W1 (no lambdasim import).

The model a SimPy user would write for one Lambda function under asynchronous load, kept
deliberately plain so that it is a fair yardstick for lambdasim's engine:

- Poisson arrivals, 100 events/s for 10,000 s (about one million events);
- one SimPy process per event;
- a warm pool of execution environments: an idle environment is reused most-recently-used
  first; one idle for longer than the keep-alive (600 s) is gone;
- a cold start, exponential with mean 0.5 s, when no warm environment is free;
- duration exponential with mean 1 s;
- an account concurrency limit of 1,000: an arrival that finds 1,000 in flight is dropped and
  counted (with these numbers, about 100-150 in flight, it never happens);
- no errors, no retries, no records beyond a few counters.

Run ``python benchmarks/baseline_simpy.py`` to print events, wall time, throughput, cold starts,
peak in-flight and the process's peak memory.
"""

from __future__ import annotations

import argparse
import time
from collections import deque

import numpy as np
import simpy

KEEP_ALIVE_S = 600.0
COLD_START_MEAN_S = 0.5
DURATION_MEAN_S = 1.0
CONCURRENCY_LIMIT = 1_000


def run_baseline(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 10_000.0) -> dict:
    """Simulate workload W1 with plain SimPy and return counters and timing.

    Returns a dict with ``events`` (arrivals), ``completed``, ``dropped``, ``cold_starts``,
    ``peak_in_flight``, ``wall_s``, ``cpu_s`` and ``events_per_wall_s``.
    """
    arrivals_rng, cold_rng, duration_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    env = simpy.Environment()
    # Idle environments as the virtual time each became idle. Releases happen in time order, so
    # the deque is sorted: the right end is the most recently used, the left end the stalest.
    idle: deque[float] = deque()
    stats = {"events": 0, "completed": 0, "dropped": 0, "cold_starts": 0, "in_flight": 0, "peak": 0}

    def handle(env: simpy.Environment):
        # Expire environments idle longer than the keep-alive, then take the MRU one if any.
        cutoff = env.now - KEEP_ALIVE_S
        while idle and idle[0] < cutoff:
            idle.popleft()
        if idle:
            idle.pop()
        else:
            stats["cold_starts"] += 1
            yield env.timeout(cold_rng.exponential(COLD_START_MEAN_S))
        yield env.timeout(duration_rng.exponential(DURATION_MEAN_S))
        idle.append(env.now)
        stats["in_flight"] -= 1
        stats["completed"] += 1

    def arrivals(env: simpy.Environment):
        mean_gap = 1.0 / rate_per_s
        while True:
            gap = arrivals_rng.exponential(mean_gap)
            if env.now + gap > sim_seconds:
                return
            yield env.timeout(gap)
            stats["events"] += 1
            if stats["in_flight"] >= CONCURRENCY_LIMIT:
                stats["dropped"] += 1
                continue
            stats["in_flight"] += 1
            if stats["in_flight"] > stats["peak"]:
                stats["peak"] = stats["in_flight"]
            env.process(handle(env))

    env.process(arrivals(env))
    start, cpu = time.perf_counter(), time.process_time()
    env.run()  # until the last accepted event has finished
    wall_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu

    return {
        "events": stats["events"],
        "completed": stats["completed"],
        "dropped": stats["dropped"],
        "cold_starts": stats["cold_starts"],
        "peak_in_flight": stats["peak"],
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "events_per_wall_s": stats["events"] / wall_s if wall_s > 0 else float("inf"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=100.0, help="arrivals per second")
    parser.add_argument("--seconds", type=float, default=10_000.0, help="simulated seconds of arrivals")
    opts = parser.parse_args()

    result = run_baseline(seed=opts.seed, rate_per_s=opts.rate, sim_seconds=opts.seconds)

    try:  # run as a script: benchmarks/ is on sys.path
        from peak_memory import peak_rss_mb
    except ImportError:  # imported as benchmarks.baseline_simpy
        from benchmarks.peak_memory import peak_rss_mb

    for key, value in result.items():
        print(f"{key:>18}: {value:,.2f}" if isinstance(value, float) else f"{key:>18}: {value:,}")
    print(f"{'peak_rss_mb':>18}: {peak_rss_mb():,.1f}")


if __name__ == "__main__":
    main()
