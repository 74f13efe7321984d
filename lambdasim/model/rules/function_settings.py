"""A function's configuration limits: timeout, memory, architectures, the Init phase's limit, and
the environment variables it may not set.
"""

from __future__ import annotations

from collections.abc import Iterable

from lambdasim.model.errors import InvalidParameterValueException

__all__ = [
    "TIMEOUT_S", "INIT_LIMIT_S", "MEMORY_MB", "ARCHITECTURES", "ENV_VAR_NAME_PATTERN",
    "RUNTIME_FIXED_VARIABLES", "RESERVED_ENV_VARIABLES", "check_environment_keys",
]

#: ``Timeout`` (s) and ``MemorySize`` (MB): inclusive ranges.
TIMEOUT_S = (1, 900)
#: The Init phase (a cold start) of an on-demand function is limited to 10 s (docs/aws-behaviour.md
#: §11, AWS "Lambda execution environment lifecycle",
#: docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html:
#: "The Init phase is limited to 10 seconds"; with provisioned
#: concurrency or SnapStart, the greater of 130 s or the timeout). lambdasim's cold starts are
#: on-demand ones (a provisioned environment has none), so 10 s bounds them.
INIT_LIMIT_S = 10.0
MEMORY_MB = (128, 10_240)
ARCHITECTURES = ("x86_64", "arm64")

#: ``Environment.Variables``: a name matches botocore's ``EnvironmentVariableName`` pattern.
ENV_VAR_NAME_PATTERN = r"[a-zA-Z]([a-zA-Z0-9_])+"
#: Fixed values of runtime variables Lambda defines ("Defined runtime environment variables",
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
RUNTIME_FIXED_VARIABLES = {"LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime",
                           "TZ": ":UTC", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}
#: The defined runtime variables a function's ``Environment.Variables`` may not set (same page). The
#: page lists ``TZ`` too, but AWS accepts it (functions set TZ to change their time zone): not refused.
RESERVED_ENV_VARIABLES = (
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
)


def check_environment_keys(names: Iterable[str]) -> None:
    """Refuse reserved variable names as AWS does: 400 ``InvalidParameterValueException``.

    AWS's message (as CloudFormation, Terraform and the SDKs report it) lists the reserved keys
    used, separated by ", ".
    """
    used = [name for name in names if name in RESERVED_ENV_VARIABLES]
    if used:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(used)}")
