"""The Lambda API cases both clients answer: plain data, no test functions.

``tests/test_api_matrix.py`` runs every case through the native ``LambdaClient`` and through real
boto3 under ``mock_aws`` (the ``lam`` fixture in ``conftest.py``). ``VALID_CASES`` / ``INVALID_CASES``
are the service-model contract cases: every request the client accepts validates against botocore's
Lambda model and every response key is a member of the output shape; ``PREPARE`` is the state they
run against. ``AWS_ERRORS`` are AWS's recorded error answers (issue 10: code, message and status,
exactly), each after ``PREPARE``.
"""

from lambdasim.records import RequestIds

ACCOUNT = "123456789012"
ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
MB = 1024 * 1024


def queue(name):
    """The ARN of the SQS queue ``name`` in the test account."""
    return f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"


PREPARE = [  # the state the contract cases run against (helpers.prepare makes these calls)
    ("publish_version", {"FunctionName": "orders"}),
    ("create_alias", {"FunctionName": "orders", "Name": "live", "FunctionVersion": "1"}),
    ("put_function_event_invoke_config", {"FunctionName": "orders", "MaximumRetryAttempts": 1}),
    ("put_function_event_invoke_config", {"FunctionName": "orders:live", "MaximumEventAgeInSeconds": 600}),
    ("put_function_concurrency", {"FunctionName": "echo", "ReservedConcurrentExecutions": 10}),
    ("create_function", {"FunctionName": "pay", "Role": ROLE, "Code": {"ZipFile": b"x"}}),
    ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "live",
                                            "ProvisionedConcurrentExecutions": 1}),
    ("create_event_source_mapping", {"EventSourceArn": queue("work"), "FunctionName": "pay"}),
]
#: The UUID of the mapping PREPARE makes (mapping UUIDs are a seeded series; the scenario's seed is 0).
ESM_UUID = RequestIds(0, stream=12)(1)

PUT, UPDATE = "put_function_event_invoke_config", "update_function_event_invoke_config"
DESTINATIONS = {"OnSuccess": {"Destination": queue("ok")},
                "OnFailure": {"Destination": "arn:aws:sns:us-east-1:123456789012:failed"}}
