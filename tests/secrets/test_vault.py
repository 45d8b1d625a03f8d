"""The ``vault:`` provider against a real OpenBao dev server: KV v2, token and AppRole, renewal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.secrets.conftest import KV_MOUNT, AppRole, Bao

from botwarden.secrets.value import SecretError
from botwarden.secrets.vault import VaultProvider, parse_locator, parse_time

VALUE = "fd-live-3b9e1c2a7d6f40b8"
ROTATED = "fd-live-rotated-5e4d3c2b1a09"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _write(bao: Bao, path: str, **data: str) -> None:
    bao.client().secrets.kv.v2.create_or_update_secret(path=path, secret=data, mount_point=KV_MOUNT)


# -- locators and times (no server) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("locator", "mount", "expected"),
    [
        ("kv/bots/bibliobot/feedly", None, ("kv", "bots/bibliobot/feedly")),
        ("/secret/app/", None, ("secret", "app")),
        ("team/kv/bots/x", "team/kv", ("team/kv", "bots/x")),
        ("team/kv/bots/x", "/team/kv/", ("team/kv", "bots/x")),
    ],
)
def test_locators(locator: str, mount: str | None, expected: tuple[str, str]) -> None:
    location = parse_locator(locator, mount)
    assert (location.mount, location.path) == expected


@pytest.mark.parametrize(
    ("locator", "mount", "reason"),
    [("kv", None, "MOUNT/PATH"), ("kv/", None, "MOUNT/PATH"), ("other/x", "kv", "under the mount")],
)
def test_bad_locators(locator: str, mount: str | None, reason: str) -> None:
    with pytest.raises(SecretError, match=reason):
        parse_locator(locator, mount)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(0, 999),
)
def test_vault_times_with_nanoseconds_parse(moment: datetime, nanos: int) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{nanos:03d}Z"
    assert parse_time(text) == moment


def test_no_credentials_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VAULT_TOKEN", "VAULT_ROLE_ID", "VAULT_SECRET_ID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SecretError, match="no credentials"):
        VaultProvider("http://127.0.0.1:1")


# -- token auth -------------------------------------------------------------------------------


def test_fetch_returns_value_version_and_created(bao: Bao, kv_path: str) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    _write(bao, kv_path, token=VALUE, user="bibliobot")
    provider = VaultProvider(bao.url, bao.root_token)
    fetched = provider.fetch(f"kv/{kv_path}", "token")
    provider.close()
    assert fetched.value.reveal() == VALUE
    assert fetched.version == "1"
    assert fetched.created is not None and before <= fetched.created <= datetime.now(UTC)
    assert VALUE not in repr(fetched)


def test_token_from_the_environment(
    bao: Bao, kv_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(bao, kv_path, token=VALUE)
    monkeypatch.setenv("VAULT_TOKEN", bao.root_token)
    assert VaultProvider(bao.url).fetch(f"kv/{kv_path}", "token").value.reveal() == VALUE


def test_rotation_is_seen_on_the_next_fetch(bao: Bao, kv_path: str) -> None:
    _write(bao, kv_path, token=VALUE)
    provider = VaultProvider(bao.url, bao.root_token)
    first = provider.fetch(f"kv/{kv_path}", "token")
    _write(bao, kv_path, token=ROTATED)  # the rotation: a new KV version
    second = provider.fetch(f"kv/{kv_path}", "token")
    assert (first.value.reveal(), first.version) == (VALUE, "1")
    assert (second.value.reveal(), second.version) == (ROTATED, "2")
    assert second.created is not None and first.created is not None
    assert second.created >= first.created
    # the previous version stays readable by number, e.g. to accept it during a grace period
    assert provider.fetch(f"kv/{kv_path}", "token", stage="1").value.reveal() == VALUE


def test_a_provider_with_a_mount_reads_nested_mounts(bao: Bao, kv_path: str) -> None:
    _write(bao, kv_path, token=VALUE)
    provider = VaultProvider(bao.url, bao.root_token, mount=KV_MOUNT)
    assert provider.fetch(f"kv/{kv_path}", "token").value.reveal() == VALUE


def test_errors_name_the_path_and_cause_and_leak_nothing(
    bao: Bao,
    kv_path: str,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    _write(bao, kv_path, token=VALUE, other=ROTATED)
    root = VaultProvider(bao.url, bao.root_token)
    never = (VALUE, ROTATED, bao.root_token)
    with refused(rf"vault:kv/{kv_path}: no field 'missing' \(fields: 'other', 'token'\)", *never):
        root.fetch(f"kv/{kv_path}", "missing")
    with refused(rf"vault:kv/{kv_path}-absent: not found", *never):
        root.fetch(f"kv/{kv_path}-absent", "token")
    with refused("name the field", *never):
        root.fetch(f"kv/{kv_path}", None)
    with refused("no stage 'AWSPENDING'", *never):
        root.fetch(f"kv/{kv_path}", "token", stage="AWSPENDING")
    with refused("not found", *never):
        root.fetch(f"kv/{kv_path}", "token", stage="9")
    limited = bao.client().auth.token.create(policies=["default"], ttl="1h")["auth"]["client_token"]
    with refused(rf"vault:kv/{kv_path}: permission denied", *never, limited):
        VaultProvider(bao.url, limited).fetch(f"kv/{kv_path}", "token")
    with refused("the Vault token was refused", *never, "s.not-a-token"):
        VaultProvider(bao.url, "s.not-a-token").fetch(f"kv/{kv_path}", "token")


def test_a_server_that_is_down(refused) -> None:  # type: ignore[no-untyped-def]
    from tests.servers import _free_port

    provider = VaultProvider(f"http://127.0.0.1:{_free_port()}", "s.root-token-here", timeout=1)
    with refused("cannot reach the server", "s.root-token-here"):
        provider.fetch("kv/bots/x", "token")


# -- lease renewal ----------------------------------------------------------------------------


def test_a_token_about_to_expire_is_renewed(bao: Bao, kv_path: str) -> None:
    _write(bao, kv_path, token=VALUE)
    root = bao.client()
    created = root.auth.token.create(policies=["root"], ttl="1h", renewable=True)["auth"]
    clock = Clock()
    provider = VaultProvider(bao.url, created["client_token"], clock=clock, renew_before=60)
    provider.fetch(f"kv/{kv_path}", "token")
    lookup = root.auth.token.lookup_accessor(created["accessor"])["data"]
    assert not lookup.get("last_renewal_time")  # far from expiry: not renewed
    clock.now += 3600 - 30  # 30 s left, under renew_before
    assert provider.fetch(f"kv/{kv_path}", "token").value.reveal() == VALUE
    lookup = root.auth.token.lookup_accessor(created["accessor"])["data"]
    assert lookup.get("last_renewal_time")


def test_a_fixed_token_that_expired_and_cannot_be_renewed(
    bao: Bao,
    kv_path: str,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    _write(bao, kv_path, token=VALUE)
    token = bao.client().auth.token.create(policies=["root"], ttl="1h", renewable=False)["auth"]
    clock = Clock()
    provider = VaultProvider(bao.url, token["client_token"], clock=clock)
    provider.fetch(f"kv/{kv_path}", "token")
    clock.now += 3601
    with refused("token expired and could not be renewed", VALUE, token["client_token"]):
        provider.fetch(f"kv/{kv_path}", "token")


# -- AppRole ----------------------------------------------------------------------------------


def _revoke_approle_tokens(bao: Bao) -> int:
    """Revoke every token AppRole has issued, as an operator would after a leak."""
    root = bao.client()
    accessors = root.auth.token.list_accessors()["data"]["keys"]
    revoked = 0
    for accessor in accessors:
        data = root.auth.token.lookup_accessor(accessor)["data"]
        if data.get("path", "").startswith("auth/approle/login"):
            root.auth.token.revoke_accessor(accessor)
            revoked += 1
    return revoked


def test_approle_reads_what_its_policy_allows(
    bao: Bao,
    approle: AppRole,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    _write(bao, "bots/approle/feedly", token=VALUE)
    _write(bao, "bots/elsewhere/feedly", token=ROTATED)
    provider = VaultProvider(bao.url, role_id=approle.role_id, secret_id=approle.secret_id)
    fetched = provider.fetch("kv/bots/approle/feedly", "token")
    assert fetched.value.reveal() == VALUE
    with refused("permission denied", VALUE, ROTATED, approle.secret_id):
        provider.fetch("kv/bots/elsewhere/feedly", "token")


def test_approle_from_the_environment(
    bao: Bao, approle: AppRole, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(bao, "bots/approle/env", token=VALUE)
    monkeypatch.setenv("VAULT_TOKEN", "s.ignored-when-approle-is-set")
    monkeypatch.setenv("VAULT_ROLE_ID", approle.role_id)
    monkeypatch.setenv("VAULT_SECRET_ID", approle.secret_id)
    assert VaultProvider(bao.url).fetch("kv/bots/approle/env", "token").value.reveal() == VALUE


@pytest.mark.parametrize("near_expiry", [False, True], ids=["revoked", "revoked-near-expiry"])
def test_approle_logs_in_again_when_its_token_is_revoked(
    bao: Bao, approle: AppRole, near_expiry: bool
) -> None:
    path = f"bots/approle/relogin-{near_expiry}"
    _write(bao, path, token=VALUE)
    clock = Clock()
    provider = VaultProvider(
        bao.url, role_id=approle.role_id, secret_id=approle.secret_id, clock=clock
    )
    provider.fetch(f"kv/{path}", "token")
    assert _revoke_approle_tokens(bao) >= 1
    if near_expiry:
        clock.now += 3600 - 10  # renewal is tried first, refused, then AppRole logs in again
    _write(bao, path, token=ROTATED)
    fetched = provider.fetch(f"kv/{path}", "token")
    assert (fetched.value.reveal(), fetched.version) == (ROTATED, "2")


def test_a_wrong_secret_id(bao: Bao, approle: AppRole, refused) -> None:  # type: ignore[no-untyped-def]
    provider = VaultProvider(bao.url, role_id=approle.role_id, secret_id="wrong-secret-id-12345")
    with refused("AppRole login failed", "wrong-secret-id-12345", approle.secret_id):
        provider.fetch("kv/bots/approle/feedly", "token")
