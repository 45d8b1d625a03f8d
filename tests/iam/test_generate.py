"""``iam generate``: a capability's own statement and its companions, and nothing more."""

from __future__ import annotations

import pytest

from botwarden.iam.generate import generate_from_manifest
from botwarden.manifest.loader import parse_manifest

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
HEAD = """\
schema_version = 1
[bot]
name = "gen"
owner = "me"
environment = "development"
"""


def statements(actions: list[str], resource: str) -> dict[str, tuple[str, ...]]:
    text = HEAD + (
        f'[[capability]]\nname = "cap"\nprovider = "aws"\nactions = {actions!r}\n'
        f'resources = ["{resource}"]\n'
    ).replace("'", '"')
    policy = generate_from_manifest(parse_manifest(text))
    return {grant.sid: grant.actions for grant in policy.grants}


@pytest.mark.parametrize(
    ("actions", "indexes"),
    [
        (["dynamodb:Query"], ("dynamodb:Query",)),
        (["dynamodb:Scan"], ("dynamodb:Scan",)),
        (
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
            ("dynamodb:Query", "dynamodb:Scan"),
        ),
        (["dynamodb:query"], ("dynamodb:Query",)),  # named in any case: granted as AWS spells it
    ],
)
def test_table_indexes_get_only_the_declared_reads(
    actions: list[str], indexes: tuple[str, ...]
) -> None:
    assert statements(actions, TABLE)["CapTableIndexes"] == indexes


def test_no_index_statement_without_query_or_scan() -> None:
    assert set(statements(["dynamodb:GetItem"], TABLE)) == {"Cap"}


def test_an_s3_reader_lists_only_its_prefix() -> None:
    found = statements(["s3:GetObject"], "arn:aws:s3:::bucket/reports/*")
    assert found == {"Cap": ("s3:GetObject",), "CapListPrefix": ("s3:ListBucket",)}
