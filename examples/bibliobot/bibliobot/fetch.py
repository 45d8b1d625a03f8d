"""HTTP with the standard library, mapped to one ``FetchError`` at the boundary.

The opener is ``urllib.request.build_opener()``, whose ``ProxyHandler`` honours ``HTTP_PROXY``,
``HTTPS_PROXY`` and ``NO_PROXY``. Keep it that way: ``botwarden run`` places the bot behind an
enforcing proxy simply by setting those variables.

Error messages carry the URL and the status, never request headers, so the bearer key cannot leak
into logs through an exception.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class FetchError(Exception):
    """A request failed: refused connection, timeout, bad URL or a non-2xx status."""


@dataclass(frozen=True)
class Response:
    """A body read up to the byte cap; ``truncated`` says the server had more to send."""

    url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool = False

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type.lower()


class Fetcher:
    """GET and POST with a timeout and a cap on the bytes read from any one response."""

    def __init__(
        self,
        *,
        timeout: float,
        max_bytes: int,
        user_agent: str,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> None:
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._user_agent = user_agent
        self._opener = opener or urllib.request.build_opener()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        return self._send(urllib.request.Request(url, headers=self._headers(headers)))

    def post_json(
        self, url: str, payload: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        merged = {"Content-Type": "application/json", **(headers or {})}
        body = json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers=self._headers(merged)
        )
        return self._send(request)

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        return {"User-Agent": self._user_agent, **(extra or {})}

    def _send(self, request: urllib.request.Request) -> Response:
        url = request.full_url
        try:
            with self._opener.open(request, timeout=self._timeout) as reply:
                body = reply.read(self._max_bytes + 1)
                return Response(
                    url=reply.geturl(),
                    status=reply.status,
                    content_type=reply.headers.get("Content-Type", ""),
                    body=body[: self._max_bytes],
                    truncated=len(body) > self._max_bytes,
                )
        except urllib.error.HTTPError as exc:
            exc.close()  # the error carries an open response; close it to free the socket
            raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            raise FetchError(f"{url}: {exc.reason}") from exc
        except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs
            raise FetchError(f"{url}: {exc}") from exc
