"""A CloudFormation template's async configuration, read into the scenario-file shape.

The text is decoded by cfn-lint's template decoder (YAML with the short intrinsic tags such as
``!Ref`` and ``!GetAtt``, or JSON), imported when a template is read so ``import lambdasim`` stays
fast; intrinsic functions are evaluated by :class:`~lambdasim.model.templates.intrinsics.Resolver`.
Each resource type lambdasim models has a reader below that fills the scenario dict
(``functions``, ``targets``, ``EventSourceMappings``, ``workloads``) and says which of its
properties it reads, which do not change what happens to an async event (ignored), and which do
but are not simulated (each a finding of the :class:`TemplateReport`, with why). A property of a
modelled type that is in none of those lists is reported too: nothing is dropped silently.

Choices where a template does not say (docs/aws-behaviour.md §20):

* Versions of a function are numbered 1, 2, ... in template order (CloudFormation publishes them
  in the order it creates them; a ``DependsOn`` chain makes that the template order).
* A scenario file has no aliases: invocations through an alias are simulated on the version it
  points to when the scenario publishes that version (it publishes 1..N, N the highest with
  provisioned concurrency), else on ``$LATEST``. Provisioned concurrency on an alias is
  provisioned concurrency on its version.
* A scenario file holds ``$LATEST``'s EventInvokeConfig and one per version it publishes
  (``VersionEventInvokeConfigs``): a config for ``$LATEST``, a published version, or an alias
  simulated on one of them is applied there; a second for the same qualifier, or one for a version
  the scenario does not publish, is reported, not applied.
* An ``AWS::Events::Rule`` with ``ScheduleExpression: rate(...)`` targeting a function becomes a
  constant workload of that rate from 0 s to the horizon (``horizon_s`` or one hour).
"""

from lambdasim.model.templates.cloudformation.decoding import decode, plain
from lambdasim.model.templates.cloudformation.event_sources import SCHEDULE_HORIZON_S
from lambdasim.model.templates.cloudformation.reader import IGNORED_TYPES, scenario_dict_from_cloudformation
from lambdasim.model.templates.report import unplaced_invoke_config

__all__ = ["decode", "plain", "scenario_dict_from_cloudformation", "SCHEDULE_HORIZON_S", "IGNORED_TYPES",
           "unplaced_invoke_config"]
