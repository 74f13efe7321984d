"""``python -m lambdasim``: run a scenario file, print what happened, export charts and tables.

    python -m lambdasim run data/scenarios/retries.yaml                 # result and key figures
    python -m lambdasim run data/scenarios/throttling.yaml --export out/ --seed 2 --horizon 3600
    python -m lambdasim run --trust my_handlers.yaml                    # a file whose handlers you trust
    python -m lambdasim figures docs/                                   # the README's timeline.png

The CLI is the only place in the library that prints.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "README_SCENARIO"]

#: The scenario whose timeline the README shows (``figures``).
README_SCENARIO = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "throttling.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lambdasim",
                                     description="Simulate AWS Lambda asynchronous invocation.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a scenario file and print what happened")
    run.add_argument("scenario", help="a scenario YAML or JSON file (see data/scenarios/)")
    run.add_argument("--trust", action="store_true",
                     help="allow the file's handler fields: importing a handler runs its code, so only "
                          "for files you trust")
    run.add_argument("--export", metavar="DIR",
                     help="write the standard charts (PNG, SVG) and the CSV tables here")
    run.add_argument("--horizon", metavar="S", type=float, help="stop at this virtual time (s)")
    run.add_argument("--seed", metavar="N", type=int, help="override the scenario's seed")
    figures = commands.add_parser("figures", help="write the README figure (timeline.png) into DIR")
    figures.add_argument("folder", metavar="DIR")
    return parser


def _value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return "—" if math.isnan(value) else f"{value:,.3f}".rstrip("0").rstrip(".")


def summary_table(summary: dict) -> str:
    """``summary`` as two aligned columns."""
    width = max(len(k) for k in summary)
    return "\n".join(f"{key:<{width}}  {_value(value)}" for key, value in summary.items())


def _run(args: argparse.Namespace) -> int:
    import lambdasim as ls

    scenario = ls.Scenario.from_file(args.scenario, trust=args.trust)
    changes = {}
    if args.horizon is not None:
        changes["horizon_s"] = args.horizon
    if args.seed is not None:
        changes["seed"] = args.seed
    if changes:
        scenario = scenario.replace(changes)
    result = ls.run(scenario)
    print(result)
    print()
    print(summary_table(result.summary()))
    if args.export:
        from lambdasim.plots import export_run

        paths = export_run(result, args.export)
        print()
        print(f"wrote {len(paths)} files to {args.export}:")
        for path in paths:
            print(f"  {path}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    import lambdasim as ls
    from lambdasim.plots import caption_for, save_figure, timeline

    if not README_SCENARIO.exists():
        print(f"error: {README_SCENARIO} not found (figures needs the repository's data/ folder)",
              file=sys.stderr)
        return 2
    result = ls.run(ls.Scenario.from_file(README_SCENARIO))
    path = save_figure(timeline(result), Path(args.folder) / "timeline.png", dpi=150,
                       caption=caption_for(result))
    print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "figures": _figures}[args.command](args)
    except (OSError, ValueError) as exc:  # a missing file, a bad scenario: say so, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
