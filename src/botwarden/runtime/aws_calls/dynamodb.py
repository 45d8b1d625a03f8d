"""DynamoDB calls as IAM authorisations.

A table is named by its name or its ARN, and querying or scanning an index is authorised on the
index's ARN. Batches name every table they touch, and transactions (``TransactWriteItems``) are
authorised with the item-level action of each part on its table. PartiQL statements are read just
far enough to find the one table or index each touches. Global tables (2017 version) are
authorised on the global table and on the table in each replica region.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from botwarden.runtime.aws_calls._common import (
    AwsRequest,
    Resolve,
    Rule,
    _Call,
    _grouped,
    _one,
    _req,
    _same,
    _star,
)

_PARTIQL_TOKEN = re.compile(r"\s+|\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|[A-Za-z0-9_\-]+|.", re.S)
_PARTIQL_VERBS = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "", "DELETE": "FROM"}


def _table(call: _Call, name: str = "TableName", source: Mapping[str, Any] | None = None) -> str:
    """DynamoDB accepts a table's name or its ARN wherever it takes ``TableName``."""
    value = call.text(name, source)
    if value.startswith("arn:"):
        return call.arn_param(name, "dynamodb", source)
    return call.arn("dynamodb", f"table/{value}")


def _table_or_index(call: _Call) -> str:
    """Querying an index is authorised on the index's ARN, not the table's."""
    index = call.optional("IndexName")
    return f"{_table(call)}/index/{index}" if index else _table(call)


def _ddb_batch(action: str) -> Rule:
    def rule(call: _Call) -> list[AwsRequest]:
        tables = call.mapping("RequestItems")
        if not tables:
            raise call.fail("parameter RequestItems names no table")
        return [
            _req(action, *(_table(call, "RequestItems", {"RequestItems": name}) for name in tables))
        ]

    return rule


def _ddb_transact(kinds: Mapping[str, str]) -> Rule:
    """Transactions are authorised with the item-level action of each part, per table."""

    def rule(call: _Call) -> list[AwsRequest]:
        pairs = []
        for item in call.structures("TransactItems"):
            present = [kind for kind in item if item[kind] is not None]
            if len(present) != 1 or present[0] not in kinds:
                raise call.fail(f"a transaction item must be one of {sorted(kinds)}")
            part = call.mapping(present[0], item)
            pairs.append((f"dynamodb:{kinds[present[0]]}", _table(call, source=part)))
        return _grouped(pairs)

    return rule


def _partiql_name(call: _Call, token: str) -> str:
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    if token[0].isalnum() or token[0] == "_":
        return token
    raise call.fail(f"PartiQL statement names no table where {token!r} stands")


def _partiql(call: _Call, statement: str) -> tuple[str, str]:
    """The action and the table (or index) one PartiQL statement touches.

    DynamoDB's PartiQL has no joins or subqueries: a statement touches the one table after
    SELECT ... FROM, INSERT INTO, UPDATE or DELETE FROM (``EXISTS(...)`` in transactions wraps a
    SELECT). Quoted names and string literals are single tokens, so ``"from"`` cannot mislead.
    """
    tokens = [t for t in _PARTIQL_TOKEN.findall(statement) if not t.isspace()]
    start = 2 if [t.upper() for t in tokens[:2]] == ["EXISTS", "("] else 0
    verb = tokens[start].upper() if len(tokens) > start else ""
    if verb not in _PARTIQL_VERBS:
        raise call.fail("PartiQL statement is not a SELECT, INSERT, UPDATE or DELETE")
    upper = [t.upper() for t in tokens]
    at, marker = start + 1, _PARTIQL_VERBS[verb]
    if verb == "SELECT" and marker in upper[at:]:
        at = upper.index(marker, at) + 1
    elif marker and upper[at : at + 1] == [marker]:
        at += 1
    elif marker:
        raise call.fail(f"PartiQL {verb} statement has no {marker} clause")
    names = _partiql_target(call, tokens[at:])
    table = call.arn("dynamodb", f"table/{names[0]}")
    if len(names) == 2 and verb != "SELECT":
        raise call.fail(f"PartiQL {verb} cannot name an index")
    resource = f"{table}/index/{names[1]}" if len(names) == 2 else table
    return f"dynamodb:PartiQL{verb.title()}", resource


def _partiql_target(call: _Call, tokens: list[str]) -> list[str]:
    """``T``, ``"T"``, ``T.I`` or ``"T"."I"``: the table name and an optional index name."""
    if not tokens:
        raise call.fail("PartiQL statement ends before its table name")
    names = [_partiql_name(call, tokens[0])]
    if tokens[1:2] == ["."]:
        names.append(_partiql_name(call, tokens[2] if len(tokens) > 2 else "."))
        if tokens[3:4] == ["."]:
            raise call.fail("PartiQL table reference is not TABLE or TABLE.INDEX")
    return names


