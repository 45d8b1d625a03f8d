"""The ``vault:`` provider: HashiCorp Vault or OpenBao KV version 2, through ``hvac``.

A source reads ``vault:MOUNT/PATH#field`` (``vault:kv/bots/bibliobot/feedly#token``): the first
segment is the KV mount unless the provider is built with ``mount=`` (for mounts whose own path
has a slash, such as ``team/kv``), the rest is the secret's path, and the field picks one member
of the secret's map. The KV version becomes :attr:`Fetched.version` and the version's creation
time :attr:`Fetched.created`, so that ``max_age`` is measured from the rotation, not the deploy.

Authentication is a token (``token=`` or ``VAULT_TOKEN``) or AppRole (``role_id``/``secret_id`` or
``VAULT_ROLE_ID``/``VAULT_SECRET_ID``). A token with a TTL is renewed (``renew-self``) once less
than ``renew_before`` seconds (at most half its TTL) remain; when renewal is refused, or the token
is revoked under us, AppRole logs in again and a fixed token fails with an error that says so.
Errors name the secret's path and the cause; they never hold a value or a token.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import hvac  # type: ignore[import-untyped]
import hvac.exceptions  # type: ignore[import-untyped]
import requests

from botwarden.secrets.simple import field_of
from botwarden.secrets.value import Fetched, SecretError, SecretValue

_FRACTION = re.compile(r"\.(\d+)")


@dataclass(frozen=True, slots=True)
class VaultLocation:
    """Where one KV v2 secret lives."""

    mount: str
    path: str

    def __str__(self) -> str:
        return f"{self.mount}/{self.path}"


def parse_locator(locator: str, mount: str | None = None) -> VaultLocation:
    """Split ``MOUNT/PATH`` (or, with ``mount``, ``MOUNT/PATH`` whose mount is that prefix)."""
    text = locator.strip("/")
    if mount is not None:
        prefix = mount.strip("/") + "/"
        if not text.startswith(prefix) or text == prefix:
            raise SecretError(f"vault:{locator}: expected a path under the mount {mount!r}")
        return VaultLocation(prefix[:-1], text[len(prefix) :])
    head, sep, rest = text.partition("/")
    if not sep or not head or not rest:
        example = "'kv/bots/NAME#token'"
        raise SecretError(f"vault:{locator}: expected 'MOUNT/PATH#field', e.g. {example}")
    return VaultLocation(head, rest)


def parse_time(text: str) -> datetime | None:
    """Vault's RFC 3339 times carry nanoseconds, which ``fromisoformat`` does not take."""
    if not text:
        return None
    trimmed = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        moment = datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def describe(exc: BaseException, secret: str | None = None) -> str:
    """A one-line cause for an hvac or transport error, with ``secret`` (a token) scrubbed."""
    if isinstance(exc, hvac.exceptions.VaultError):
        kinds = {
            hvac.exceptions.Forbidden: "permission denied",
            hvac.exceptions.InvalidPath: "not found",
            hvac.exceptions.Unauthorized: "unauthorised",
            hvac.exceptions.VaultDown: "the server is sealed or down",
        }
        kind = next((v for k, v in kinds.items() if isinstance(exc, k)), type(exc).__name__)
        details = "; ".join(str(e) for e in (exc.errors or []) if e)
        text = f"{kind} ({details})" if details and details != kind else kind
    elif isinstance(exc, requests.ConnectionError | requests.Timeout):
        text = f"cannot reach the server ({type(exc).__name__})"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text.replace(secret, "****") if secret else text


