"""botocore's Lambda service model, and the operations the simulation answers.

Every other module of the AWS layer reads shapes, paginators and error codes from here, so the
model is loaded once (from botocore's ``data/lambda`` files, never from the network).
"""

from __future__ import annotations

from functools import lru_cache

import botocore.loaders
import botocore.model
from botocore import xform_name

__all__ = ["OPERATIONS", "service_model", "paginators"]

#: The operations the simulation answers, by boto3 method name.
OPERATIONS = {xform_name(name): name for name in (
    "Invoke", "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig",
    "GetFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig", "ListFunctionEventInvokeConfigs",
    "PutFunctionConcurrency", "GetFunctionConcurrency", "DeleteFunctionConcurrency", "GetAccountSettings",
    "CreateFunction", "UpdateFunctionConfiguration", "UpdateFunctionCode", "GetFunctionConfiguration",
    "DeleteFunction", "PublishVersion", "CreateAlias", "UpdateAlias", "GetAlias", "DeleteAlias",
    "ListAliases", "GetFunction", "ListFunctions", "ListVersionsByFunction", "GetFunctionRecursionConfig",
    "PutFunctionRecursionConfig", "InvokeAsync", "PutProvisionedConcurrencyConfig",
    "GetProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig",
    "ListProvisionedConcurrencyConfigs", "CreateEventSourceMapping", "GetEventSourceMapping",
    "UpdateEventSourceMapping", "DeleteEventSourceMapping", "ListEventSourceMappings")}


@lru_cache(maxsize=1)
def service_model() -> botocore.model.ServiceModel:
    """botocore's Lambda service model (``botocore/data/lambda/2015-03-31/service-2.json``)."""
    data = botocore.loaders.Loader().load_service_model("lambda", "service-2")
    return botocore.model.ServiceModel(data, service_name="lambda")


@lru_cache(maxsize=1)
def paginators() -> dict:
    """botocore's paginator configurations of the Lambda API, by operation name."""
    return botocore.loaders.Loader().load_service_model("lambda", "paginators-1")["pagination"]
