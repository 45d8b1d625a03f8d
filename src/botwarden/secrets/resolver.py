"""``secret("feedly_token")``: a manifest's secret, fetched from its provider, cached, kept fresh.

The manifest says where each secret lives (``[secret.NAME].source``); the resolver asks that
provider and keeps the answer:

- **TTL with jitter**: a value is reused for ``ttl`` seconds, shortened by up to ``jitter`` (a
  fraction) so that a fleet does not refetch in step, and never beyond the provider's own lease;
- **refresh ahead**: in the last ``refresh_ahead`` fraction of its life, a read returns the cached
  value and refreshes it in the background, so the bot does not wait on the secrets manager;
- **stale while error**: when a refresh fails, the old value is served for at most ``stale_for``
  seconds past its expiry (and the failure logged), then the error is raised: a secrets manager
  outage does not stop a bot at once, nor forever;
- **rotation-aware**: :meth:`SecretResolver.rejected` is called when an upstream refuses the
  secret (401 or 403); it refetches at once (at most once per ``min_refresh`` seconds), so a bot
  picks up a rotated key on its next try; for AWS Secrets Manager, an unchanged current value is
  followed by the ``AWSPENDING`` one when a rotation is under way (the grace period).

Values are :class:`~botwarden.secrets.value.SecretValue`: they never show themselves in logs.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from botwarden.manifest.model import Manifest
from botwarden.secrets.value import Fetched, SecretError, SecretProvider, SecretValue

log = logging.getLogger("botwarden.secrets")


@dataclass(slots=True)
class _Cached:
    fetched: Fetched
    fetched_at: float
    expires_at: float
    refreshing: bool = False


class SecretResolver:
    """A manifest's secrets, by name. Thread-safe."""

    def __init__(
        self,
        manifest: Manifest,
        providers: Mapping[str, SecretProvider] | None = None,
        *,
        ttl: float = 300.0,
        jitter: float = 0.1,
        refresh_ahead: float = 0.2,
        stale_for: float = 3600.0,
        min_refresh: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.manifest = manifest
        self._providers = dict(providers or {})
        self.ttl, self.jitter, self.refresh_ahead = ttl, jitter, refresh_ahead
        self.stale_for, self.min_refresh = stale_for, min_refresh
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------

    def get(self, name: str) -> SecretValue:
        """The secret's current value (see the module docstring for when it is refetched)."""
        return self.fetched(name).value

    def fetched(self, name: str) -> Fetched:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
        if cached is None:
            return self._fetch(name).fetched
        if now < cached.expires_at:
            life = cached.expires_at - cached.fetched_at
            if now >= cached.expires_at - life * self.refresh_ahead:
                self._refresh_in_background(name, cached)
            return cached.fetched
        try:
            return self._fetch(name).fetched
        except SecretError as exc:
            if now < cached.expires_at + self.stale_for:
                log.warning("botwarden: serving a stale %r: %s", name, exc.message)
                return cached.fetched
            raise

    def rejected(self, name: str) -> SecretValue | None:
        """An upstream refused the secret: refetch now; the new value, or None if unchanged."""
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and self._clock() - cached.fetched_at < self.min_refresh:
            return None
        old = cached.fetched if cached is not None else None
        fresh = self._fetch(name).fetched
        if old is not None and fresh.value == old.value and fresh.version == old.version:
            return self._pending(name, fresh)
        return fresh.value

    def _pending(self, name: str, current: Fetched) -> SecretValue | None:
        """During a rotation the upstream may already take the pending version: try it.

        A Secrets Manager rotation writes ``AWSPENDING``, sets it at the service, then moves
        ``AWSCURRENT``; between the last two steps the service refuses the current value. The
        pending value is then used for ``ttl`` seconds (the grace period) and the current one
        again after that.
        """
        source = self.manifest.secret[name].source
        if source.scheme != "aws-sm":
            return None
        try:
            pending = self._provider("aws-sm").fetch(
                source.locator, source.field, stage="AWSPENDING"
            )
        except SecretError:
            return None  # no rotation under way
        if pending.value == current.value:
            return None
        now = self._clock()
        with self._lock:
            self._cache[name] = _Cached(pending, now, now + self.ttl)
        log.info("botwarden: using the pending version of %r during its rotation", name)
        return pending.value

    def revealed_values(self) -> list[str]:
        """The values this resolver holds (longest first), for redacting them from logs."""
        with self._lock:
            values = {c.fetched.value.reveal() for c in self._cache.values()}
        return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)

    def invalidate(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._cache.clear()
            else:
                self._cache.pop(name, None)

    # -- fetching ------------------------------------------------------------------------------

    def _fetch(self, name: str) -> _Cached:
        declared = self.manifest.secret.get(name)
        if declared is None:
            known = ", ".join(sorted(self.manifest.secret)) or "none"
            raise SecretError(
                f"secret {name!r} is not declared in the manifest (declared: {known})"
            )
        source = declared.source
        provider = self._provider(source.scheme)
        fetched = provider.fetch(source.locator, source.field)
        now = self._clock()
        life = self.ttl * (1 - random.uniform(0, self.jitter))  # noqa: S311 -- jitter, not crypto
        if fetched.lease_seconds is not None:
            life = min(life, fetched.lease_seconds)
        entry = _Cached(fetched, now, now + life)
        with self._lock:
            self._cache[name] = entry
        return entry

    def _refresh_in_background(self, name: str, cached: _Cached) -> None:
        with self._lock:
            if cached.refreshing:
                return
            cached.refreshing = True

        def refresh() -> None:
            try:
                self._fetch(name)
            except SecretError as exc:
                log.warning("botwarden: background refresh of %r failed: %s", name, exc.message)
            finally:
                cached.refreshing = False

        threading.Thread(target=refresh, name=f"botwarden-secret-{name}", daemon=True).start()

    def _provider(self, scheme: str) -> SecretProvider:
        with self._lock:
            provider = self._providers.get(scheme)
        if provider is None:
            provider = default_provider(scheme, self.manifest)
            with self._lock:
                self._providers.setdefault(scheme, provider)
        return provider

    def close(self) -> None:
        for provider in self._providers.values():
            provider.close()


def default_provider(scheme: str, manifest: Manifest) -> SecretProvider:
    """The provider for a scheme, configured from the environment (VAULT_ADDR, AWS_REGION, ...)."""
    import os
    from pathlib import Path

    if scheme == "env":
        from botwarden.secrets.simple import EnvProvider

        return EnvProvider()
    if scheme == "file":
        from botwarden.secrets.simple import FileProvider

        return FileProvider(base=Path(manifest.path).parent)  # relative paths: beside the manifest
    if scheme == "local":
        from botwarden.secrets.local import LocalProvider, LocalStore

        base = Path(manifest.path).parent / ".botwarden"
        return LocalProvider(LocalStore(base / "secrets.json", base / "secrets.key"))
    if scheme == "vault":
        from botwarden.secrets.vault import VaultProvider

        address = os.environ.get("VAULT_ADDR")
        if not address:
            raise SecretError("vault: secrets need VAULT_ADDR (and VAULT_TOKEN or AppRole ids)")
        return VaultProvider(
            address,
            namespace=os.environ.get("VAULT_NAMESPACE") or None,
            verify=os.environ.get("VAULT_CACERT") or True,
        )
    if scheme == "aws-sm":
        from botwarden.secrets.aws_sm import AwsSecretsManagerProvider

        return AwsSecretsManagerProvider()
    raise SecretError(f"no provider for secret sources starting with {scheme!r}")


__all__ = ["SecretResolver", "default_provider"]
