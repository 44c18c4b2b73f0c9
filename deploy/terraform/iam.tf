# ---- execution role: what ECS itself needs to start the task ----------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  description        = "ECS pulls dockhand's image, writes its logs and reads its Slack secrets, policy and database secret"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = var.tags
}

# Image pull (ECR) and the awslogs driver.
resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Exactly the secrets the task definition references, nothing else.
data "aws_iam_policy_document" "execution_secrets" {
  dynamic "statement" {
    for_each = length(local.secretsmanager_arns) > 0 ? [1] : []
    content {
      sid       = "SlackSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secretsmanager_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_parameter_arns) > 0 ? [1] : []
    content {
      sid       = "Parameters"
      actions   = ["ssm:GetParameters"]
      resources = local.ssm_parameter_arns
    }
  }

  # Postgres: the database secret, on exactly its ARN (the task definition reads two JSON keys of it).
  dynamic "statement" {
    for_each = local.postgres ? [var.database_secret_arn] : []
    content {
      sid       = "DatabaseSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []
    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

# ---- task role: what dockhand's code calls ----------------------------------------------------------------

locals {
  # The one list of actions: README.md shows it and test/packaging checks it against the code.
  dockhand_policy = jsondecode(file("${path.module}/iam-policy.json"))
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "dockhand reads and operates ECS services, their autoscaling, CloudTrail and Cost Explorer"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  name   = "dockhand"
  role   = aws_iam_role.task.id
  policy = jsonencode(local.dockhand_policy)
}

# Accounts with role_arn: dockhand assumes the role per Slack user with SourceIdentity set, so CloudTrail
# names the person. Both the caller's policy and the role's trust policy must allow sts:SetSourceIdentity.
resource "aws_iam_role_policy" "assume_account_roles" {
  count = length(var.account_role_arns) > 0 ? 1 : 0

  name = "assume-account-roles"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AssumeAccountRoles"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:SetSourceIdentity"]
        Resource = var.account_role_arns
      },
    ]
  })
}
