"""The botocore hook, end to end against moto's standalone server on loopback.

Allowed calls must really reach moto (the object exists afterwards); denied calls must raise
ActionDenied and never reach it (moto's state is unchanged, read back with an unguarded client).
Account discovery is tested against a tiny local STS that counts what it is asked.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from moto.server import ThreadedMotoServer

from botwarden.errors import UsageError
from botwarden.iam.matching import action_matches, arn_matches
from botwarden.policy.decision import Code, Decision, allow, deny
from botwarden.runtime.boto import install
from botwarden.runtime.denied import ActionDenied

REGION = "us-east-1"
MOTO_ACCOUNT = "123456789012"  # moto's default account


def _arn(service: str, resource: str, account: str = MOTO_ACCOUNT) -> str:
    return f"arn:aws:{service}:{REGION}:{account}:{resource}"


@dataclass
class Grants:
    """A stand-in for the manifest's aws capabilities: IAM-style globs, default deny."""

    capabilities: list[tuple[list[str], list[str]]]
    asked: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, action: str, resource: str) -> Decision:
        self.asked.append((action, resource))
        for index, (actions, resources) in enumerate(self.capabilities):
            if any(action_matches(a, action) for a in actions) and any(
                arn_matches(r, resource) for r in resources
            ):
                return allow(f"capability[{index}] allows {action}", f"capability[{index}]")
        return deny(
            Code.ACTION_NOT_ALLOWED, f"no capability allows {action} on {resource}", "default-deny"
        )


def grants(*capabilities: tuple[str | list[str], str | list[str]]) -> Grants:
    def listed(value: str | list[str]) -> list[str]:
        return [value] if isinstance(value, str) else value

    return Grants([(listed(actions), listed(resources)) for actions, resources in capabilities])


_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/nonexistent/botwarden-test-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/botwarden-test-credentials",
}
_UNSET = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3")


@pytest.fixture(scope="module")
def fake_env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _ENV.items():
            patch.setenv(name, value)
        for name in _UNSET:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def moto_url(fake_env: None) -> Iterator[str]:
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    werkzeug.setLevel(level)


@dataclass
class Aws:
    """Unguarded clients to set up and inspect moto; guarded ones for the bot under test."""

    url: str

    def raw(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name=REGION)

    def guarded(self, service: str, decide: Callable[[str, str], Decision], **kw: Any) -> Any:
        client = self.raw(service)
        install(client, decide, **kw)
        return client


@pytest.fixture
def aws(moto_url: str) -> Aws:
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    return Aws(moto_url)


def _keys(client: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


# -- S3 ----------------------------------------------------------------------------------------


def test_s3_allowed_write_reaches_moto_and_denied_write_does_not(aws: Aws) -> None:
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="biblio-data")
    decide = grants((["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::biblio-data/logs/*"))
    s3 = aws.guarded("s3", decide)

    s3.put_object(Bucket="biblio-data", Key="logs/a.txt", Body=b"hello")
    assert s3.get_object(Bucket="biblio-data", Key="logs/a.txt")["Body"].read() == b"hello"
    with pytest.raises(ActionDenied) as caught:
        s3.put_object(Bucket="biblio-data", Key="config/b.txt", Body=b"nope")

    assert _keys(raw, "biblio-data") == ["logs/a.txt"]
    assert caught.value.decision.code is Code.ACTION_NOT_ALLOWED
    assert "s3:PutObject on arn:aws:s3:::biblio-data/config/b.txt" in str(caught.value)
    assert isinstance(caught.value, PermissionError)


def test_s3_put_with_acl_also_needs_put_object_acl(aws: Aws) -> None:
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="bot-data")
    s3 = aws.guarded("s3", grants(("s3:PutObject", "arn:aws:s3:::bot-data/*")))
    with pytest.raises(ActionDenied, match="s3:PutObjectAcl"):
        s3.put_object(Bucket="bot-data", Key="k", Body=b"x", ACL="public-read")
    assert _keys(raw, "bot-data") == []


