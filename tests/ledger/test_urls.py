"""Store URLs: which backend each names, the default, and passwords never shown."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from botwarden.ledger import (
    LedgerError,
    ledger_url_beside,
    redact,
)
from botwarden.ledger.sqlite import SqliteLedgerStore
from botwarden.ledger.urls import store_from_url


@pytest.mark.parametrize(
    ("url", "path", "synchronous"),
    [
        ("sqlite:///.botwarden/state.db", Path(".botwarden/state.db"), "normal"),
        ("sqlite:////var/lib/bw/state.db", Path("/var/lib/bw/state.db"), "normal"),
        ("sqlite:///state.db?synchronous=FULL", Path("state.db"), "full"),
        ("sqlite:///with%20space.db", Path("with space.db"), "normal"),
    ],
)
def test_sqlite_urls(url: str, path: Path, synchronous: str) -> None:
    store = store_from_url(url)
    assert isinstance(store, SqliteLedgerStore)
    assert (store.path, store.synchronous) == (path, synchronous)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://state.db", "three slashes"),
        ("sqlite:///", "name the database file"),
        ("sqlite:///:memory:", "name the database file"),
        ("sqlite:///x.db?synchronous=off", "synchronous must be one of"),
        ("sqlite:///x.db?timeout=soon", "timeout must be a number"),
        ("redis://127.0.0.1:6379/0", "cannot live in Redis"),
        ("rediss://127.0.0.1:6379/0", "cannot live in Redis"),
        ("mysql://x", "not a ledger store URL"),
        ("state.db", "not a ledger store URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        store_from_url(url)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bw:s3cret@db:5432/x", "postgresql://bw:***@db:5432/x"),
        ("postgresql://db/x?user=bw&password=s3cret", "postgresql://db/x?user=bw&password=***"),
        ("postgresql://bw@db/x", "postgresql://bw@db/x"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=6, max_size=20))
def test_redact_never_shows_a_password(password: str) -> None:
    from urllib.parse import quote

    url = f"postgresql://bw:{quote(password, safe='')}@db/x?password={quote(password, safe='')}"
    shown = redact(url)
    assert shown == "postgresql://bw:***@db/x?password=***"


@pytest.mark.parametrize(
    ("store_url", "ledger_url"),
    [
        ("sqlite:///.botwarden/state.db", "sqlite:///.botwarden/ledger.db"),
        ("sqlite:///state.db?synchronous=full", "sqlite:///ledger.db?synchronous=full"),
        ("sqlite:////srv/bw/state.db?timeout=3", "sqlite:////srv/bw/ledger.db?timeout=3"),
        ("SQLITE:////srv/bw/state.db", "sqlite:////srv/bw/ledger.db"),
        ("sqlite:////srv/bw/ledger.db", "sqlite:////srv/bw/ledger.db"),
        ("postgresql://bw@db/bw", "postgresql://bw@db/bw"),
        ("memory://x", "memory://x"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_a_sqlite_stores_ledger_is_a_file_beside_it(store_url: str, ledger_url: str) -> None:
    assert ledger_url_beside(store_url) == ledger_url


_SEGMENT = st.lists(
    st.sampled_from(["a", "b9", "X.", "_-", " ", "%2F", "%20", "%25", "%"]), min_size=1, max_size=4
).map("".join)


@given(
    st.lists(_SEGMENT, min_size=1, max_size=4), st.booleans(), st.sampled_from(["", "?timeout=3"])
)
def test_the_ledger_beside_a_store_is_in_its_folder(
    parts: list[str], absolute: bool, query: str
) -> None:
    location = ("/" if absolute else "") + "/".join(parts)
    beside = ledger_url_beside(f"sqlite:///{location}{query}")
    store = store_from_url(beside)
    assert isinstance(store, SqliteLedgerStore)
    opened = Path(unquote(location))  # the file the state store opens
    assume(not unquote(location).endswith("/"))
    assert (store.path.parent, store.path.name) == (opened.parent, "ledger.db")
    assert beside.endswith(query)
    assert ledger_url_beside(beside) == beside
