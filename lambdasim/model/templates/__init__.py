"""Bring your own stack: a scenario read from the template that deploys it, and written back.

:func:`read_template` reads CloudFormation (YAML with the short intrinsic tags, or JSON), SAM (a
template whose ``Transform`` names ``AWS::Serverless-2016-10-31``, translated by AWS's SAM translator
in :mod:`~lambdasim.model.templates.sam`) or Terraform (the JSON of ``terraform show -json``, or a
``.tf`` files: a directory, a file, or text that is HCL and not CloudFormation, in
:mod:`~lambdasim.model.templates.terraform`) into the scenario-file shape, and
returns it with a :class:`TemplateReport` of what the template holds that lambdasim does not
simulate. ``Scenario.from_template`` builds the scenario from it; ``scenario.to_cloudformation()``
and ``scenario.to_sam()`` (:mod:`~lambdasim.model.templates.export`) write one back.

The other formats' readers are called by these names (their modules are imported when needed):
``sam.cloudformation_from_sam(template: dict) -> dict`` (the CloudFormation AWS's SAM translator
makes, read here like any other), and ``terraform.scenario_dict_from_terraform(data, report, *,
parameters, region, account_id) -> dict`` (``data`` is the decoded ``terraform show -json`` mapping,
or a module's ``.tf`` files; findings go to ``report``, as for CloudFormation).

A template says nothing about what the simulator adds (durations, cold starts, failures, workloads,
targets' outages); those come from ``overrides`` (a scenario-file mapping merged over what the
template gives) and ``workloads``. The heavy libraries (cfn-lint, aws-sam-translator, python-hcl2)
are imported only when a template is read. This package never imports the scenario module, which
imports it: the layers stay acyclic.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lambdasim.model.loading import parse_yaml, read_source
from lambdasim.model.templates.cloudformation import (
    SCHEDULE_HORIZON_S,
    decode,
    scenario_dict_from_cloudformation,
)
from lambdasim.model.templates.report import Finding, TemplateRefused, TemplateReport
from lambdasim.model.templates.schedules import DEFAULT_START_TIME

__all__ = ["read_template", "template_format", "TemplateReport", "TemplateRefused", "Finding",
           "TemplateWarning", "SAM_TRANSFORM", "METADATA_KEY"]

#: The Transform that makes a template SAM.
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
#: The template ``Metadata`` key under which lambdasim's export keeps the simulator's settings.
METADATA_KEY = "lambdasim"


class TemplateWarning(UserWarning):
    """A template was read with properties lambdasim does not simulate (see ``template_report``)."""


def template_format(data: Any, name: str | None = None) -> str:
    """``CloudFormation``, ``SAM``, ``Terraform plan`` or ``Terraform`` (.tf) for decoded ``data``."""
    from lambdasim.model.templates.terraform.module_files import TfModule

    if isinstance(data, TfModule) or name is not None and str(name).endswith(".tf"):
        return "Terraform"
    if isinstance(data, Mapping):
        if "terraform_version" in data or "format_version" in data and "planned_values" in data:
            return "Terraform plan"
        transform = data.get("Transform")
        transforms = transform if isinstance(transform, list) else [transform]
        if SAM_TRANSFORM in transforms:
            return "SAM"
    return "CloudFormation"


def read_template(source: Any, *, workloads: Any = None, overrides: Mapping | None = None,
                  parameters: Mapping[str, Any] | None = None) -> tuple[dict, TemplateReport]:
    """``(scenario dict, report)`` of a template given as a path, text, bytes or decoded mapping.

    ``parameters`` are values for the template's ``Parameters`` (else their defaults);
    ``overrides`` is a scenario-file mapping merged over the template's (dicts merge key by key:
    ``{"functions": {"orders": {"duration": {...}}}, "horizon_s": 3600}``), after the simulator
    settings an exported template keeps in its ``Metadata``; ``workloads`` are appended to the
    template's (a workload's ``function`` may be a function's logical id, and its ``qualifier``
    an alias of the template).
    """
    overrides = dict(overrides or {})
    data, name = _decoded(source)
    metadata = _metadata(data, name)
    account = {**(metadata.get("account") or {}), **(overrides.get("account") or {})}
    region = account.get("region", "us-east-1")
    account_id = account.get("account_id", "123456789012")
    settings = _merged(metadata, overrides)  # the span the template's schedules fill
    span = {"start_time": settings.get("start_time", DEFAULT_START_TIME),
            "horizon_s": settings.get("horizon_s") or SCHEDULE_HORIZON_S}
    kind = template_format(data, name)
    report = TemplateReport(source=name or "template", format=kind)
    sam = None
    if kind.startswith("Terraform"):
        scenario_dict_from_terraform = _reader("terraform", "scenario_dict_from_terraform", kind)
        # the provider's Region (a plan) or the ARNs' (a state) unless the caller names one
        scenario = scenario_dict_from_terraform(data, report, parameters=parameters,
                                                region=account.get("region"),
                                                account_id=account.get("account_id"), **span)
    else:
        if kind == "SAM":
            sam = data
            data = _reader("sam", "cloudformation_from_sam", f"SAM (Transform: {SAM_TRANSFORM})")(
                data, parameters, region=region, account_id=account_id)
        scenario = scenario_dict_from_cloudformation(data, report, parameters=parameters, region=region,
                                                     account_id=account_id, **span)
    scenario = _merged(_merged(scenario, metadata), overrides)
    for workload in scenario.get("workloads", ()):  # a constant workload of the settings ends at the horizon
        if isinstance(workload, dict) and workload.get("arrivals") == "constant":
            workload.setdefault("end_s", span["horizon_s"])
    if sam is not None:  # its Schedule events (rate or cron) and the report of its S3/SNS events
        from lambdasim.model.templates.sam import sam_event_workloads

        scenario["workloads"] = [*scenario.get("workloads", ()), *sam_event_workloads(
            sam, report.resources, report, region=region, account_id=account_id, **span)]
    if isinstance(workloads, str):  # one spec alone
        workloads = [workloads]
    if any(isinstance(w, str) for w in workloads or ()):  # one-line specs: orders=poisson:50/s:3600s
        from lambdasim.model.templates.workload_specs import resolve_workloads

        queues = [arn for arn in scenario.get("targets", {}) if ":sqs:" in arn]
        workloads = resolve_workloads(workloads, scenario.get("functions", {}), queues)
    scenario["workloads"] = [*scenario.get("workloads", ()), *(_named(w, report) for w in workloads or ())]
    return scenario, report


def _reader(module: str, function: str, kind: str) -> Any:
    """The SAM or Terraform reader, imported by name when a template needs it (and so that this
    dispatcher works where that module is not there yet)."""
    try:
        return getattr(importlib.import_module(f"{__name__}.{module}"), function)
    except (ModuleNotFoundError, AttributeError):
        raise NotImplementedError(f"{kind} templates are not read yet ({__name__}.{module}.{function} "
                                  "is missing)") from None


def _decoded(source: Any) -> tuple[Any, str | None]:
    """The template's data and file name: a mapping is already data; a directory, a ``.tf`` file or
    text that is Terraform HCL and not a CloudFormation template is a Terraform module's files."""
    from lambdasim.model.templates.terraform.module_files import (
        TF_ALLOWED,
        hcl_detail,
        module_from_directory,
        module_from_text,
    )

    if isinstance(source, Mapping):
        return json.loads(json.dumps(source)), None
    path = _path(source)
    if path is not None and path.is_dir():
        return module_from_directory(path), os.fspath(source)
    if path is not None and path.suffix in (".tf", ".tfvars") and not path.is_file():
        raise FileNotFoundError(f"template not found: {os.fspath(source)!r} (relative to {Path.cwd()}); give "
                                "the path of an existing file or directory, or the template's text")
    text, name = read_source(source)
    if name is not None and name.endswith(".tf"):
        return module_from_text(text, name), name
    try:
        return decode(text, name), name
    except TemplateRefused as refused:  # .tf text given without a .tf name, or none of the formats
        why_not = hcl_detail(text)
        if why_not is None:
            return module_from_text(text, name), name
        raise TemplateRefused(name or "template", "", f"not a template lambdasim reads: as YAML or JSON, "
                              f"{refused.problem}; as Terraform .tf text, {why_not}",
                              "pass a CloudFormation or SAM template (YAML or JSON), the JSON of terraform "
                              f"show -json, or {TF_ALLOWED}") from None