def test_s3_paginator_checks_every_page(aws: Aws) -> None:
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="bot-data")
    for index in range(3):
        raw.put_object(Bucket="bot-data", Key=f"k{index}", Body=b"x")
    decide = grants(("s3:ListBucket", "arn:aws:s3:::bot-data"))
    s3 = aws.guarded("s3", decide)

    pages = list(
        s3.get_paginator("list_objects_v2").paginate(
            Bucket="bot-data", PaginationConfig={"PageSize": 1}
        )
    )
    assert sum(len(page.get("Contents", [])) for page in pages) == 3
    assert decide.asked == [("s3:ListBucket", "arn:aws:s3:::bot-data")] * len(pages)
    assert len(pages) >= 3

    with pytest.raises(ActionDenied):
        list(s3.get_paginator("list_objects_v2").paginate(Bucket="other"))


def test_s3_waiter_goes_through_the_hook(aws: Aws) -> None:
    aws.raw("s3").create_bucket(Bucket="bot-data")
    s3 = aws.guarded("s3", grants(("s3:ListBucket", "arn:aws:s3:::bot-data")))
    s3.get_waiter("bucket_exists").wait(Bucket="bot-data")
    with pytest.raises(ActionDenied, match="s3:ListBucket on arn:aws:s3:::no-such-bucket"):
        s3.get_waiter("bucket_exists").wait(
            Bucket="no-such-bucket", WaiterConfig={"Delay": 0, "MaxAttempts": 1}
        )


def test_s3_copy_needs_read_on_the_source_and_write_on_the_target(aws: Aws) -> None:
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="bot-data")
    raw.put_object(Bucket="bot-data", Key="src/a b.txt", Body=b"x")
    raw.put_object(Bucket="bot-data", Key="secret/c.txt", Body=b"y")
    decide = grants(
        ("s3:GetObject", "arn:aws:s3:::bot-data/src/*"),
        ("s3:PutObject", "arn:aws:s3:::bot-data/dst/*"),
    )
    s3 = aws.guarded("s3", decide)

    s3.copy_object(
        Bucket="bot-data", Key="dst/a.txt", CopySource={"Bucket": "bot-data", "Key": "src/a b.txt"}
    )
    with pytest.raises(ActionDenied, match=r"s3:GetObject on arn:aws:s3:::bot-data/secret/c\.txt"):
        s3.copy_object(Bucket="bot-data", Key="dst/c.txt", CopySource="bot-data/secret/c.txt")

    assert sorted(_keys(raw, "bot-data")) == ["dst/a.txt", "secret/c.txt", "src/a b.txt"]


def test_s3_delete_objects_checks_each_key(aws: Aws) -> None:
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="bot-data")
    for key in ("tmp/1", "keep/2"):
        raw.put_object(Bucket="bot-data", Key=key, Body=b"x")
    s3 = aws.guarded("s3", grants(("s3:DeleteObject", "arn:aws:s3:::bot-data/tmp/*")))
    with pytest.raises(ActionDenied, match="keep/2"):
        s3.delete_objects(
            Bucket="bot-data", Delete={"Objects": [{"Key": "tmp/1"}, {"Key": "keep/2"}]}
        )
    assert sorted(_keys(raw, "bot-data")) == ["keep/2", "tmp/1"]


def test_presigned_urls_are_checked_too(aws: Aws) -> None:
    s3 = aws.guarded("s3", grants(("s3:GetObject", "arn:aws:s3:::bot-data/public/*")))
    assert s3.generate_presigned_url("get_object", Params={"Bucket": "bot-data", "Key": "public/x"})
    with pytest.raises(ActionDenied, match="s3:GetObject on arn:aws:s3:::bot-data/private/x"):
        s3.generate_presigned_url("get_object", Params={"Bucket": "bot-data", "Key": "private/x"})


