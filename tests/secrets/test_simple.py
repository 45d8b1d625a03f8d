"""The ``env:`` and ``file:`` providers: values, JSON fields, and refusals that leak nothing."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.secrets.simple import EnvProvider, FileProvider, pick_field
from botwarden.secrets.value import SecretError

VALUE = "sk-live-9f8e7d6c5b4a39281706"


# -- env: -------------------------------------------------------------------------------------


def test_env_reads_the_variable_at_each_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", VALUE)
    provider = EnvProvider()
    assert provider.fetch("BOT_TOKEN", None).value.reveal() == VALUE
    monkeypatch.setenv("BOT_TOKEN", VALUE + "-rotated")
    fetched = provider.fetch("BOT_TOKEN", None)
    assert fetched.value.reveal() == VALUE + "-rotated"
    assert (fetched.version, fetched.created, fetched.stages) == (None, None, ())


def test_env_picks_a_field_of_json() -> None:
    provider = EnvProvider({"CREDS": json.dumps({"user": "bot", "password": VALUE})})
    assert provider.fetch("CREDS", "password").value.reveal() == VALUE


@pytest.mark.parametrize(
    ("environ", "name", "field", "stage", "reason"),
    [
        ({}, "BOT_TOKEN", None, None, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": ""}, "BOT_TOKEN", None, None, "is empty"),
        ({"BOT_TOKEN": VALUE}, "BOT_TOKEN", "token", None, "isn't JSON"),
        ({"BOT_TOKEN": json.dumps([VALUE])}, "BOT_TOKEN", "token", None, "not a JSON object"),
        ({"BOT_TOKEN": json.dumps({"key": VALUE})}, "BOT_TOKEN", "token", None, "no field 'token'"),
        ({"BOT_TOKEN": json.dumps({"token": 5})}, "BOT_TOKEN", "token", None, "holds a int"),
        ({"BOT_TOKEN": VALUE}, "BOT_TOKEN", None, "AWSPENDING", "no version stages"),
    ],
)
def test_env_refusals(
    environ: dict[str, str],
    name: str,
    field: str | None,
    stage: str | None,
    reason: str,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    with refused(reason, VALUE):
        EnvProvider(environ).fetch(name, field, stage=stage)


# -- file: ------------------------------------------------------------------------------------


def _secret_file(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "token"
    path.write_text(text, encoding="utf-8", newline="")
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALUE, VALUE),
        (VALUE + "\n", VALUE),
        (VALUE + "\r\n", VALUE),
        (VALUE + "\n\n", VALUE + "\n"),  # only one newline is the editor's; the rest is the value
        (" " + VALUE + " \n", " " + VALUE + " "),
    ],
)
def test_file_strips_one_trailing_newline(tmp_path: Path, text: str, expected: str) -> None:
    path = _secret_file(tmp_path, text)
    assert FileProvider().fetch(str(path), None).value.reveal() == expected


def test_file_created_is_its_mtime_and_rotation_is_seen(tmp_path: Path) -> None:
    path = _secret_file(tmp_path, VALUE + "\n", 0o400)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    provider = FileProvider()
    first = provider.fetch(str(path), None)
    assert first.created == datetime.fromtimestamp(1_700_000_000, tz=UTC)
    path.chmod(0o600)
    path.write_text(VALUE + "-rotated\n", encoding="utf-8")
    os.utime(path, (1_800_000_000, 1_800_000_000))
    second = provider.fetch(str(path), None)
    assert second.value.reveal() == VALUE + "-rotated"
    assert second.created == datetime.fromtimestamp(1_800_000_000, tz=UTC)


def test_file_relative_paths_start_at_the_base(tmp_path: Path) -> None:
    _secret_file(tmp_path, json.dumps({"token": VALUE}))
    assert FileProvider(base=tmp_path).fetch("token", "token").value.reveal() == VALUE


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_file_unreadable(tmp_path: Path, refused) -> None:  # type: ignore[no-untyped-def]
    path = _secret_file(tmp_path, VALUE, 0o000)
    with refused("cannot read", VALUE):
        FileProvider().fetch(str(path), None)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o610, 0o666])
def test_file_open_to_others_is_refused_with_the_fix(
    tmp_path: Path,
    mode: int,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    path = _secret_file(tmp_path, VALUE, mode)
    with refused(r"open to other accounts .*chmod 600", VALUE) as info:
        FileProvider().fetch(str(path), None)
    assert info.value.hint == f"chmod 600 {path}"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing", "cannot read"),
        (lambda d: d, "not a regular file"),
        (lambda d: _secret_file(d, ""), "is empty"),
        (lambda d: _secret_file(d, "\n"), "is empty"),
        (lambda d: d / "bin", "not UTF-8"),
    ],
)
def test_file_refusals(tmp_path: Path, make, reason: str, refused) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bin").write_bytes(b"\xff\xfe" + VALUE.encode())
    (tmp_path / "bin").chmod(0o600)
    tmp_path.chmod(0o700)
    with refused(reason, VALUE):
        FileProvider().fetch(str(make(tmp_path)), None)


def test_file_has_no_stages(tmp_path: Path, refused) -> None:  # type: ignore[no-untyped-def]
    path = _secret_file(tmp_path, VALUE)
    with refused("no version stages", VALUE):
        FileProvider().fetch(str(path), None, stage="AWSPREVIOUS")


# -- JSON fields ------------------------------------------------------------------------------


@given(
    st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=20), min_size=1, max_size=5)
)
def test_pick_field_finds_every_member_and_errors_never_show_values(
    document: dict[str, str],
) -> None:
    text = json.dumps(document)
    for name, value in document.items():
        assert pick_field(text, name, "env:X") == value
    try:
        pick_field(text, "\x00absent", "env:X")
    except SecretError as exc:
        message = str(exc)
        names = ", ".join(sorted(map(repr, document)))
        assert message == f"env:X: no field '\\x00absent' (fields: {names})"  # names, no values
    else:
        pytest.fail("an absent field was not refused")
