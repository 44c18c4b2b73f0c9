data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The store: Postgres (an existing RDS instance, any number of replicas) or SQLite on EFS (one task: one
  # writer on one volume). A variable, not the secret's presence: counts must be known at plan time, and the
  # secret's ARN is not when the RDS instance is made in the same apply.
  postgres = var.store == "postgres"
  sqlite   = !local.postgres
  replicas = coalesce(var.replicas, local.postgres ? 2 : 1)

  # The path the container health check asks: liveness only (see README: readiness must not kill the task).
  health_check_path = "/health/live"
  # SQLite: the image's database directory (Dockerfile: DOCKHAND_DB=/data/dockhand.db), on EFS.
  data_directory = "/data"
  # The image runs as `node`, uid and gid 1000 in the official Node images.
  posix_uid = 1000
  posix_gid = 1000

  policy_parameter_arn = var.policy_ssm_parameter_arn != null ? var.policy_ssm_parameter_arn : one(aws_ssm_parameter.policy[*].arn)

  # Slack's credentials come into the container through `secrets` (read by the execution role at start):
  # never as Terraform values, never in `environment`.
  slack_secret_arns = {
    SLACK_BOT_TOKEN      = var.slack_bot_token_secret_arn
    SLACK_APP_TOKEN      = var.slack_mode == "socket" ? var.slack_app_token_secret_arn : null
    SLACK_SIGNING_SECRET = var.slack_mode == "http" ? var.slack_signing_secret_arn : null
  }
  # Postgres: the user and password are JSON keys of the RDS secret ({"username", "password", …}), injected
  # one key each (valueFrom arn:…:secret:name:key::). ECS cannot compose a URL from keys, so dockhand does:
  # PGHOST, PGPORT and PGDATABASE come as plain environment below (the RDS-managed secret holds no host).
  database_secret_arns = {
    PGUSER     = local.postgres ? "${var.database_secret_arn}:username::" : null
    PGPASSWORD = local.postgres ? "${var.database_secret_arn}:password::" : null
  }
  secret_arns = merge(local.slack_secret_arns, { DOCKHAND_POLICY = local.policy_parameter_arn })
  secrets     = [for name, arn in merge(local.secret_arns, local.database_secret_arns) : { name = name, valueFrom = arn } if arn != null]

  # What the execution role may read: the Slack secrets and the policy, without a JSON key suffix
  # (arn:…:secret:name:key::). The database secret has its own statement (iam.tf), on exactly its ARN.
  secret_resource_arns = [for arn in values(local.secret_arns) : join(":", slice(split(":", arn), 0, min(7, length(split(":", arn))))) if arn != null]
  secretsmanager_arns  = [for arn in local.secret_resource_arns : arn if split(":", arn)[2] == "secretsmanager"]
  ssm_parameter_arns   = [for arn in local.secret_resource_arns : arn if split(":", arn)[2] == "ssm"]
  # Customer managed keys of those secrets and of the database secret, for kms:Decrypt.
  kms_key_arns = compact([var.secrets_kms_key_arn, local.postgres ? var.database_kms_key_arn : null])

  # Every name the container may get; entries whose value is null (the other store's) are left out.
  environment = [
    { name = "PORT", value = tostring(var.port) },
    { name = "LOG_LEVEL", value = var.log_level },
    { name = "DOCKHAND_DB", value = local.sqlite ? "${local.data_directory}/dockhand.db" : null },
    # EFS is NFS: WAL's shared-memory index is not safe there; a rollback journal with full syncs is.
    { name = "DOCKHAND_DB_JOURNAL", value = local.sqlite ? "delete" : null },
    # Postgres: dockhand builds its connection from these and PGUSER/PGPASSWORD (secrets above).
    { name = "DOCKHAND_STORE", value = local.postgres ? "postgres" : null },
    { name = "PGHOST", value = local.postgres ? var.database_host : null },
    { name = "PGPORT", value = local.postgres ? tostring(var.database_port) : null },
    { name = "PGDATABASE", value = local.postgres ? var.database_name : null },
    # Read by node-postgres itself. RDS for PostgreSQL 15+ refuses connections without TLS.
    { name = "PGSSLMODE", value = local.postgres ? var.database_ssl_mode : null },
    # Changes with policy_yaml, so a new policy makes a new task definition and a deployment (ECS reads
    # DOCKHAND_POLICY only when a task starts). dockhand ignores it. With policy_ssm_parameter_arn, redeploy yourself.
    { name = "DOCKHAND_POLICY_REVISION", value = var.policy_yaml != null ? sha256(var.policy_yaml) : "external-parameter" },
  ]

  container = {
    name      = "dockhand"
    image     = var.image
    essential = true
    portMappings           = [{ containerPort = var.port, protocol = "tcp" }]
    environment            = [for entry in local.environment : entry if entry.value != null]
    secrets                = local.secrets
    mountPoints            = local.sqlite ? [{ sourceVolume = "data", containerPath = local.data_directory, readOnly = false }] : []
    # ECS ignores the Dockerfile's HEALTHCHECK; this is the one it runs. The slim image has no curl or wget.
    healthCheck = {
      command     = ["CMD-SHELL", "node -e \"fetch('http://127.0.0.1:${var.port}${local.health_check_path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\""]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.this.name
        "awslogs-region"        = local.region
        "awslogs-stream-prefix" = "dockhand"
      }
    }
    # SIGTERM first: dockhand finishes its journal writes and closes the database.
    stopTimeout = 30
  }

  # The log group's ARN names the region; data.aws_region's attribute name differs between provider versions.
  region = split(":", aws_cloudwatch_log_group.this.arn)[3]
}

