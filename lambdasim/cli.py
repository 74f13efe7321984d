"""``python -m lambdasim``: run a scenario file, print what happened, export charts and tables.

    python -m lambdasim run data/scenarios/retries.yaml                 # result and key figures
    python -m lambdasim run data/scenarios/throttling.yaml --export out/ --seed 2 --horizon 3600
    python -m lambdasim run --trust my_handlers.yaml                    # a file whose handlers you trust
    python -m lambdasim figures docs/                                   # the README's timeline.png
    python -m lambdasim sweep data/scenarios/steady.yaml --replications 10 --executor processes \
        --grid functions.orders.reserved_concurrency=5,10,none --out sweeps/reserved   # tables, charts
    python -m lambdasim lab                                             # JupyterLab on notebooks/
    python -m lambdasim course-html html-course/                        # the notebooks, executed, as HTML
    python -m lambdasim import template.yaml --workload "orders=poisson:50/s:3600s" --export out/

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
    _sweep_parser(commands)
    _add_lab_parser(commands)
    _add_course_html_parser(commands)
    _import_parser(commands)
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
    _print_run(ls.run(scenario), args.export)
    return 0


def _print_run(result: object, export: str | None) -> None:
    """A run's one-line result and its summary table; with ``export``, the charts and tables written."""
    print(result)
    print()
    print(summary_table(result.summary()))
    if export:
        from lambdasim.plots import export_run

        paths = export_run(result, export)
        print()
        print(f"wrote {len(paths)} files to {export}:")
        for path in paths:
            print(f"  {path}")


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


# -- sweep -----------------------------------------------------------------------------------------

def _sweep_parser(commands: argparse._SubParsersAction) -> None:
    sweep = commands.add_parser(
        "sweep", help="run a scenario over a grid of settings, several seeds each; write runs, intervals "
                      "and charts")
    sweep.add_argument("scenario", help="a scenario YAML or JSON file (see data/scenarios/)")
    sweep.add_argument("--grid", metavar="KEY=V1,V2", action="append", default=[],
                       help="a Scenario.replace path and the values to try, e.g. "
                            "functions.orders.reserved_concurrency=5,10,none (repeat for a product)")
    sweep.add_argument("--replications", metavar="N", type=int, default=10,
                       help="runs per configuration, with the same seeds for each (default 10)")
    sweep.add_argument("--executor", default="serial", metavar="serial|processes|dask://HOST:PORT",
                       help="where the runs go: this process, a pool of this machine's cores, or a running "
                            "Dask scheduler (default serial)")
    sweep.add_argument("--out", metavar="DIR", required=True,
                       help="folder for runs.csv, intervals.csv (and .parquet with pyarrow), sweep.png/svg")
    sweep.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    sweep.add_argument("--seed", metavar="N", type=int, help="override the scenario's seed")
    sweep.add_argument("--trust", action="store_true",
                       help="allow the file's handler fields: importing a handler runs its code, so only "
                            "for files you trust")
    sweep.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a bar of finished runs on stderr (default: on when stderr is a terminal and "
                            "CI is not set)")


def grid_values(text: str) -> tuple[str, list]:
    """``KEY=V1,V2`` as ``(key, [values])``: each value read as a YAML scalar (5, 0.5, true),
    and ``none``/``null`` as None (no reservation)."""
    import yaml

    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise ValueError(f"--grid: {text!r} is not valid; allowed: KEY=V1,V2,… e.g. "
                         f"functions.orders.reserved_concurrency=5,10,none")
    parsed = []
    for value in values.split(","):
        value = value.strip()
        parsed.append(None if value.lower() in ("none", "null", "") else yaml.safe_load(value))
    return key.strip(), parsed


def _sweep(args: argparse.Namespace) -> int:
    import os

    import lambdasim as ls
    from lambdasim.plots.interval_chart import export_sweep, parquet_available

    scenario = ls.Scenario.from_file(args.scenario, trust=args.trust)
    if args.seed is not None:
        scenario = scenario.replace(seed=args.seed)
    grid = dict(grid_values(text) for text in args.grid)
    progress = args.progress
    if progress is None:
        progress = sys.stderr.isatty() and not os.environ.get("CI")
    with _executor(args.executor) as executor:
        runs = ls.sweep(scenario, grid, replications=args.replications, executor=executor,
                        progress=progress)
    intervals = ls.confidence(runs, level=args.level)
    settings = ", ".join(f"{key}={'|'.join(str(v) for v in values)}" for key, values in grid.items())
    caption = (f"{args.scenario} · {settings or 'no overrides'} · {args.replications} replications "
               f"(seed {scenario.seed}) · {args.level:.0%} intervals")
    paths = export_sweep(runs, intervals, args.out, caption=caption)
    shown = intervals[intervals["metric"].isin(["succeeded", "expired", "event_age_p99_s", "cost_usd"])]
    print(f"{len(runs)} runs: {len(runs) // max(1, args.replications)} configurations × "
          f"{args.replications} replications ({args.level:.0%} intervals)")
    print(shown.drop(columns=["std"]).to_string(index=False))
    print()
    print(f"wrote {len(paths)} files to {args.out}:")
    for path in paths:
        print(f"  {path}")
    if not parquet_available():
        print("  (no Parquet: pyarrow is not installed; the CSV files hold the same tables)")
    return 0


