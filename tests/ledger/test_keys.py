"""Signing keys: the two file formats, the mode check, public keys, and ``write_key_pair``."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from botwarden.ledger import LedgerError, write_key_pair
from botwarden.ledger.keys import (
    key_id,
    load_public_key,
    load_signing_key,
    sign_checkpoint,
    signature_problem,
)


def test_key_pair_is_written_private_first(tmp_path: Path) -> None:
    private = tmp_path / "ledger.key"
    public, ident = write_key_pair(private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public == tmp_path / "ledger.key.pub"
    key = load_signing_key(private)
    assert key_id(key.public_key()) == ident == key_id(load_public_key(public))
    assert key_id(load_public_key(private)) == ident  # the private file gives its public half
    with pytest.raises(LedgerError, match="already exists"):
        write_key_pair(private)
    _, other = write_key_pair(private, force=True)
    assert other != ident


def test_a_raw_seed_is_a_key(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "seed"
    path.write_bytes(key.private_bytes_raw())
    path.chmod(0o400)
    assert key_id(load_signing_key(path).public_key()) == key_id(key.public_key())


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_key_others_can_reach_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "ledger.key"
    write_key_pair(path)
    path.chmod(mode)
    with pytest.raises(LedgerError, match="accessible to other users") as caught:
        load_signing_key(path)
    assert caught.value.hint == f"chmod 600 {path}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"short", "not an Ed25519 key"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not an Ed25519 key"),
        (b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a readable PEM"),
    ],
)
def test_bad_key_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(LedgerError, match=message):
        load_public_key(path)


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=r"missing\.key: cannot read key file"):
        load_signing_key(tmp_path / "missing.key")


def test_an_rsa_key_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    path = tmp_path / "rsa.pem"
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    with pytest.raises(LedgerError, match="not an Ed25519 private key"):
        load_signing_key(path)


def test_a_signature_covers_every_field() -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = sign_checkpoint(key, "a", 7, bytes(32), 1000.0)
    assert signature_problem(key.public_key(), checkpoint) is None
    for changed in (
        {"instance": "b"}, {"seq": 8}, {"hash": bytes([1]) * 32}, {"time": 1000.5},
    ):  # fmt: skip
        from dataclasses import replace

        forged = replace(checkpoint, **changed)  # type: ignore[arg-type]
        assert "does not verify" in (signature_problem(key.public_key(), forged) or "")
