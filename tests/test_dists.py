"""Distributions: parameters, means, seeded draws, the hot-path sampler, YAML shape and errors."""

import dataclasses
import math

import numpy as np
import pytest

from lambdasim.model.dists import Constant, Cycle, Distribution, Empirical, Exponential, LogNormal, Uniform
from lambdasim.model.errors import InvalidParameterValueException

ALL = [
    Constant(0.1),
    Exponential(0.4),
    LogNormal(0.2, 0.5),
    Uniform(0.1, 0.3),
    Empirical((0.1, 0.2, 0.5)),
    Cycle((5.0, 1.0)),
]
# Standard deviation of one draw, for the sample-mean tolerance.
STD = {
    "constant": 0.0,
    "exponential": 0.4,
    "lognormal": 0.2 * math.exp(0.125) * math.sqrt(math.exp(0.25) - 1),
    "uniform": 0.2 / math.sqrt(12),
    "empirical": float(np.std([0.1, 0.2, 0.5])),
}


def test_repr_names_the_parameters():
    assert [repr(d) for d in ALL] == [
        "Constant(value_s=0.1)",
        "Exponential(mean_s=0.4)",
        "LogNormal(median_s=0.2, sigma=0.5)",
        "Uniform(low_s=0.1, high_s=0.3)",
        "Empirical(values_s=(0.1, 0.2, 0.5))",
        "Cycle(values_s=(5.0, 1.0))",
    ]


def test_means_are_exact():
    assert [d.mean for d in ALL] == pytest.approx([0.1, 0.4, 0.2 * math.exp(0.125), 0.2, 0.8 / 3, 3.0])


def test_integer_parameters_are_stored_as_floats():
    assert Exponential(2).mean_s == 2.0 and isinstance(Exponential(2).mean_s, float)
    assert Empirical([1, 2]).values_s == (1.0, 2.0)
    assert Empirical(np.array([0.5, 1.5])).values_s == (0.5, 1.5)


def test_distributions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Exponential(0.4).mean_s = 1.0


def test_sample_draws_from_the_generator_given():
    assert Exponential(0.4).sample(np.random.default_rng(3)) == np.random.default_rng(3).exponential(0.4)
    assert Uniform(1, 2).sample(np.random.default_rng(3)) == np.random.default_rng(3).uniform(1, 2)
    assert Constant(0.7).sample(np.random.default_rng(3)) == 0.7
    assert Cycle((5.0, 1.0)).sample(np.random.default_rng(3)) == 5.0


def test_sampler_hands_out_numpy_blocks_in_order():
    expected = np.random.default_rng(11)
    blocks = np.concatenate([expected.exponential(0.4, 1000) for _ in range(3)])
    draw = Exponential(0.4).sampler(np.random.default_rng(11), block=1000)
    values = [draw() for _ in range(2500)]
    assert values == blocks[:2500].tolist()
    assert all(type(v) is float for v in values[:10])


@pytest.mark.parametrize("dist", ALL, ids=lambda d: d.name)
def test_sampler_is_deterministic_for_a_seed(dist):
    one, two = dist.sampler(np.random.default_rng(5), 512), dist.sampler(np.random.default_rng(5), 512)
    first = [one() for _ in range(3000)]
    assert first == [two() for _ in range(3000)]
    other = dist.sampler(np.random.default_rng(6), 512)
    assert ([other() for _ in range(3000)] == first) is (dist.name in ("constant", "cycle"))


def test_sampler_draws_lazily_and_constant_draws_nothing():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    draw = Exponential(1.0).sampler(rng)
    assert rng.bit_generator.state == before  # nothing drawn until the first call
    draw()
    assert rng.bit_generator.state != before
    rng = np.random.default_rng(1)
    const = Constant(0.25).sampler(rng)
    assert [const() for _ in range(5)] == [0.25] * 5
    assert rng.bit_generator.state == np.random.default_rng(1).bit_generator.state


def test_cycle_sampler_repeats_its_values_in_order():
    draw = Cycle((5.0, 1.0, 2.0)).sampler(np.random.default_rng(0))
    assert [draw() for _ in range(7)] == [5.0, 1.0, 2.0, 5.0, 1.0, 2.0, 5.0]


@pytest.mark.parametrize("dist", [d for d in ALL if d.name != "cycle"], ids=lambda d: d.name)
def test_sample_mean_is_near_the_mean(dist):
    n = 200_000
    draw = dist.sampler(np.random.default_rng(2024))
    values = np.array([draw() for _ in range(n)])
    assert abs(values.mean() - dist.mean) <= 5 * STD[dist.name] / math.sqrt(n)
    assert values.min() >= 0


def test_support_of_each_distribution():
    rng = np.random.default_rng(0)
    uniform = Uniform(0.1, 0.3).sampler(rng)
    assert all(0.1 <= uniform() < 0.3 for _ in range(10_000))
    empirical = Empirical((0.1, 0.2, 0.5)).sampler(rng)
    counts = {}
    for _ in range(30_000):
        v = empirical()
        counts[v] = counts.get(v, 0) + 1
    assert sorted(counts) == [0.1, 0.2, 0.5]
    assert all(abs(c - 10_000) < 500 for c in counts.values())
    flat = LogNormal(0.3, 0.0).sampler(rng)
    assert [flat() for _ in range(3)] == pytest.approx([0.3] * 3)


