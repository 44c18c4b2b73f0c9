# ---- where it runs -----------------------------------------------------------------------------------------

variable "name" {
  description = "Name of the service, task family, roles, log group and EFS file system (a prefix where several)."
  type        = string
  default     = "dockhand"
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster (with Fargate capacity) that runs dockhand."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the subnets: with SQLite, the EFS mount targets' security group is created in it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks (and, with SQLite, the EFS mount targets: at most one subnet per availability zone, one mount target each). With more than one replica, subnets in at least two availability zones. They need a route to Slack and to the AWS APIs (NAT gateway or VPC endpoints), and with Postgres to the database."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids needs at least one subnet."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks. They must allow outbound HTTPS (Slack, AWS APIs) and, with SQLite, NFS (2049) to the EFS mount targets (the module lets them in on 2049), or with Postgres the database port to RDS (with database_security_group_ids the module lets them in there)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "security_group_ids needs at least one security group."
  }
}

variable "assign_public_ip" {
  description = "Give the task a public IP (only for public subnets without a NAT gateway)."
  type        = bool
  default     = false
}

variable "image" {
  description = "dockhand's container image, built from the repository's Dockerfile, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com/dockhand:1.4.0."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB; dockhand uses about 160 MB with 1,000 services inventoried."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64: the architecture the image was built for."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture is X86_64 or ARM64."
  }
}

variable "port" {
  description = "Port dockhand listens on: /slack/events (HTTP mode) and /health, /health/live."
  type        = number
  default     = 3000
}

variable "log_level" {
  description = "dockhand's LOG_LEVEL: debug, info, warn or error."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level is debug, info, warn or error."
  }
}

variable "tags" {
  description = "Tags for every resource the module creates. Do not put your environment tag key (discovery.tag_key, default `environment`) here: dockhand would find its own service and could park itself."
  type        = map(string)
  default     = {}
}

# ---- the database: SQLite on EFS (one task), or an existing RDS PostgreSQL (replicas) ----------------------

variable "store" {
  description = "Where dockhand keeps its state: sqlite (a database on an EFS file system the module creates; one task) or postgres (an existing RDS PostgreSQL instance, database_secret_arn and database_host; `replicas` tasks, no EFS)."
  type        = string
  default     = "sqlite"

  validation {
    condition     = contains(["sqlite", "postgres"], var.store)
    error_message = "store is sqlite or postgres."
  }
}

variable "database_secret_arn" {
  description = "Postgres: ARN of the Secrets Manager secret of an RDS PostgreSQL user, a JSON secret with the keys username and password (the secret RDS manages for the master user with manage_master_user_password, or one of Secrets Manager's database-credentials form). The ARN itself, without a :key:: suffix; the module appends :username:: and :password::."
  type        = string
  default     = null

  validation {
    condition     = var.database_secret_arn == null || can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^:]+$", var.database_secret_arn))
    error_message = "database_secret_arn is a Secrets Manager secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), without a JSON key suffix."
  }
}

variable "database_host" {
  description = "Postgres: the RDS instance's endpoint address (aws_db_instance.<name>.address), given to the tasks as PGHOST. The RDS-managed secret holds no host, so the module takes it here. Required with store = postgres."
  type        = string
  default     = null
}

variable "database_port" {
  description = "Postgres: the RDS instance's port (PGPORT)."
  type        = number
  default     = 5432

  validation {
    condition     = var.database_port >= 1 && var.database_port <= 65535 && floor(var.database_port) == var.database_port
    error_message = "database_port is a TCP port, 1 to 65535."
  }
}

variable "database_name" {
  description = "Postgres: the database dockhand creates its tables in (PGDATABASE); it must exist. RDS creates `postgres`, or db_name when you set one."
  type        = string
  default     = "postgres"
}

variable "database_ssl_mode" {
  description = "Postgres: PGSSLMODE. verify-full (TLS, the server's certificate checked against the CAs Node trusts: add Amazon RDS's CA bundle to the image and point NODE_EXTRA_CA_CERTS at it, see README) or no-verify (TLS without checking the certificate)."
  type        = string
  default     = "verify-full"

  validation {
    condition     = contains(["verify-full", "no-verify"], var.database_ssl_mode)
    error_message = "database_ssl_mode is verify-full or no-verify (RDS for PostgreSQL 15 and later refuse connections without TLS)."
  }
}

