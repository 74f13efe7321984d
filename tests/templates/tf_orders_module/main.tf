# The orders stack of tf_orders.tf split across the files of a module (the provider and the role
# here), read as one by Terraform and by lambdasim; terraform.tfvars and the *.auto.tfvars give
# max_event_age and retries the values tf_orders.tf gets from the caller and its default.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_role" "lambda" {
  name               = "orders-lambda"
  assume_role_policy = "{}"
}
