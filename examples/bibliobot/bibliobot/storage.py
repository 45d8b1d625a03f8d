"""Where summaries go: ``s3://bucket/prefix`` through boto3, or a local directory.

The S3 client is built from the access key pair in the settings file (a hardcoded key, one of the
mistakes) rather than from the instance role. boto3 is optional so the example runs anywhere.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any, Protocol

from bibliobot.settings import Settings


class StorageError(Exception):
    """A summary could not be stored, or the output target cannot be used at all."""


class SummaryStore(Protocol):
    def put(self, name: str, document: dict[str, Any]) -> str:
        """Store ``document`` as JSON under ``name``; return where it went."""
        ...


class LocalStore:
    """One JSON file per summary in a directory, created on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, document: dict[str, Any]) -> str:
        path = self.root / name
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc}") from exc
        return str(path)


class S3Store:
    """``PutObject`` into ``bucket`` under ``prefix``."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix

    def put(self, name: str, document: dict[str, Any]) -> str:
        key = f"{self._prefix}/{name}" if self._prefix else name
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        try:
            self._client.put_object(
                Bucket=self._bucket, Key=key, Body=body, ContentType="application/json"
            )
        except Exception as exc:  # botocore's errors have no common base worth importing here
            raise StorageError(f"cannot write s3://{self._bucket}/{key}: {exc}") from exc
        return f"s3://{self._bucket}/{key}"


_S3_TARGET = re.compile(r"s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<prefix>.*))?")


def store_from_target(target: str, settings: Settings) -> SummaryStore:
    """Build the store for ``--out``: ``s3://bucket/prefix`` or a directory path."""
    if not target.startswith("s3://"):
        return LocalStore(Path(target))
    match = _S3_TARGET.fullmatch(target)
    if match is None:
        raise StorageError(f"{target!r} is not s3://bucket/prefix")
    try:
        boto3 = importlib.import_module("boto3")
    except ImportError as exc:
        raise StorageError("--out s3://... needs boto3; install it or pass a directory") from exc
    client = boto3.client(
        "s3",
        aws_access_key_id=settings.aws_access_key_id,
        aws_secret_access_key=settings.aws_secret_access_key,
        region_name=settings.aws_region,
    )
    return S3Store(client, match["bucket"], (match["prefix"] or "").strip("/"))