variable "database_kms_key_arn" {
  description = "Postgres: the customer managed KMS key that encrypts database_secret_arn (the execution role gets kms:Decrypt on it); null for the AWS managed key aws/secretsmanager, RDS's default."
  type        = string
  default     = null
}

variable "database_security_group_ids" {
  description = "Postgres: security groups of the RDS instance (its vpc_security_group_ids) that the module lets the tasks' security groups into on database_port; empty if you allow them yourself."
  type        = list(string)
  default     = []
}

variable "replicas" {
  description = "How many tasks run. Null: 2 with store = postgres, 1 with sqlite. SQLite allows only 1 (one writer on one EFS volume). At most 10: Slack spreads Socket Mode events over at most 10 connections of an app."
  type        = number
  default     = null

  validation {
    condition     = floor(coalesce(var.replicas, 1)) == coalesce(var.replicas, 1) && coalesce(var.replicas, 1) >= 1 && coalesce(var.replicas, 1) <= 10
    error_message = "replicas is a whole number from 1 to 10 (or null for the default)."
  }
}

# ---- the policy file (dockhand.yml) ------------------------------------------------------------------------

variable "policy_yaml" {
  description = "The policy file's content (e.g. file(\"dockhand.yml\")). The module stores it in an SSM parameter that the task reads into DOCKHAND_POLICY at start. Set this or policy_ssm_parameter_arn."
  type        = string
  default     = null

  validation {
    condition     = var.policy_yaml == null || length(coalesce(var.policy_yaml, " ")) <= 8192
    error_message = "policy_yaml is over 8 KB, the largest SSM parameter; keep it in a parameter of your own (policy_ssm_parameter_arn) or trim it."
  }
}

variable "policy_ssm_parameter_arn" {
  description = "ARN of an existing SSM parameter (String or SecureString) holding the policy file's content, instead of policy_yaml. A change takes effect when the task restarts."
  type        = string
  default     = null
}

# ---- Slack ------------------------------------------------------------------------------------------------

variable "slack_mode" {
  description = "socket (Socket Mode: an outbound WebSocket, no public URL; the manifest's default) or http (Slack posts to /slack/events behind your load balancer)."
  type        = string
  default     = "socket"

  validation {
    condition     = contains(["socket", "http"], var.slack_mode)
    error_message = "slack_mode is socket or http."
  }
}

variable "slack_bot_token_secret_arn" {
  description = "ARN of the Secrets Manager secret (or SSM SecureString parameter) holding the bot token (xoxb-…) as plain text; for a JSON secret append the key, arn:…:secret:name-AbCdEf:SLACK_BOT_TOKEN::. The token itself never passes through Terraform."
  type        = string
}

variable "slack_app_token_secret_arn" {
  description = "Socket Mode: ARN of the secret (or SSM SecureString) holding the app-level token (xapp-…, scope connections:write)."
  type        = string
  default     = null
}

variable "slack_signing_secret_arn" {
  description = "HTTP mode: ARN of the secret (or SSM SecureString) holding the Slack app's signing secret."
  type        = string
  default     = null
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts the Slack secrets, when it is a customer managed key (the execution role gets kms:Decrypt on it); null for the AWS managed key."
  type        = string
  default     = null
}

variable "target_group_arn" {
  description = "HTTP mode: the load balancer target group (target type ip) that forwards Slack's requests to the tasks' port; every replica registers in it. Its health check path should be /health/live."
  type        = string
  default     = null
}

# ---- AWS accounts dockhand reads and operates -------------------------------------------------------------

variable "account_role_arns" {
  description = "Roles dockhand assumes in other accounts (the role_arn of accounts in the policy file), e.g. made with modules/cross-account-role. The task role may call sts:AssumeRole and sts:SetSourceIdentity on exactly these. Accounts without role_arn are operated with the task role itself."
  type        = list(string)
  default     = []
}

# ---- logs -------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps dockhand's logs (one of the values CloudWatch accepts; never 0 = never expire)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days is one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key to encrypt the log group with; null for CloudWatch's default encryption."
  type        = string
  default     = null
}
