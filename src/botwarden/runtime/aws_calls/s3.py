"""S3 calls as IAM authorisations.

Bucket calls are authorised on the bucket's ARN and object calls on ``bucket/key`` (or on
``accesspoint/NAME/object/key`` when ``Bucket`` holds an access point's ARN), and the action is
often not the operation's name: ``ListObjectsV2`` is ``s3:ListBucket`` on the bucket, and a
``VersionId`` switches to the ``...Version`` action. ``CopyObject`` reads one object and writes
another, ``DeleteObjects`` deletes each key, and a write that also sets an ACL, tags, a legal hold
or a retention needs those actions too. S3 on Outposts and Object Lambda ARNs belong to other IAM
services, so their calls get the approximate fallback.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from botwarden.runtime.aws_calls._common import (
    AwsRequest,
    Rule,
    _anything,
    _Call,
    _grouped,
    _one,
    _renamed,
    _req,
    _UnmappedError,
)

_S3_ACCESS_POINT = re.compile(r"arn:[a-z-]+:s3:[a-z0-9-]*:\d{12}:accesspoint/[^/]+")
_S3_ACL = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP")

_S3_BUCKET = {
    "DeleteBucket": "DeleteBucket",
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "GetBucketLocation": "GetBucketLocation",
    "GetBucketAcl": "GetBucketAcl",
    "PutBucketAcl": "PutBucketAcl",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetBucketPolicy": "GetBucketPolicy",
    "PutBucketPolicy": "PutBucketPolicy",
    "DeleteBucketPolicy": "DeleteBucketPolicy",
    "GetBucketPolicyStatus": "GetBucketPolicyStatus",
    "GetBucketTagging": "GetBucketTagging",
    "PutBucketTagging": "PutBucketTagging",
    "DeleteBucketTagging": "PutBucketTagging",
    "GetBucketVersioning": "GetBucketVersioning",
    "PutBucketVersioning": "PutBucketVersioning",
    "GetBucketWebsite": "GetBucketWebsite",
    "PutBucketWebsite": "PutBucketWebsite",
    "DeleteBucketWebsite": "DeleteBucketWebsite",
    "GetBucketLogging": "GetBucketLogging",
    "PutBucketLogging": "PutBucketLogging",
    "GetBucketNotification": "GetBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotification": "PutBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketRequestPayment": "GetBucketRequestPayment",
    "PutBucketRequestPayment": "PutBucketRequestPayment",
    "GetBucketOwnershipControls": "GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketLifecycle": "GetLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycle": "PutLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
    "ListBucketAnalyticsConfigurations": "GetAnalyticsConfiguration",
    "PutBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "DeleteBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "PutInventoryConfiguration",
    "GetBucketMetricsConfiguration": "GetMetricsConfiguration",
    "ListBucketMetricsConfigurations": "GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "PutMetricsConfiguration",
    "DeleteBucketMetricsConfiguration": "PutMetricsConfiguration",
    "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations": "GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketMetadataTableConfiguration": "GetBucketMetadataTableConfiguration",
    "CreateBucketMetadataTableConfiguration": "CreateBucketMetadataTableConfiguration",
    "DeleteBucketMetadataTableConfiguration": "DeleteBucketMetadataTableConfiguration",
    "GetBucketAbac": "GetBucketAbac",
    "PutBucketAbac": "PutBucketAbac",
}

# operation -> (action, action when a VersionId names one version, or None when it is the same)
_S3_OBJECT: dict[str, tuple[str, str | None]] = {
    "GetObject": ("GetObject", "GetObjectVersion"),
    "HeadObject": ("GetObject", "GetObjectVersion"),
    "SelectObjectContent": ("GetObject", None),
    "GetObjectAcl": ("GetObjectAcl", "GetObjectVersionAcl"),
    "PutObjectAcl": ("PutObjectAcl", "PutObjectVersionAcl"),
    "GetObjectTagging": ("GetObjectTagging", "GetObjectVersionTagging"),
    "PutObjectTagging": ("PutObjectTagging", "PutObjectVersionTagging"),
    "DeleteObjectTagging": ("DeleteObjectTagging", "DeleteObjectVersionTagging"),
    "GetObjectTorrent": ("GetObjectTorrent", "GetObjectVersionTorrent"),
    "GetObjectLegalHold": ("GetObjectLegalHold", None),
    "PutObjectLegalHold": ("PutObjectLegalHold", None),
    "GetObjectRetention": ("GetObjectRetention", None),
    "RestoreObject": ("RestoreObject", None),
    "AbortMultipartUpload": ("AbortMultipartUpload", None),
    "ListParts": ("ListMultipartUploadParts", None),
    "UploadPart": ("PutObject", None),
    "CompleteMultipartUpload": ("PutObject", None),
}


def _s3_target(call: _Call) -> tuple[str, bool]:
    """The bucket's ARN, or the access point's (True) when ``Bucket`` holds one."""
    bucket = call.text("Bucket")
    if not bucket.startswith("arn:"):
        if "/" in bucket:
            raise call.fail(f"Bucket {bucket!r} is neither a bucket name nor an ARN")
        return f"arn:{call.partition}:s3:::{bucket}", False
    if _S3_ACCESS_POINT.fullmatch(bucket):
        return bucket, True
    raise _UnmappedError  # S3 on Outposts, Object Lambda: other IAM services


def _s3_bucket(call: _Call) -> str:
    return _s3_target(call)[0]


def _s3_object(call: _Call) -> str:
    base, access_point = _s3_target(call)
    key = call.text("Key")
    return f"{base}/object/{key}" if access_point else f"{base}/{key}"


def _s3_object_rule(plain: str, versioned: str | None) -> Rule:
    def rule(call: _Call) -> list[AwsRequest]:
        action = versioned if versioned and call.optional("VersionId") else plain
        return [_req(f"s3:{action}", _s3_object(call))]

    return rule


def _s3_write_extras(call: _Call) -> list[str]:
    """What writing an object also sets: its ACL, tags, legal hold, retention."""
    extras = []
    if any(call.params.get(name) is not None for name in _S3_ACL):
        extras.append("s3:PutObjectAcl")
    if call.params.get("Tagging") is not None:
        extras.append("s3:PutObjectTagging")
    if call.params.get("ObjectLockLegalHoldStatus") is not None:
        extras.append("s3:PutObjectLegalHold")
    if any(
        call.params.get(name) is not None
        for name in ("ObjectLockMode", "ObjectLockRetainUntilDate")
    ):
        extras.append("s3:PutObjectRetention")
    return extras


def _s3_put(call: _Call) -> list[AwsRequest]:
    target = _s3_object(call)
    return [_req(action, target) for action in ("s3:PutObject", *_s3_write_extras(call))]


def _s3_copy_source(call: _Call) -> tuple[str, bool]:
    """The source object's ARN and whether a version is named, from ``CopySource``.

    botocore has already turned a dict into the header form ``bucket/key?versionId=v`` with
    the key URL-encoded; an access point source is ``arn:...:accesspoint/ap/object/key``.
    """
    raw = call.params.get("CopySource")
    if not isinstance(raw, str) or not raw:
        raise call.fail("parameter CopySource is missing or not a bucket/key string")
    path, _, version = raw.partition("?versionId=")
    path = unquote(path)
    if path.startswith("arn:"):
        base, marker, key = path.partition("/object/")
        if not (marker and key and _S3_ACCESS_POINT.fullmatch(base)):
            raise _UnmappedError
        return path, bool(version)
    bucket, _, key = path.removeprefix("/").partition("/")
    if not bucket or not key:
        raise call.fail(f"CopySource {raw!r} does not name a bucket and a key")
    return f"arn:{call.partition}:s3:::{bucket}/{key}", bool(version)


def _s3_copy(call: _Call, *, extras: bool) -> list[AwsRequest]:
    source, versioned = _s3_copy_source(call)
    target = _s3_object(call)
    read = "s3:GetObjectVersion" if versioned else "s3:GetObject"
    writes = ("s3:PutObject", *(_s3_write_extras(call) if extras else ()))
    return [_req(read, source), *(_req(action, target) for action in writes)]


def _s3_delete_objects(call: _Call) -> list[AwsRequest]:
    base, access_point = _s3_target(call)
    prefix = f"{base}/object/" if access_point else f"{base}/"
    pairs = []
    for item in call.structures("Objects", call.mapping("Delete")):
        target = prefix + call.text("Key", item)
        versioned = call.optional("VersionId", item)
        pairs.append(("s3:DeleteObjectVersion" if versioned else "s3:DeleteObject", target))
        if call.params.get("BypassGovernanceRetention"):
            pairs.append(("s3:BypassGovernanceRetention", target))
    return _grouped(pairs)


def _s3_delete_object(call: _Call) -> list[AwsRequest]:
    requests = _s3_object_rule("DeleteObject", "DeleteObjectVersion")(call)
    if call.params.get("BypassGovernanceRetention"):
        requests.append(_req("s3:BypassGovernanceRetention", _s3_object(call)))
    return requests


def _s3_put_retention(call: _Call) -> list[AwsRequest]:
    target = _s3_object(call)
    requests = [_req("s3:PutObjectRetention", target)]
    if call.params.get("BypassGovernanceRetention"):
        requests.append(_req("s3:BypassGovernanceRetention", target))
    return requests


def _s3_attributes(call: _Call) -> list[AwsRequest]:
    target = _s3_object(call)
    names = (
        ("GetObjectVersion", "GetObjectVersionAttributes")
        if call.optional("VersionId")
        else ("GetObject", "GetObjectAttributes")
    )
    return [_req(f"s3:{name}", target) for name in names]


def _s3_create_bucket(call: _Call) -> list[AwsRequest]:
    bucket = call.text("Bucket")
    if "/" in bucket or bucket.startswith("arn:"):
        raise call.fail(f"Bucket {bucket!r} is not a bucket name")
    target = f"arn:{call.partition}:s3:::{bucket}"
    actions = ["s3:CreateBucket"]
    if any(call.params.get(name) is not None for name in _S3_ACL):
        actions.append("s3:PutBucketAcl")
    if call.params.get("ObjectLockEnabledForBucket"):
        actions += ["s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"]
    if call.params.get("ObjectOwnership") is not None:
        actions.append("s3:PutBucketOwnershipControls")
    return [_req(action, target) for action in actions]


def _s3_express_bucket(call: _Call) -> str:
    """Directory buckets authorise a session once (``s3express:CreateSession``), not each call."""
    bucket = call.text("Bucket")
    if bucket.startswith("arn:") or "/" in bucket:
        raise _UnmappedError
    return call.arn("s3express", f"bucket/{bucket}")


S3: dict[str, Rule] = {
    **_renamed("s3", _s3_bucket, _S3_BUCKET),
    **{op: _s3_object_rule(*actions) for op, actions in _S3_OBJECT.items()},
    "ListBuckets": _one("s3:ListAllMyBuckets", _anything),
    "ListDirectoryBuckets": _one("s3express:ListAllMyDirectoryBuckets", _anything),
    "CreateSession": _one("s3express:CreateSession", _s3_express_bucket),
    "CreateBucket": _s3_create_bucket,
    "PutObject": _s3_put,
    "CreateMultipartUpload": _s3_put,
    "CopyObject": lambda call: _s3_copy(call, extras=True),
    "UploadPartCopy": lambda call: _s3_copy(call, extras=False),
    "DeleteObject": _s3_delete_object,
    "DeleteObjects": _s3_delete_objects,
    "PutObjectRetention": _s3_put_retention,
    "GetObjectAttributes": _s3_attributes,
}
