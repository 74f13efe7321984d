"""Config validation shared by dists, workloads, failures, functions and scenario.

Every bad input raises :func:`~lambdasim.model.errors.invalid_value` naming the dotted field path the
user wrote (``functions.orders.duration.mean_s``), the value given and what is allowed: ``check_*``
validate one value against its allowed range; dataclasses validate in ``__post_init__`` with paths
like ``Exponential.mean_s``, and ``from_dict`` builds through :func:`build` (or :func:`read`, for
mappings with AWS key names), which renames such a path to the user's; :func:`replaced` changes
nested fields by dotted path. This is the lowest of the config modules: it imports only errors.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from lambdasim.model.errors import InvalidParameterValueException, invalid_value

__all__ = ["MISSING", "join", "check_number", "check_field", "check_str", "check_json", "check_sequence",
           "check_keys", "build", "renamed", "replaced", "check_instance", "read", "write", "sub"]


class _Missing:
    """Marks a required key the user left out (shown as ``<missing>`` in messages)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def join(field: str, key: str | int) -> str:
    """Extend a dotted field path: ``join("workloads", 1) == "workloads[1]"``."""
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


def _range_text(kind: str, gt: float | None, ge: float | None, le: float | None) -> str:
    if ge is not None and le is not None:
        return f"{kind} {ge:g}-{le:g}"
    low = f" > {gt:g}" if gt is not None else f" >= {ge:g}" if ge is not None else ""
    high = f" <= {le:g}" if le is not None else ""
    return kind + low + (" and" if low and high else "") + high


def check_number(value: Any, field: str, *, gt: float | None = None, ge: float | None = None,
                 le: float | None = None, integer: bool = False, allowed: str | None = None) -> Any:
    """Return ``value`` as a finite float (or int with ``integer``) within the bounds, else raise."""
    text = allowed or _range_text("integer" if integer else "number", gt, ge, le)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise invalid_value(field, value, text)
    if integer and not float(value).is_integer():
        raise invalid_value(field, value, text)
    number = int(value) if integer else float(value)
    if (gt is not None and not number > gt) or (ge is not None and number < ge) or (
            le is not None and number > le):
        raise invalid_value(field, value, text)
    return number


def check_field(obj: Any, name: str, **bounds: Any) -> None:
    """Check the number ``obj.name`` with :func:`check_number` (path ``Class.name``) and store it back."""
    object.__setattr__(obj, name, check_number(getattr(obj, name), f"{type(obj).__name__}.{name}", **bounds))


def check_str(value: Any, field: str, pattern: str = r".+", allowed: str = "a non-empty string") -> str:
    """Return ``value`` if it is a string fully matching ``pattern``, else raise."""
    if not isinstance(value, str) or re.fullmatch(pattern, value) is None:
        raise invalid_value(field, value, allowed)
    return value


def check_json(value: Any, field: str) -> Any:
    """Return ``value`` if it serialises to JSON (no NaN), else raise."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise invalid_value(field, value, "a JSON-serialisable value") from None
    return value


def check_sequence(value: Any, field: str, allowed: str) -> tuple:
    """Return a list or tuple as a tuple, else raise (strings and mappings are not sequences here)."""
    if not isinstance(value, (list, tuple)):
        raise invalid_value(field, value, allowed)
    return tuple(value)


def check_keys(d: Any, field: str, keys: Sequence[str], required: Sequence[str] = ()) -> dict:
    """Check a YAML mapping: only ``keys`` allowed; ``required`` ones that are absent map to MISSING."""
    if not isinstance(d, Mapping):
        raise invalid_value(field or "scenario", d, "a mapping with keys " + ", ".join(keys))
    for key in d:
        if key not in keys:
            raise invalid_value(join(field, str(key)), key, "one of the keys " + ", ".join(keys))
    return {**{key: MISSING for key in required}, **d}


def pick_kind(d: Any, field: str, key: str, kinds: Mapping[str, type], shape: str) -> type:
    """The class a YAML mapping names under ``key`` (``dist:``, ``arrivals:``), from ``kinds``.

    ``shape`` describes the mapping for the error when ``d`` is not one.
    """
    names = ", ".join(kinds)
    if not isinstance(d, Mapping):
        raise invalid_value(field, d, shape.format(kinds=names))
    kind = d.get(key, MISSING)
    cls = kinds.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise invalid_value(join(field, key), kind, "one of " + names)
    return cls


def build(cls: type, kwargs: Mapping[str, Any], field: str, keys: Mapping[str, str] | None = None) -> Any:
    """Construct ``cls(**kwargs)``, renaming an error path ``Cls.name...`` to ``field.KEY...``.

    ``keys`` maps dataclass field names to the YAML keys the user wrote (identity when omitted).
    """
    try:
        return cls(**kwargs)
    except InvalidParameterValueException as exc:
        raise renamed(exc, cls.__name__, field, keys) from None


def renamed(exc: InvalidParameterValueException, old: str, new: str,
            keys: Mapping[str, str] | None = None) -> InvalidParameterValueException:
    """Return ``exc`` with its field path prefix ``old.name`` replaced by ``new.keys[name]``."""
    path = exc.fields.get("field", "")
    match = re.fullmatch(re.escape(old) + r"\.(\w+)(.*)", path)
    if match is None:
        return exc
    key = (keys or {}).get(match[1], match[1])
    return invalid_value(join(new, key) + match[2], exc.fields["value"], exc.fields["allowed"])


def replaced(obj: Any, changes: Mapping[str, Any]) -> Any:
    """Return a copy of a frozen dataclass with values at dotted paths changed.

    Segments are dataclass field names, mapping keys (a new key may be added at the end of a path)
    or tuple indexes (``workloads[0]`` or ``workloads.0``). All changes are applied together, so
    each changed dataclass is rebuilt, and validated, once; errors name the path as written.
    """
    tree: dict = {}
    for path, value in changes.items():
        *parents, last = [int(s) if s.isdigit() else s for s in re.split(r"\.|\[(\d+)\]\.?", path) if s]
        node: Any = tree
        for segment in parents:
            node = node.setdefault(segment, {}) if isinstance(node, dict) else node
        if not isinstance(node, dict) or last in node:
            raise invalid_value(path, value, "paths that do not overlap with one another")
        node[last] = _Leaf(value)
    return _changed(obj, tree, "")


class _Keyed(dict):
    """A mapping field as :func:`replaced` walks it, with the noun its keys are (``versions``)."""

    def __init__(self, items: Any, noun: str) -> None:
        super().__init__(items)
        self.noun = noun


#: What the keys of each mapping field are, for the error naming a key that is not there.
_KEY_NOUNS = {"provisioned": "versions", "version_event_invoke_configs": "versions",
              "environment": "variables", "functions": "functions", "targets": "targets"}


def _keyed(value: Any, declared: str, name: str = "") -> Any:
    """A field declared as a mapping, as the mapping a user wrote, its keys named by their noun
    (``versions``, ``variables``, ``functions``) for the error about a key that is not there. Some are
    kept as ``((key, value), ...)`` pairs (so the dataclass stays hashable:
    ``FunctionConfig.provisioned``, ``environment``, ``version_event_invoke_configs``): a path
    addresses them by key too (``provisioned.1`` is version 1's count, not the second pair)."""
    if "Mapping" not in declared:
        return value
    pairs = isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value)
    if pairs or isinstance(value, Mapping):
        return _Keyed(value, _KEY_NOUNS.get(name, "keys"))
    return value


