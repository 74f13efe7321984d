"""The configuration of one function: AWS settings with AWS names plus what the simulation adds.

:class:`FunctionConfig` holds the function's AWS settings (``Timeout``, ``MemorySize``,
``Architectures``, ``ReservedConcurrentExecutions``, ``DeadLetterConfig``, ``Environment``) and its
:class:`EventInvokeConfig` with :class:`DestinationConfig`, read and written under AWS's CamelCase
names, plus the simulated duration, cold start, keep-alive, failures and handler (snake_case, with
units). Each is a frozen dataclass that validates on construction; ``from_dict`` / ``to_dict`` read
and write the scenario-file shape (README).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lambdasim.model.dists import Constant, Distribution
from lambdasim.model.errors import invalid_value
from lambdasim.model.failures import HANDLER_PATTERN, FailureModel
from lambdasim.model.rules import (
    ARCHITECTURES,
    ARN_PATTERN,
    DEAD_LETTER_SERVICES,
    DEFAULT_EVENT_AGE_S,
    DEFAULT_RETRY_ATTEMPTS,
    ENV_VAR_NAME_PATTERN,
    INIT_LIMIT_S,
    LATEST,
    MAX_EVENT_AGE_S,
    MAX_RETRY_ATTEMPTS,
    MEMORY_MB,
    MIN_EVENT_AGE_S,
    ON_FAILURE_SERVICES,
    ON_SUCCESS_SERVICES,
    TIMEOUT_S,
    check_environment_keys,
    provisioned_on_latest,
    service_of,
)
from lambdasim.model.validation import check_field, check_instance, check_str, read, sub, write

__all__ = ["DestinationConfig", "EventInvokeConfig", "FunctionConfig"]


def _arn(value: Any, path: str, services: tuple[str, ...], what: str) -> None:
    """Check an optional ARN of one of ``services`` (``arn:aws:<service>:<region>:<account>:...``)."""
    allowed = f"None or {what}"
    if value is not None and service_of(check_str(value, path, ARN_PATTERN, allowed)) not in services:
        raise invalid_value(path, value, allowed)


_DEST_KEYS = {"on_success": "OnSuccess.Destination", "on_failure": "OnFailure.Destination"}
_EIC_KEYS = {"maximum_retry_attempts": "MaximumRetryAttempts",
             "maximum_event_age_s": "MaximumEventAgeInSeconds", "destination_config": "DestinationConfig"}
_FN_KEYS = {"timeout_s": "Timeout", "memory_mb": "MemorySize", "architecture": "Architectures",
            "reserved_concurrency": "ReservedConcurrentExecutions", "duration": "duration",
            "cold_start": "cold_start", "keep_alive_s": "keep_alive_s", "failures": "failures",
            "handler": "handler", "event_invoke_config": "EventInvokeConfig",
            "dead_letter_target_arn": "DeadLetterConfig.TargetArn", "recursive_loop": "RecursiveLoop",
            "environment": "Environment.Variables", "provisioned": "ProvisionedConcurrencyConfigs",
            "version_event_invoke_configs": "VersionEventInvokeConfigs"}


def _provisioned(value: Any, path: str) -> tuple[tuple[str, int], ...]:
    """Read ``{version: ProvisionedConcurrentExecutions}``: published version numbers (``"1"``, …)
    and counts of at least 1, kept as ``((version, count), ...)`` so the config stays hashable.

    ``$LATEST`` is refused with AWS's message (:func:`~lambdasim.model.rules.provisioned_on_latest`).
    A scenario file names versions only: the model publishes versions 1..N of the function as
    configured when the highest one named is N (a deployed function whose versions were published
    from this configuration); aliases are set through the API.
    """
    if value is None:
        return ()
    if not isinstance(value, (Mapping, tuple, list)):
        raise invalid_value(path, value, "a mapping {version: count}")
    out = []
    for version, count in (value.items() if isinstance(value, Mapping) else value):
        version = str(version)
        if version == LATEST:
            raise invalid_value(f"{path}.{version}", count,
                                f"a published version ({provisioned_on_latest().message})")
        if not version.isdigit() or int(version) < 1:
            raise invalid_value(f"{path}.{version}", count, "a published version number '1', '2', ...")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise invalid_value(f"{path}.{version}", count, "integer >= 1")
        out.append((version, count))
    return tuple(out)


def _version_configs(value: Any, path: str) -> tuple[tuple[str, EventInvokeConfig], ...]:
    """Read ``{version: EventInvokeConfig}``: the event-invoke config of a published version (AWS keeps
    one per qualifier), kept as ``((version, config), ...)`` sorted by version so the config stays
    hashable and compares equal however it was written. Each config reads like ``EventInvokeConfig``;
    that each version is published is checked by :class:`FunctionConfig`."""
    if value is None:
        return ()
    try:
        items = dict(value).items()  # a mapping, or the ((version, config), ...) pairs it is kept as
    except (TypeError, ValueError):
        raise invalid_value(path, value, "a mapping {version: EventInvokeConfig}") from None
    out = {}
    for version, config in items:
        version = str(version)
        if not isinstance(config, EventInvokeConfig):
            config = EventInvokeConfig.from_dict(config, f"{path}.{version}")
        out[version] = config
    return tuple(sorted(out.items(), key=lambda item: (not item[0].isdigit(), item[0].zfill(10))))


def _environment(value: Any, path: str) -> tuple[tuple[str, str], ...]:
    """Read ``{Variables: {name: value}}`` (the scenario file's and the API's ``Environment``)."""
    return _variables(sub("Variables")(value, path) or {}, path + ".Variables")


def _variables(value: Any, path: str) -> tuple[tuple[str, str], ...]:
    """Environment variables as ``((key, value), ...)``: AWS's key pattern, string values.

    AWS's ``EnvironmentVariableName`` pattern is ``[a-zA-Z]([a-zA-Z0-9_])+`` (botocore's Lambda
    model); values are strings, stored and returned as given; the runtime's reserved names are
    refused with AWS's message (:func:`~lambdasim.model.rules.check_environment_keys`).
    """
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = tuple((k, v) for k, v in items)
    except (TypeError, ValueError):
        raise invalid_value(path, value, "a mapping of variable names to strings") from None
    for key, text in pairs:
        check_str(key, path, ENV_VAR_NAME_PATTERN,
                  "names of 2+ letters, digits or '_', starting with a letter")
        if not isinstance(text, str):
            raise invalid_value(f"{path}.{key}", text, "a string")
    check_environment_keys(key for key, _ in pairs)
    return pairs


@dataclass(frozen=True)
class DestinationConfig:
    """Where records of succeeded and failed events go (ARNs; None means nowhere)."""

    on_success: str | None = None
    on_failure: str | None = None

    def __post_init__(self) -> None:
        _arn(self.on_success, "DestinationConfig.on_success", ON_SUCCESS_SERVICES,
             "an SQS queue, SNS topic, Lambda function or EventBridge bus ARN")
        _arn(self.on_failure, "DestinationConfig.on_failure", ON_FAILURE_SERVICES,
             "an SQS queue, SNS topic, Lambda function, EventBridge bus or S3 bucket ARN")

    def to_dict(self) -> dict:
        """AWS's shape ``{OnSuccess: {Destination: arn}, OnFailure: {Destination: arn}}``."""
        return {k.split(".")[0]: {"Destination": v} for k, v in write(self, _DEST_KEYS).items()}

    @staticmethod
    def from_dict(d: Any, field: str = "DestinationConfig") -> DestinationConfig:
        """Read AWS's shape; ``{}``, a missing side or an empty Destination means none."""
        return read(DestinationConfig, d, field, _DEST_KEYS,
                    {"on_success": sub("Destination"), "on_failure": sub("Destination")})


