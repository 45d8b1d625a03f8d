# bibliobot infrastructure. DELIBERATELY FLAWED: see ../../README.md, "Its mistakes".

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "vpc_id" {
  type        = string
  description = "VPC the bot's instance runs in"
}

# Open in both directions on every port: the proxy rules in botwarden.toml are the only limit left,
# and the bot is not run behind the proxy.
resource "aws_security_group" "bibliobot" {
  name        = "bibliobot"
  description = "bibliobot worker"
  vpc_id      = var.vpc_id

  ingress {
    description = "temporary: debugging from home"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "bibliobot" {
  name = "bibliobot"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

# Mirrors deploy/iam-policy.json: the policy actually attached, far wider than the manifest's
# three capabilities.
resource "aws_iam_policy" "bibliobot" {
  name = "bibliobot"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "BibliobotStorage"
        Effect   = "Allow"
        Action   = "s3:*"
        Resource = "*"
      },
      {
        Sid    = "PrototypeWorkerFleet"
        Effect = "Allow"
        Action = [
          "iam:PassRole",
          "ec2:RunInstances",
          "ec2:DescribeInstances",
          "ec2:TerminateInstances",
        ]
        Resource = "*"
      },
      {
        Sid      = "BibliobotLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/bots/bibliobot:*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "bibliobot" {
  role       = aws_iam_role.bibliobot.name
  policy_arn = aws_iam_policy.bibliobot.arn
}
