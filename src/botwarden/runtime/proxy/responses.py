"""The answers the proxy itself gives: short plain-text bodies (JSON on request) that say why.

A bot's operator reads these in logs, so each names the cause; a denial also carries the stable
decision code in ``X-Botwarden-Decision`` for programs, and the whole decision as JSON when the
client asks with ``Accept: application/json``. No header value here comes from the request.
"""

from __future__ import annotations

import json
import math
import re

from botwarden.policy.decision import Code, Decision

REASONS = {
    100: "Continue",
    200: "Connection established",
    400: "Bad Request",
    403: "Forbidden",
    429: "Too Many Requests",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    417: "Expectation Failed",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"
AUTH_CHALLENGE = 'Proxy-Authenticate: Basic realm="botwarden"'
_CODE = re.compile(r"[a-z0-9-]{1,64}")


def reply(
    status: int, body: bytes, content_type: str, *, close: bool, extra: tuple[str, ...] = ()
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Cache-Control: no-store",
        *extra,
    ]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def plain(status: int, text: str, *, close: bool = True, extra: tuple[str, ...] = ()) -> bytes:
    body = f"botwarden: {text}\n".encode("utf-8", "backslashreplace")
    return reply(status, body, "text/plain; charset=utf-8", close=close, extra=extra)


_STATUS = {Code.BUDGET_EXHAUSTED: 429, Code.BREAKER_OPEN: 503, Code.STORE_ERROR: 503}


def denial_status(decision: Decision) -> int:
    """429 for a spent budget, 503 for an open breaker or a failed store, else 403."""
    return _STATUS.get(decision.code, 403)


def denial(decision: Decision, method: str, target: str, *, as_json: bool, close: bool) -> bytes:
    """403 naming the reason and the rule; the code goes in a header only if it is a plain slug.

    A spent budget is 429 and an open breaker 503, both with ``Retry-After`` when the decision
    knows when the request could succeed, so well-behaved clients back off by themselves.
    """
    code = decision.code.value
    status = denial_status(decision)
    extra: tuple[str, ...] = (f"X-Botwarden-Decision: {code}",) if _CODE.fullmatch(code) else ()
    if decision.retry_after is not None and status != 403:
        extra += (f"Retry-After: {max(1, math.ceil(decision.retry_after))}",)
    if as_json:
        document = {"error": "denied", "method": method, "target": target, **decision.to_dict()}
        body = (json.dumps(document) + "\n").encode("utf-8")
        return reply(status, body, "application/json", close=close, extra=extra)
    text = f"denied {method} {target}: {decision.reason} (rule: {decision.rule}, code: {code})"
    return plain(status, text, close=close, extra=extra)


def auth_required(*, wrong: bool, close: bool) -> bytes:
    text = (
        "wrong proxy credentials"
        if wrong
        else "proxy authentication required: send Proxy-Authorization: Basic base64(bot:token)"
    )
    return plain(407, text, close=close, extra=(AUTH_CHALLENGE,))


__all__ = [
    "AUTH_CHALLENGE",
    "CONTINUE",
    "ESTABLISHED",
    "REASONS",
    "auth_required",
    "denial",
    "plain",
    "reply",
]
