"""A function's state as it is created or updated through the API (``Pending`` -> ``Active``,
``LastUpdateStatus`` ``InProgress`` -> ``Successful``), Lambda's answers while it is not ready, and
its answers to a change made against a state that is no longer current (``RevisionId``,
``CodeSha256``).
"""

from __future__ import annotations

from lambdasim.model.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
)

__all__ = [
    "DEFAULT_FUNCTION_PENDING_S", "MAX_FUNCTION_PENDING_S", "STATE_ACTIVE", "STATE_PENDING",
    "UPDATE_SUCCESSFUL", "UPDATE_IN_PROGRESS", "CREATING_REASON", "CREATING_REASON_CODE",
    "function_pending", "update_in_progress", "check_revision", "check_code_sha256",
]

# Lambda function states: https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
# ("Lambda does not invoke a function during pending state"; during an update "invocations continue
# to use the function's previous code and configuration" while UpdateFunctionCode,
# UpdateFunctionConfiguration and PublishVersion fail).

#: lambdasim's default for how long a function created or updated through the API stays ``Pending``
#: / ``InProgress`` (AWS documents no figure: seconds for a plain function, "a minute" with a VPC).
DEFAULT_FUNCTION_PENDING_S = 1.0
#: The longest delay accepted: botocore's ``function_active_v2`` / ``function_updated_v2`` waiters
#: give up after 300 polls 1 s apart (``function_active`` after 60 polls 5 s apart), so a longer
#: delay would be one that AWS's own tooling treats as a failure.
MAX_FUNCTION_PENDING_S = 300.0

STATE_ACTIVE = "Active"
STATE_PENDING = "Pending"
UPDATE_SUCCESSFUL = "Successful"
UPDATE_IN_PROGRESS = "InProgress"
#: ``StateReason`` / ``StateReasonCode`` of a function just created, as recorded CreateFunction
#: responses show them; recorded UpdateFunctionConfiguration responses give the same pair as
#: ``LastUpdateStatusReason`` / ``LastUpdateStatusReasonCode`` while ``InProgress``.
CREATING_REASON = "The function is being created."
CREATING_REASON_CODE = "Creating"


def function_pending() -> ResourceConflictException:
    """AWS's answer (HTTP 409) to Invoke, an update or PublishVersion while the function is
    ``Pending`` (the message of Lambda's troubleshooting guide, "Operation cannot be performed")."""
    return ResourceConflictException("The operation cannot be performed at this time. "
                                     f"The function is currently in the following state: {STATE_PENDING}")


def update_in_progress(function_arn: str) -> ResourceConflictException:
    """AWS's answer (HTTP 409) to an update or PublishVersion while ``LastUpdateStatus`` is
    ``InProgress``; ``function_arn`` is the function's unqualified ARN."""
    return ResourceConflictException("The operation cannot be performed at this time. "
                                     f"An update is in progress for resource: {function_arn}")


# Optimistic locking, as LocalStack's AWS-validated snapshots record it
# (tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaRevisions and
# TestLambdaVersions::test_publish_with_wrong_sha256, recorded against AWS November 2023).


def check_revision(given: str | None, current: str) -> None:
    """AWS's HTTP 412 when a request's ``RevisionId`` (None: left out, no check) is not the current
    ``RevisionId`` of the function's ``$LATEST`` or of the alias it changes. Recorded for
    UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion and UpdateAlias, one message."""
    if given is not None and given != current:
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
            revision_id=given, current=current)


def check_code_sha256(given: str | None, current: str) -> None:
    """AWS's answer to a PublishVersion whose ``CodeSha256`` (None: left out, no check) is not the
    hash of ``$LATEST``'s code: HTTP 400 ``InvalidParameterValueException`` (not 412), as recorded."""
    if given is not None and given != current:
        raise InvalidParameterValueException(
            f"CodeSHA256 ({given}) is different from current CodeSHA256 in $LATEST ({current}). "
            "Please try again with the CodeSHA256 in $LATEST.", code_sha256=given, current=current)
