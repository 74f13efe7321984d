"""The declarative description of a run: account, functions, event-invoke configs, workloads, seed.

Frozen dataclasses validate on construction; ``from_dict`` / ``from_yaml`` read the scenario file
shape of the README (AWS settings keep AWS's CamelCase names, simulator settings are snake_case with
units) and name the dotted path the user wrote in every error; ``to_dict`` writes that shape back,
so ``Scenario.from_dict(s.to_dict()) == s``. ``Scenario.replace`` makes validated copies for
widgets and sweeps. The per-function settings live in :mod:`lambdasim.model.functions`, the
account in :mod:`lambdasim.model.account` and the async queue's timing in
:mod:`lambdasim.model.async_queue`; their classes are re-exported here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from lambdasim.model.account import Account
from lambdasim.model.async_queue import QueueSettings
from lambdasim.model.errors import InvalidParameterValueException, invalid_value
from lambdasim.model.event_source_mappings import MappingSettings, mapping_dict, read_mapping
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.loading import (
    garbage_collection_paused,
    parse_yaml,
    read_file,
    read_source,
    untrusted_handler,
)
from lambdasim.model.rules import (
    FUNCTION_NAME_PATTERN,
    LATEST,
    function_arn,
    invalid_destination,
    is_own_destination,
    missing_lambda_destination,
    parse_function,
    reservation_message,
    unreserved_floor,
)
from lambdasim.model.target_behaviours import check_function_arn, check_targets, target_dict
from lambdasim.model.validation import (
    check_instance,
    check_keys,
    check_number,
    check_sequence,
    check_str,
    replaced,
)
from lambdasim.model.workloads import Workload

__all__ = ["DestinationConfig", "EventInvokeConfig", "FunctionConfig", "Account", "QueueSettings", "Scenario",
           "DEFAULT_MAX_EVENTS"]

_FUNCTIONS = "a mapping of at least one function name to its settings"
_HORIZON = "None or number > 0"
_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]00:00)"
_ISO_ALLOWED = "an ISO 8601 UTC time such as 2025-01-01T00:00:00Z"
#: The most events a scenario's workloads may be expected to produce unless it sets ``max_events``:
#: about 100 s of simulation at the engine's 100,000 events per second (benchmarks/README.md).
DEFAULT_MAX_EVENTS = 10_000_000


class _ReadOnlyDict(dict):
    """A dict that refuses changes, yet pickles and deep-copies (MappingProxyType does neither)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("scenario mappings are read-only: use Scenario.replace")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore

    def __reduce__(self) -> tuple:
        return type(self), (dict(self),)


