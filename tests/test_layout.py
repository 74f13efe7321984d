"""The layers point down, and importing the lower layers loads nothing from the upper ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    """`lint-imports` checks the layer and forbidden-import contracts in pyproject.toml."""
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and " KEPT" in done.stdout


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; import json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


HEAVY = {"pandas", "matplotlib", "botocore", "boto3", "ipywidgets", "IPython"}


@pytest.mark.parametrize("statement", [
    "import lambdasim",
    "import lambdasim.engine",
    "import lambdasim.model",
    "import lambdasim.records",
])
def test_the_lower_layers_load_no_frames_charts_widgets_or_botocore(statement):
    assert _modules_after(statement) & HEAVY == set()


def test_simpy_loads_with_the_engine_not_with_the_description():
    assert "simpy" not in _modules_after("import lambdasim.model")
    assert "simpy" in _modules_after("import lambdasim.engine")


def test_star_import_patches_nothing_and_draws_nothing():
    loaded = _modules_after("from lambdasim import *")
    assert loaded & {"matplotlib", "botocore", "boto3", "ipywidgets"} == set()
    # The boto3 hook (lambdasim.aws.mock) patches botocore only while a mock_aws block is open.
    code = ("import botocore.session as s; before = s.Session.create_client; from lambdasim import *; "
            "import lambdasim; lambdasim.aws; print(s.Session.create_client is before)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_every_client_exception_is_importable_from_lambdasim():
    import botocore.session

    import lambdasim as ls
    from lambdasim.aws.client import LambdaClient

    model = botocore.session.get_session().get_service_model("lambda")
    raised = {shape for op in ("Invoke", "PutFunctionEventInvokeConfig", "PutFunctionConcurrency")
              for shape in (s.name for s in model.operation_model(op).error_shapes)}
    ours = {name for name in raised if hasattr(ls, name)}
    # Every class the client defines for its errors is one of lambdasim's own exceptions.
    for name in ("InvalidParameterValueException", "ResourceNotFoundException", "ResourceConflictException",
                 "TooManyRequestsException", "RequestTooLargeException", "RequestEntityTooLargeException",
                 "ServiceException",
                 "InvalidRequestContentException", "RecursiveInvocationException", "ValidationException"):
        assert issubclass(getattr(ls, name), ls.LambdaError), name
    assert {"ResourceNotFoundException", "TooManyRequestsException"} <= ours
    assert LambdaClient is ls.LambdaClient


def test_no_module_is_shadowed_by_a_function_of_the_same_name():
    import importlib
    import pkgutil

    import lambdasim as ls

    for package in (ls, ls.plots, ls.results, ls.aws, ls.engine, ls.model, ls.records, ls.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name == "__main__":
                continue
            value = getattr(package, info.name, None)
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if value is not None:
                assert value is module, f"{package.__name__}.{info.name} is shadowed by {value!r}"
