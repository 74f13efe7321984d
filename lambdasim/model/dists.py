"""Duration, cold-start and inter-arrival distributions.

Every distribution is a frozen dataclass whose YAML shape is ``{dist: <name>, <parameters>}``
(README). ``sample(rng)`` draws one value; ``sampler(rng)`` returns a callable for the engine's
hot path that hands out values from pre-drawn numpy blocks. Parameters are validated with the
checks of :mod:`lambdasim.model.validation`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, fields
from itertools import chain, cycle, repeat
from typing import Any, ClassVar

import numpy as np

from lambdasim.model.errors import invalid_value
from lambdasim.model.validation import build, check_field, check_keys, check_number, check_sequence, pick_kind

__all__ = ["Distribution", "Constant", "Exponential", "LogNormal", "Uniform", "Empirical", "Cycle"]


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

    @property
    def largest(self) -> float:
        """The largest value it can draw (``inf`` for an unbounded distribution)."""
        return math.inf

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return float(self._draw(rng, None))

    def sampler(self, rng: np.random.Generator, block: int = 4096,
                cap: float | None = None) -> Callable[[], float]:
        """Return a zero-argument callable that hands out draws from numpy blocks of ``block``.

        Blocks are drawn lazily, one at a time, from ``rng``; the sequence is deterministic for a
        given generator state. With ``cap``, a draw above it is ``cap`` (an AWS time limit).
        """
        block = check_number(block, "block", ge=1, integer=True)
        draw = self._draw

        def blocks() -> Any:
            while True:
                values = draw(rng, block)
                yield (values if cap is None else np.minimum(values, cap)).tolist()

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
        cls = pick_kind(d, field, "dist", Distribution._kinds,
                        "a number >= 0 or a mapping {{dist: NAME, ...}}; NAME: {kinds}")
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

    @property
    def largest(self) -> float:
        return self.value_s

    def sampler(self, rng: np.random.Generator, block: int = 4096,
                cap: float | None = None) -> Callable[[], float]:
        return repeat(self.value_s if cap is None else min(self.value_s, cap)).__next__


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

    @property
    def largest(self) -> float:
        return self.high_s

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

    @property
    def largest(self) -> float:
        return max(self.values_s)

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

    def sampler(self, rng: np.random.Generator, block: int = 4096,
                cap: float | None = None) -> Callable[[], float]:
        return cycle(self.values_s if cap is None else [min(v, cap) for v in self.values_s]).__next__
