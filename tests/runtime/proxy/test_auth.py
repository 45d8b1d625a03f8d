"""Proxy credentials: Basic bot:token, compared in constant time; a private tokens file."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from botwarden.errors import UsageError
from botwarden.runtime.proxy.auth import ProxyAuth, basic_credentials, read_tokens_file

AUTH = ProxyAuth({"alpha": "s3cret", "beta": "other:token"})


@pytest.mark.parametrize(
    ("header", "bot"),
    [
        (basic_credentials("alpha", "s3cret"), "alpha"),
        (b"basic " + base64.b64encode(b"alpha:s3cret"), "alpha"),
        (basic_credentials("beta", "other:token"), "beta"),
        (basic_credentials("alpha", "wrong"), None),
        (basic_credentials("alpha", "s3cret "), None),
        (basic_credentials("beta", "s3cret"), None),
        (basic_credentials("gamma", "s3cret"), None),
        (b"Basic " + base64.b64encode(b"alpha"), None),
        (b"Bearer s3cret", None),
        (b"Basic !!!", None),
        (b"Basic " + base64.b64encode(b"\xff:\xfe"), None),
        (None, None),
    ],
)
def test_credentials(header: bytes | None, bot: str | None) -> None:
    assert AUTH.bot_for(header) == bot


@pytest.mark.parametrize(("bot", "token"), [("", "t"), ("a:b", "t"), ("a", "")])
def test_unusable_tokens(bot: str, token: str) -> None:
    with pytest.raises(UsageError):
        ProxyAuth({bot: token})


def test_tokens_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("# bots\nalpha: s3cret\n\nbeta:other:token\n", encoding="utf-8")
    path.chmod(0o600)
    assert read_tokens_file(path) == {"alpha": "s3cret", "beta": "other:token"}


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_tokens_file_must_be_private(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "tokens"
    path.write_text("alpha:s3cret\n", encoding="utf-8")
    path.chmod(mode)
    with pytest.raises(UsageError, match="group or others") as caught:
        read_tokens_file(path)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [("alpha\n", "expected 'bot:token'"), ("alpha:\n", "expected"), ("a:x\na:y\n", "twice")],
)
def test_bad_tokens_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tokens"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(UsageError, match=message) as caught:
        read_tokens_file(path)
    assert ":2:" in str(caught.value) or ":1:" in str(caught.value)


def test_missing_tokens_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        read_tokens_file(tmp_path / "absent")
