output "service_name" {
  description = "Name of dockhand's ECS service."
  value       = aws_ecs_service.this.name
}

output "task_role_arn" {
  description = "dockhand's task role: trust it from the cross-account roles (modules/cross-account-role)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "The role ECS uses to pull the image, write logs and read the secrets."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "CloudWatch log group of dockhand's JSON logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "file_system_id" {
  description = "SQLite: EFS file system holding dockhand's database; null with Postgres."
  value       = one(aws_efs_file_system.this[*].id)
}

output "access_point_id" {
  description = "SQLite: EFS access point the task mounts at /data; null with Postgres."
  value       = one(aws_efs_access_point.this[*].id)
}

output "replicas" {
  description = "How many tasks the service runs (desired_count)."
  value       = local.replicas
}

output "policy_parameter_arn" {
  description = "SSM parameter the task reads its policy (DOCKHAND_POLICY) from."
  value       = local.policy_parameter_arn
}
