"""``python -m lambdasim``: run a scenario file, print what happened, export charts and tables.

    python -m lambdasim run data/scenarios/retries.yaml                 # result and key figures
    python -m lambdasim run data/scenarios/throttling.yaml --export out/ --seed 2 --horizon 3600
    python -m lambdasim run --trust my_handlers.yaml                    # a file whose handlers you trust
    python -m lambdasim figures docs/                                   # the README's timeline.png
    python -m lambdasim lab                                             # JupyterLab on notebooks/
    python -m lambdasim course-html html-course/                        # the notebooks, executed, as HTML

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
    _add_lab_parser(commands)
    _add_course_html_parser(commands)
    return parser


def _add_lab_parser(commands) -> None:
    lab = commands.add_parser(
        "lab", help="open JupyterLab on the notebooks (adds --allow-root when run as root)",
        description="Start JupyterLab on DIR (the repository's notebooks/ by default). Arguments after "
                    "-- go to jupyter lab as they are.")
    lab.add_argument("folder", metavar="DIR", nargs="?", help="the folder to open (default: notebooks/)")
    lab.add_argument("--port", type=int,
                     help="the port to serve on (default: JupyterLab's, 8888 or the next free)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a web browser")


def _lab(args: argparse.Namespace) -> int:
    import os

    from lambdasim.lab import lab_command

    command = lab_command(args.folder, port=args.port, open_browser=not args.no_browser,
                          extra=args.jupyter_args)
    print(" ".join(command), flush=True)
    if os.name == "posix":  # become the server: Ctrl-C and a stop by process id reach it directly
        os.execv(command[0], command)
    import subprocess

    return subprocess.call(command)


def _add_course_html_parser(commands) -> None:
    course = commands.add_parser(
        "course-html", help="execute every notebook and write it as HTML (charts embedded) into DIR",
        description="Execute every notebook of notebooks/ (or --notebooks) and write one HTML page per "
                    "notebook, charts embedded, and an index.html into DIR.")
    course.add_argument("folder", metavar="DIR")
    course.add_argument("--notebooks", metavar="SRC", help="the notebooks folder (default: notebooks/)")
    course.add_argument("--timeout", metavar="S", type=float, default=600.0,
                        help="the longest a cell may run, in seconds (default 600)")


def _course_html(args: argparse.Namespace) -> int:
    from lambdasim.course.html import NOTEBOOKS, build_course

    def report(page) -> None:
        status = "ok    " if page.ok else "FAILED"
        print(f"  {status} {page.page}" + ("" if page.ok else f": {page.errors[0]}"), flush=True)

    pages = build_course(args.folder, args.notebooks or NOTEBOOKS, timeout_s=args.timeout, progress=report)
    failed = [page for page in pages if not page.ok]
    print(f"wrote {len(pages)} pages and {Path(args.folder) / 'index.html'}"
          + (f"; {len(failed)} notebook(s) failed" if failed else ""))
    return 1 if failed else 0


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
    argv = list(sys.argv[1:] if argv is None else argv)
    jupyter_args = []
    if argv[:1] == ["lab"] and "--" in argv:  # lab passes what follows -- on to jupyter lab
        argv, jupyter_args = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    args = _parser().parse_args(argv)
    args.jupyter_args = jupyter_args
    try:
        commands = {"run": _run, "figures": _figures, "lab": _lab, "course-html": _course_html}
        return commands[args.command](args)
    except (OSError, ValueError) as exc:  # a missing file, a bad scenario: say so, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
