# A role in another account that dockhand assumes: as `dockhand-<Slack user id>` with the Slack user id as
# SourceIdentity for what a person asked, as `dockhand-inventory` to read the fleet. It may do exactly what
# dockhand's own task role may do (the same iam-policy.json).

locals {
  dockhand_policy = jsondecode(file("${path.module}/../../iam-policy.json"))
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid = "DockhandTaskRole"
    # SetSourceIdentity: dockhand sets it, so CloudTrail names the Slack user behind every call.
    actions = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    principals {
      type        = "AWS"
      identifiers = [var.dockhand_task_role_arn]
    }
    condition {
      test     = "StringLike"
      variable = "sts:RoleSessionName"
      values   = ["dockhand-*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Assumed by dockhand to read and operate this account's ECS environments"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "dockhand"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.dockhand_policy)
}
