output "role_arn" {
  description = "ARN to put as role_arn on this account in dockhand's policy file, and in the dockhand module's account_role_arns."
  value       = aws_iam_role.this.arn
}
