"""The strict YAML reader (lambdasim.model.strict_yaml, issue 13): what it builds from libyaml's event
stream equals ``yaml.safe_load``'s result, scalar for scalar; what it refuses is refused as before
(tests/test_bad_input_files.py pins the refusals of scenario text); a document that is not valid YAML
gives PyYAML's own composer error, wherever it is; aliases are counted as they are read.
"""

import math
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lambdasim.model import strict_yaml
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.loading import parse_yaml as parse_yaml_from_loading
from lambdasim.model.strict_yaml import MAX_ALIAS_EXPANSION, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
REPO_YAML = sorted([*ROOT.glob("data/scenarios/*.yaml"), *ROOT.glob("notebooks/solutions/*.yaml")])

# Plain, quoted and tagged scalars whose YAML 1.1 reading surprises: each is read as safe_load reads it.
TRICKY = [
    "0x1f", "-0x1f", "0xFF", "0b101", "+12", "-0", "+0", "0", "007", "08", "0o17", "1_000", "1__0",
    "190:20:30", "1:30", "-1:30", "1:30.5", "12", "-12", "123456789012345678901234567890",
    "1e3", "1E3", "1.5e3", "1.0e+3", "1.5E-3", "6.8523015e+5", "685.230_15e+03", "685_230.15", "1__0.5",
    "0.1_5", "12.", "-12.", "0.", "-0.0", "+0.0", ".5", "-.5", "+.5", "007.5", "1.e+5", "1.2.3", "1..2",
    ".inf", "-.inf", "+.inf", ".Inf", "-.INF", ".nan", ".NaN", ".NAN", "nan", "inf", "NaN",
    "~", "null", "Null", "NULL", "nULL", "", "''", '""',
    "yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "y", "Y", "n", "N",
    "'007'", '"123"', "'yes'", '"~"', "'<<'", '"1e3"', "'0x1f'",
    "2026-01-01", "2026-1-1", "2026-01-01 10:00:00", "2026-01-01T10:00:00Z", "2026-01-01t10:00:00.5+02:00",
    "2026-01-01 10:00:00 -5", "20260101",
    "!!str 12", "!!str yes", "!!int '12'", "!!int 0x10", "!!float 1", "!!float '2.5'", "!!bool 'yes'",
    "!!null ''", "!!timestamp 2026-01-01", "! 12", "! yes", "!!str", "!!map {a: 1}", "!!seq [1, 2]",
    "order-0000001", "c-00001", "sku-3", "EUR", "a b", "a: b", "-", "- a", "--", "-x", "=x", ":x",
    "|\n  literal 12\n", ">\n  folded\n  text\n", "|-\n  007\n", "'multi\n\n  line'",
]


def _same(a, b) -> bool:
    """Equal with equal types (True is not 1), NaN equal to NaN and -0.0 told from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict):
        pairs = zip(a, b, strict=True)
        return list(a) == list(b) and all(_same(k, j) and _same(a[k], b[j]) for k, j in pairs)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _read_alike(text: str) -> None:
    """``text`` reads as safe_load reads it, or both refuse it."""
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:  # not valid YAML, or a tag safe_load cannot construct
        with pytest.raises(InvalidParameterValueException):
            parse_yaml(text)
        return
    assert _same(parse_yaml(text), expected), (text, parse_yaml(text), expected)


@pytest.mark.parametrize("scalar", TRICKY)
def test_a_tricky_scalar_is_read_as_safe_load_reads_it(scalar):
    _read_alike(f"v: {scalar}\n" if "\n" not in scalar else f"v: {scalar}")
    if "\n" not in scalar:  # the same scalar as a key, in a flow sequence and as the whole document
        for text in (f"{scalar}: 1\n", f"[{scalar}, {scalar}]\n", f"{scalar}\n"):
            _read_alike(text)


def test_the_values_a_scenario_file_meets_have_the_python_types_safe_load_gives():
    data = parse_yaml("a: [0x1f, 1_000, .inf, ~, yes, off, 1e3, '007', 2026-01-01, 1.5, 12, -0.0]\n")
    assert _same(data, {"a": [31, 1000, math.inf, None, True, False, "1e3", "007", date(2026, 1, 1), 1.5,
                              12, -0.0]})
    assert parse_yaml("t: 2026-01-01T10:00:00Z")["t"] == datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("path", REPO_YAML, ids=lambda p: p.name)
def test_the_repository_yaml_files_read_as_safe_load_reads_them(path):
    text = path.read_text(encoding="utf-8")
    assert _same(parse_yaml(text, str(path)), yaml.safe_load(text))


ANCHORED = """
defaults: &defaults {Timeout: 10, MemorySize: 256, tags: &tags [a, b]}
small: &small {Handler: small.handler}
functions:
  orders:
    <<: *defaults
    MemorySize: 512
  refunds:
    <<: [*small, *defaults]
    extra: *tags
  audit: *defaults
  flow: {<<: {x: 1, y: 2}, y: 3}
