"""The local encrypted store: round trips, versions, permissions, keys, tampering, atomic writes."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden.secrets.local import KEY_ENV, LocalProvider, LocalStore
from botwarden.secrets.value import SecretError

SECRET = "sk-live-0123456789abcdefDEADBEEF"


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / ".botwarden" / "secrets.json")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def document(store: LocalStore) -> dict:
    return json.loads(store.path.read_text(encoding="utf-8"))


def save(store: LocalStore, doc: dict) -> None:
    store.path.write_text(json.dumps(doc), encoding="utf-8")


def assert_no_value(exc: BaseException, *values: str) -> None:
    for value in values:
        for shown in (str(exc), repr(exc), *map(str, exc.args)):
            assert value not in shown


# -- round trips -------------------------------------------------------------------------------

names = st.text(min_size=1, max_size=40).filter(lambda s: s.isprintable() and s == s.strip())
values = st.text(min_size=1, max_size=200)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names, value=values)
def test_round_trip_of_any_unicode_name_and_value(store: LocalStore, name: str, value: str) -> None:
    version = store.set(name, value)
    fetched = store.get(name)
    assert fetched.value.reveal() == value
    assert fetched.version == str(version)


def test_set_get_rotate_history_list(tmp_path: Path) -> None:
    moments = iter(datetime(2025, 1, day, tzinfo=UTC) for day in range(1, 10))
    store = LocalStore(tmp_path / "s.json", keep=3, clock=lambda: next(moments))
    assert store.set("feedly_token", "value-one-0000") == 1
    assert store.set("other", "other-value-000") == 1
    assert store.rotate("feedly_token", "value-two-0000") == 2
    assert store.set("feedly_token", "value-three-00") == 3
    assert store.rotate("feedly_token", "value-four-000") == 4

    current = store.get("feedly_token")
    assert (current.value.reveal(), current.version) == ("value-four-000", "4")
    assert current.created == datetime(2025, 1, 5, tzinfo=UTC)
    assert store.get("feedly_token", 2).value.reveal() == "value-two-0000"
    with pytest.raises(SecretError, match=r"no version 1 \(kept: 2, 3, 4\)"):
        store.get("feedly_token", 1)
    assert [(v.version, v.rotated) for v in store.history("feedly_token")] == [
        (2, True), (3, False), (4, True),
    ]  # fmt: skip

    infos = {info.name: info for info in store.list()}
    assert list(infos) == ["feedly_token", "other"]
    token = infos["feedly_token"]
    assert token.versions == (2, 3, 4)
    assert token.current == 4
    assert token.created == datetime(2025, 1, 1, tzinfo=UTC)
    assert token.updated == datetime(2025, 1, 5, tzinfo=UTC)
    assert token.rotated == datetime(2025, 1, 5, tzinfo=UTC)
    assert infos["other"].rotated is None
    assert "value" not in repr(store.list()).replace("values", "")


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda s: s.rotate("missing", "x" * 20), "no secret 'missing'.*set. it first"),
        (lambda s: s.get("missing"), "no secret 'missing'"),
        (lambda s: s.history("missing"), "no secret 'missing'"),
        (lambda s: s.set("", "x" * 20), "secret name '' is not valid"),
        (lambda s: s.set("a\nb", "x" * 20), "is not valid"),
        (lambda s: s.set(" pad", "x" * 20), "is not valid"),
        (lambda s: s.set("ok", ""), "empty secret value"),
        (lambda s: s.set("ok", "bad \udc80 surrogate"), "not valid Unicode"),
    ],
)  # fmt: skip
def test_refusals(store: LocalStore, call: object, reason: str) -> None:
    with pytest.raises(SecretError, match=reason):
        call(store)  # type: ignore[operator]


def test_store_and_key_are_private_files(store: LocalStore) -> None:
    store.set("a", SECRET)
    key = store.path.parent / "secrets.key"
    assert mode(store.path) == 0o600
    assert mode(key) == 0o600
    assert len(key.read_bytes()) == 32
    assert mode(store.path.parent) == 0o700
    assert SECRET not in store.path.read_text(encoding="utf-8")


def test_each_encryption_uses_a_fresh_nonce(store: LocalStore) -> None:
    store.set("a", SECRET)
    store.set("a", SECRET)
    first, second = document(store)["secrets"]["a"]["versions"]
    assert first["nonce"] != second["nonce"]
    assert first["ciphertext"] != second["ciphertext"]
    assert len(base64.b64decode(first["nonce"])) == 12


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_mode", [0o644, 0o640, 0o604, 0o660, 0o606])
@pytest.mark.parametrize("which", ["store", "key"])
def test_open_files_are_refused(store: LocalStore, bad_mode: int, which: str) -> None:
    store.set("a", SECRET)
    path = store.path if which == "store" else store.path.parent / "secrets.key"
    path.chmod(bad_mode)
    with pytest.raises(SecretError, match=rf"open to group or others.*chmod 600 {path}") as info:
        store.get("a")
    assert_no_value(info.value, SECRET)
    path.chmod(0o600)
    assert store.get("a").value.reveal() == SECRET


# -- keys --------------------------------------------------------------------------------------


def test_wrong_key_file_is_named(store: LocalStore, tmp_path: Path) -> None:
    store.set("a", SECRET)
    other = tmp_path / "other.key"
    other.write_bytes(os.urandom(32))
    other.chmod(0o600)
    wrong = LocalStore(store.path, other)
    for call in (lambda: wrong.get("a"), lambda: wrong.set("b", SECRET)):
        with pytest.raises(SecretError, match="cannot decrypt: wrong key or tampered store") as e:
            call()
        assert_no_value(e.value, SECRET)
    assert [info.name for info in store.list()] == ["a"]  # not extended under a second key


def test_wrong_key_without_key_check_still_fails_closed(store: LocalStore, tmp_path: Path) -> None:
    store.set("a", SECRET)
    doc = document(store)
    doc["key_check"] = None
    save(store, doc)
    (store.path.parent / "secrets.key").write_bytes(os.urandom(32))
    with pytest.raises(SecretError, match="cannot decrypt: wrong key or tampered store"):
        store.get("a")


def test_missing_key_is_not_recreated_for_an_existing_store(store: LocalStore) -> None:
    store.set("a", SECRET)
    (store.path.parent / "secrets.key").unlink()
    for call in (lambda: store.get("a"), lambda: store.set("b", SECRET)):
        with pytest.raises(SecretError, match=r"no key: .* does not exist"):
            call()
    assert not (store.path.parent / "secrets.key").exists()


@pytest.mark.parametrize("size", [0, 16, 31, 33])
def test_key_file_of_wrong_size(store: LocalStore, size: int) -> None:
    key = store.path.parent / "secrets.key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"k" * size)
    key.chmod(0o600)
    with pytest.raises(SecretError, match="not a secrets key"):
        store.set("a", SECRET)


def test_key_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.urandom(32)
    monkeypatch.setenv(KEY_ENV, base64.b64encode(key).decode())
    store = LocalStore(tmp_path / "s.json")
    store.set("a", SECRET)
    assert not (tmp_path / "secrets.key").exists()
    assert store.get("a").value.reveal() == SECRET
    monkeypatch.setenv(KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SecretError, match=rf"wrong key or tampered store.*\${KEY_ENV}"):
        store.get("a")
    # an explicit key file wins over the variable
    (tmp_path / "k").write_bytes(key)
    (tmp_path / "k").chmod(0o600)
    assert LocalStore(tmp_path / "s.json", tmp_path / "k").get("a").value.reveal() == SECRET


@pytest.mark.parametrize("text", ["not base64!", base64.b64encode(b"short").decode(), "QUJD"])
def test_bad_environment_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(KEY_ENV, text)
    with pytest.raises(SecretError, match="must be 32 bytes in base64") as info:
        LocalStore(tmp_path / "s.json").set("a", SECRET)
    assert_no_value(info.value, text)


# -- tampering ---------------------------------------------------------------------------------


def _flip(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v.update(ciphertext=_flip(v["ciphertext"])),
        lambda v: v.update(nonce=_flip(v["nonce"])),
        lambda v: v.update(created="2020-01-01T00:00:00+00:00"),  # dodging max_age
        lambda v: v.update(version=7),
        lambda v: v.update(ciphertext="***not base64***"),
    ],
)
def test_tampered_versions_do_not_decrypt(store: LocalStore, tamper: object) -> None:
    store.set("a", SECRET)
    doc = document(store)
    tamper(doc["secrets"]["a"]["versions"][0])  # type: ignore[operator]
    save(store, doc)
    with pytest.raises(SecretError, match="cannot decrypt: wrong key or tampered store") as info:
        store.get("a")
    assert_no_value(info.value, SECRET)


def test_ciphertexts_swapped_between_names_do_not_decrypt(store: LocalStore) -> None:
    store.set("alpha", SECRET)
    store.set("beta", "another-secret-value-42")
    doc = document(store)
    a, b = doc["secrets"]["alpha"]["versions"][0], doc["secrets"]["beta"]["versions"][0]
    for field in ("nonce", "ciphertext", "created"):
        a[field], b[field] = b[field], a[field]
    save(store, doc)
    for name in ("alpha", "beta"):
        with pytest.raises(SecretError, match=f"tampered store \\('{name}' version 1\\)"):
            store.get(name)


def test_ciphertext_moved_to_another_version_does_not_decrypt(store: LocalStore) -> None:
    store.set("a", "first-value-0000")
    store.set("a", "second-value-000")
    doc = document(store)
    first, second = doc["secrets"]["a"]["versions"]
    second["nonce"], second["ciphertext"] = first["nonce"], first["ciphertext"]
    second["created"] = first["created"]
    save(store, doc)
    with pytest.raises(SecretError, match="tampered store"):
        store.get("a")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", r"not a botwarden secrets store \(line 1\)"),
        ("[]", "malformed store: expected format"),
        ('{"format": "other"}', "malformed store: expected format"),
        ('{"format": "botwarden-secrets/1", "key_check": null}', "missing 'secrets'"),
        ('{"format": "botwarden-secrets/1", "key_check": null, "secrets": {"a": {}}}',
         "no creation time"),
        ('{"format": "botwarden-secrets/1", "key_check": null, "secrets": {"a": '
         '{"created": "2025-01-01", "rotated": null, "versions": [{"version": true}]}}}',
         "malformed version"),
    ],
)  # fmt: skip
def test_malformed_store(store: LocalStore, content: str, reason: str) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text(content, encoding="utf-8")
    store.path.chmod(0o600)
    with pytest.raises(SecretError, match=reason):
        store.list()


# -- writing -----------------------------------------------------------------------------------


def test_writes_leave_no_temporary_files(store: LocalStore) -> None:
    for index in range(8):
        store.set(f"n{index % 3}", f"{SECRET}-{index}")
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["secrets.json", "secrets.key"]


def test_a_failed_write_leaves_the_old_store_and_no_temporary_file(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set("a", SECRET)
    before = store.path.read_bytes()

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space"):
        store.set("a", "new-value-00000000")
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["secrets.json", "secrets.key"]


# -- provider ----------------------------------------------------------------------------------


def test_provider_fetches_the_current_version(store: LocalStore) -> None:
    provider = LocalProvider(store)
    assert provider.scheme == "local"
    store.set("feedly_token", SECRET)
    store.rotate("feedly_token", SECRET + "-2")
    fetched = provider.fetch("feedly_token", None)
    assert (fetched.value.reveal(), fetched.version) == (SECRET + "-2", "2")
    assert fetched.created is not None
    assert datetime.now(UTC) - fetched.created < timedelta(minutes=5)
    provider.close()


@pytest.mark.parametrize(
    ("field", "stage", "reason"),
    [("token", None, "no fields"), (None, "AWSPENDING", "no version stages")],
)
def test_provider_refuses_fields_and_stages(
    store: LocalStore, field: str | None, stage: str | None, reason: str
) -> None:
    store.set("a", SECRET)
    with pytest.raises(SecretError, match=reason):
        LocalProvider(store).fetch("a", field, stage=stage)
