"""Per-key digests of config files: which keys changed, never their values."""

from __future__ import annotations

import pytest

from botwarden.drift.digest import key_digests


@pytest.mark.parametrize(
    ("name", "text", "keys"),
    [
        ("a.toml", 'x = 1\n[db]\npassword = "p"\n', ["db.password", "x"]),
        ("a.json", '{"x": 1, "db": {"password": "p"}}', ["db.password", "x"]),
        ("a.yaml", "x: 1\ndb:\n  password: p\n", ["db.password", "x"]),
        ("a.YML", "x: 1\n", ["x"]),
        ("a.yaml", "---\na: 1\n---\nb: 2\n", ["[0].a", "[1].b"]),  # one entry per document
        ("a.yaml", "when: 2024-01-02\n", ["when"]),  # dates are values like any other
    ],
)
def test_keys_of_each_format(name: str, text: str, keys: list[str]) -> None:
    found = key_digests(name, text.encode())
    assert found is not None
    assert sorted(found) == keys
    assert all(digest.startswith("sha256:") for digest in found.values())


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.yaml", "a: [unclosed\n"),
        ("a.yaml", "!!python/object/apply:os.system [ls]\n"),  # never constructed
        ("a.yaml", 'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n'),  # aliases: not expanded
        ("a.ini", "x = 1\n"),
        ("a.json", "[" * 5000),
    ],
)
def test_files_that_give_no_keys(name: str, text: str) -> None:
    assert key_digests(name, text.encode()) is None


def test_a_changed_value_changes_only_its_key() -> None:
    before = key_digests("a.yaml", b"db:\n  host: h\n  password: one\n")
    after = key_digests("a.yaml", b"db:\n  host: h\n  password: two\n")
    assert before is not None
    assert after is not None
    assert before["db.host"] == after["db.host"]
    assert before["db.password"] != after["db.password"]
    assert "one" not in str(before)
