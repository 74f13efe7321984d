"""CloudFormation text decoded to plain data by cfn-lint's decoder, imported when a template is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambdasim.model.templates.report import TemplateRefused

__all__ = ["decode", "plain"]


def decode(text: str, name: str | None = None) -> dict:
    """The plain data of CloudFormation YAML (short tags become ``{"Fn::...": ...}``) or JSON."""
    from cfnlint.decode import decode_str

    template, errors = decode_str(text)
    if errors or not isinstance(template, Mapping):
        detail = "; ".join(str(error.message) for error in errors[:3]) or "not a mapping"
        raise TemplateRefused(name or "template", "", f"not a CloudFormation template ({detail})",
                              "pass CloudFormation YAML or JSON with a Resources section")
    return plain(template)


def plain(node: Any) -> Any:
    """cfn-lint's node objects (which carry line marks) as plain dicts, lists and scalars."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node
