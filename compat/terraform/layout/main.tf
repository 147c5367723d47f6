# The IAM layout of a typical project, applied by compat/test_terraform.py to
# an iamd server: users under paths, groups and memberships, customer managed
# policies attached to groups and roles, service roles with AWS managed
# policies, a cross-account role, an instance profile and an access key.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "endpoint" {
  description = "The iamd URL, e.g. http://127.0.0.1:4566"
  type        = string
}

variable "project" {
  type    = string
  default = "myapp"
}

variable "environment" {
  type    = string
  default = "dev"
}

# The knobs below change on a second apply (compat/test_terraform.py), which
# then updates resources in place instead of creating them.

variable "lambda_max_session_duration" {
  type    = number
  default = 7200
}

variable "partner_external_id" {
  type    = string
  default = "myapp-partner"
}

provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  # The provider validates the key and learns the account through STS
  # GetCallerIdentity, answered by iamd too.
  skip_credentials_validation = false
  skip_requesting_account_id  = false
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    iam = var.endpoint
    sts = var.endpoint
  }
}

variable "developers" {
  type    = list(string)
  default = ["alice", "bob", "carol"]
}

locals {
  admins = ["dave", "erin"]

  common_tags = {
    Environment = var.environment
    Project     = var.project
  }
}

# ---------------------------------------------------------------- users

resource "aws_iam_user" "developer" {
  for_each = toset(var.developers)

  name = each.key
  path = "/developers/"

  tags = merge(local.common_tags, {
    Name = each.key
    Role = "developer"
  })
}

resource "aws_iam_user" "admin" {
  for_each = toset(local.admins)

  name = each.key
  path = "/admins/"

  tags = merge(local.common_tags, {
    Name = each.key
    Role = "admin"
  })
}

resource "aws_iam_access_key" "alice" {
  user = aws_iam_user.developer["alice"].name
}

# ---------------------------------------------------------------- groups

resource "aws_iam_group" "developers" {
  name = "developers"
  path = "/groups/"
}

resource "aws_iam_group" "admins" {
  name = "admins"
  path = "/groups/"
}

resource "aws_iam_group" "readonly" {
  name = "readonly"
  path = "/groups/"
}

resource "aws_iam_group_membership" "developers" {
  name  = "developers-membership"
  group = aws_iam_group.developers.name
  users = [for user in aws_iam_user.developer : user.name]
}

resource "aws_iam_group_membership" "admins" {
  name  = "admins-membership"
  group = aws_iam_group.admins.name
  users = [for user in aws_iam_user.admin : user.name]
}

# Everyone also reads, through a per-user membership resource (the other
# style Terraform offers, which does not own the group's whole member list).
resource "aws_iam_user_group_membership" "readonly" {
  for_each = merge(aws_iam_user.developer, aws_iam_user.admin)

  user   = each.value.name
  groups = [aws_iam_group.readonly.name]
}

# ---------------------------------------------------------------- policies

resource "aws_iam_policy" "developer" {
  name        = "${var.project}-developer"
  path        = "/policies/"
  description = "Day-to-day access for developers"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Compute"
        Effect = "Allow"
        Action = [
          "ec2:Describe*",
          "ec2:StartInstances",
          "ec2:StopInstances",
          "ec2:RebootInstances",
          "s3:Get*",
          "s3:List*",
          "s3:PutObject",
          "s3:DeleteObject",
          "rds:Describe*",
          "rds:ListTagsForResource",
          "rds:RebootDBInstance",
          "cloudformation:Describe*",
          "cloudformation:List*",
          "cloudformation:Get*",
          "cloudformation:CreateStack",
          "cloudformation:UpdateStack",
          "cloudformation:ValidateTemplate",
        ]
        Resource = "*"
      },
      {
        Sid    = "Logs"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
          "logs:DescribeLogStreams",
        ]
        Resource = "arn:aws:logs:*:*:*"
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-developer" })
}

resource "aws_iam_policy" "admin" {
  name        = "${var.project}-admin"
  path        = "/policies/"
  description = "Full access"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-admin" })
}

resource "aws_iam_policy" "readonly" {
  name        = "${var.project}-readonly"
  path        = "/policies/"
  description = "Read-only access"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = [
          "ec2:Describe*",
          "s3:Get*",
          "s3:List*",
          "rds:Describe*",
          "cloudformation:Describe*",
          "cloudformation:List*",
          "logs:Describe*",
          "logs:Get*",
          "iam:Get*",
          "iam:List*",
        ]
        Resource = "*"
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-readonly" })
}