def _ddb_statements(name: str | None) -> Rule:
    def rule(call: _Call) -> list[AwsRequest]:
        items = [call.params] if name is None else call.structures(name)
        return _grouped(_partiql(call, call.text("Statement", item)) for item in items)

    return rule


def _global_table(call: _Call) -> str:
    return call.arn("dynamodb", f"global-table/{call.text('GlobalTableName')}", region="")


def _ddb_global(action: str, replicas: Callable[[_Call], list[str]]) -> Rule:
    """Global tables (2017 version): the global table and the table in each replica region."""

    def rule(call: _Call) -> list[AwsRequest]:
        name = call.text("GlobalTableName")
        tables = [call.arn("dynamodb", f"table/{name}", region=r) for r in replicas(call)]
        return [_req(f"dynamodb:{action}", _global_table(call), *tables)]

    return rule


def _replication_group(call: _Call) -> list[str]:
    return [call.text("RegionName", item) for item in call.structures("ReplicationGroup")]


def _replica_updates(call: _Call) -> list[str]:
    regions = []
    for update in call.structures("ReplicaUpdates"):
        for part in update.values():
            if isinstance(part, Mapping):
                regions.append(call.text("RegionName", part))
    return regions


def _ddb_restore_backup(call: _Call) -> list[AwsRequest]:
    backup = call.arn_param("BackupArn", "dynamodb")
    return [_req("dynamodb:RestoreTableFromBackup", backup, _table(call, "TargetTableName"))]


def _ddb_restore_pitr(call: _Call) -> list[AwsRequest]:
    source = (
        call.arn_param("SourceTableArn", "dynamodb")
        if call.optional("SourceTableArn")
        else _table(call, "SourceTableName")
    )
    target = _table(call, "TargetTableName")
    return [_req("dynamodb:RestoreTableToPointInTime", source, target)]


def _ddb_arn(name: str) -> Resolve:
    return lambda call: call.arn_param(name, "dynamodb")


DYNAMODB: dict[str, Rule] = {
    **_same(
        "dynamodb",
        _table,
        "GetItem PutItem UpdateItem DeleteItem DescribeTable CreateTable "
        "DeleteTable UpdateTable DescribeTimeToLive UpdateTimeToLive DescribeContinuousBackups "
        "UpdateContinuousBackups CreateBackup DescribeKinesisStreamingDestination "
        "EnableKinesisStreamingDestination DisableKinesisStreamingDestination "
        "UpdateKinesisStreamingDestination DescribeTableReplicaAutoScaling "
        "UpdateTableReplicaAutoScaling",
    ),
    **_same(
        "dynamodb",
        _table_or_index,
        "Query Scan DescribeContributorInsights UpdateContributorInsights",
    ),
    **_same(
        "dynamodb",
        _ddb_arn("ResourceArn"),
        "ListTagsOfResource TagResource UntagResource "
        "GetResourcePolicy PutResourcePolicy DeleteResourcePolicy",
    ),
    **_same("dynamodb", _ddb_arn("BackupArn"), "DescribeBackup DeleteBackup"),
    **_same("dynamodb", _ddb_arn("ExportArn"), "DescribeExport"),
    **_same("dynamodb", _ddb_arn("ImportArn"), "DescribeImport"),
    **_same("dynamodb", _ddb_arn("TableArn"), "ExportTableToPointInTime"),
    **_star(
        "dynamodb",
        "ListTables ListBackups ListContributorInsights ListExports "
        "ListGlobalTables ListImports DescribeLimits DescribeEndpoints",
    ),
    "ImportTable": _one(
        "dynamodb:ImportTable",
        lambda call: _table(call, source=call.mapping("TableCreationParameters")),
    ),
    "BatchGetItem": _ddb_batch("dynamodb:BatchGetItem"),
    "BatchWriteItem": _ddb_batch("dynamodb:BatchWriteItem"),
    "TransactGetItems": _ddb_transact({"Get": "GetItem"}),
    "TransactWriteItems": _ddb_transact(
        {
            "Put": "PutItem",
            "Update": "UpdateItem",
            "Delete": "DeleteItem",
            "ConditionCheck": "ConditionCheckItem",
        }
    ),
    "ExecuteStatement": _ddb_statements(None),
    "BatchExecuteStatement": _ddb_statements("Statements"),
    "ExecuteTransaction": _ddb_statements("TransactStatements"),
    "RestoreTableFromBackup": _ddb_restore_backup,
    "RestoreTableToPointInTime": _ddb_restore_pitr,
    "CreateGlobalTable": _ddb_global("CreateGlobalTable", _replication_group),
    "UpdateGlobalTable": _ddb_global("UpdateGlobalTable", _replica_updates),
    "DescribeGlobalTable": _one("dynamodb:DescribeGlobalTable", _global_table),
    "DescribeGlobalTableSettings": _one("dynamodb:DescribeGlobalTableSettings", _global_table),
    "UpdateGlobalTableSettings": _ddb_global(
        "UpdateGlobalTableSettings", lambda call: [call.region]
    ),
}