@dataclass(frozen=True)
class _Leaf:
    value: Any


def _changed(obj: Any, tree: Any, path: str) -> Any:
    if isinstance(tree, _Leaf):
        return tree.value
    if dataclasses.is_dataclass(obj):
        names = [f.name for f in fields(obj)]
        for key in tree:
            if key not in names:
                raise invalid_value(join(path, key), key, "one of the fields " + ", ".join(names))
        declared = {f.name: str(f.type) for f in fields(obj)}
        try:
            return dataclasses.replace(obj, **{k: _changed(_keyed(getattr(obj, k), declared[k], k), t,  # type: ignore
                                                           join(path, k))
                                               for k, t in tree.items()})
        except InvalidParameterValueException as exc:
            raise renamed(exc, type(obj).__name__, path) from None
    if not isinstance(obj, (Mapping, tuple)):
        key = next(iter(tree))
        raise invalid_value(join(path, key), key, f"nothing: {path} is a plain value, to be replaced whole")
    items = dict(obj) if isinstance(obj, Mapping) else dict(enumerate(obj))
    if isinstance(obj, Mapping):  # a mapping key that looks like an index ("functions.123")
        tree = {str(k) if isinstance(k, int) and k not in items else k: t for k, t in tree.items()}
    for key, sub in tree.items():
        if key not in items and not (isinstance(obj, Mapping) and isinstance(sub, _Leaf)):
            noun = obj.noun if isinstance(obj, _Keyed) else "keys" if isinstance(obj, Mapping) else "indexes"
            there = ", ".join(map(str, items)) or "(there are none)"
            raise invalid_value(join(path, key), key, f"one of the {noun} {there}")
        items[key] = _changed(items.get(key), sub, join(path, key))
    return items if isinstance(obj, Mapping) else tuple(items.values())


def check_instance(value: Any, path: str, cls: type) -> None:
    """Raise unless ``value`` is a ``cls`` (an already-built object, not a plain dict)."""
    if not isinstance(value, cls):
        raise invalid_value(path, value, f"a {cls.__name__} (plain dicts are read by Scenario.from_dict)")


def read(cls: type, d: Any, path: str, keys: Mapping[str, str],
         parse: Mapping[str, Callable[[Any, str], Any]] | None = None) -> Any:
    """Build ``cls`` from a YAML mapping whose keys are ``keys[field name]``; None means defaults."""
    names = {key.split(".")[0]: name for name, key in keys.items()}
    parse = parse or {}
    kwargs = {names[k]: parse[names[k]](v, join(path, k)) if names[k] in parse else v
              for k, v in check_keys({} if d is None else d, path, list(names)).items()}
    return build(cls, kwargs, path, keys)


def write(obj: Any, keys: Mapping[str, str]) -> dict:
    """The YAML mapping ``{keys[field name]: value}`` of ``obj``, leaving out None (tuples become lists)."""
    out = {key: getattr(obj, name) for name, key in keys.items() if getattr(obj, name) is not None}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


def sub(key: str) -> Callable[[Any, str], Any]:
    """Parser of a one-key mapping such as ``{Destination: arn}``: its value, None when empty."""
    return lambda value, path: check_keys({} if value is None else value, path, [key]).get(key) or None
