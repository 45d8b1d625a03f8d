"""Which bot a request speaks for, from ``Proxy-Authorization: Basic base64(bot:token)``.

Tokens are kept only as SHA-256 digests and compared with :func:`hmac.compare_digest`, so the time
a check takes does not depend on how much of a guess was right; an unknown bot name is compared
against a random digest for the same reason. Tokens are never logged or shown in an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from botwarden.errors import UsageError


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class ProxyAuth:
    """Maps credentials to a bot name; constant-time, digests only."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        for bot, token in tokens.items():
            if not bot or ":" in bot:
                raise UsageError(f"bot name {bot!r} cannot carry a token: it must be non-empty "
                                 "and have no ':'")  # fmt: skip
            if not token:
                raise UsageError(f"the token of bot {bot!r} is empty")
        self._digests = {bot: _digest(token) for bot, token in tokens.items()}
        self._decoy = _digest(secrets.token_hex(32))

    def bot_for(self, header: bytes | None) -> str | None:
        """The bot these credentials belong to, or None (missing, malformed or wrong)."""
        if header is None:
            return None
        scheme, _, encoded = header.strip().partition(b" ")
        if scheme.lower() != b"basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        bot, colon, token = decoded.partition(":")
        expected = self._digests.get(bot)
        match = hmac.compare_digest(_digest(token), expected or self._decoy)
        return bot if colon and expected is not None and match else None


def basic_credentials(bot: str, token: str) -> bytes:
    """The Proxy-Authorization value for a bot and its token."""
    return b"Basic " + base64.b64encode(f"{bot}:{token}".encode())


def read_tokens_file(path: Path) -> dict[str, str]:
    """Read ``bot:token`` lines (``#`` comments allowed) from a file only its owner can read."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the tokens file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the tokens file is not UTF-8 text") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(
            f"{path}: the tokens file is open to group or others (mode {stat.S_IMODE(mode):04o})",
            hint=f"make it private: chmod 600 {path}",
        )
    tokens: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        bot, colon, token = line.partition(":")
        bot, token = bot.strip(), token.strip()
        if not colon or not bot or not token:
            raise UsageError(f"{path}:{number}: expected 'bot:token' (the token is not shown)")
        if bot in tokens:
            raise UsageError(f"{path}:{number}: bot {bot!r} is listed twice")
        tokens[bot] = token
    return tokens


__all__ = ["ProxyAuth", "basic_credentials", "read_tokens_file"]
