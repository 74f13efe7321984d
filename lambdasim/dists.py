"""Duration, cold-start and inter-arrival distributions, and the value checks the config modules share.

Every distribution is a frozen dataclass whose YAML shape is ``{dist: <name>, <parameters>}``
(design.md). ``sample(rng)`` draws one value; ``sampler(rng)`` returns a callable for the engine's
hot path that hands out values from pre-drawn numpy blocks.

The helpers at the top are the config plumbing that dists, workloads, failures and scenario share
(this is the lowest module of the four): ``check_*`` validate one value against its allowed range
and raise :func:`~lambdasim.errors.invalid_value` naming the field. Dataclasses validate in
``__post_init__`` with paths like ``Exponential.mean_s``; ``from_dict`` builds through
:func:`build`, which renames such a path to the one the user wrote
(``functions.orders.duration.mean_s``); :func:`replaced` changes nested fields by dotted path.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain, cycle, repeat
from typing import Any, ClassVar

import numpy as np

from lambdasim.errors import InvalidParameterValueException, invalid_value

__all__ = ["Distribution", "Constant", "Exponential", "LogNormal", "Uniform", "Empirical", "Cycle"]


# -- value checks shared by dists, workloads, failures and scenario --------------------------------

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
        try:
            return dataclasses.replace(obj, **{k: _changed(getattr(obj, k), t, join(path, k))  # type: ignore
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
            raise invalid_value(join(path, key), key, "one of the keys " + ", ".join(map(str, items)))
        items[key] = _changed(items.get(key), sub, join(path, key))
    return items if isinstance(obj, Mapping) else tuple(items.values())


# -- distributions ---------------------------------------------------------------------------------

class Distribution:
    """A non-negative random duration in seconds; subclasses are frozen dataclasses."""

    name: ClassVar[str] = ""
    _kinds: ClassVar[dict[str, type[Distribution]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Distribution._kinds[cls.name] = cls

    @property
    def mean(self) -> float:
        """The expected value in seconds."""
        raise NotImplementedError

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return float(self._draw(rng, None))

    def sampler(self, rng: np.random.Generator, block: int = 4096) -> Callable[[], float]:
        """Return a zero-argument callable that hands out draws from numpy blocks of ``block``.

        Blocks are drawn lazily, one at a time, from ``rng``; the sequence is deterministic for a
        given generator state.
        """
        block = check_number(block, "block", ge=1, integer=True)
        draw = self._draw

        def blocks() -> Any:
            while True:
                yield draw(rng, block).tolist()

        return chain.from_iterable(blocks()).__next__

    def to_dict(self) -> dict:
        """The YAML shape ``{dist: name, ...parameters}``."""
        params = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return {"dist": self.name, **{k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}}

    @staticmethod
    def from_dict(d: Any, field: str = "dist") -> Distribution:
        """Build from the YAML shape; a Distribution is returned as is, a number is a Constant."""
        if isinstance(d, Distribution):
            return d
        if isinstance(d, numbers.Real) and not isinstance(d, bool):
            return Constant(check_number(d, field, ge=0))
        kinds = ", ".join(Distribution._kinds)
        if not isinstance(d, Mapping):
            raise invalid_value(field, d, f"a number >= 0 or a mapping {{dist: NAME, ...}}; NAME: {kinds}")
        kind = d.get("dist", MISSING)
        cls = Distribution._kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise invalid_value(join(field, "dist"), kind, "one of " + kinds)
        names = [f.name for f in fields(cls)]
        values = check_keys(d, field, ["dist", *names], required=names)
        return build(cls, {k: v for k, v in values.items() if k != "dist"}, field)


@dataclass(frozen=True)
class Constant(Distribution):
    """Always ``value_s`` seconds (may be 0); its sampler draws nothing."""

    value_s: float
    name: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        check_field(self, "value_s", ge=0)

    @property
    def mean(self) -> float:
        return self.value_s

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return self.value_s if size is None else np.full(size, self.value_s)

    def sampler(self, rng: np.random.Generator, block: int = 4096) -> Callable[[], float]:
        return repeat(self.value_s).__next__


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with mean ``mean_s`` > 0."""

    mean_s: float
    name: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        check_field(self, "mean_s", gt=0)

    @property
    def mean(self) -> float:
        return self.mean_s

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.exponential(self.mean_s, size)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal with median ``median_s`` > 0 and log-scale ``sigma`` >= 0."""

    median_s: float
    sigma: float
    name: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        check_field(self, "median_s", gt=0)
        check_field(self, "sigma", ge=0)

    @property
    def mean(self) -> float:
        return self.median_s * math.exp(self.sigma**2 / 2)

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.lognormal(math.log(self.median_s), self.sigma, size)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [``low_s``, ``high_s``), 0 <= low <= high."""

    low_s: float
    high_s: float
    name: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        check_field(self, "low_s", ge=0)
        check_field(self, "high_s", ge=self.low_s, allowed=f"number >= low_s ({self.low_s:g})")

    @property
    def mean(self) -> float:
        return (self.low_s + self.high_s) / 2

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.uniform(self.low_s, self.high_s, size)


@dataclass(frozen=True)
class Empirical(Distribution):
    """Draws uniformly from the observed ``values_s`` (non-empty, all >= 0)."""

    values_s: tuple[float, ...]
    name: ClassVar[str] = "empirical"

    def __post_init__(self) -> None:
        path, allowed = f"{type(self).__name__}.values_s", "a non-empty list of numbers >= 0"
        values = self.values_s.tolist() if isinstance(self.values_s, np.ndarray) else self.values_s
        values = check_sequence(values, path, allowed)
        if not values:
            raise invalid_value(path, self.values_s, allowed)
        values = tuple(check_number(v, f"{path}[{i}]", ge=0) for i, v in enumerate(values))
        object.__setattr__(self, "values_s", values)
        object.__setattr__(self, "_array", np.array(values))

    @property
    def mean(self) -> float:
        return math.fsum(self.values_s) / len(self.values_s)

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        array: np.ndarray = self._array  # type: ignore[attr-defined]
        return array[rng.integers(0, len(array), size)]


@dataclass(frozen=True)
class Cycle(Empirical):
    """Not random: ``values_s`` in order, over and over (for exact, scripted timelines).

    A sampler starts at the first value; ``sample`` always returns the first value.
    """

    name: ClassVar[str] = "cycle"

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return self.values_s[0] if size is None else np.resize(self._array, size)  # type: ignore[attr-defined]

    def sampler(self, rng: np.random.Generator, block: int = 4096) -> Callable[[], float]:
        return cycle(self.values_s).__next__
