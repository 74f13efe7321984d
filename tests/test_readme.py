"""README's scenario example stays a scenario lambdasim accepts (a user pastes it first)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import lambdasim as ls

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_scenario_format_example_loads():
    text = README.read_text()
    section = text[text.index("## The scenario format"):]
    data = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    for function in data["functions"].values():
        # The example names a handler of the reader's own package; it is not importable here.
        assert function.pop("handler", "mypackage.handlers:process") == "mypackage.handlers:process"
    scenario = ls.Scenario.from_dict(data)
    assert set(scenario.functions) == {"orders", "audit"}
    assert dict(scenario.functions["orders"].environment) == {"STAGE": "prod"}
    assert dict(scenario.functions["orders"].provisioned) == {"1": 2}
