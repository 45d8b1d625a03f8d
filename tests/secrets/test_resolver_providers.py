"""The resolver end to end with real providers: a rotated secret is picked up after a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.secrets.conftest import Bao

from botwarden.manifest import parse_manifest
from botwarden.secrets.local import LocalStore
from botwarden.secrets.resolver import SecretResolver


def test_vault_rotation_reaches_the_bot_after_a_refusal(
    bao: Bao, kv_path: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client = bao.client()
    client.secrets.kv.v2.create_or_update_secret(
        path=kv_path, mount_point="kv", secret={"token": "feedly-token-version-one"}
    )
    monkeypatch.setenv("VAULT_ADDR", bao.url)
    monkeypatch.setenv("VAULT_TOKEN", bao.root_token)
    manifest_path = tmp_path / "botwarden.toml"
    manifest_path.write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        f'[secret.feedly]\nsource = "vault:kv/{kv_path}#token"\n',
        encoding="utf-8",
    )
    from botwarden.manifest import load_manifest

    resolver = SecretResolver(load_manifest(manifest_path), min_refresh=0)
    assert resolver.get("feedly").reveal() == "feedly-token-version-one"
    client.secrets.kv.v2.create_or_update_secret(
        path=kv_path, mount_point="kv", secret={"token": "feedly-token-version-two"}
    )
    assert resolver.get("feedly").reveal() == "feedly-token-version-one"  # cached
    rotated = resolver.rejected("feedly")  # the upstream answered 401 with the old one
    assert rotated is not None
    assert rotated.reveal() == "feedly-token-version-two"
    assert resolver.fetched("feedly").version == "2"
    resolver.close()


def test_local_store_secrets_through_the_resolver(tmp_path: Path) -> None:
    manifest_path = tmp_path / "botwarden.toml"
    manifest_path.write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        '[secret.api]\nsource = "local:api"\nmax_age = "30d"\n',
        encoding="utf-8",
    )
    base = tmp_path / ".botwarden"
    store = LocalStore(base / "secrets.json", base / "secrets.key")
    store.set("api", "local-secret-value-0001")
    from botwarden.manifest import load_manifest

    resolver = SecretResolver(load_manifest(manifest_path))
    fetched = resolver.fetched("api")
    assert fetched.value.reveal() == "local-secret-value-0001"
    assert fetched.created is not None
    assert "local-secret-value" not in repr(fetched)


def test_env_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_API_KEY", "env-secret-value-000001")
    manifest = parse_manifest(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\nenvironment = "development"\n'
        '[secret.api]\nsource = "env:BOT_API_KEY"\n'
    )
    assert SecretResolver(manifest).get("api").reveal() == "env-secret-value-000001"


def test_aws_rotation_grace_period_uses_the_pending_version(
    moto_endpoint: str, aws_env: None, tmp_path: Path
) -> None:
    import boto3

    from botwarden.secrets.aws_sm import AwsSecretsManagerProvider

    sm = boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1")
    name = f"bots/grace-{tmp_path.name}"
    sm.create_secret(Name=name, SecretString="current-value-000001")
    manifest = parse_manifest(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        f'[secret.api]\nsource = "aws-sm:{name}"\n'
    )
    provider = AwsSecretsManagerProvider(region="us-east-1", endpoint_url=moto_endpoint)
    resolver = SecretResolver(manifest, {"aws-sm": provider}, min_refresh=0)
    assert resolver.get("api").reveal() == "current-value-000001"
    assert resolver.rejected("api") is None  # refused, nothing rotating: the refusal stands
    sm.put_secret_value(SecretId=name, SecretString="pending-value-000002",
                        VersionStages=["AWSPENDING"])  # fmt: skip
    grace = resolver.rejected("api")  # the service already takes the pending value
    assert grace is not None
    assert grace.reveal() == "pending-value-000002"
    assert resolver.get("api").reveal() == "pending-value-000002"
