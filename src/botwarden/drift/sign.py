"""Signing a lock with the ledger's Ed25519 keys, and checking the signature.

The same key files as ``botwarden ledger keygen`` writes (a private key readable by its owner
only, and ``KEY.pub``), read by the ledger's own functions. A signature covers the lock's body as
compact, key-sorted JSON behind a domain prefix, so a lock signature can never be replayed as a
ledger checkpoint signature or the other way round.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from botwarden.drift.lock import Lock, Signature, canonical_body
from botwarden.ledger.keys import key_id, load_public_key, load_signing_key

_DOMAIN = b"botwarden-lock-v1\n"
SIGN_KEY_ENV = "BOTWARDEN_LOCK_SIGN_KEY"
VERIFY_KEY_ENV = "BOTWARDEN_LOCK_VERIFY_KEY"


def signing_key(path: Path | None) -> Ed25519PrivateKey | None:
    """``path``, else ``$BOTWARDEN_LOCK_SIGN_KEY``, else no signing (None)."""
    chosen = path or _from_env(SIGN_KEY_ENV)
    return load_signing_key(chosen) if chosen else None


def verify_key(path: Path | None) -> Ed25519PublicKey | None:
    """``path``, else ``$BOTWARDEN_LOCK_VERIFY_KEY``, else no verification (None)."""
    chosen = path or _from_env(VERIFY_KEY_ENV)
    return load_public_key(chosen) if chosen else None


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def sign(lock: Lock, key: Ed25519PrivateKey) -> Signature:
    value = key.sign(_DOMAIN + canonical_body(lock))
    return Signature(key_id(key.public_key()), base64.b64encode(value).decode("ascii"))


def signature_problem(lock: Lock, public: Ed25519PublicKey) -> str | None:
    """Why the lock's signature is not a valid one by ``public``; None when it is valid.

    An unsigned lock is the caller's case to handle (it is a different finding).
    """
    signature = lock.signature
    if signature is None:
        return "the lock is not signed"
    expected = key_id(public)
    if signature.key_id != expected:
        return f"signed by key {signature.key_id}, not by the verification key {expected}"
    try:
        raw = base64.b64decode(signature.value, validate=True)
        public.verify(raw, _DOMAIN + canonical_body(lock))
    except (binascii.Error, ValueError, InvalidSignature):
        return "the signature does not match the lock's content: the lock was altered after signing"
    return None
