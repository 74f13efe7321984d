"""``python -m lambdasim``: run a scenario file, print what happened, export charts and tables.

    python -m lambdasim run data/scenarios/retries.yaml                 # result and key figures
    python -m lambdasim run data/scenarios/throttling.yaml --export out/ --seed 2 --horizon 3600
    python -m lambdasim run --trust my_handlers.yaml                    # a file whose handlers you trust
    python -m lambdasim figures docs/                                   # the README's timeline.png
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
    _import_parser(commands)
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


# -- import ----------------------------------------------------------------------------------------

def _import_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "import", help="simulate the async configuration of a SAM, CloudFormation or Terraform template")
    command.add_argument("template", help="a SAM or CloudFormation template (YAML or JSON), the JSON of "
                                          "terraform show -json (plan or state), or a .tf file")
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
    result = ls.run(scenario)
    print()
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "figures": _figures, "import": _import}[args.command](args)
    except (OSError, ValueError) as exc:  # a missing file, a bad scenario: say so, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
