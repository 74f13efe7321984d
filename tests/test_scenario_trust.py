"""A scenario file is data: it names a handler (code to import and run) only when its caller trusts it.

Issue 11, security item 1: ``handler: "shutil:rmtree"`` with a folder as the payload deleted that
folder when an untrusted file ran. Without ``trust=True`` (CLI ``--trust``) such a file is refused
when it is read, before anything is imported; a scenario built in Python is code already.
"""

import json
import sys

import pytest

import lambdasim as ls
from lambdasim.cli import main
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.functions import FunctionConfig
from lambdasim.model.loading import TRUST_HINT
from lambdasim.model.scenario import Scenario
from lambdasim.model.workloads import Burst

SENTINEL = "lambdasim_trust_sentinel"


def rmtree_scenario(folder) -> str:
    return (f"functions:\n  cleanup:\n    handler: \"shutil:rmtree\"\n"
            f"workloads:\n  - {{function: cleanup, arrivals: burst, count: 1, "
            f"payload: {json.dumps(str(folder))}}}\n")


@pytest.fixture
def victim(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    return folder


@pytest.fixture
def sentinel(tmp_path, monkeypatch):
    """A module on sys.path that records its own import in a file next to it."""
    (tmp_path / f"{SENTINEL}.py").write_text(
        "import pathlib\n"
        "pathlib.Path(__file__).with_name('imported.txt').write_text('imported')\n"
        "def handler(event, context):\n    return {'seen': event}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, SENTINEL, raising=False)
    yield tmp_path / "imported.txt"
    sys.modules.pop(SENTINEL, None)


def sentinel_yaml() -> str:
    return (f"functions:\n  orders: {{handler: '{SENTINEL}:handler'}}\n"
            "workloads: [{function: orders, arrivals: burst, count: 1, payload: {id: 1}}]\n")


def assert_refused_for_trust(info, name="orders", handler=f"{SENTINEL}:handler"):
    assert info.value.fields["field"] == f"functions.{name}.handler"
    assert info.value.fields["value"] == handler
    allowed = info.value.fields["allowed"]
    assert "a scenario file is data" in allowed and "runs code" in allowed and TRUST_HINT in allowed


def test_untrusted_yaml_naming_rmtree_is_refused_at_load_and_the_folder_stays(tmp_path, victim):
    path = tmp_path / "hostile.yaml"
    path.write_text(rmtree_scenario(victim))
    for load in (lambda: Scenario.from_yaml(path), lambda: Scenario.from_file(path),
                 lambda: Scenario.from_yaml(path.read_text()), lambda: Scenario.from_text(path.read_bytes())):
        with pytest.raises(InvalidParameterValueException) as info:
            load()
        assert_refused_for_trust(info, "cleanup", "shutil:rmtree")
    assert (victim / "thesis.txt").read_text() == "years of work"


def test_trusted_yaml_runs_its_handler(tmp_path, victim):
    path = tmp_path / "trusted.yaml"
    path.write_text(rmtree_scenario(victim))
    result = ls.run(Scenario.from_yaml(path, trust=True))
    assert result.fates() == {"succeeded": 1}
    assert not victim.exists()  # what the issue saw happen, now only on the caller's say-so


def test_nothing_is_imported_without_trust(sentinel):
    for load in (lambda: Scenario.from_yaml(sentinel_yaml()),
                 lambda: Scenario.from_dict({"functions": {"orders": {"handler": f"{SENTINEL}:handler"}}}),
                 lambda: Scenario.from_dict(json.loads(json.dumps(
                     {"functions": {"orders": {"handler": f"{SENTINEL}:handler"}}})))):
        with pytest.raises(InvalidParameterValueException) as info:
            load()
        assert_refused_for_trust(info)
    assert SENTINEL not in sys.modules
    assert not sentinel.exists()


def test_trust_imports_the_handler_when_the_run_starts(sentinel):
    scenario = Scenario.from_yaml(sentinel_yaml(), trust=True)
    assert not sentinel.exists()  # loading names the handler; the engine imports it
    result = ls.run(scenario)
    assert sentinel.read_text() == "imported"
    assert result.fates() == {"succeeded": 1}


def test_cli_refuses_without_trust_and_runs_with_it(tmp_path, victim, capsys):
    path = tmp_path / "hostile.yaml"
    path.write_text(rmtree_scenario(victim))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: functions.cleanup.handler: 'shutil:rmtree' is not valid; allowed: ")
    assert "--trust" in err and "runs code" in err
    assert (victim / "thesis.txt").exists()
    assert main(["run", "--trust", str(path)]) == 0
    assert "succeeded" in capsys.readouterr().out
    assert not victim.exists()


def test_a_python_built_scenario_needs_no_trust(sentinel):
    scenario = Scenario({"orders": FunctionConfig(handler=f"{SENTINEL}:handler")}, (Burst("orders", 2),))
    assert ls.run(scenario).fates() == {"succeeded": 2}
    assert sentinel.exists()


def test_replace_and_callables_need_no_trust(sentinel):
    plain = Scenario.from_yaml("functions: {orders: {}}\n"
                               "workloads: [{function: orders, arrivals: burst, count: 1}]\n")
    changed = plain.replace({"functions.orders.handler": f"{SENTINEL}:handler"})
    assert ls.run(changed).fates() == {"succeeded": 1}

    def handler(event, context):
        return event

    from_dict = Scenario.from_dict({"functions": {"orders": {"handler": handler}},
                                    "workloads": [{"function": "orders", "arrivals": "burst", "count": 1}]})
    assert from_dict.functions["orders"].handler is handler
    assert ls.run(from_dict).fates() == {"succeeded": 1}


def test_trust_is_per_call_not_remembered():
    text = sentinel_yaml()
    assert Scenario.from_yaml(text, trust=True).functions["orders"].handler == f"{SENTINEL}:handler"
    with pytest.raises(InvalidParameterValueException):
        Scenario.from_yaml(text)


def test_reading_a_scenario_opens_no_file_and_imports_nothing():
    """Every other field is data: reading text with all of them set opens no file and imports nothing
    (the audit hook sees any ``open`` or ``import``; hooks cannot be removed, so it goes quiet after)."""
    text = """
seed: 3
horizon_s: 900
start_time: "2024-06-01T12:00:00Z"
account: {ConcurrentExecutions: 3000}
queue: {retry_delays_s: [30, 90], duplicate_probability: 0.1}
functions:
  orders:
    duration: {dist: empirical, values_s: [0.1, 0.5]}
    cold_start: {dist: lognormal, median_s: 0.2, sigma: 0.5}
    failures: {error_probability: 0.5, outages: [{start_s: 1, end_s: 2}], poison_payloads: [{id: 13}]}
    Environment: {Variables: {TABLE: /etc/passwd}}
    ProvisionedConcurrencyConfigs: {"1": 1}
    EventInvokeConfig:
      DestinationConfig:
        OnFailure: {Destination: arn:aws:sns:us-east-1:123456789012:topic}
    DeadLetterConfig: {TargetArn: arn:aws:sqs:us-east-1:123456789012:dlq}
targets:
  arn:aws:sns:us-east-1:123456789012:topic: {subscriptions: [arn:aws:sqs:us-east-1:123456789012:q]}
workloads:
  - {function: orders, arrivals: per_minute, counts: [1, 2], qualifier: "1"}
  - {function: orders, arrivals: trace, times_s: [0, 1.5]}
  - {function: orders, arrivals: events, events: [{at_s: 0, payload: ../../etc/passwd}]}
"""
    Scenario.from_yaml(text)  # warm up: the modules loading needs are imported once, before watching
    seen = []
    watching = [True]

    def hook(event, args):
        if watching[0] and event in ("open", "import", "exec", "compile", "subprocess.Popen", "os.system"):
            seen.append((event, str(args[0])[:80]))

    sys.addaudithook(hook)
    try:
        Scenario.from_yaml(text)
    finally:
        watching[0] = False
    assert seen == []
