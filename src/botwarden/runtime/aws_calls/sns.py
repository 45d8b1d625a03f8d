"""SNS calls as IAM authorisations.

Topics are named by ARN, and ``Publish`` may instead target a platform endpoint by ARN.
Platform applications, endpoints, subscriptions and SMS settings have no resource-level
permissions, so those calls are granted on ``"*"``; an SMS ``Publish`` to a phone number names
no resource either.
"""

from __future__ import annotations

from botwarden.runtime.aws_calls._common import (
    ANY,
    AwsRequest,
    Resolve,
    Rule,
    _Call,
    _renamed,
    _req,
    _same,
    _star,
)


def _sns_arn(name: str) -> Resolve:
    return lambda call: call.arn_param(name, "sns")


def _sns_create_topic(call: _Call) -> list[AwsRequest]:
    topic = call.arn("sns", call.text("Name"))
    extra = [_req("sns:TagResource", topic)] if call.params.get("Tags") else []
    return [_req("sns:CreateTopic", topic), *extra]


def _sns_publish(call: _Call) -> list[AwsRequest]:
    """To a topic or a platform endpoint by ARN; an SMS to a phone number names no resource."""
    for name in ("TopicArn", "TargetArn"):
        if call.optional(name):
            return [_req("sns:Publish", call.arn_param(name, "sns"))]
    if call.optional("PhoneNumber"):
        return [_req("sns:Publish", ANY)]
    raise call.fail("Publish needs TopicArn, TargetArn or PhoneNumber")


SNS: dict[str, Rule] = {
    **_same(
        "sns",
        _sns_arn("TopicArn"),
        "AddPermission RemovePermission DeleteTopic "
        "GetTopicAttributes SetTopicAttributes Subscribe ConfirmSubscription "
        "ListSubscriptionsByTopic",
    ),
    **_renamed("sns", _sns_arn("TopicArn"), {"PublishBatch": "Publish"}),
    **_same(
        "sns",
        _sns_arn("ResourceArn"),
        "TagResource UntagResource ListTagsForResource "
        "GetDataProtectionPolicy PutDataProtectionPolicy",
    ),
    **_star(
        "sns",
        "CheckIfPhoneNumberIsOptedOut CreatePlatformApplication "
        "CreatePlatformEndpoint CreateSMSSandboxPhoneNumber DeleteEndpoint "
        "DeletePlatformApplication DeleteSMSSandboxPhoneNumber GetEndpointAttributes "
        "GetPlatformApplicationAttributes GetSMSAttributes GetSMSSandboxAccountStatus "
        "GetSubscriptionAttributes ListEndpointsByPlatformApplication ListOriginationNumbers "
        "ListPhoneNumbersOptedOut ListPlatformApplications ListSMSSandboxPhoneNumbers "
        "ListSubscriptions ListTopics OptInPhoneNumber SetEndpointAttributes "
        "SetPlatformApplicationAttributes SetSMSAttributes SetSubscriptionAttributes "
        "Unsubscribe VerifySMSSandboxPhoneNumber",
    ),
    "CreateTopic": _sns_create_topic,
    "Publish": _sns_publish,
}
