"""The tree as it is now, in the lock's terms: what ``botwarden lock`` writes and drift compares."""

from __future__ import annotations

import hashlib
from pathlib import Path

from botwarden.drift.digest import key_digests, policy_grants, sha256_hex
from botwarden.drift.lock import LOCK_NAME, Lock, Record
from botwarden.errors import UsageError
from botwarden.iam.generate import generate_from_manifest
from botwarden.manifest import Manifest

MAX_PARSED_BYTES = 4 << 20  # larger files are tracked by their digest alone


def deployed_files(base: Path, patterns: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Regular files below ``base`` matching any pattern, by POSIX path relative to ``base``.

    The lock itself is never deployed configuration; files reached through a link that leads
    outside ``base`` are skipped, as the patterns themselves cannot leave it.
    """
    root = base.resolve()
    found: dict[str, Path] = {}
    for pattern in patterns:
        for path in base.glob(pattern):
            is_lock = path.name == LOCK_NAME and path.parent == base
            if path.is_file() and not is_lock and path.resolve().is_relative_to(root):
                found.setdefault(path.relative_to(base).as_posix(), path)
    return dict(sorted(found.items()))


def file_record(path: Path, shown: str) -> Record:
    """Digest, config keys and IAM grants of one file."""
    try:
        size = path.stat().st_size
        if size > MAX_PARSED_BYTES:
            return Record(_stream_digest(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    text = None if b"\0" in raw[:8192] else raw.decode("utf-8", errors="replace")
    grants = policy_grants(path, text, shown)
    return Record(
        sha256_hex(raw),
        key_digests(path.name, raw),
        tuple(grants) if grants is not None else None,
    )


def _stream_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot(manifest: Manifest, manifest_file: Path) -> Lock:
    """The current state of the manifest, its deployed files and its generated policy."""
    from botwarden.drift.digest import generated_grants

    base = manifest_file.parent
    files = {
        relative: file_record(path, relative)
        for relative, path in deployed_files(base, manifest.deploy.files).items()
        if path.resolve() != manifest_file.resolve()
    }
    policy = generate_from_manifest(manifest)
    generated = Record(
        sha256_hex(policy.to_json().encode("utf-8")), grants=tuple(generated_grants(policy))
    )
    return Lock(
        manifest_path=manifest_file.name,
        manifest=file_record(manifest_file, manifest_file.name),
        patterns=tuple(manifest.deploy.files),
        files=files,
        generated=generated,
    )
