"""The control plane's concurrency: the account's settings, reserved and provisioned concurrency.

A reservation moves a function to a pool of its own (its executions in flight along); a
provisioned configuration holds slots of the function's pool. A part of
:class:`~lambdasim.engine.control.ControlPlane`.
"""

from __future__ import annotations

from lambdasim.engine.concurrency import Pool, Provisioned
from lambdasim.engine.live_function import LiveFunction
from lambdasim.model import rules
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.rules import LATEST

__all__ = ["ConcurrencyControl"]


class ConcurrencyControl:
    """Reserved and provisioned concurrency operations of :class:`~lambdasim.engine.control.ControlPlane`."""

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
