"""Settings: the TOML file that ships with the deployment, secrets included.

Keeping the API key and the AWS key pair in this file is one of the bot's mistakes: a logic update
went out without the matching settings, and nobody noticed the key inside had expired.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


class SettingsError(Exception):
    """The settings file is missing, is not TOML, or holds a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from ``settings.toml``; secrets are kept out of ``repr``."""

    feeds: tuple[str, ...]
    feedly_api_key: str = field(repr=False)
    feedly_key_created: date | None = None
    summaries_api_url: str | None = None
    aws_access_key_id: str | None = field(default=None, repr=False)
    aws_secret_access_key: str | None = field(default=None, repr=False)
    aws_region: str = "eu-west-1"
    out: str | None = None
    cache_dir: Path = Path(".cache")
    crawl_depth: int = 2
    timeout_seconds: float = 10.0
    max_page_bytes: int = 20 * 1024 * 1024
    user_agent: str = "bibliobot/0.3"

    @classmethod
    def from_toml(cls, path: Path) -> Settings:
        """Load and type-check ``path``; any problem is a ``SettingsError`` naming the file."""
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"{path}: cannot read settings: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
        try:
            return cls._from_mapping(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise SettingsError(f"{path}: {exc}") from exc

    @classmethod
    def _from_mapping(cls, raw: dict[str, Any]) -> Settings:
        feeds = raw["feeds"]
        if not isinstance(feeds, list) or not all(isinstance(url, str) for url in feeds):
            raise TypeError("'feeds' must be a list of URLs")
        created = raw.get("feedly_key_created")
        if created is not None and not isinstance(created, date):
            raise TypeError("'feedly_key_created' must be a TOML date such as 2024-03-02")
        return cls(
            feeds=tuple(feeds),
            feedly_api_key=_text(raw, "feedly_api_key") or "",
            feedly_key_created=created,
            summaries_api_url=_text(raw, "summaries_api_url"),
            aws_access_key_id=_text(raw, "aws_access_key_id"),
            aws_secret_access_key=_text(raw, "aws_secret_access_key"),
            aws_region=_text(raw, "aws_region") or cls.aws_region,
            out=_text(raw, "out"),
            cache_dir=Path(_text(raw, "cache_dir") or cls.cache_dir),
            crawl_depth=int(raw.get("crawl_depth", cls.crawl_depth)),
            timeout_seconds=float(raw.get("timeout_seconds", cls.timeout_seconds)),
            max_page_bytes=int(raw.get("max_page_bytes", cls.max_page_bytes)),
            user_agent=_text(raw, "user_agent") or cls.user_agent,
        )


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"'{key}' must be a string")
    return value
