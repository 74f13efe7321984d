"""A 40-run sweep, serially and on a 2-worker Dask LocalCluster, in the same script (issue 13).

The sweep: W1's shape (Poisson arrivals, exponential durations and cold starts, keep-alive 600 s) at
100 events/s for ``--seconds`` (150 s: about 15,000 events a run), four reserved concurrencies × ten
replications = 40 runs, each reduced to its summary and cost. Rounds alternate serial and Dask. The
cluster (two worker processes, one thread each) is started once, outside the timing, and warmed with
one small sweep, as a user's running cluster would be.

Printed per round: wall seconds of each, the speed-up (serial wall / Dask wall), and CPU seconds:
this process's for serial; the workers' plus this process's for Dask, so a shared machine shows
whether both cores were free (CPU close to wall per busy core) or taken by others (wall well above
CPU). From the CPU figures it also prints what two free cores would give: serial CPU over the larger
of the busiest worker's CPU and half of all of Dask's CPU (workers plus this process, which hosts the
scheduler). The load average at the start is printed too. The frames of both are compared: they must be
identical.

    python benchmarks/sweep_dask.py                 # 3 rounds
    python benchmarks/sweep_dask.py --rounds 1 --seconds 50

Target (issue 13): ≥ 1.7× when both cores are free.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def scenario(sim_seconds: float):
    import lambdasim as ls

    function = ls.FunctionConfig(timeout_s=900, duration=ls.dists.Exponential(1.0),
                                 cold_start=ls.dists.Exponential(0.5), keep_alive_s=600.0)
    return ls.Scenario(functions={"w1": function},
                       workloads=(ls.workloads.Poisson("w1", rate_per_s=100.0, end_s=sim_seconds),),
                       account=ls.Account(concurrent_executions=1000), seed=1)


GRID = {"functions.w1.reserved_concurrency": [60, 90, 120, None]}
REPLICATIONS = 10


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def workers_cpu(client) -> list[float]:
    """Each worker process's CPU seconds so far, in worker order."""
    return [cpu for _, cpu in sorted(client.run(time.process_time).items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=150.0, help="virtual seconds of arrivals per run")
    args = parser.parse_args()

    import pandas as pd
    from distributed import Client, LocalCluster

    import lambdasim as ls

    base = scenario(args.seconds)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        ls.sweep(scenario(5.0), GRID, replications=2, executor=client)  # warm the workers' imports
        ratios, cpu_ratios, two_core = [], [], []
        for number in range(1, args.rounds + 1):
            serial, s_wall, s_cpu = timed(lambda: ls.sweep(base, GRID, replications=REPLICATIONS))
            before = workers_cpu(client)
            on_dask, d_wall, d_cpu = timed(lambda: ls.sweep(base, GRID, replications=REPLICATIONS,
                                                            executor=client))
            per_worker = [after - b for after, b in zip(workers_cpu(client), before, strict=True)]
            pd.testing.assert_frame_equal(serial, on_dask)
            ratios.append(s_wall / d_wall)
            # With both cores free, Dask's wall time would be at least its busiest worker's CPU time, and
            # at least half of all its CPU time (workers + this process, which hosts the scheduler).
            cpu_ratios.append(s_cpu / max(per_worker))
            two_core.append(s_cpu / max(max(per_worker), (sum(per_worker) + d_cpu) / 2))
            print(f"round {number}: {len(serial)} runs, {int(serial['accepted'].sum()):,} events | serial "
                  f"{s_wall:.2f} s wall, {s_cpu:.2f} s CPU | dask {d_wall:.2f} s wall, workers' CPU "
                  f"{' + '.join(f'{c:.2f}' for c in per_worker)} s, client {d_cpu:.2f} s | speed-up "
                  f"{ratios[-1]:.2f}× wall, {cpu_ratios[-1]:.2f}× serial CPU / busiest worker's CPU, "
                  f"{two_core[-1]:.2f}× on two free cores | frames identical")
    print(f"speed-up per round (wall): {', '.join(f'{r:.2f}×' for r in ratios)} "
          f"(median {statistics.median(ratios):.2f}×)")
    print(f"serial CPU / busiest worker's CPU per round: {', '.join(f'{r:.2f}×' for r in cpu_ratios)} "
          f"(median {statistics.median(cpu_ratios):.2f}×)")
    print(f"serial CPU / max(busiest worker, all Dask CPU / 2) per round: "
          f"{', '.join(f'{r:.2f}×' for r in two_core)} (median {statistics.median(two_core):.2f}×)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