scalars: [&s hello, *s, &n 12, *n]
? &k key
: 1
nested: {*k : 2}
blocks:
  - |
    two
    lines
  - >-
    folded
    line
empty: {}
none: []
"""


def test_anchors_aliases_and_merge_keys_read_as_safe_load_reads_them():
    data = parse_yaml(ANCHORED)
    assert _same(data, yaml.safe_load(ANCHORED))
    assert data["functions"]["orders"] == {"Timeout": 10, "MemorySize": 512, "tags": ["a", "b"]}
    assert list(data["functions"]["refunds"]) == ["Handler", "Timeout", "MemorySize", "tags", "extra"]
    assert data["functions"]["audit"] is data["defaults"]  # an alias shares what its anchor names


def test_in_a_merge_list_the_earlier_mapping_wins():
    # The YAML merge key spec: "keys in mappings earlier in the sequence override keys specified in
    # later mapping nodes". PyYAML 6.0.4 means to, but tells keys apart by the identity of their
    # string objects, so it keeps the later value here (MemorySize 256): this reader keeps the spec's.
    text = "a: &a {MemorySize: 128}\nb: &b {Timeout: 3, MemorySize: 256}\nc: {<<: [*a, *b], Timeout: 9}\n"
    assert _same(parse_yaml(text)["c"], {"MemorySize": 128, "Timeout": 9})
    assert parse_yaml("a: &a {x: 1}\nb: &b {x: 2}\nc: {<<: *a, <<: *b}\n")["c"] == {"x": 1}


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "--- \n...\n", "~\n", "12\n", "[1, 2]\n",
                                  "--- {a: 1}\n...\n", "%YAML 1.1\n--- [a]\n", "a: 1\n...\n"])
def test_documents_at_the_edges_read_as_safe_load_reads_them(text):
    assert _same(parse_yaml(text), yaml.safe_load(text))


def test_the_loading_module_reads_yaml_with_this_reader():
    assert parse_yaml_from_loading is parse_yaml


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda items: st.lists(items, max_size=4) | st.dictionaries(st.text(max_size=8), items, max_size=4),
    max_leaves=20)


@given(data=_JSONISH, flow=st.sampled_from([None, True, False]))
def test_any_data_safe_dump_writes_reads_back_as_safe_load_reads_it(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _same(parse_yaml(text), yaml.safe_load(text))


@given(st.text(alphabet="0123456789+-._:eExXbBoO", min_size=1, max_size=9))
def test_any_number_like_plain_scalar_reads_as_safe_load_reads_it(scalar):
    _read_alike(f"v: {scalar}\n")


# -- errors: PyYAML's own, wherever they are -------------------------------------------------------

def _composer_error(text: str, loader=yaml.CSafeLoader) -> str:
    with pytest.raises(yaml.YAMLError) as info:
        yaml.compose(text, Loader=loader)
    return f"valid YAML ({info.value})"


@pytest.mark.parametrize("text, start", [
    ("a: *x\n", "found undefined alias"),
    ("a: &x 1\nb: &x 2\n", "found duplicate anchor; first occurrence"),
    ("a: &x [1]\nb: {c: &x 2}\n", "found duplicate anchor; first occurrence"),
    ("a: 1\n---\nb: 2\n", "expected a single document in the stream"),
    ("a: 1\n--- ]\n", "expected a single document in the stream"),
    ("*x\n", "found undefined alias"),
    ("a: [1, 2\n", "while parsing a flow sequence"),
    # a syntax error after something this reader refuses (a key written twice, a tag, a deep nest) wins,
    # as it did when the whole document was composed before anything was built
    ("seed: 1\nseed: 2\nfunctions: {orders: [\n", "while parsing a flow"),
    ("a: !!python/name:os.system x\nb: ]\n", "while parsing a block node"),
    ("a: " + "[" * 150 + "]" * 150 + "\nb: *nowhere\n", "found undefined alias"),
])
def test_a_document_that_is_not_valid_yaml_gives_pyyamls_own_error(text, start):
    with pytest.raises(InvalidParameterValueException) as info:
        parse_yaml(text, "s.yaml")
    assert info.value.fields["field"] == "scenario"
    assert info.value.fields["value"] == "s.yaml"
    assert info.value.fields["allowed"] == _composer_error(text)
    assert info.value.fields["allowed"].startswith(f"valid YAML ({start}")


def test_an_undefined_alias_names_its_line_and_column():
    with pytest.raises(InvalidParameterValueException) as info:
        parse_yaml("functions:\n  orders: {}\nseed: *nope\n")
    assert info.value.fields["allowed"] == ('valid YAML (found undefined alias\n'
                                            '  in "<unicode string>", line 3, column 7)')


@pytest.mark.parametrize("text, field, value, allowed", [
    ("a: <<\n", "a", "tag:yaml.org,2002:merge", "YAML's standard scalars"),
    ("a: [=]\n", "a[0]", "tag:yaml.org,2002:value", "YAML's standard scalars"),
    ("a: &m <<\n", "a", "tag:yaml.org,2002:merge", "YAML's standard scalars"),
    ("x: &m {a: 1}\n? *m\n: 2\n", "scenario", "a mapping or list used as a key", "scalar keys"),
    ("x: &m {a: 1, *m : 2}\n", "x", "a mapping or list used as a key", "scalar keys"),
    ("x: &l [1, [2, *l]]\n", "x[1][1]", "*alias", "no recursive alias"),
    ("x: !!int nope\n", "x", "nope", "a valid int (invalid literal for int() with base 10: 'nope')"),
    ("x: [{a: 1}, {b: !!binary aGk=}]\n", "x[1].b", "tag:yaml.org,2002:binary", "YAML's standard scalars"),
    ("x: {<<: [{a: 1}, 2]}\n", "x.<<", 2, "a mapping or a list of mappings to merge"),
])
def test_what_the_reader_refuses_names_the_path_value_and_allowed(text, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        parse_yaml(text)
    assert info.value.fields["field"] == field
    assert info.value.fields["value"] == value
    assert allowed in info.value.fields["allowed"]


# -- aliases counted as they are read ---------------------------------------------------------------

def _expansion_error(text: str) -> str:
    with pytest.raises(InvalidParameterValueException) as info:
        parse_yaml(text)
    return info.value.fields["allowed"]


def _over(added: int) -> str:
    return (f"YAML whose aliases add at most {MAX_ALIAS_EXPANSION:,} values when expanded "
            f"(these would add {added:,})")


def test_an_alias_adds_everything_its_anchor_names():
    # [1 .. 100] is 101 values (the list and its items): 99 aliases add 9,999, 100 add 10,100
    items = "&x [" + ", ".join(map(str, range(100))) + "]"
    assert len(parse_yaml(f"a: {items}\nb: [{', '.join(['*x'] * 99)}]\n")["b"]) == 99
    assert _expansion_error(f"a: {items}\nb: [{', '.join(['*x'] * 100)}]\n") == _over(10_100)


def test_a_merge_adds_what_its_alias_names():
    # {k0: 0 .. k49: 0} is 101 values (the mapping, 50 keys, 50 values)
    base = "&b {" + ", ".join(f"k{i}: 0" for i in range(50)) + "}"
    assert len(parse_yaml(f"base: {base}\nm: [{', '.join(['{<<: *b}'] * 99)}]\n")["m"]) == 99
    assert _expansion_error(f"base: {base}\nm: [{', '.join(['{<<: *b}'] * 100)}]\n") == _over(10_100)


def test_aliases_inside_an_anchor_count_each_time_it_is_aliased():
    # a is 4 values; b is itself 2 (the list, 9) and two copies of a (8): 10; each *b adds 10
    head = "a: &a [1, 2, 3]\nb: &b [*a, *a, 9]\n"
    assert len(parse_yaml(head + f"c: [{', '.join(['*b'] * 999)}]\n")["c"]) == 999  # 8 + 9,990
    assert _expansion_error(head + f"c: [{', '.join(['*b'] * 1000)}]\n") == _over(10_008)


def test_aliases_to_scalars_alone_add_no_nested_values_and_are_not_bounded():
    # each adds one value, as writing the scalar again would: as before, only aliases to mappings and
    # sequences (which can nest copies of copies) are measured
    data = parse_yaml(f"s: &s x\nl: [{', '.join(['*s'] * 20_000)}]\n")
    assert data["l"] == ["x"] * 20_000


# -- without libyaml: PyYAML's pure-Python parser, the same data and its own errors ------------------

def test_without_libyaml_the_pure_python_parser_reads_the_same(monkeypatch):
    monkeypatch.setattr(strict_yaml, "_Loader", yaml.SafeLoader)
    assert _same(parse_yaml(ANCHORED), yaml.safe_load(ANCHORED))
    text = "a: 1\nb: *x\n"
    with pytest.raises(InvalidParameterValueException) as info:
        parse_yaml(text)
    assert info.value.fields["allowed"] == _composer_error(text, yaml.SafeLoader)
    assert "found undefined alias 'x'" in info.value.fields["allowed"]  # the pure-Python composer's words
