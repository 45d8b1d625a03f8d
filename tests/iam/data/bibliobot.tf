# bibliobot: the role it runs as, what it may read, and who may write to its bucket.

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "bibliobot" {
  name               = "bibliobot-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  inline_policy {
    name = "metrics"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "cloudwatch:PutMetricData", Resource = "*" }]
    })
  }
}

resource "aws_iam_policy" "bibliobot" {
  name = "bibliobot-read-logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ReadLogs"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:ListBucket",
        ]
        Resource = [
          aws_s3_bucket.data.arn,
          "${aws_s3_bucket.data.arn}/logs/bibliobot/*",
        ]
        Condition = {
          Bool = { "aws:SecureTransport" = true }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "queue" {
  name   = "queue"
  role   = aws_iam_role.bibliobot.id
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sqs:*",
          "Resource": "${aws_sqs_queue.work.arn}"
        }
      ]
    }
  EOF
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecure"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.data.arn,
      "${aws_s3_bucket.data.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = [false]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.bucket.json
}

resource "aws_iam_user_policy" "computed" {
  user   = "bibliobot-ci"
  policy = var.ci_policy
}
