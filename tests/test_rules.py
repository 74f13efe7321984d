"""AWS's rules live once, in the lambdasim/model/rules package, and its pure checks behave as AWS does.

The first tests read the package's source: the rule constants and AWS's messages are written in
the rules package and nowhere else (docstrings and comments may mention them). The others pin each check.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.model import rules
from lambdasim.model.errors import (
    InvalidParameterValueException,
    RequestEntityTooLargeException,
    ResourceNotFoundException,
)

RULES = Path(rules.__file__).resolve().parent   # the rules package: one module per service or Lambda topic
PACKAGE = RULES.parents[1]


def _in_rules(path: Path) -> bool:
    return RULES in path.parents
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"


def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def _values(tree: ast.Module) -> list[object]:
    """Every literal value in the code (strings, numbers, constant arithmetic), docstrings left out."""
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    values: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            values.append(node.value)
        elif isinstance(node, ast.BinOp) and all(isinstance(n, (ast.Constant, ast.BinOp, ast.operator))
                                                 for n in ast.walk(node)):
            values.append(eval(compile(ast.Expression(node), "<rule>", "eval")))  # e.g. 6 * 1024 * 1024
    return values


#: Literals that are a rule wherever they appear. (A value that is also something else is listed
#: with the files where it is that something else.)
LITERALS = {
    "$LATEST": {},
    21_600: {"plots/style.py": "a six-hour tick period",
             "widgets/explorer.py": "the last choice of the event-age control (owned by the widgets)"},
    6 * 1024 * 1024: {},
    1024 * 1024: {},
    256 * 1024: {},
}

MESSAGES = [
    "You can't specify the function as a destination for itself.",
    "You must specify at least one of error handling or destination setting.",
    "The derived qualifier from the function name does not match the specified qualifier.",
    "UnreservedConcurrentExecution below its minimum value",
    "bytes for the InvokeFunction operation",
    "byte payload is too large for the Event invocation type",
    "is not valid; allowed: an alias name, not a version",
    "Function not found: ",
    "The function doesn't exist.",
    "doesn't have an EventInvokeConfig",
    "The destination ARN ",
    "This operation is permitted on Lambda functions only.",
    "contains reserved keys that are currently not supported for modification",
    "Cannot find alias arn: ",
    "Unable to delete version because the following aliases reference it",
    "is already included in routing configuration.",
    "is not supported for an alias pointing to more than 1 version",
    "The operation cannot be performed at this time.",
    "The function is being created.",
    "Could not parse request body into json",
    "ALLOW_NON_NUMERIC_NUMBERS",
    "The Revision Id provided does not match the latest Revision Id",
    "is different from current CodeSHA256 in",
]


@pytest.mark.parametrize("literal", list(LITERALS), ids=str)
def test_each_rule_literal_is_written_only_in_rules(literal):
    found = []
    for path, tree in _sources().items():
        where = path.relative_to(PACKAGE).as_posix()
        if not _in_rules(path) and where not in LITERALS[literal]:
            found += [where for value in _values(tree) if value == literal and type(value) is type(literal)]
    assert found == []


def test_each_aws_message_is_written_only_in_rules():
    for path, tree in _sources().items():
        if _in_rules(path):
            continue
        text = " ".join(v for v in _values(tree) if isinstance(v, str))
        for message in MESSAGES:
            assert message not in text, (path, message)


def test_no_module_defines_a_rule_of_its_own():
    names = set(rules.__all__)
    for path, tree in _sources().items():
        if _in_rules(path):
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Name):
                    assert target.id not in names, (path, target.id)


def _defined(tree: ast.Module) -> list[str]:
    """The public names a module defines at its top level (functions, classes, assignments)."""
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return [name for name in names if not name.startswith("_")]


def test_each_rule_is_defined_in_one_rules_module():
    where: dict[str, list[str]] = {}
    for path in sorted(RULES.glob("*.py")):
        for name in _defined(ast.parse(path.read_text(encoding="utf-8"))):
            where.setdefault(name, []).append(path.name)
    assert {name: files for name, files in where.items() if len(files) > 1} == {}
    assert set(rules.__all__) <= set(where), set(rules.__all__) - set(where)


def test_lambda_service_gathers_every_lambda_topic():
    from lambdasim.model.rules import lambda_service

    topics = {module.__name__.rsplit(".", 1)[1] for module in lambda_service.TOPICS}
    services = {"__init__", "lambda_service", "target_services", "event_source_mappings", "schedules",
                "cloudwatch_alarms"}
    assert topics == {path.stem for path in RULES.glob("*.py")} - services
    for topic in lambda_service.TOPICS:
        for name in topic.__all__:
            assert getattr(lambda_service, name) is getattr(topic, name) is getattr(rules, name), name
    assert len(lambda_service.__all__) == len(set(lambda_service.__all__))


def test_the_rules_stand_on_errors_alone():
    siblings = {f"lambdasim.model.rules.{path.stem}" for path in RULES.glob("*.py")}
    allowed = {"__future__", "collections.abc", "typing", "lambdasim.model.errors", "lambdasim.model.rules"}
    for path in RULES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert imported <= allowed | siblings, path


def test_the_defaults_are_awss():
    defaults = ls.EventInvokeConfig(rules.DEFAULT_RETRY_ATTEMPTS, rules.DEFAULT_EVENT_AGE_S)
    assert ls.EventInvokeConfig() == defaults
    assert (rules.DEFAULT_RETRY_ATTEMPTS, rules.DEFAULT_EVENT_AGE_S) == (2, 21_600)
    assert ls.Account().concurrent_executions == rules.DEFAULT_CONCURRENT_EXECUTIONS == 1_000
    assert ls.QueueSettings().payload_limit_bytes == rules.ASYNC_PAYLOAD_LIMIT == 1_048_576
    assert rules.SYNC_PAYLOAD_LIMIT == 6_291_456
    assert rules.RECURSION_LIMIT == 16


# -- names and ARNs ----------------------------------------------------------------------------------


def test_function_arn():
    assert rules.function_arn("us-east-1", "123456789012", "orders") == ARN
    assert rules.function_arn("us-east-1", "123456789012", "orders", rules.LATEST) == ARN + ":$LATEST"


@pytest.mark.parametrize("function, qualifier, expected", [
    ("orders", None, ("orders", None)),
    ("orders:live", None, ("orders", "live")),
    ("orders", "3", ("orders", "3")),
    ("orders:3", "3", ("orders", "3")),
    (ARN, None, ("orders", None)),
    (ARN + ":$LATEST", None, ("orders", "$LATEST")),
    ("123456789012:function:orders:live", None, ("orders", "live")),
])
def test_parse_function(function, qualifier, expected):
    assert rules.parse_function(function, qualifier) == expected


def test_a_qualifier_in_the_name_and_the_argument_must_agree():
    with pytest.raises(InvalidParameterValueException, match="derived qualifier"):
        rules.parse_function("orders:1", "2")


def test_check_account():
    rules.check_account("orders", "us-east-1", "123456789012")
    rules.check_account(ARN, "us-east-1", "123456789012")
    rules.check_account("123456789012:function:orders", "us-east-1", "123456789012")
    for other in (ARN.replace("123456789012", "210987654321"), ARN.replace("us-east-1", "eu-west-1")):
        with pytest.raises(ResourceNotFoundException, match="Function not found"):
            rules.check_account(other, "us-east-1", "123456789012")


def test_alias_names_may_not_look_like_versions():
    rules.check_alias_name("live")
    for name in ("1", "$LATEST"):
        with pytest.raises(InvalidParameterValueException, match="not a version"):
            rules.check_alias_name(name)


# -- event-invoke configs ------------------------------------------------------------------------------

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def test_a_function_is_not_its_own_destination_under_any_qualifier():
    assert rules.is_own_destination(ARN, ARN + ":live")
    assert not rules.is_own_destination(ARN, ARN + "-other")
    assert not rules.is_own_destination(ARN, None)
    rules.check_not_own_destination(ARN, QUEUE, None)
    with pytest.raises(InvalidParameterValueException, match="destination for itself"):
        rules.check_not_own_destination(ARN, None, ARN + ":1")


def test_destination_services():
    rules.check_destination_services(QUEUE, "arn:aws:s3:::bucket")
    with pytest.raises(InvalidParameterValueException, match=r"onSuccess=OnSuccess\(destination=arn:aws:s3"):
        rules.check_destination_services("arn:aws:s3:::bucket", None)


def test_a_lambda_destination_must_be_an_existing_local_function():
    functions = {"orders", "shipping"}
    other = ARN.replace("orders", "shipping")
    rules.check_lambda_destinations(other, QUEUE, "us-east-1", "123456789012", functions)
    rules.check_lambda_destinations(f"{other}:live", None, "us-east-1", "123456789012", functions)
    foreign = ARN.replace("us-east-1", "eu-west-1").replace("orders", "billing")
    assert not rules.missing_lambda_destination(foreign, "us-east-1", "123456789012", functions)
    missing = ARN.replace("orders", "billing")
    with pytest.raises(InvalidParameterValueException) as excinfo:
        rules.check_lambda_destinations(QUEUE, missing, "us-east-1", "123456789012", functions)
    assert excinfo.value.message == f"The destination ARN {missing} is invalid."


def test_event_invoke_config_not_found_answers():
    assert rules.function_does_not_exist().message == "The function doesn't exist."
    error = rules.no_event_invoke_config(ARN + ":live")
    assert (type(error), error.message) == (ResourceNotFoundException,
                                            f"The function {ARN}:live doesn't have an EventInvokeConfig")


def test_put_and_update_need_at_least_one_setting():
    for change in (rules.put_event_invoke_config, lambda p: rules.update_event_invoke_config({}, p)):
        with pytest.raises(InvalidParameterValueException, match="at least one of error handling"):
            change({"FunctionName": "orders"})


def test_put_replaces_the_config_whole():
    assert rules.put_event_invoke_config({"MaximumEventAgeInSeconds": 900}) == {
        "maximum_retry_attempts": None, "maximum_event_age_s": 900, "on_success": None, "on_failure": None}


def test_update_merges_settings_and_replaces_destinations_whole():
    current = {"maximum_retry_attempts": 1, "maximum_event_age_s": 600, "on_success": QUEUE,
               "on_failure": QUEUE, "qualifier": "$LATEST"}
    assert rules.update_event_invoke_config(current, {"MaximumEventAgeInSeconds": 900}) == {
        "maximum_retry_attempts": 1, "maximum_event_age_s": 900, "on_success": QUEUE, "on_failure": QUEUE}
    request = {"DestinationConfig": {"OnFailure": {"Destination": "x"}}}
    changed = rules.update_event_invoke_config(current, request)
    assert changed == {"maximum_retry_attempts": 1, "maximum_event_age_s": 600, "on_success": None,
                       "on_failure": "x"}


# -- concurrency and payloads --------------------------------------------------------------------------


def test_the_unreserved_floor():
    assert rules.unreserved_floor(1000) == 100 and rules.unreserved_floor(50) == 50
    rules.check_reservation(900, 0, 1000)
    rules.check_reservation(400, 500, 1000)
    with pytest.raises(InvalidParameterValueException, match=r"below its minimum value of \[100\]\.$"):
        rules.check_reservation(401, 500, 1000)
    with pytest.raises(InvalidParameterValueException, match=r"minimum value of \[50\]") as excinfo:
        rules.check_reservation(1, 0, 50)
    assert excinfo.value.fields == {"Type": None}            # AWS's body for it has no Type member
    assert rules.whole_function_only().message.startswith(
        "This operation is permitted on Lambda functions only. Aliases and versions do not support")


def test_payload_limits():
    rules.check_sync_payload(rules.SYNC_PAYLOAD_LIMIT)
    with pytest.raises(RequestEntityTooLargeException) as sync:
        rules.check_sync_payload(rules.SYNC_PAYLOAD_LIMIT + 1)
    assert sync.value.message == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    rules.check_async_payload(rules.ASYNC_PAYLOAD_LIMIT)
    with pytest.raises(RequestEntityTooLargeException) as event:
        rules.check_async_payload(262_145, rules.LEGACY_ASYNC_PAYLOAD_LIMIT)
    assert event.value.message == ("262145 byte payload is too large for the Event invocation type "
                                   "(limit 262144 bytes)")
    assert (event.value.code, event.value.http_status) == ("RequestEntityTooLargeException", 413)
    assert ls.RequestTooLargeException is RequestEntityTooLargeException   # the earlier name still catches it


# -- every layer applies the same rule ---------------------------------------------------------------


def test_the_engine_refuses_a_function_as_its_own_destination_as_the_client_does():
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig()}))
    with pytest.raises(InvalidParameterValueException, match="destination for itself"):
        sim.put_event_invoke_config("orders", on_failure=ARN)
    with pytest.raises(InvalidParameterValueException, match="destination for itself"):
        sim.client().put_function_event_invoke_config(
            FunctionName="orders", DestinationConfig={"OnFailure": {"Destination": ARN}})


def test_the_scenario_and_the_engine_share_the_unreserved_floor():
    with pytest.raises(InvalidParameterValueException, match=r"minimum value of \[10\]"):
        ls.Scenario(functions={"orders": ls.FunctionConfig(reserved_concurrency=1)},
                    account=ls.Account(concurrent_executions=10))
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig()},
                                    account=ls.Account(concurrent_executions=10)))
    with pytest.raises(InvalidParameterValueException, match=r"minimum value of \[10\]"):
        sim.put_reserved_concurrency("orders", 1)


def test_replayed_calls_meet_the_clients_name_rules():
    from lambdasim.aws import scenario_from_calls

    base = ls.Scenario(functions={"orders": ls.FunctionConfig()})
    other = ARN.replace("123456789012", "210987654321")
    with pytest.raises(ResourceNotFoundException, match=r"calls\[0\] put_function_concurrency: Function not"):
        scenario_from_calls([("put_function_concurrency",
                              {"FunctionName": other, "ReservedConcurrentExecutions": 1})], base=base)
    calls = [("put_function_event_invoke_config", {
                  "FunctionName": ARN, "MaximumRetryAttempts": 0,
                  "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}}),
             ("update_function_event_invoke_config", {
                  "FunctionName": "orders", "DestinationConfig": {"OnFailure": {"Destination": QUEUE}}})]
    config = scenario_from_calls(calls, base=base).functions["orders"].event_invoke_config
    assert config == ls.EventInvokeConfig(0, 21_600, ls.DestinationConfig(on_failure=QUEUE))


def test_replaying_calls_imports_no_handler_and_keeps_the_bases():
    from lambdasim.aws import scenario_from_calls

    base = ls.Scenario(functions={"orders": ls.FunctionConfig(handler="not_installed.anywhere:handle"),
                                  "gone": ls.FunctionConfig(handler="not_installed.anywhere:handle")})
    calls = [("update_function_configuration", {"FunctionName": "orders", "Timeout": 30}),
             ("delete_function", {"FunctionName": "gone"}),
             ("create_function", {"FunctionName": "gone", "Role": "arn:aws:iam::123456789012:role/r",
                                  "Code": {"ZipFile": b"x"}})]
    functions = scenario_from_calls(calls, base=base).functions
    assert functions["orders"] == ls.FunctionConfig(timeout_s=30, handler="not_installed.anywhere:handle")
    assert functions["gone"] == ls.FunctionConfig()


def test_function_not_found():
    error = rules.function_not_found(ARN + ":7", function="orders")
    assert isinstance(error, ResourceNotFoundException)
    assert (error.message, error.fields) == (f"Function not found: {ARN}:7", {"function": "orders"})
