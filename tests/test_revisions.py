"""RevisionId and CodeSha256 preconditions, and how RevisionId changes (docs/aws-behaviour.md §13).

Through the native client and real boto3 under ``mock_aws`` (the ``lam`` fixture). The recorded
behaviour is LocalStack's AWS-validated snapshot
(``tests/aws/services/lambda_/test_lambda_api.snapshot.json``:
``TestLambdaRevisions::test_function_revisions_basic``,
``TestLambdaRevisions::test_function_revisions_version_and_alias`` and
``TestLambdaVersions::test_publish_with_wrong_sha256``, recorded against AWS November 2023).
"""

from __future__ import annotations

import pytest
from helpers import error_of

import lambdasim as ls
from lambdasim.model import rules

#: The recorded message of every 412 the served operations answer (UpdateFunctionCode,
#: UpdateFunctionConfiguration, PublishVersion, UpdateAlias).
STALE = ("The Revision Id provided does not match the latest Revision Id. "
         "Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
ROLE = "arn:aws:iam::123456789012:role/r"


def _revision(lam, name="orders", qualifier=None):
    kwargs = {"Qualifier": qualifier} if qualifier else {}
    return lam.get_function(FunctionName=name, **kwargs)["Configuration"]["RevisionId"]


def _refused(lam, call, **kwargs):
    """(code, message, HTTP status, the response's Type and message members) of a refused call."""
    with pytest.raises(lam.exceptions.ClientError) as excinfo:
        getattr(lam, call)(**kwargs)
    response = excinfo.value.response
    return (*error_of(excinfo), response.get("Type"), response.get("message"))


@pytest.mark.parametrize("call, kwargs", [
    ("publish_version", {}),
    ("update_function_configuration", {"Timeout": 60}),
    ("update_function_code", {"ZipFile": b"new code"}),
    ("update_function_code", {"ZipFile": b"new code", "DryRun": True}),
])
def test_a_stale_revision_id_is_refused_with_the_recorded_412(lam, call, kwargs):
    before = lam.get_function(FunctionName="orders")["Configuration"]
    assert _refused(lam, call, FunctionName="orders", RevisionId="wrong", **kwargs) == (
        "PreconditionFailedException", STALE, 412, "User", STALE)
    after = lam.get_function(FunctionName="orders")["Configuration"]
    assert after == before  # nothing changed, the RevisionId included
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="orders")["Versions"]] == [
        "$LATEST"]


def test_the_current_revision_id_lets_each_operation_through(lam, sim):
    updated = lam.update_function_configuration(FunctionName="orders", Timeout=60,
                                                RevisionId=_revision(lam))
    assert updated["Timeout"] == 60
    sim.wait_until_active("orders")
    code = lam.update_function_code(FunctionName="orders", ZipFile=b"new code", RevisionId=_revision(lam))
    sim.wait_until_active("orders")
    published = lam.publish_version(FunctionName="orders", RevisionId=_revision(lam),
                                    CodeSha256=code["CodeSha256"])
    assert (published["Version"], published["CodeSha256"], published["Timeout"]) == (
        "1", code["CodeSha256"], 60)


def test_the_client_raises_lambdasims_own_class_too(sim):
    with pytest.raises(ls.PreconditionFailedException) as excinfo:
        sim.client().publish_version(FunctionName="orders", RevisionId="wrong")
    assert (excinfo.value.code, excinfo.value.http_status) == ("PreconditionFailedException", 412)


def test_a_wrong_code_sha256_is_the_recorded_400_naming_both_hashes(lam):
    current = lam.get_function(FunctionName="orders")["Configuration"]["CodeSha256"]
    message = (f"CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST "
               f"({current}). Please try again with the CodeSHA256 in $LATEST.")
    assert _refused(lam, "publish_version", FunctionName="orders", CodeSha256="somenonexistentsha256") == (
        "InvalidParameterValueException", message, 400, "User", message)
    assert lam.publish_version(FunctionName="orders", CodeSha256=current)["Version"] == "1"


def test_the_revision_id_is_checked_before_the_code_sha256(lam):
    code, *_ = _refused(lam, "publish_version", FunctionName="orders", RevisionId="wrong",
                        CodeSha256="wrong")
    assert code == "PreconditionFailedException"


def test_a_missing_function_is_404_before_any_precondition(lam):
    for call, kwargs in (("publish_version", {"CodeSha256": "x"}), ("publish_version", {"RevisionId": "x"}),
                         ("update_function_configuration", {"RevisionId": "x", "Timeout": 3}),
                         ("update_function_code", {"RevisionId": "x", "ZipFile": b"z"})):
        code, _, status, *_ = _refused(lam, call, FunctionName="nope", **kwargs)
        assert (code, status) == ("ResourceNotFoundException", 404), call


