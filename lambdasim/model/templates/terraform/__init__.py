"""Terraform: the async configuration of a plan, a state or ``.tf`` files, as a scenario dict.

Three inputs, one reading:

- the JSON of ``terraform show -json PLANFILE`` (a plan: ``planned_values``; a value Terraform only
  knows after apply, such as a queue's ``arn``, is taken from the plan's ``configuration``
  references and built from the referenced resource's name),
- the JSON of ``terraform show -json`` after apply (a state: ``values``), child modules included,
- a module's ``.tf`` files (a directory, one file, or text; :mod:`.module_files` merges them as
  Terraform does, with the values of its ``terraform.tfvars``/``*.auto.tfvars``) read with
  python-hcl2, where the values are literal: a string, a number, a
  ``var.NAME`` with a default or a value the caller passes, a reference to another resource's
  ``arn``/``name``/``function_name``/``id`` in the same files, and ``jsonencode({...})`` of such
  values. Anything else (a ``data`` source, a ``local``, a function call) is refused naming the
  resource and the attribute.

The resources read: ``aws_lambda_function``, ``aws_lambda_function_event_invoke_config``,
``aws_lambda_alias``, ``aws_lambda_event_source_mapping``, ``aws_lambda_provisioned_concurrency_config``,
``aws_sqs_queue``, ``aws_sns_topic`` (+ ``aws_sns_topic_subscription``), ``aws_cloudwatch_event_bus``,
and ``aws_cloudwatch_event_rule`` with its ``aws_cloudwatch_event_target`` (a schedule targeting a
function becomes a workload).
What they set that affects async behaviour and is not modelled goes into the
:class:`~lambdasim.model.templates.report.TemplateReport`; resources that do not change what
happens to an async event (IAM, permissions, log groups) are left alone.

The modules: :mod:`.resources` (a resource and what Terraform computes for it),
:mod:`.plan_state`, :mod:`.module_files` and :mod:`.tf_files` (the inputs, as resources),
:mod:`.mapping` (resources to the scenario) and :mod:`.event_sources` (rules to workloads, sources reported).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambdasim.model.templates.report import TemplateReport
from lambdasim.model.templates.schedules import DEFAULT_START_TIME, SCHEDULE_HORIZON_S
from lambdasim.model.templates.terraform.mapping import scenario_dict
from lambdasim.model.templates.terraform.module_files import TfModule, module_from_text
from lambdasim.model.templates.terraform.plan_state import (
    arn_parts,
    plan_region,
    plan_resources,
    state_resources,
)
from lambdasim.model.templates.terraform.resources import Context
from lambdasim.model.templates.terraform.tf_files import tf_resources

__all__ = ["scenario_dict_from_terraform", "is_terraform_json"]


def is_terraform_json(document: Any) -> bool:
    """Whether ``document`` is the JSON of ``terraform show -json`` (a plan or a state)."""
    return isinstance(document, Mapping) and "format_version" in document and (
        "planned_values" in document or "values" in document or "terraform_version" in document)


def scenario_dict_from_terraform(source: Mapping | TfModule | str, report: TemplateReport, *,
                                 parameters: Mapping[str, Any] | None = None,
                                 region: str | None = None, account_id: str | None = None,
                                 start_time: str = DEFAULT_START_TIME,
                                 horizon_s: float = SCHEDULE_HORIZON_S) -> dict:
    """The scenario dict (file shape, no workloads) of a Terraform plan/state JSON, a module's ``.tf``
    files (:class:`~.module_files.TfModule`) or ``.tf`` text.

    ``parameters`` answer a ``.tf`` file's ``var.NAME`` (over its tfvars files and defaults); ``region`` and
    ``account_id`` build the ARNs Terraform only knows after apply (default: the provider's
    ``region`` in a plan, the ARNs of a state, else lambdasim's us-east-1 / 123456789012); a scheduled
    rule's workload fires from ``start_time`` up to ``horizon_s``.
    """
    if isinstance(source, str):
        source = module_from_text(source)
    if isinstance(source, TfModule):
        report.format = "Terraform (.tf)"
        context = Context(region or "us-east-1", account_id or "123456789012")
        resources = tf_resources(source, dict(parameters or {}), context, region is None)
    elif source.get("planned_values") is not None:
        report.format = "Terraform plan"
        context = Context(region or plan_region(source) or "us-east-1", account_id or "123456789012")
        resources = plan_resources(source, context)
    else:
        report.format = "Terraform state"
        resources = state_resources(source)
        found_region, found_account = arn_parts(resources)
        context = Context(region or found_region or "us-east-1",
                           account_id or found_account or "123456789012")
    return scenario_dict(resources, context, report, start_time=start_time, horizon_s=horizon_s)

