"""The kill switch and key listing, one body over every backend (leasing included)."""

from __future__ import annotations

import pytest

from botwarden.stores import Kill, StateStore


def test_kill_and_revive(any_store: StateStore) -> None:
    assert any_store.killed("bibliobot") is None
    any_store.kill("bibliobot", "egress spree", "alice", now=1000.5)
    assert any_store.killed("bibliobot") == Kill("bibliobot", "egress spree", "alice", 1000.5)
    assert any_store.killed("otherbot") is None
    assert any_store.revive("bibliobot") is True
    assert any_store.killed("bibliobot") is None
    assert any_store.revive("bibliobot") is False


def test_a_second_kill_replaces_the_first(any_store: StateStore) -> None:
    any_store.kill("bot", "first", "alice", now=1)
    any_store.kill("bot", "second", "bob", now=2)
    assert any_store.killed("bot") == Kill("bot", "second", "bob", 2)
    assert any_store.killed_bots() == [Kill("bot", "second", "bob", 2)]


def test_killed_bots_are_sorted_and_any_text_survives(any_store: StateStore) -> None:
    names = ["zeta", "alpha", "bot:with:colons", "ünïcødé 🤖", "{tag}"]
    for n, name in enumerate(names):
        any_store.kill(name, f"reason «{n}»\nsecond line", "ops@example.com", now=float(n))
    kills = any_store.killed_bots()
    assert [kill.bot for kill in kills] == sorted(names)
    assert {kill.bot: kill.reason for kill in kills}["ünïcødé 🤖"] == "reason «3»\nsecond line"


def test_kill_uses_the_time_now_when_not_given(any_store: StateStore) -> None:
    import time

    before = time.time()
    any_store.kill("bot", "r", "me")
    kill = any_store.killed("bot")
    assert kill is not None
    assert before - 1 <= kill.at <= time.time() + 1


def test_keys_lists_budgets_and_breakers_under_a_prefix(any_store: StateStore) -> None:
    any_store.rate("b:bibliobot:host:api.feedly.com:requests", 10, 60, now=1000)
    any_store.volume("b:bibliobot:total:bytes", 10, 100, 60, now=1000)
    any_store.breaker("b:bibliobot:host:api.feedly.com", "failure", 5, 60, now=1000)
    any_store.rate("b:bibliobot2:total:requests", 10, 60, now=1000)
    any_store.rate("b:other:total:requests", 10, 60, now=1000)
    any_store.rate("b:bibliobot:weird:*?[]\\{x}\x00é", 10, 60, now=1000)
    any_store.kill("bibliobot", "r", "me", now=1)
    assert any_store.keys("b:bibliobot:") == [
        "b:bibliobot:host:api.feedly.com",
        "b:bibliobot:host:api.feedly.com:requests",
        "b:bibliobot:total:bytes",
        "b:bibliobot:weird:*?[]\\{x}\x00é",
    ]
    assert any_store.keys("b:bibliobot:weird:*") == ["b:bibliobot:weird:*?[]\\{x}\x00é"]
    assert any_store.keys("b:nobody") == []
    assert len(any_store.keys("")) == 6


def test_keys_does_not_list_reads_of_unknown_keys(any_store: StateStore) -> None:
    any_store.breaker("b:x:breaker", None, 5, 60, now=1000)
    any_store.rate("b:x:rate", 10, 60, cost=0, now=1000)
    any_store.volume("b:x:volume", 0, 10, 60, now=1000)
    any_store.rate("b:x:refused", 10, 60, cost=11, now=1000)
    assert any_store.keys("b:x:") == []


@pytest.mark.parametrize("bot", ["\ud800"])
def test_kill_refuses_keys_that_are_not_utf8(any_store: StateStore, bot: str) -> None:
    with pytest.raises(ValueError, match="UTF-8"):
        any_store.kill(bot, "r", "me")
