"""The control plane's function operations: names, functions, versions and aliases.

Create, update, publish, delete and the function's state on the virtual clock (Pending, an
update InProgress), and the aliases that point at its versions. A part of
:class:`~lambdasim.engine.control.ControlPlane`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lambdasim.engine.live_function import LiveFunction
from lambdasim.model import rules
from lambdasim.model.errors import InvalidParameterValueException, ResourceConflictException, invalid_value
from lambdasim.model.rules import LATEST
from lambdasim.model.validation import check_number

if TYPE_CHECKING:
    from lambdasim.model.functions import FunctionConfig

__all__ = ["FunctionControl", "version_settings"]

_NAME = re.compile(rules.FUNCTION_NAME_PATTERN)
#: FunctionConfig fields that are settings of the function (or of each qualifier), not of a version:
#: a version is published with the rest, and a change to these alone publishes no new version.
_FUNCTION_LEVEL = {"reserved_concurrency": None, "event_invoke_config": None, "provisioned": (),
                   "version_event_invoke_configs": (), "recursive_loop": "Terminate"}


def version_settings(config: FunctionConfig) -> FunctionConfig:
    """``config`` with its function-level settings at their defaults: what a version is published
    with, compared by :meth:`FunctionControl.publish_version` to tell whether anything changed."""
    from lambdasim.model.functions import EventInvokeConfig

    return dataclasses.replace(config, **{**_FUNCTION_LEVEL, "event_invoke_config": EventInvokeConfig()})


class FunctionControl:
    """Function, version and alias operations of :class:`~lambdasim.engine.control.ControlPlane`.

    It resizes provisioned concurrency and records settings through the other parts of the
    control plane (``self``), which a :class:`~lambdasim.engine.Model` combines.
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
        self._published_numbers().pop(name, None)  # a new function of an old name counts from 1
        if publish:
            fn.publish(self._next_version(name, fn))
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
            self._published_numbers().pop(name, None)
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
        numbers = self._published_numbers()  # its number is never given again
        numbers[name] = max(numbers.get(name, 0), int(qualifier))
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

    def publish_version(self, name: str, code_changed: bool = False) -> str:
        """Publish ``$LATEST`` as the next version number and return it (refused with AWS's 409
        while the function is Pending or an update is in progress).

        When nothing changed since the newest published version, that version is returned and no
        new one is made, as AWS does (docs/aws-behaviour.md §13): nothing changed when ``$LATEST``'s
        configuration, function-level settings aside (:func:`version_settings`), equals that
        version's and ``code_changed`` is False (the caller's word on what the engine does not
        hold: the deployment package, description, role, runtime and handler of the API).
        """
        fn = self._function(name)
        self._check_updatable(name, fn)
        newest = max(fn.versions, key=int, default=None)
        if (newest is not None and not code_changed
                and version_settings(fn.versions[newest]) == version_settings(fn.config)):
            return newest
        version = self._next_version(name, fn)
        fn.publish(version)
        self.record_settings()
        return version

    def _published_numbers(self) -> dict[str, int]:
        """The highest version number each function has published or deleted (made on first use: the
        data plane's ``__init__`` sets up the rest of the live state)."""
        numbers = self.__dict__.get("_highest_published")
        if numbers is None:
            numbers = self.__dict__["_highest_published"] = {}
        return numbers

    def _next_version(self, name: str, fn: LiveFunction) -> str:
        """The number the next published version of ``name`` gets: one more than any it has had, as
        AWS never gives a deleted version's number again (docs/aws-behaviour.md §13)."""
        numbers = self._published_numbers()
        number = max(numbers.get(name, 0), *(int(v) for v in fn.versions), 0) + 1
        numbers[name] = number
        return str(number)

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

