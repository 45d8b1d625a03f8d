"""The derived IAM index cached on disk, so a run need not parse and index 13 MB of JSON.

Loading ``iam-definition.json`` costs ~0.2 s (parsing, then numbering 20,000 actions); reading
back the index it produced costs ~0.045 s, hashing the source included. A cached index is only
a faster way to the same answer, never a different source of truth, so:

* it is keyed by the SHA-256 of the definition's bytes (read and hashed on every run), by
  botwarden's version, by a digest of the code that builds the index and by the Python version:
  a newer or edited definition, or a newer botwarden, simply misses and rebuilds. It is never
  found by looking around; the definition is chosen first (``_source.choose``), then its index;
* the file holds the full key and a SHA-256 of its payload, both checked on load: a truncated,
  corrupt or foreign file is ignored and rebuilt;
* it lives in the user's cache directory (``$XDG_CACHE_HOME/botwarden`` or
  ``~/.cache/botwarden``), else a private per-user folder in the temp directory; files not
  owned by the user, or in a folder others can write to, are never read;
* it is written atomically (a temp file in the same folder, then ``os.replace``) with mode 0600;
* ``BOTWARDEN_IAM_CACHE=off`` (or ``IamDatabase.load(..., cache=False)``) turns it off.

The format is ``marshal`` (only lists, tuples, dicts, strings, ints and bools: no code is ever
loaded) behind a header; marshal's format depends on the Python version, which is in the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botwarden._version import __version__
from botwarden.iam.database._source import IamDatabaseError

CACHE_ENV = "BOTWARDEN_IAM_CACHE"
FORMAT = 2  # bump when the layout of the payload changes
MAGIC = b"botwarden-iam-index\n"
KEEP = 4  # index files kept per folder (one per definition recently used); older ones pruned
_OFF = frozenset({"0", "off", "no", "false", "never"})
_ON = frozenset({"", "1", "on", "yes", "true", "auto"})
_DIGEST = 32

# The modules whose code decides what the index holds: editing them invalidates old indexes
# even while botwarden's version number stays the same (as it does between releases).
_BUILDERS = ("_model.py", "_core.py", "_resources.py", "_arn.py", "_cache.py")


def enabled(requested: bool | None) -> bool:
    """Whether to use the cache: the caller's choice, else ``$BOTWARDEN_IAM_CACHE`` (on)."""
    if requested is not None:
        return requested
    value = os.environ.get(CACHE_ENV, "").strip().lower()
    if value in _OFF:
        return False
    if value in _ON:
        return True
    raise IamDatabaseError(
        f"{CACHE_ENV}={os.environ[CACHE_ENV].strip()!r} is not a setting",
        hint=f"set {CACHE_ENV}=off to turn the IAM index cache off, or unset it",
    )


def folders() -> list[Path]:
    """Where indexes may live, in order: the user's cache directory, then a private temp one."""
    found: list[Path] = []
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec ignores relative paths
        found.append(Path(xdg) / "botwarden")
    else:
        with contextlib.suppress(RuntimeError):  # no home directory to speak of
            found.append(Path.home() / ".cache" / "botwarden")
    user = os.getuid() if hasattr(os, "getuid") else "user"
    found.append(Path(tempfile.gettempdir()) / f"botwarden-{user}")
    return found


def _code_digest() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _BUILDERS:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # installed without sources: the version still keys the index
            digest.update(name.encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class IndexCache:
    """The cache entry of one definition (its bytes' hash) under this botwarden and Python."""

    key: tuple[Any, ...]
    name: str
    places: tuple[Path, ...]

    @classmethod
    def for_source(cls, raw: bytes, places: list[Path] | None = None) -> IndexCache:
        source = hashlib.sha256(raw).hexdigest()
        python = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
        key = (FORMAT, __version__, source, _code_digest(), python, marshal.version)
        tag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        return cls(key, f"iam-index-{source[:16]}-{tag}.bin", tuple(places or folders()))

    def read(self) -> tuple[Any, Path] | None:
        """The cached index and its file, or None when none can be trusted (then rebuild)."""
        for folder in self.places:
            found = _read_entry(folder / self.name, self.key)
            if found is not None:
                return found, folder / self.name
        return None

    def write(self, index: Any) -> Path | None:
        """Store the index in the first folder that takes it; None when none does (no cache)."""
        payload = marshal.dumps((self.key, _shared_strings(index, {})))
        blob = MAGIC + hashlib.sha256(payload).digest() + payload
        for folder in self.places:
            if _write_entry(folder, self.name, blob):
                _prune(folder, keep=self.name)
                return folder / self.name
        return None


def _private(folder: Path) -> bool:
    """Ours and not writable by others: a folder whose files nobody else could have planted."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_entry(path: Path, key: tuple[Any, ...]) -> Any | None:
    if not _private(path.parent):
        return None
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None
            blob = handle.read()
    except OSError:
        return None
    head = len(MAGIC)
    if not blob.startswith(MAGIC) or len(blob) < head + _DIGEST:
        return None
    payload = blob[head + _DIGEST :]
    if hashlib.sha256(payload).digest() != blob[head : head + _DIGEST]:
        return None  # truncated or corrupt
    try:
        # Safe here: the folder and file are the user's own (so only the user could have
        # written them) and the digest matched; marshal builds data, it never runs code.
        stored_key, index = marshal.loads(payload)  # noqa: S302
    except (ValueError, EOFError, TypeError):
        return None
    return index if stored_key == key else None


def _write_entry(folder: Path, name: str, blob: bytes) -> bool:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    if not _private(folder):
        return False
    try:
        handle, temp = tempfile.mkstemp(prefix=".iam-index-", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).replace(folder / name)  # atomic: readers see the old file or the whole new one
    except OSError:
        Path(temp).unlink(missing_ok=True)
        return False
    return True


def _prune(folder: Path, keep: str) -> None:
    """Keep the newest few indexes: each definition a user points at has its own."""
    try:
        entries = [p for p in folder.glob("iam-index-*.bin") if p.name != keep]
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP - 1 :]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _shared_strings(value: Any, seen: dict[str, str]) -> Any:
    """The same structure with equal strings made one object: marshal then writes each once,
    and the loaded index shares them (a smaller file, a faster load, less memory)."""
    if isinstance(value, str):
        return seen.setdefault(value, value)
    if isinstance(value, tuple):
        return tuple(_shared_strings(item, seen) for item in value)
    if isinstance(value, list):
        return [_shared_strings(item, seen) for item in value]
    if isinstance(value, dict):
        return {_shared_strings(k, seen): _shared_strings(v, seen) for k, v in value.items()}
    return value
