"""``botwarden lock``: record the reviewed state, signed when a key is given."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from botwarden.drift.check import lock_path
from botwarden.drift.lock import Lock
from botwarden.drift.sign import sign
from botwarden.drift.snapshot import snapshot
from botwarden.errors import UsageError
from botwarden.manifest import Manifest


def make_lock(manifest: Manifest, manifest_file: Path, key: Ed25519PrivateKey | None) -> Lock:
    lock = snapshot(manifest, manifest_file)
    if key is None:
        return lock
    return Lock(lock.manifest_path, lock.manifest, lock.patterns, lock.files, lock.generated,
                sign(lock, key))  # fmt: skip


def write_lock(manifest: Manifest, manifest_file: Path, key: Ed25519PrivateKey | None) -> Lock:
    """Write ``botwarden.lock`` beside the manifest, atomically (a reader never sees half)."""
    lock = make_lock(manifest, manifest_file, key)
    target = lock_path(manifest_file)
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=".botwarden.lock.", dir=target.parent)
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(lock.to_text())
        temporary.chmod(0o644)  # a lock is reviewed and committed, not secret
        temporary.replace(target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise UsageError(f"{target}: cannot be written: {exc.strerror or exc}") from None
    return lock
