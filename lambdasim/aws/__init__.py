"""The AWS-facing layer: the boto3-shaped client, its wire protocol, the boto3 hook and the
translation between scenarios and API calls. Imports botocore; nothing below it does.

Modules, top down (each imports only those below it; AWS's rules themselves are
:mod:`lambdasim.model.rules`):

- ``mock`` (real boto3 answered in process, and nothing sent while a block is open) and
  ``scenario_calls`` (scenario ⇄ API calls);
- ``targets``: the simulated SQS queues, SNS topics and S3 buckets answer boto3's read operations
  (``sqs``, ``sns``, ``s3``, one module each; ``pages`` pages their listings);
  ``lambda_requests`` reads a serialized Lambda request back into its parameters;
- ``client``: :class:`LambdaClient`, boto3's methods and the request pipeline (validate, dispatch,
  answer);
- the operations: ``invoke``, ``event_invoke_configs``, ``functions`` (functions, versions,
  aliases) and ``concurrency`` (reserved concurrency, account settings);
- ``service``: what the service keeps beside a simulation, and how a request names a function;
- ``wire`` (rest-json out and back), ``validation`` (the service model's constraints),
  ``exceptions`` (ClientError classes), ``service_model`` (botocore's Lambda model).

    import lambdasim as ls
    ls.aws.scenario_to_cli(scenario)            # the `aws lambda …` commands of a scenario
    ls.aws.scenario_to_boto3_calls(scenario)    # the same as (method, params) boto3 calls
    ls.aws.scenario_from_calls(calls)           # and back, with AWS's checks and semantics
"""

from lambdasim.aws.client import LambdaClient
from lambdasim.aws.scenario_calls import scenario_from_calls, scenario_to_boto3_calls, scenario_to_cli

__all__ = ["LambdaClient", "scenario_from_calls", "scenario_to_boto3_calls", "scenario_to_cli"]
