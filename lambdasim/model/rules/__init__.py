"""AWS's rules, once: the limits, the defaults and the pure checks every layer applies.

The scenario validator (:mod:`lambdasim.model`), the engine, the boto3-shaped client
(:mod:`lambdasim.aws`) and the scenario exporter read these constants and call these checks, so a
rule changes in one place. Lambda's rules are one module per topic (names and ARNs, event-invoke
configs, concurrency, payloads, invocations, function settings, function states, aliases), gathered
by :mod:`~lambdasim.model.rules.lambda_service`; the other services have one module each:
:mod:`~lambdasim.model.rules.target_services` (SQS, SNS and S3 as simulated targets),
:mod:`~lambdasim.model.rules.event_source_mappings`,
:mod:`~lambdasim.model.rules.schedules` (EventBridge schedule expressions) and
:mod:`~lambdasim.model.rules.cloudwatch_alarms` (CloudWatch metric alarms). Every name is
re-exported here, so callers write ``rules.NAME``. Plain Python: these modules import only
:mod:`lambdasim.model.errors` and each other. Each rule is written in exactly one of them
(``tests/test_rules.py`` checks it).
"""

from lambdasim.model.rules import (
    cloudwatch_alarms,
    event_source_mappings,
    lambda_service,
    schedules,
    target_services,
)
from lambdasim.model.rules.cloudwatch_alarms import *  # noqa: F403
from lambdasim.model.rules.event_source_mappings import *  # noqa: F403
from lambdasim.model.rules.lambda_service import *  # noqa: F403
from lambdasim.model.rules.schedules import *  # noqa: F403
from lambdasim.model.rules.target_services import *  # noqa: F403

__all__ = [*lambda_service.__all__, *target_services.__all__, *event_source_mappings.__all__,
           *schedules.__all__, *cloudwatch_alarms.__all__]
