"""KMS calls as IAM authorisations.

A key is named by id, key ARN, ``alias/NAME`` or alias ARN. KMS authorises on the key an alias
points to, which only a KMS call could tell, so the alias ARN is checked instead. Where the call
leaves the key to the ciphertext (``Decrypt``, the source of ``ReEncrypt``), any key of the
account must be allowed; alias changes are authorised on the alias and on the key it points to.
"""

from __future__ import annotations

from botwarden.runtime.aws_calls._common import (
    AwsRequest,
    Resolve,
    Rule,
    _Call,
    _one,
    _req,
    _same,
    _star,
)


def _key_arn(call: _Call, name: str = "KeyId") -> str:
    """A key id, key ARN, ``alias/NAME`` or alias ARN. KMS itself authorises on the key an
    alias points to, which only a KMS call could tell; the alias ARN is checked instead.
    """
    value = call.text(name)
    if value.startswith("arn:"):
        arn = call.arn_param(name, "kms")
        if not arn.split(":", 5)[5].startswith(("key/", "alias/")):
            raise call.fail(f"{name} {value!r} is not a key or alias ARN")
        return arn
    if value.startswith("alias/"):
        return call.arn("kms", value)
    if "/" in value or ":" in value:
        raise call.fail(f"{name} {value!r} is not a key id, key ARN or alias")
    return call.arn("kms", f"key/{value}")


def _key(call: _Call) -> str:
    return _key_arn(call)


def _key_or_any(name: str) -> Resolve:
    """Where the key is optional (the ciphertext names it), any key of the account."""
    return lambda call: _key_arn(call, name) if call.optional(name) else call.arn("kms", "key/*")


def _kms_alias(action: str) -> Rule:
    """Alias changes are authorised on the alias and on the key it points to (when named)."""

    def rule(call: _Call) -> list[AwsRequest]:
        alias = call.text("AliasName")
        if not alias.startswith("alias/"):
            raise call.fail(f"AliasName {alias!r} does not start with 'alias/'")
        resources = [call.arn("kms", alias)]
        if call.optional("TargetKeyId"):
            resources.append(_key_arn(call, "TargetKeyId"))
        return [_req(action, *resources)]

    return rule


def _kms_reencrypt(call: _Call) -> list[AwsRequest]:
    return [
        _req("kms:ReEncryptFrom", _key_or_any("SourceKeyId")(call)),
        _req("kms:ReEncryptTo", _key_arn(call, "DestinationKeyId")),
    ]


KMS: dict[str, Rule] = {
    **_same(
        "kms",
        _key,
        "Encrypt GenerateDataKey GenerateDataKeyPair "
        "GenerateDataKeyPairWithoutPlaintext GenerateDataKeyWithoutPlaintext GenerateMac "
        "VerifyMac Sign Verify GetPublicKey DescribeKey DeriveSharedSecret CreateGrant "
        "ListGrants RevokeGrant GetKeyPolicy PutKeyPolicy ListKeyPolicies EnableKey "
        "DisableKey EnableKeyRotation DisableKeyRotation GetKeyRotationStatus "
        "ListKeyRotations RotateKeyOnDemand ScheduleKeyDeletion CancelKeyDeletion "
        "TagResource UntagResource ListResourceTags UpdateKeyDescription ReplicateKey "
        "UpdatePrimaryRegion ImportKeyMaterial GetParametersForImport "
        "DeleteImportedKeyMaterial",
    ),
    "Decrypt": _one("kms:Decrypt", _key_or_any("KeyId")),
    "RetireGrant": _one("kms:RetireGrant", _key_or_any("KeyId")),
    "ReEncrypt": _kms_reencrypt,
    "CreateAlias": _kms_alias("kms:CreateAlias"),
    "UpdateAlias": _kms_alias("kms:UpdateAlias"),
    "DeleteAlias": _kms_alias("kms:DeleteAlias"),
    **_star(
        "kms",
        "CreateKey ListKeys ListAliases GenerateRandom ListRetirableGrants "
        "ConnectCustomKeyStore CreateCustomKeyStore DeleteCustomKeyStore "
        "DescribeCustomKeyStores DisconnectCustomKeyStore UpdateCustomKeyStore",
    ),
}