def test_sampler_draws_from_numpy_in_blocks_not_per_call():
    # what keeps a draw cheap (its speed is measured in benchmarks/, never timed here): the generator
    # is asked once per block of 4,096 values, and each call only hands out the next value
    rng = np.random.default_rng(0)
    calls = []

    class CountingRng:
        def exponential(self, scale, size):
            calls.append(size)
            return rng.exponential(scale, size)

    draw = Exponential(0.4).sampler(CountingRng())
    values = [draw() for _ in range(10_000)]
    assert calls == [4096, 4096, 4096]
    assert values == np.random.default_rng(0).exponential(0.4, 3 * 4096)[:10_000].tolist()


@pytest.mark.parametrize("dist", ALL, ids=lambda d: d.name)
def test_yaml_shape_round_trips(dist):
    d = dist.to_dict()
    assert d["dist"] == dist.name
    assert Distribution.from_dict(d) == dist
    assert type(Distribution.from_dict(d)) is type(dist)


def test_to_dict_shapes():
    assert [d.to_dict() for d in ALL] == [
        {"dist": "constant", "value_s": 0.1},
        {"dist": "exponential", "mean_s": 0.4},
        {"dist": "lognormal", "median_s": 0.2, "sigma": 0.5},
        {"dist": "uniform", "low_s": 0.1, "high_s": 0.3},
        {"dist": "empirical", "values_s": [0.1, 0.2, 0.5]},
        {"dist": "cycle", "values_s": [5.0, 1.0]},
    ]


def test_from_dict_accepts_a_distribution_or_a_number():
    dist = Exponential(0.4)
    assert Distribution.from_dict(dist) is dist
    assert Distribution.from_dict(0.3) == Constant(0.3)
    assert Distribution.from_dict(0) == Constant(0.0)


FIELD = "functions.orders.duration"
KINDS = "constant, exponential, lognormal, uniform, empirical, cycle"


@pytest.mark.parametrize("d, field, value, allowed", [
    ({"dist": "exponential", "mean_s": 0}, f"{FIELD}.mean_s", 0, "number > 0"),
    ({"dist": "exponential", "mean_s": -1.5}, f"{FIELD}.mean_s", -1.5, "number > 0"),
    ({"dist": "exponential", "mean_s": "0.4"}, f"{FIELD}.mean_s", "0.4", "number > 0"),
    ({"dist": "exponential", "mean_s": True}, f"{FIELD}.mean_s", True, "number > 0"),
    ({"dist": "exponential", "mean_s": math.inf}, f"{FIELD}.mean_s", math.inf, "number > 0"),
    ({"dist": "constant", "value_s": -0.1}, f"{FIELD}.value_s", -0.1, "number >= 0"),
    ({"dist": "lognormal", "median_s": 0, "sigma": 1}, f"{FIELD}.median_s", 0, "number > 0"),
    ({"dist": "lognormal", "median_s": 1, "sigma": -1}, f"{FIELD}.sigma", -1, "number >= 0"),
    ({"dist": "uniform", "low_s": -1, "high_s": 1}, f"{FIELD}.low_s", -1, "number >= 0"),
    ({"dist": "uniform", "low_s": 2, "high_s": 1}, f"{FIELD}.high_s", 1, "number >= low_s (2)"),
    ({"dist": "empirical", "values_s": []}, f"{FIELD}.values_s", [], "a non-empty list of numbers >= 0"),
    ({"dist": "empirical", "values_s": 3}, f"{FIELD}.values_s", 3, "a non-empty list of numbers >= 0"),
    ({"dist": "empirical", "values_s": [1, -2]}, f"{FIELD}.values_s[1]", -2, "number >= 0"),
    ({"dist": "cycle", "values_s": [1, None]}, f"{FIELD}.values_s[1]", None, "number >= 0"),
    ({"dist": "gamma", "shape": 2}, f"{FIELD}.dist", "gamma", f"one of {KINDS}"),
    ({"mean_s": 2}, f"{FIELD}.dist", None, f"one of {KINDS}"),
    ({"dist": "constant", "value_s": 1, "mean_s": 1}, f"{FIELD}.mean_s", "mean_s",
     "one of the keys dist, value_s"),
    ("fast", FIELD, "fast", f"a number >= 0 or a mapping {{dist: NAME, ...}}; NAME: {KINDS}"),
    (-1, FIELD, -1, "number >= 0"),
])
def test_bad_yaml_names_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        Distribution.from_dict(d, FIELD)
    if value is None and isinstance(d, dict) and "dist" not in d:
        value = info.value.fields["value"]  # the <missing> marker
        assert repr(value) == "<missing>"
    assert str(info.value) == f"{field}: {value!r} is not valid; allowed: {allowed}"
    assert info.value.fields == {"field": field, "value": value, "allowed": allowed}


def test_missing_parameter_is_reported_with_its_range():
    with pytest.raises(InvalidParameterValueException, match=r"^dist\.mean_s: <missing> is not valid; "
                                                            r"allowed: number > 0$"):
        Distribution.from_dict({"dist": "exponential"})


@pytest.mark.parametrize("build, message", [
    (lambda: Exponential(0), "Exponential.mean_s: 0 is not valid; allowed: number > 0"),
    (lambda: Constant(math.nan), "Constant.value_s: nan is not valid; allowed: number >= 0"),
    (lambda: Uniform(3, 1), "Uniform.high_s: 1 is not valid; allowed: number >= low_s (3)"),
    (lambda: Empirical(()), "Empirical.values_s: () is not valid; allowed: a non-empty list of numbers >= 0"),
    (lambda: Cycle(("a",)), "Cycle.values_s[0]: 'a' is not valid; allowed: number >= 0"),
    (lambda: Exponential(1).sampler(np.random.default_rng(), 0),
     "block: 0 is not valid; allowed: integer >= 1"),
])
def test_python_construction_validates_too(build, message):
    with pytest.raises(InvalidParameterValueException) as info:
        build()
    assert str(info.value) == message
