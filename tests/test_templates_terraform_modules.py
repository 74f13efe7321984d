"""Terraform as Terraform reads it: a directory of ``.tf`` files is one module (with the values of
its ``terraform.tfvars`` and ``*.auto.tfvars``), a resource or variable declared twice is refused
naming both files, override files merge; ``.tf`` text (str or bytes) given without a file name is
recognised, and a text that is no format lambdasim reads says what each reader found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.cli import main
from lambdasim.model.templates import TemplateRefused, read_template

TEMPLATES = Path(__file__).parent / "templates"
SINGLE = TEMPLATES / "tf_orders.tf"
MODULE = TEMPLATES / "tf_orders_module"
ANSWERS = {"max_event_age": 600}       # what the single file's caller passes; the module's tfvars say it

SMALL = 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  timeout = var.timeout\n}\n'
VARIABLE = 'variable "timeout" {\n  default = 3\n}\n'


def _module(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _timeout(source, **kw) -> int:
    return read_template(source, **kw)[0]["functions"]["f"]["Timeout"]


# -- a directory is one module --------------------------------------------------------------------

@pytest.mark.parametrize("given", [MODULE, str(MODULE), f"{MODULE}/"])
def test_a_directory_of_tf_files_reads_as_the_single_file(given):
    single, single_report = read_template(SINGLE, parameters=ANSWERS)
    module, module_report = read_template(given)
    assert module == single
    assert ls.Scenario.from_dict(module) == ls.Scenario.from_dict(single)
    assert [str(f) for f in module_report] == [str(f) for f in single_report]
    assert module_report.resources == single_report.resources
    assert (module_report.source, module_report.format) == (str(given), "Terraform (.tf)")


def test_the_module_files_are_the_tf_files_in_name_order_and_the_tfvars_terraform_reads():
    from lambdasim.model.templates.terraform.module_files import module_from_directory

    module = module_from_directory(MODULE)
    assert [Path(name).name for name, _ in module.files] == [
        "functions.tf", "main.tf", "queues.tf", "topics.tf", "variables.tf"]
    assert [Path(name).name for name, _ in module.tfvars] == ["terraform.tfvars", "retries.auto.tfvars"]


def test_variable_values_come_from_the_caller_then_auto_tfvars_then_terraform_tfvars_then_defaults(tmp_path):
    retries = read_template(MODULE)[0]["functions"]["orders"]["EventInvokeConfig"]["MaximumRetryAttempts"]
    assert retries == 1                    # retries.auto.tfvars (1) is read after terraform.tfvars (3)
    given = read_template(MODULE, parameters={"retries": 0})[0]
    assert given["functions"]["orders"]["EventInvokeConfig"]["MaximumRetryAttempts"] == 0   # like -var
    module = _module(tmp_path, {"main.tf": SMALL, "variables.tf": VARIABLE})
    assert _timeout(module) == 3
    (tmp_path / "terraform.tfvars.json").write_text('{"timeout": 9}')
    assert _timeout(module) == 9
    (tmp_path / "terraform.tfvars").write_text("timeout = 7\n")
    assert _timeout(module) == 9           # terraform.tfvars.json is read after terraform.tfvars
    (tmp_path / "a.auto.tfvars").write_text("timeout = 11\n")
    (tmp_path / "b.auto.tfvars.json").write_text('{"timeout": 12}')
    assert _timeout(module) == 12          # the *.auto.tfvars(.json) in name order, after both


def test_an_override_file_replaces_the_arguments_it_sets(tmp_path):
    module = _module(tmp_path, {"main.tf": SMALL.replace('"f"\n', '"f"\n  memory_size = 256\n'),
                                "variables.tf": VARIABLE,
                                "timeouts_override.tf":
                                    'resource "aws_lambda_function" "f" {\n  timeout = 20\n}\n'})
    function = read_template(module)[0]["functions"]["f"]
    assert (function["Timeout"], function["MemorySize"]) == (20, 256)
    (tmp_path / "timeouts_override.tf").unlink()
    (tmp_path / "override.tf").write_text('variable "timeout" {\n  default = 30\n}\n')
    assert _timeout(module) == 30          # a variable's default overridden


# -- what Terraform refuses, refused the same way -------------------------------------------------

@pytest.mark.parametrize(("files", "message"), [
    ({"a.tf": SMALL + VARIABLE, "b.tf": 'resource "aws_lambda_function" "f" {\n  function_name = "g"\n}\n'},
     "aws_lambda_function.f: declared in {d}/a.tf and again in {d}/b.tf (Terraform refuses this too: "
     "Duplicate resource configuration; a resource's name is unique in a module); keep one of them"),
    ({"a.tf": SMALL + VARIABLE, "b.tf": VARIABLE},
     "timeout: declared in {d}/a.tf and again in {d}/b.tf (Terraform refuses this too: Duplicate variable "
     "declaration; a variable's name is unique in a module); keep one of them"),
    ({"a.tf": SMALL + VARIABLE, "override.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'},
     "aws_sqs_queue.q: is overridden in {d}/override.tf but declared in no other file (Terraform: Missing "
     "base resource for override); declare it first"),
    ({"a.tf": SMALL + VARIABLE, "override.tf": VARIABLE.replace("timeout", "other")},
     "other: is overridden in {d}/override.tf but declared in no other file (Terraform: Missing base "
     "variable declaration to override); declare it first"),
    ({"a.tf": SMALL + VARIABLE, "b.tf.json": "{}"},
     "{d}/b.tf.json: is Terraform's JSON syntax, which lambdasim does not read; write it as .tf, or read "
     "the plan: terraform show -json PLANFILE > plan.json"),
    ({"a.tf": SMALL + VARIABLE, "terraform.tfvars": "timeout = var.other\n"},
     "{d}/terraform.tfvars.timeout: ${{var.other}} is not a literal value (Terraform: Variables not allowed "
     "in a variable file); write the value itself"),
    ({"README.md": "no Terraform here"},
     "{d}: holds no .tf file; pass a directory of Terraform .tf files, a .tf file, or .tf text"),
])
def test_what_terraform_refuses_in_a_module_is_refused_naming_the_files(tmp_path, files, message):
    with pytest.raises(TemplateRefused) as refused:
        read_template(_module(tmp_path, files))
    assert str(refused.value) == message.format(d=tmp_path)


def test_a_resource_declared_twice_in_one_file_is_refused_too():
    with pytest.raises(TemplateRefused) as refused:
        read_template(SINGLE.read_text() + '\nresource "aws_sqs_queue" "jobs" {\n  name = "jobs-2"\n}\n')
    assert str(refused.value) == (
        "aws_sqs_queue.jobs: declared in the .tf text and again in the .tf text (Terraform refuses this too: "
        "Duplicate resource configuration; a resource's name is unique in a module); keep one of them")


def test_a_tf_file_that_does_not_parse_is_refused_naming_it(tmp_path):
    broken = tmp_path / "main.tf"
    broken.write_text('resource "aws_lambda_function" "f" {\n  function_name = \n')
    with pytest.raises(TemplateRefused, match=rf"^{broken}: is not Terraform HCL \(Unexpected token"):
        read_template(broken)
    deep = 'resource "aws_lambda_function" "f" {\n  x = ' + "[" * 3000 + "]" * 3000 + "\n}\n"
    broken.write_text(deep)
    with pytest.raises(TemplateRefused) as refused:     # hcl2 would raise RecursionError
        read_template(broken)
    assert str(refused.value) == f"{broken}: is nested too deeply to parse; flatten it"


def test_a_missing_tf_file_is_not_read_as_text():
    with pytest.raises(FileNotFoundError, match=r"^template not found: 'infra/main\.tf' \(relative to "):
        read_template("infra/main.tf")
    with pytest.raises(FileNotFoundError, match=r"^template not found: 'main\.tf'"):
        read_template("main.tf")


# -- .tf text without a file name -----------------------------------------------------------------

@pytest.mark.parametrize("encode", [str, str.encode])
def test_tf_text_given_as_str_or_bytes_is_read_as_terraform(encode):
    text = SINGLE.read_text()
    scenario, report = read_template(encode(text), parameters=ANSWERS)
    assert report.format == "Terraform (.tf)"
    assert scenario == read_template(SINGLE, parameters=ANSWERS)[0]
    assert ls.Scenario.from_template(encode(SMALL), parameters={"timeout": 4}).functions["f"].timeout_s == 4


@pytest.mark.parametrize(("text", "terraform_says"), [
    ("timeout = 3\n", "HCL, but with none of Terraform's resource, variable, provider, terraform, module, "
                      "data, locals, output blocks"),
    ("just words", "not Terraform HCL (Unexpected token Token('$END', '') at line 1, column 11.)"),
])
def test_a_text_of_no_format_says_what_each_reader_found(text, terraform_says):
    with pytest.raises(TemplateRefused) as refused:
        read_template(text)
    message = str(refused.value)
    assert message.startswith("template: not a template lambdasim reads: as YAML or JSON, not a "
                              "CloudFormation template (")
    assert f"; as Terraform .tf text, {terraform_says}; pass a CloudFormation or SAM template (YAML or " \
           "JSON), the JSON of terraform show -json, or a directory of Terraform .tf files, a .tf file, or " \
           ".tf text" in message


# -- from a shell ---------------------------------------------------------------------------------

def test_the_import_command_reads_a_directory(tmp_path, capsys):
    shutil.copytree(MODULE, tmp_path / "infra")
    code = main(["import", str(tmp_path / "infra"), "--workload", "orders=burst:3@0s"])
    out = capsys.readouterr().out
    assert code == 0
    head = f"{tmp_path / 'infra'} (Terraform (.tf)): 14 resources read; 6 not modelled:"
    assert out.splitlines()[0] == head
    assert "workload burst -> orders: about 3 events" in out
