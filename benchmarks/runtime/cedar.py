"""The generated manifest as a Cedar policy set, and decisions as Cedar requests.

One `permit` per manifest rule (Cedar denies by default, as botwarden does). The model:

  principal  Bot::"bench-bot"
  action     Action::"CONNECT" for a tunnel, Action::"GET" ... "OPTIONS" for an HTTP request
             (groups: the methods are in Action::"http", it and CONNECT in Action::"egress",
             declared as entities), Action::"aws" for an AWS call
  resource   Host::"<host>" (the normalised host), or Arn::"<arn>"
  context    tunnel/HTTP: host, port, [scheme, path], and `ip` (an ipaddr extension value) when the
             host is an IP literal; AWS: action (lower-cased, as IAM compares actions), action_len,
             resource

Rule by rule (the tests read `context.`):

  egress `host[:port]`     resource == Host::"h" in the scope; port == p
  egress `*.suffix[:port]` !(context has ip) && host like "*.suffix" && port == p
  egress IP / CIDR         context has ip && ip.isInRange(ip("net")) && port == p
                           (one address: host == "a")
  http capability          action in [its methods] (one: ==, `*`: in Action::"http"), when one of
                           its URLs matches: scheme == s && host like "*.suffix" (an exact host:
                           resource == Host::"h" in the scope) && port == p && path like "/v1/*"
  aws capability           (action like "s3:get*" || ...) && (resource like "arn:...*" || ...)

Egress permits cover CONNECT and the HTTP methods, `unless` the request is HTTP and some http
capability names the host on that port: botwarden then requires a capability to match (a host no
capability names is decided by the allow-list alone). The generator only writes capabilities whose
host and port an egress entry admits, so a capability permit never needs an egress condition.

Cedar has no one-character wildcard: an IAM action pattern with `?` (and no `*`, which the
generator guarantees) becomes `like` with `*` in its place plus `action_len == len(pattern)`,
which is exact.
"""

from __future__ import annotations

import json
from typing import Any

from generate import HTTP_METHODS, Egress, Rules, UrlPattern


def cedar_entities() -> list[dict[str, Any]]:
    """Action groups: every HTTP method is in Action::"http", it and CONNECT in Action::"egress".

    (`action in Action::"egress"` is about twice as fast in cedarpy 4.12 as `action in [...]`
    listing the eight actions.)
    """

    def group(name: str) -> dict[str, Any]:
        return {"type": "Action", "id": name}

    out = [{"uid": group("CONNECT"), "attrs": {}, "parents": [group("egress")]}]
    out += [{"uid": group(m), "attrs": {}, "parents": [group("http"), group("egress")]}
            for m in HTTP_METHODS]  # fmt: skip
    out += [{"uid": group("http"), "attrs": {}, "parents": [group("egress")]},
            {"uid": group("egress"), "attrs": {}, "parents": []}]  # fmt: skip
    return out


def _s(text: str) -> str:
    return json.dumps(text)  # Cedar string literals escape like JSON for these ASCII strings


def _host_test(pattern: str) -> str:
    if pattern.startswith("*."):
        return f"context.host like {_s(pattern)}"
    return f"context.host == {_s(pattern)}"


def _egress_test(e: Egress) -> str:
    port = f"context.port == {e.port}"
    if e.kind == "host":
        return port  # the host is in the policy's scope: resource == Host::"h"
    if e.kind == "wildcard":
        return f"!(context has ip) && {_host_test('*.' + e.host)} && {port}"
    if e.kind == "address":
        return f"context has ip && context.host == {_s(e.host)} && {port}"
    return f"context has ip && context.ip.isInRange(ip({_s(e.host)})) && {port}"


def _scoped(e: Egress, urls: list[UrlPattern]) -> list[str] | None:
    """Cedar tests for the hosts under ``e`` that http capabilities name on e's port.

    None: every host ``e`` admits is named (so HTTP through this entry never decides alone).
    """
    if e.kind not in ("host", "wildcard"):
        return []
    tests: list[str] = []
    for url in urls:
        if url.port != e.port:
            continue
        wild = url.host.startswith("*.")
        name = url.host[2:] if wild else url.host
        if e.kind == "host":
            if name == e.host if not wild else e.host.endswith("." + name):
                return None
            continue
        if wild and (e.host == name or e.host.endswith("." + name)):
            return None  # the capability's suffix covers the whole entry
        if name.endswith("." + e.host) or (wild and name == e.host):
            tests.append(_host_test(url.host))
    return sorted(set(tests))


