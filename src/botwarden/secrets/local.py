"""The ``local:`` provider: botwarden's embedded encrypted secret store.

One JSON file (``.botwarden/secrets.json``) keeps, per secret name, its last few versions. Each
value is sealed with AES-256-GCM under a fresh 96-bit nonce, with the store format, the secret's
name, its version and that version's creation time as associated data: a ciphertext copied to
another name or version, or a creation time edited to dodge ``max_age``, no longer decrypts.

The key is 32 random bytes, from ``$BOTWARDEN_SECRETS_KEY`` (base64, for containers) or from a
key file (``.botwarden/secrets.key``, created on the first ``set``). Store and key file must be
mode 0600: anything readable by group or others is refused rather than trusted. The store also
keeps a short check value derived from its key, so a wrong key is named as such up front and a
store is never extended under a second key.

What the store does not protect against: someone who can write the file can delete its newest
version (rolling a secret back) or a whole secret; the metadata ``list`` shows is not
authenticated until a value is decrypted.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from botwarden.secrets.value import Fetched, SecretError, SecretValue

FORMAT = "botwarden-secrets/1"
KEY_ENV = "BOTWARDEN_SECRETS_KEY"
STORE_NAME = "secrets.json"
KEY_NAME = "secrets.key"
DEFAULT_KEEP = 5
KEY_BYTES = 32
NONCE_BYTES = 12
MAX_NAME = 200
_TAMPERED = "cannot decrypt: wrong key or tampered store"


def default_paths(base: Path) -> tuple[Path, Path]:
    """The store and key file under ``base/.botwarden`` (``base`` is the manifest's folder)."""
    folder = base / ".botwarden"
    return folder / STORE_NAME, folder / KEY_NAME


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One kept version of a secret, without its value."""

    version: int
    created: datetime
    rotated: bool  # made by ``rotate`` rather than ``set``


@dataclass(frozen=True, slots=True)
class SecretInfo:
    """What ``list`` shows about a secret: never its value."""

    name: str
    versions: tuple[int, ...]  # the kept versions, oldest first
    created: datetime  # when the secret was first set
    updated: datetime  # when its current version was created (what ``max_age`` measures)
    rotated: datetime | None  # the last ``rotate``, if any

    @property
    def current(self) -> int:
        return self.versions[-1]


class LocalStore:
    """An encrypted file of versioned secrets; every call re-reads the file, so rotations made
    by another process are seen at once."""

    def __init__(
        self,
        path: Path,
        key_path: Path | None = None,
        *,
        keep: int = DEFAULT_KEEP,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if keep < 1:
            raise SecretError(f"keep must be at least 1 version, not {keep}")
        self.path = Path(path)
        self.key_path = Path(key_path) if key_path is not None else None
        self.keep = keep
        self._clock = clock

    # -- public API ------------------------------------------------------------------------

    def set(self, name: str, value: str) -> int:
        """Store ``value`` as the next version of ``name`` (creating it); returns the version."""
        return self._add(name, value, rotate=False)

    def rotate(self, name: str, value: str) -> int:
        """Like :meth:`set`, for a secret that exists, recording the rotation."""
        return self._add(name, value, rotate=True)

    def get(self, name: str, version: int | None = None) -> Fetched:
        """The current value of ``name`` (or the kept ``version``), decrypted."""
        document = self._read()
        entry = _secret(document, name, self.path)
        kept = entry["versions"]
        chosen = kept[-1] if version is None else _find_version(kept, name, version)
        key = self._key(document, create=False)
        created = _parse_time(chosen["created"], self.path)
        value = _open(key, name, chosen)
        return Fetched(value=SecretValue(value), version=str(chosen["version"]), created=created)

    def list(self) -> builtins.list[SecretInfo]:
        """Every secret's metadata, sorted by name; nothing is decrypted."""
        secrets = self._read()["secrets"]
        return [_info(name, secrets[name], self.path) for name in sorted(secrets)]

    def history(self, name: str) -> builtins.list[VersionInfo]:
        """The kept versions of ``name``, oldest first."""
        entry = _secret(self._read(), name, self.path)
        return [
            VersionInfo(v["version"], _parse_time(v["created"], self.path), bool(v["rotated"]))
            for v in entry["versions"]
        ]

    # -- writing ---------------------------------------------------------------------------

    def _add(self, name: str, value: str, *, rotate: bool) -> int:
        check_name(name)
        plaintext = _encode_value(value)
        with self._locked():
            document = self._read()
            secrets = document["secrets"]
            if rotate and name not in secrets:
                raise SecretError(f"no secret {name!r} in {self.path} to rotate: `set` it first")
            key = self._key(document, create=True)
            now = self._clock().astimezone(UTC).isoformat()
            entry = secrets.setdefault(name, {"created": now, "rotated": None, "versions": []})
            number = entry["versions"][-1]["version"] + 1 if entry["versions"] else 1
            entry["versions"].append(_seal(key, name, number, now, plaintext, rotated=rotate))
            del entry["versions"][: -self.keep]
            if rotate:
                entry["rotated"] = now
            document["key_check"] = _key_check(key)
            self._write(document)
        return number

    def _write(self, document: dict[str, Any]) -> None:
        """Temp file in the same folder, fsync, ``os.replace``: readers see old or new, whole."""
        data = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()
        fd, temp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp makes it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temp).replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            raise
        _fsync_dir(self.path.parent)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (an advisory lock on the store's folder), so no version is lost."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError as exc:
            raise SecretError(f"{self.path.parent}: cannot be used: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        """The parsed store (an empty one when the file does not exist yet)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return {"format": FORMAT, "key_check": None, "secrets": {}}
        except OSError as exc:
            raise SecretError(f"{self.path}: cannot be read: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as handle:
            _check_private(os.fstat(handle.fileno()), self.path, "store")
            raw = handle.read()
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise SecretError(f"{self.path}: not a botwarden secrets store{where}") from None
        return _validated(document, self.path)

    def _key(self, document: dict[str, Any], *, create: bool) -> bytes:
        key = self._load_key(create=create and not document["secrets"])
        expected = document.get("key_check")
        if expected is not None and not hmac.compare_digest(str(expected), _key_check(key)):
            raise SecretError(
                f"{_TAMPERED}: {self.path} was written with another key than {self._key_source()}"
            )
        return key

    def _key_source(self) -> str:
        if self.key_path is None and os.environ.get(KEY_ENV):
            return f"${KEY_ENV}"
        return str(self._key_file())

    def _key_file(self) -> Path:
        return self.key_path if self.key_path is not None else self.path.parent / KEY_NAME

    def _load_key(self, *, create: bool) -> bytes:
        """An explicit key file, else ``$BOTWARDEN_SECRETS_KEY``, else the default key file."""
        if self.key_path is None and os.environ.get(KEY_ENV):
            return _key_from_env(os.environ[KEY_ENV])
        path = self._key_file()
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            if create:
                return _create_key(path)
            raise SecretError(
                f"no key: {path} does not exist and ${KEY_ENV} is not set "
                "(restore the key file, or set the variable to the base64 key)"
            ) from None
        except OSError as exc:
            raise SecretError(f"{path}: cannot be read: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as handle:
            _check_private(os.fstat(handle.fileno()), path, "key file")
            key = handle.read()
        if len(key) != KEY_BYTES:
            raise SecretError(f"{path}: not a secrets key (expected {KEY_BYTES} bytes)")
        return key


class LocalProvider:
    """``local:NAME``: the current version of NAME from a :class:`LocalStore`."""

    scheme = "local"

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        if field is not None:
            raise SecretError(f"local:{locator}#{field}: local secrets have no fields; drop #...")
        if stage is not None:
            raise SecretError(f"local:{locator}: local secrets have no version stages ({stage})")
        return self.store.get(locator)

    def close(self) -> None:
        """Nothing to release: the store holds no open files between calls."""


# -- helpers -------------------------------------------------------------------------------


def check_name(name: str) -> None:
    """A name is 1 to 200 printable characters (it is shown in tables and error lines)."""
    if not name or len(name) > MAX_NAME or not name.isprintable() or name != name.strip():
        raise SecretError(
            f"secret name {name!r} is not valid: use 1 to {MAX_NAME} printable characters "
            "without leading or trailing spaces"
        )


def _encode_value(value: str) -> bytes:
    if not value:
        raise SecretError("refusing to store an empty secret value")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise SecretError("the secret value is not valid Unicode text") from None


def _aad(name: str, version: int, created: str) -> bytes:
    return json.dumps([FORMAT, name, version, created], ensure_ascii=False).encode()


def _seal(
    key: bytes, name: str, version: int, created: str, plaintext: bytes, *, rotated: bool
) -> dict[str, Any]:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _aad(name, version, created))
    return {
        "version": version,
        "created": created,
        "rotated": rotated,
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }


def _open(key: bytes, name: str, version: dict[str, Any]) -> str:
    try:
        nonce = base64.b64decode(version["nonce"], validate=True)
        sealed = base64.b64decode(version["ciphertext"], validate=True)
        aad = _aad(name, version["version"], version["created"])
        return AESGCM(key).decrypt(nonce, sealed, aad).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError, TypeError):
        raise SecretError(f"{_TAMPERED} ({name!r} version {version['version']})") from None


def _key_check(key: bytes) -> str:
    """A short tag that identifies the key without revealing anything usable about it."""
    return hmac.new(key, b"botwarden secrets key check", hashlib.sha256).hexdigest()[:16]


def _key_from_env(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretError(f"${KEY_ENV} must be {KEY_BYTES} bytes in base64 (44 characters)")
    return key


def _create_key(path: Path) -> bytes:
    key = os.urandom(KEY_BYTES)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise SecretError(f"{path}: cannot create the key file: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def _check_private(info: os.stat_result, path: Path, what: str) -> None:
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise SecretError(
            f"{path}: the secrets {what} is open to group or others (mode {mode:04o}); "
            f"run `chmod 600 {path}`"
        )


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _secret(document: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    entry = document["secrets"].get(name)
    if entry is None:
        raise SecretError(f"no secret {name!r} in {path}")
    return entry  # type: ignore[no-any-return]


def _find_version(kept: list[dict[str, Any]], name: str, version: int) -> dict[str, Any]:
    for entry in kept:
        if entry["version"] == version:
            return entry
    numbers = ", ".join(str(v["version"]) for v in kept)
    raise SecretError(f"secret {name!r} has no version {version} (kept: {numbers})")


def _info(name: str, entry: dict[str, Any], path: Path) -> SecretInfo:
    rotated = entry["rotated"]
    return SecretInfo(
        name=name,
        versions=tuple(v["version"] for v in entry["versions"]),
        created=_parse_time(entry["created"], path),
        updated=_parse_time(entry["versions"][-1]["created"], path),
        rotated=_parse_time(rotated, path) if rotated is not None else None,
    )


def _parse_time(text: str, path: Path) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise SecretError(f"{path}: malformed store: bad timestamp") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _validated(document: object, path: Path) -> dict[str, Any]:
    """The document, if it has the shape this module writes; otherwise a SecretError."""

    def bad(why: str) -> SecretError:
        return SecretError(f"{path}: malformed store: {why}")

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise bad(f"expected format {FORMAT!r}")
    secrets = document.get("secrets")
    if not isinstance(secrets, dict) or not isinstance(document.get("key_check"), str | None):
        raise bad("missing 'secrets' or bad 'key_check'")
    for name, entry in secrets.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("created"), str):
            raise bad(f"secret {name!r} has no creation time")
        if not isinstance(entry.get("rotated"), str | None):
            raise bad(f"secret {name!r} has a bad rotation time")
        versions = entry.get("versions")
        if not isinstance(versions, list) or not versions:
            raise bad(f"secret {name!r} has no versions")
        for version in versions:
            if not _version_ok(version):
                raise bad(f"secret {name!r} has a malformed version")
    return document


def _version_ok(version: object) -> bool:
    if not isinstance(version, dict):
        return False
    number = version.get("version")
    fields = ("created", "nonce", "ciphertext")
    return (
        isinstance(number, int)
        and not isinstance(number, bool)
        and number >= 1
        and all(isinstance(version.get(field), str) for field in fields)
        and isinstance(version.get("rotated"), bool)
    )


__all__ = [
    "DEFAULT_KEEP",
    "KEY_ENV",
    "LocalProvider",
    "LocalStore",
    "SecretInfo",
    "VersionInfo",
    "check_name",
    "default_paths",
]
