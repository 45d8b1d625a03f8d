"""The ``env:`` and ``file:`` providers: secrets the deployment already puts next to the bot.

Both are allowed so that a bot can start somewhere, but neither knows when a value was rotated:
``env:`` has no metadata at all (the audit flags it outside development), and ``file:`` can only
offer the file's modification time as the value's age. A file secret readable by anyone but its
owner is refused rather than used, because by then it has already leaked to the other accounts.

Either may hold a JSON object, from which ``#field`` picks one string member.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from botwarden.secrets.value import Fetched, SecretError, SecretValue

_OPEN_TO_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def pick_field(text: str, field: str | None, where: str) -> str:
    """``text`` itself, or with ``field`` that string member of the JSON object ``text`` holds.

    Error messages name ``where`` and the field, never any part of the text.
    """
    if field is None:
        return text
    document = _json_or_none(text)  # parsed outside any except block: no error refers to text
    if document is None:
        raise SecretError(f"{where}: asked for field {field!r} but the secret isn't JSON")
    if not isinstance(document, Mapping):
        raise SecretError(f"{where}: asked for field {field!r} but the secret is not a JSON object")
    return field_of(document, field, where)


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def field_of(document: Mapping[str, object], field: str, where: str) -> str:
    """One string member of a secret's map, or an error naming the fields there are."""
    if field not in document:
        names = ", ".join(sorted(map(repr, document))) or "none"
        raise SecretError(f"{where}: no field {field!r} (fields: {names})")
    value = document[field]
    if not isinstance(value, str):
        kind = type(value).__name__
        raise SecretError(f"{where}: field {field!r} holds a {kind}, not a string")
    return value


def _not_empty(value: str, where: str) -> str:
    if not value:
        raise SecretError(f"{where}: the secret is empty")
    return value


class EnvProvider:
    """``env:NAME``: the value of an environment variable (read at each fetch)."""

    scheme = "env"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        where = f"env:{locator}"
        if stage is not None:
            raise SecretError(f"{where}: environment variables have no version stages")
        value = self._environ.get(locator)
        if value is None:
            raise SecretError(f"{where}: the environment variable {locator} is not set")
        return Fetched(SecretValue(_not_empty(pick_field(value, field, where), where)))

    def close(self) -> None:
        pass


class FileProvider:
    """``file:PATH``: a file only its owner can read; one trailing newline is not part of it."""

    scheme = "file"

    def __init__(self, base: Path | None = None) -> None:
        self._base = base  # relative locators are resolved from here (default: the working dir)

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        where = f"file:{locator}"
        if stage is not None:
            raise SecretError(f"{where}: files have no version stages")
        path = Path(locator).expanduser()
        if self._base is not None and not path.is_absolute():
            path = self._base / path
        text, modified = _read_private(path, where)
        value = _not_empty(pick_field(_strip_newline(text), field, where), where)
        return Fetched(SecretValue(value), created=modified)

    def close(self) -> None:
        pass


def _read_private(path: Path, where: str) -> tuple[str, datetime]:
    """The text of ``path`` and its mtime, checked on the same open file (no swap in between)."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            _check_private(info, path, where)
            data = handle.read()
    except SecretError:
        raise
    except IsADirectoryError:
        raise SecretError(f"{where}: {path} is not a regular file") from None
    except OSError as exc:
        raise SecretError(f"{where}: cannot read {path}: {exc.strerror or exc}") from None
    text = _utf8_or_none(data)  # decoded outside any except block: no error refers to the bytes
    if text is None:
        raise SecretError(f"{where}: {path} is not UTF-8 text")
    return text, datetime.fromtimestamp(info.st_mtime, tz=UTC)


def _utf8_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _check_private(info: os.stat_result, path: Path, where: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise SecretError(f"{where}: {path} is not a regular file")
    if info.st_mode & _OPEN_TO_OTHERS:
        mode = stat.filemode(info.st_mode)
        raise SecretError(
            f"{where}: {path} is open to other accounts ({mode}): run 'chmod 600 {path}' "
            "(and rotate the secret if others may have read it)",
            hint=f"chmod 600 {path}",
        )


def _strip_newline(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")


__all__ = ["EnvProvider", "FileProvider", "field_of", "pick_field"]