resource "aws_iam_policy" "ec2_app" {
  name        = "${var.project}-ec2"
  path        = "/policies/"
  description = "What the application instances may do"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AppBuckets"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::${var.project}-*", "arn:aws:s3:::${var.project}-*/*"]
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-ec2" })
}

resource "aws_iam_policy" "lambda_app" {
  name        = "${var.project}-lambda"
  path        = "/policies/"
  description = "What the application functions may do"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Tables"
        Effect = "Allow"
        Action = [
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:Query",
          "dynamodb:Scan",
        ]
        Resource = "arn:aws:dynamodb:us-east-1:*:table/${var.project}-${var.environment}-*"
      },
      {
        Sid      = "Objects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::${var.project}-*/*"
      },
      {
        Sid      = "Mail"
        Effect   = "Allow"
        Action   = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = "*"
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-lambda" })
}

resource "aws_iam_policy" "require_mfa" {
  name        = "${var.project}-require-mfa"
  path        = "/policies/"
  description = "Denies everything but MFA self-service without MFA"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "DenyAllExceptListedIfNoMFA"
        Effect = "Deny"
        NotAction = [
          "iam:CreateVirtualMFADevice",
          "iam:EnableMFADevice",
          "iam:GetUser",
          "iam:ListMFADevices",
          "iam:ListVirtualMFADevices",
          "iam:ResyncMFADevice",
          "sts:GetSessionToken",
        ]
        Resource = "*"
        Condition = {
          BoolIfExists = {
            "aws:MultiFactorAuthPresent" = "false"
          }
        }
      },
    ]
  })

  tags = merge(local.common_tags, { Name = "${var.project}-require-mfa" })
}

resource "aws_iam_group_policy_attachment" "developers" {
  group      = aws_iam_group.developers.name
  policy_arn = aws_iam_policy.developer.arn
}

resource "aws_iam_group_policy_attachment" "developers_mfa" {
  group      = aws_iam_group.developers.name
  policy_arn = aws_iam_policy.require_mfa.arn
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_group_policy_attachment" "admins_mfa" {
  group      = aws_iam_group.admins.name
  policy_arn = aws_iam_policy.require_mfa.arn
}

resource "aws_iam_group_policy_attachment" "readonly" {
  group      = aws_iam_group.readonly.name
  policy_arn = aws_iam_policy.readonly.arn
}

# ---------------------------------------------------------------- roles

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "cross_account_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.partner_external_id]
    }
  }
}

resource "aws_iam_role" "ec2" {
  name               = "${var.project}-ec2"
  description        = "Role of the ${var.environment} application instances"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json

  tags = merge(local.common_tags, { Name = "${var.project}-ec2" })
}

resource "aws_iam_role" "lambda" {
  name                 = "${var.project}-lambda"
  path                 = "/service/"
  description          = "Role of the application functions"
  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json
  max_session_duration = var.lambda_max_session_duration

  tags = merge(local.common_tags, { Name = "${var.project}-lambda" })
}

resource "aws_iam_role" "cross_account" {
  name               = "${var.project}-cross-account"
  description        = "Assumed by the partner account with an external id"
  assume_role_policy = data.aws_iam_policy_document.cross_account_trust.json

  tags = merge(local.common_tags, { Name = "${var.project}-cross-account" })
}

resource "aws_iam_role_policy_attachment" "ec2_app" {
  role       = aws_iam_role.ec2.name
  policy_arn = aws_iam_policy.ec2_app.arn
}

resource "aws_iam_role_policy_attachment" "ec2_ssm" {
  role       = aws_iam_role.ec2.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "lambda_app" {
  role       = aws_iam_role.lambda.name
  policy_arn = aws_iam_policy.lambda_app.arn
}

resource "aws_iam_role_policy_attachment" "lambda_basic" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy_attachment" "cross_account" {
  role       = aws_iam_role.cross_account.name
  policy_arn = aws_iam_policy.readonly.arn
}

resource "aws_iam_instance_profile" "ec2" {
  name = "${var.project}-ec2"
  role = aws_iam_role.ec2.name

  tags = merge(local.common_tags, { Name = "${var.project}-ec2" })
}

# ---------------------------------------------------------------- outputs

data "aws_caller_identity" "current" {}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "caller_arn" {
  value = data.aws_caller_identity.current.arn
}

output "alice_access_key_id" {
  value = aws_iam_access_key.alice.id
}

output "instance_profile_arn" {
  value = aws_iam_instance_profile.ec2.arn
}
