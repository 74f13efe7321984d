"""Changing a running simulation the way the Lambda API changes a real account (the control plane).

:class:`ControlPlane` gives :class:`~lambdasim.engine.Model` the operations behind the
boto3-shaped client: functions, versions and aliases, each qualifier's event-invoke config,
reserved and provisioned concurrency (invokes, sync and async, are the data plane:
:mod:`lambdasim.engine.model`). Changes take effect at the current virtual
time; queued events read their qualifier's config when the next decision about them is made.
Each change that alters a function's settings adds rows to the functions table
(:meth:`ControlPlane.record_settings`), so the records say which settings were in force when.

One module a resource: :mod:`~lambdasim.engine.control_functions` (functions, versions, aliases),
:mod:`~lambdasim.engine.control_invoke_configs` (event-invoke configs) and
:mod:`~lambdasim.engine.control_concurrency` (reserved and provisioned concurrency); this module
puts them together and keeps the functions table they all write to.
"""

from __future__ import annotations

import math

from lambdasim.engine.control_concurrency import ConcurrencyControl
from lambdasim.engine.control_functions import FunctionControl
from lambdasim.engine.control_invoke_configs import EventInvokeConfigControl
from lambdasim.model.rules import LATEST

__all__ = ["ControlPlane"]


class ControlPlane(FunctionControl, EventInvokeConfigControl, ConcurrencyControl):
    """The control plane of a :class:`Model`: account, function, qualifier and concurrency operations.

    A base class of :class:`Model` (the data plane): both read and change the same live state.
    """

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

