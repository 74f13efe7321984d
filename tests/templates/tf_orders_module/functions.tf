# The functions, their alias, event-invoke configs, provisioned concurrency and mappings.

resource "aws_lambda_function" "orders" {
  function_name                  = "orders"
  role                           = aws_iam_role.lambda.arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = 30
  memory_size                    = 512
  architectures                  = ["arm64"]
  reserved_concurrent_executions = 5
  publish                        = true
  kms_key_arn                    = "arn:aws:kms:eu-west-1:123456789012:key/orders"

  dead_letter_config {
    target_arn = aws_sqs_queue.orders_dlq.arn
  }

  environment {
    variables = {
      STAGE = "prod"
    }
  }

  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = ["sg-1"]
  }
}

resource "aws_lambda_function" "audit" {
  function_name = "audit"
  role          = aws_iam_role.lambda.arn
  handler       = "app.handler"
  runtime       = "python3.12"
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.lambda.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = 10
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.orders.function_name
  function_version = "1"

  routing_config {
    additional_version_weights = {
      "2" = 0.1
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "orders" {
  function_name                = aws_lambda_function.orders.function_name
  maximum_retry_attempts       = var.retries
  maximum_event_age_in_seconds = var.max_event_age

  destination_config {
    on_success {
      destination = aws_sns_topic.notify.arn
    }
    on_failure {
      destination = "${aws_sqs_queue.failed.arn}"
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "audit" {
  function_name = aws_lambda_function.audit.arn

  destination_config {
    on_success {
      destination = aws_cloudwatch_event_bus.bus.arn
    }
  }
}

resource "aws_lambda_provisioned_concurrency_config" "orders" {
  function_name                     = aws_lambda_function.orders.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 2
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn                   = aws_sqs_queue.jobs.arn
  function_name                      = aws_lambda_function.worker.function_name
  batch_size                         = 5
  maximum_batching_window_in_seconds = 2
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = true

  scaling_config {
    maximum_concurrency = 2
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn  = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"
  function_name     = aws_lambda_function.worker.function_name
  starting_position = "LATEST"
}
