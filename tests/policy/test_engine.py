"""The decision engine: allow-list, HTTP and AWS capabilities, report mode, rule names."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, Verdict
from botwarden.policy.engine import HostIndex, Policy
from botwarden.policy.request import Target

HEAD = 'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'

MANIFEST = (
    HEAD
    + """
[egress]
allow = [
  "api.example.com",          # 0
  "*.cdn.example.net",        # 1
  "plain.example.org:80",     # 2
  "both.example.org",         # 3
  "both.example.org:8443",    # 4
  "203.0.113.7",              # 5
  "10.20.0.0/16:8080",        # 6
  "[2001:db8::1]:443",        # 7
]

[[capability]]
name = "feeds"
provider = "http"
methods = ["GET", "HEAD"]
urls = ["https://api.example.com/v3/streams/*", "https://api.example.com/v3/search?q=*"]

[[capability]]
name = "reader"
provider = "aws"
actions = ["s3:GetObject", "s3:List*"]
resources = ["arn:aws:s3:::data/logs/*", "arn:aws:s3:::data"]

[[capability]]
name = "queues"
provider = "aws"
actions = ["sqs:SendMessage"]
resources = ["arn:aws:sqs:eu-west-1:123456789012:jobs-?"]
"""
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy.compile(parse_manifest(MANIFEST))


def target(host: str, port: int = 443, path: str = "/", scheme: str = "https") -> Target:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return Target(scheme, host, port, path, False)
    return Target(scheme, host, port, path, True)


@pytest.mark.parametrize(
    ("host", "port", "verdict", "code", "rule"),
    [
        ("api.example.com", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[0]"),
        ("api.example.com", 80, Verdict.DENY, Code.PORT_NOT_ALLOWED, "egress.allow[0]"),
        ("sub.api.example.com", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("example.com", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("a.cdn.example.net", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[1]"),
        ("a.b.cdn.example.net", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[1]"),
        ("cdn.example.net", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("xcdn.example.net", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("plain.example.org", 80, Verdict.ALLOW, Code.ALLOWED, "egress.allow[2]"),
        ("plain.example.org", 443, Verdict.DENY, Code.PORT_NOT_ALLOWED, "egress.allow[2]"),
        ("both.example.org", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[3]"),
        ("both.example.org", 8443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[4]"),
        ("both.example.org", 8080, Verdict.DENY, Code.PORT_NOT_ALLOWED, "egress.allow[3]"),
        ("203.0.113.7", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[5]"),
        ("203.0.113.8", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("10.20.3.4", 8080, Verdict.ALLOW, Code.ALLOWED, "egress.allow[6]"),
        ("10.20.3.4", 443, Verdict.DENY, Code.PORT_NOT_ALLOWED, "egress.allow[6]"),
        ("10.21.0.1", 8080, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
        ("2001:db8::1", 443, Verdict.ALLOW, Code.ALLOWED, "egress.allow[7]"),
        ("2001:db8::2", 443, Verdict.DENY, Code.NOT_ALLOWED, "egress.default-deny"),
    ],
    ids=str,
)
def test_destination(
    policy: Policy, host: str, port: int, verdict: Verdict, code: Code, rule: str
) -> None:
    decision = policy.destination(target(host, port))
    assert (decision.verdict, decision.code, decision.rule) == (verdict, code, rule)
    assert (decision.host, decision.port) == (host, port)
    assert decision.reason


def test_an_ip_entry_never_admits_a_name_and_a_name_never_admits_an_ip() -> None:
    policy = Policy.compile(parse_manifest(HEAD + '[egress]\nallow = ["1.2.3.4", "*"]\n'))
    assert policy.destination(target("1.2.3.4")).allowed
    assert not policy.destination(target("1.2.3.5")).allowed  # '*' covers names only
    assert policy.destination(target("anything.example")).allowed


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/v3/streams/abc", Code.ALLOWED),
        ("HEAD", "/v3/streams/a/b/c?count=10", Code.ALLOWED),
        ("get", "/v3/streams/abc", Code.ALLOWED),
        ("POST", "/v3/streams/abc", Code.METHOD_NOT_ALLOWED),
        ("GET", "/v3/streams", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/profile", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/streams/../profile", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/streams/%2e%2e/profile", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/streams/..%2fprofile", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/streams/..%5cprofile", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/streams/%61bc", Code.ALLOWED),
        ("GET", "/v3/search?q=books", Code.ALLOWED),
        ("GET", "/v3/search?admin=1", Code.URL_NOT_ALLOWED),
        ("GET", "/v3/search", Code.URL_NOT_ALLOWED),
        ("GET", "/V3/streams/abc", Code.URL_NOT_ALLOWED),
    ],
)
def test_http_capabilities_scope_their_host(
    policy: Policy, method: str, path: str, code: Code
) -> None:
    decision = policy.request(method, target("api.example.com", path=path))
    assert decision.code is code, decision.reason
    assert decision.rule == "capability[0]"


def test_hosts_without_an_http_capability_are_decided_by_the_allow_list(policy: Policy) -> None:
    decision = policy.request("DELETE", target("a.cdn.example.net", path="/anything"))
    assert decision.verdict is Verdict.ALLOW
    assert decision.rule == "egress.allow[1]"


def test_scheme_is_part_of_a_url_capability(policy: Policy) -> None:
    decision = policy.request("GET", target("api.example.com", 443, "/v3/streams/x", "http"))
    assert decision.code is Code.URL_NOT_ALLOWED


def test_a_tunnel_is_decided_by_the_allow_list_alone(policy: Policy) -> None:
    tunnel = Target("", "api.example.com", 443, "", False)
    assert policy.request("CONNECT", tunnel).rule == "egress.allow[0]"


@pytest.mark.parametrize(
    ("action", "resource", "code", "rule"),
    [
        ("s3:GetObject", "arn:aws:s3:::data/logs/2026/x.json", Code.ALLOWED, "capability[1]"),
        ("S3:getobject", "arn:aws:s3:::data/logs/x", Code.ALLOWED, "capability[1]"),
        ("s3:ListBucket", "arn:aws:s3:::data", Code.ALLOWED, "capability[1]"),
        ("s3:GetObject", "arn:aws:s3:::data/secret/x", Code.RESOURCE_NOT_ALLOWED, "capability[1]"),
        ("s3:GetObject", "arn:aws:s3:::DATA/logs/x", Code.RESOURCE_NOT_ALLOWED, "capability[1]"),
        ("s3:PutObject", "arn:aws:s3:::data/logs/x", Code.ACTION_NOT_ALLOWED, "aws.default-deny"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs-a", Code.ALLOWED,
         "capability[2]"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs-ab",
         Code.RESOURCE_NOT_ALLOWED, "capability[2]"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:999999999999:jobs-a",
         Code.RESOURCE_NOT_ALLOWED, "capability[2]"),
        ("dynamodb:GetItem", "*", Code.ACTION_NOT_ALLOWED, "aws.default-deny"),
    ],
)  # fmt: skip
def test_aws_capabilities(
    policy: Policy, action: str, resource: str, code: Code, rule: str
) -> None:
    decision = policy.aws(action, resource)
    assert (decision.code, decision.rule) == (code, rule), decision.reason


REPORTING = (
    HEAD
    + """
