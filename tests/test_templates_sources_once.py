"""Each async source a template wires to a function, and that lambdasim does not generate, is one
line of ``template_report``, written by the reader that owns it: an S3 event by the bucket's reader
(the SAM translator writes it into the bucket's ``NotificationConfiguration``), an SNS event by the
SAM reader, a CloudWatch Logs subscription filter and an EventBridge pattern rule by theirs."""

from __future__ import annotations

from pathlib import Path

from lambdasim.model.templates import read_template

TEMPLATES = Path(__file__).parent / "templates"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "templates" / "orders_sam.yaml"


def _sized(source: str, function: str) -> str:
    return (f"{source} invoke {function} asynchronously at a rate the template does not say: give it with "
            f"workloads=['{function}=poisson:RATE/s:DURATION'] (--workload on the command line)")


def test_each_async_source_of_a_sam_function_is_reported_once_by_its_owner():
    _, report = read_template(TEMPLATES / "sam_async_sources.yaml")
    assert [str(f) for f in report] == [
        "Uploads.NotificationConfiguration.LambdaConfigurations[0]: "
        + _sized("the bucket's notifications", "fn"),
        "FnLogged.DestinationArn: " + _sized("the log events the subscription filter matches", "fn"),
        "FnMatched.EventPattern: " + _sized("the events the rule matches", "fn"),
        "FnStreamed.EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks is not an SQS "
        "queue: lambdasim simulates SQS event-source mappings only; this mapping is left out",
        "Fn.Properties.Events.Told (SNS): " + _sized("the topic's messages", "fn"),
    ]


def test_no_source_of_the_shipped_stack_is_reported_twice():
    _, report = read_template(SHIPPED)
    assert [str(f) for f in report] == [
        "OrderUploads.NotificationConfiguration.LambdaConfigurations[0]: "
        + _sized("the bucket's notifications", "orders"),
        "Orders.Properties.Events.NewOrder (SNS): " + _sized("the topic's messages", "orders"),
    ]


def test_a_cloudformation_bucket_notification_names_its_function():
    template = {"Resources": {
        "F": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "f"}},
        "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b", "NotificationConfiguration": {
            "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*",
                                      "Function": {"Fn::GetAtt": ["F", "Arn"]}}]}}},
        "L": {"Type": "AWS::Logs::SubscriptionFilter", "Properties": {
            "LogGroupName": "g", "FilterPattern": "",
            "DestinationArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}},
    }}
    _, report = read_template(template)
    # a subscription filter to Kinesis does not invoke a function: no line
    assert [str(f) for f in report] == [
        "B.NotificationConfiguration.LambdaConfigurations[0]: " + _sized("the bucket's notifications", "f")]
