"""Drift of one bot: read its lock, check the signature, compare with the tree.

Used by the ``drift`` check of ``botwarden audit`` and by ``botwarden drift``. The command also
compares the deployed IAM policies with the policy the manifest generates; in an audit the
``permissions`` check already does that for every policy in the folder (``iam.over-privileged``,
``iam.under-privileged``), so the audit's drift check leaves it out and each fact is reported
once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from botwarden.drift import rules
from botwarden.drift.compare import compare
from botwarden.drift.lock import LOCK_NAME, MAX_LOCK_BYTES, Lock, LockError, parse_lock
from botwarden.drift.sign import signature_problem
from botwarden.drift.snapshot import deployed_files, snapshot
from botwarden.findings import Finding, Location
from botwarden.manifest import Manifest


@dataclass(frozen=True, slots=True)
class DriftOptions:
    """``always_track``: report an untracked bot even when its manifest has no ``[deploy]``;
    ``compare_policies``: also compare deployed IAM policies with the generated one."""

    verify_key: Ed25519PublicKey | None = None
    always_track: bool = False
    compare_policies: bool = False


def lock_path(manifest_file: Path) -> Path:
    return manifest_file.parent / LOCK_NAME


def read_lock(path: Path, shown: str) -> Lock:
    """The lock at ``path``; :class:`LockError` for anything that is not a readable lock."""
    try:
        if path.stat().st_size > MAX_LOCK_BYTES:
            raise LockError(shown, None, f"larger than {MAX_LOCK_BYTES} bytes; not a lock")
        raw = path.read_bytes()
    except OSError as exc:
        raise LockError(shown, None, f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LockError(shown, raw[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None
    return parse_lock(text, shown)


def drift_findings(
    manifest: Manifest,
    manifest_file: Path,
    shown: Callable[[Path], str],
    options: DriftOptions,
) -> Iterator[Finding]:
    """Every drift finding for the bot whose manifest is ``manifest_file``."""
    path = lock_path(manifest_file)
    lock_shown = shown(path)
    base = manifest_file.parent
    if not path.is_file():
        if manifest.deploy.files or options.always_track:
            yield Finding.of(
                rules.UNTRACKED,
                f"no {LOCK_NAME} beside the manifest: changes to the deployed configuration "
                "since review cannot be told apart",
                Location(lock_shown),
                key="untracked",
            )
        if options.compare_policies:
            yield from _policies_vs_generated(manifest, base, shown)
        return
    try:
        recorded = read_lock(path, lock_shown)
    except LockError as exc:
        yield Finding.of(rules.LOCK_INVALID, exc.reason, Location(lock_shown, exc.line),
                         key="invalid")  # fmt: skip
        return
    yield from _signature(recorded, options.verify_key, lock_shown)
    current = snapshot(manifest, manifest_file)
    yield from compare(recorded, current, manifest, lambda rel: shown(base / rel))
    if options.compare_policies:
        yield from _policies_vs_generated(manifest, base, shown)


def _signature(lock: Lock, key: Ed25519PublicKey | None, shown: str) -> Iterator[Finding]:
    if key is None:
        return
    if lock.signature is None:
        yield Finding.of(rules.UNSIGNED, "a verification key is configured but the lock is not "
                         "signed", Location(shown, 1), key="unsigned")  # fmt: skip
        return
    problem = signature_problem(lock, key)
    if problem is not None:
        yield Finding.of(rules.SIGNATURE, problem, Location(shown, lock.line("signature")),
                         key=f"signature:{lock.signature.value}")  # fmt: skip


def _policies_vs_generated(
    manifest: Manifest, base: Path, shown: Callable[[Path], str]
) -> Iterator[Finding]:
    """``iam.over-privileged`` and ``iam.under-privileged`` for the deployed IAM policies."""
    from botwarden.audit.target import Target
    from botwarden.iam.analysis import PrincipalView
    from botwarden.iam.compare import over_privileged, under_privileged
    from botwarden.iam.database import default_database
    from botwarden.iam.model import PolicyKind
    from botwarden.iam.parse import PolicyParseError, looks_like_policy_file, read_policy_file

    reader = Target(base)
    documents = []
    for path in deployed_files(base, manifest.deploy.files).values():
        if not looks_like_policy_file(path, reader.read_text(path) or ""):
            continue
        try:
            documents += read_policy_file(path, shown(path)).documents
        except PolicyParseError:
            continue  # reported by the permissions check as iam.invalid-policy
    identity = [d for d in documents if d.kind is PolicyKind.IDENTITY]
    if identity:
        yield from over_privileged(PrincipalView(default_database(), identity), manifest)
        yield from under_privileged(identity, manifest)
