variable "name" {
  description = "Name of the role dockhand assumes in this account; put its ARN as role_arn on the account in the policy file."
  type        = string
  default     = "dockhand"
}

variable "dockhand_task_role_arn" {
  description = "ARN of dockhand's task role (the dockhand module's task_role_arn output), the only principal that may assume this role."
  type        = string
}

variable "max_session_duration" {
  description = "Longest session, in seconds, dockhand may ask for (it asks for the default hour)."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
