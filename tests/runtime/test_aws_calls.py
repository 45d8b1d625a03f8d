"""The mapping from botocore calls to IAM authorisations.

The expected actions and ARNs are written from the Service Authorization Reference; every one is
then checked against the project's IAM definition (the action exists, under its canonical name,
and the ARN is of one of the resource types the action takes), so a typo in an action name or an
ARN format cannot pass.
"""

from __future__ import annotations

import string
from typing import Any

import botocore.session
import pytest
from botocore.utils import ArgumentGenerator
from hypothesis import given
from hypothesis import strategies as st

from botwarden.iam.database import IamDatabase, default_database
from botwarden.runtime.aws_calls import (
    ANY,
    AwsCallError,
    AwsRequest,
    UnknownAccountError,
    authorisations,
    covered_operations,
    iam_prefix,
)

REGION = "us-east-1"
ACCOUNT = "111122223333"
SERVICES = ("s3", "dynamodb", "sqs", "sns", "secretsmanager", "ssm", "lambda", "kms")


def _arn(service: str, resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


S3 = "arn:aws:s3:::"
TABLE = _arn("dynamodb", "table/Orders")
QUEUE = _arn("sqs", "jobs", account="123456789012")
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
TOPIC = _arn("sns", "alerts")
SECRET = _arn("secretsmanager", "secret:prod/db-??????")
SECRET_ARN = _arn("secretsmanager", "secret:prod/db-AbCdEf")
FUNCTION = _arn("lambda", "function:resize")
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY = _arn("kms", f"key/{KEY_ID}")
ALIAS = _arn("kms", "alias/app")
AP = "arn:aws:s3:us-west-2:123456789012:accesspoint/reports"

Expected = list[tuple[str, list[str]]]

CASES: list[Any] = [
    # -- S3: objects
    (
        "s3",
        "GetObject",
        {"Bucket": "b", "Key": "logs/a.txt"},
        [("s3:GetObject", [f"{S3}b/logs/a.txt"])],
    ),
    (
        "s3",
        "GetObject",
        {"Bucket": "b", "Key": "k", "VersionId": "v1"},
        [("s3:GetObjectVersion", [f"{S3}b/k"])],
    ),
    ("s3", "HeadObject", {"Bucket": "b", "Key": "k"}, [("s3:GetObject", [f"{S3}b/k"])]),
    ("s3", "SelectObjectContent", {"Bucket": "b", "Key": "k"}, [("s3:GetObject", [f"{S3}b/k"])]),
    (
        "s3",
        "PutObject",
        {"Bucket": "b", "Key": "k", "Body": b"x"},
        [("s3:PutObject", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "PutObject",
        {"Bucket": "b", "Key": "k", "ACL": "public-read", "Tagging": "a=b"},
        [
            ("s3:PutObject", [f"{S3}b/k"]),
            ("s3:PutObjectAcl", [f"{S3}b/k"]),
            ("s3:PutObjectTagging", [f"{S3}b/k"]),
        ],
    ),
    (
        "s3",
        "PutObject",
        {
            "Bucket": "b",
            "Key": "k",
            "ObjectLockMode": "GOVERNANCE",
            "ObjectLockLegalHoldStatus": "ON",
        },
        [
            ("s3:PutObject", [f"{S3}b/k"]),
            ("s3:PutObjectLegalHold", [f"{S3}b/k"]),
            ("s3:PutObjectRetention", [f"{S3}b/k"]),
        ],
    ),
    ("s3", "DeleteObject", {"Bucket": "b", "Key": "k"}, [("s3:DeleteObject", [f"{S3}b/k"])]),
    (
        "s3",
        "DeleteObject",
        {"Bucket": "b", "Key": "k", "VersionId": "v"},
        [("s3:DeleteObjectVersion", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "DeleteObjects",
        {
            "Bucket": "b",
            "Delete": {"Objects": [{"Key": "a"}, {"Key": "b/c"}, {"Key": "d", "VersionId": "v"}]},
        },
        [("s3:DeleteObject", [f"{S3}b/a", f"{S3}b/b/c"]), ("s3:DeleteObjectVersion", [f"{S3}b/d"])],
    ),
    (
        "s3",
        "DeleteObjects",
        {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}]}, "BypassGovernanceRetention": True},
        [("s3:DeleteObject", [f"{S3}b/a"]), ("s3:BypassGovernanceRetention", [f"{S3}b/a"])],
    ),
    (
        "s3",
        "CopyObject",
        {"Bucket": "dst", "Key": "new", "CopySource": "src/old%20name.txt"},
        [("s3:GetObject", [f"{S3}src/old name.txt"]), ("s3:PutObject", [f"{S3}dst/new"])],
    ),
    (
        "s3",
        "CopyObject",
        {
            "Bucket": "dst",
            "Key": "new",
            "CopySource": "src/old?versionId=7",
            "TaggingDirective": "REPLACE",
            "Tagging": "a=b",
        },
        [
            ("s3:GetObjectVersion", [f"{S3}src/old"]),
            ("s3:PutObject", [f"{S3}dst/new"]),
            ("s3:PutObjectTagging", [f"{S3}dst/new"]),
        ],
    ),
    (
        "s3",
        "CreateMultipartUpload",
        {"Bucket": "b", "Key": "big"},
        [("s3:PutObject", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "UploadPart",
        {"Bucket": "b", "Key": "big", "UploadId": "u", "PartNumber": 1},
        [("s3:PutObject", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "UploadPartCopy",
        {"Bucket": "b", "Key": "big", "UploadId": "u", "PartNumber": 1, "CopySource": "/src/part"},
        [("s3:GetObject", [f"{S3}src/part"]), ("s3:PutObject", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "CompleteMultipartUpload",
        {"Bucket": "b", "Key": "big", "UploadId": "u"},
        [("s3:PutObject", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "AbortMultipartUpload",
        {"Bucket": "b", "Key": "big", "UploadId": "u"},
        [("s3:AbortMultipartUpload", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "ListParts",
        {"Bucket": "b", "Key": "big", "UploadId": "u"},
        [("s3:ListMultipartUploadParts", [f"{S3}b/big"])],
    ),
    (
        "s3",
        "GetObjectTagging",
        {"Bucket": "b", "Key": "k"},
        [("s3:GetObjectTagging", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "GetObjectTagging",
        {"Bucket": "b", "Key": "k", "VersionId": "v"},
        [("s3:GetObjectVersionTagging", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "PutObjectTagging",
        {"Bucket": "b", "Key": "k", "Tagging": {"TagSet": []}},
        [("s3:PutObjectTagging", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "DeleteObjectTagging",
        {"Bucket": "b", "Key": "k"},
        [("s3:DeleteObjectTagging", [f"{S3}b/k"])],
    ),
    ("s3", "GetObjectAcl", {"Bucket": "b", "Key": "k"}, [("s3:GetObjectAcl", [f"{S3}b/k"])]),
    (
        "s3",
        "PutObjectAcl",
        {"Bucket": "b", "Key": "k", "VersionId": "v"},
        [("s3:PutObjectVersionAcl", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "GetObjectAttributes",
        {"Bucket": "b", "Key": "k", "ObjectAttributes": ["ETag"]},
        [("s3:GetObject", [f"{S3}b/k"]), ("s3:GetObjectAttributes", [f"{S3}b/k"])],
    ),
    ("s3", "RestoreObject", {"Bucket": "b", "Key": "k"}, [("s3:RestoreObject", [f"{S3}b/k"])]),
    (
        "s3",
        "PutObjectRetention",
        {"Bucket": "b", "Key": "k", "BypassGovernanceRetention": True},
        [("s3:PutObjectRetention", [f"{S3}b/k"]), ("s3:BypassGovernanceRetention", [f"{S3}b/k"])],
    ),
    (
        "s3",
        "GetObject",
        {"Bucket": AP, "Key": "q1.pdf"},
        [("s3:GetObject", [f"{AP}/object/q1.pdf"])],
    ),
    # -- S3: buckets
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "logs/"}, [("s3:ListBucket", [f"{S3}b"])]),
    ("s3", "ListObjects", {"Bucket": "b"}, [("s3:ListBucket", [f"{S3}b"])]),
    ("s3", "ListObjectsV2", {"Bucket": AP}, [("s3:ListBucket", [AP])]),
    ("s3", "ListObjectVersions", {"Bucket": "b"}, [("s3:ListBucketVersions", [f"{S3}b"])]),
    (
        "s3",
        "ListMultipartUploads",
        {"Bucket": "b"},
        [("s3:ListBucketMultipartUploads", [f"{S3}b"])],
    ),
    ("s3", "HeadBucket", {"Bucket": "b"}, [("s3:ListBucket", [f"{S3}b"])]),
    ("s3", "GetBucketLocation", {"Bucket": "b"}, [("s3:GetBucketLocation", [f"{S3}b"])]),
    ("s3", "ListBuckets", {}, [("s3:ListAllMyBuckets", [ANY])]),
    (
        "s3",
        "CreateSession",
        {"Bucket": "fast--use1-az4--x-s3"},
        [("s3express:CreateSession", [_arn("s3express", "bucket/fast--use1-az4--x-s3")])],
    ),
    ("s3", "CreateBucket", {"Bucket": "b"}, [("s3:CreateBucket", [f"{S3}b"])]),
    (
        "s3",
        "CreateBucket",
        {"Bucket": "b", "ObjectLockEnabledForBucket": True},
        [
            ("s3:CreateBucket", [f"{S3}b"]),
            ("s3:PutBucketObjectLockConfiguration", [f"{S3}b"]),
            ("s3:PutBucketVersioning", [f"{S3}b"]),
        ],
    ),
    ("s3", "DeleteBucket", {"Bucket": "b"}, [("s3:DeleteBucket", [f"{S3}b"])]),
    ("s3", "GetBucketPolicy", {"Bucket": "b"}, [("s3:GetBucketPolicy", [f"{S3}b"])]),
    ("s3", "GetBucketCors", {"Bucket": "b"}, [("s3:GetBucketCORS", [f"{S3}b"])]),
    ("s3", "DeleteBucketCors", {"Bucket": "b"}, [("s3:PutBucketCORS", [f"{S3}b"])]),
    ("s3", "DeleteBucketTagging", {"Bucket": "b"}, [("s3:PutBucketTagging", [f"{S3}b"])]),
    ("s3", "GetBucketEncryption", {"Bucket": "b"}, [("s3:GetEncryptionConfiguration", [f"{S3}b"])]),
    (
        "s3",
        "PutBucketLifecycleConfiguration",
        {"Bucket": "b"},
        [("s3:PutLifecycleConfiguration", [f"{S3}b"])],
    ),
    (
        "s3",
        "DeletePublicAccessBlock",
        {"Bucket": "b"},
        [("s3:PutBucketPublicAccessBlock", [f"{S3}b"])],
    ),
    (
        "s3",
        "GetObjectLockConfiguration",
        {"Bucket": "b"},
        [("s3:GetBucketObjectLockConfiguration", [f"{S3}b"])],
    ),
    (
        "s3",
        "GetBucketNotificationConfiguration",
        {"Bucket": "b"},
        [("s3:GetBucketNotification", [f"{S3}b"])],
    ),
    (
        "s3",
        "ListBucketInventoryConfigurations",
        {"Bucket": "b"},
        [("s3:GetInventoryConfiguration", [f"{S3}b"])],
    ),
    # -- DynamoDB
    ("dynamodb", "GetItem", {"TableName": "Orders", "Key": {}}, [("dynamodb:GetItem", [TABLE])]),
    ("dynamodb", "PutItem", {"TableName": "Orders", "Item": {}}, [("dynamodb:PutItem", [TABLE])]),
    ("dynamodb", "UpdateItem", {"TableName": TABLE, "Key": {}}, [("dynamodb:UpdateItem", [TABLE])]),
    (
        "dynamodb",
        "DeleteItem",
        {"TableName": "Orders", "Key": {}},
        [("dynamodb:DeleteItem", [TABLE])],
    ),
    ("dynamodb", "Query", {"TableName": "Orders"}, [("dynamodb:Query", [TABLE])]),
    (
        "dynamodb",
        "Query",
        {"TableName": "Orders", "IndexName": "ByDate"},
        [("dynamodb:Query", [f"{TABLE}/index/ByDate"])],
    ),
    (
        "dynamodb",
        "Scan",
        {"TableName": "Orders", "IndexName": "ByDate"},
        [("dynamodb:Scan", [f"{TABLE}/index/ByDate"])],
    ),
    ("dynamodb", "DescribeTable", {"TableName": "Orders"}, [("dynamodb:DescribeTable", [TABLE])]),
    ("dynamodb", "CreateTable", {"TableName": "Orders"}, [("dynamodb:CreateTable", [TABLE])]),
    ("dynamodb", "ListTables", {}, [("dynamodb:ListTables", [ANY])]),
    (
        "dynamodb",
        "BatchGetItem",
        {"RequestItems": {"Orders": {"Keys": []}, "Users": {"Keys": []}}},
        [("dynamodb:BatchGetItem", [TABLE, _arn("dynamodb", "table/Users")])],
    ),
    (
        "dynamodb",
        "BatchWriteItem",
        {"RequestItems": {"Orders": [], "Users": []}},
        [("dynamodb:BatchWriteItem", [TABLE, _arn("dynamodb", "table/Users")])],
    ),
    (
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "Orders", "Item": {}}},
                {"Update": {"TableName": "Users", "Key": {}}},
                {"ConditionCheck": {"TableName": "Limits", "Key": {}}},
                {"Put": {"TableName": "Audit", "Item": {}}},
            ]
        },
        [
            ("dynamodb:PutItem", [TABLE, _arn("dynamodb", "table/Audit")]),
            ("dynamodb:UpdateItem", [_arn("dynamodb", "table/Users")]),
            ("dynamodb:ConditionCheckItem", [_arn("dynamodb", "table/Limits")]),
        ],
    ),
    (
        "dynamodb",
        "TransactGetItems",
        {"TransactItems": [{"Get": {"TableName": "Orders", "Key": {}}}]},
        [("dynamodb:GetItem", [TABLE])],
    ),
    (
        "dynamodb",
        "ExecuteStatement",
        {"Statement": 'SELECT "from" FROM "Orders"."ByDate" WHERE id = \'FROM x\''},
        [("dynamodb:PartiQLSelect", [f"{TABLE}/index/ByDate"])],
    ),
    (
        "dynamodb",
        "BatchExecuteStatement",
        {
            "Statements": [
                {"Statement": "insert into Orders value {'id': 1}"},
                {"Statement": 'DELETE FROM "Users" WHERE id = 2'},
            ]
        },
        [
            ("dynamodb:PartiQLInsert", [TABLE]),
            ("dynamodb:PartiQLDelete", [_arn("dynamodb", "table/Users")]),
        ],
    ),
    (
        "dynamodb",
        "ExecuteTransaction",
        {
            "TransactStatements": [
                {"Statement": "UPDATE Orders SET a = 1 WHERE id = 1"},
                {"Statement": 'EXISTS(SELECT * FROM "Users" WHERE id = 1)'},
            ]
        },
        [
            ("dynamodb:PartiQLUpdate", [TABLE]),
            ("dynamodb:PartiQLSelect", [_arn("dynamodb", "table/Users")]),
        ],
    ),
    (
        "dynamodb",
        "RestoreTableFromBackup",
        {"BackupArn": f"{TABLE}/backup/01", "TargetTableName": "Copy"},
        [
            (
                "dynamodb:RestoreTableFromBackup",
                [f"{TABLE}/backup/01", _arn("dynamodb", "table/Copy")],
            )
        ],
    ),
    (
        "dynamodb",
        "CreateGlobalTable",
        {
            "GlobalTableName": "Orders",
            "ReplicationGroup": [{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}],
        },
        [
            (
                "dynamodb:CreateGlobalTable",
                [
                    f"arn:aws:dynamodb::{ACCOUNT}:global-table/Orders",
                    TABLE,
                    _arn("dynamodb", "table/Orders", region="eu-west-1"),
                ],
            )
        ],
    ),
    (
        "dynamodb",
        "TagResource",
        {"ResourceArn": TABLE, "Tags": []},
        [("dynamodb:TagResource", [TABLE])],
    ),
    # -- SQS
    (
        "sqs",
        "SendMessage",
        {"QueueUrl": QUEUE_URL, "MessageBody": "x"},
        [("sqs:SendMessage", [QUEUE])],
    ),
    (
        "sqs",
        "SendMessageBatch",
        {"QueueUrl": QUEUE_URL, "Entries": []},
        [("sqs:SendMessage", [QUEUE])],
    ),
    (
        "sqs",
        "ReceiveMessage",
        {"QueueUrl": "https://queue.amazonaws.com/123456789012/jobs"},
        [("sqs:ReceiveMessage", [QUEUE])],
    ),
    (
        "sqs",
        "DeleteMessage",
        {
            "QueueUrl": "https://us-east-1.queue.amazonaws.com/123456789012/jobs",
            "ReceiptHandle": "r",
        },
        [("sqs:DeleteMessage", [QUEUE])],
    ),
    (
        "sqs",
        "DeleteMessageBatch",
        {"QueueUrl": "http://localhost:4566/123456789012/jobs", "Entries": []},
        [("sqs:DeleteMessage", [QUEUE])],
    ),
    (
        "sqs",
        "ChangeMessageVisibilityBatch",
        {"QueueUrl": "http://127.0.0.1:5000/123456789012/jobs", "Entries": []},
        [("sqs:ChangeMessageVisibility", [QUEUE])],
    ),
    (
        "sqs",
        "GetQueueAttributes",
        {
            "QueueUrl": "https://vpce-0a1b-2c3d.sqs.us-east-1.vpce.amazonaws.com/123456789012/jobs.fifo"
        },
        [("sqs:GetQueueAttributes", [_arn("sqs", "jobs.fifo", account="123456789012")])],
    ),
    ("sqs", "GetQueueUrl", {"QueueName": "jobs"}, [("sqs:GetQueueUrl", [_arn("sqs", "jobs")])]),
    (
        "sqs",
        "GetQueueUrl",
        {"QueueName": "jobs", "QueueOwnerAWSAccountId": "123456789012"},
        [("sqs:GetQueueUrl", [QUEUE])],
    ),
    ("sqs", "CreateQueue", {"QueueName": "jobs"}, [("sqs:CreateQueue", [_arn("sqs", "jobs")])]),
    ("sqs", "ListQueues", {}, [("sqs:ListQueues", [ANY])]),
    ("sqs", "PurgeQueue", {"QueueUrl": QUEUE_URL}, [("sqs:PurgeQueue", [QUEUE])]),
    # -- SNS
    ("sns", "Publish", {"TopicArn": TOPIC, "Message": "m"}, [("sns:Publish", [TOPIC])]),
    ("sns", "Publish", {"PhoneNumber": "+15555550100", "Message": "m"}, [("sns:Publish", [ANY])]),
    (
        "sns",
        "PublishBatch",
        {"TopicArn": TOPIC, "PublishBatchRequestEntries": []},
        [("sns:Publish", [TOPIC])],
    ),
    ("sns", "CreateTopic", {"Name": "alerts"}, [("sns:CreateTopic", [TOPIC])]),
    ("sns", "Subscribe", {"TopicArn": TOPIC, "Protocol": "sqs"}, [("sns:Subscribe", [TOPIC])]),
    ("sns", "ListTopics", {}, [("sns:ListTopics", [ANY])]),
    ("sns", "Unsubscribe", {"SubscriptionArn": f"{TOPIC}:0b1c"}, [("sns:Unsubscribe", [ANY])]),
    ("sns", "GetTopicAttributes", {"TopicArn": TOPIC}, [("sns:GetTopicAttributes", [TOPIC])]),
    # -- Secrets Manager
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": "prod/db"},
        [("secretsmanager:GetSecretValue", [SECRET])],
    ),
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": SECRET_ARN},
        [("secretsmanager:GetSecretValue", [SECRET_ARN])],
    ),
    (
        "secretsmanager",
        "DescribeSecret",
        {"SecretId": _arn("secretsmanager", "secret:prod/db")},
        [("secretsmanager:DescribeSecret", [SECRET])],
    ),
    (
        "secretsmanager",
        "CreateSecret",
        {"Name": "prod/db"},
        [("secretsmanager:CreateSecret", [SECRET])],
    ),
    (
        "secretsmanager",
        "PutSecretValue",
        {"SecretId": "prod/db"},
        [("secretsmanager:PutSecretValue", [SECRET])],
    ),
    ("secretsmanager", "ListSecrets", {}, [("secretsmanager:ListSecrets", [ANY])]),
    (
        "secretsmanager",
        "BatchGetSecretValue",
        {"SecretIdList": ["prod/db", SECRET_ARN]},
        [
            ("secretsmanager:BatchGetSecretValue", [ANY]),
            ("secretsmanager:GetSecretValue", [SECRET, SECRET_ARN]),
        ],
    ),
    # -- SSM
    (
        "ssm",
        "GetParameter",
        {"Name": "/app/db/url"},
        [("ssm:GetParameter", [_arn("ssm", "parameter/app/db/url")])],
    ),
    (
        "ssm",
        "GetParameter",
        {"Name": "plain", "WithDecryption": True},
        [("ssm:GetParameter", [_arn("ssm", "parameter/plain")])],
    ),
    (
        "ssm",
        "GetParameter",
        {"Name": "/app/key:3"},
        [("ssm:GetParameter", [_arn("ssm", "parameter/app/key")])],
    ),
    (
        "ssm",
        "GetParameters",
        {"Names": ["/a/b", "c", _arn("ssm", "parameter/d", region="eu-west-1")]},
        [
            (
                "ssm:GetParameters",
                [
                    _arn("ssm", "parameter/a/b"),
                    _arn("ssm", "parameter/c"),
                    _arn("ssm", "parameter/d", region="eu-west-1"),
                ],
            )
        ],
    ),
    (
        "ssm",
        "GetParametersByPath",
        {"Path": "/app/db", "Recursive": True},
        [("ssm:GetParametersByPath", [_arn("ssm", "parameter/app/db")])],
    ),
    (
        "ssm",
        "PutParameter",
        {"Name": "/app/x", "Value": "v"},
        [("ssm:PutParameter", [_arn("ssm", "parameter/app/x")])],
    ),
    (
        "ssm",
        "DeleteParameters",
        {"Names": ["/a", "/b"]},
        [("ssm:DeleteParameters", [_arn("ssm", "parameter/a"), _arn("ssm", "parameter/b")])],
    ),
    ("ssm", "DescribeParameters", {}, [("ssm:DescribeParameters", [ANY])]),
    (
        "ssm",
        "GetDocument",
        {"Name": "AWS-RunShellScript"},
        [("ssm:GetDocument", ["arn:aws:ssm:us-east-1::document/AWS-RunShellScript"])],
    ),
    (
        "ssm",
        "SendCommand",
        {"DocumentName": "Deploy", "InstanceIds": ["i-0abc", "mi-0def"]},
        [
            (
                "ssm:SendCommand",
                [
                    _arn("ssm", "document/Deploy"),
                    _arn("ec2", "instance/i-0abc"),
                    _arn("ssm", "managed-instance/mi-0def"),
                ],
            )
        ],
    ),
    (
        "ssm",
        "StartSession",
        {"Target": "i-0abc"},
        [("ssm:StartSession", [_arn("ec2", "instance/i-0abc")])],
    ),
    (
        "ssm",
        "AddTagsToResource",
        {"ResourceType": "Parameter", "ResourceId": "/app/x", "Tags": []},
        [("ssm:AddTagsToResource", [_arn("ssm", "parameter/app/x")])],
    ),
    # -- Lambda
    ("lambda", "Invoke", {"FunctionName": "resize"}, [("lambda:InvokeFunction", [FUNCTION])]),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "resize", "Qualifier": "prod"},
        [("lambda:InvokeFunction", [f"{FUNCTION}:prod"])],
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "resize:7"},
        [("lambda:InvokeFunction", [f"{FUNCTION}:7"])],
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "123456789012:function:resize"},
        [("lambda:InvokeFunction", [_arn("lambda", "function:resize", account="123456789012")])],
    ),
    (
        "lambda",
        "InvokeWithResponseStream",
        {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:resize:$LATEST"},
        [
            (
                "lambda:InvokeFunction",
                ["arn:aws:lambda:eu-west-1:123456789012:function:resize:$LATEST"],
            )
        ],
    ),
    ("lambda", "GetFunction", {"FunctionName": "resize"}, [("lambda:GetFunction", [FUNCTION])]),
    ("lambda", "ListFunctions", {}, [("lambda:ListFunctions", [ANY])]),
    (
        "lambda",
        "GetAlias",
        {"FunctionName": "resize", "Name": "prod"},
        [("lambda:GetAlias", [FUNCTION])],
    ),
    (
        "lambda",
        "UpdateFunctionCode",
        {"FunctionName": FUNCTION, "ZipFile": b""},
        [("lambda:UpdateFunctionCode", [FUNCTION])],
    ),
    (
        "lambda",
        "CreateFunction",
        {"FunctionName": "resize", "Role": f"arn:aws:iam::{ACCOUNT}:role/resizer", "Code": {}},
        [
            ("lambda:CreateFunction", [FUNCTION]),
            ("iam:PassRole", [f"arn:aws:iam::{ACCOUNT}:role/resizer"]),
        ],
    ),
    (
        "lambda",
        "GetLayerVersion",
        {"LayerName": "pillow", "VersionNumber": 3},
        [("lambda:GetLayerVersion", [_arn("lambda", "layer:pillow:3")])],
    ),
    (
        "lambda",
        "GetEventSourceMapping",
        {"UUID": "a1b2"},
        [("lambda:GetEventSourceMapping", [_arn("lambda", "event-source-mapping:a1b2")])],
    ),
    # -- KMS
    ("kms", "Encrypt", {"KeyId": KEY_ID, "Plaintext": b"x"}, [("kms:Encrypt", [KEY])]),
    ("kms", "Encrypt", {"KeyId": "alias/app", "Plaintext": b"x"}, [("kms:Encrypt", [ALIAS])]),
    ("kms", "Decrypt", {"CiphertextBlob": b"x", "KeyId": KEY}, [("kms:Decrypt", [KEY])]),
    ("kms", "Decrypt", {"CiphertextBlob": b"x"}, [("kms:Decrypt", [_arn("kms", "key/*")])]),
    ("kms", "GenerateDataKey", {"KeyId": ALIAS}, [("kms:GenerateDataKey", [ALIAS])]),
    (
        "kms",
        "ReEncrypt",
        {"CiphertextBlob": b"x", "SourceKeyId": KEY_ID, "DestinationKeyId": "alias/app"},
        [("kms:ReEncryptFrom", [KEY]), ("kms:ReEncryptTo", [ALIAS])],
    ),
    (
        "kms",
        "CreateAlias",
        {"AliasName": "alias/app", "TargetKeyId": KEY_ID},
        [("kms:CreateAlias", [ALIAS, KEY])],
    ),
    (
        "kms",
        "DescribeKey",
        {"KeyId": "mrk-1234abcd12ab34cd56ef1234567890ab"},
        [("kms:DescribeKey", [_arn("kms", "key/mrk-1234abcd12ab34cd56ef1234567890ab")])],
    ),
    ("kms", "ListKeys", {}, [("kms:ListKeys", [ANY])]),
    ("kms", "CreateKey", {}, [("kms:CreateKey", [ANY])]),
]


def _shape(requests: list[AwsRequest]) -> Expected:
    return [(request.action, list(request.resources)) for request in requests]


def _ids(case: Any) -> str:
    return f"{case[0]}.{case[1]}"


@pytest.fixture(scope="module")
def db() -> IamDatabase:
    return default_database()


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert {case[0] for case in CASES} == set(SERVICES)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_call_maps_to_its_authorisations(case: Any) -> None:
    service, operation, params, expected = case
    requests = authorisations(service, operation, params, region=REGION, account=ACCOUNT)
    assert _shape(requests) == expected
    assert not any(request.approximate for request in requests)


def _deliberate(action: str, resource: str) -> bool:
    """The two places the mapping departs from the IAM definition on purpose (see
    docs/aws-enforcement.md): a KMS alias ARN stands for the key it points to, which only KMS
    knows; an SMS published straight to a phone number names no topic, so it is checked on '*'.
    """
    kms_alias = action.startswith("kms:") and ":alias/" in resource
    return kms_alias or (action, resource) == ("sns:Publish", ANY)


def _check_against_database(db: IamDatabase, requests: list[AwsRequest]) -> None:
    """Each action is real and canonically spelt; each ARN is of a type the action takes."""
    for request in requests:
        if request.approximate:
            continue
        info = db.action(request.action)
        assert info is not None, f"{request.action} is not an IAM action"
        assert info.name == request.action, f"{request.action} is spelt {info.name} in IAM"
        assert request.resources, f"{request.action} names no resource"
        for resource in request.resources:
            if _deliberate(request.action, resource):
                continue
            if resource == ANY:
                assert not any(ref.required for ref in info.resource_types), (
                    f"{request.action} needs a resource but was given '*'"
                )
                continue
            types = [db.resource_type(info.service, name) for name in info.arn_resource_types]
            assert any(t is not None and t.matches(resource) for t in types), (
                f"{resource} is none of {request.action}'s resource types {info.arn_resource_types}"
            )


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_expected_authorisations_exist_in_iam(db: IamDatabase, case: Any) -> None:
    service, operation, params, _ = case
    _check_against_database(
        db, authorisations(service, operation, params, region=REGION, account=ACCOUNT)
    )


@pytest.fixture(scope="module")
def botocore_session() -> Any:
    return botocore.session.get_session()


@pytest.mark.parametrize("service", SERVICES)
def test_covered_operations_are_real_operations(botocore_session: Any, service: str) -> None:
    operations = set(botocore_session.get_service_model(service).operation_names)
    assert covered_operations(service), service
    assert covered_operations(service) <= operations, covered_operations(service) - operations


# skeleton strings (each member's name) replaced by a plausible value where a name cannot do
_PLAUSIBLE = {
    "QueueUrl": QUEUE_URL,
    "QueueOwnerAWSAccountId": "123456789012",
    "TopicArn": TOPIC,
    "TargetArn": TOPIC,
    "BackupArn": f"{TABLE}/backup/01",
    "ExportArn": f"{TABLE}/export/01",
    "ImportArn": f"{TABLE}/import/01",
    "TableArn": TABLE,
    "SourceTableArn": TABLE,
    "Role": f"arn:aws:iam::{ACCOUNT}:role/r",
    "CodeSigningConfigArn": _arn("lambda", "code-signing-config:csc-1"),
    "LayerVersionArn": _arn("lambda", "layer:l:1"),
    "AliasName": "alias/app",
    "Target": "i-0abc",
    "InstanceId": "i-0abc",
    "Path": "/app",
    "CopySource": "src/key",
}
_RESOURCE_ARNS = {
    "sqs": {"SourceArn": QUEUE},
    "sns": {"ResourceArn": TOPIC},
    "dynamodb": {"ResourceArn": TABLE},
    "lambda": {"Resource": FUNCTION, "Arn": _arn("lambda", "layer:l:1")},
}


def _plausible(value: Any, service: str) -> Any:
    table = {**_PLAUSIBLE, **_RESOURCE_ARNS.get(service, {})}
    if isinstance(value, str):
        return table.get(value, value)
    if isinstance(value, list):
        return [_plausible(item, service) for item in value]
    if isinstance(value, dict):
        return {key: _plausible(item, service) for key, item in value.items()}
    return value


@pytest.mark.parametrize("service", SERVICES)
def test_every_covered_operation_maps_its_skeleton_call(
    botocore_session: Any, db: IamDatabase, service: str
) -> None:
    """Every covered operation, called with botocore's skeleton of its input (every member
    present, strings set to their member names), either names its resources validly or
    explains why it cannot: never a crash, never an invalid action or ARN."""
    model = botocore_session.get_service_model(service)
    generator = ArgumentGenerator(use_member_names=True)
    refused: list[str] = []
    for operation in sorted(covered_operations(service)):
        shape = model.operation_model(operation).input_shape
        params = _plausible(generator.generate_skeleton(shape), service) if shape else {}
        try:
            requests = authorisations(service, operation, params, region=REGION, account=ACCOUNT)
        except AwsCallError as exc:
            refused.append(f"{operation}: {exc}")
            continue
        _check_against_database(db, requests)
    assert len(refused) <= len(covered_operations(service)) // 10, refused


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    [
        ("ec2", "DescribeInstances", {}, "ec2:DescribeInstances"),
        ("stepfunctions", "StartExecution", {"stateMachineArn": "arn:x"}, "states:StartExecution"),
        ("sqs", "CancelMessageMoveTask", {"TaskHandle": "opaque"}, "sqs:CancelMessageMoveTask"),
        (
            "s3",
            "GetObject",
            {
                "Bucket": "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/accesspoint/ap",
                "Key": "k",
            },
            "s3:GetObject",
        ),
        (
            "ssm",
            "ListTagsForResource",
            {"ResourceType": "OpsMetadata", "ResourceId": "x"},
            "ssm:ListTagsForResource",
        ),
        ("lambda", "GetDurableExecution", {}, "lambda:GetDurableExecution"),
    ],
)
def test_unknown_calls_are_approximate_on_every_resource(
    service: str, operation: str, params: dict[str, Any], expected: str
) -> None:
    requests = authorisations(service, operation, params, region=REGION, account=ACCOUNT)
    assert requests == [AwsRequest(expected, (ANY,), approximate=True)]


@pytest.mark.parametrize(
    ("service", "operation", "params", "reason"),
    [
        ("s3", "GetObject", {"Bucket": "b"}, "parameter Key is missing"),
        ("s3", "GetObject", {"Bucket": "b", "Key": ""}, "parameter Key is missing"),
        ("s3", "GetObject", {"Bucket": "b/c", "Key": "k"}, "neither a bucket name nor an ARN"),
        (
            "s3",
            "CopyObject",
            {"Bucket": "b", "Key": "k", "CopySource": "only-bucket"},
            "does not name a bucket and a key",
        ),
        (
            "s3",
            "DeleteObjects",
            {"Bucket": "b", "Delete": {"Objects": []}},
            "parameter Objects is missing, empty",
        ),
        (
            "s3",
            "DeleteObjects",
            {"Bucket": "b", "Delete": {"Objects": ["a"]}},
            "other than structures",
        ),
        ("dynamodb", "BatchGetItem", {"RequestItems": {}}, "names no table"),
        (
            "dynamodb",
            "TransactWriteItems",
            {"TransactItems": [{"Put": {"TableName": "a"}, "Delete": {"TableName": "b"}}]},
            "must be one of",
        ),
        ("dynamodb", "ExecuteStatement", {"Statement": "DROP TABLE Orders"}, "not a SELECT"),
        ("dynamodb", "ExecuteStatement", {"Statement": "SELECT * Orders"}, "has no FROM clause"),
        (
            "dynamodb",
            "ExecuteStatement",
            {"Statement": "SELECT * FROM"},
            "ends before its table name",
        ),
        (
            "dynamodb",
            "ExecuteStatement",
            {"Statement": "SELECT * FROM a.b.c"},
            "not TABLE or TABLE.INDEX",
        ),
        (
            "dynamodb",
            "ExecuteStatement",
            {"Statement": "UPDATE a.b SET x = 1"},
            "cannot name an index",
        ),
        ("dynamodb", "TagResource", {"ResourceArn": "Orders"}, "not an ARN of dynamodb"),
        ("sqs", "SendMessage", {"QueueUrl": "jobs"}, "is not a queue URL"),
        (
            "sqs",
            "SendMessage",
            {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123/jobs"},
            "is not a queue URL",
        ),
        (
            "sqs",
            "SendMessage",
            {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"},
            "names region eu-west-1",
        ),
        ("sns", "Publish", {"TopicArn": "alerts"}, "not an ARN of sns"),
        ("sns", "Publish", {"Message": "m"}, "needs TopicArn, TargetArn or PhoneNumber"),
        ("ssm", "GetParametersByPath", {"Path": "app"}, "does not start with '/'"),
        (
            "ssm",
            "SendCommand",
            {"DocumentName": "D", "InstanceIds": ["web-1"]},
            "is not an instance id",
        ),
        ("lambda", "Invoke", {"FunctionName": "a:b:c:d"}, "is not a function name or ARN"),
        ("lambda", "Invoke", {"FunctionName": "f:1", "Qualifier": "2"}, "disagree"),
        ("lambda", "GetLayerVersion", {"LayerName": "l", "VersionNumber": "3"}, "not an integer"),
        ("kms", "Encrypt", {"KeyId": "key/abc"}, "is not a key id, key ARN or alias"),
        (
            "kms",
            "Encrypt",
            {"KeyId": "arn:aws:kms:us-east-1:111122223333:grant/x"},
            "not a key or alias ARN",
        ),
        (
            "kms",
            "CreateAlias",
            {"AliasName": "app", "TargetKeyId": KEY_ID},
            "does not start with 'alias/'",
        ),
    ],
)
def test_calls_that_name_no_resource_are_refused_with_a_reason(
    service: str, operation: str, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(AwsCallError) as caught:
        authorisations(service, operation, params, region=REGION, account=ACCOUNT)
    assert f"{service}.{operation}:" in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("dynamodb", "GetItem", {"TableName": "Orders"}),
        ("sqs", "GetQueueUrl", {"QueueName": "jobs"}),
        ("sns", "CreateTopic", {"Name": "alerts"}),
        ("secretsmanager", "GetSecretValue", {"SecretId": "prod/db"}),
        ("ssm", "GetParameter", {"Name": "/a"}),
        ("lambda", "Invoke", {"FunctionName": "resize"}),
        ("kms", "Encrypt", {"KeyId": KEY_ID}),
    ],
)
def test_a_name_without_the_account_asks_for_it(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(UnknownAccountError, match="account id is needed"):
        authorisations(service, operation, params, region=REGION, account=None)


@pytest.mark.parametrize(
    ("service", "operation", "params", "resource"),
    [
        ("s3", "GetObject", {"Bucket": "b", "Key": "k"}, f"{S3}b/k"),
        ("dynamodb", "GetItem", {"TableName": TABLE}, TABLE),
        ("sqs", "SendMessage", {"QueueUrl": QUEUE_URL}, QUEUE),
        ("sns", "Publish", {"TopicArn": TOPIC}, TOPIC),
        ("secretsmanager", "GetSecretValue", {"SecretId": SECRET_ARN}, SECRET_ARN),
        ("ssm", "GetParameter", {"Name": _arn("ssm", "parameter/a")}, _arn("ssm", "parameter/a")),
        (
            "ssm",
            "GetDocument",
            {"Name": "AWS-RunShellScript"},
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
        ),
        ("lambda", "Invoke", {"FunctionName": FUNCTION}, FUNCTION),
        ("kms", "Decrypt", {"KeyId": KEY}, KEY),
    ],
)
def test_an_arn_or_queue_url_supplies_the_account(
    service: str, operation: str, params: dict[str, Any], resource: str
) -> None:
    [request] = authorisations(service, operation, params, region=REGION, account=None)
    assert request.resources == (resource,)


def test_partition_reaches_every_arn() -> None:
    [request] = authorisations(
        "dynamodb",
        "GetItem",
        {"TableName": "T"},
        region="cn-north-1",
        account=ACCOUNT,
        partition="aws-cn",
    )
    assert request.resources == (f"arn:aws-cn:dynamodb:cn-north-1:{ACCOUNT}:table/T",)
    [request] = authorisations(
        "s3", "HeadBucket", {"Bucket": "b"}, region="cn-north-1", account=None, partition="aws-cn"
    )
    assert request.resources == ("arn:aws-cn:s3:::b",)


@pytest.mark.parametrize(
    ("service", "prefix"),
    [
        ("s3", "s3"),
        ("stepfunctions", "states"),
        ("elbv2", "elasticloadbalancing"),
        ("efs", "elasticfilesystem"),
        ("emr", "elasticmapreduce"),
        ("sesv2", "ses"),
        ("cloudwatch", "cloudwatch"),
        ("logs", "logs"),
        ("sso", "sso"),
        ("opensearch", "es"),
        ("iot-data", "iot"),
        ("dynamodbstreams", "dynamodb"),
        ("bedrock-runtime", "bedrock"),
        ("sagemaker-runtime", "sagemaker"),
        ("s3control", "s3"),
        ("resourcegroupstaggingapi", "tag"),
        ("cloudcontrol", "cloudformation"),
        ("lex-runtime", "lex"),
        ("pinpoint", "mobiletargeting"),
    ],
)
def test_iam_prefix_of_botocore_services(
    botocore_session: Any, db: IamDatabase, service: str, prefix: str
) -> None:
    signing_name = botocore_session.get_service_model(service).signing_name
    assert iam_prefix(service, signing_name) == prefix
    assert db.known_service(prefix)


# -- properties --------------------------------------------------------------------------------

_KEY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
_BUCKET = st.from_regex(r"[a-z0-9][a-z0-9.-]{2,20}[a-z0-9]", fullmatch=True)


@given(bucket=_BUCKET, key=_KEY_TEXT)
def test_any_object_key_is_named_verbatim(bucket: str, key: str) -> None:
    [request] = authorisations(
        "s3", "GetObject", {"Bucket": bucket, "Key": key}, region=REGION, account=None
    )
    assert request.resources == (f"arn:aws:s3:::{bucket}/{key}",)


@given(bucket=_BUCKET, key=_KEY_TEXT)
def test_copy_source_round_trips_botocore_encoding(bucket: str, key: str) -> None:
    from botocore.handlers import handle_copy_source_param

    params: dict[str, Any] = {
        "CopySource": {"Bucket": bucket, "Key": key},
        "Bucket": "dst",
        "Key": "k",
    }
    handle_copy_source_param(params)
    source, _ = authorisations("s3", "CopyObject", params, region=REGION, account=None)
    assert source.resources == (f"arn:aws:s3:::{bucket}/{key}",)


_NAME = st.text(alphabet=string.ascii_letters + string.digits + "_-.", min_size=1, max_size=20)


@given(table=_NAME, index=_NAME, verb=st.sampled_from(["SELECT", "select", "Select"]))
def test_partiql_quoted_names_are_the_resource(table: str, index: str, verb: str) -> None:
    quoted = table.replace('"', '""')
    statement = f'{verb} "from", "x" FROM "{quoted}"."{index}" WHERE a = \'FROM "other"\''
    [request] = authorisations(
        "dynamodb", "ExecuteStatement", {"Statement": statement}, region=REGION, account=ACCOUNT
    )
    assert request.resources == (_arn("dynamodb", f"table/{table}/index/{index}"),)


@given(
    account=st.from_regex(r"\d{12}", fullmatch=True),
    name=st.from_regex(r"[A-Za-z0-9_-]{1,80}", fullmatch=True),
)
def test_any_queue_url_names_its_queue(account: str, name: str) -> None:
    url = f"https://sqs.{REGION}.amazonaws.com/{account}/{name}"
    [request] = authorisations("sqs", "SendMessage", {"QueueUrl": url}, region=REGION, account=None)
    assert request.resources == (f"arn:aws:sqs:{REGION}:{account}:{name}",)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.binary(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_MEMBERS = st.sampled_from(
    [
        "Bucket",
        "Key",
        "VersionId",
        "CopySource",
        "Delete",
        "Objects",
        "TableName",
        "IndexName",
        "RequestItems",
        "TransactItems",
        "Statement",
        "QueueUrl",
        "QueueName",
        "TopicArn",
        "Name",
        "SecretId",
        "SecretIdList",
        "Names",
        "Path",
        "FunctionName",
        "Qualifier",
        "KeyId",
        "AliasName",
        "TargetKeyId",
        "Target",
        "DocumentName",
        "InstanceIds",
        "ResourceArn",
    ]
)
_OPERATIONS = st.sampled_from(sorted((s, op) for s in SERVICES for op in covered_operations(s)))


@given(
    call=_OPERATIONS,
    params=st.dictionaries(_MEMBERS, _VALUES, max_size=5),
    account=st.sampled_from([None, ACCOUNT]),
)
def test_arbitrary_parameters_never_crash_the_mapping(
    call: tuple[str, str], params: dict[str, Any], account: str | None
) -> None:
    service, operation = call
    try:
        requests = authorisations(service, operation, params, region=REGION, account=account)
    except AwsCallError:
        return
    for request in requests:
        assert request.resources
        assert all(isinstance(resource, str) and resource for resource in request.resources)
