"""Path readings: a capability must admit every way a server could read the path."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.policy.paths import path_forms, query_forms, remove_dot_segments


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/b/c/./../../g", "/a/g"),  # RFC 3986 section 5.2.4's examples
        ("/mid/content=5/../6", "/mid/6"),
        ("/a/b/..", "/a/"),
        ("/a/.", "/a/"),
        ("/..", "/"),
        ("/../../x", "/x"),
        ("/a/..b/c", "/a/..b/c"),
        ("/plain", "/plain"),
    ],
)
def test_remove_dot_segments(path: str, expected: str) -> None:
    assert remove_dot_segments(path) == expected


@pytest.mark.parametrize(
    ("path", "forms"),
    [
        ("/a/b", ("/a/b",)),
        ("/a/%62", ("/a/b",)),  # unreserved escapes mean the character itself
        ("/a/%2e%2e/b", ("/b",)),
        ("/a/..%2fb", ("/a/..%2Fb", "/b")),
        ("/a/..%5Cb", ("/a/..%5Cb", "/b")),
        ("/a\\..\\b", ("/a\\..\\b", "/b")),
        ("/a/%252e", ("/a/%252e", "/a/%2e")),
        ("a/b", ("/a/b",)),
    ],
)
def test_path_forms(path: str, forms: tuple[str, ...]) -> None:
    assert path_forms(path) == forms


def test_query_forms() -> None:
    assert query_forms("q=a") == ("q=a",)
    assert query_forms("q=%61%26admin=1") == ("q=%61%26admin=1", "q=a&admin=1")


segment = st.sampled_from(["a", "b", ".", "..", "%2e", "%2E%2e", "%2f", "c%20d", ""])


@given(st.lists(segment, max_size=8))
def test_no_form_climbs_above_the_root_and_none_keeps_dot_segments(parts: list[str]) -> None:
    path = "/" + "/".join(parts)
    for form in path_forms(path):
        assert form.startswith("/")
        assert "/../" not in form + "/"
        assert "/./" not in form + "/"


@given(st.lists(st.sampled_from(["a", "b", ".", ".."]), max_size=8))
def test_plain_paths_agree_with_posixpath(parts: list[str]) -> None:
    path = "/" + "/".join(parts)
    (form,) = path_forms(path)
    assert posixpath.normpath(form) == posixpath.normpath(posixpath.normpath(path))
