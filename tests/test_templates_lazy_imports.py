"""The heavy template libraries (cfn-lint, aws-sam-translator, python-hcl2) load only when a template
of their format is read: importing lambdasim, or any template reader module, loads none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "tests" / "templates"
HEAVY = ("cfnlint", "samtranslator", "hcl2")
READERS = ("cloudformation", "cloudformation.reader", "cloudformation.decoding", "sam", "terraform",
           "terraform.tf_files", "terraform.mapping", "terraform.module_files", "terraform.event_sources",
           "schedules", "export")


def _heavy_loaded_after(statement: str) -> list[str]:
    code = (f"import sys; {statement}; import json; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_lambdasim_and_every_template_reader_loads_no_template_library():
    modules = "; ".join(f"import lambdasim.model.templates.{name}" for name in READERS)
    assert _heavy_loaded_after(f"import lambdasim; {modules}") == []


@pytest.mark.parametrize(("template", "parameters", "loaded"), [
    ("cfn_orders.yaml", {}, ["cfnlint"]),
    ("sam_orders.yaml", {}, ["cfnlint", "samtranslator"]),
    ("tf_orders.tf", {"max_event_age": 600}, ["hcl2"]),
    ("tf_orders_module", {}, ["hcl2"]),                  # a directory of .tf files
])
def test_reading_a_template_loads_the_library_of_its_format(template, parameters, loaded):
    statement = ("import warnings; warnings.simplefilter('ignore'); import lambdasim as ls; "
                 f"ls.Scenario.from_template({str(TEMPLATES / template)!r}, parameters={parameters!r})")
    assert _heavy_loaded_after(statement) == loaded
