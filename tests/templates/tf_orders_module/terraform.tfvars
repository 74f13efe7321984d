# Read by Terraform without being asked; retries.auto.tfvars, read after it, wins for retries.
max_event_age = 600
retries       = 3
