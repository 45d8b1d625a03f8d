"""The ``network`` check of ``botwarden audit``: security groups and network ACLs in Terraform.

Ingress open to the world is rated by what it exposes: every port is critical, administration and
database ports high, other ports medium, web ports (80, 443) and ICMP low.

Egress is compared with the manifest's ``[egress].allow``. The allow-list names hosts and ports;
a security group can only name address ranges and ports, so no CIDR rule can express "these hosts
only" and the host part is left to the egress proxy. What a security group *can* do is limit the
ports: egress to the world on every port is wider than any allow-list (high), on ports the
manifest never allows it is medium, and on the allowed ports only it is low (the best a security
group can do without fixed addresses; reported so that it is a decision, not an accident). With no
manifest, 443 is taken as the allowed port, the manifest's default. A manifest whose allow-list
holds ``*`` allows every host, so egress is not judged (``manifest.egress-any`` reports it).

Network ACLs are stateless subnet filters behind which security groups still apply: their findings
are one severity step lower, and egress to the ephemeral ports (1024-65535), the return path of
inbound connections, is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from botwarden.analysers.network import rules
from botwarden.analysers.network.openings import Opening, openings
from botwarden.analysers.network.terraform import TerraformError, is_terraform_file, read_terraform
from botwarden.audit.target import Target
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.manifest import EntryKind

ADMIN_PORTS = frozenset({22, 23, 3389, 5985, 5986, 5900})  # ssh, telnet, rdp, winrm, vnc
DATABASE_PORTS = frozenset({
    1433, 1521, 3306, 5432, 5984, 6379, 7000, 7001, 9042, 9200, 9300, 11211, 27017, 27018,
    2379, 8086, 5672, 9092, 2181,
})  # fmt: skip
WEB_PORTS = frozenset({80, 443})
EPHEMERAL = (1024, 65535)
WIDE_RANGE = 1024  # more ports than this in one rule exposes services nobody listed
DEFAULT_ALLOWED_PORTS = frozenset({443})
_STEP_DOWN = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM,
              Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.INFO,
              Severity.INFO: Severity.INFO}  # fmt: skip


class NetworkAnalyser:
    """Reports world-open ingress and egress wider than the allow-list in ``.tf``, ``.tf.json``
    and ``terraform show -json`` files; a file that cannot be parsed is one finding."""

    name = rules.NETWORK
    rules: tuple[Rule, ...] = rules.NETWORK_RULES

    def analyse(self, target: Target) -> Iterator[Finding]:
        allowed = _allowed_ports(target)
        for path in target.files():
            if not path.name.endswith((".tf", ".json")):
                continue
            text = target.read_text(path)
            if text is None or not is_terraform_file(path.name, text):
                continue
            shown = target.relative(path)
            try:
                resources = read_terraform(path.name, text, shown)
            except TerraformError as exc:
                yield Finding.of(rules.NETWORK_INVALID, exc.reason, Location(shown, exc.line),
                                 key=f"{shown}:parse")  # fmt: skip
                continue
            for resource in resources:
                for opening in openings(resource):
                    yield from _judge(opening, allowed, shown)


def _allowed_ports(target: Target) -> frozenset[int] | None:
    """The ports the manifest allows; None when it allows every host (nothing to compare)."""
    if target.manifest is None:
        return DEFAULT_ALLOWED_PORTS
    entries = target.manifest.egress_entries
    if any(entry.kind is EntryKind.ANY for entry in entries):
        return None
    return frozenset(entry.port for entry in entries)


def _judge(opening: Opening, allowed: frozenset[int] | None, path: str) -> Iterator[Finding]:
    if opening.direction == "ingress":
        severity, why = ingress_severity(opening)
        rule = rules.SG_OPEN_INGRESS if opening.kind == "sg" else rules.NACL_OPEN_INGRESS
        message = f"{_name(opening)} admits {opening.describe()} from {opening.cidr}{why}"
    else:
        if allowed is None:
            return
        judged = egress_severity(opening, allowed)
        if judged is None:
            return
        severity, why = judged
        rule = rules.SG_OPEN_EGRESS if opening.kind == "sg" else rules.NACL_OPEN_EGRESS
        message = f"{_name(opening)} lets {opening.describe()} out to {opening.cidr}{why}"
    if opening.kind == "nacl":
        severity = _STEP_DOWN[severity]
    low, high = opening.ports
    key = f"{opening.resource.address}:{opening.label}:{opening.direction}:{opening.cidr}:" \
          f"{opening.protocol}:{low}-{high}"  # fmt: skip
    evidence = f"{opening.direction} {opening.describe()} {opening.cidr}"
    yield Finding.of(rule, message, Location(path, opening.line), key=key, evidence=evidence,
                     severity=severity)  # fmt: skip


def _name(opening: Opening) -> str:
    address = opening.resource.address
    return f"{address} {opening.label}" if opening.label else address


def ingress_severity(opening: Opening) -> tuple[Severity, str]:
    """Severity by what is exposed (for a security group; ACLs are stepped down by the caller)."""
    if opening.all_traffic:
        return Severity.CRITICAL, ""
    low, high = opening.ports
    if low < 0:  # ICMP, or a protocol without ports
        return (Severity.LOW, "") if opening.protocol in ("icmp", "icmpv6", "1", "58") else (
            Severity.MEDIUM, "")  # fmt: skip
    exposed = [port for port in sorted(ADMIN_PORTS | DATABASE_PORTS) if low <= port <= high]
    if exposed:
        kinds = "an administration" if exposed[0] in ADMIN_PORTS else "a database"
        return Severity.HIGH, f", including {kinds} port ({exposed[0]})"
    if high - low + 1 > WIDE_RANGE:
        return Severity.HIGH, f" ({high - low + 1:,} ports)"
    if all(port in WEB_PORTS for port in range(low, high + 1)):
        return Severity.LOW, ""
    return Severity.MEDIUM, ""


def egress_severity(opening: Opening, allowed: frozenset[int]) -> tuple[Severity, str] | None:
    """Severity of world-open egress against the allowed ports; None when nothing to report."""
    if opening.all_traffic:
        return Severity.HIGH, ": wider than any egress allow-list"
    low, high = opening.ports
    if opening.kind == "nacl" and EPHEMERAL[0] <= low and high <= EPHEMERAL[1]:
        return None  # the return path of inbound connections through a stateless filter
    if low < 0:
        return Severity.MEDIUM, ": the manifest allows TCP to named hosts only"
    outside = [port for port in range(low, high + 1) if port not in allowed]
    if outside:
        shown = ", ".join(map(str, sorted(allowed))) or "none"
        return Severity.MEDIUM, f": port {outside[0]} is not among the allowed ports ({shown})"
    return Severity.LOW, (
        ": the allowed ports only, but to every address (host names cannot be written as CIDR "
        "ranges; the egress proxy must enforce them)"
    )
