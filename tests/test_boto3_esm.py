"""Lambda's event-source-mapping operations through real boto3 under ``ls.mock_aws``.

Each error is pinned as botocore parses it: code, message and HTTP status (docs/aws-behaviour.md §19).
"""

from dataclasses import replace

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from helpers import api_scenario, error_of

import lambdasim as ls
from lambdasim.engine.targets import Message

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
OTHER = "arn:aws:sqs:us-east-1:123456789012:other"
FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
ACCOUNT = "123456789012"
GONE = ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
WINDOW = "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"


@pytest.fixture
def sim():
    return ls.Simulation(api_scenario())


@pytest.fixture
def lam(sim, no_network):
    for arn in (QUEUE, OTHER):
        # the API scenario's functions time out at 900 s
        sim.target(arn).sqs.settings = replace(sim.target(arn).sqs.settings, visibility_timeout_s=900)
    with ls.mock_aws(sim):
        yield boto3.client("lambda", region_name="us-east-1")


def create(lam, source=QUEUE, function="orders", **extra):
    return lam.create_event_source_mapping(EventSourceArn=source, FunctionName=function, **extra)


def test_create_answers_creating_with_awss_shape_and_get_answers_enabled_once_settled(lam, sim):
    created = create(lam, BatchSize=5, ScalingConfig={"MaximumConcurrency": 3})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = created["UUID"]
    assert created["State"] == "Creating" and created["StateTransitionReason"] == "USER_INITIATED"
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (5, 0)
    assert created["EventSourceArn"] == QUEUE and created["FunctionArn"] == FN_ARN + "orders"
    assert created["FunctionResponseTypes"] == [] and created["ScalingConfig"] == {"MaximumConcurrency": 3}
    esm_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:event-source-mapping:{uuid}"
    assert created["EventSourceMappingArn"] == esm_arn
    assert created["LastModified"].isoformat().startswith("2025-01-01T00:00:00")
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Creating"
    sim.run(until=2)
    got = lam.get_event_source_mapping(UUID=uuid)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200 and got["State"] == "Enabled"


def test_update_changes_the_settings_and_answers_in_transition(lam, sim):
    uuid = create(lam)["UUID"]
    sim.run(until=2)
    updated = lam.update_event_source_mapping(UUID=uuid, BatchSize=200, MaximumBatchingWindowInSeconds=3,
                                              FunctionResponseTypes=["ReportBatchItemFailures"])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (updated["State"], updated["BatchSize"], updated["MaximumBatchingWindowInSeconds"]) == (
        "Updating", 200, 3)
    assert updated["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert updated["LastModified"].isoformat().startswith("2025-01-01T00:00:02")
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    sim.run(until=5)
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"


def test_delete_answers_deleting_and_the_mapping_is_gone(lam):
    uuid = create(lam)["UUID"]
    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202 and deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as excinfo:
        lam.get_event_source_mapping(UUID=uuid)
    assert error_of(excinfo) == GONE


def test_list_filters_by_function_and_source_and_pages_with_markers(lam):
    first = create(lam)["UUID"]
    second = create(lam, OTHER)["UUID"]
    third = create(lam, QUEUE, "echo")["UUID"]
    listed = lam.list_event_source_mappings()["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [first, second, third]
    by_function = lam.list_event_source_mappings(FunctionName="orders")["EventSourceMappings"]
    assert [m["UUID"] for m in by_function] == [first, second]
    by_source = lam.list_event_source_mappings(EventSourceArn=QUEUE)["EventSourceMappings"]
    assert [m["UUID"] for m in by_source] == [first, third]
    page = lam.list_event_source_mappings(MaxItems=2)
    assert [m["UUID"] for m in page["EventSourceMappings"]] == [first, second]
    rest = lam.list_event_source_mappings(MaxItems=2, Marker=page["NextMarker"])
    assert [m["UUID"] for m in rest["EventSourceMappings"]] == [third] and "NextMarker" not in rest
    pages = lam.get_paginator("list_event_source_mappings").paginate(PaginationConfig={"PageSize": 1})
    assert [m["UUID"] for p in pages for m in p["EventSourceMappings"]] == [first, second, third]


def test_a_mapping_to_a_missing_function_is_awss_404(lam):
    with pytest.raises(ClientError) as excinfo:
        create(lam, function="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Function does not exist", 404)


def test_a_second_mapping_of_the_queue_to_the_function_is_a_409_naming_the_first(lam):
    uuid = create(lam)["UUID"]
    with pytest.raises(ClientError) as excinfo:
        create(lam, function=FN_ARN + "orders")
    assert error_of(excinfo) == ("ResourceConflictException", (
        f'An event source mapping with SQS arn (" {QUEUE} ") and function (" orders ") already exists. '
        f"Please update or delete the existing mapping with UUID {uuid}"), 409)


def test_an_invalid_batch_size_is_refused(lam):
    with pytest.raises(ClientError) as excinfo:
        create(lam, BatchSize=11)
    assert error_of(excinfo) == ("InvalidParameterValueException", WINDOW, 400)
    with pytest.raises(ClientError) as excinfo:
        create(lam, BatchSize=10001, MaximumBatchingWindowInSeconds=1)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message == ("1 validation error detected: Value '10001' at 'batchSize' failed to satisfy "
                       "constraint: Member must have value less than or equal to 10000")
    with pytest.raises(ParamValidationError):
        create(lam, BatchSize=0)


def test_a_missing_mapping_uuid_is_awss_404_for_get_update_and_delete(lam):
    missing = "00000000-0000-4000-8000-000000000000"
    for call in (lam.get_event_source_mapping, lam.delete_event_source_mapping):
        with pytest.raises(ClientError) as excinfo:
            call(UUID=missing)
        assert error_of(excinfo) == GONE
    with pytest.raises(ClientError) as excinfo:
        lam.update_event_source_mapping(UUID=missing, BatchSize=1)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_a_queue_with_a_shorter_visibility_timeout_than_the_function_is_refused(lam, sim):
    sim.target(OTHER).sqs.settings = replace(sim.target(OTHER).sqs.settings, visibility_timeout_s=30)
    with pytest.raises(ClientError) as excinfo:
        create(lam, OTHER)
    message = "Queue visibility timeout: 30 seconds is less than Function timeout: 900 seconds"
    assert error_of(excinfo) == ("InvalidParameterValueException", message, 400)


def test_a_mapping_made_with_boto3_processes_the_queue_on_the_virtual_clock(lam, sim):
    target = sim.target(QUEUE)
    for i in range(3):
        message = Message(f"m{i}", "poison" if i == 1 else "ok", None, 0.0, "")
        target.messages.append(message)
        target.sqs.added(message, 0.0)
    create(lam, function="echo", BatchSize=10)
    sim.run(until=5)
    rows = sim.result().attempts.query("kind == 'esm'")
    assert rows[["dispatched_at", "end_at", "outcome"]].values.tolist() == [[1.0, 1.2, "success"]]
    assert target.messages == []
