"""SQS calls as IAM authorisations.

A queue is named by its URL, which gives the account and the region, and batch operations are
authorised with the single-message action on the queue. ``CancelMessageMoveTask`` names no
queue, so it gets the approximate fallback.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from botwarden.runtime.aws_calls._common import (
    _REGION,
    AwsRequest,
    Rule,
    _Call,
    _renamed,
    _same,
    _star,
    _UnmappedError,
)

_SQS_REGIONAL = re.compile(rf"(?:^|\.)(?:sqs\.({_REGION})|({_REGION})\.queue)\.")
_SQS_LEGACY = re.compile(r"queue\.amazonaws\.com(?:\.cn)?")
_SQS_PATH = re.compile(r"/(\d{12})/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)")


def _queue(call: _Call) -> str:
    """The queue's ARN from its URL, in any of the forms SQS, its VPC endpoints, LocalStack
    and moto hand out: ``https://sqs.REGION.amazonaws.com/ACCOUNT/NAME``, the legacy
    ``REGION.queue.amazonaws.com`` and ``queue.amazonaws.com`` (us-east-1) hosts, or any host.

    botocore sends the request to the client's endpoint whatever the URL's host says, so a URL
    naming another region than the client's is refused rather than guessed.
    """
    url = call.text("QueueUrl")
    parts = urlsplit(url)
    path = _SQS_PATH.fullmatch(parts.path)
    if parts.scheme not in ("http", "https") or path is None or parts.query or parts.fragment:
        raise call.fail(f"QueueUrl {url!r} is not a queue URL (scheme://host/ACCOUNT/NAME)")
    host = (parts.hostname or "").lower()
    named = _SQS_REGIONAL.search(host)
    region = (
        (named.group(1) or named.group(2))
        if named
        else ("us-east-1" if _SQS_LEGACY.fullmatch(host) else call.region)
    )
    if region != call.region:
        raise call.fail(f"QueueUrl names region {region} but the client sends to {call.region}")
    account, name = path.groups()
    return call.arn("sqs", name, account=account)


def _queue_by_name(call: _Call) -> str:
    owner = call.optional("QueueOwnerAWSAccountId")
    return call.arn("sqs", call.text("QueueName"), account=owner)


def _sqs_source(call: _Call) -> str:
    return call.arn_param("SourceArn", "sqs")


def _unmapped(_: _Call) -> list[AwsRequest]:
    raise _UnmappedError


SQS: dict[str, Rule] = {
    **_same(
        "sqs",
        _queue,
        "AddPermission ChangeMessageVisibility DeleteMessage DeleteQueue "
        "GetQueueAttributes ListDeadLetterSourceQueues ListQueueTags PurgeQueue ReceiveMessage "
        "RemovePermission SendMessage SetQueueAttributes TagQueue UntagQueue",
    ),
    **_renamed(
        "sqs",
        _queue,
        {
            "SendMessageBatch": "SendMessage",
            "DeleteMessageBatch": "DeleteMessage",
            "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
        },
    ),
    **_same("sqs", _queue_by_name, "GetQueueUrl CreateQueue"),
    **_same("sqs", _sqs_source, "StartMessageMoveTask ListMessageMoveTasks"),
    **_star("sqs", "ListQueues"),
    "CancelMessageMoveTask": _unmapped,  # the task handle is opaque: no queue is named
}
