"""What a template held that lambdasim does not simulate, and the errors for what it cannot read.

A template is read for its async configuration; everything else in it either does not change what
happens to an async event (a function's ``Code``, an IAM role: left alone) or does and is not
modelled (a VPC config, a KMS key, SnapStart, a weighted alias, a Kinesis mapping...). The second
kind is never dropped silently: each is a :class:`Finding` of the :class:`TemplateReport` returned
with the scenario. A template that cannot be read at all (a ``Ref`` to a parameter with no default
and no value passed, ``Fn::ImportValue`` from another stack, an intrinsic function lambdasim does not
evaluate) raises :class:`TemplateRefused`, naming the resource, the property and what to pass instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Finding", "TemplateReport", "TemplateRefused", "unplaced_invoke_config", "caller_sized"]


class TemplateRefused(ValueError):
    """A template lambdasim cannot read: ``resource``, ``prop`` (a dotted property path) and what
    to do instead are in the message and as attributes."""

    def __init__(self, resource: str, prop: str, problem: str, instead: str) -> None:
        where = f"{resource}.{prop}" if prop else resource
        super().__init__(f"{where}: {problem}; {instead}")
        self.resource, self.prop, self.problem, self.instead = resource, prop, problem, instead


@dataclass(frozen=True)
class Finding:
    """One resource or property that affects async behaviour and is not simulated as written."""

    resource: str  #: the logical id (or ``Template`` for the template as a whole)
    prop: str      #: the property path, or the resource type for a whole resource
    why: str       #: what it does in AWS and what lambdasim does instead

    def __str__(self) -> str:
        return f"{self.resource}.{self.prop}: {self.why}"


@dataclass
class TemplateReport:
    """The findings of one template read, in template order, and what was read from where."""

    source: str = "template"
    format: str = "CloudFormation"
    findings: list[Finding] = field(default_factory=list)
    #: logical id -> the scenario name it became (function name, or a target ARN)
    resources: dict[str, str] = field(default_factory=dict)
    #: "function:alias" -> the version simulated in its place (None: the function, $LATEST)
    aliases: dict[str, str | None] = field(default_factory=dict)

    def add(self, resource: str, prop: str, why: str) -> None:
        """Record a finding (the same one twice is kept once)."""
        finding = Finding(resource, prop, why)
        if finding not in self.findings:
            self.findings.append(finding)

    def __bool__(self) -> bool:  # a report is there even when it found nothing
        return True

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.findings)

    def __str__(self) -> str:
        head = f"{self.source} ({self.format}): {len(self.resources)} resources read"
        if not self.findings:
            return f"{head}; nothing that affects async behaviour was left out"
        lines = [f"{head}; {len(self.findings)} not modelled:"]
        lines += [f"  - {finding}" for finding in self.findings]
        return "\n".join(lines)


def unplaced_invoke_config(function: str, qualifier: str, simulated_on: str, placed_by: str | None) -> str:
    """Why an event-invoke config of a template is not applied (a second one for the qualifier it
    is simulated on, or one for a version the scenario does not publish) and how to set it."""
    where = (f"{function}:{simulated_on} has one already (from {placed_by})" if placed_by is not None else
             f"the scenario does not publish {function}:{simulated_on} (it publishes versions 1..N, N the "
             "highest with provisioned concurrency)")
    return (f"an EventInvokeConfig for {qualifier}: {where}; to simulate it, call "
            f"put_function_event_invoke_config with Qualifier {simulated_on!r} on the simulation's client")


def caller_sized(source: str, function: str) -> str:
    """Why an async source the template wires to ``function`` (a bucket's notifications, a topic's
    messages) is reported: the template says how the function is invoked, not how often."""
    return (f"{source} invoke {function} asynchronously at a rate the template does not say: give it with "
            f"workloads=['{function}=poisson:RATE/s:DURATION'] (--workload on the command line)")
