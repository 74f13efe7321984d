"""Changing a running simulation the way the Lambda API changes a real account (the control plane).

:class:`ControlPlane` gives :class:`~lambdasim.engine.Model` the operations behind the
boto3-shaped client: functions, versions and aliases, each qualifier's event-invoke config,
reserved and provisioned concurrency (invokes, sync and async, are the data plane:
:mod:`lambdasim.engine.model`). Changes take effect at the current virtual
time; queued events read their qualifier's config when the next decision about them is made.
Each change that alters a function's settings adds rows to the functions table
(:meth:`ControlPlane.record_settings`), so the records say which settings were in force when.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lambdasim.engine.concurrency import Pool, Provisioned
from lambdasim.engine.live_function import InvokeSettings, LiveFunction
from lambdasim.model import rules
from lambdasim.model.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    invalid_value,
)
from lambdasim.model.rules import LATEST
from lambdasim.model.validation import check_number

if TYPE_CHECKING:
    from lambdasim.model.functions import FunctionConfig

__all__ = ["ControlPlane"]

_NAME = re.compile(rules.FUNCTION_NAME_PATTERN)


class ControlPlane:
    """The control plane of a :class:`Model`: account, function, qualifier and concurrency operations.

    A base class of :class:`Model` (the data plane): both read and change the same live state.
    """

    # -- names -------------------------------------------------------------------------------------

    def parse_function(self, function: str, qualifier: str | None = None) -> tuple[str, str | None]:
        """Split a name, ARN, partial ARN or ``name:qualifier`` into (name, qualifier or None).

        A qualifier given both in the name and as ``qualifier`` must agree, as AWS requires
        (:func:`lambdasim.model.rules.parse_function`).
        """
        return rules.parse_function(function, qualifier)

    def _function(self, name: str, qualifier: str | None = None) -> LiveFunction:
        if not isinstance(name, str) or not name:
            raise invalid_value("function", name, "a function name (a non-empty str)")
        if qualifier is not None and (not isinstance(qualifier, str) or not qualifier):
            raise invalid_value("qualifier", qualifier, "None or a version or alias name (a non-empty str)")
        fn = self.functions.get(name)
        if fn is None:
            raise rules.function_not_found(self.scenario.function_arn(name, qualifier or LATEST),
                                           function=name)
        if qualifier not in (None, LATEST) and qualifier not in fn.versions and qualifier not in fn.aliases:
            raise rules.function_not_found(self.scenario.function_arn(name, qualifier), function=name,
                                           qualifier=qualifier)
        if fn.pending_update is not None and self.env.now >= fn.update_done_at:
            self._finish_update(fn)  # the clock stopped exactly where the update completes
        return fn

    def _resolve_target(self, function: str, qualifier: str | None) -> tuple[LiveFunction, str]:
        # An ARN of another Region or account names another function, never the local one.
        account = self.scenario.account
        rules.check_account(function, account.region, account.account_id)
        name, qualifier = self.parse_function(function, qualifier)
        return self._function(name, qualifier), qualifier or LATEST

    def wall_time(self, now: float | None = None) -> datetime:
        """The wall-clock time of virtual second ``now`` (default: the current time), in UTC."""
        if now is not None:
            now = check_number(now, "now", allowed="None or a finite number of virtual seconds")
        return self.scenario.wall_time(self.env.now if now is None else now)

    # -- functions, versions, aliases ----------------------------------------------------------------

    def function_names(self) -> list[str]:
        """The functions that exist now."""
        return list(self.functions)

    def create_function(self, name: str, config: FunctionConfig | Mapping, publish: bool = False) -> None:
        """Add a function (CreateFunction); its reserved concurrency, if any, is checked first.

        ``config`` is a :class:`~lambdasim.model.FunctionConfig` or a mapping in the scenario-file
        shape of a function (``{"Timeout": 30, "duration": {...}}``), read as a scenario file
        reads ``functions.<name>`` (errors name ``functions.<name>.<key>``). The new function is
        ``Pending`` for the account's ``function_pending_s`` of virtual time (invokes meanwhile are
        refused with AWS's 409); ``publish`` publishes version 1 from it at once, as
        ``CreateFunction(Publish=True)`` does.
        """
        from lambdasim.model.functions import FunctionConfig

        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise InvalidParameterValueException(
                f"FunctionName: {name!r} is not valid; allowed: 1-64 letters, digits, '-' or '_'")
        if isinstance(config, Mapping):
            config = FunctionConfig.from_dict(config, f"functions.{name}")
        elif not isinstance(config, FunctionConfig):
            raise invalid_value("config", config, "a FunctionConfig, or a dict in the scenario-file shape "
                                "of a function")
        if name in self.functions:
            raise ResourceConflictException(f"Function already exist: {name}", function=name)
        if config.reserved_concurrency is not None:
            self._check_reservation(name, config.reserved_concurrency)
        fn = self._add_function(name, config)
        fn.active_at = self.env.now + self.scenario.account.function_pending_s
        if publish:
            fn.publish("1")
        self.record_settings()

    def delete_function(self, name: str, qualifier: str | None = None) -> None:
        """Delete a function, or one published version. Events already queued still resolve."""
        fn = self._function(name, qualifier)
        if qualifier in (None, LATEST):
            for prov in list(fn.provisioned.values()):
                self._resize(fn, prov, 0, self.env.now)  # its environments give their slots back
            if fn.provisioned:
                self.record_settings()  # rows with 0 provisioned: its billing ends here
            if fn.reserved:
                self.delete_reserved_concurrency(name)
            del self.functions[name]
            return
        if qualifier not in fn.versions:
            raise InvalidParameterValueException(f"Qualifier {qualifier} is not a version: delete the alias")
        users = [a for a, v in fn.aliases.items()
                 if v == qualifier or fn.weights.get(a, ("",))[0] == qualifier]
        if users:
            raise rules.version_in_use(users)
        if qualifier in fn.provisioned:
            self._resize(fn, fn.provisioned[qualifier], 0, self.env.now)
            self.record_settings()  # a row with 0 provisioned: its billing ends with the version
            del fn.provisioned[qualifier]
        del fn.versions[qualifier]
        fn.snapshots.pop(qualifier, None)
        fn.settings.pop(qualifier, None)
        self.record_settings()

    def function_config(self, name: str, qualifier: str | None = None,
                        requested: bool = False) -> FunctionConfig:
        """The configuration of ``$LATEST``, of a published version, or of an alias's version: the
        one invokes run now. ``requested=True`` gives, for ``$LATEST``, the one last asked for,
        an update still in progress included (what GetFunctionConfiguration reports)."""
        fn = self._function(name, qualifier)
        version = fn.version_of(qualifier or LATEST)
        if version != LATEST:
            return fn.versions[version]
        return fn.pending_update if requested and fn.pending_update is not None else fn.config

    def update_function(self, name: str, at_once: bool = False, **changes: Any) -> FunctionConfig:
        """Change ``$LATEST``'s settings (UpdateFunctionConfiguration): FunctionConfig field names.

        The update is ``InProgress`` for the account's ``function_pending_s``: invokes meanwhile run
        the previous configuration, and another update or PublishVersion is refused (409), as in
        AWS. ``at_once`` puts it in force now (``UpdateFunctionCode(Publish=True)``, whose version
        is published from the new code in the same call). Returns the new configuration.
        """
        fn = self._function(name)
        if {"reserved_concurrency", "event_invoke_config", "provisioned"} & set(changes):
            raise InvalidParameterValueException(
                "update_function changes execution settings; use put_reserved_concurrency, "
                "put_provisioned_concurrency and put_event_invoke_config for concurrency and "
                "event-invoke settings")
        allowed = [f.name for f in dataclasses.fields(fn.config)
                   if f.name not in ("reserved_concurrency", "event_invoke_config", "provisioned")]
        for setting in changes:
            if setting not in allowed:
                raise invalid_value(setting, changes[setting], "one of the settings " + ", ".join(allowed))
        self._check_updatable(name, fn)
        config = dataclasses.replace(fn.config, **changes)
        delay = self.scenario.account.function_pending_s
        if at_once or delay == 0:
            fn.apply(config)
            self.record_settings()
            return config
        fn.pending_update, fn.update_done_at = config, self.env.now + delay
        self.env.timeout(delay).callbacks.append(lambda _: self._finish_update(fn))
        return config

    def _finish_update(self, fn: LiveFunction) -> None:
        """Put an update in force (LastUpdateStatus becomes Successful) and record its settings."""
        config, fn.pending_update = fn.pending_update, None
        if config is not None:
            fn.apply(config)
            self.record_settings()

    def _check_updatable(self, name: str, fn: LiveFunction) -> None:
        """AWS's 409 for an update or PublishVersion while the function is Pending or updating."""
        if self.env.now < fn.active_at:
            raise rules.function_pending()
        if fn.pending_update is not None:
            raise rules.update_in_progress(self.scenario.function_arn(name))

    def check_invocable(self, fn: LiveFunction) -> None:
        """AWS's 409 for an invoke of a function that is still Pending (an update in progress does
        not stop invokes: they run the previous configuration)."""
        if self.env.now < fn.active_at:
            raise rules.function_pending()

    def function_state(self, name: str, qualifier: str | None = None) -> dict[str, str | None]:
        """The function's ``state`` (``Pending`` until ``function_pending_s`` after CreateFunction,
        then ``Active``) and ``last_update_status`` (``InProgress`` while an update of ``$LATEST`` is,
        else ``Successful``; None while Pending: AWS's API reference says it "is first set to
        Successful after function creation completes"), each with its reason and reason code (None
        when AWS gives none)."""
        fn = self._function(name, qualifier)
        out: dict[str, str | None] = dict.fromkeys(
            ("state_reason", "state_reason_code", "last_update_status_reason",
             "last_update_status_reason_code"))
        if self.env.now < fn.active_at:
            return {**out, "state": rules.STATE_PENDING, "state_reason": rules.CREATING_REASON,
                    "state_reason_code": rules.CREATING_REASON_CODE, "last_update_status": None}
        out.update(state=rules.STATE_ACTIVE, last_update_status=rules.UPDATE_SUCCESSFUL)
        if fn.pending_update is not None and fn.version_of(qualifier or LATEST) == LATEST:
            out.update(last_update_status=rules.UPDATE_IN_PROGRESS,
                       last_update_status_reason=rules.CREATING_REASON,
                       last_update_status_reason_code=rules.CREATING_REASON_CODE)
        return out

    def wait_until_active(self, name: str) -> float:
        """Run the clock to the moment the function is ``Active`` with no update in progress (what
        boto3's ``function_active_v2`` / ``function_updated_v2`` waiters wait for, which would poll
        forever on a clock that only moves when told to); return that time. At once if it already
        is. Like :meth:`run`, the first call starts the scenario's workloads."""
        fn = self._function(name)
        ready = max(fn.active_at, fn.update_done_at if fn.pending_update is not None else 0.0)
        if ready > self.env.now:
            self.run(until=ready)
            self._function(name)  # completes the update due exactly now
        return self.env.now

    def set_recursive_loop(self, name: str, recursive_loop: str) -> None:
        """PutFunctionRecursionConfig: ``Terminate`` stops a loop past AWS's limit, ``Allow`` lets it
        run; a setting of the function as a whole (its published versions too)."""
        fn = self._function(name)
        fn.config = dataclasses.replace(fn.config, recursive_loop=recursive_loop)
        if fn.pending_update is not None:  # an update in progress must not bring the old setting back
            fn.pending_update = dataclasses.replace(fn.pending_update, recursive_loop=recursive_loop)
        fn.recursion_limit = rules.RECURSION_LIMIT if recursive_loop == "Terminate" else None
        fn.versions = {v: dataclasses.replace(c, recursive_loop=recursive_loop)
                       for v, c in fn.versions.items()}
        for version, snapshot in fn.snapshots.items():
            snapshot.config = fn.versions[version]

    def publish_version(self, name: str) -> str:
        """Publish ``$LATEST`` as the next version number and return it (refused with AWS's 409
        while the function is Pending or an update is in progress)."""
        fn = self._function(name)
        self._check_updatable(name, fn)
        version = str(max((int(v) for v in fn.versions), default=0) + 1)
        fn.publish(version)
        self.record_settings()
        return version

    def versions(self, name: str) -> list[str]:
        """``$LATEST`` and the published versions, oldest first."""
        return [LATEST, *self._function(name).versions]

    def create_alias(self, name: str, alias: str, version: str,
                     weights: dict[str, float] | None = None) -> None:
        """Point a new alias at a published version (or ``$LATEST``); ``weights`` (RoutingConfig's
        ``AdditionalVersionWeights``) sends that share of its events to one other version."""
        fn = self._function(name)
        if alias in fn.aliases:
            raise ResourceConflictException(
                f"Alias already exists: {self.scenario.function_arn(name, alias)}")
        rules.check_alias_name(alias)
        self._check_alias_target(name, fn, version, weights)
        fn.aliases[alias] = version
        self._set_weights(fn, alias, weights)
        self.record_settings()

    def update_alias(self, name: str, alias: str, version: str | None = None,
                     weights: dict[str, float] | None = None) -> None:
        """Repoint an alias (UpdateAlias): ``version`` if given; ``weights`` if given replace the
        routing (``{}`` removes it)."""
        fn = self._function(name)
        if alias not in fn.aliases:
            raise rules.alias_not_found(self.scenario.function_arn(name, alias))
        version = fn.aliases[alias] if version is None else version
        if weights is None:
            weights = dict([fn.weights[alias]]) if alias in fn.weights else {}
        self._check_alias_target(name, fn, version, weights)
        fn.aliases[alias] = version
        self._set_weights(fn, alias, weights)
        self.record_settings()

    def delete_alias(self, name: str, alias: str) -> None:
        """Delete an alias (DeleteAlias) and its event-invoke config; a missing alias is no error, as
        in AWS. Events already queued through it still resolve."""
        fn = self._function(name)
        if alias in fn.provisioned:  # its provisioned environments go with it (slots and billing)
            self._resize(fn, fn.provisioned[alias], 0, self.env.now)
            self.record_settings()
            del fn.provisioned[alias]
        if fn.aliases.pop(alias, None) is not None:
            fn.weights.pop(alias, None)
            fn.settings.pop(alias, None)
            self._last_settings.pop((name, alias), None)

    def alias_weights(self, name: str, alias: str) -> dict[str, float]:
        """An alias's ``AdditionalVersionWeights`` (``{}`` when it routes to one version)."""
        fn = self._function(name)
        return dict([fn.weights[alias]]) if alias in fn.weights else {}

    def _check_alias_target(self, name: str, fn: LiveFunction, version: str,
                            weights: dict[str, float] | None) -> None:
        if not isinstance(version, str) or not version:
            raise invalid_value("version", version, "a published version number or $LATEST (a str)")
        if weights is not None and (not isinstance(weights, Mapping)
                                    or not all(isinstance(v, str) for v in weights)):
            raise invalid_value("weights", weights, "None or {version (str): weight from 0.0 to 1.0}")
        for target in (version, *(weights or {})):
            if target != LATEST and target not in fn.versions:
                raise rules.function_not_found(self.scenario.function_arn(name, target))
        rules.check_routing(version, weights or {})

    @staticmethod
    def _set_weights(fn: LiveFunction, alias: str, weights: dict[str, float] | None) -> None:
        fn.weights.pop(alias, None)
        if weights:
            (other, weight), = weights.items()
            fn.weights[alias] = (other, float(weight))

    def aliases(self, name: str) -> dict[str, str]:
        """Each alias of the function and the version it points to."""
        return dict(self._function(name).aliases)

    def resolve_version(self, name: str, qualifier: str | None = None) -> str:
        """The version an invoke of ``qualifier`` runs (``executedVersion``)."""
        return self._function(name, qualifier).version_of(qualifier or LATEST)

    # -- event invoke config (one per qualifier) -----------------------------------------------------

    def put_event_invoke_config(self, name: str, qualifier: str | None = None, **settings: Any) -> dict:
        """Set a qualifier's config, replacing any existing one: settings left out are removed.

        (UpdateFunctionEventInvokeConfig is a get, a merge and a put: the client does the merge,
        with :func:`lambdasim.model.rules.update_event_invoke_config`.) At least one setting must be
        given, even if None: ``put_event_invoke_config(name, on_success=None)`` stores an empty
        config, as AWS does for ``DestinationConfig={"OnSuccess": {}}``.
        """
        if not settings:
            rules.check_some_setting()
        for setting, value in settings.items():
            if setting not in rules.SETTINGS:
                raise invalid_value(setting, value, "one of the settings " + ", ".join(rules.SETTINGS))
        fn = self._function(name, qualifier)
        fn.settings[qualifier or LATEST] = self._settings(self.scenario.function_arn(name), **settings)
        self.record_settings()
        return self.get_event_invoke_config(name, qualifier)

    def get_event_invoke_config(self, name: str, qualifier: str | None = None) -> dict:
        """A qualifier's config: what is set, and when it was last changed (virtual seconds)."""
        current = self._existing_settings(name, qualifier)
        return {"qualifier": qualifier or LATEST, "maximum_retry_attempts": current.retry_attempts,
                "maximum_event_age_s": current.event_age_s, "on_success": current.on_success,
                "on_failure": current.on_failure, "last_modified": current.last_modified}

    def delete_event_invoke_config(self, name: str, qualifier: str | None = None) -> None:
        """Remove a qualifier's config: AWS's defaults apply again."""
        self._existing_settings(name, qualifier)
        del self.functions[name].settings[qualifier or LATEST]
        self.record_settings()

    def list_event_invoke_configs(self, name: str) -> list[dict]:
        """The configs of every qualifier of the function that has one."""
        fn = self._function(name)
        return [self.get_event_invoke_config(name, q) for q in fn.settings]

    def _existing_settings(self, name: str, qualifier: str | None) -> InvokeSettings:
        """A qualifier's config; a missing function or qualifier has none (AWS's answer to Get/Delete)."""
        try:
            current = self._function(name, qualifier).settings.get(qualifier or LATEST)
        except ResourceNotFoundException:
            current = None
        if current is None:
            raise rules.no_event_invoke_config(self.scenario.function_arn(name, qualifier or LATEST))
        return current

    def _settings(self, own_arn: str, maximum_retry_attempts: int | None = None,
                  maximum_event_age_s: int | None = None, on_success: str | None = None,
                  on_failure: str | None = None) -> InvokeSettings:
        """Validated settings: AWS's rules, then the scenario's own config classes (same ranges,
        same messages)."""
        from lambdasim.model.functions import DestinationConfig, EventInvokeConfig

        for side, arn in (("on_success", on_success), ("on_failure", on_failure)):
            if arn is not None and not isinstance(arn, str):
                raise invalid_value(side, arn, "None or a destination ARN (str)")
        account = self.scenario.account
        rules.check_lambda_destinations(on_success, on_failure, account.region, account.account_id,
                                        self.functions)
        rules.check_not_own_destination(own_arn, on_success, on_failure)
        retries, age = maximum_retry_attempts, maximum_event_age_s
        EventInvokeConfig(rules.DEFAULT_RETRY_ATTEMPTS if retries is None else retries,
                          rules.DEFAULT_EVENT_AGE_S if age is None else age,
                          DestinationConfig(on_success, on_failure))
        return InvokeSettings(maximum_retry_attempts, maximum_event_age_s, on_success, on_failure,
                              last_modified=self.env.now)

    # -- concurrency ---------------------------------------------------------------------------------

    def account_settings(self) -> dict:
        """The account's concurrency limit and what is left unreserved."""
        return {"concurrent_executions": self.scenario.account.concurrent_executions,
                "unreserved_concurrent_executions": self.unreserved.limit}

    def get_reserved_concurrency(self, name: str) -> int | None:
        """The function's reserved concurrency, or None when it shares the unreserved pool."""
        fn = self._function(name)
        return fn.pool.limit if fn.reserved else None

    def put_reserved_concurrency(self, name: str, reserved: int) -> int:
        """Reserve concurrency for a function (floor and ceiling); at least 100 stays unreserved."""
        fn = self._function(name)
        if isinstance(reserved, bool) or not isinstance(reserved, int) or reserved < 0:
            raise InvalidParameterValueException(
                f"ReservedConcurrentExecutions: {reserved!r} is not valid; allowed: integer >= 0")
        self._check_reservation(name, reserved)
        if fn.reserved:
            self.unreserved.limit += fn.pool.limit - reserved
            fn.pool.limit = reserved
        else:
            self._move(fn, Pool(name, reserved, reserved=True))
            self.unreserved.limit -= reserved
            fn.reserved = True
        self.record_settings()
        return reserved

    def delete_reserved_concurrency(self, name: str) -> None:
        """Return the function to the unreserved pool."""
        fn = self._function(name)
        if fn.reserved:
            self.unreserved.limit += fn.pool.limit
            self._move(fn, self.unreserved)
            fn.reserved = False
            self.record_settings()

    # -- provisioned concurrency ----------------------------------------------------------------------

    def put_provisioned_concurrency(self, name: str, qualifier: str | None, count: int) -> dict:
        """Configure ``count`` provisioned environments on a version or alias (PutProvisioned…Config).

        Allocation is instant on the virtual clock (a documented choice: AWS allocates up to 6,000
        environments a minute and answers ``IN_PROGRESS`` until it is done); the answer is the
        configuration as :meth:`get_provisioned_concurrency` gives it. The environments hold ``count``
        slots of the function's pool from now on (``Provisioned``), so the total over the function's
        versions and aliases must fit its reserved concurrency (AWS's check and message), or leave
        the account's unreserved floor free.
        """
        fn = self._function(name, qualifier)
        if qualifier in (None, LATEST) or fn.aliases.get(qualifier) == LATEST:
            raise rules.provisioned_on_latest()
        if qualifier in fn.weights:
            raise rules.provisioned_on_weighted_alias()
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidParameterValueException(
                f"ProvisionedConcurrentExecutions: {count!r} is not valid; allowed: integer >= 1")
        others = sum(p.count for q, p in fn.provisioned.items() if q != qualifier)
        held = sum(p.count for f in self.functions.values() if not f.reserved
                   for q, p in f.provisioned.items() if f is not fn or q != qualifier)
        rules.check_provisioned(others + count, fn.pool.limit if fn.reserved else None,
                                self.unreserved.limit - held, self.scenario.account.concurrent_executions)
        prov = fn.provisioned.get(qualifier)
        if prov is None:
            config = self.function_config(name, qualifier)
            prov = Provisioned(name, qualifier, self.env.now, config.memory_mb, config.architecture)
            fn.provisioned[qualifier] = prov
            self.provisioned_history.append(prov)
        self._resize(fn, prov, count, self.env.now)
        self.record_settings()
        return self.get_provisioned_concurrency(name, qualifier)

    def get_provisioned_concurrency(self, name: str, qualifier: str | None) -> dict:
        """A version's or alias's provisioned concurrency: requested, available and allocated
        environments (all of them: allocation is instant here), ``READY``, and when it was set."""
        fn = self._function(name, qualifier)
        prov = fn.provisioned.get(qualifier or LATEST)
        if prov is None:
            raise rules.provisioned_not_found()
        return {"requested": prov.count, "available": prov.count, "allocated": prov.count,
                "status": "READY", "last_modified": prov.changed}

    def list_provisioned_concurrency(self, name: str) -> list[tuple[str, dict]]:
        """Each configured qualifier and its configuration, in the order they were configured."""
        fn = self._function(name)
        return [(q, self.get_provisioned_concurrency(name, q)) for q in fn.provisioned]

    def delete_provisioned_concurrency(self, name: str, qualifier: str | None) -> None:
        """Remove a version's or alias's provisioned concurrency: its idle environments go at once,
        busy ones when their execution ends; its slots return to the pool."""
        fn = self._function(name, qualifier)
        prov = fn.provisioned.get(qualifier or LATEST)
        if prov is None:
            raise rules.provisioned_not_found()
        self._resize(fn, prov, 0, self.env.now)
        del fn.provisioned[qualifier]
        self.record_settings()

    def provisioned_usage(self) -> list[dict]:
        """Every provisioned-concurrency configuration of the run so far (deleted ones too): function,
        qualifier, memory and architecture, when it was set and deleted, its count-seconds (the
        integral of the configured count over time, up to now) and the number and billed ms of the
        executions that ran on it (their attempts rows have ``provisioned`` True)."""
        now = self.env.now
        return [{"function": p.function, "qualifier": p.qualifier, "memory_mb": p.memory_mb,
                 "architecture": p.architecture, "since": p.since,
                 "until": now if p.ended is None else p.ended,
                 "count_s": p.count_s + p.count * (now - p.changed), "executions": p.executions,
                 "billed_ms": p.billed_ms} for p in self.provisioned_history]

    @staticmethod
    def _resize(fn: LiveFunction, prov: Provisioned, count: int, now: float) -> None:
        """Set ``prov.count``; the pool holds ``max(count, busy)`` slots for it (a busy environment
        keeps its slot until its execution ends, :meth:`EventQueue._on_end`)."""
        fn.pool.in_use += max(count, prov.busy) - max(prov.count, prov.busy)
        fn.pool.peak = max(fn.pool.peak, fn.pool.in_use)
        prov.set_count(count, now)
        if count == 0:
            prov.ended = now

    # -- the functions table -------------------------------------------------------------------------

    def record_settings(self) -> None:
        """Add a functions-table row for each qualifier whose settings differ from its last row.

        Called at the start (time 0) and after every change; each function lists ``$LATEST``, its
        published versions and its aliases. Each qualifier's row holds the memory, architecture,
        timeout and dead-letter queue of the version it runs (a published version keeps those it was
        published with; a weighted alias records its primary version's).
        """
        now = self.env.now
        last = self._last_settings
        for name, fn in self.functions.items():
            pool = fn.pool
            reserved = pool.limit if fn.reserved else math.nan
            for qualifier in (LATEST, *fn.versions, *fn.aliases):
                limits = fn.settings_for(qualifier)
                runs = fn.runs(fn.version_of(qualifier))
                prov = fn.provisioned.get(qualifier)
                values = (name, qualifier, runs.memory_mb, runs.config.architecture, runs.timeout_s,
                          pool.name, pool.limit, reserved, prov.count if prov else 0,
                          limits.max_retry, limits.max_age_s,
                          limits.on_success or "", limits.on_failure or "", runs.dead_letter_arn or "")
                if last.get((name, qualifier)) != values:
                    last[(name, qualifier)] = values
                    self.recorder.function_settings((now, *values))

    def _check_reservation(self, name: str, reserved: int) -> None:
        others = sum(f.pool.limit for n, f in self.functions.items() if f.reserved and n != name)
        rules.check_reservation(reserved, others, self.scenario.account.concurrent_executions)

    def _move(self, fn: LiveFunction, pool: Pool) -> None:
        """Move a function to another pool, taking its executions in flight (and FIFO waiters) along."""
        old = fn.pool
        share = fn.in_flight + sum(max(p.count, p.busy) - p.busy for p in fn.provisioned.values())
        old.in_use -= share
        pool.in_use += share
        pool.peak = max(pool.peak, pool.in_use)
        if old.waiting:
            mine = [e for e in old.waiting if e.fn is fn]
            old.waiting = type(old.waiting)(e for e in old.waiting if e.fn is not fn)
            pool.waiting.extend(mine)
        fn.pool = pool