def test_a_stale_revision_id_is_412_even_while_an_update_is_in_progress(lam):
    # A choice (AWS is silent on the order): the precondition is checked before the 409 of an
    # update in progress; with the current RevisionId the 409 follows.
    updated = lam.update_function_configuration(FunctionName="orders", Timeout=60)
    assert updated["LastUpdateStatus"] == "InProgress"
    code, *_ = _refused(lam, "publish_version", FunctionName="orders", RevisionId="wrong")
    assert code == "PreconditionFailedException"
    code, message, status, *_ = _refused(lam, "publish_version", FunctionName="orders",
                                         RevisionId=updated["RevisionId"])
    assert (code, status) == ("ResourceConflictException", 409) and "An update is in progress" in message


def test_latest_revision_id_changes_as_recorded(lam, sim):
    # test_function_revisions_basic: CreateFunction (rev1) -> Active (rev2) -> UpdateFunctionCode
    # (rev3) -> update done (rev4); each stale one is refused.
    created = lam.create_function(FunctionName="fresh", Role=ROLE, Runtime="python3.12",
                                  Handler="app.handler", Code={"ZipFile": b"zip"})
    sim.wait_until_active("fresh")
    active = _revision(lam, "fresh")
    assert created["State"] == "Pending" and active != created["RevisionId"]
    assert _revision(lam, "fresh") == active  # reading it again changes nothing
    code, *_ = _refused(lam, "update_function_code", FunctionName="fresh", ZipFile=b"zip 2",
                        RevisionId=created["RevisionId"])
    assert code == "PreconditionFailedException"
    updated = lam.update_function_code(FunctionName="fresh", ZipFile=b"zip 2", RevisionId=active)
    assert updated["RevisionId"] not in (created["RevisionId"], active)
    sim.wait_until_active("fresh")
    done = _revision(lam, "fresh")
    assert done != updated["RevisionId"]
    code, *_ = _refused(lam, "update_function_configuration", FunctionName="fresh", Timeout=9,
                        RevisionId=updated["RevisionId"])
    assert code == "PreconditionFailedException"
    assert lam.update_function_configuration(FunctionName="fresh", Timeout=9, RevisionId=done)["Timeout"] == 9


def test_publish_changes_latests_revision_id_and_an_alias_does_not(lam):
    # test_function_revisions_version_and_alias: the version has a RevisionId of its own that stays;
    # PublishVersion gives $LATEST a new one; CreateAlias changes neither.
    before = _revision(lam)
    version = lam.publish_version(FunctionName="orders", RevisionId=before)
    after_publish = _revision(lam)
    assert len({before, version["RevisionId"], after_publish}) == 3
    assert _revision(lam, qualifier="1") == version["RevisionId"]
    alias = lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    assert (_revision(lam), _revision(lam, qualifier="1")) == (after_publish, version["RevisionId"])
    code, *_ = _refused(lam, "publish_version", FunctionName="orders", RevisionId=before)
    assert code == "PreconditionFailedException"
    assert alias["RevisionId"] not in (after_publish, version["RevisionId"])


def test_a_publish_that_makes_no_version_leaves_latests_revision_id(lam):
    # A choice: only a version actually published changes $LATEST's RevisionId.
    lam.publish_version(FunctionName="orders")
    before = _revision(lam)
    assert lam.publish_version(FunctionName="orders", RevisionId=before)["Version"] == "1"
    assert _revision(lam) == before


def test_update_alias_checks_the_alias_revision_id(lam):
    lam.publish_version(FunctionName="orders")
    created = lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    assert _refused(lam, "update_alias", FunctionName="orders", Name="live", RevisionId="wrong",
                    Description="x") == ("PreconditionFailedException", STALE, 412, "User", STALE)
    assert lam.get_alias(FunctionName="orders", Name="live")["Description"] == ""
    code, *_ = _refused(lam, "update_alias", FunctionName="orders", Name="live",
                        RevisionId=_revision(lam), Description="x")  # $LATEST's is not the alias's
    assert code == "PreconditionFailedException"
    updated = lam.update_alias(FunctionName="orders", Name="live", Description="something changed",
                               RevisionId=created["RevisionId"])
    assert updated["Description"] == "something changed" and updated["RevisionId"] != created["RevisionId"]
    code, *_ = _refused(lam, "update_alias", FunctionName="orders", Name="live",
                        RevisionId=created["RevisionId"], Description="y")
    assert code == "PreconditionFailedException"


def test_the_rules_check_nothing_when_the_request_leaves_the_member_out():
    rules.check_revision(None, "current")
    rules.check_code_sha256(None, "current")
    rules.check_revision("current", "current")
    with pytest.raises(ls.PreconditionFailedException) as excinfo:
        rules.check_revision("", "current")  # an empty RevisionId is a RevisionId, not a missing one
    assert excinfo.value.message == STALE
    with pytest.raises(ls.InvalidParameterValueException):
        rules.check_code_sha256("", "current")
