"""The ``aws-sm:`` provider against moto's Secrets Manager server, with the real boto3 client."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from botwarden.secrets.aws_sm import CURRENT, PENDING, PREVIOUS, AwsSecretsManagerProvider

VALUE = "sk_live_51Habcdef0123456789"
ROTATED = "sk_live_51Hrotated9876543210"

pytestmark = pytest.mark.usefixtures("aws_env")


@pytest.fixture
def sm(moto_endpoint: str) -> Any:
    return boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1")


@pytest.fixture
def provider(moto_endpoint: str) -> Any:
    provider = AwsSecretsManagerProvider(region="us-east-1", endpoint_url=moto_endpoint)
    yield provider
    provider.close()


def _name(prefix: str = "bots/bibliobot/stripe") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def test_fetch_returns_value_version_stages_and_created(sm: Any, provider: Any) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    name = _name()
    created = sm.create_secret(Name=name, SecretString=VALUE)
    fetched = provider.fetch(name, None)
    assert fetched.value.reveal() == VALUE
    assert fetched.version == created["VersionId"]
    assert fetched.stages == (CURRENT,)
    assert fetched.created is not None and fetched.created.tzinfo is not None
    assert before <= fetched.created <= datetime.now(UTC) + timedelta(seconds=5)
    assert VALUE not in repr(fetched)
    by_arn = provider.fetch(created["ARN"], None)
    assert (by_arn.value.reveal(), by_arn.version) == (VALUE, created["VersionId"])


def test_a_field_of_a_json_secret(sm: Any, provider: Any) -> None:
    name = _name()
    sm.create_secret(Name=name, SecretString=json.dumps({"user": "bot", "password": VALUE}))
    assert provider.fetch(name, "password").value.reveal() == VALUE
    assert provider.fetch(name, "user").value.reveal() == "bot"


def test_the_default_session_uses_the_environment(sm: Any, moto_endpoint: str) -> None:
    name = _name()
    sm.create_secret(Name=name, SecretString=VALUE)
    provider = AwsSecretsManagerProvider(endpoint_url=moto_endpoint)  # region from the env
    assert provider.fetch(name, None).value.reveal() == VALUE


def test_rotation_by_moving_stages(sm: Any, provider: Any) -> None:
    """The rotation as Secrets Manager does it: write AWSPENDING, then move AWSCURRENT to it."""
    name = _name()
    first = sm.create_secret(Name=name, SecretString=VALUE)["VersionId"]
    pending = sm.put_secret_value(SecretId=name, SecretString=ROTATED, VersionStages=[PENDING])[
        "VersionId"
    ]

    current, staged = provider.fetch(name, None), provider.fetch(name, None, stage=PENDING)
    assert (current.value.reveal(), current.version, current.stages) == (VALUE, first, (CURRENT,))
    assert (staged.value.reveal(), staged.version, staged.stages) == (ROTATED, pending, (PENDING,))

    sm.update_secret_version_stage(
        SecretId=name, VersionStage=CURRENT, MoveToVersionId=pending, RemoveFromVersionId=first
    )
    sm.update_secret_version_stage(SecretId=name, VersionStage=PENDING, RemoveFromVersionId=pending)

    after = provider.fetch(name, None)
    previous = provider.fetch(name, None, stage=PREVIOUS)
    assert (after.value.reveal(), after.version, after.stages) == (ROTATED, pending, (CURRENT,))
    assert (previous.value.reveal(), previous.version) == (VALUE, first)
    assert PREVIOUS in previous.stages


def test_binary_secrets_are_refused(sm: Any, provider: Any, refused) -> None:  # type: ignore[no-untyped-def]
    name = _name()
    sm.create_secret(Name=name, SecretBinary=VALUE.encode())
    with refused(rf"aws-sm:{name}: the secret is binary .*store it as a string", VALUE):
        provider.fetch(name, None)


@pytest.mark.parametrize(
    ("secret", "field", "stage", "reason"),
    [
        (None, None, None, "ResourceNotFoundException"),
        (VALUE, None, PENDING, r"\(AWSPENDING\): ResourceNotFoundException"),
        (VALUE, None, "not a label!", "is not a version stage label"),
        (VALUE, "password", None, "isn't JSON"),
        (json.dumps({"token": VALUE}), "password", None, "no field 'password'"),
        (json.dumps({"token": ""}), "token", None, "the secret is empty"),
    ],
)
def test_refusals_name_the_secret_and_leak_nothing(
    sm: Any,
    provider: Any,
    secret: str | None,
    field: str | None,
    stage: str | None,
    reason: str,
    refused,  # type: ignore[no-untyped-def]
) -> None:
    name = _name()
    if secret is not None:
        sm.create_secret(Name=name, SecretString=secret)
    with refused(rf"aws-sm:{name}.*{reason}", VALUE):
        provider.fetch(name, field, stage=stage)


def test_a_server_that_is_down(refused) -> None:  # type: ignore[no-untyped-def]
    from tests.servers import _free_port

    provider = AwsSecretsManagerProvider(
        region="us-east-1", endpoint_url=f"http://127.0.0.1:{_free_port()}"
    )
    with refused(r"aws-sm:bots/x: EndpointConnectionError", "testing"):
        provider.fetch("bots/x", None)
