"""A secret's value, wrapped so that printing, logging or serialising it never shows it.

Every provider returns a :class:`Fetched` whose ``value`` is a :class:`SecretValue`: ``str()``,
``repr()`` and f-strings give a redacted form (at most the first 4 and the last 2 characters, and
nothing at all for short values); only :meth:`SecretValue.reveal` gives the value, so that each
place where a secret leaves the process is visible in the code.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from botwarden.errors import Error

_SHOWN_MIN = 12  # below this length nothing of the value is shown


def redact(value: str) -> str:
    """``ab12…yz`` for a long value, ``****`` for a short one: never enough to use it."""
    if len(value) < _SHOWN_MIN:
        return "****"
    return f"{value[:4]}…{value[-2:]}"


class SecretValue:
    """A secret string that does not show itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself: call this only where the secret is handed to whoever needs it."""
        return self._value

    def __repr__(self) -> str:
        return f"SecretValue({redact(self._value)!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretValue):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("SecretValue", self._value))

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self) -> str:
        raise TypeError("a SecretValue cannot be pickled: reveal() it deliberately if you must")


class SecretError(Error):
    """A secret that cannot be fetched, stored or decrypted; the message never holds a value."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One fetch of a secret from its provider, with what the provider knows about it."""

    value: SecretValue
    version: str | None = None  # the provider's version id (KV version, AWS VersionId, ...)
    created: datetime | None = None  # when this version was created (for max_age)
    stages: tuple[str, ...] = ()  # AWS version stages, e.g. ("AWSCURRENT",)
    lease_seconds: float | None = None  # how long the provider says the value may be cached


class SecretProvider(Protocol):
    """Fetches secrets for one ``source`` scheme (``local``, ``env``, ``file``, ``vault``, ...)."""

    scheme: str

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        """The current value (or, with ``stage``, e.g. ``AWSPENDING``, that version's)."""
        ...

    def close(self) -> None: ...


__all__ = ["Fetched", "SecretError", "SecretProvider", "SecretValue", "redact"]