@dataclass(frozen=True)
class EventInvokeConfig:
    """Retry attempts after function errors (0-2), maximum event age (60-21,600 s) and destinations."""

    maximum_retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    maximum_event_age_s: int = DEFAULT_EVENT_AGE_S
    destination_config: DestinationConfig = DestinationConfig()

    def __post_init__(self) -> None:
        check_field(self, "maximum_retry_attempts", ge=0, le=MAX_RETRY_ATTEMPTS, integer=True)
        check_field(self, "maximum_event_age_s", ge=MIN_EVENT_AGE_S, le=MAX_EVENT_AGE_S, integer=True)
        check_instance(self.destination_config, "EventInvokeConfig.destination_config", DestinationConfig)

    def to_dict(self) -> dict:
        """AWS's shape ``{MaximumRetryAttempts, MaximumEventAgeInSeconds, DestinationConfig}``."""
        return {**write(self, _EIC_KEYS), "DestinationConfig": self.destination_config.to_dict()}

    @staticmethod
    def from_dict(d: Any, field: str = "EventInvokeConfig") -> EventInvokeConfig:
        """Read AWS's shape; missing settings take AWS's defaults."""
        return read(EventInvokeConfig, d, field, _EIC_KEYS,
                    {"destination_config": DestinationConfig.from_dict})


