"""The control plane's event-invoke configs: one per qualifier (Put, Get, Delete, List).

Queued events read their qualifier's config when the next decision about them is made, so a
change takes effect at the current virtual time. A part of
:class:`~lambdasim.engine.control.ControlPlane`.
"""

from __future__ import annotations

from typing import Any

from lambdasim.engine.live_function import InvokeSettings
from lambdasim.model import rules
from lambdasim.model.errors import ResourceNotFoundException, invalid_value
from lambdasim.model.rules import LATEST

__all__ = ["EventInvokeConfigControl"]


class EventInvokeConfigControl:
    """Event-invoke config operations of :class:`~lambdasim.engine.control.ControlPlane`."""

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