# ---- logs -------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# ---- the policy file --------------------------------------------------------------------------------------

resource "aws_ssm_parameter" "policy" {
  count = var.policy_yaml != null ? 1 : 0

  name        = "/${var.name}/policy"
  description = "dockhand's policy file (dockhand.yml), read into DOCKHAND_POLICY when the task starts."
  type        = "String"
  # Standard parameters hold 4 KB, Advanced 8 KB.
  tier  = length(coalesce(var.policy_yaml, " ")) > 4096 ? "Advanced" : "Standard"
  value = var.policy_yaml
  tags  = var.tags
}

# ---- SQLite: EFS, one access point, encrypted in transit and at rest; none of it with Postgres ------------

resource "aws_efs_file_system" "this" {
  count = local.sqlite ? 1 : 0

  creation_token = var.name
  encrypted      = true
  # Losing it loses the journal, approvals, grants and audit (parks survive: they are also tags on services).
  tags = merge(var.tags, { Name = var.name })
}

resource "aws_efs_backup_policy" "this" {
  count = local.sqlite ? 1 : 0

  file_system_id = aws_efs_file_system.this[0].id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_security_group" "efs" {
  count = local.sqlite ? 1 : 0

  name        = "${var.name}-efs"
  description = "NFS from dockhand's task to its EFS mount targets"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_task" {
  count = local.sqlite ? length(var.security_group_ids) : 0

  security_group_id            = aws_security_group.efs[0].id
  referenced_security_group_id = var.security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  description                  = "NFS from dockhand's task"
}

resource "aws_efs_mount_target" "this" {
  count = local.sqlite ? length(var.subnet_ids) : 0

  file_system_id  = aws_efs_file_system.this[0].id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.efs[0].id]
}

resource "aws_efs_access_point" "this" {
  count = local.sqlite ? 1 : 0

  file_system_id = aws_efs_file_system.this[0].id
  tags           = merge(var.tags, { Name = var.name })

  # Every file the task writes belongs to the image's `node` user, whatever the client says.
  posix_user {
    uid = local.posix_uid
    gid = local.posix_gid
  }

  root_directory {
    path = "/dockhand"
    creation_info {
      owner_uid   = local.posix_uid
      owner_gid   = local.posix_gid
      permissions = "0750"
    }
  }
}

# Only dockhand's task role, only through the access point, only over TLS.
resource "aws_efs_file_system_policy" "this" {
  count = local.sqlite ? 1 : 0

  file_system_id = aws_efs_file_system.this[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DockhandTaskThroughAccessPoint"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.task.arn }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Resource  = aws_efs_file_system.this[0].arn
        Condition = {
          StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.this[0].arn }
          Bool         = { "aws:SecureTransport" = "true" }
        }
      },
    ]
  })
}

# The EFS resources had no count before the module knew Postgres: an existing SQLite deployment keeps its
# file system (and its database) at index 0 instead of replacing it.
moved {
  from = aws_efs_file_system.this
  to   = aws_efs_file_system.this[0]
}

moved {
  from = aws_efs_backup_policy.this
  to   = aws_efs_backup_policy.this[0]
}

moved {
  from = aws_security_group.efs
  to   = aws_security_group.efs[0]
}

