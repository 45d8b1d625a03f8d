"""Store URLs: what each scheme opens, what is refused and why, and redaction (hypothesis)."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from botwarden.stores import MemoryStore, StoreError, open_state_store, redact_url
from botwarden.stores.leasing import LeasingStore
from botwarden.stores.postgres import PostgresStore
from botwarden.stores.redis import RedisStore
from botwarden.stores.sqlite import SqliteStore
from botwarden.stores.urls import parse_store_url, url_secrets


@pytest.mark.parametrize(
    ("url", "kind", "target", "timeout", "prefix"),
    [
        ("memory://", "memory", "", 2.0, "botwarden:"),
        ("sqlite:///.botwarden/state.db", "sqlite", ".botwarden/state.db", 2.0, "botwarden:"),
        ("sqlite:////srv/bot/state.db", "sqlite", "/srv/bot/state.db", 2.0, "botwarden:"),
        ("sqlite://localhost//srv/my%20bot/s.db?timeout=0.5", "sqlite", "/srv/my bot/s.db", 0.5,
         "botwarden:"),
        ("redis://127.0.0.1:6379/0", "redis", "redis://127.0.0.1:6379/0", 2.0, "botwarden:"),
        ("rediss://:pw@cache:6380/2?prefix=fleet%3A&timeout=1&ssl_cert_reqs=none", "redis",
         "rediss://:pw@cache:6380/2?ssl_cert_reqs=none", 1.0, "fleet:"),
        ("postgresql://bot@db:5432/state?options=-csearch_path%3Dbw&timeout=3", "postgresql",
         "postgresql://bot@db:5432/state?options=-csearch_path%3Dbw", 3.0, "botwarden:"),
        ("postgres:///state?host=/run/postgresql", "postgresql",
         "postgres:///state?host=/run/postgresql", 2.0, "botwarden:"),
    ],
)  # fmt: skip
def test_parse(url: str, kind: str, target: str, timeout: float, prefix: str) -> None:
    parsed = parse_store_url(url)
    assert (parsed.kind, parsed.target, parsed.timeout, parsed.prefix) == (
        kind, target, timeout, prefix,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "no scheme"),
        ("state.db", "no scheme"),
        ("mysql://db/state", "unknown scheme 'mysql'"),
        ("sqlite://remote-host/state.db", "a SQLite store is a local file"),
        ("sqlite:///", "no file name"),
        ("sqlite:///folder/", "no file name"),
        ("redis:///0", "no host"),
        ("redis://h/0?timeout=soon", "timeout='soon' is not a number of seconds"),
        ("redis://h/0?timeout=0", "timeout='0' is not a number"),
        ("redis://h/0?timeout=nan", "timeout='nan'"),
        ("postgresql://h/db?prefix=x", "?prefix= is for redis:// stores only"),
    ],
)
def test_refused_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(StoreError, match="state store") as caught:
        open_state_store(url)
    assert reason in caught.value.message


def test_refusals_never_show_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_state_store("mysql://admin:hunter2@db/state")
    assert "hunter2" not in caught.value.message
    assert "mysql://admin:***@db/state" in caught.value.message


@pytest.mark.parametrize(
    ("url", "cls"),
    [("memory://", MemoryStore), ("sqlite:///s.db", SqliteStore),
     ("redis://127.0.0.1:1/0", RedisStore), ("postgresql://u@127.0.0.1:1/db", PostgresStore)],
)  # fmt: skip
def test_opening_never_connects(url: str, cls: type) -> None:
    store = open_state_store(url)
    assert isinstance(store, cls)
    assert store.url == url
    store.close()


def test_leasing_keeps_the_inner_url() -> None:
    assert LeasingStore(open_state_store("memory://")).url == "memory://"


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("redis://:pw@h:1/0", "redis://:***@h:1/0"),
        ("redis://user:pw@h:1/0", "redis://user:***@h:1/0"),
        ("redis://user@h:1/0", "redis://user@h:1/0"),
        ("postgresql://u:p%40ss@h/db?sslpassword=x&options=-c%20a",
         "postgresql://u:***@h/db?sslpassword=***&options=-c%20a"),
        ("postgresql://u@h/db?password=pw#frag", "postgresql://u@h/db?password=***#frag"),
        ("redis://h/0?auth_token=t&prefix=p", "redis://h/0?auth_token=***&prefix=p"),
        ("sqlite:////abs/state.db", "sqlite:////abs/state.db"),
        ("not a url at all", "not a url at all"),
        ("x://a:b@[::1", "x://a:***@[::1"),
    ],
)  # fmt: skip
def test_redact(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


PASSWORDS = st.text(string.ascii_letters + string.digits + string.punctuation + "é ", min_size=6)


@given(password=PASSWORDS, user=st.text(string.ascii_lowercase, max_size=8),
       scheme=st.sampled_from(["redis", "rediss", "postgresql", "mysql", "x"]))  # fmt: skip
def test_redaction_hides_any_password(password: str, user: str, scheme: str) -> None:
    hidden = quote(password, safe="")
    url = f"{scheme}://{user}:{hidden}@db.internal:5432/x?password={quote(password)}"
    shown = redact_url(url)
    assume(password not in f"{scheme}://{user}:***@db.internal:5432/x?password=***")
    assert password not in shown
    assert quote(password, safe="") not in shown
    assert redact_url(shown) == shown
    assert set(url_secrets(url)) >= {quote(password, safe=""), password}


@given(st.text())
def test_redaction_never_raises(text: str) -> None:
    assert isinstance(redact_url(text), str)


SCHEME = st.sampled_from(["memory://", "sqlite:///", "sqlite://", "redis://", "rediss://",
                          "postgresql://", "postgres://", "ftp://", ""])  # fmt: skip
URL_TEXT = st.text(string.printable + "é[]@:%/?#&=", max_size=40)


@given(st.builds(lambda scheme, rest: scheme + rest, SCHEME, URL_TEXT))
def test_any_text_either_opens_or_is_refused_as_a_store_error(text: str) -> None:
    try:
        store = open_state_store(text)
    except StoreError as error:
        assert error.message.startswith("state store ")
    else:
        store.close()
