"""One run for an instruction count: W1 or the failure path, to be run under valgrind.

Instruction counts are repeatable on a machine shared with other work, where wall and even CPU
times are not. Count a run and an import-only run (``0`` seconds) and subtract::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benchmarks/instructions.py w1 200
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benchmarks/instructions.py w1 0

(the total is valgrind's ``Collected`` line). ``w1`` is ``w1.py``'s scenario, ``failures`` that of
``failure_path.py``; 200 virtual seconds are about 20,000 events (a callgrind run is about 50x slower).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from failure_path import run_failures, run_w1  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=("w1", "failures"))
    parser.add_argument("seconds", type=float, help="virtual seconds of arrivals (0: imports only)")
    opts = parser.parse_args()
    import pandas  # noqa: F401  (imported either way, so the import-only run subtracts it)

    import lambdasim  # noqa: F401
    if opts.seconds > 0:
        run = run_w1 if opts.which == "w1" else run_failures
        print(run(1, 100.0, opts.seconds))


if __name__ == "__main__":
    main()