def to_cedar(rules: Rules) -> str:
    urls = [u for cap in rules.http for u in cap.urls]
    out: list[str] = []
    for index, e in enumerate(rules.egress):
        scoped = _scoped(e, urls)
        actions = 'action == Action::"CONNECT"' if scoped is None else 'action in Action::"egress"'
        resource = f"resource == Host::{_s(e.host)}" if e.kind == "host" else "resource"
        policy = f'@id("egress.allow[{index}]")\npermit (principal, {actions}, {resource})\n'
        policy += f"when {{ {_egress_test(e)} }}"
        if scoped:
            policy += f'\nunless {{ action != Action::"CONNECT" && ({" || ".join(scoped)}) }}'
        out.append(policy + ";")
    offset = len(rules.egress)
    for index, cap in enumerate(rules.http):
        if cap.methods == ("*",):
            methods = 'action in Action::"http"'
        elif len(cap.methods) == 1:
            methods = f'action == Action::"{cap.methods[0]}"'
        else:
            methods = "action in [" + ", ".join(f'Action::"{m}"' for m in cap.methods) + "]"
        hosts = sorted({u.host for u in cap.urls})
        one = hosts[0] if len(hosts) == 1 and not hosts[0].startswith("*.") else None
        resource = f"resource == Host::{_s(one)}" if one else "resource"
        tests = " || ".join(
            f"(context.scheme == {_s(u.scheme)} && "
            + ("" if one else f"{_host_test(u.host)} && ")
            + f"context.port == {u.port} && context.path like {_s(u.path)})"
            for u in cap.urls
        )
        out.append(
            f'@id("capability[{index}]")\npermit (principal, {methods}, {resource})\n'
            f"when {{ {tests} }};"
        )
    offset += len(rules.http)
    for index, aws in enumerate(rules.aws, start=len(rules.http)):
        actions = " || ".join(_action_test(a) for a in aws.actions)
        resources = " || ".join(
            "true" if r == "*" else f"context.resource {'like' if '*' in r else '=='} {_s(r)}"
            for r in aws.resources
        )
        out.append(
            f'@id("capability[{index}]")\npermit (principal, action == Action::"aws", resource)\n'
            f"when {{ ({actions}) && ({resources}) }};"
        )
    assert len(out) == offset + len(rules.aws)
    return "\n\n".join(out) + "\n"


def _action_test(pattern: str) -> str:
    if pattern == "*":
        return "true"
    lowered = pattern.lower()
    if "?" in lowered:
        assert "*" not in lowered, pattern
        like = _s(lowered.replace("?", "*"))
        return f"(context.action like {like} && context.action_len == {len(lowered)})"
    op = "like" if "*" in lowered else "=="
    return f"context.action {op} {_s(lowered)}"


def cedar_request(item: dict[str, Any]) -> dict[str, Any]:
    """One decision of requests.jsonl as a cedarpy request (built before timing starts)."""
    principal = {"type": "Bot", "id": "bench-bot"}
    if item["k"] == "aws":
        action = str(item["action"])
        return {
            "principal": principal,
            "action": {"type": "Action", "id": "aws"},
            "resource": {"type": "Arn", "id": item["resource"]},
            "context": {"action": action.lower(), "action_len": len(action),
                        "resource": item["resource"]},
        }  # fmt: skip
    context: dict[str, Any] = {"host": item["host"], "port": item["port"]}
    if item["k"] == "http":
        context.update(scheme=item["scheme"], path=item["path"])
        method = item["method"]
    else:
        method = "CONNECT"
    if item.get("ip"):
        context["ip"] = {"__extn": {"fn": "ip", "arg": item["host"]}}
    return {
        "principal": principal,
        "action": {"type": "Action", "id": method},
        "resource": {"type": "Host", "id": item["host"]},
        "context": context,
    }