def _path(source: Any) -> Path | None:
    """``source`` as a path when it can name one (a path, or one line of text), else None."""
    if isinstance(source, os.PathLike):
        return Path(source)
    if not isinstance(source, str) or "\n" in source.strip() or not source.strip():
        return None
    try:
        path = Path(source.strip())
        path.is_dir()  # a name too long for the file system, or holding a NUL byte, raises here
    except (OSError, ValueError):
        return None
    return path


def _metadata(data: Any, name: str | None) -> dict:
    """The simulator's settings an exported template keeps as YAML text in ``Metadata.lambdasim``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("Metadata"), Mapping):
        return {}
    settings = data["Metadata"].get(METADATA_KEY)
    if isinstance(settings, str):
        settings = parse_yaml(settings, f"{name or 'template'} Metadata.{METADATA_KEY}")
    if settings is None:
        return {}
    if not isinstance(settings, Mapping):
        raise TemplateRefused("Metadata", METADATA_KEY, "not a mapping of scenario settings",
                              "write scenario-file settings (YAML text or a mapping) or remove it")
    return dict(settings)


def _merged(base: Any, over: Any) -> Any:
    """``over`` merged into ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merged(base[key], value) if key in base else value
        return out
    return over


def _named(workload: Any, report: TemplateReport) -> Any:
    """A caller's workload with a function's logical id read as its name and an alias as its version."""
    if not isinstance(workload, Mapping):
        return workload
    workload = dict(workload)
    function = workload.get("function")
    if function in report.resources and ":" not in report.resources[function]:
        workload["function"] = function = report.resources[function]
    key = f"{function}:{workload.get('qualifier')}"
    if key in report.aliases:
        workload["qualifier"] = report.aliases[key]
        if workload["qualifier"] is None:
            del workload["qualifier"]
    return workload

