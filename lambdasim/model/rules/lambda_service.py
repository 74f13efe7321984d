"""AWS Lambda's own rules, gathered from their topic modules under one name.

The scenario validator (:mod:`lambdasim.model`), the engine's control plane
(:mod:`lambdasim.engine.control`), the boto3-shaped client (:mod:`lambdasim.aws`) and the
scenario exporter all read these constants and call these checks, so a rule changes in one place.
Each check raises AWS's own exception with AWS's own message (``docs/aws-behaviour.md``,
sections in brackets). Each rule is written in one topic module:

* :mod:`~lambdasim.model.rules.names`: function names, Regions, ARNs, qualifiers; "not found" answers
* :mod:`~lambdasim.model.rules.event_invoke_configs`: retries, event age, destinations, Put and Update
* :mod:`~lambdasim.model.rules.concurrency`: the account limit, reservations, provisioned concurrency
* :mod:`~lambdasim.model.rules.payloads`: size limits and the JSON of a request body
* :mod:`~lambdasim.model.rules.invocations`: system errors, error payloads, the recursion limit
* :mod:`~lambdasim.model.rules.function_settings`: timeout, memory, architectures, environment
* :mod:`~lambdasim.model.rules.function_states`: ``Pending`` and ``InProgress`` and their conflicts;
  ``RevisionId`` and ``CodeSha256`` preconditions
* :mod:`~lambdasim.model.rules.aliases`: alias names, routing weights, versions in use
"""

from lambdasim.model.rules import (
    aliases,
    concurrency,
    event_invoke_configs,
    function_settings,
    function_states,
    invocations,
    names,
    payloads,
)
from lambdasim.model.rules.aliases import *  # noqa: F403
from lambdasim.model.rules.concurrency import *  # noqa: F403
from lambdasim.model.rules.event_invoke_configs import *  # noqa: F403
from lambdasim.model.rules.function_settings import *  # noqa: F403
from lambdasim.model.rules.function_states import *  # noqa: F403
from lambdasim.model.rules.invocations import *  # noqa: F403
from lambdasim.model.rules.names import *  # noqa: F403
from lambdasim.model.rules.payloads import *  # noqa: F403

#: Lambda's topic modules, in the order of the list above.
TOPICS = (names, event_invoke_configs, concurrency, payloads, invocations, function_settings, function_states,
          aliases)

__all__ = [name for topic in TOPICS for name in topic.__all__]
