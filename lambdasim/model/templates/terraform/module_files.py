"""A Terraform module as Terraform reads it: its files, parsed with python-hcl2 and merged into one
configuration, and the variable values it reads by itself.

Terraform reads every ``*.tf`` file of a directory as one module (names in lexical order; a
resource or variable declared twice is an error), then merges the override files (``override.tf``,
``*_override.tf``) into it, and takes variable values from ``terraform.tfvars``,
``terraform.tfvars.json`` and ``*.auto.tfvars``/``*.auto.tfvars.json`` (in that order, a later file
winning). A ``.tf`` file or ``.tf`` text alone is a module of one file. ``*.tf.json`` files (Terraform's
JSON syntax) are refused rather than left out. python-hcl2 is imported when a module is parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdasim.model.loading import read_file
from lambdasim.model.templates.report import TemplateRefused

__all__ = ["TfModule", "Configuration", "module_from_directory", "module_from_text", "hcl_detail",
           "configuration", "unquote"]

#: Top-level blocks only Terraform's language has: text holding one (and parsing as HCL) is ``.tf``.
TF_BLOCKS = ("resource", "variable", "provider", "terraform", "module", "data", "locals", "output")
#: What a directory or a text must be, said when it is not.
TF_ALLOWED = "a directory of Terraform .tf files, a .tf file, or .tf text"


@dataclass(frozen=True)
class TfModule:
    """The files of one Terraform module, each ``(name, text)``: its ``.tf`` files in name order, and
    the variable files Terraform reads without being asked, in the order it reads them."""

    files: tuple[tuple[str, str], ...]
    tfvars: tuple[tuple[str, str], ...] = ()


@dataclass
class Configuration:
    """A module's blocks merged across its files (hcl2's serialised form: strings keep their quotes)."""

    #: variable name -> its ``default`` (absent: no default)
    defaults: dict[str, Any] = field(default_factory=dict)
    #: ``type.name`` -> the resource's body
    resources: dict[str, dict] = field(default_factory=dict)
    #: ``(provider name, body)`` in file order
    providers: list[tuple[str, dict]] = field(default_factory=list)
    #: variable name -> its value from the module's tfvars files (plain Python)
    values: dict[str, Any] = field(default_factory=dict)


def module_from_text(text: str, name: str | None = None) -> TfModule:
    """A module of one file (``name``, or "the .tf text" for text given without one)."""
    return TfModule(((name or "the .tf text", text),))


def module_from_directory(directory: Path) -> TfModule:
    """The module in ``directory``: its ``.tf`` files and the tfvars files Terraform reads by itself."""
    names = sorted(p.name for p in directory.iterdir() if p.is_file())
    json_files = [n for n in names if n.endswith(".tf.json")]
    if json_files:
        raise TemplateRefused(str(directory / json_files[0]), "", "is Terraform's JSON syntax, which "
                              "lambdasim does not read", "write it as .tf, or read the plan: terraform show "
                              "-json PLANFILE > plan.json")
    files = tuple((str(directory / n), read_file(directory / n)) for n in names if n.endswith(".tf"))
    if not files:
        raise TemplateRefused(str(directory), "", "holds no .tf file", f"pass {TF_ALLOWED}")
    auto = [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    tfvars = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names] + auto
    return TfModule(files, tuple((str(directory / n), read_file(directory / n)) for n in tfvars))


def _is_override(name: str) -> bool:
    base = Path(name).name
    return base == "override.tf" or base.endswith("_override.tf")


def _parsed(text: str, name: str) -> dict:
    import hcl2
    from hcl2.utils import SerializationOptions

    try:
        return hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False))
    except RecursionError:  # hcl2 builds its tree recursively: a hostile nesting would crash it
        raise TemplateRefused(name, "", "is nested too deeply to parse", "flatten it") from None
    except Exception as exc:  # lark's parse errors have no common base worth naming here
        raise TemplateRefused(name, "", f"is not Terraform HCL ({_first_line(exc)})",
                              "fix it (terraform validate says where)") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def hcl_detail(text: str) -> str | None:
    """None when ``text`` is Terraform ``.tf`` text (HCL with a Terraform block), else why not."""
    try:
        parsed = _parsed(text, "text")
    except TemplateRefused as refused:
        return refused.problem.removeprefix("is ")
    if isinstance(parsed, dict) and any(block in parsed for block in TF_BLOCKS):
        return None
    return f"HCL, but with none of Terraform's {', '.join(TF_BLOCKS)} blocks"


def configuration(module: TfModule) -> Configuration:
    """The module's blocks merged as Terraform merges them (module docstring); a resource or variable
    declared twice, or an override of nothing, is refused naming the files."""
    out = Configuration()
    declared: dict[str, str] = {}  # "resource type.name" / "variable name" -> the file that declared it
    primary = [f for f in module.files if not _is_override(f[0])]
    overrides = [f for f in module.files if _is_override(f[0])]
    for name, text in primary:
        parsed = _parsed(text, name)
        for vname, body in _named_blocks(parsed, "variable", 1):
            _declare(declared, f"variable {vname}", name, "Duplicate variable declaration")
            if "default" in body:
                out.defaults[vname] = body["default"]
        for address, body in _named_blocks(parsed, "resource", 2):
            _declare(declared, f"resource {address}", name, "Duplicate resource configuration")
            out.resources[address] = body
        out.providers += list(_named_blocks(parsed, "provider", 1))
    for name, text in overrides:  # each argument and block type replaces the primary one's
        parsed = _parsed(text, name)
        for address, body in _named_blocks(parsed, "resource", 2):
            if address not in out.resources:
                raise TemplateRefused(address, "", f"is overridden in {name} but declared in no other file "
                                      "(Terraform: Missing base resource for override)", "declare it first")
            out.resources[address] = {**out.resources[address], **body}
        for vname, body in _named_blocks(parsed, "variable", 1):
            if f"variable {vname}" not in declared:
                raise TemplateRefused(vname, "", f"is overridden in {name} but declared in no other file "
                                      "(Terraform: Missing base variable declaration to override)",
                                      "declare it first")
            if "default" in body:
                out.defaults[vname] = body["default"]
        for pname, body in _named_blocks(parsed, "provider", 1):
            out.providers = [(n, {**b, **body} if n == pname else b) for n, b in out.providers]
    for name, text in module.tfvars:
        out.values.update(_tfvars(text, name))
    return out


def _declare(declared: dict[str, str], what: str, name: str, terraform_error: str) -> None:
    if what in declared:
        kind, _, label = what.partition(" ")
        raise TemplateRefused(label, "", f"declared in {declared[what]} and again in {name} (Terraform "
                              f"refuses this too: {terraform_error}; a {kind}'s name is unique in a module)",
                              "keep one of them")
    declared[what] = name


def _named_blocks(parsed: dict, kind: str, labels: int):  # type: ignore[no-untyped-def]
    """``(label, body)`` of each ``kind`` block: ``type.name`` for resources, the name otherwise."""
    for block in parsed.get(kind, ()):
        for first, inner in block.items():
            if labels == 1:
                yield unquote(first), inner
            else:
                for second, body in inner.items():
                    yield f"{unquote(first)}.{unquote(second)}", body


def _tfvars(text: str, name: str) -> dict:
    """A tfvars file's values as plain Python (JSON for ``.json``; literals only, as Terraform requires)."""
    if name.endswith(".json"):
        try:
            values = json.loads(text)
        except ValueError as exc:
            raise TemplateRefused(name, "", f"is not JSON ({exc})", "fix it") from None
        if not isinstance(values, dict):
            raise TemplateRefused(name, "", "is not a JSON object of variable values", "fix it")
        return values
    return {key: _literal(value, name, key) for key, value in _parsed(text, name).items()}


def _literal(value: Any, name: str, key: str) -> Any:
    if isinstance(value, list):
        return [_literal(v, name, key) for v in value]
    if isinstance(value, dict):
        return {unquote(k): _literal(v, name, key) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
            return value[1:-1]
        raise TemplateRefused(name, key, f"{value} is not a literal value (Terraform: Variables not allowed "
                              "in a variable file)", "write the value itself")
    return value


def unquote(text: str) -> str:
    """A block label or key without hcl2's quotes."""
    return text[1:-1] if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"' else text