class VaultProvider:
    """Reads KV v2 secrets from one Vault or OpenBao server; safe to share between threads."""

    scheme = "vault"

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        role_id: str | None = None,
        secret_id: str | None = None,
        mount: str | None = None,
        namespace: str | None = None,
        verify: bool | str = True,
        timeout: float = 5,
        approle_mount: str = "approle",
        renew_before: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._mount = mount
        self._role_id = role_id or os.environ.get("VAULT_ROLE_ID")
        self._secret_id = secret_id or os.environ.get("VAULT_SECRET_ID")
        self._approle_mount = approle_mount
        self._renew_before = renew_before
        self._clock = clock
        self._lock = threading.Lock()
        fixed = token or (None if self._role_id else os.environ.get("VAULT_TOKEN"))
        if not fixed and not self._role_id:
            raise SecretError(
                f"vault {url}: no credentials: pass a token (or set VAULT_TOKEN) or an AppRole "
                "role_id and secret_id (or set VAULT_ROLE_ID and VAULT_SECRET_ID)"
            )
        self._client = hvac.Client(
            url=url, token=fixed or "", verify=verify, timeout=timeout, namespace=namespace
        )
        self._fixed = bool(fixed)
        self._expires_at: float | None = None  # clock() time the token expires; None: never
        self._ttl = 0.0
        self._renewable = False
        self._known = False  # whether the token's TTL has been learned (lookup or login)

    # -- the provider protocol -------------------------------------------------------------

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        """``stage``, when given, is a KV version number ("3"): Vault has no named stages."""
        where = f"vault:{locator}"
        location = parse_locator(locator, self._mount)
        version = _version_of(stage, where)
        if field is None:
            raise SecretError(f"{where}: KV secrets are maps: name the field ('{where}#FIELD')")
        with self._lock:
            response = self._read(location, version, where)
        return _fetched(response, field, where)

    def close(self) -> None:
        self._client.adapter.close()

    # -- reading -----------------------------------------------------------------------------

    def _read(self, location: VaultLocation, version: int | None, where: str) -> Mapping[str, Any]:
        self._ensure_token(where)
        try:
            return self._read_once(location, version)
        except hvac.exceptions.Forbidden as exc:
            if self._fixed:
                raise self._error(where, exc) from None
        # an AppRole token refused: it may have been revoked, so log in once more and retry
        self._login(where)
        try:
            return self._read_once(location, version)
        except (hvac.exceptions.VaultError, requests.RequestException) as exc:
            raise self._error(where, exc) from None

    def _read_once(self, location: VaultLocation, version: int | None) -> Mapping[str, Any]:
        try:
            response: Mapping[str, Any] = self._client.secrets.kv.v2.read_secret_version(
                path=location.path,
                version=version,
                mount_point=location.mount,
                raise_on_deleted_version=True,
            )
        except hvac.exceptions.Forbidden:
            raise
        except (hvac.exceptions.VaultError, requests.RequestException) as exc:
            raise self._error(f"vault:{location}", exc) from None
        return response

    def _error(self, where: str, exc: BaseException) -> SecretError:
        return SecretError(f"{where}: {describe(exc, self._client.token or None)} at {self._url}")

    # -- the token's lifetime ------------------------------------------------------------------

    def _ensure_token(self, where: str) -> None:
        """Log in, learn the token's TTL, or renew it: whatever it needs before the next read."""
        if not self._known:
            if self._fixed:
                self._lookup(where)
            else:
                self._login(where)
            return
        if self._expires_at is None:
            return
        remaining = self._expires_at - self._clock()
        if remaining > self._threshold():
            return
        if self._renewable and self._renew():
            return
        if not self._fixed:
            self._login(where)
        elif remaining <= 0:
            raise SecretError(
                f"{where}: the Vault token expired and could not be renewed: give the bot a new "
                f"token or use AppRole ({self._url})"
            )

    def _lookup(self, where: str) -> None:
        try:
            data = self._client.auth.token.lookup_self()["data"]
        except (hvac.exceptions.VaultError, requests.RequestException) as exc:
            raise SecretError(f"{where}: the Vault token was refused: {describe(exc)}") from None
        full = float(data.get("creation_ttl") or data.get("ttl") or 0)
        self._learn(float(data.get("ttl") or 0), bool(data.get("renewable")), full)

    def _login(self, where: str) -> None:
        if not self._role_id:
            raise SecretError(f"{where}: no AppRole credentials to log in with ({self._url})")
        try:
            auth = self._client.auth.approle.login(
                role_id=self._role_id, secret_id=self._secret_id, mount_point=self._approle_mount
            )["auth"]
        except (hvac.exceptions.VaultError, requests.RequestException) as exc:
            cause = describe(exc, self._secret_id)
            raise SecretError(f"{where}: AppRole login failed: {cause} ({self._url})") from None
        self._learn(float(auth.get("lease_duration") or 0), bool(auth.get("renewable")))

    def _renew(self) -> bool:
        """Renew the token; False when refused or when its maximum TTL leaves too little."""
        try:
            auth = self._client.auth.token.renew_self()["auth"]
        except (hvac.exceptions.VaultError, requests.RequestException):
            return False
        ttl = float(auth.get("lease_duration") or 0)
        self._learn(ttl, bool(auth.get("renewable")), self._ttl)
        return ttl <= 0 or ttl > self._threshold()

    def _threshold(self) -> float:
        """Renew once fewer seconds than this remain: ``renew_before``, at most half the TTL."""
        return min(self._renew_before, self._ttl / 2)

    def _learn(self, ttl: float, renewable: bool, full: float | None = None) -> None:
        """Record the token's remaining ``ttl``; ``full`` is its TTL when issued (default: ttl)."""
        self._known = True
        self._ttl = ttl if full is None else full
        self._renewable = renewable
        self._expires_at = None if ttl <= 0 else self._clock() + ttl


def _version_of(stage: str | None, where: str) -> int | None:
    if stage is None:
        return None
    if not stage.isdigit() or int(stage) < 1:
        raise SecretError(f"{where}: Vault has no stage {stage!r}: give a KV version number")
    return int(stage)


def _fetched(response: Mapping[str, Any], field: str, where: str) -> Fetched:
    data = response.get("data") or {}
    values = data.get("data")
    metadata = data.get("metadata") or {}
    if not isinstance(values, Mapping):
        raise SecretError(f"{where}: the server's answer holds no secret data")
    value = field_of(values, field, where)
    version = metadata.get("version")
    return Fetched(
        SecretValue(value),
        version=None if version is None else str(version),
        created=parse_time(str(metadata.get("created_time") or "")),
    )


__all__ = ["VaultLocation", "VaultProvider", "describe", "parse_locator", "parse_time"]
