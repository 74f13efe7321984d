"""SQS event-source mappings on the virtual clock: the registry that creates, changes and deletes them.

:class:`EventSourceMappings` holds every mapping of a model (the control plane behind
``CreateEventSourceMapping`` and the other operations); its pollers, which read batches and invoke
the function, are :class:`~lambdasim.engine.esm_pollers.MappingPollers`, a base class (see
:mod:`lambdasim.engine.esm_pollers` for batching, deleting and scaling).

State: a mapping made through the API is ``Creating`` and then ``Enabled`` (``Disabled`` when made
with ``Enabled: false``), and ``Enabling``/``Disabling``/``Updating`` on a change, for the scenario's
``account.function_pending_s`` (AWS documents no figure; a documented choice). Mappings a scenario
declares are ``Enabled`` (or ``Disabled``) from 0. ``LastProcessingResult`` is ``No records
processed`` until a batch ends, then ``OK`` (AWS reports more detailed values for other causes;
lambdasim keeps to these two, a choice).
"""

from __future__ import annotations

from typing import Any

from lambdasim.engine.esm_pollers import Mapping, MappingPollers
from lambdasim.model import rules
from lambdasim.model.errors import ResourceNotFoundException
from lambdasim.model.event_source_mappings import MappingSettings, updated_settings
from lambdasim.records import RequestIds

__all__ = ["Mapping", "EventSourceMappings"]


class EventSourceMappings(MappingPollers):
    """Every event-source mapping of one model, and the SimPy processes that poll for them.

    ``model`` is the :class:`~lambdasim.engine.model.Model` (its clock, queue, functions, targets
    and synchronous-invoke path).
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.env = model.env
        self.mappings: dict[str, Mapping] = {}
        self._uuids = 0
        self._uuid_series = RequestIds(int(model.scenario.seed), stream=12)  # the same UUIDs every run
        account = model.scenario.account
        self.region = account.region
        self.sender_id = account.account_id  # SenderId of every message: a choice (AWS: the sender's id)
        self._epoch_ms = int(model.scenario.wall_time(0.0).timestamp() * 1000)

    # -- the control plane -----------------------------------------------------------------------------

    def _next_uuid(self) -> str:
        self._uuids += 1
        return self._uuid_series(self._uuids)

    def create(self, settings: MappingSettings, at_start: bool = False) -> Mapping:
        """Make a mapping (it starts polling once ``Enabled``); raises AWS's errors."""
        model = self.model
        target = model.target(settings.event_source_arn)
        if target.type != "sqs" or target.sqs is None:
            raise rules.esm_unsupported_source(settings.event_source_arn)
        name, qualifier, function_arn = self._function(settings.function_name)
        fn = model.functions[name]
        source = settings.event_source_arn
        for other in self.mappings.values():
            if other.settings.event_source_arn == source and other.function_arn == function_arn:
                raise rules.esm_duplicate(settings.event_source_arn, name, other.uuid)
        timeout_s = int(fn.timeout_s)
        visibility = int(target.sqs.settings.visibility_timeout_s)
        if visibility < timeout_s:
            raise rules.esm_visibility_below_timeout(visibility, timeout_s)
        now = self.env.now
        if at_start:
            state = rules.ESM_STATE_ENABLED if settings.enabled else rules.ESM_STATE_DISABLED
        else:
            state = rules.ESM_STATE_CREATING
        mapping = Mapping(self._next_uuid(), settings, name, qualifier, function_arn, target.sqs, now, state)
        self.mappings[mapping.uuid] = mapping
        target.sqs.on_available.append(lambda: self._arrived(mapping))
        if not at_start:
            self._settle(mapping)
        self._start(mapping)
        return mapping

    def _function(self, function: str) -> tuple[str, str | None, str]:
        """(name, qualifier or None, FunctionArn) of a mapping's ``FunctionName``; a missing
        function, version or alias is AWS's 404 ``Function does not exist``."""
        try:
            fn, _ = self.model._resolve_target(function, None)
        except ResourceNotFoundException:
            raise rules.esm_function_missing() from None
        _, qualifier = self.model.parse_function(function, None)
        return fn.name, qualifier, self.model.scenario.function_arn(fn.name, qualifier)

    def get(self, uuid: str) -> Mapping:
        mapping = self.mappings.get(uuid) if isinstance(uuid, str) else None
        if mapping is None:
            raise rules.esm_not_found()
        return mapping

    def update(self, uuid: str, changes: dict) -> Mapping:
        """Change a mapping's settings (AWS's request names); ``Updating`` / ``Enabling`` /
        ``Disabling`` for the transition delay."""
        mapping = self.get(uuid)
        settings = updated_settings(mapping.settings, changes)
        if settings.function_name != mapping.settings.function_name:
            mapping.function, mapping.qualifier, mapping.function_arn = self._function(settings.function_name)
        was_enabled = mapping.settings.enabled
        mapping.settings = settings
        mapping.last_modified = self.env.now
        if settings.enabled != was_enabled:
            mapping.state = rules.ESM_STATE_ENABLING if settings.enabled else rules.ESM_STATE_DISABLING
        else:
            mapping.state = rules.ESM_STATE_UPDATING
        mapping.scale = max(min(mapping.scale, mapping.cap()), mapping.floor())
        self._settle(mapping)
        self._start(mapping)
        return mapping

    def delete(self, uuid: str) -> Mapping:
        """Delete a mapping: ``Deleting``; its pollers stop (a batch in flight still ends)."""
        mapping = self.get(uuid)
        del self.mappings[uuid]
        mapping.state = rules.ESM_STATE_DELETING
        mapping.deleted = True
        self._wake(mapping)
        return mapping

    def _settle(self, mapping: Mapping) -> None:
        """Reach ``Enabled`` / ``Disabled`` after the transition delay."""
        delay = float(self.model.scenario.account.function_pending_s)

        def settle(_: Any = None) -> None:
            if mapping.deleted:
                return
            mapping.state = rules.ESM_STATE_ENABLED if mapping.settings.enabled else rules.ESM_STATE_DISABLED
            self._wake(mapping)
            self._start(mapping)

        marker = mapping.last_modified
        timer = self.env.timeout(delay)
        timer.callbacks.append(lambda _: marker == mapping.last_modified and settle())
