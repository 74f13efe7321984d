"""The Lambda service over one simulation, as its operations see it.

:class:`LambdaService` holds what an operation needs beyond the request: the simulation, what
AWS reports that the engine does not hold (role, runtime, handler, code size and hash, revision
ids, per function version), the request and revision id counters, and how a request names a
function (a name, an ARN, a partial ARN or ``name:qualifier``, checked with
:mod:`lambdasim.model.rules`). There is one per simulation, shared by all its clients.
"""

from __future__ import annotations

import base64
import hashlib
import weakref
from datetime import datetime
from typing import Any

from lambdasim.model import errors, rules
from lambdasim.records import RequestIds

__all__ = ["LambdaService", "read_blob"]


def read_blob(value: Any) -> bytes:
    """A blob member (bytes, str or a file-like object) as bytes."""
    if hasattr(value, "read"):
        value = value.read()
    return value.encode() if isinstance(value, str) else bytes(value)


def sha256(data: bytes) -> str:
    """``CodeSha256``: the base64 SHA-256 of a deployment package."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def iso(moment: datetime) -> str:
    """``LastModified`` as the Lambda API writes it (``2025-01-01T00:00:00.000+0000``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


_SERVICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class LambdaService:
    """One simulation as the Lambda service: its state beside the engine and its name rules.

    Use :meth:`of` to get the simulation's (shared) service.
    """

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        seed = int(sim.scenario.seed)
        self.request_ids = RequestIds(seed, stream=3)
        self.revision_ids = RequestIds(seed, stream=4)
        self.requests = 0
        self.revisions = 0
        self.meta: dict[tuple[str, str], dict] = {}    # (function, version) -> AWS-only attributes
        #: Functions created or updated since their ``$LATEST`` last settled: its RevisionId changes
        #: again once it is Active with no update in progress, as AWS's does (recorded, §13).
        self.settling: set[str] = set()

    @classmethod
    def of(cls, sim: Any) -> LambdaService:
        """The service of ``sim`` (made on first use; every client of ``sim`` shares it)."""
        service = _SERVICES.get(sim)
        if service is None:
            service = _SERVICES[sim] = cls(sim)
        return service

    # -- ids -------------------------------------------------------------------------------------------

    def next_request_id(self) -> str:
        """A fresh ``x-amzn-RequestId``."""
        self.requests += 1
        return self.request_ids(self.requests)

    def next_revision(self) -> str:
        """A fresh ``RevisionId``."""
        self.revisions += 1
        return self.revision_ids(self.revisions)

    # -- names -----------------------------------------------------------------------------------------

    def arn(self, name: str, qualifier: str | None = None) -> str:
        """The function's ARN in the simulated account."""
        return self.sim.scenario.function_arn(name, qualifier)

    def target(self, function: str, qualifier: str | None = None) -> tuple[str, str | None]:
        """(name, qualifier or None) of a name, ARN, partial ARN or ``name:qualifier``.

        An ARN of another account or Region is not found, as AWS answers.
        """
        account = self.sim.scenario.account
        rules.check_account(function, account.region, account.account_id)
        return rules.parse_function(function, qualifier)

    def unqualified(self, function: str, operation: str, refusal: errors.LambdaError | None = None) -> str:
        """The name of a function an operation applies to whole: a qualifier is refused (with
        ``refusal`` when AWS's own answer is known)."""
        name, qualifier = self.target(function)
        if qualifier is not None:
            raise refusal or errors.InvalidParameterValueException(
                f"{operation} applies to the whole function: use the unqualified function name, "
                f"not {function}")
        return name

    def exists(self, name: str, qualifier: str | None = None) -> bool:
        """True when the function (and the version or alias ``qualifier``, if given) exists."""
        try:
            self.sim.resolve_version(name, qualifier)
        except errors.ResourceNotFoundException:
            return False
        return True

    # -- what AWS reports beside the engine --------------------------------------------------------------

    def meta_of(self, name: str, version: str) -> dict:
        """The AWS-only attributes of a function version (role, runtime, code hash, ...), its
        ``RevisionId`` as it is now (:meth:`changed`)."""
        key = (name, version)
        meta = self.meta.get(key)
        if meta is None:
            meta = self.meta[key] = {
                "Role": f"arn:aws:iam::{self.sim.scenario.account.account_id}:role/lambdasim",
                "CodeSize": 0, "CodeSha256": sha256(name.encode()),
                "LastModified": iso(self.sim.wall_time(0.0)), "RevisionId": self.next_revision(),
                "PackageType": "Zip"}
        if version == rules.LATEST and name in self.settling:
            state = self.sim.function_state(name)
            if (state["state"], state["last_update_status"]) == (rules.STATE_ACTIVE, rules.UPDATE_SUCCESSFUL):
                self.settling.discard(name)
                meta["RevisionId"] = self.next_revision()
        return meta

    def changed(self, name: str) -> None:
        """``$LATEST`` was created or updated: a new ``RevisionId`` now, and another once the function
        is ``Active`` with no update in progress (recorded: ``TestLambdaRevisions``, §13)."""
        self.settling.discard(name)
        self.meta_of(name, rules.LATEST)["RevisionId"] = self.next_revision()
        self.settling.add(name)

    def alias_meta(self, name: str, alias: str) -> dict:
        """The AWS-only attributes of an alias (description, ``RevisionId``); an alias a scenario
        defines gets them on first use."""
        return self.meta.setdefault((name, alias), {"Description": "", "RevisionId": self.next_revision()})

    def check_revision(self, name: str, given: str | None, alias: str | None = None) -> None:
        """AWS's 412 unless ``given`` (a request's ``RevisionId``; None: left out) is the current one of
        ``$LATEST`` or of ``alias``; a function (or alias) that does not exist is a 404 first."""
        if given is None:
            return
        self.sim.resolve_version(name, alias)
        meta = self.meta_of(name, rules.LATEST) if alias is None else self.alias_meta(name, alias)
        rules.check_revision(given, meta["RevisionId"])

    def forget(self, name: str, qualifier: str | None = None) -> None:
        """Drop the attributes of a deleted function (every version) or of one deleted version."""
        for key in [k for k in self.meta if k[0] == name and qualifier in (None, rules.LATEST, k[1])]:
            del self.meta[key]
        if qualifier in (None, rules.LATEST):
            self.settling.discard(name)
