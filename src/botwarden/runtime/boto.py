"""Check every boto3/botocore call against the bot's AWS capabilities before it leaves the process.

The hook listens on botocore's ``before-parameter-build`` event, registered last. botocore emits
it for every API call (so for every page of a paginator and every poll of a waiter) and for every
presigned URL, after its own handlers have normalised the parameters (``CopySource`` dicts,
idempotency tokens) and before anything is serialised, signed or sent. Each authorisation from
:func:`~botwarden.runtime.aws_calls.authorisations` goes to ``decide(action, resource)``; the
first refusal raises :class:`~botwarden.runtime.denied.ActionDenied`, so the request never
exists. (``before-call`` comes later but presigning skips it, and a handler that returns a value
there silently replaces the call's response.)

This guards against mistakes and hijacked inputs, not against hostile code in the same process,
which can unregister the hook: the egress proxy is the boundary that code cannot switch off.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import botocore.session  # type: ignore[import-untyped]
from botocore.client import BaseClient  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.validate import validate_parameters  # type: ignore[import-untyped]

from botwarden.errors import UsageError
from botwarden.policy.decision import Code, Decision, deny
from botwarden.runtime.aws_calls import (
    AwsCallError,
    AwsRequest,
    UnknownAccountError,
    authorisations,
    iam_prefix,
)
from botwarden.runtime.denied import ActionDenied

Decide = Callable[[str, str], Decision]
"""``decide(action, resource)``: the capability check, e.g. ``Policy.aws``."""

EVENT = "before-parameter-build"
_ACCOUNT = re.compile(r"\d{12}")
# AWS's own endpoint domains: a client pointed elsewhere (moto, LocalStack) has a custom endpoint
_AWS_DOMAINS = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".api.aws",
    ".c2s.ic.gov",
    ".sc2s.sgov.gov",
    ".cloud.adc-e.uk",
    ".csp.hci.ic.gov",
)


def install(target: Any, decide: Decide, *, account: str | None = None) -> None:
    """Guard a botocore client (or boto3 resource), or every client a session creates from now.

    ``target`` is a client, a boto3 resource (its client is guarded), a ``boto3.Session`` or a
    ``botocore.session.Session``. ``account`` is the caller's account id, used in ARNs that
    need it; when None it is looked up once per client with ``sts:GetCallerIdentity``, with the
    client's credentials, only when a resource needs it. Installing twice stacks two checks.
    """
    if account is not None and not _ACCOUNT.fullmatch(account):
        raise UsageError(f"account must be a 12-digit AWS account id, not {account!r}")
    client = _client_of(target)
    if client is not None:
        client.meta.events.register_last(EVENT, _ClientGuard(client, decide, account))
        return
    session = _session_of(target)
    if session is None:
        raise UsageError(
            f"botwarden cannot guard a {type(target).__name__}: pass a botocore client, "
            "a boto3 resource, a boto3.Session or a botocore Session"
        )
    session.register("creating-client-class", _GuardedClasses(decide, account))


def _client_of(target: Any) -> Any:
    if isinstance(target, BaseClient):
        return target
    meta = getattr(target, "meta", None)  # a boto3 resource
    client = getattr(meta, "client", None)
    return client if isinstance(client, BaseClient) else None


def _session_of(target: Any) -> Any:
    if isinstance(target, botocore.session.Session):
        return target
    inner = getattr(target, "_session", None)  # a boto3.Session wraps a botocore session
    return inner if isinstance(inner, botocore.session.Session) else None


class _GuardedClasses:
    """Makes every client class the session builds guard its instances as they are created.

    botocore has no event after a client is built, but it lets handlers of
    ``creating-client-class`` add base classes; the added base's ``__init__`` installs the hook.
    """

    def __init__(self, decide: Decide, account: str | None) -> None:
        self._decide = decide
        self._account = account

    def __call__(self, base_classes: list[type], **_: Any) -> None:
        decide, account = self._decide, self._account

        class GuardedClient:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                install(self, decide, account=account)

        base_classes.insert(0, GuardedClient)


class _ClientGuard:
    """The event handler for one client: maps the call, asks ``decide``, raises on a denial."""

    def __init__(self, client: Any, decide: Decide, account: str | None) -> None:
        self._client = client
        self._decide = decide
        self._account = account
        self._lock = threading.Lock()

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._client.meta.config.parameter_validation and model.input_shape is not None:
            validate_parameters(params, model.input_shape)  # botocore's own error, first
        for request in self._requests(model.name, params):
            for resource in request.resources:
                decision = self._decide(request.action, resource)
                if not decision.allowed:
                    raise ActionDenied(decision, _what(request, resource))

    def _requests(self, operation: str, params: dict[str, Any]) -> list[AwsRequest]:
        meta = self._client.meta
        service = meta.service_model.service_name
        signing_name = meta.service_model.signing_name
        action = f"{iam_prefix(service, signing_name)}:{operation}"
        context = {
            "region": meta.region_name or "",
            "partition": meta.partition,
            "signing_name": signing_name,
        }
        try:
            try:
                return authorisations(service, operation, params, account=self._account, **context)
            except UnknownAccountError:
                account = self._caller_account(action)
                return authorisations(service, operation, params, account=account, **context)
        except AwsCallError as exc:
            reason = f"cannot tell which resource the call acts on: {exc.message}"
            raise ActionDenied(
                deny(Code.RESOURCE_NOT_ALLOWED, reason, "aws.unknown-resource"), action
            ) from None

    def _caller_account(self, action: str) -> str:
        """The account id from ``sts:GetCallerIdentity``, once per client; fail closed."""
        with self._lock:
            if self._account is None:
                try:
                    self._account = _caller_account(self._client)
                except Exception as exc:  # noqa: BLE001 - any failure to learn it is a denial
                    reason = (
                        "the resource's ARN needs the AWS account id and sts:GetCallerIdentity "
                        f"failed ({type(exc).__name__}: {exc}); pass account= to install()"
                    )
                    decision = deny(Code.RESOURCE_NOT_ALLOWED, reason, "aws.unknown-account")
                    raise ActionDenied(decision, action) from None
            return self._account


def _what(request: AwsRequest, resource: str) -> str:
    what = f"{request.action} on {resource}"
    return f"{what} (no exact resource mapping for this call)" if request.approximate else what


def _caller_account(client: Any) -> str:
    """Ask STS who the client's credentials belong to, through the client's endpoint
    configuration: a client pointed at a local endpoint (moto, LocalStack) asks that endpoint.
    """
    credentials = client._request_signer._credentials  # botocore has no public accessor
    if credentials is None:
        raise UsageError("the client has no credentials")
    frozen = credentials.get_frozen_credentials()
    config = client.meta.config
    sts = botocore.session.Session().create_client(
        "sts",
        region_name=client.meta.region_name,
        endpoint_url=_custom_endpoint(client.meta.endpoint_url),
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
        config=Config(
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retries=config.retries,
            proxies=config.proxies,
        ),
    )
    account = sts.get_caller_identity().get("Account")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise UsageError(f"sts:GetCallerIdentity returned no account id: {account!r}")
    return account


def _custom_endpoint(endpoint_url: str | None) -> str | None:
    if not endpoint_url:
        return None
    host = (urlsplit(endpoint_url).hostname or "").lower()
    return None if host.endswith(_AWS_DOMAINS) else endpoint_url


__all__ = ["EVENT", "Decide", "install"]
