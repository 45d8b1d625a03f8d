"""The ``aws-sm:`` provider: AWS Secrets Manager through boto3, aware of version stages.

A source reads ``aws-sm:SECRET_ID_OR_ARN`` or, for a JSON secret, ``aws-sm:ID#field``. Secrets
Manager rotates by moving stage labels: a rotation writes a new version labelled ``AWSPENDING``,
then moves ``AWSCURRENT`` to it (the old one becomes ``AWSPREVIOUS``). :meth:`fetch` reads
``AWSCURRENT`` unless asked for another stage, and returns the version id and its stages so that
a caller can accept both the current and the pending value while a rotation is in flight.

Binary secrets are refused: a bot's credentials are text, and decoding bytes by guesswork could
hand an upstream a corrupted key. Errors name the secret and the cause, never the value.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import boto3  # type: ignore[import-untyped]
import botocore.config  # type: ignore[import-untyped]
import botocore.exceptions  # type: ignore[import-untyped]

from botwarden.secrets.simple import pick_field
from botwarden.secrets.value import Fetched, SecretError, SecretValue

CURRENT, PENDING, PREVIOUS = "AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"
_LABEL = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,256}$")
_CONFIG = botocore.config.Config(
    connect_timeout=5, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
)


class AwsSecretsManagerProvider:
    """Reads secrets from one region's Secrets Manager (or a compatible ``endpoint_url``)."""

    scheme = "aws-sm"

    def __init__(
        self,
        region: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.Session | None = None,
    ) -> None:
        session = session or boto3.Session()
        try:
            self._client: Any = session.client(
                "secretsmanager", region_name=region, endpoint_url=endpoint_url, config=_CONFIG
            )
        except botocore.exceptions.BotoCoreError as exc:
            raise SecretError(f"aws-sm: cannot set up the Secrets Manager client: {exc}") from None

    def fetch(self, locator: str, field: str | None, *, stage: str | None = None) -> Fetched:
        """The version labelled ``stage`` (default ``AWSCURRENT``), or ``field`` of its JSON."""
        label = stage or CURRENT
        where = f"aws-sm:{locator}" + ("" if label == CURRENT else f" ({label})")
        if not _LABEL.match(label):
            raise SecretError(f"{where}: {label!r} is not a version stage label")
        answer = self._get(locator, label, where)
        if "SecretString" not in answer:
            raise SecretError(
                f"{where}: the secret is binary (SecretBinary); botwarden takes text secrets only: "
                "store it as a string (e.g. base64) and decode it in the bot"
            )
        value = pick_field(str(answer["SecretString"]), field, where)
        if not value:
            raise SecretError(f"{where}: the secret is empty")
        created = answer.get("CreatedDate")
        return Fetched(
            SecretValue(value),
            version=answer.get("VersionId"),
            created=_aware(created) if isinstance(created, datetime) else None,
            stages=tuple(answer.get("VersionStages") or ()),
        )

    def close(self) -> None:
        self._client.close()

    def _get(self, locator: str, label: str, where: str) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = self._client.get_secret_value(
                SecretId=locator, VersionStage=label
            )
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "error"), error.get("Message", "")
            raise SecretError(f"{where}: {code}" + (f" ({message})" if message else "")) from None
        except botocore.exceptions.NoCredentialsError:
            raise SecretError(f"{where}: no AWS credentials found for Secrets Manager") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise SecretError(f"{where}: {type(exc).__name__}: {exc}") from None
        return answer


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["CURRENT", "PENDING", "PREVIOUS", "AwsSecretsManagerProvider"]
