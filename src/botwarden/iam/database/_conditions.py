"""Types of condition keys: the global ``aws:*`` keys (absent from the IAM definition) and a
matcher for service keys, including templated ones such as ``s3:ExistingObjectTag/<key>``.

Checks need the type to tell a misused operator (``StringEquals`` on ``aws:SourceIp``) from a
correct one; the names of types are the IAM definition's (``String``, ``ArrayOfString``, ``ARN``,
``Bool``, ``Date``, ``IPAddress``, ``Numeric``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

# Global condition context keys, from the AWS "global condition context keys" reference.
# Keys ending in '/' take a tag key or similar suffix.
GLOBAL_CONDITION_KEYS: Mapping[str, str] = {
    "aws:CalledVia": "ArrayOfString",
    "aws:CalledViaFirst": "String",
    "aws:CalledViaLast": "String",
    "aws:CurrentTime": "Date",
    "aws:EpochTime": "Date",
    "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
    "aws:Ec2InstanceSourceVpc": "String",
    "aws:FederatedProvider": "String",
    "aws:MultiFactorAuthAge": "Numeric",
    "aws:MultiFactorAuthPresent": "Bool",
    "aws:PrincipalAccount": "String",
    "aws:PrincipalArn": "ARN",
    "aws:PrincipalIsAWSService": "Bool",
    "aws:PrincipalOrgID": "String",
    "aws:PrincipalOrgPaths": "ArrayOfString",
    "aws:PrincipalServiceName": "String",
    "aws:PrincipalServiceNamesList": "ArrayOfString",
    "aws:PrincipalTag/": "String",
    "aws:PrincipalType": "String",
    "aws:Referer": "String",
    "aws:RequestedRegion": "String",
    "aws:RequestTag/": "String",
    "aws:ResourceAccount": "String",
    "aws:ResourceOrgID": "String",
    "aws:ResourceOrgPaths": "ArrayOfString",
    "aws:ResourceTag/": "String",
    "aws:SecureTransport": "Bool",
    "aws:SourceAccount": "String",
    "aws:SourceArn": "ARN",
    "aws:SourceIdentity": "String",
    "aws:SourceIp": "IPAddress",
    "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "ArrayOfString",
    "aws:SourceVpc": "String",
    "aws:SourceVpcArn": "ARN",
    "aws:SourceVpce": "String",
    "aws:TagKeys": "ArrayOfString",
    "aws:TokenIssueTime": "Date",
    "aws:UserAgent": "String",
    "aws:userid": "String",
    "aws:username": "String",
    "aws:ViaAWSService": "Bool",
    "aws:VpceAccount": "String",
    "aws:VpceOrgID": "String",
    "aws:VpceOrgPaths": "ArrayOfString",
    "aws:VpcSourceIp": "IPAddress",
}

_TEMPLATE = re.compile(r"\$\{[^}]*\}|<[^>]*>")


class KeyTypes:
    """Exact and templated condition keys of one namespace, looked up case-insensitively."""

    __slots__ = ("_exact", "_templates")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, str] = {}
        self._templates: list[tuple[re.Pattern[str], str]] = []
        for key, key_type in entries:
            lower = key.lower()
            if _TEMPLATE.search(lower) or lower.endswith("/"):
                pieces = _TEMPLATE.split(lower)
                regex = ".+".join(re.escape(piece) for piece in pieces)
                if lower.endswith("/"):
                    regex += ".+"
                self._templates.append((re.compile(regex, re.DOTALL), key_type))
            else:
                self._exact[lower] = key_type

    def get(self, key: str) -> str | None:
        lower = key.lower()
        found = self._exact.get(lower)
        if found is not None:
            return found
        for regex, key_type in self._templates:
            if regex.fullmatch(lower):
                return key_type
        return None


GLOBAL_KEY_TYPES = KeyTypes(GLOBAL_CONDITION_KEYS.items())


class ConditionIndex:
    """Condition key types: the global table first for ``aws:*``, then the service's own keys,
    then every service's (a key's namespace is not always a service prefix)."""

    def __init__(self, services: Mapping[str, Sequence[tuple[str, str]]]) -> None:
        self._services = services  # prefix -> (condition key, type) pairs
        self._types: dict[str, KeyTypes] = {}

    def key_type(self, key: str) -> str | None:
        prefix = key.partition(":")[0].lower()
        if prefix == "aws":
            found = GLOBAL_KEY_TYPES.get(key)
            if found is not None:
                return found
        found = self._of(prefix).get(key)
        return found if found is not None else self._of("").get(key)

    def _of(self, prefix: str) -> KeyTypes:
        """Key types of one service; ``""`` means of every service."""
        types = self._types.get(prefix)
        if types is None:
            if prefix:
                service = self._services.get(prefix)
                sources = [service] if service is not None else []
            else:
                sources = list(self._services.values())
            types = self._types[prefix] = KeyTypes(pair for pairs in sources for pair in pairs)
        return types