def test_invalid_parameters_get_botocores_own_error(aws: Aws) -> None:
    decide = grants(("*", "*"))
    s3 = aws.guarded("s3", decide)
    with pytest.raises(ParamValidationError):
        s3.get_object(Bucket="bot-data")
    assert decide.asked == []


def test_a_call_that_names_no_resource_is_refused_with_the_reason(aws: Aws) -> None:
    sqs = aws.guarded("sqs", grants(("*", "*")), account=MOTO_ACCOUNT)
    with pytest.raises(ActionDenied) as caught:
        sqs.send_message(QueueUrl="not-a-queue-url", MessageBody="x")
    assert caught.value.decision.code is Code.RESOURCE_NOT_ALLOWED
    assert "cannot tell which resource" in caught.value.decision.reason
    assert "QueueUrl 'not-a-queue-url' is not a queue URL" in caught.value.decision.reason


# -- DynamoDB ----------------------------------------------------------------------------------


def _create_table(raw: Any, name: str) -> None:
    raw.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "day", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByDay",
                "KeySchema": [{"AttributeName": "day", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def test_dynamodb_tables_and_indexes(aws: Aws) -> None:
    raw = aws.raw("dynamodb")
    _create_table(raw, "Orders")
    _create_table(raw, "Users")
    table = _arn("dynamodb", "table/Orders")
    ddb = aws.guarded("dynamodb", grants((["dynamodb:PutItem", "dynamodb:Query"], table)))

    ddb.put_item(TableName="Orders", Item={"id": {"S": "1"}, "day": {"S": "mon"}})
    with pytest.raises(ActionDenied, match="table/Users"):
        ddb.put_item(TableName="Users", Item={"id": {"S": "1"}, "day": {"S": "mon"}})
    with pytest.raises(ActionDenied, match="table/Orders/index/ByDay"):
        ddb.query(
            TableName="Orders",
            IndexName="ByDay",
            KeyConditionExpression="#d = :d",
            ExpressionAttributeNames={"#d": "day"},
            ExpressionAttributeValues={":d": {"S": "mon"}},
        )

    assert raw.scan(TableName="Orders")["Count"] == 1
    assert raw.scan(TableName="Users")["Count"] == 0


def test_dynamodb_batch_write_checks_every_table(aws: Aws) -> None:
    raw = aws.raw("dynamodb")
    _create_table(raw, "Orders")
    _create_table(raw, "Users")
    ddb = aws.guarded(
        "dynamodb", grants(("dynamodb:BatchWriteItem", _arn("dynamodb", "table/Orders")))
    )
    item = {"PutRequest": {"Item": {"id": {"S": "1"}, "day": {"S": "mon"}}}}
    with pytest.raises(ActionDenied, match="table/Users"):
        ddb.batch_write_item(RequestItems={"Orders": [item], "Users": [item]})
    assert raw.scan(TableName="Orders")["Count"] == 0


# -- SQS and SNS -------------------------------------------------------------------------------


def test_sqs_send_to_an_allowed_queue_only(aws: Aws) -> None:
    raw = aws.raw("sqs")
    jobs = raw.create_queue(QueueName="jobs")["QueueUrl"]
    other = raw.create_queue(QueueName="other")["QueueUrl"]
    sqs = aws.guarded(
        "sqs", grants((["sqs:SendMessage", "sqs:ReceiveMessage"], _arn("sqs", "jobs")))
    )

    sqs.send_message(QueueUrl=jobs, MessageBody="hello")
    with pytest.raises(
        ActionDenied, match="sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:other"
    ):
        sqs.send_message(QueueUrl=other, MessageBody="hello")

    assert [m["Body"] for m in sqs.receive_message(QueueUrl=jobs).get("Messages", [])] == ["hello"]
    assert raw.receive_message(QueueUrl=other).get("Messages", []) == []


def test_sns_publish_and_create_topic(aws: Aws) -> None:
    raw = aws.raw("sns")
    alerts = raw.create_topic(Name="alerts")["TopicArn"]
    sns = aws.guarded("sns", grants(("sns:Publish", _arn("sns", "alerts"))))

    assert sns.publish(TopicArn=alerts, Message="m")["MessageId"]
    with pytest.raises(ActionDenied, match="sns:CreateTopic"):
        sns.create_topic(Name="rogue")
    assert [t["TopicArn"] for t in raw.list_topics()["Topics"]] == [alerts]


# -- Secrets Manager and SSM -------------------------------------------------------------------


def test_secrets_by_name_match_the_suffix_wildcard(aws: Aws) -> None:
    raw = aws.raw("secretsmanager")
    raw.create_secret(Name="app/token", SecretString="s3cr3t-value")
    raw.create_secret(Name="app/other", SecretString="other-value")
    decide = grants(
        ("secretsmanager:GetSecretValue", _arn("secretsmanager", "secret:app/token-??????"))
    )
    sm = aws.guarded("secretsmanager", decide, account=MOTO_ACCOUNT)

    assert sm.get_secret_value(SecretId="app/token")["SecretString"] == "s3cr3t-value"
    with pytest.raises(ActionDenied) as caught:
        sm.get_secret_value(SecretId="app/other")
    with pytest.raises(ActionDenied):
        sm.create_secret(Name="app/new", SecretString="x")

    assert "other-value" not in str(caught.value)
    assert sorted(s["Name"] for s in raw.list_secrets()["SecretList"]) == ["app/other", "app/token"]


def test_ssm_parameters(aws: Aws) -> None:
    raw = aws.raw("ssm")
    raw.put_parameter(Name="/app/db/url", Value="postgres://db", Type="String")
    decide = grants(
        ("ssm:GetParameter", _arn("ssm", "parameter/app/*")),
        ("ssm:GetParametersByPath", _arn("ssm", "parameter/app")),
    )
    ssm = aws.guarded("ssm", decide, account=MOTO_ACCOUNT)

    assert ssm.get_parameter(Name="/app/db/url")["Parameter"]["Value"] == "postgres://db"
    found = ssm.get_parameters_by_path(Path="/app", Recursive=True)["Parameters"]
    assert [p["Name"] for p in found] == ["/app/db/url"]
    with pytest.raises(
        ActionDenied, match="ssm:PutParameter on arn:aws:ssm:us-east-1:123456789012:parameter/app/x"
    ):
        ssm.put_parameter(Name="/app/x", Value="v", Type="String")
    with pytest.raises(ClientError, match="ParameterNotFound"):
        raw.get_parameter(Name="/app/x")


# -- Lambda and KMS ----------------------------------------------------------------------------


def test_lambda_listing_allowed_and_get_denied_before_moto(aws: Aws) -> None:
    decide = grants(("lambda:ListFunctions", "*"))
    lam = aws.guarded("lambda", decide, account=MOTO_ACCOUNT)
    assert lam.list_functions()["Functions"] == []
    # moto would answer ResourceNotFoundException; the denial comes first
    with pytest.raises(ActionDenied, match=r"lambda:InvokeFunction on .*function:resize:prod"):
        lam.invoke(FunctionName="resize", Qualifier="prod")


def test_kms_keys_and_aliases(aws: Aws) -> None:
    raw = aws.raw("kms")
    key = raw.create_key()["KeyMetadata"]
    raw.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    decide = grants(
        ("kms:Encrypt", key["Arn"]),
        ("kms:GenerateDataKey", _arn("kms", "alias/app")),
    )
    kms = aws.guarded("kms", decide, account=MOTO_ACCOUNT)

    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert kms.generate_data_key(KeyId="alias/app", KeySpec="AES_256")["KeyId"]
    with pytest.raises(
        ActionDenied, match="kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/\\*"
    ):
        kms.decrypt(CiphertextBlob=blob)
    with pytest.raises(ActionDenied, match="kms:ScheduleKeyDeletion"):
        kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert raw.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_unknown_services_need_a_capability_on_every_resource(aws: Aws) -> None:
    narrow = aws.guarded("ec2", grants(("ec2:DescribeInstances", "arn:aws:ec2:*")))
    with pytest.raises(ActionDenied, match="no exact resource mapping"):
        narrow.describe_instances()
    wide = aws.guarded("ec2", grants(("ec2:DescribeInstances", "*")))
    assert wide.describe_instances()["Reservations"] == []


# -- sessions, resources, account discovery ----------------------------------------------------


def test_session_install_guards_clients_created_afterwards(aws: Aws) -> None:
    aws.raw("s3").create_bucket(Bucket="bot-data")
    session = boto3.Session(region_name=REGION)
    before = session.client("s3", endpoint_url=aws.url)
    decide = grants(("s3:PutObject", "arn:aws:s3:::bot-data/ok/*"))
    install(session, decide)

    after = session.client("s3", endpoint_url=aws.url)
    after.put_object(Bucket="bot-data", Key="ok/1", Body=b"x")
    with pytest.raises(ActionDenied):
        after.put_object(Bucket="bot-data", Key="no/1", Body=b"x")
    bucket = session.resource("s3", endpoint_url=aws.url).Bucket("bot-data")
    with pytest.raises(ActionDenied):
        bucket.put_object(Key="no/2", Body=b"x")
    before.put_object(Bucket="bot-data", Key="before/1", Body=b"x")  # created before install

    assert sorted(_keys(aws.raw("s3"), "bot-data")) == ["before/1", "ok/1"]


def test_botocore_session_and_resource_targets(aws: Aws) -> None:
    import botocore.session

    aws.raw("s3").create_bucket(Bucket="bot-data")
    session = botocore.session.get_session()
    install(session, grants())
    client = session.create_client("s3", endpoint_url=aws.url, region_name=REGION)
    with pytest.raises(ActionDenied):
        client.list_objects_v2(Bucket="bot-data")

    resource = boto3.resource("s3", endpoint_url=aws.url, region_name=REGION)
    install(resource, grants())
    with pytest.raises(ActionDenied):
        list(resource.Bucket("bot-data").objects.all())


def test_the_account_comes_from_sts_when_not_given(aws: Aws) -> None:
    decide = grants(("sqs:CreateQueue", _arn("sqs", "jobs")))
    sqs = aws.guarded("sqs", decide)
    sqs.create_queue(QueueName="jobs")
    assert decide.asked == [("sqs:CreateQueue", _arn("sqs", "jobs"))]


@pytest.mark.parametrize(
    "target",
    [object(), "s3", None],
    ids=["object", "string", "none"],
)
def test_install_refuses_what_it_cannot_guard(target: Any) -> None:
    with pytest.raises(UsageError, match="cannot guard"):
        install(target, grants())


def test_install_refuses_a_malformed_account(aws: Aws) -> None:
    with pytest.raises(UsageError, match="12-digit"):
        install(aws.raw("s3"), grants(), account="12345")


# -- a local STS that counts, for "once per client" and "fail closed" ---------------------------

_IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/bot</Arn><UserId>AIDA</UserId>
<Account>210987654321</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""
_DENIED = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.
</Message></Error><RequestId>1</RequestId></ErrorResponse>"""


@dataclass
class FakeSts:
    url: str
    seen: list[str]
    answer: dict[str, Any]


@pytest.fixture
def fake_sts(fake_env: None) -> Iterator[FakeSts]:
    seen: list[str] = []
    answer: dict[str, Any] = {"status": 200, "body": _IDENTITY}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            seen.append(self.headers.get("X-Amz-Target") or body.split("&")[0])
            payload = answer["body"].encode()
            self.send_response(answer["status"])
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield FakeSts(f"http://127.0.0.1:{server.server_address[1]}", seen, answer)
    server.shutdown()
    server.server_close()
    thread.join()


def _sqs_at(url: str, decide: Grants, **kw: Any) -> Any:
    client = boto3.client(
        "sqs",
        endpoint_url=url,
        region_name=REGION,
        config=Config(retries={"total_max_attempts": 1}),
    )
    install(client, decide, **kw)
    return client


def test_sts_is_asked_once_per_client_and_denied_calls_never_leave(fake_sts: FakeSts) -> None:
    decide = grants()
    sqs = _sqs_at(fake_sts.url, decide)
    for _ in range(2):
        with pytest.raises(ActionDenied):
            sqs.create_queue(QueueName="jobs")
    assert fake_sts.seen == ["Action=GetCallerIdentity"]
    assert [r for _, r in decide.asked] == [_arn("sqs", "jobs", "210987654321")] * 2


def test_sts_failure_denies_the_call(fake_sts: FakeSts) -> None:
    fake_sts.answer.update(status=403, body=_DENIED)
    sqs = _sqs_at(fake_sts.url, grants(("*", "*")))
    with pytest.raises(ActionDenied) as caught:
        sqs.create_queue(QueueName="jobs")
    assert caught.value.decision.rule == "aws.unknown-account"
    assert "sts:GetCallerIdentity failed" in caught.value.decision.reason
    assert "testing" not in caught.value.decision.reason  # no credential in the reason
    assert fake_sts.seen == ["Action=GetCallerIdentity"]


def test_a_given_account_or_an_arn_needs_no_sts(fake_sts: FakeSts) -> None:
    decide = grants()
    sqs = _sqs_at(fake_sts.url, decide, account="111122223333")
    with pytest.raises(ActionDenied):
        sqs.create_queue(QueueName="jobs")
    other = _sqs_at(fake_sts.url, decide)
    with pytest.raises(ActionDenied):
        other.send_message(QueueUrl=f"{fake_sts.url}/444455556666/jobs", MessageBody="x")
    assert fake_sts.seen == []
    assert [r for _, r in decide.asked] == [
        _arn("sqs", "jobs", "111122223333"),
        _arn("sqs", "jobs", "444455556666"),
    ]


def test_denial_carries_a_json_ready_decision(aws: Aws) -> None:
    s3 = aws.guarded("s3", grants())
    with pytest.raises(ActionDenied) as caught:
        s3.list_buckets()
    data = caught.value.decision.to_dict()
    assert json.loads(json.dumps(data))["verdict"] == "deny"
    assert "s3:ListAllMyBuckets on *" in str(caught.value)


# -- the Guard: the hook decided by the manifest's compiled policy ------------------------------


def test_guard_boto3_decides_with_the_manifest(aws: Aws) -> None:
    from botwarden.manifest import parse_manifest
    from botwarden.runtime.guard import Guard

    manifest = parse_manifest(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        '[[capability]]\nname = "write-summaries"\nprovider = "aws"\nactions = ["s3:PutObject"]\n'
        'resources = ["arn:aws:s3:::biblio-data/summaries/*"]\n'
    )
    raw = aws.raw("s3")
    raw.create_bucket(Bucket="biblio-data")
    s3 = Guard(manifest).boto3(aws.raw("s3"))
    s3.put_object(Bucket="biblio-data", Key="summaries/1.json", Body=b"{}")
    with pytest.raises(ActionDenied) as caught:
        s3.delete_object(Bucket="biblio-data", Key="summaries/1.json")
    assert caught.value.decision.code is Code.ACTION_NOT_ALLOWED
    assert caught.value.decision.rule == "aws.default-deny"
    with pytest.raises(ActionDenied) as caught:
        s3.put_object(Bucket="biblio-data", Key="logs/1.json", Body=b"{}")
    assert caught.value.decision.code is Code.RESOURCE_NOT_ALLOWED
    assert caught.value.decision.rule == "capability[0]"
    assert _keys(raw, "biblio-data") == ["summaries/1.json"]