def _check_init(cold_start: Distribution) -> None:
    """A cold start within AWS's Init limit: its largest value, or for an unbounded distribution its
    mean, at most :data:`INIT_LIMIT_S` (the engine cuts an unbounded draw at the limit)."""
    bounded = math.isfinite(cold_start.largest)
    bound = cold_start.largest if bounded else cold_start.mean
    if not bound <= INIT_LIMIT_S:
        what = "largest value" if bounded else "mean"
        raise invalid_value("FunctionConfig.cold_start", cold_start.to_dict(),
                            f"a distribution whose {what} is at most {INIT_LIMIT_S:g} s "
                            f"(AWS limits the Init phase to {INIT_LIMIT_S:g} s); this one's is {bound:g} s")


@dataclass(frozen=True)
class FunctionConfig:
    """One function: AWS settings plus the simulated duration, cold start, keep-alive and failures.

    ``handler`` is an optional ``"package.module:function"`` (imported by the engine when it runs)
    or a callable. ``recursive_loop`` is AWS's recursion config: ``Terminate`` (default) stops a chain
    of invocations after 16, ``Allow`` lets it run. ``environment`` holds ``Environment.Variables``
    (a mapping is accepted and kept as ``((name, value), ...)`` pairs, so the config stays hashable):
    a handler reads them through ``os.environ`` during its call (:mod:`lambdasim.engine.handlers`).
    ``event_invoke_config`` is ``$LATEST``'s; ``version_event_invoke_configs`` holds the configs of
    versions that ``provisioned`` publishes (``VersionEventInvokeConfigs: {"1": {...}}``), which the
    engine sets as ``put_function_event_invoke_config(Qualifier=version)`` does.
    """

    timeout_s: int = 3
    memory_mb: int = 128
    architecture: str = "x86_64"
    reserved_concurrency: int | None = None
    duration: Distribution = Constant(0.1)
    cold_start: Distribution = Constant(0.25)
    keep_alive_s: float = 600.0
    failures: FailureModel = FailureModel()
    handler: str | Callable | None = None
    event_invoke_config: EventInvokeConfig = EventInvokeConfig()
    dead_letter_target_arn: str | None = None
    recursive_loop: str = "Terminate"
    environment: tuple[tuple[str, str], ...] | Mapping[str, str] = ()
    provisioned: tuple[tuple[str, int], ...] | Mapping[str, int] = ()
    version_event_invoke_configs: (tuple[tuple[str, EventInvokeConfig], ...]
                                   | Mapping[str, EventInvokeConfig | Mapping]) = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "environment", _variables(self.environment, "FunctionConfig.environment"))
        object.__setattr__(self, "provisioned", _provisioned(self.provisioned, "FunctionConfig.provisioned"))
        path = "FunctionConfig.version_event_invoke_configs"
        object.__setattr__(self, "version_event_invoke_configs",
                           _version_configs(self.version_event_invoke_configs, path))
        # A scenario publishes versions 1..N, N the highest with provisioned concurrency (_provisioned).
        published = max((int(version) for version, _ in self.provisioned), default=0)
        for version, config in self.version_event_invoke_configs:
            if not (version.isdigit() and 1 <= int(version) <= published):
                allowed = (f"a version the scenario publishes ('1'..'{published}', the highest in "
                           "ProvisionedConcurrencyConfigs)" if published else
                           "a published version, and this function publishes none (name its versions "
                           "in ProvisionedConcurrencyConfigs; $LATEST's config is EventInvokeConfig)")
                raise invalid_value(f"{path}.{version}", config.to_dict(), allowed)
        check_field(self, "timeout_s", ge=TIMEOUT_S[0], le=TIMEOUT_S[1], integer=True)
        check_field(self, "memory_mb", ge=MEMORY_MB[0], le=MEMORY_MB[1], integer=True)
        check_str(self.architecture, "FunctionConfig.architecture", "|".join(ARCHITECTURES),
                  " or ".join(ARCHITECTURES))
        if self.reserved_concurrency is not None:
            check_field(self, "reserved_concurrency", ge=0, integer=True, allowed="None or integer >= 0")
        check_instance(self.duration, "FunctionConfig.duration", Distribution)
        check_instance(self.cold_start, "FunctionConfig.cold_start", Distribution)
        _check_init(self.cold_start)
        check_field(self, "keep_alive_s", ge=0)
        check_instance(self.failures, "FunctionConfig.failures", FailureModel)
        if self.handler is not None and not callable(self.handler):
            check_str(self.handler, "FunctionConfig.handler", HANDLER_PATTERN,
                      "None, a callable or 'package.module:function'")
        check_instance(self.event_invoke_config, "FunctionConfig.event_invoke_config", EventInvokeConfig)
        _arn(self.dead_letter_target_arn, "FunctionConfig.dead_letter_target_arn", DEAD_LETTER_SERVICES,
             "an SQS queue or SNS topic ARN")
        check_str(self.recursive_loop, "FunctionConfig.recursive_loop", "Terminate|Allow",
                  "Terminate or Allow")

    def to_dict(self) -> dict:
        """The scenario-file shape (a callable handler stays a callable)."""
        out = write(self, _FN_KEYS)
        out["Architectures"] = [self.architecture]
        for key in ("duration", "cold_start", "failures", "EventInvokeConfig"):
            out[key] = out[key].to_dict()
        if not out["failures"]:
            del out["failures"]
        if self.recursive_loop == "Terminate":
            del out["RecursiveLoop"]
        variables = out.pop("Environment.Variables")
        if variables:
            out["Environment"] = {"Variables": dict(self.environment)}
        provisioned = out.pop("ProvisionedConcurrencyConfigs")
        if provisioned:
            out["ProvisionedConcurrencyConfigs"] = dict(self.provisioned)
        out.pop("VersionEventInvokeConfigs")
        if self.version_event_invoke_configs:
            out["VersionEventInvokeConfigs"] = {version: config.to_dict()
                                                for version, config in self.version_event_invoke_configs}
        if self.dead_letter_target_arn is not None:
            out["DeadLetterConfig"] = {"TargetArn": out.pop("DeadLetterConfig.TargetArn")}
        return out

    @staticmethod
    def from_dict(d: Any, field: str = "function") -> FunctionConfig:
        """Read the scenario-file shape; None or ``{}`` means all defaults."""
        def architecture(value: Any, path: str) -> str:
            if not isinstance(value, (list, tuple)) or len(value) != 1 or value[0] not in ARCHITECTURES:
                raise invalid_value(path, value, "[x86_64] or [arm64]")
            return value[0]

        return read(FunctionConfig, d, field, _FN_KEYS, {
            "architecture": architecture, "duration": Distribution.from_dict,
            "cold_start": Distribution.from_dict, "failures": FailureModel.from_dict,
            "event_invoke_config": EventInvokeConfig.from_dict, "dead_letter_target_arn": sub("TargetArn"),
            "environment": _environment, "version_event_invoke_configs": _version_configs})