@dataclass(frozen=True)
class Scenario:
    """Everything one run needs: functions, workloads, account, queue timing, targets, seed, horizon.

    ``dispatch`` is ``aws`` (throttle and back off) or ``ideal`` (FIFO wait for a free slot);
    ``horizon_s`` None runs until every accepted event is resolved. ``targets`` maps a destination
    ARN to its simulated behaviour: ``{unavailable: [{start_s, end_s}, ...]}``; a destination ARN
    the scenario does not list there is a target that always accepts (targets need no declaring).
    ``max_events`` bounds the events the workloads are expected to produce (each one and all
    together, up to ``horizon_s``), so that a run which could never finish is refused at load.
    """

    functions: Mapping[str, FunctionConfig]
    workloads: tuple[Workload, ...] = ()
    account: Account = Account()
    queue: QueueSettings = QueueSettings()
    targets: Mapping[str, Mapping] = field(default_factory=dict)
    seed: int = 0
    horizon_s: float | None = None
    dispatch: str = "aws"
    start_time: str = "2025-01-01T00:00:00Z"
    max_events: int = DEFAULT_MAX_EVENTS
    #: The file's ``EventSourceMappings``: SQS queues mapped to functions (enabled at 0).
    event_source_mappings: tuple[MappingSettings, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.functions, Mapping) or not self.functions:
            raise invalid_value("functions", self.functions, _FUNCTIONS)
        for name, config in self.functions.items():
            check_str(name, f"functions.{name}", FUNCTION_NAME_PATTERN,
                      "a function name of 1-64 letters, digits, '-' or '_'")
            check_instance(config, f"functions.{name}", FunctionConfig)
        object.__setattr__(self, "functions", _ReadOnlyDict(self.functions))
        object.__setattr__(self, "workloads", check_sequence(self.workloads, "workloads", "a list"))
        for i, workload in enumerate(self.workloads):
            check_instance(workload, f"workloads[{i}]", Workload)
            if workload.target is None and workload.function not in self.functions:
                raise invalid_value(f"workloads[{i}].function", workload.function,
                                    "one of the functions " + ", ".join(self.functions))
        check_instance(self.account, "account", Account)
        check_instance(self.queue, "queue", QueueSettings)
        object.__setattr__(self, "targets", _ReadOnlyDict(check_targets(self.targets)))
        object.__setattr__(self, "seed", check_number(self.seed, "seed", ge=0, integer=True))
        if self.horizon_s is not None:
            horizon = check_number(self.horizon_s, "horizon_s", gt=0, allowed=_HORIZON)
            object.__setattr__(self, "horizon_s", horizon)
        check_str(self.dispatch, "dispatch", "aws|ideal", "aws or ideal")
        check_str(self.start_time, "start_time", _ISO, _ISO_ALLOWED)
        try:  # the pattern passes 2025-02-30, which no calendar has
            datetime.fromisoformat(self.start_time.replace("Z", "+00:00"))
        except ValueError as exc:
            raise invalid_value("start_time", self.start_time,
                                f"{_ISO_ALLOWED}, on a real date ({exc})") from None
        limit = check_number(self.max_events, "max_events", ge=1, integer=True)
        object.__setattr__(self, "max_events", limit)
        self._check_functions()
        self._check_subscriptions()
        self._check_workloads()
        self._check_mappings()

    def _check_mappings(self) -> None:
        """Each ``EventSourceMappings`` entry is a checked mapping to a function of the scenario."""
        mappings = check_sequence(self.event_source_mappings, "EventSourceMappings", "a list of mappings")
        object.__setattr__(self, "event_source_mappings", mappings)
        for i, mapping in enumerate(mappings):
            check_instance(mapping, f"EventSourceMappings[{i}]", MappingSettings)
            mapping.check(f"EventSourceMappings[{i}]")
            name = parse_function(mapping.function_name)[0]
            if name not in self.functions:
                raise invalid_value(f"EventSourceMappings[{i}].FunctionName", mapping.function_name,
                                    "one of the functions " + ", ".join(self.functions))

    def _check_subscriptions(self) -> None:
        """A topic's Lambda subscriber of this account and Region is a function of the scenario, as a
        Lambda destination is: a missing one would silently receive nothing (our choice: refuse it)."""
        region, account_id = self.account.region, self.account.account_id
        for arn, target in self.targets.items():
            for i, subscriber in enumerate(target.get("subscriptions", ())):
                if missing_lambda_destination(subscriber, region, account_id, self.functions):
                    raise invalid_value(f"targets.{arn}.subscriptions[{i}]", subscriber,
                                        f"an SQS queue ARN or the ARN of one of the functions "
                                        f"{', '.join(self.functions)}")

    def _check_workloads(self) -> None:
        """Each workload's qualifier is one the scenario has, and its expected event count (up to
        ``horizon_s``) is at most ``max_events``, as is the sum: a run that cannot finish is refused."""
        total, limit = 0.0, self.max_events
        for i, workload in enumerate(self.workloads):
            qualifier = workload.qualifier
            if qualifier is not None and qualifier != LATEST:
                versions = max((int(v) for v, _ in self.functions[workload.function].provisioned), default=0)
                if qualifier not in {str(v) for v in range(1, versions + 1)}:
                    published = f"the versions 1-{versions} it publishes, " if versions else ""
                    raise invalid_value(f"workloads[{i}].qualifier", qualifier, (
                        f"None, {LATEST}, or {published}of function {workload.function} (a scenario "
                        "publishes versions 1-N when ProvisionedConcurrencyConfigs names version N; aliases "
                        "are made through the API, and invoked with sim.invoke or the client)"))
            expected = workload.expected_events(self.horizon_s)
            total += expected
            if expected > limit:
                raise invalid_value(f"workloads[{i}]", f"about {expected:,.0f} events", _max_events(limit))
        if total > limit:
            raise invalid_value("workloads", f"about {total:,.0f} events in all", _max_events(limit))

    def _check_functions(self) -> None:
        """A Lambda destination is another function of the scenario (AWS refuses a missing one, and the
        function itself); at least 100 (or the limit, if lower) stays unreserved."""
        limit = self.account.concurrent_executions
        room = limit - unreserved_floor(limit)
        region, account_id = self.account.region, self.account.account_id
        for name, config in self.functions.items():
            # $LATEST's config and each published version's (one per qualifier, as in AWS)
            for key, side, arn in _destinations(config):
                where = f"functions.{name}.{key}.DestinationConfig.{side}.Destination"
                check_function_arn(arn, where)
                if missing_lambda_destination(arn, region, account_id, self.functions):
                    allowed = (f"the ARN of one of the functions {', '.join(self.functions)} "
                               f"(AWS: {invalid_destination(str(arn)).message})")
                    raise invalid_value(where, arn, allowed)
                if is_own_destination(self.function_arn(name), arn):
                    raise invalid_value(where, arn, "a destination other than the function itself")
            reserved = config.reserved_concurrency
            if reserved is not None and reserved > room:
                raise invalid_value(f"functions.{name}.ReservedConcurrentExecutions", reserved,
                                    f"integer 0-{room}; {reservation_message(limit)}")
            room -= reserved or 0

    def wall_time(self, seconds: float = 0.0) -> datetime:
        """The wall-clock moment (UTC) of virtual second ``seconds``: ``start_time`` plus that much."""
        start = datetime.fromisoformat(self.start_time.replace("Z", "+00:00")).astimezone(timezone.utc)
        return start + timedelta(seconds=seconds)

    def function_arn(self, name: str, qualifier: str | None = None) -> str:
        """``arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]``."""
        return function_arn(self.account.region, self.account.account_id, name, qualifier)

    @staticmethod
    def from_dict(d: Any, trust: bool = False) -> Scenario:
        """Read the scenario-file shape (README).

        A plain dict is data (it is how JSON and YAML files enter), so a string ``handler`` that names
        code to import is refused unless ``trust=True`` (:mod:`lambdasim.model.loading`); a callable
        handler in the dict is code already and passes.
        """
        if isinstance(d, Scenario):
            return d
        with garbage_collection_paused():
            return Scenario._from_data(d, trust)

    @staticmethod
    def _from_data(d: Any, trust: bool) -> Scenario:
        keys = [f.name for f in fields(Scenario) if f.name != "event_source_mappings"]
        values = check_keys(d, "", [*keys, "EventSourceMappings"], required=["functions"])
        mappings = check_sequence(values.pop("EventSourceMappings", None) or (), "EventSourceMappings",
                                  "a list of mappings {EventSourceArn, FunctionName, ...}")
        values["event_source_mappings"] = tuple(read_mapping(m, f"EventSourceMappings[{i}]")
                                                for i, m in enumerate(mappings))
        if isinstance(values["functions"], Mapping):
            values["functions"] = {name: FunctionConfig.from_dict(config, f"functions.{name}")
                                   for name, config in values["functions"].items()}
            for name, config in values["functions"].items():
                if isinstance(config.handler, str) and not trust:
                    raise untrusted_handler(f"functions.{name}.handler", config.handler)
        horizon = values.get("horizon_s")
        if horizon is not None:
            horizon = check_number(horizon, "horizon_s", gt=0, allowed=_HORIZON)
        workloads = check_sequence(values.get("workloads") or (), "workloads", "a list of workloads")
        values["workloads"] = tuple(Workload.from_dict(w, f"workloads[{i}]", horizon)
                                    for i, w in enumerate(workloads))
        values["account"] = Account.from_dict(values.get("account"), "account")
        values["queue"] = QueueSettings.from_dict(values.get("queue"), "queue")
        values["targets"] = values.get("targets") or {}
        start = values.get("start_time")
        if isinstance(start, datetime) and start.utcoffset() in (None, timedelta(0)):  # unquoted in YAML
            values["start_time"] = start.replace(tzinfo=None).isoformat() + "Z"
        return Scenario(**values)

    @staticmethod
    def from_file(path: str | os.PathLike, trust: bool = False) -> Scenario:
        """Read a scenario file (YAML, or JSON, which is YAML too); it must exist and be UTF-8."""
        text = read_file(Path(path))
        return Scenario.from_text(text, trust, name=os.fspath(path))

    @staticmethod
    def from_text(text: str | bytes, trust: bool = False, name: str | None = None) -> Scenario:
        """Read scenario YAML or JSON text (``bytes`` are decoded as UTF-8); ``name`` labels errors."""
        if isinstance(text, (bytes, bytearray)):
            text = read_source(bytes(text))[0]
        if not isinstance(text, str):
            raise invalid_value("scenario", text, "YAML or JSON text (str or UTF-8 bytes)")
        with garbage_collection_paused():
            return Scenario._from_data(parse_yaml(text, name), trust)

    @staticmethod
    def from_yaml(source: str | bytes | os.PathLike, trust: bool = False) -> Scenario:
        """Read a scenario file or text, told apart explicitly (:func:`lambdasim.model.loading.read_source`).

        A ``Path`` is a file; a ``str`` with a newline or starting with ``{`` is text; a one-line
        ``str`` naming an existing file is read; one that looks like a path but names none raises
        ``FileNotFoundError``. ``trust=True`` allows the ``handler`` fields (module docstring of
        :mod:`lambdasim.model.loading`: importing a handler runs code).
        """
        text, name = read_source(source)
        return Scenario.from_text(text, trust, name=name)

    @staticmethod
    def from_template(source: Any, *, workloads: Any = None, overrides: Mapping | None = None,
                      parameters: Mapping[str, Any] | None = None, trust: bool = False) -> Scenario:
        """Read the async configuration of a CloudFormation, SAM or Terraform template (a path, text,
        bytes or decoded mapping; :func:`lambdasim.model.templates.read_template` says how).

        The :class:`~lambdasim.model.templates.TemplateReport` of what the template holds that is not
        simulated is ``scenario.template_report`` (an attribute, not a field: it is not compared and
        ``replace`` does not copy it); when it lists anything a ``TemplateWarning`` says so.
        """
        import warnings

        from lambdasim.model.templates import TemplateWarning, read_template

        data, report = read_template(source, workloads=workloads, overrides=overrides, parameters=parameters)
        try:
            scenario = Scenario.from_dict(data, trust=trust)
        except InvalidParameterValueException as exc:  # the path is the scenario's: say where it came from
            became = ", ".join(f"{logical_id} -> {name}" for logical_id, name in report.resources.items())
            exc.add_note(f"in the scenario read from {report.source} ({report.format}); its resources "
                         f"became: {became}")
            raise
        object.__setattr__(scenario, "template_report", report)
        if report.findings:
            warnings.warn(f"{len(report)} resources or properties of {report.source} are not simulated "
                          "(scenario.template_report lists them)", TemplateWarning, stacklevel=2)
        return scenario

    def to_cloudformation(self, as_yaml: bool = False) -> dict | str:
        """The async configuration as a CloudFormation template (a dict, or YAML text with
        ``as_yaml``); ``Scenario.from_template`` reads it back to an equal scenario
        (:mod:`lambdasim.model.templates.export`)."""
        from lambdasim.model.templates.export import template_yaml, to_cloudformation

        template = to_cloudformation(self)
        return template_yaml(template) if as_yaml else template

    def to_sam(self, as_yaml: bool = False) -> dict | str:
        """The async configuration as a SAM template (functions as ``AWS::Serverless::Function``)."""
        from lambdasim.model.templates.export import template_yaml, to_sam

        template = to_sam(self)
        return template_yaml(template) if as_yaml else template

    def to_dict(self) -> dict:
        """The scenario-file shape; ``Scenario.from_dict(s.to_dict()) == s``."""
        out: dict[str, Any] = {"seed": self.seed, "horizon_s": self.horizon_s, "dispatch": self.dispatch,
                               "start_time": self.start_time, "account": self.account.to_dict(),
                               "functions": {n: config.to_dict() for n, config in self.functions.items()},
                               "queue": self.queue.to_dict(),
                               "targets": {arn: target_dict(t) for arn, t in self.targets.items()},
                               "workloads": [w.to_dict() for w in self.workloads]}
        if self.max_events != DEFAULT_MAX_EVENTS:
            out["max_events"] = self.max_events
        if self.event_source_mappings:
            out["EventSourceMappings"] = [mapping_dict(m) for m in self.event_source_mappings]
        return {k: v for k, v in out.items() if v is not None and v != {} and v != []}

    def to_yaml(self) -> str:
        """The scenario file as YAML text; a module-level callable handler is written as ``module:name``."""
        data = self.to_dict()
        for name, config in data["functions"].items():
            handler = config.get("handler")
            if callable(handler):
                if "<" in getattr(handler, "__qualname__", "<"):
                    raise invalid_value(f"functions.{name}.handler", handler, "a module-level function")
                config["handler"] = f"{handler.__module__}:{handler.__qualname__}"
        return yaml.safe_dump(data, sort_keys=False)

    def replace(self, changes: Mapping[str, Any] | None = None, **kw: Any) -> Scenario:
        """Return a validated copy with top-level fields (keywords) and dotted paths changed.

        Path segments are dataclass field names, mapping keys or list indexes, e.g.
        ``{"functions.orders.event_invoke_config.maximum_retry_attempts": 0, "workloads[0].rate_per_s": 9}``
        (see :func:`lambdasim.model.validation.replaced`). A function's ``provisioned``,
        ``version_event_invoke_configs`` and ``environment`` are mappings, addressed by key: a version
        number (``"functions.orders.version_event_invoke_configs.1.maximum_retry_attempts": 0`` is
        version 1's, wherever it is listed) or a variable name.
        """
        return replaced(self, {**(changes or {}), **kw})


def _destinations(config: FunctionConfig) -> Iterator[tuple[str, str, str | None]]:
    """Each destination of a function's event-invoke configs: (scenario key, side, ARN)."""
    configs = [("EventInvokeConfig", config.event_invoke_config),
               *((f"VersionEventInvokeConfigs.{version}", eic)
                 for version, eic in config.version_event_invoke_configs)]
    for key, eic in configs:
        destinations = eic.destination_config
        for side, arn in (("OnSuccess", destinations.on_success), ("OnFailure", destinations.on_failure)):
            yield key, side, arn


def _max_events(limit: int) -> str:
    return (f"at most max_events ({limit:,}) expected events, so the run can finish; set max_events higher "
            "for a larger run (a scenario key, or Scenario.replace(max_events=...))")
