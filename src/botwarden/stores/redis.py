"""A fleet's shared state in Redis: one Lua script per operation, the server's clock.

Key layout (``P`` is the URL's ``?prefix=``, default ``botwarden:``; ``K`` the caller's key)::

    P rate:{K}    string  GCRA theoretical arrival time      expires when the budget is full again
    P vol:{K}     hash    win, cur, prev (sliding window)     expires after the next window
    P brk:{K}     hash    state, failures, until, touched     expires after the breaker's idle time
    P kills       hash    bot -> {"reason", "by", "at"}       never expires

Every operation touches one key, so it is atomic on one server and lands in one slot of a cluster;
the ``{K}`` hash tag also keeps a key's rate, volume and breaker together. Scripts run by
``EVALSHA``, loaded again with ``EVAL`` when the server forgot them (a restart, a fail-over).

Redis client retries are off: a take whose answer was lost may have been applied, so repeating it
could charge twice. Connect and answer timeouts are the store's timeout.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from botwarden.stores import redis_scripts
from botwarden.stores.base import (
    DEFAULT_TIMEOUT,
    BreakerState,
    Kill,
    Outcome,
    StoreError,
    Take,
    check_breaker,
    check_key,
    check_kill,
    check_rate,
    check_volume,
)
from botwarden.stores.urls import DEFAULT_PREFIX, redact_url, scrub

T = TypeVar("T")
_KINDS = ("rate", "vol", "brk")
_GLOB = re.compile(r"([*?\[\]\\])")


class RedisStore:
    """State in one Redis database, under a key prefix."""

    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX, timeout: float = DEFAULT_TIMEOUT,
                 redacted: str | None = None, secrets: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.url = redacted or redact_url(url)
        self.prefix = prefix
        self._secrets = secrets
        try:
            self._client = redis.Redis.from_url(
                url, socket_timeout=timeout, socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 0), retry_on_timeout=False,
            )  # fmt: skip
        except (redis.RedisError, ValueError) as exc:
            raise self._error("open", exc) from exc
        self._rate = self._client.register_script(redis_scripts.RATE)
        self._volume = self._client.register_script(redis_scripts.VOLUME)
        self._breaker = self._client.register_script(redis_scripts.BREAKER)
        self._kills = f"{prefix}kills"

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        check_rate(key, limit, period, cost)
        args = [repr(float(limit)), repr(float(period)), repr(float(cost)), _now(now)]
        reply = self._call(f"rate {key!r}", lambda: self._rate([self._key("rate", key)], args))
        return _take(reply)

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        check_volume(key, amount, limit, period)
        args = [repr(float(amount)), repr(float(limit)), repr(float(period)), _now(now)]
        reply = self._call(f"volume {key!r}", lambda: self._volume([self._key("vol", key)], args))
        return _take(reply)

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        check_breaker(key, outcome, threshold, cool_down)
        args = [outcome or "", str(threshold), repr(float(cool_down)), _now(now)]
        keys = [self._key("brk", key)]
        state, failures, retry = self._call(f"breaker {key!r}", lambda: self._breaker(keys, args))
        return BreakerState(state.decode(), int(float(failures)), float(retry))

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        check_kill(bot, reason, by)
        at = time.time() if now is None else now
        record = json.dumps({"reason": reason, "by": by, "at": at})
        self._call(f"kill {bot!r}", lambda: self._client.hset(self._kills, bot, record))

    def revive(self, bot: str) -> bool:
        check_kill(bot)
        return bool(self._call(f"revive {bot!r}", lambda: self._client.hdel(self._kills, bot)))

    def killed(self, bot: str) -> Kill | None:
        check_kill(bot)
        record = self._call(f"killed {bot!r}", lambda: self._client.hget(self._kills, bot))
        return None if record is None else self._kill(bot, record)

    def killed_bots(self) -> list[Kill]:
        records = self._call("killed_bots", lambda: self._client.hgetall(self._kills))
        kills = [self._kill(bot.decode(), record) for bot, record in records.items()]
        return sorted(kills, key=lambda kill: kill.bot)

    def keys(self, prefix: str) -> list[str]:
        check_key(prefix)
        pattern = f"{_glob(self.prefix)}*:{{{_glob(prefix)}*"
        found = self._call(
            f"keys {prefix!r}", lambda: list(self._client.scan_iter(match=pattern, count=1000))
        )
        keys = {key for raw in found if (key := self._unkey(raw.decode("utf-8"))) is not None}
        return sorted(key for key in keys if key.startswith(prefix))

    def close(self) -> None:
        self._client.close()

    # -- helpers ----------------------------------------------------------------------------

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}{kind}:{{{key}}}"

    def _unkey(self, name: str) -> str | None:
        """The caller's key inside one of ours, or None for a key that is not ours."""
        if not (name.startswith(self.prefix) and name.endswith("}")):
            return None
        kind, sep, rest = name[len(self.prefix) :].partition(":{")
        return rest[:-1] if sep and kind in _KINDS else None

    def _kill(self, bot: str, record: bytes) -> Kill:
        try:
            data = cast(dict[str, Any], json.loads(record))
            return Kill(bot, str(data["reason"]), str(data["by"]), float(data["at"]))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise self._error(
                f"killed {bot!r}", ValueError(f"unreadable kill record: {exc}")
            ) from exc

    def _call(self, op: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except (redis.RedisError, OSError) as exc:
            raise self._error(op, exc) from exc

    def _error(self, op: str, exc: BaseException) -> StoreError:
        cause = scrub(str(exc).strip() or type(exc).__name__, self._secrets)
        return StoreError(f"state store {self.url}: {op}: {cause}")


def _now(now: float | None) -> str:
    return "" if now is None else repr(float(now))


def _glob(text: str) -> str:
    """``text`` matched literally by a SCAN pattern."""
    return _GLOB.sub(r"\\\1", text)


def _take(reply: list[bytes]) -> Take:
    allowed, remaining, retry_after, used = reply
    return Take(allowed == b"1", float(remaining), float(retry_after), float(used))
