"""Secrets Manager calls as IAM authorisations.

AWS authorises on a secret's full ARN, which ends in six random characters that the secret's
name does not give: :data:`UNKNOWN_SUFFIX` stands for them, so only a capability that allows
every suffix matches. ``BatchGetSecretValue`` also needs ``GetSecretValue`` on each secret, or on
every secret of the account when filters pick them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from botwarden.runtime.aws_calls._common import ANY, AwsRequest, Rule, _Call, _req, _same, _star

_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}")
UNKNOWN_SUFFIX = "-??????"
"""Stands for the random suffix AWS appends to a secret's ARN when only the name is known."""


def _secret(call: _Call, name: str = "SecretId", source: Mapping[str, Any] | None = None) -> str:
    """The secret's ARN. AWS authorises on the full ARN, which ends in ``-`` and six random
    characters; from a name (or a partial ARN) that suffix is unknown, so it is written
    ``-??????``: a capability matches only if it allows every suffix (``NAME-??????``, the form
    AWS recommends, ``NAME-*``, ``NAME*``), never one that pins a suffix or another name.
    """
    value = call.text(name, source)
    if value.startswith("arn:"):
        arn = call.arn_param(name, "secretsmanager", source)
        _, marker, secret = arn.partition(":secret:")
        if not marker or not secret:
            raise call.fail(f"parameter {name} is not a secret ARN: {arn!r}")
        complete = _SECRET_SUFFIX.fullmatch(secret[-7:]) is not None
        return arn if complete else arn + UNKNOWN_SUFFIX
    return call.arn("secretsmanager", f"secret:{value}{UNKNOWN_SUFFIX}")


def _secret_named(call: _Call) -> str:
    return _secret(call, "Name")


def _secrets_create(call: _Call) -> list[AwsRequest]:
    secret = _secret_named(call)
    extra = [_req("secretsmanager:TagResource", secret)] if call.params.get("Tags") else []
    return [_req("secretsmanager:CreateSecret", secret), *extra]


def _secrets_batch_get(call: _Call) -> list[AwsRequest]:
    """BatchGetSecretValue needs GetSecretValue on each secret; with filters the secrets are
    unknown, so GetSecretValue must be allowed on every secret of the account (``secret:*``).
    """
    if call.params.get("SecretIdList") is not None:
        secrets = [_secret(call, "id", {"id": item}) for item in call.items("SecretIdList")]
    else:
        secrets = [call.arn("secretsmanager", "secret:*")]
    return [
        _req("secretsmanager:BatchGetSecretValue", ANY),
        _req("secretsmanager:GetSecretValue", *secrets),
    ]


def _secrets_validate(call: _Call) -> list[AwsRequest]:
    target = _secret(call) if call.optional("SecretId") else ANY
    return [_req("secretsmanager:ValidateResourcePolicy", target)]


SECRETSMANAGER: dict[str, Rule] = {
    **_same(
        "secretsmanager",
        _secret,
        "GetSecretValue DescribeSecret PutSecretValue "
        "UpdateSecret DeleteSecret RestoreSecret RotateSecret CancelRotateSecret "
        "ListSecretVersionIds UpdateSecretVersionStage GetResourcePolicy PutResourcePolicy "
        "DeleteResourcePolicy TagResource UntagResource ReplicateSecretToRegions "
        "RemoveRegionsFromReplication StopReplicationToReplica",
    ),
    **_star("secretsmanager", "ListSecrets GetRandomPassword"),
    "CreateSecret": _secrets_create,
    "BatchGetSecretValue": _secrets_batch_get,
    "ValidateResourcePolicy": _secrets_validate,
}
