"""AWS's errors as a boto3 client raises them: ClientError subclasses that are lambdasim's too.

``client.exceptions.ResourceNotFoundException`` (and one class per error shape of the model) is a
:class:`botocore.exceptions.ClientError` subclass that is also lambdasim's own error class of the
same name, so ``except ls.ResourceNotFoundException`` catches it as well. The classes name
``lambdasim.aws.client`` as their module: that of the client they are raised from.
"""

from __future__ import annotations

from functools import cache, lru_cache

from botocore.exceptions import ClientError

from lambdasim.aws.service_model import service_model
from lambdasim.model import errors
from lambdasim.model.errors import ValidationException

__all__ = ["client_error_class", "ClientExceptions", "client_exceptions", "ApiError"]

#: The module the ClientError classes name as theirs: that of the client they are raised from.
_CLIENT_MODULE = "lambdasim.aws.client"


class _ClientErrorBase(ClientError):
    """A botocore ClientError that is also a :class:`lambdasim.model.errors.LambdaError`."""

    def __init__(self, error_response: dict, operation_name: str) -> None:
        super().__init__(error_response, operation_name)
        self.message = error_response.get("Error", {}).get("Message", "")
        self.fields = {k: v for k, v in error_response.items() if k not in ("Error", "ResponseMetadata")}
        if "Reason" in error_response:
            self.reason = error_response["Reason"]


@cache
def client_error_class(code: str) -> type[ClientError]:
    """The exception class a client raises for AWS error ``code``: a ClientError subclass that is
    also lambdasim's error of that name (or a :class:`~lambdasim.model.errors.LambdaError`)."""
    base = getattr(errors, code, None)
    if code == "ValidationException":
        base = ValidationException
    if not (isinstance(base, type) and issubclass(base, errors.LambdaError)):
        shape = service_model().shape_for_error_code(code)
        status = shape.metadata.get("error", {}).get("httpStatusCode", 400) if shape else 400
        base = type(code, (errors.LambdaError,), {"http_status": status, "__module__": _CLIENT_MODULE})
    namespace = {"__module__": _CLIENT_MODULE, "__qualname__": f"exceptions.{code}"}
    return type(code, (_ClientErrorBase, base), namespace)


class ClientExceptions:
    """``client.exceptions``: a class per error of the model, like boto3's; ``from_code(code)``."""

    ClientError = ClientError

    def __init__(self) -> None:
        names = [shape.name for shape in service_model().error_shapes] + ["ValidationException"]
        self._codes = {name: client_error_class(name) for name in names}
        for name, cls in self._codes.items():
            setattr(self, name, cls)

    def from_code(self, code: str) -> type[ClientError]:
        return self._codes.get(code, ClientError)


@lru_cache(maxsize=1)
def client_exceptions() -> ClientExceptions:
    """The one ``client.exceptions`` object (the classes are the same for every client)."""
    return ClientExceptions()


class ApiError(errors.LambdaError):
    """An AWS error without a lambdasim class of its own."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self._code, self.http_status = code, status

    @property
    def code(self) -> str:
        return self._code


