"""Ed25519 keys for signed checkpoints: reading key files, making one, signing and checking.

A signing key file holds either the raw 32-byte Ed25519 seed or a PEM private key (PKCS#8, as
``botwarden ledger keygen`` or ``openssl genpkey -algorithm ed25519`` write it); it must not be
readable or writable by group or others (mode 0600 or 0400). A public key file is PEM
(``-----BEGIN PUBLIC KEY-----``); a private key file is accepted too, its public half used.
A key's id is the first 16 hex digits of SHA-256 over its raw 32-byte public key.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from botwarden.ledger.interface import Checkpoint, LedgerError

_DOMAIN = b"botwarden-ledger-checkpoint-v1\n"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(*_RAW)).hexdigest()[:16]


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The private key in ``path``; refuses a file others may read or write."""
    data = _read(path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise LedgerError(
            f"{path}: signing key is accessible to other users (mode {stat.S_IMODE(mode):04o})",
            hint=f"chmod 600 {path}",
        )
    return _private(path, data)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key in ``path``: a PEM public key, or the public half of a private key file."""
    data = _read(path)
    if data.lstrip().startswith(b"-----BEGIN PUBLIC KEY-----"):
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise LedgerError(f"{path}: not a readable PEM public key: {exc}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise LedgerError(f"{path}: not an Ed25519 public key")
        return key
    return _private(path, data).public_key()


def write_key_pair(path: Path, *, force: bool = False) -> tuple[Path, str]:
    """Write a new private key to ``path`` (PEM, mode 0600) and its public key to ``path.pub``.

    Returns the public key's path and the key id. The private file is created with mode 0600
    from the start, never written first and restricted later.
    """
    key = Ed25519PrivateKey.generate()
    public_path = path.with_name(path.name + ".pub")
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        if force:
            path.unlink(missing_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
        public_path.write_bytes(public_pem)
    except FileExistsError:
        raise LedgerError(f"{path} already exists", hint="use --force to replace it") from None
    except OSError as exc:
        raise LedgerError(f"{path}: cannot be written: {exc.strerror or exc}") from None
    return public_path, key_id(key.public_key())


def checkpoint_payload(instance: str, seq: int, digest: bytes, when: float, signer: str) -> bytes:
    """The exact bytes a checkpoint signature covers."""
    fields = {"hash": digest.hex(), "instance": instance, "key": signer, "seq": seq, "time": when}
    return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign_checkpoint(
    key: Ed25519PrivateKey, instance: str, seq: int, digest: bytes, when: float
) -> Checkpoint:
    signer = key_id(key.public_key())
    signature = key.sign(checkpoint_payload(instance, seq, digest, when, signer))
    return Checkpoint(instance, seq, digest, when, signer, signature)


def signature_problem(public: Ed25519PublicKey, checkpoint: Checkpoint) -> str | None:
    """Why ``checkpoint`` is not a valid signature by ``public``, or None if it is."""
    expected = key_id(public)
    if checkpoint.key_id != expected:
        return f"checkpoint signed by key {checkpoint.key_id!r}, not by key {expected!r}"
    payload = checkpoint_payload(
        checkpoint.instance, checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.key_id
    )
    try:
        public.verify(checkpoint.signature, payload)
    except InvalidSignature:
        return "checkpoint signature does not verify: a forged or altered checkpoint"
    return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read key file: {exc.strerror or exc}") from None


def _private(path: Path, data: bytes) -> Ed25519PrivateKey:
    if len(data) == 32:
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LedgerError(
            f"{path}: not an Ed25519 key (expected a raw 32-byte seed or a PEM key): {reason}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError(f"{path}: not an Ed25519 private key")
    return key
