"""The network check on Terraform: world-open ingress rated by port, egress against the manifest's
allow-list, in HCL, .tf.json and plans; unreadable files are one finding each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.analysers.network.helpers import MANIFEST, run, triples, write

from botwarden.analysers.network.analyser import NetworkAnalyser


def sg(block: str, kind: str = "ingress") -> str:
    return f'resource "aws_security_group" "bot" {{\n  name = "bot"\n  {kind} {{\n{block}  }}\n}}\n'


def ports(low: int, high: int, cidr: str = '"0.0.0.0/0"', protocol: str = "tcp") -> str:
    return (f"    from_port = {low}\n    to_port = {high}\n    protocol = \"{protocol}\"\n"
            f"    cidr_blocks = [{cidr}]\n")  # fmt: skip


SG_RULE = """\
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8", "0.0.0.0/0"]
  security_group_id = aws_security_group.bot.id
}
"""
VPC_RULE = """\
resource "aws_vpc_security_group_{direction}_rule" "all" {{
  security_group_id = aws_security_group.bot.id
  cidr_{family}         = "{cidr}"
  ip_protocol       = "{protocol}"
  from_port         = {port}
  to_port           = {port}
}}
"""
NACL = """\
resource "aws_network_acl" "main" {{
  vpc_id = var.vpc_id
  {direction} {{
    rule_no    = 100
    action     = "{action}"
    protocol   = "{protocol}"
    from_port  = {low}
    to_port    = {high}
    cidr_block = "0.0.0.0/0"
  }}
}}
"""
NACL_RULE = """\
resource "aws_network_acl_rule" "out" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 200
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}
"""

CASES = [
    # (id, files, manifest allow-list or None, expected (rule, severity, line))
    ("all-traffic-ingress", {"main.tf": sg(ports(0, 0, protocol="-1"))}, None,
     {("network.sg-open-ingress", "critical", 7)}),
    ("ssh-ingress", {"main.tf": sg(ports(22, 22))}, None,
     {("network.sg-open-ingress", "high", 7)}),
    ("postgres-ingress", {"main.tf": sg(ports(5432, 5432))}, None,
     {("network.sg-open-ingress", "high", 7)}),
    ("https-ingress", {"main.tf": sg(ports(443, 443))}, None,
     {("network.sg-open-ingress", "low", 7)}),
    ("web-range-ingress", {"main.tf": sg(ports(80, 80))}, None,
     {("network.sg-open-ingress", "low", 7)}),
    ("other-port-ingress", {"main.tf": sg(ports(8080, 8080))}, None,
     {("network.sg-open-ingress", "medium", 7)}),
    ("wide-range-ingress", {"main.tf": sg(ports(30000, 40000))}, None,
     {("network.sg-open-ingress", "high", 7)}),
    ("tcp-every-port", {"main.tf": sg(ports(0, 65535))}, None,
     {("network.sg-open-ingress", "critical", 7)}),
    ("icmp-ingress", {"main.tf": sg(ports(-1, -1, protocol="icmp"))}, None,
     {("network.sg-open-ingress", "low", 7)}),
    ("ipv6-rdp", {"main.tf": sg(ports(3389, 3389).replace("cidr_blocks", "ipv6_cidr_blocks")
                                .replace('"0.0.0.0/0"', '"::/0"'))}, None,
     {("network.sg-open-ingress", "high", 7)}),
    ("private-ssh-is-fine", {"main.tf": sg(ports(22, 22, '"10.0.0.0/8"'))}, None, set()),
    ("variable-cidr-is-skipped", {"main.tf": sg(ports(22, 22, "var.admin_cidr"))}, None, set()),
    ("sg-rule-second-cidr", {"rules.tf": SG_RULE}, None,
     {("network.sg-open-ingress", "high", 6)}),
    ("vpc-ingress-all", {"main.tf": VPC_RULE.format(direction="ingress", family="ipv4",
                                                    cidr="0.0.0.0/0", protocol="-1", port=0)},
     None, {("network.sg-open-ingress", "critical", 3)}),
    ("vpc-ingress-private", {"main.tf": VPC_RULE.format(direction="ingress", family="ipv4",
                                                        cidr="10.1.0.0/16", protocol="-1",
                                                        port=0)}, None, set()),
    ("vpc-egress-all", {"main.tf": VPC_RULE.format(direction="egress", family="ipv6",
                                                   cidr="::/0", protocol="-1", port=0)},
     None, {("network.sg-open-egress", "high", 3)}),
    ("egress-all-with-manifest", {"main.tf": sg(ports(0, 0, protocol="-1"), "egress")},
     '"api.example.com"', {("network.sg-open-egress", "high", 7)}),
    ("egress-443-allowed-ports", {"main.tf": sg(ports(443, 443), "egress")},
     '"api.example.com"', {("network.sg-open-egress", "low", 7)}),
    ("egress-443-no-manifest", {"main.tf": sg(ports(443, 443), "egress")}, None,
     {("network.sg-open-egress", "low", 7)}),
    ("egress-8443-allowed", {"main.tf": sg(ports(8443, 8443), "egress")},
     '"api.example.com:8443"', {("network.sg-open-egress", "low", 7)}),
    ("egress-ssh-not-allowed", {"main.tf": sg(ports(22, 22), "egress")},
     '"api.example.com"', {("network.sg-open-egress", "medium", 7)}),
    ("egress-any-manifest-is-not-judged", {"main.tf": sg(ports(0, 0, protocol="-1"), "egress")},
     '"*"', set()),
    ("egress-private-is-fine", {"main.tf": sg(ports(0, 0, '"10.0.0.0/8"', "-1"), "egress")},
     None, set()),
    ("halves-make-the-world", {"main.tf": sg(ports(22, 22, '"0.0.0.0/1", "128.0.0.0/1"'))},
     None, {("network.sg-open-ingress", "high", 7)}),
    ("ipv6-halves", {"main.tf": sg(ports(22, 22, '"::/1", "8000::/1", "10.0.0.0/8"'))},
     None, {("network.sg-open-ingress", "high", 7)}),
    ("three-quarters-is-not", {"main.tf": sg(ports(22, 22, '"0.0.0.0/1", "128.0.0.0/2"'))},
     None, set()),
    ("nacl-allow-all-in", {"main.tf": NACL.format(direction="ingress", action="allow",
                                                  protocol="-1", low=0, high=0)},
     None, {("network.nacl-open-ingress", "high", 9)}),
    ("nacl-deny-all-in", {"main.tf": NACL.format(direction="ingress", action="deny",
                                                 protocol="-1", low=0, high=0)}, None, set()),
    ("nacl-https-in", {"main.tf": NACL.format(direction="ingress", action="allow",
                                              protocol="tcp", low=443, high=443)},
     None, {("network.nacl-open-ingress", "info", 9)}),
    ("nacl-ephemeral-out", {"main.tf": NACL.format(direction="egress", action="allow",
                                                   protocol="tcp", low=1024, high=65535)},
     None, set()),
    ("nacl-rule-all-out", {"main.tf": NACL_RULE}, '"api.example.com"',
     {("network.nacl-open-egress", "medium", 7)}),
    ("bad-hcl", {"main.tf": 'resource "aws_security_group" "x" {\n  name = \n}\n'}, None,
     {("network.invalid-file", "medium", 2)}),
    ("other-resources-only", {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'},
     None, set()),
]  # fmt: skip


@pytest.mark.parametrize(("files", "allow", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_hcl(tmp_path: Path, files: dict[str, str], allow: str | None,
             expected: set[tuple[str, str, int]]) -> None:  # fmt: skip
    if allow is not None:
        files = {**files, "botwarden.toml": MANIFEST.format(allow=allow)}
    found = run(NetworkAnalyser(), write(tmp_path, files))
    assert triples(found) == expected
    assert all(f.location.path in files for f in found)


TF_JSON = """\
{
  "resource": {
    "aws_security_group": {
      "bot": {
        "name": "bot",
        "ingress": [
          {
            "from_port": 22,
            "to_port": 22,
            "protocol": "tcp",
            "cidr_blocks": [
              "0.0.0.0/0"
            ]
          }
        ],
        "egress": {
          "from_port": 0, "to_port": 0, "protocol": "-1",
          "cidr_blocks": ["0.0.0.0/0"]
        }
      }
    }
  }
}
"""


def plan(root: str, resources: list[dict[str, object]]) -> str:
    data: dict[str, object] = {"format_version": "1.2", "terraform_version": "1.9.0"}
    data[root] = {"root_module": {"resources": resources}}
    return json.dumps(data, indent=2)


SG_VALUES = {"name": "bot", "ingress": [{"from_port": 3306, "to_port": 3306, "protocol": "tcp",
             "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []}], "egress": []}  # fmt: skip
PLAN_RESOURCE = {"address": "module.net.aws_security_group.bot", "mode": "managed",
                 "type": "aws_security_group", "name": "bot", "values": SG_VALUES}  # fmt: skip


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


JSON_CASES = [
    ("tf-json", "net.tf.json", TF_JSON,
     {("network.sg-open-ingress", "high", 12), ("network.sg-open-egress", "high", 16)}),
    ("plan", "plan.json", plan("planned_values", [PLAN_RESOURCE]),
     {("network.sg-open-ingress", "high", line_of(plan("planned_values", [PLAN_RESOURCE]),
                                                  '"0.0.0.0/0"'))}),
    ("state", "state.json", plan("values", [PLAN_RESOURCE]),
     {("network.sg-open-ingress", "high", line_of(plan("values", [PLAN_RESOURCE]),
                                                  '"0.0.0.0/0"'))}),
    ("data-plan-ignored", "plan.json", plan("planned_values", [{**PLAN_RESOURCE, "mode": "data"}]),
     set()),
    ("bad-tf-json", "net.tf.json", '{\n  "resource": {\n', {("network.invalid-file", "medium", 3)}),
    ("bad-plan", "plan.json", '{"terraform_version": "1.9",\n  "values": [\n',
     {("network.invalid-file", "medium", 3)}),
    ("json-not-a-plan", "config.json", '{"ingress": [{"cidr_blocks": ["0.0.0.0/0"]}]}', set()),
    ("broken-json-not-a-plan", "config.json", '{"a": ', set()),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "expected"), [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])  # fmt: skip
def test_json_forms(tmp_path: Path, name: str, text: str,
                    expected: set[tuple[str, str, int]]) -> None:  # fmt: skip
    found = run(NetworkAnalyser(), write(tmp_path, {name: text}))
    assert triples(found) == expected


def test_one_bad_file_does_not_stop_the_scan(tmp_path: Path) -> None:
    write(tmp_path, {"a/bad.tf": "resource {", "b/good.tf": sg(ports(22, 22))})
    found = run(NetworkAnalyser(), tmp_path)
    assert {(f.rule, f.location.path) for f in found} == {
        ("network.invalid-file", "a/bad.tf"),
        ("network.sg-open-ingress", "b/good.tf"),
    }


def test_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": sg(ports(22, 22))})
    before = {f.fingerprint for f in run(NetworkAnalyser(), tmp_path)}
    write(tmp_path, {"main.tf": "# a comment\n\n" + sg(ports(22, 22))})
    after = run(NetworkAnalyser(), tmp_path)
    assert {f.fingerprint for f in after} == before
    assert after[0].location.line == 9