moved {
  from = aws_efs_access_point.this
  to   = aws_efs_access_point.this[0]
}

moved {
  from = aws_efs_file_system_policy.this
  to   = aws_efs_file_system_policy.this[0]
}

# ---- Postgres: the tasks may reach the RDS instance -------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "database_from_task" {
  # One rule per (database group, task group); lengths only, so the count is known even when the ids are not.
  count = local.postgres ? length(var.database_security_group_ids) * length(var.security_group_ids) : 0

  security_group_id            = var.database_security_group_ids[floor(count.index / length(var.security_group_ids))]
  referenced_security_group_id = var.security_group_ids[count.index % length(var.security_group_ids)]
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  description                  = "Postgres from dockhand's tasks"
}

# The zones of the tasks' subnets, read only to check that replicas do not share one zone.
data "aws_subnet" "task" {
  count = local.replicas > 1 ? length(var.subnet_ids) : 0

  id = var.subnet_ids[count.index]
}

# ---- the task and the service -----------------------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # SQLite only; with Postgres the task has no volume.
  dynamic "volume" {
    for_each = local.sqlite ? ["data"] : []
    content {
      name = volume.value

      efs_volume_configuration {
        file_system_id     = aws_efs_file_system.this[0].id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = aws_efs_access_point.this[0].id
          iam             = "ENABLED"
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = (var.policy_yaml == null) != (var.policy_ssm_parameter_arn == null)
      error_message = "Set exactly one of policy_yaml (the policy's content) and policy_ssm_parameter_arn (a parameter holding it)."
    }
    precondition {
      condition     = var.slack_mode != "socket" || var.slack_app_token_secret_arn != null
      error_message = "Socket Mode needs slack_app_token_secret_arn (the app-level token, xapp-…)."
    }
    precondition {
      condition     = var.slack_mode != "http" || var.slack_signing_secret_arn != null
      error_message = "HTTP mode needs slack_signing_secret_arn (the app's signing secret)."
    }
    precondition {
      condition     = local.sqlite || (var.database_secret_arn != null && var.database_host != null)
      error_message = "store = \"postgres\" needs database_secret_arn (the RDS user's secret) and database_host (the instance's endpoint address: the secret holds only the user and password)."
    }
    precondition {
      condition     = local.postgres || var.database_secret_arn == null
      error_message = "database_secret_arn is set but store is \"sqlite\": set store = \"postgres\" to use it."
    }
  }
}

resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = var.cluster_arn
  task_definition  = aws_ecs_task_definition.this.arn
  launch_type      = "FARGATE"
  platform_version = "1.4.0" # the first with EFS volumes and with JSON keys of secrets
  propagate_tags   = "SERVICE"
  tags             = var.tags

  # SQLite: exactly one dockhand at a time (one writer on one EFS volume); a deployment stops the old task
  # before it starts the new one (a minute or so without the bot, never two).
  # Postgres: `replicas` tasks, and a deployment starts the new ones before it stops the old (never fewer
  # than `replicas` running); jobs run on the one replica holding the leader lease in Postgres.
  desired_count                      = local.replicas
  deployment_maximum_percent         = local.sqlite ? 100 : 200
  deployment_minimum_healthy_percent = local.sqlite ? 0 : 100

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  dynamic "load_balancer" {
    for_each = var.target_group_arn != null ? [var.target_group_arn] : []
    content {
      target_group_arn = load_balancer.value
      container_name   = local.container.name
      container_port   = var.port
    }
  }

  health_check_grace_period_seconds = var.target_group_arn != null ? 60 : null

  # SQLite: the mount targets must exist before a task can mount the file system.
  depends_on = [aws_efs_mount_target.this, aws_efs_file_system_policy.this]

  lifecycle {
    precondition {
      condition     = local.postgres || local.replicas == 1
      error_message = "With SQLite dockhand runs one task: two would be two writers on one EFS volume. Set store = \"postgres\" (with database_secret_arn) to run replicas."
    }
    precondition {
      condition     = local.replicas == 1 || length(distinct(var.subnet_ids)) >= 2
      error_message = "replicas > 1 needs at least two subnet_ids, in two availability zones, so that one zone's outage leaves a replica."
    }
    precondition {
      condition     = local.replicas == 1 || length(distinct(data.aws_subnet.task[*].availability_zone)) >= 2
      error_message = "replicas > 1 needs subnet_ids in at least two availability zones; these are all in one."
    }
  }
}
