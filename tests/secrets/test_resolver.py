"""The resolver's cache: TTL, refresh ahead, stale while error, rotation after a refusal."""

from __future__ import annotations

import time

import pytest

from botwarden.manifest import parse_manifest
from botwarden.secrets.resolver import SecretResolver
from botwarden.secrets.value import Fetched, SecretError, SecretValue

MANIFEST = parse_manifest(
    'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\nenvironment = "development"\n'
    '[secret.token]\nsource = "env:BOT_TOKEN"\n'
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rotating:
    """A provider whose value the test rotates, and which the test can make fail."""

    scheme = "env"

    def __init__(self) -> None:
        self.version = 1
        self.calls = 0
        self.failing = False

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        self.calls += 1
        if self.failing:
            raise SecretError(f"{locator}: the secrets manager is down")
        return Fetched(SecretValue(f"value-number-{self.version:04d}"), version=str(self.version))

    def close(self) -> None:
        pass


def make(**options: float) -> tuple[SecretResolver, Rotating, Clock]:
    provider, clock = Rotating(), Clock()
    resolver = SecretResolver(MANIFEST, {"env": provider}, clock=clock, jitter=0, **options)
    return resolver, provider, clock


def test_cached_for_its_ttl_then_fetched_again() -> None:
    resolver, provider, clock = make(ttl=60, refresh_ahead=0)
    assert resolver.get("token").reveal() == "value-number-0001"
    clock.now += 59
    provider.version = 2
    assert resolver.get("token").reveal() == "value-number-0001"
    assert provider.calls == 1
    clock.now += 2
    assert resolver.get("token").reveal() == "value-number-0002"
    assert provider.calls == 2


def test_refreshes_ahead_in_the_background() -> None:
    resolver, provider, clock = make(ttl=100, refresh_ahead=0.2)
    resolver.get("token")
    provider.version = 2
    clock.now += 85  # inside the last 20 %: the old value now, a refresh behind the scenes
    assert resolver.get("token").reveal() == "value-number-0001"
    deadline = time.monotonic() + 5
    while provider.calls < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert resolver.get("token").reveal() == "value-number-0002"


def test_stale_while_error_for_a_bounded_time() -> None:
    resolver, provider, clock = make(ttl=60, refresh_ahead=0, stale_for=300)
    resolver.get("token")
    provider.failing = True
    clock.now += 200  # expired, the provider is down: the old value, within the bound
    assert resolver.get("token").reveal() == "value-number-0001"
    clock.now += 200  # beyond ttl + stale_for: the error
    with pytest.raises(SecretError, match="down"):
        resolver.get("token")


def test_a_refusal_refetches_once_and_returns_the_rotated_value() -> None:
    resolver, provider, clock = make(ttl=3600, min_refresh=5)
    resolver.get("token")
    provider.version = 2
    clock.now += 10
    assert resolver.rejected("token") == SecretValue("value-number-0002")
    assert resolver.get("token").reveal() == "value-number-0002"
    assert resolver.rejected("token") is None  # refetched less than min_refresh ago
    clock.now += 10
    assert resolver.rejected("token") is None  # refetched, but nothing changed


def test_an_undeclared_secret_is_an_error_naming_the_declared_ones() -> None:
    resolver, _, _ = make()
    with pytest.raises(SecretError, match="declared: token"):
        resolver.get("other")


def test_values_never_show_themselves() -> None:
    value = SecretValue("sk-live-abcdefghijklmnopqrstuvwx")
    for shown in (str(value), repr(value), f"{value}", f"{value!r}", str([value])):
        assert "abcdefghijklmnop" not in shown
    assert "sk-l" in repr(value)
    assert "****" in repr(SecretValue("short"))
    with pytest.raises(TypeError):
        __import__("pickle").dumps(value)


def test_the_log_filter_takes_revealed_values_out_of_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from botwarden.secrets.logfilter import RedactSecrets

    resolver, _, _ = make()
    value = resolver.get("token").reveal()
    logger = logging.getLogger("bot.test")
    logger.addFilter(RedactSecrets(resolver))
    with caplog.at_level(logging.INFO, logger="bot.test"):
        logger.info("calling with Authorization: Bearer %s", value)
        try:
            raise RuntimeError(f"upstream refused key {value}")
        except RuntimeError:
            logger.exception("failed")
    assert value not in caplog.text
    assert "valu…01" in caplog.text
