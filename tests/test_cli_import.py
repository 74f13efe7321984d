"""``python -m lambdasim import TEMPLATE``: the report, the scenario, the run and the exports, end to
end; the one-line workload specs it takes, and their errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambdasim.cli import main, template_parameters
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.templates.workload_specs import SPEC_ALLOWED, parse_workload_spec, resolve_workloads

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "tests" / "templates"


@pytest.mark.parametrize(("spec", "name", "workload"), [
    ("orders=poisson:50/s:3600s", "orders", {"arrivals": "poisson", "rate_per_s": 50.0, "end_s": 3600.0}),
    ("orders=constant:2/min:600s-1h", "orders",
     {"arrivals": "constant", "rate_per_s": 2 / 60, "start_s": 600.0, "end_s": 3600.0}),
    ("orders=poisson:5/s", "orders", {"arrivals": "poisson", "rate_per_s": 5.0}),
    ("orders=poisson:36/h:1d", "orders", {"arrivals": "poisson", "rate_per_s": 0.01, "end_s": 86400.0}),
    ("orders=constant:0.5/s:90", "orders", {"arrivals": "constant", "rate_per_s": 0.5, "end_s": 90.0}),
    ("jobs=burst:500@120s", "jobs", {"arrivals": "burst", "count": 500, "at_s": 120.0}),
    ("my-fn=burst:3", "my-fn", {"arrivals": "burst", "count": 3, "at_s": 0.0}),
    ("orders=poisson:2/s:10min", "orders", {"arrivals": "poisson", "rate_per_s": 2.0, "end_s": 600.0}),
])
def test_workload_specs(spec, name, workload):
    assert parse_workload_spec(spec) == (name, workload)


@pytest.mark.parametrize("spec", ["orders", "orders=poisson", "orders=poisson:50", "orders=poisson:0/s:10s",
                                  "orders=gamma:5/s:10s", "orders=poisson:5/week", "orders=burst:0",
                                  "orders=burst:ten", "orders=poisson:5/s:10 minutes", "=burst:5"])
def test_a_bad_spec_names_the_text_and_the_grammar(spec):
    with pytest.raises(InvalidParameterValueException) as refused:
        parse_workload_spec(spec, "--workload")
    assert str(refused.value) == f"--workload: {spec!r} is not valid; allowed: {SPEC_ALLOWED}"


def test_a_spec_names_a_function_or_a_queue_of_the_template():
    queue = "arn:aws:sqs:us-east-1:123456789012:jobs"
    assert resolve_workloads(["orders=burst:2", "jobs=burst:3", {"function": "x", "arrivals": "burst"}],
                             ["orders"], [queue]) == [
        {"function": "orders", "arrivals": "burst", "count": 2, "at_s": 0.0},
        {"target": queue, "arrivals": "burst", "count": 3, "at_s": 0.0},
        {"function": "x", "arrivals": "burst"}]
    with pytest.raises(InvalidParameterValueException) as refused:
        resolve_workloads(["order=burst:2"], ["orders", "audit"], [queue])
    assert str(refused.value) == (
        "workloads[0]: 'order=burst:2' is not valid; allowed: a NAME that is one of the template's "
        "functions or queues: orders, audit, jobs (SQS queue)")


def test_parameters_are_numbers_where_they_read_as_numbers():
    assert template_parameters(["Retries=0", "Stage=prod", "Rate=0.5", "Flag=true", "Id=007x"]) == {
        "Retries": 0, "Stage": "prod", "Rate": 0.5, "Flag": True, "Id": "007x"}
    with pytest.raises(ValueError, match=r"--parameter: 'Retries' is not valid; allowed: KEY=VALUE"):
        template_parameters(["Retries"])


def test_import_a_sam_template_prints_report_scenario_and_run(capsys):
    code = main(["import", str(TEMPLATES / "sam_orders.yaml"), "--workload", "orders=burst:20@30s",
                 "--workload", "jobs=burst:10", "--parameter", "Retries=0", "--horizon", "3600",
                 "--seed", "3"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{TEMPLATES / 'sam_orders.yaml'} (SAM): 14 resources read; 3 not modelled:"
    assert ("  - WorkerAliaslive.Name: a scenario file has no aliases: invocations through live are "
            "simulated on worker:1") in lines
    assert ("function orders: timeout 30 s; 512 MB; reserved 5; retries 0; max age 600 s; "
            "on success -> arn:aws:sns:us-east-1:123456789012:orders-ok; on failure -> "
            "arn:aws:sqs:us-east-1:123456789012:orders-failed; DLQ -> "
            "arn:aws:sqs:us-east-1:123456789012:orders-dlq") in lines
    assert ("function worker: timeout 10 s; 128 MB; unreserved; retries 2; max age 21600 s; "
            "provisioned v1: 2") in lines
    assert ("mapping arn:aws:sqs:us-east-1:123456789012:jobs -> arn:aws:lambda:us-east-1:123456789012:"
            "function:worker:1 (batch 5)") in lines
    assert "workload events -> orders: about 4 events" in lines         # rate(15 minutes) over an hour
    assert "workload events -> worker:1: about 2 events" in lines
    assert "workload burst -> arn:aws:sqs:us-east-1:123456789012:jobs: about 10 events" in lines
    assert "<Result 27 accepted, 0 rejected; succeeded=27; ended at t=2700.35s (resolved)>" in lines


def test_import_without_workloads_says_how_to_give_them(capsys):
    code = main(["import", str(TEMPLATES / "tf_orders.plan.json")])
    out = capsys.readouterr().out
    assert code == 0
    plan = TEMPLATES / "tf_orders.plan.json"
    assert out.splitlines()[0] == f"{plan} (Terraform plan): 14 resources read; 6 not modelled:"
    assert out.rstrip().endswith("no workloads: the template has no schedule; give arrivals with --workload "
                                 "NAME=SPEC, e.g. --workload orders=poisson:10/s:600s")


@pytest.mark.parametrize(("argv", "error"), [
    (["--workload", "orders=poisson:fast"],
     f"error: workloads[0]: 'orders=poisson:fast' is not valid; allowed: {SPEC_ALLOWED}"),
    ([], "error: aws_lambda_function_event_invoke_config.orders.maximum_event_age_in_seconds: "
         "var.max_event_age has no default and no value was passed; pass it: parameters={'max_event_age': "
         "...} or --parameter max_event_age=VALUE"),
])
def test_import_errors_name_what_to_fix(capsys, argv, error):
    code = main(["import", str(TEMPLATES / "tf_orders.tf"), *argv,
                 *(["--parameter", "max_event_age=600"] if argv else [])])
    assert code == 2
    assert capsys.readouterr().err.strip() == error


@pytest.mark.slow
def test_import_a_tf_file_and_export_end_to_end(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "lambdasim", "import", str(TEMPLATES / "tf_orders.tf"), "--parameter",
         "max_event_age=600", "--workload", "orders=poisson:2/s:300s", "--workload", "jobs=constant:1/s:60s",
         "--export", str(out)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "(Terraform (.tf)): 14 resources read; 6 not modelled:" in done.stdout
    assert "function orders: timeout 30 s; 512 MB; reserved 5; retries 1; max age 600 s" in done.stdout
    assert f"wrote {len(list(out.iterdir()))} files to {out}:" in done.stdout
    assert (out / "events.csv").exists() and (out / "timeline.png").exists()
