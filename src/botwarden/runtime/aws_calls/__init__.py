"""Which IAM authorisations AWS evaluates for one API call, so the bot's own process can check them.

AWS authorises a call by evaluating one or more (action, resource) pairs, and they are often not
the obvious ``service:Operation`` on one ARN: S3 ``ListObjectsV2`` is ``s3:ListBucket`` on the
bucket, ``CopyObject`` reads one object and writes another, ``DeleteObjects`` deletes each key,
``TransactWriteItems`` is the item-level action on each table, Lambda ``Invoke`` is
``lambda:InvokeFunction`` on a possibly qualified function ARN. This package holds that knowledge,
one module per service, for S3, DynamoDB, SQS, SNS, Secrets Manager, SSM, Lambda and KMS (from the
Service Authorization Reference; the tests check every action and ARN against the project's IAM
definition), and for any other call falls back to ``prefix:Operation`` on ``"*"`` marked
``approximate``, which only a capability granted on every resource can allow.
docs/aws-enforcement.md explains the choices.

Resources are named from the call's parameters alone; nothing here talks to AWS. The account id
comes from the caller, or from the ARN or queue URL that names the resource; when an ARN needs it
and nobody knows it, :class:`UnknownAccountError` asks the caller (the botocore hook) to look it up.
Parameters that do not name a resource raise :class:`AwsCallError`, and the hook refuses the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botwarden.runtime.aws_calls._common import (
    ANY,
    AwsCallError,
    AwsRequest,
    Rule,
    UnknownAccountError,
    _Call,
    _UnmappedError,
)
from botwarden.runtime.aws_calls.dynamodb import DYNAMODB
from botwarden.runtime.aws_calls.kms import KMS
from botwarden.runtime.aws_calls.lambda_ import LAMBDA
from botwarden.runtime.aws_calls.s3 import S3
from botwarden.runtime.aws_calls.secretsmanager import SECRETSMANAGER, UNKNOWN_SUFFIX
from botwarden.runtime.aws_calls.sns import SNS
from botwarden.runtime.aws_calls.sqs import SQS
from botwarden.runtime.aws_calls.ssm import SSM

_RULES: dict[str, dict[str, Rule]] = {
    "s3": S3,
    "dynamodb": DYNAMODB,
    "sqs": SQS,
    "sns": SNS,
    "secretsmanager": SECRETSMANAGER,
    "ssm": SSM,
    "lambda": LAMBDA,
    "kms": KMS,
}

# botocore service names whose IAM prefix is neither the name nor the signing name
_PREFIXES = {
    "cloudwatch": "cloudwatch",
    "sso": "sso",
    "opensearch": "es",
    "iot-data": "iot",
    "iotsecuretunneling": "iot",
    "iot-jobs-data": "iotjobsdata",
    "mturk": "mechanicalturk",
    "resourcegroupstaggingapi": "tag",
    "cloudcontrol": "cloudformation",
    # common ones, for callers that do not pass the signing name
    "stepfunctions": "states",
    "elb": "elasticloadbalancing",
    "elbv2": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "emr": "elasticmapreduce",
    "sesv2": "ses",
    "s3control": "s3",
    "dynamodbstreams": "dynamodb",
    "bedrock-runtime": "bedrock",
    "bedrock-agent-runtime": "bedrock",
    "sagemaker-runtime": "sagemaker",
    "apigatewayv2": "apigateway",
    "apigatewaymanagementapi": "execute-api",
    "docdb": "rds",
    "neptune": "rds",
    "location": "geo",
    "keyspaces": "cassandra",
}


def iam_prefix(service: str, signing_name: str | None = None) -> str:
    """The IAM action prefix of a botocore service: usually its name or its signing name."""
    return _PREFIXES.get(service) or signing_name or service


def covered_operations(service: str) -> frozenset[str]:
    """The operations of a service with an exact mapping (the rest are approximate)."""
    return frozenset(_RULES.get(service, {}))


def authorisations(
    service: str,
    operation: str,
    params: Mapping[str, Any],
    *,
    region: str,
    account: str | None,
    partition: str = "aws",
    signing_name: str | None = None,
) -> list[AwsRequest]:
    """The authorisations AWS evaluates for one call; every one must be allowed.

    ``service`` is botocore's service name (``client.meta.service_model.service_name``) and
    ``operation`` the API operation (``GetObject``); ``params`` are the call's parameters as
    botocore validates them. Raises :class:`UnknownAccountError` when a resource needs ``account``
    and it is None, and :class:`AwsCallError` when the parameters name no resource.
    """
    rule = _RULES.get(service, {}).get(operation)
    if rule is not None:
        call = _Call(service, operation, params, region, account, partition)
        try:
            return rule(call)
        except _UnmappedError:
            pass
    action = f"{iam_prefix(service, signing_name)}:{operation}"
    return [AwsRequest(action, (ANY,), approximate=True)]


__all__ = [
    "ANY",
    "UNKNOWN_SUFFIX",
    "AwsCallError",
    "AwsRequest",
    "UnknownAccountError",
    "authorisations",
    "covered_operations",
    "iam_prefix",
]
