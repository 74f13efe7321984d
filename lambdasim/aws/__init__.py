"""The AWS-facing layer: the boto3-shaped client, its wire protocol, the boto3 hook and the
translation between scenarios and API calls. Imports botocore; nothing below it does.

    import lambdasim as ls
    ls.aws.scenario_to_cli(scenario)            # the `aws lambda …` commands of a scenario
    ls.aws.scenario_to_boto3_calls(scenario)    # the same as (method, params) boto3 calls
    ls.aws.scenario_from_calls(calls)           # and back, with AWS's checks and semantics
"""

from lambdasim.aws.client import LambdaClient
from lambdasim.aws.scenario_calls import scenario_from_calls, scenario_to_boto3_calls, scenario_to_cli

__all__ = ["LambdaClient", "scenario_from_calls", "scenario_to_boto3_calls", "scenario_to_cli"]