def _executor(name: str):
    """The executor ``--executor`` names, as a context manager that shuts it down (or None)."""
    import contextlib

    if name in ("serial", "local"):
        return contextlib.nullcontext(None)
    if name == "processes":
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor()
    if name.startswith("dask://") and len(name) > len("dask://"):
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("--executor dask://…: dask.distributed is not installed "
                             "(pip install 'dask[distributed]')") from None
        return Client("tcp://" + name[len("dask://"):], timeout=10)
    raise ValueError(f"--executor: {name!r} is not valid; allowed: serial, processes, dask://HOST:PORT")


# -- import ----------------------------------------------------------------------------------------

def _import_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "import", help="simulate the async configuration of a SAM, CloudFormation or Terraform template")
    command.add_argument("template", help="a SAM or CloudFormation template (YAML or JSON), the JSON of "
                                          "terraform show -json (plan or state), a .tf file, or a "
                                          "directory of .tf files (one Terraform module)")
    command.add_argument("--workload", metavar="NAME=SPEC", action="append", default=[],
                         help="arrivals for a function or SQS queue of the template, e.g. "
                              "orders=poisson:50/s:3600s, orders=constant:2/min:600s-1h, "
                              "orders=burst:500@120s (repeat for more)")
    command.add_argument("--parameter", metavar="KEY=VALUE", action="append", default=[],
                         help="a template parameter (CloudFormation/SAM) or variable (Terraform) value")
    command.add_argument("--horizon", metavar="S", type=float,
                         help="stop at this virtual time (s); schedules fire up to it (default: 3600 "
                              "when the template has a schedule)")
    command.add_argument("--seed", metavar="N", type=int, help="the run's seed")
    command.add_argument("--export", metavar="DIR",
                         help="write the standard charts (PNG, SVG) and the CSV tables here")


def template_parameters(texts: Sequence[str]) -> dict:
    """``KEY=VALUE`` texts as a mapping; a value that reads as a YAML number or boolean is one."""
    import yaml

    out = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--parameter: {text!r} is not valid; allowed: KEY=VALUE, e.g. Retries=0")
        parsed = yaml.safe_load(value) if value.strip() else value
        out[key.strip()] = parsed if isinstance(parsed, (int, float, bool)) else value
    return out


def scenario_lines(scenario: object) -> list[str]:
    """What a scenario read from a template holds: each function's async settings, the targets,
    the event-source mappings and the workloads, one line each."""
    lines = []
    for name, config in scenario.functions.items():
        eic = config.event_invoke_config
        reserved = ("unreserved" if config.reserved_concurrency is None
                    else f"reserved {config.reserved_concurrency}")
        provisioned = ", ".join(f"v{v}: {n}" for v, n in config.provisioned)
        parts = [f"timeout {config.timeout_s} s", f"{config.memory_mb} MB", reserved,
                 f"retries {eic.maximum_retry_attempts}", f"max age {eic.maximum_event_age_s} s"]
        if provisioned:
            parts.append(f"provisioned {provisioned}")
        for label, arn in (("on success", eic.destination_config.on_success),
                           ("on failure", eic.destination_config.on_failure),
                           ("DLQ", config.dead_letter_target_arn)):
            if arn:
                parts.append(f"{label} -> {arn}")
        lines.append(f"function {name}: " + "; ".join(parts))
    for arn, target in scenario.targets.items():
        extra = f" -> {', '.join(target['subscriptions'])}" if target.get("subscriptions") else ""
        lines.append(f"target {arn}{extra}")
    for mapping in scenario.event_source_mappings:
        lines.append(f"mapping {mapping.event_source_arn} -> {mapping.function_name} "
                     f"(batch {mapping.batch_size})")
    for workload in scenario.workloads:
        to = workload.target or (f"{workload.function}:{workload.qualifier}" if workload.qualifier
                                 else workload.function)
        expected = workload.expected_events(scenario.horizon_s)
        lines.append(f"workload {workload.kind} -> {to}: about {expected:,.0f} events")
    return lines


def _import(args: argparse.Namespace) -> int:
    import warnings

    import lambdasim as ls
    from lambdasim.model.templates import TemplateWarning

    overrides = {}
    if args.horizon is not None:
        overrides["horizon_s"] = args.horizon
    if args.seed is not None:
        overrides["seed"] = args.seed
    with warnings.catch_warnings():  # the report is printed below, in full
        warnings.simplefilter("ignore", TemplateWarning)
        scenario = ls.Scenario.from_template(Path(args.template), workloads=args.workload,
                                             overrides=overrides,
                                             parameters=template_parameters(args.parameter))
    print(scenario.template_report)
    print()
    print("\n".join(scenario_lines(scenario)))
    if not scenario.workloads:
        print()
        print("no workloads: the template has no schedule; give arrivals with --workload NAME=SPEC, e.g. "
              f"--workload {next(iter(scenario.functions))}=poisson:10/s:600s")
        return 0
    print()
    _print_run(ls.run(scenario), args.export)
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
        commands = {"run": _run, "figures": _figures, "sweep": _sweep, "import": _import,
                    "lab": _lab, "course-html": _course_html}
        return commands[args.command](args)
    except (OSError, ValueError) as exc:  # a missing file, a bad scenario: say so, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
