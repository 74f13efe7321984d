"""Lambda's names: function names, Regions, ARNs and qualifiers, and its answers when a name or a
List operation's page marker finds nothing.
"""

from __future__ import annotations

from typing import Any

from lambdasim.model.errors import InvalidParameterValueException, ResourceNotFoundException

__all__ = [
    "LATEST", "FUNCTION_NAME_PATTERN", "REGION_PATTERN", "ARN_PATTERN", "FUNCTION_ARN_PATTERN",
    "function_arn", "parse_function", "function_not_found", "function_does_not_exist", "is_local",
    "check_account", "is_local_function", "unqualified_arn", "service_of", "invalid_marker",
]

#: The unpublished version of a function, and the qualifier of an unqualified invoke.
LATEST = "$LATEST"
#: A function name: 1-64 letters, digits, hyphens or underscores.
FUNCTION_NAME_PATTERN = r"[A-Za-z0-9_-]{1,64}"
#: A Region name such as ``us-east-1``.
REGION_PATTERN = r"[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d"
#: An ARN of any service, Region and account (``arn:aws:<service>:<region>:<account>:...``).
ARN_PATTERN = r"arn:(aws[a-zA-Z0-9-]*):[a-zA-Z0-9-]+:(" + REGION_PATTERN + r")?:(\d{12})?:.+"
#: A Lambda function ARN, optionally qualified: botocore's ``FunctionArn`` shape pattern (Lambda 2015-03-31).
FUNCTION_ARN_PATTERN = (r"arn:(aws[a-zA-Z-]*)?:lambda:" + REGION_PATTERN + r":\d{12}:function:"
                        + FUNCTION_NAME_PATTERN + r"(:(\$LATEST|[a-zA-Z0-9-_]+))?")


def function_arn(region: str, account_id: str, name: str, qualifier: str | None = None) -> str:
    """``arn:aws:lambda:{region}:{account_id}:function:{name}[:{qualifier}]``."""
    arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    return arn if qualifier is None else f"{arn}:{qualifier}"


def parse_function(function: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """Split a name, ARN, partial ARN or ``name:qualifier`` into (name, qualifier or None).

    A qualifier given both in the name and as ``qualifier`` must agree, as AWS requires.
    """
    name = function.split(":function:", 1)[1] if ":function:" in function else function
    name, _, suffix = name.partition(":")
    if suffix and qualifier and suffix != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier.")
    return name, (qualifier or suffix or None)


def function_not_found(arn: str, **fields: Any) -> ResourceNotFoundException:
    """AWS's error for a function, version or alias that does not exist.

    ``arn`` is qualified: AWS names ``$LATEST`` when the caller gave no qualifier
    (``Function not found: arn:aws:lambda:...:function:orders:$LATEST``, recorded November 2025).
    """
    return ResourceNotFoundException(f"Function not found: {arn}", **fields)


def function_does_not_exist() -> ResourceNotFoundException:
    """AWS's error when Put/Update/ListFunctionEventInvokeConfig(s) names a missing function or
    qualifier: it names neither."""
    return ResourceNotFoundException("The function doesn't exist.")


def is_local(function: str, region: str, account_id: str) -> bool:
    """False when an ARN or partial ARN names another account or Region (a bare name is local)."""
    if ":function:" not in function:
        return True
    head = function.split(":function:", 1)[0].split(":")
    return head[-1] == account_id and (head[-2] if len(head) >= 2 else region) == region


def check_account(function: str, region: str, account_id: str) -> None:
    """Raise ``ResourceNotFoundException`` when an ARN or partial ARN names another account or Region."""
    if not is_local(function, region, account_id):
        raise function_not_found(function)


def is_local_function(arn: str, region: str, account_id: str) -> bool:
    """True when a Lambda function ARN names a function of this account and Region.

    A function ARN in another Region or account is a different function, even with the same name.
    """
    parts = arn.split(":")
    return len(parts) >= 7 and parts[3] == region and parts[4] == account_id


def unqualified_arn(arn: str) -> str:
    """A Lambda function ARN without its qualifier (other ARNs come back unchanged up to 7 parts)."""
    return ":".join(arn.split(":")[:7])


def service_of(arn: str) -> str:
    """The service of an ARN (``sqs`` in ``arn:aws:sqs:...``); "" for anything else."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else ""


def invalid_marker(marker: str) -> InvalidParameterValueException:
    """A List operation's ``Marker`` that no page of this listing gave."""
    return InvalidParameterValueException(f"Invalid marker: {marker}")
