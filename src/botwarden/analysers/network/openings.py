"""What a security group or network ACL lets through, as uniform *openings*.

Five resource shapes say the same thing in different words: inline ``ingress``/``egress`` blocks
of ``aws_security_group`` (``cidr_blocks``, ``ipv6_cidr_blocks``), ``aws_security_group_rule``
(``type``), the newer ``aws_vpc_security_group_ingress_rule``/``egress_rule`` (``cidr_ipv4``,
``cidr_ipv6``, ``ip_protocol``), and ``aws_network_acl`` blocks and ``aws_network_acl_rule``
(``cidr_block``, ``rule_action``, ``egress``). Each becomes one :class:`Opening` per CIDR that is
open to the world (``0.0.0.0/0``, ``::/0``), or one for a list of narrower ranges that together
cover every address (``0.0.0.0/1`` and ``128.0.0.0/1``); narrower ranges are not judged otherwise
(they name networks the checks cannot relate to host names).

Protocol ``-1``/``all`` (or the number of no port-carrying protocol) means every port.
Values Terraform must compute (``${var.cidr}``) are skipped: only literals are judged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botwarden.analysers.network.terraform import Resource

ALL_PORTS = (0, 65535)
_ALL_PROTOCOLS = frozenset({"-1", "all"})
_PORTED = frozenset({"tcp", "udp", "6", "17"})  # protocols whose port range means something
_ICMP = frozenset({"icmp", "icmpv6", "1", "58"})


@dataclass(frozen=True, slots=True)
class Opening:
    """One allow rule to or from the whole internet over ``ports`` (inclusive; ALL_PORTS: any)."""

    resource: Resource
    kind: str  # "sg" or "nacl"
    direction: str  # "ingress" or "egress"
    cidr: str
    ports: tuple[int, int]
    protocol: str
    line: int | None
    label: str  # where in the resource: "ingress[0]", or "" for a one-rule resource

    @property
    def all_traffic(self) -> bool:
        return self.ports == ALL_PORTS

    def describe(self) -> str:
        if self.all_traffic:
            what = "all traffic"
        elif self.protocol in _ICMP:
            what = "ICMP"
        else:
            low, high = self.ports
            what = f"{self.protocol} port {low}" if low == high else f"{self.protocol} {low}-{high}"
        return what


def openings(resource: Resource) -> Iterator[Opening]:
    """Every world-open allow rule of a network resource."""
    body, kind = resource.body, resource.type
    if kind in ("aws_security_group", "aws_default_security_group"):
        for direction in ("ingress", "egress"):
            yield from _blocks(resource, "sg", direction)
    elif kind == "aws_security_group_rule":
        direction = str(body.get("type", ""))
        if direction in ("ingress", "egress"):
            yield from _sg_rule(resource, body, (), kind="sg", direction=direction, label="")
    elif kind in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        direction = "ingress" if kind.endswith("ingress_rule") else "egress"
        yield from _vpc_rule(resource, direction)
    elif kind in ("aws_network_acl", "aws_default_network_acl"):
        for direction in ("ingress", "egress"):
            yield from _blocks(resource, "nacl", direction)
    elif kind == "aws_network_acl_rule":
        egress = body.get("egress", False)
        direction = "egress" if egress is True or str(egress).lower() == "true" else "ingress"
        if _allows(body.get("rule_action")):
            yield from _sg_rule(resource, body, (), kind="nacl", direction=direction, label="")


def _blocks(resource: Resource, kind: str, direction: str) -> Iterator[Opening]:
    blocks = resource.body.get(direction)
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        if kind == "nacl" and not _allows(block.get("action")):
            continue
        yield from _sg_rule(resource, block, (direction, index), kind=kind, direction=direction,
                            label=f"{direction}[{index}]")  # fmt: skip


def _allows(action: Any) -> bool:
    return str(action).lower() == "allow"


def _sg_rule(
    resource: Resource, block: dict[str, Any], at: tuple[str | int, ...], *, kind: str,
    direction: str, label: str,
) -> Iterator[Opening]:  # fmt: skip
    protocol = str(block.get("protocol", "")).lower()
    ports = _ports(protocol, block.get("from_port"), block.get("to_port"))
    if ports is None:
        return
    attributes = ("cidr_blocks", "ipv6_cidr_blocks", "cidr_block", "ipv6_cidr_block")
    for attribute in attributes:
        values = block.get(attribute)
        items = values if isinstance(values, list) else [values]
        whole = False
        for index, cidr in enumerate(items):
            if isinstance(cidr, str) and is_world(cidr):
                whole = True
                line = resource.line_of(*at, attribute, index) if isinstance(values, list) else (
                    resource.line_of(*at, attribute))  # fmt: skip
                yield Opening(resource, kind, direction, cidr.strip(), ports, protocol, line, label)
        if not whole and isinstance(values, list) and covers_world(values):
            shown = ", ".join(str(v).strip() for v in values) + " (together, every address)"
            yield Opening(resource, kind, direction, shown, ports, protocol,
                          resource.line_of(*at, attribute), label)  # fmt: skip


def _vpc_rule(resource: Resource, direction: str) -> Iterator[Opening]:
    body = resource.body
    protocol = str(body.get("ip_protocol", "")).lower()
    ports = _ports(protocol, body.get("from_port"), body.get("to_port"))
    if ports is None:
        return
    for attribute in ("cidr_ipv4", "cidr_ipv6"):
        cidr = body.get(attribute)
        if isinstance(cidr, str) and is_world(cidr):
            yield Opening(resource, "sg", direction, cidr.strip(), ports, protocol,
                          resource.line_of(attribute), "")  # fmt: skip


def _ports(protocol: str, low: Any, high: Any) -> tuple[int, int] | None:
    """The port range, ALL_PORTS for every protocol, None when it cannot be known."""
    if protocol in _ALL_PROTOCOLS:
        return ALL_PORTS
    if protocol in _ICMP:
        return (-1, -1)
    start, end = _port(low), _port(high)
    if protocol not in _PORTED:
        # another IP protocol (GRE, ESP...): ports do not apply
        return (-1, -1) if protocol and not protocol.startswith("$") else None
    if start is None or end is None:
        return None
    if (start, end) in ((0, 65535), (1, 65535)) or start < 0:
        return ALL_PORTS
    return (start, end)


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def covers_world(cidrs: list[Any]) -> bool:
    """Whether ranges that are each narrower add up to every address of their IP version
    (``0.0.0.0/1`` and ``128.0.0.0/1``: a way around a check for ``0.0.0.0/0`` alone)."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for cidr in cidrs:
        if not isinstance(cidr, str):
            continue
        try:
            networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            continue
    for version in (4, 6):
        same = [n for n in networks if n.version == version]
        merged = ipaddress.collapse_addresses(same)  # type: ignore[type-var]
        if any(network.prefixlen == 0 for network in merged):
            return True
    return False


def is_world(cidr: str) -> bool:
    """``0.0.0.0/0`` or ``::/0`` (written any way Python reads as the same network)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False
