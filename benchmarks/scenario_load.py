"""Loading a large scenario file (issues 11 and 13): 100,000 scheduled events, about 14 MB of YAML.

Writes the file into a temporary folder, then times ``Scenario.from_yaml(path)``: the median wall
and CPU time of ``--rounds`` loads (CPU time is the steadier figure on a shared machine). The
script runs against any checkout on ``PYTHONPATH`` (to time an older version, put its
``lambdasim`` first). Run: ``.venv/bin/python benchmarks/scenario_load.py [--events N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import lambdasim as ls

__all__ = ["write_scenario", "main"]


def write_scenario(path: Path, events: int) -> int:
    """Write a valid scenario with ``events`` scheduled events (each a small order payload); its size."""
    lines = ["seed: 1", "functions:", "  orders: {Timeout: 10}", "workloads:",
             "  - function: orders", "    arrivals: events", "    events:"]
    for i in range(events):
        lines.append(f"      - {{at_s: {i * 0.01:.2f}, payload: {{order_id: order-{i:07d}, amount: {i % 97}, "
                     f"currency: EUR, customer: {{id: c-{i % 5000:05d}, tier: gold}}, "
                     f"items: [sku-{i % 311}]}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        size = write_scenario(path, args.events)
        walls, cpus = [], []
        for _ in range(args.rounds):
            started, cpu = time.perf_counter(), time.process_time()
            scenario = ls.Scenario.from_yaml(path)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        assert len(scenario.workloads[0].events) == args.events
        print(f"{args.events:,} events, {size / 1e6:.1f} MB: load {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU (medians; wall {', '.join(f'{t:.2f}' for t in walls)} s, "
              f"CPU {', '.join(f'{t:.2f}' for t in cpus)} s; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
