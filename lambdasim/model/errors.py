"""AWS Lambda exception classes, shaped like the service's own errors.

Each class carries the AWS error code (its name) and the HTTP status the Lambda API returns for it
(docs/aws-behaviour.md §1). The engine raises them for bad input and rejected invokes; the boto3-shaped client
turns them into botocore-style errors.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LambdaError",
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "RecursiveInvocationException",
    "ResourceNotFoundException",
    "ResourceConflictException",
    "PreconditionFailedException",
    "ProvisionedConcurrencyConfigNotFoundException",
    "RequestEntityTooLargeException",
    "RequestTooLargeException",
    "TooManyRequestsException",
    "ServiceException",
    "ValidationException",
    "invalid_value",
    "TargetServiceError",
]


class LambdaError(Exception):
    """Base of the AWS Lambda errors: ``code`` is the AWS error code, ``http_status`` its status."""

    http_status = 500

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    @property
    def code(self) -> str:
        return type(self).__name__


class InvalidParameterValueException(LambdaError, ValueError):
    """A parameter is out of range or malformed (HTTP 400)."""

    http_status = 400


class InvalidRequestContentException(LambdaError, ValueError):
    """The request body is not valid JSON (HTTP 400)."""

    http_status = 400


class RecursiveInvocationException(LambdaError):
    """Lambda detected a recursive loop and stopped the invocation (HTTP 400)."""

    http_status = 400


class ResourceNotFoundException(LambdaError, LookupError):
    """The function, version, alias or configuration does not exist (HTTP 404)."""

    http_status = 404


class ProvisionedConcurrencyConfigNotFoundException(LambdaError, LookupError):
    """The version or alias has no provisioned concurrency configuration (HTTP 404)."""

    http_status = 404


class ResourceConflictException(LambdaError):
    """The resource already exists or is being changed (HTTP 409)."""

    http_status = 409


class PreconditionFailedException(LambdaError):
    """The request's ``RevisionId`` is not the resource's current one (HTTP 412)."""

    http_status = 412


class RequestEntityTooLargeException(LambdaError):
    """The payload is over the invocation payload quota (HTTP 413).

    ``RequestEntityTooLargeException`` is the code AWS answers an oversized Invoke with, though
    botocore's Lambda model does not define it: boto3 raises a plain ``ClientError`` with that
    code (``lam.exceptions`` has no class for it).
    """

    http_status = 413


#: The earlier name of :class:`RequestEntityTooLargeException` (the model's ``RequestTooLargeException``
#: shape, which AWS does not answer Invoke with); kept so ``except ls.RequestTooLargeException`` works.
RequestTooLargeException = RequestEntityTooLargeException


class TooManyRequestsException(LambdaError):
    """No concurrency or rate allowance left (HTTP 429); ``reason`` is AWS's ThrottleReason."""

    http_status = 429

    def __init__(self, message: str, reason: str = "", **fields: Any) -> None:
        super().__init__(message, reason=reason, **fields)
        self.reason = reason


class ServiceException(LambdaError):
    """Lambda internal error (HTTP 500)."""

    http_status = 500


class ValidationException(LambdaError, ValueError):
    """A request member breaks a length, range, ``enum`` or ``pattern`` constraint of the model (HTTP 400)."""

    http_status = 400


def invalid_value(field: str, value: Any, allowed: str) -> InvalidParameterValueException:
    """Build the error for a bad input: it names the field, the value given and what is allowed."""
    return InvalidParameterValueException(
        f"{field}: {value!r} is not valid; allowed: {allowed}", field=field, value=value, allowed=allowed
    )


class TargetServiceError(Exception):
    """An error of a simulated target service (SQS, SNS, S3) read through boto3 under ``mock_aws``,
    or of an operation lambdasim does not simulate: AWS's ``code``, ``message`` and HTTP
    ``http_status``, and the members that service adds to its ``Error`` (``fields``: SQS's
    ``QueryErrorCode`` and ``Type``, S3's ``BucketName`` or ``Key``)."""

    def __init__(self, code: str, message: str, http_status: int = 400, **fields: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.fields = fields