[egress]
mode = "report"
allow = ["api.example.com"]

[[capability]]
provider = "http"
mode = "report"
methods = ["GET"]
urls = ["https://api.example.com/v1/*"]

[[capability]]
provider = "aws"
actions = ["s3:GetObject"]
resources = ["arn:aws:s3:::a/*"]
"""
)


def test_report_mode_allows_and_says_what_it_would_have_denied() -> None:
    policy = Policy.compile(parse_manifest(REPORTING))
    elsewhere = policy.request("GET", target("evil.example"))
    assert elsewhere.verdict is Verdict.REPORT
    assert elsewhere.allowed
    assert elsewhere.would_deny is Code.NOT_ALLOWED
    assert elsewhere.to_dict()["would_deny"] == "not-in-allow-list"
    assert "would deny" in elsewhere.reason
    wrong_path = policy.request("GET", target("api.example.com", path="/v2/x"))
    assert (wrong_path.verdict, wrong_path.would_deny) == (Verdict.REPORT, Code.URL_NOT_ALLOWED)
    enforced_aws = policy.aws("s3:GetObject", "arn:aws:s3:::b/x")
    assert enforced_aws.verdict is Verdict.DENY  # this capability is enforced


def test_bot_wide_report_mode_reaches_every_rule() -> None:
    text = REPORTING.replace('owner = "o"\n', 'owner = "o"\nmode = "report"\n', 1)
    policy = Policy.compile(parse_manifest(text))
    assert policy.aws("s3:GetObject", "arn:aws:s3:::b/x").verdict is Verdict.REPORT
    assert policy.aws("ec2:RunInstances", "*").verdict is Verdict.REPORT


# -- properties --------------------------------------------------------------------------------

label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
last_label = st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)  # not a number
names = st.builds(lambda ls, last: ".".join([*ls, last]), st.lists(label, max_size=4), last_label)


@given(suffix=names, below=st.lists(label, min_size=1, max_size=3).map(".".join))
def test_a_wildcard_covers_names_below_its_suffix_and_never_the_suffix(
    suffix: str, below: str
) -> None:
    index: HostIndex[str] = HostIndex()
    index.add_name("*." + suffix, "w")
    assert list(index.names(f"{below}.{suffix}")) == ["w"]
    assert list(index.names(suffix)) == []
    assert list(index.names(f"{below}{suffix}")) == [] or f"{below}{suffix}".endswith("." + suffix)


@given(
    network=st.ip_addresses(v=4).flatmap(
        lambda a: st.integers(0, 32).map(lambda n: ipaddress.ip_network(f"{a}/{n}", strict=False))
    ),
    probe=st.ip_addresses(v=4),
)
def test_network_index_agrees_with_ipaddress(
    network: ipaddress.IPv4Network, probe: ipaddress.IPv4Address
) -> None:
    index: HostIndex[str] = HostIndex()
    index.add_network(network, "n")
    assert (list(index.addresses(probe)) == ["n"]) == (probe in network)


@given(extra=st.lists(names, max_size=4), probe=names)
def test_adding_allow_entries_never_denies_more(extra: list[str], probe: str) -> None:
    base = HEAD + '[egress]\nallow = ["api.example.com"]\n'
    more = HEAD + "[egress]\nallow = " + str(["api.example.com", *extra]).replace("'", '"') + "\n"
    before = Policy.compile(parse_manifest(base)).destination(target(probe))
    after = Policy.compile(parse_manifest(more)).destination(target(probe))
    assert not before.allowed or after.allowed