VALID_CASES = [
    ("invoke", {"FunctionName": "orders", "InvocationType": "Event", "Payload": b'{"id": 1}'}),
    ("invoke", {"FunctionName": f"{ARN}echo", "InvocationType": "RequestResponse", "LogType": "Tail",
                "Payload": '{"id": 2}', "ClientContext": "e30="}),
    ("invoke", {"FunctionName": "orders", "Qualifier": "live", "InvocationType": "DryRun"}),
    (PUT, {"FunctionName": "orders", "Qualifier": "1", "MaximumRetryAttempts": 0,
           "MaximumEventAgeInSeconds": 60, "DestinationConfig": DESTINATIONS}),
    (UPDATE, {"FunctionName": "orders", "MaximumEventAgeInSeconds": 21600,
              "DestinationConfig": {"OnFailure": {"Destination": queue("f")}}}),
    ("get_function_event_invoke_config", {"FunctionName": "orders:live"}),
    ("delete_function_event_invoke_config", {"FunctionName": "orders", "Qualifier": "live"}),
    ("list_function_event_invoke_configs", {"FunctionName": "orders", "MaxItems": 1}),
    ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": 100}),
    ("get_function_concurrency", {"FunctionName": "echo"}),
    ("delete_function_concurrency", {"FunctionName": "echo"}),
    ("get_account_settings", {}),
    ("create_function", {"FunctionName": "refunds", "Role": ROLE, "Code": {"ZipFile": b"PK"},
                         "Runtime": "python3.12", "Handler": "app.handler", "Description": "refunds",
                         "Timeout": 900, "MemorySize": 10240, "Architectures": ["arm64"], "Publish": True,
                         "DeadLetterConfig": {"TargetArn": queue("dlq")}, "Tags": {"team": "payments"},
                         "Environment": {"Variables": {"STAGE": "test"}}}),
    ("update_function_configuration", {
        "FunctionName": "pay", "Timeout": 1, "MemorySize": 128, "Environment": {"Variables": {"A1": "x"}},
        "DeadLetterConfig": {"TargetArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:t"}}),
    ("update_function_code", {"FunctionName": "pay", "ZipFile": b"PK2", "Architectures": ["arm64"],
                              "Publish": True}),
    ("get_function_configuration", {"FunctionName": "orders", "Qualifier": "1"}),
    ("delete_function", {"FunctionName": "pay"}),
    ("publish_version", {"FunctionName": "orders", "Description": "v2"}),
    ("create_alias", {"FunctionName": "orders", "Name": "beta", "FunctionVersion": "1", "Description": "b"}),
    ("update_alias", {"FunctionName": "orders", "Name": "live", "FunctionVersion": "1", "Description": "l",
                      "RoutingConfig": {"AdditionalVersionWeights": {}}}),
    ("get_alias", {"FunctionName": f"{ARN}orders", "Name": "live"}),
    ("list_aliases", {"FunctionName": "orders", "FunctionVersion": "1", "MaxItems": 1}),
    ("delete_alias", {"FunctionName": "orders", "Name": "live"}),
    ("get_function", {"FunctionName": "echo", "Qualifier": "$LATEST"}),
    ("list_functions", {"FunctionVersion": "ALL", "MaxItems": 2}),
    ("list_versions_by_function", {"FunctionName": f"{ARN}orders", "MaxItems": 5}),
    ("get_function_recursion_config", {"FunctionName": "orders"}),
    ("put_function_recursion_config", {"FunctionName": "orders", "RecursiveLoop": "Allow"}),
    ("invoke_async", {"FunctionName": "orders", "InvokeArgs": b'{"id": 3}'}),
    ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "live",
                                            "ProvisionedConcurrentExecutions": 2}),
    ("get_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "live"}),
    ("delete_provisioned_concurrency_config", {"FunctionName": f"{ARN}orders", "Qualifier": "live"}),
    ("list_provisioned_concurrency_configs", {"FunctionName": "orders"}),
    ("create_event_source_mapping", {"EventSourceArn": queue("jobs"), "FunctionName": f"{ARN}pay",
                                     "BatchSize": 100, "MaximumBatchingWindowInSeconds": 5,
                                     "FunctionResponseTypes": ["ReportBatchItemFailures"],
                                     "ScalingConfig": {"MaximumConcurrency": 2}, "Enabled": False}),
    ("get_event_source_mapping", {"UUID": ESM_UUID}),
    ("update_event_source_mapping", {"UUID": ESM_UUID, "BatchSize": 5, "Enabled": False}),
    ("delete_event_source_mapping", {"UUID": ESM_UUID}),
    ("list_event_source_mappings", {"FunctionName": "pay", "EventSourceArn": queue("work"), "MaxItems": 1}),
]
VE = "ValidationException"
INVALID_CASES = [   # (method, kwargs, what fails: "client" = ParamValidationError, else the AWS error code)
    (PUT, {"FunctionName": "orders", "MaximumRetryAttempts": 3}, VE),
    (PUT, {"FunctionName": "orders", "MaximumEventAgeInSeconds": 21601}, VE),
    (PUT, {"FunctionName": "orders", "MaximumEventAgeInSeconds": 59}, "client"),
    (PUT, {"FunctionName": "orders", "DestinationConfig": {"OnFailure": {"Destination": "my-queue"}}}, VE),
    ("invoke", {"FunctionName": "orders", "InvocationType": "Async"}, "ValidationException"),
    ("invoke", {"FunctionName": "orders", "Qualifier": "not a qualifier"}, "ValidationException"),
    ("invoke", {"FunctionName": "orders", "Unknown": 1}, "client"),
    ("list_function_event_invoke_configs", {"FunctionName": "orders", "MaxItems": 51}, "ValidationException"),
    ("list_function_event_invoke_configs", {"FunctionName": "orders", "MaxItems": 0}, "client"),
    ("create_function", {"FunctionName": "x", "Role": ROLE, "Code": {}, "Architectures": ["x86"]},
     "ValidationException"),
    ("create_function", {"FunctionName": "x", "Role": ROLE, "Code": {}, "Architectures": ["x86_64", "arm64"]},
     "ValidationException"),
    ("create_function", {"FunctionName": "x", "Role": "my-role", "Code": {}}, "ValidationException"),
    ("create_function", {"FunctionName": "x", "Role": ROLE, "Code": {}, "Timeout": 5401}, VE),
    ("create_function", {"FunctionName": "x", "Role": ROLE}, "client"),
    ("create_event_source_mapping", {"EventSourceArn": queue("q"), "FunctionName": "orders", "BatchSize": 0},
     "client"),
    ("create_event_source_mapping", {"EventSourceArn": queue("q"), "FunctionName": "orders",
                                     "BatchSize": 10001}, VE),
    ("create_event_source_mapping", {"EventSourceArn": queue("q"), "FunctionName": "orders",
                                     "MaximumBatchingWindowInSeconds": 301}, VE),
    ("update_event_source_mapping", {"UUID": ESM_UUID, "ScalingConfig": {"MaximumConcurrency": 1}}, "client"),
    ("get_function_configuration", {"FunctionName": "x" * 257}, "ValidationException"),
    ("get_function_configuration", {"FunctionName": ""}, "client"),
    ("put_function_concurrency", {"FunctionName": "orders"}, "client"),
    ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": "10"}, "client"),
    ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": -1}, "client"),
    ("create_alias", {"FunctionName": "orders", "Name": "123", "FunctionVersion": "1"}, VE),
    ("publish_version", {"FunctionName": "orders", "Description": "d" * 257}, "ValidationException"),
]


