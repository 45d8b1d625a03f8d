"""httpx authentication from a manifest secret, rotation-aware: a refused key is refetched once.

::

    secrets = SecretResolver(manifest)
    client = guard.httpx_client(auth=SecretAuth(secrets, "feedly_token"))

Every request carries ``Authorization: Bearer <secret>`` (or the header and scheme given). When the
upstream answers 401 or 403, the secret is refetched from its provider (the key may have been
rotated since it was cached) and, if it changed, the request is sent once more with the new value;
an unchanged secret means the refusal stands, and the answer is returned as it came. The value is
revealed only into the header.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from botwarden.secrets.resolver import SecretResolver

REFUSED = frozenset({401, 403})


class SecretAuth(httpx.Auth):
    requires_response_body = False

    def __init__(
        self,
        resolver: SecretResolver,
        name: str,
        *,
        header: str = "Authorization",
        scheme: str | None = "Bearer",
    ) -> None:
        self.resolver = resolver
        self.name = name
        self.header = header
        self.scheme = scheme

    def _value(self, secret: str) -> str:
        return f"{self.scheme} {secret}" if self.scheme else secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = self._value(self.resolver.get(self.name).reveal())
        response = yield request
        if response.status_code not in REFUSED:
            return
        rotated = self.resolver.rejected(self.name)
        if rotated is None:
            return  # the secret has not changed: the refusal is the upstream's last word
        request.headers[self.header] = self._value(rotated.reveal())
        yield request


__all__ = ["SecretAuth"]
