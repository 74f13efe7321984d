# EventBridge rules in Terraform, written for lambdasim's tests: two schedules (a rate with an input,
# a cron), one through an alias with provisioned concurrency, a disabled one, a pattern rule with two
# targets, and targets lambdasim leaves out (a queue, a function of another stack, an unknown rule).

resource "aws_lambda_function" "report" {
  function_name = "report"
  handler       = "app.handler"
  runtime       = "python3.12"
  publish       = true
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.report.function_name
  function_version = "1"
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  function_name                     = aws_lambda_function.report.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 1
}

resource "aws_cloudwatch_event_rule" "reconcile" {
  name                = "reconcile"
  schedule_expression = "rate(15 minutes)"
}

resource "aws_cloudwatch_event_target" "reconcile" {
  rule  = aws_cloudwatch_event_rule.reconcile.name
  arn   = aws_lambda_function.report.arn
  input = jsonencode({ job = "reconcile" })
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  description         = "00:30 UTC every day"
  schedule_expression = "cron(30 0 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_alias.live.arn

  retry_policy {
    maximum_retry_attempts = 3
  }
}

resource "aws_cloudwatch_event_target" "nightly_queue" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_sqs_queue.nightly.arn
}

resource "aws_sqs_queue" "nightly" {
  name = "nightly"
}

resource "aws_cloudwatch_event_rule" "paused" {
  name                = "paused"
  schedule_expression = "rate(1 minute)"
  state               = "DISABLED"
}

resource "aws_cloudwatch_event_target" "paused" {
  rule = aws_cloudwatch_event_rule.paused.name
  arn  = aws_lambda_function.report.arn
}

resource "aws_cloudwatch_event_rule" "orders" {
  name          = "orders"
  event_pattern = jsonencode({ source = ["shop"] })
}

resource "aws_cloudwatch_event_target" "orders" {
  rule = aws_cloudwatch_event_rule.orders.name
  arn  = aws_lambda_function.report.arn
}

resource "aws_cloudwatch_event_target" "orders_again" {
  rule = aws_cloudwatch_event_rule.orders.name
  arn  = aws_lambda_function.report.arn
}

resource "aws_cloudwatch_event_target" "elsewhere" {
  rule = aws_cloudwatch_event_rule.reconcile.name
  arn  = "arn:aws:lambda:us-east-1:123456789012:function:billing"
}

resource "aws_cloudwatch_event_target" "lost" {
  rule = "no-such-rule"
  arn  = aws_lambda_function.report.arn
}
