# The topic, its subscriptions and the event bus.

resource "aws_sns_topic" "notify" {
  name = "orders-ok"
}

resource "aws_sns_topic_subscription" "audit" {
  topic_arn = aws_sns_topic.notify.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.audit.arn
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.notify.arn
  protocol  = "email"
  endpoint  = "ops@example.com"
}

resource "aws_cloudwatch_event_bus" "bus" {
  name = "orders-bus"
}
