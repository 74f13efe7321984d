# The variables; their values come from terraform.tfvars and retries.auto.tfvars.

variable "retries" {
  type    = number
  default = 1
}

variable "max_event_age" {
  type = number
}
