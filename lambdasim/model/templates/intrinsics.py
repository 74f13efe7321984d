"""CloudFormation's intrinsic functions, evaluated for the resources of one template.

:class:`Resolver` evaluates ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``,
``Fn::Split``, ``Fn::FindInMap``, ``Fn::If`` and the condition functions (``Fn::Equals``, ``Fn::Not``,
``Fn::And``, ``Fn::Or``, ``Condition``) against the template's ``Parameters`` (the caller's values,
else their defaults), ``Mappings``, ``Conditions`` and pseudo parameters. A value is resolved only
when a modelled property needs it, so a template full of IAM roles and code locations reads without
resolving them. What cannot be evaluated here is refused with :class:`TemplateRefused`, naming the
resource, the property and what to pass instead.

Our choices where a deployed stack would know more (docs/aws-behaviour.md §20):
``AWS::StackName`` is ``STACK_NAME``; a resource without a name property is named after its logical
id (CloudFormation would add the stack name and a random suffix); ``Fn::GetAZs`` gives the Region's
``a``, ``b`` and ``c`` zones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lambdasim.model.templates.report import TemplateRefused

__all__ = ["Resolver", "NO_VALUE", "STACK_NAME"]

#: The stack name a template is read as (``AWS::StackName``).
STACK_NAME = "lambdasim"
#: ``Ref: AWS::NoValue``: the property (or list item) is removed.
NO_VALUE = object()

_PASS = "pass it with parameters={{{name!r}: ...}}"
_SUB = re.compile(r"\$\{([^}]*)\}")
_REFUSED_FUNCTIONS = {
    "Fn::ImportValue": "an output of another stack, known only when deployed",
    "Fn::Transform": "a macro, run by CloudFormation when deployed",
    "Fn::Cidr": "an address calculation lambdasim does not evaluate",
    "Fn::ToJsonString": "a language extension lambdasim does not evaluate",
    "Fn::Length": "a language extension lambdasim does not evaluate",
    "Fn::ForEach": "a language extension lambdasim does not evaluate",
}


class Resolver:
    """Evaluates intrinsic functions for one template (module docstring)."""

    def __init__(self, template: Mapping, parameters: Mapping[str, Any] | None, region: str,
                 account_id: str) -> None:
        self.template, self.region, self.account_id = template, region, account_id
        self.declared = template.get("Parameters") or {}
        self.passed = dict(parameters or {})
        for name in self.passed:
            if name not in self.declared:
                raise TemplateRefused("Parameters", name, "no such parameter in the template",
                                      "pass only its parameters: " + (", ".join(self.declared) or "none"))
        self.mappings = template.get("Mappings") or {}
        self.condition_specs = template.get("Conditions") or {}
        self.conditions: dict[str, bool] = {}
        self.resources: dict[str, Mapping] = {}
        self.namers: dict[str, Callable[[str, str], Any]] = {}

    # -- where values come from ----------------------------------------------------------------

    def parameter(self, name: str, where: tuple[str, str]) -> Any:
        """A parameter's value: the caller's, else its ``Default``, typed as its ``Type`` says."""
        spec = self.declared[name] or {}
        kind = str(spec.get("Type", "String"))
        if name in self.passed:
            value = self.passed[name]
        elif "Default" in spec and not kind.startswith("AWS::SSM::Parameter::Value"):
            value = spec["Default"]
        else:
            why = ("a Systems Manager parameter, read when the stack is deployed"
                   if kind.startswith("AWS::SSM") else "a parameter with no Default")
            raise TemplateRefused(*where, f"Ref to {name}, {why}", _PASS.format(name=name))
        allowed = spec.get("AllowedValues")
        if allowed is not None and value not in allowed and str(value) not in map(str, allowed):
            raise TemplateRefused("Parameters", name, f"{value!r} is not one of its AllowedValues",
                                  "pass one of " + ", ".join(map(str, allowed)))
        if kind == "Number":
            return _number(value, name)
        if kind in ("CommaDelimitedList", "List<Number>") or kind.startswith("List<"):
            return value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
        return value

    def pseudo(self, name: str) -> Any:
        return {"AWS::Region": self.region, "AWS::AccountId": self.account_id, "AWS::Partition": "aws",
                "AWS::StackName": STACK_NAME, "AWS::URLSuffix": "amazonaws.com",
                "AWS::NotificationARNs": [], "AWS::NoValue": NO_VALUE,
                "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{STACK_NAME}/"
                                "00000000-0000-0000-0000-000000000000"}.get(name)

    def ref(self, name: str, where: tuple[str, str]) -> Any:
        if name.startswith("AWS::"):
            value = self.pseudo(name)
            if value is None:
                raise TemplateRefused(*where, f"Ref to the unknown pseudo parameter {name}",
                                      "write the value itself")
            return value
        if name in self.declared:
            return self.parameter(name, where)
        return self.attribute(name, "Ref", where)

    def attribute(self, logical_id: str, name: str, where: tuple[str, str]) -> Any:
        """``Ref`` (``name == "Ref"``) or ``Fn::GetAtt`` of a resource of the template."""
        resource = self.resources.get(logical_id)
        function = "Ref" if name == "Ref" else f"Fn::GetAtt {logical_id}.{name}"
        if resource is None:
            raise TemplateRefused(*where, f"{function} names {logical_id}, which is not a resource of the "
                                          "template (or its Condition is false)",
                                  "write the value itself, or pass it as a parameter")
        namer = self.namers.get(resource.get("Type", ""))
        value = None if namer is None else namer(logical_id, name)
        if value is None:
            raise TemplateRefused(*where, f"{function} of {logical_id} ({resource.get('Type')}), a value "
                                          "lambdasim does not know", "write the value itself, or pass it "
                                                                     "as a parameter")
        return value

    # -- conditions ----------------------------------------------------------------------------

    def condition(self, name: str, where: tuple[str, str]) -> bool:
        if name not in self.conditions:
            if name not in self.condition_specs:
                raise TemplateRefused(*where, f"the condition {name} is not in Conditions",
                                      "declare it under Conditions")
            self.conditions[name] = False  # a condition that names itself reads False, not forever
            self.conditions[name] = bool(self.value(self.condition_specs[name], ("Conditions", name)))
        return self.conditions[name]

    # -- evaluation ----------------------------------------------------------------------------

    def value(self, node: Any, where: tuple[str, str]) -> Any:
        """``node`` with every intrinsic function evaluated (``AWS::NoValue`` items removed)."""
        if isinstance(node, list):
            return [v for v in (self.value(item, where) for item in node) if v is not NO_VALUE]
        if not isinstance(node, Mapping):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition":
                return self._function(key, arg, where)
        return {k: v for k, v in ((k, self.value(v, (where[0], f"{where[1]}.{k}"))) for k, v in node.items())
                if v is not NO_VALUE}

    def _function(self, key: str, arg: Any, where: tuple[str, str]) -> Any:
        if key in _REFUSED_FUNCTIONS:
            raise TemplateRefused(*where, f"{key} is {_REFUSED_FUNCTIONS[key]}",
                                  "write the value itself, or pass it as a parameter")
        method = _FUNCTIONS.get(key)
        if method is None:
            raise TemplateRefused(*where, f"{key} is not an intrinsic function lambdasim evaluates",
                                  "write the value itself, or pass it as a parameter")
        return method(self, arg, where)

    def _ref(self, arg: Any, where: tuple[str, str]) -> Any:
        return self.ref(self._text(arg, "Ref", where), where)

    def _get_att(self, arg: Any, where: tuple[str, str]) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 2:
            raise _malformed("Fn::GetAtt", "[LogicalId, Attribute]", where)
        return self.attribute(str(arg[0]), str(arg[1]), where)

    def _sub(self, arg: Any, where: tuple[str, str]) -> str:
        variables: Mapping = {}
        if isinstance(arg, list):
            if len(arg) != 2 or not isinstance(arg[1], Mapping):
                raise _malformed("Fn::Sub", "a string, or [string, {name: value}]", where)
            arg, variables = arg[0], self.value(arg[1], where)
        text = self._text(arg, "Fn::Sub", where)

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.attribute(logical_id, attribute, where))
            return str(self.ref(name, where))

        return _SUB.sub(replace, text)

    def _join(self, arg: Any, where: tuple[str, str]) -> str:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[1], list):
            raise _malformed("Fn::Join", "[delimiter, [values]]", where)
        return str(arg[0]).join(map(str, arg[1]))

    def _select(self, arg: Any, where: tuple[str, str]) -> Any:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[1], list):
            raise _malformed("Fn::Select", "[index, [values]]", where)
        index = _number(arg[0], "Fn::Select index")
        if not 0 <= index < len(arg[1]):
            raise TemplateRefused(*where, f"Fn::Select index {index} is outside its list of {len(arg[1])}",
                                  "select an index of the list")
        return arg[1][int(index)]

    def _split(self, arg: Any, where: tuple[str, str]) -> list:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 2:
            raise _malformed("Fn::Split", "[delimiter, string]", where)
        return str(arg[1]).split(str(arg[0]))

    def _find_in_map(self, arg: Any, where: tuple[str, str]) -> Any:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            raise _malformed("Fn::FindInMap", "[MapName, TopLevelKey, SecondLevelKey]", where)
        try:
            return self.mappings[arg[0]][arg[1]][arg[2]]
        except (KeyError, TypeError):
            if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3]:
                return arg[3]["DefaultValue"]
            raise TemplateRefused(*where, f"Fn::FindInMap finds no {arg[0]}.{arg[1]}.{arg[2]} in Mappings",
                                  "add it to Mappings") from None

    def _if(self, arg: Any, where: tuple[str, str]) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            raise _malformed("Fn::If", "[ConditionName, value if true, value if false]", where)
        chosen = arg[1] if self.condition(self._text(arg[0], "Fn::If", where), where) else arg[2]
        return self.value(chosen, where)

    def _equals(self, arg: Any, where: tuple[str, str]) -> bool:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 2:
            raise _malformed("Fn::Equals", "[value, value]", where)
        return str(arg[0]) == str(arg[1])

    def _not(self, arg: Any, where: tuple[str, str]) -> bool:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or len(arg) != 1:
            raise _malformed("Fn::Not", "[condition]", where)
        return not arg[0]

    def _and(self, arg: Any, where: tuple[str, str]) -> bool:
        return all(self._conditions(arg, "Fn::And", where))

    def _or(self, arg: Any, where: tuple[str, str]) -> bool:
        return any(self._conditions(arg, "Fn::Or", where))

    def _conditions(self, arg: Any, name: str, where: tuple[str, str]) -> list:
        arg = self.value(arg, where)
        if not isinstance(arg, list) or not 2 <= len(arg) <= 10:
            raise _malformed(name, "a list of 2-10 conditions", where)
        return arg

    def _condition(self, arg: Any, where: tuple[str, str]) -> bool:
        return self.condition(self._text(arg, "Condition", where), where)

    def _base64(self, arg: Any, where: tuple[str, str]) -> Any:
        return self.value(arg, where)  # the text before encoding: no modelled property is Base64

    def _get_azs(self, arg: Any, where: tuple[str, str]) -> list:
        return [f"{self.region}{zone}" for zone in "abc"]

    def _text(self, arg: Any, name: str, where: tuple[str, str]) -> str:
        value = self.value(arg, where)
        if not isinstance(value, str):
            raise _malformed(name, "a string", where)
        return value


_FUNCTIONS: dict[str, Callable[[Resolver, Any, tuple[str, str]], Any]] = {
    "Ref": Resolver._ref, "Fn::GetAtt": Resolver._get_att, "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join, "Fn::Select": Resolver._select, "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map, "Fn::If": Resolver._if, "Fn::Equals": Resolver._equals,
    "Fn::Not": Resolver._not, "Fn::And": Resolver._and, "Fn::Or": Resolver._or,
    "Condition": Resolver._condition, "Fn::Base64": Resolver._base64, "Fn::GetAZs": Resolver._get_azs,
}


def _malformed(name: str, shape: str, where: tuple[str, str]) -> TemplateRefused:
    return TemplateRefused(*where, f"{name} is malformed", f"write it as {shape}")


def _number(value: Any, name: str) -> int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        number = float(str(value))
    except ValueError:
        raise TemplateRefused("Parameters", name, f"{value!r} is not a number", "pass a number") from None
    return int(number) if number.is_integer() else number