NOT_FOUND, INVALID = "ResourceNotFoundException", "InvalidParameterValueException"
NO_FUNCTION = "The function doesn't exist."
WHOLE_FUNCTION = ("This operation is permitted on Lambda functions only. Aliases and versions do not support "
                  "this operation. Please specify either a function name or an unqualified function ARN.")
GET, DELETE = "get_function_event_invoke_config", "delete_function_event_invoke_config"
LIST = "list_function_event_invoke_configs"


def no_config(qualified):
    return f"The function {ARN}{qualified} doesn't have an EventInvokeConfig"


AWS_ERRORS = [   # (method, kwargs, AWS's error code, message, HTTP status), after PREPARE
    # 1. Put/Update/List on a missing function or qualifier (after the at-least-one-setting check)
    (PUT, {"FunctionName": "nope", "MaximumRetryAttempts": 1}, NOT_FOUND, NO_FUNCTION, 404),
    (PUT, {"FunctionName": "orders", "Qualifier": "7", "MaximumRetryAttempts": 1},
     NOT_FOUND, NO_FUNCTION, 404),
    (PUT, {"FunctionName": f"{ARN}orders:nolive", "MaximumRetryAttempts": 1}, NOT_FOUND, NO_FUNCTION, 404),
    (UPDATE, {"FunctionName": "nope", "MaximumRetryAttempts": 1}, NOT_FOUND, NO_FUNCTION, 404),
    (UPDATE, {"FunctionName": "orders:7", "MaximumRetryAttempts": 1}, NOT_FOUND, NO_FUNCTION, 404),
    (LIST, {"FunctionName": "nope"}, NOT_FOUND, NO_FUNCTION, 404),
    (PUT, {"FunctionName": "nope"}, INVALID,
     "You must specify at least one of error handling or destination setting.", 400),
    # 2. Get/Delete on a missing function or qualifier: the "no config" answer, qualified
    (GET, {"FunctionName": "nope"}, NOT_FOUND, no_config("nope:$LATEST"), 404),
    (GET, {"FunctionName": "orders", "Qualifier": "7"}, NOT_FOUND, no_config("orders:7"), 404),
    (GET, {"FunctionName": f"{ARN}nope:live"}, NOT_FOUND, no_config("nope:live"), 404),
    (DELETE, {"FunctionName": "nope"}, NOT_FOUND, no_config("nope:$LATEST"), 404),
    (DELETE, {"FunctionName": "orders:nolive"}, NOT_FOUND, no_config("orders:nolive"), 404),
    # 4. A Lambda destination that does not exist, at Put and at Update
    (PUT, {"FunctionName": "orders", "DestinationConfig": {"OnFailure": {"Destination": f"{ARN}missing"}}},
     INVALID, f"The destination ARN {ARN}missing is invalid.", 400),
    (UPDATE, {"FunctionName": "orders", "DestinationConfig": {"OnSuccess": {"Destination": f"{ARN}gone:1"}}},
     INVALID, f"The destination ARN {ARN}gone:1 is invalid.", 400),
    # 5. Function not found names $LATEST when no qualifier was given
    ("invoke", {"FunctionName": "nope", "InvocationType": "Event", "Payload": b"{}"}, NOT_FOUND,
     f"Function not found: {ARN}nope:$LATEST", 404),
    ("invoke", {"FunctionName": f"{ARN}nope"}, NOT_FOUND, f"Function not found: {ARN}nope:$LATEST", 404),
    ("invoke", {"FunctionName": "orders:7"}, NOT_FOUND, f"Function not found: {ARN}orders:7", 404),
    ("put_function_concurrency", {"FunctionName": "nope", "ReservedConcurrentExecutions": 1}, NOT_FOUND,
     f"Function not found: {ARN}nope:$LATEST", 404),
    ("get_function_configuration", {"FunctionName": "nope"}, NOT_FOUND,
     f"Function not found: {ARN}nope:$LATEST", 404),
    # 10. Reserved concurrency is for whole functions
    ("put_function_concurrency", {"FunctionName": "orders:1", "ReservedConcurrentExecutions": 1}, INVALID,
     WHOLE_FUNCTION, 400),
    ("put_function_concurrency", {"FunctionName": f"{ARN}orders:live", "ReservedConcurrentExecutions": 1},
     INVALID, WHOLE_FUNCTION, 400),
    ("put_function_concurrency", {"FunctionName": "orders:$LATEST", "ReservedConcurrentExecutions": 1},
     INVALID, WHOLE_FUNCTION, 400),
]


def case_id(case):
    method, kwargs = case[0], case[1]
    return f"{method}-{'-'.join(f'{k}' for k in kwargs if k != 'FunctionName')}"
