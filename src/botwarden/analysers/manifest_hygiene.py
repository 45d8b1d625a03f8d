"""Manifest hygiene: what a manifest declares that is broader, older or weaker than it should be.

These checks need nothing but the manifest, so ``botwarden audit`` is useful before any policy,
secret store or runtime exists. Each finding points at the manifest line that causes it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from botwarden.analysers.public_suffix import covers_public_suffix
from botwarden.audit.target import Target
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.manifest import MANIFEST_NAME, EgressEntry, EntryKind, Manifest, Mode
from botwarden.manifest.egress import entry_covers_host, normalise_host, parse_egress_entry
from botwarden.manifest.model import AwsCapability, HttpCapability
from botwarden.policy.addresses import only_refused

R = Rule
MISSING = R("manifest.missing", Severity.HIGH, "The bot has no manifest",
    "Write a botwarden.toml with 'botwarden init' and declare what the bot needs.",
    "Without a manifest nothing declares what the bot may reach or do, so nothing can be "
    "generated, enforced or audited against it.")  # fmt: skip
EGRESS_ANY = R("manifest.egress-any", Severity.CRITICAL, "Egress allows every host",
    "Replace '*' with the exact hosts the bot calls.",
    "An egress allow-list entry '*' turns default-deny into allow-all.")  # fmt: skip
EGRESS_PUBLIC_SUFFIX = R("manifest.egress-public-suffix-wildcard", Severity.HIGH,
    "Egress wildcard covers hosts anyone can register",
    "List the exact hosts instead of a wildcard over a public suffix.",
    "A wildcard such as '*.com' or '*.s3.amazonaws.com' lies over a public suffix: anyone can "
    "create a host below it, so an attacker can stand up an endpoint the bot may reach and "
    "send data to.")  # fmt: skip
EGRESS_BROAD_NETWORK = R("manifest.egress-broad-network", Severity.HIGH,
    "Egress allows a very large address range",
    "Narrow the range to the addresses the bot needs (IPv4 /16 or smaller, IPv6 /48 or smaller).",
    "A CIDR entry wider than an IPv4 /16 or an IPv6 /48 admits far more than one "
    "service.")  # fmt: skip
EGRESS_METADATA = R("manifest.egress-metadata-address", Severity.HIGH,
    "Egress allows a cloud metadata address",
    "Remove the metadata address: a bot should get credentials from its runtime, not by URL.",
    "Cloud metadata endpoints hand out instance credentials; allowing them re-opens the most "
    "common SSRF path to stolen keys.")  # fmt: skip
EGRESS_PLAINTEXT = R("manifest.egress-plaintext-port", Severity.LOW,
    "Egress allows plain HTTP",
    "Use HTTPS (port 443) unless the service cannot speak TLS.",
    "Port 80 carries requests and credentials unencrypted.")  # fmt: skip
BUDGET_TOTAL = R("manifest.budget-total-missing", Severity.MEDIUM, "No total budget",
    "Add [budget.total] with 'requests' and 'bytes' limits per window.",
    "Without a total budget nothing stops a runaway loop or an over-eager cache from burning "
    "requests, egress and money.")  # fmt: skip
BUDGET_HOST = R("manifest.budget-host-missing", Severity.LOW, "Allowed host without a budget",
    "Add a [budget.\"HOST\"] table with a request rate for this host.",
    "A host the bot may reach but has no per-host budget can be hammered until the platform "
    "rate-limits or bans the bot.")  # fmt: skip
BREAKER = R("manifest.breaker-missing", Severity.LOW, "No circuit breaker",
    "Add a [breaker] table (e.g. trip_after_status = [429, 401, 403], threshold = 5).",
    "Without a breaker a bot keeps calling an upstream that refuses it (expired key, rate "
    "limit) instead of stopping.")  # fmt: skip
SECRET_MAX_AGE = R("manifest.secret-no-max-age", Severity.MEDIUM, "Secret without max_age",
    "Set max_age (e.g. \"30d\") so that stale secrets are reported and rotated.",
    "A secret with no maximum age can stay in use for years unnoticed.")  # fmt: skip
SECRET_ENV = R("manifest.secret-env-source", Severity.MEDIUM,
    "Secret read from an environment variable outside development",
    "Use a secrets manager source (vault:, aws-sm:) or the local encrypted store (local:).",
    "Environment variables leak into child processes, crash dumps and debug pages, and carry "
    "no age or rotation.")  # fmt: skip
ACTION_WILDCARD = R("manifest.capability-action-wildcard", Severity.HIGH,
    "Capability declares wildcard actions",
    "Declare the exact actions the bot calls, e.g. 's3:GetObject'.",
    "'*' or 'service:*' declares far more than a bot needs; policies generated from it are "
    "over-privileged by construction.")  # fmt: skip
RESOURCE_WILDCARD = R("manifest.capability-resource-wildcard", Severity.HIGH,
    "Capability declares wildcard resources",
    "Declare exact resource ARNs or narrow prefixes, e.g. 'arn:aws:s3:::bucket/prefix/*'.",
    "A resource of '*' or an ARN wildcarded in its account or name applies the actions to "
    "every resource of that kind.")  # fmt: skip
HTTP_BROAD = R("manifest.http-capability-broad", Severity.HIGH,
    "HTTP capability matches any host",
    "Name the host in the URL pattern, e.g. 'https://api.example.com/v1/*'.",
    "A URL pattern whose host is '*' or a wildcard over a public suffix lets the bot call "
    "anything.")  # fmt: skip
HTTP_HOST_NOT_ALLOWED = R("manifest.capability-host-not-allowed", Severity.MEDIUM,
    "HTTP capability names a host egress does not allow",
    "Add the host (with its port if not 443) to [egress].allow, or fix the URL pattern.",
    "Egress is default deny, so calls this capability declares will be refused at run time: "
    "the manifest contradicts itself.")  # fmt: skip
GUARD_INPUT = R("manifest.guard-input-off", Severity.HIGH,
    "Prompt-injection guard off for an LLM bot",
    "Add [guard.input] with prompt_injection = \"block\" (or \"flag\" while rolling out).",
    "A bot that passes untrusted text to a language model without an input guard can be "
    "steered by instructions hidden in that text.")  # fmt: skip
GUARD_OUTPUT = R("manifest.guard-output-off", Severity.HIGH, "Output guard off for an LLM bot",
    "Add [guard.output] with html = \"sanitize\" and links = \"egress-only\".",
    "Model output can carry scripts, and links or images that send data to an attacker's "
    "server; an LLM bot needs its output sanitised.")  # fmt: skip
GUARD_TOOL_SCHEMA = R("manifest.guard-tool-schema", Severity.MEDIUM,
    "A tool's argument schema cannot be used",
    "Point the [guard.input.tools] entry at a valid JSON Schema file, relative to the manifest.",
    "The input guard fails closed: every call to a tool whose schema cannot be read or is not "
    "a valid JSON Schema is blocked at run time, so the bot breaks where a check was "
    "promised.")  # fmt: skip
REPORT_MODE = R("manifest.report-mode", Severity.MEDIUM,
    "Enforcement in report-only mode in production",
    "Switch to mode = \"enforce\" once the report-only rollout has shown no false denials.",
    "In report mode a rule allows what it would deny; in production that means the rule "
    "does not protect anything.")  # fmt: skip

RULES = (MISSING, EGRESS_ANY, EGRESS_PUBLIC_SUFFIX, EGRESS_BROAD_NETWORK, EGRESS_METADATA,
         EGRESS_PLAINTEXT, BUDGET_TOTAL, BUDGET_HOST, BREAKER, SECRET_MAX_AGE, SECRET_ENV,
         ACTION_WILDCARD, RESOURCE_WILDCARD, HTTP_BROAD, HTTP_HOST_NOT_ALLOWED, GUARD_INPUT,
         GUARD_OUTPUT, GUARD_TOOL_SCHEMA, REPORT_MODE)  # fmt: skip

# Link-local and provider-specific addresses that serve instance metadata and credentials.
METADATA_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("169.254.169.254/32", "169.254.170.2/32", "fd00:ec2::254/128",
              "100.100.100.200/32", "192.0.0.192/32")
)  # fmt: skip


# Names that resolve to a metadata service from inside a cloud instance.
METADATA_HOSTS = ("metadata.google.internal", "metadata.goog", "metadata")


class ManifestAnalyser:
    """Checks the manifest alone; reports ``manifest.missing`` when there is none."""

    name = "manifest"
    rules: tuple[Rule, ...] = RULES

    def analyse(self, target: Target) -> Iterator[Finding]:
        manifest = target.manifest
        if manifest is None:
            yield Finding.of(MISSING, f"no {MANIFEST_NAME} in {target.root.as_posix()}",
                             Location(MANIFEST_NAME), key="missing")  # fmt: skip
            return
        for check in _CHECKS:
            yield from check(manifest)
        if target.manifest_path is not None:
            yield from _tool_schemas(manifest, target.manifest_path.parent)


def _egress(manifest: Manifest) -> Iterator[Finding]:
    for index, entry in enumerate(manifest.egress_entries):
        where = manifest.locate("egress", "allow", index)
        yield from _egress_entry(entry, where)


def _egress_entry(entry: EgressEntry, where: Location) -> Iterator[Finding]:
    text = entry.text
    if entry.kind is EntryKind.ANY:
        yield Finding.of(EGRESS_ANY, "egress entry '*' allows every host", where, key=text,
                         evidence=text)  # fmt: skip
    elif entry.kind is EntryKind.WILDCARD:
        suffix = covers_public_suffix(entry.host)
        if suffix is not None:
            message = (f"'{text}' covers the public suffix '{suffix}': anyone can register a "
                       "host the bot may then reach")  # fmt: skip
            yield Finding.of(EGRESS_PUBLIC_SUFFIX, message, where, key=text, evidence=text)
    elif entry.network is not None:
        limit = 16 if entry.network.version == 4 else 48
        if entry.network.prefixlen < limit:
            size = f"{entry.network.num_addresses:,} addresses"
            yield Finding.of(EGRESS_BROAD_NETWORK, f"'{text}' allows {size}", where, key=text,
                             evidence=text)  # fmt: skip
    if _has_metadata(entry):
        yield Finding.of(EGRESS_METADATA, f"'{text}' includes a cloud metadata address", where,
                         key=text, evidence=text)  # fmt: skip
    if entry.port == 80:
        yield Finding.of(EGRESS_PLAINTEXT, f"'{text}' allows unencrypted HTTP on port 80", where,
                         key=text, evidence=text)  # fmt: skip


def _has_metadata(entry: EgressEntry) -> bool:
    if entry.kind in (EntryKind.HOST, EntryKind.WILDCARD):
        return any(entry_covers_host(entry, host) for host in METADATA_HOSTS)
    if entry.kind is EntryKind.ANY:
        return False  # reported as manifest.egress-any; addresses still need explicit listing
    if entry.network is not None and not only_refused(entry.network):
        return False  # a range with public addresses opens no refused one (docs/ssrf.md)
    network = entry.network or ipaddress.ip_network(entry.host)
    return any(
        network.overlaps(meta) for meta in METADATA_NETWORKS if network.version == meta.version
    )


def _budgets(manifest: Manifest) -> Iterator[Finding]:
    if "total" not in manifest.budget:
        where = manifest.locate("budget") if manifest.budget else manifest.locate("bot")
        yield Finding.of(BUDGET_TOTAL, "no [budget.total]: nothing caps the bot's requests, "
                         "bytes or cost overall", where, key="total")  # fmt: skip
    budgeted = {_entry_key(key) for key in manifest.budget}
    for index, entry in enumerate(manifest.egress_entries):
        if _entry_key(entry) not in budgeted:
            yield Finding.of(BUDGET_HOST, f"'{entry.text}' may be reached but has no budget",
                             manifest.locate("egress", "allow", index), key=entry.text,
                             evidence=entry.text)  # fmt: skip


def _entry_key(entry: EgressEntry | str) -> tuple[str, str, int] | None:
    """What an egress entry or budget key denotes, so 'API.x.com' and 'api.x.com:443' agree."""
    if isinstance(entry, str):
        if entry == "total" or entry.startswith("capability:"):
            return None
        entry = parse_egress_entry(entry)
    return (entry.kind.value, entry.host, entry.port)


def _breaker(manifest: Manifest) -> Iterator[Finding]:
    if manifest.breaker is None:
        yield Finding.of(BREAKER, "no [breaker]: the bot keeps calling upstreams that refuse it",
                         manifest.locate("bot"), key="breaker")  # fmt: skip


def _secrets(manifest: Manifest) -> Iterator[Finding]:
    for name, secret in manifest.secret.items():
        where = manifest.locate("secret", name)
        if secret.max_age is None:
            yield Finding.of(SECRET_MAX_AGE, f"secret '{name}' has no max_age", where,
                             key=name, evidence=name)  # fmt: skip
        source = secret.source
        if source.scheme == "env" and manifest.bot.environment != "development":
            yield Finding.of(
                SECRET_ENV,
                f"secret '{name}' comes from ${source.locator} in a {manifest.bot.environment} bot",
                manifest.locate("secret", name, "source"),
                key=name,
                evidence=source.text,
            )


def _capabilities(manifest: Manifest) -> Iterator[Finding]:
    for index, capability in enumerate(manifest.capability):
        if isinstance(capability, AwsCapability):
            yield from _aws_capability(manifest, index, capability)
        else:
            yield from _http_capability(manifest, index, capability)


def _aws_capability(manifest: Manifest, index: int, cap: AwsCapability) -> Iterator[Finding]:
    label = cap.name or f"capability[{index}]"
    for i, action in enumerate(cap.actions):
        severity = _action_breadth(action)
        if severity is not None:
            where = manifest.locate("capability", index, "actions", i)
            yield Finding.of(
                ACTION_WILDCARD, f"{label} declares '{action}'", where,
                key=f"{label}:{action}", evidence=action, severity=severity,
            )  # fmt: skip
    for i, resource in enumerate(cap.resources):
        if _resource_is_broad(resource):
            yield Finding.of(RESOURCE_WILDCARD, f"{label} applies to '{resource}'",
                             manifest.locate("capability", index, "resources", i),
                             key=f"{label}:{resource}", evidence=resource)  # fmt: skip


def _action_breadth(action: str) -> Severity | None:
    if action == "*":
        return Severity.CRITICAL
    _service, _, name = action.partition(":")
    if name == "*":
        return Severity.HIGH
    if name.startswith("*") or name in ("Put*", "Delete*", "Update*", "Create*"):
        return Severity.MEDIUM
    return None


def _resource_is_broad(resource: str) -> bool:
    """'*', or an ARN whose service, account or first resource segment is wildcarded."""
    if resource == "*":
        return True
    _arn, _partition, service, _region, account, name = resource.split(":", 5)
    first = name.split("/", 1)[0]
    return service == "*" or "*" in account or first in ("*", "")


def _http_capability(manifest: Manifest, index: int, cap: HttpCapability) -> Iterator[Finding]:
    label = cap.name or f"capability[{index}]"
    for i, url in enumerate(cap.urls):
        where = manifest.locate("capability", index, "urls", i)
        parts = urlsplit(url)
        host = parts.hostname or ""
        bare = host.removeprefix("*.")
        if host == "*" or (host.startswith("*.") and covers_public_suffix(bare)):
            yield Finding.of(HTTP_BROAD, f"{label} allows '{url}'", where, key=f"{label}:{url}",
                             evidence=url)  # fmt: skip
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if not _egress_allows(manifest, host, port):
            yield Finding.of(
                HTTP_HOST_NOT_ALLOWED,
                f"{label} calls {host}:{port}, which [egress].allow does not admit",
                where,
                key=f"{label}:{url}",
                evidence=url,
            )


def _egress_allows(manifest: Manifest, host: str, port: int) -> bool:
    entries = manifest.egress_entries
    if host.startswith("*."):
        suffix = normalise_host(host[2:])
        return any(
            e.port == port and (e.kind is EntryKind.ANY or
                                (e.kind is EntryKind.WILDCARD and (e.host == suffix or
                                                                   suffix.endswith("." + e.host))))
            for e in entries
        )  # fmt: skip
    name = normalise_host(host)
    return any(entry_covers_host(entry, name, port) for entry in entries)


def _guards(manifest: Manifest) -> Iterator[Finding]:
    if not manifest.bot.llm:
        return
    guard_in, guard_out = manifest.guard.input, manifest.guard.output
    if guard_in is None or guard_in.prompt_injection == "off":
        where = manifest.locate("guard", "input", "prompt_injection") if guard_in else (
            manifest.locate("bot", "llm"))  # fmt: skip
        state = "is off" if guard_in else "is not configured"
        yield Finding.of(GUARD_INPUT, f"the bot uses an LLM and prompt-injection detection {state}",
                         where, key="guard.input")  # fmt: skip
    weak = guard_out is None or guard_out.html == "off" or guard_out.links == "any"
    if weak:
        where = manifest.locate("guard", "output") if guard_out else manifest.locate("bot", "llm")
        what = "is not configured" if guard_out is None else "lets HTML or any link through"
        yield Finding.of(GUARD_OUTPUT, f"the bot uses an LLM and its output guard {what}", where,
                         key="guard.output")  # fmt: skip


def _tool_schemas(manifest: Manifest, base: Path) -> Iterator[Finding]:
    section = manifest.guard.input
    if section is None or not section.tools:
        return
    from botwarden.guards.toolargs import ToolSchemaError, ToolSchemas

    for tool, relative in section.tools.items():
        try:
            ToolSchemas.from_files({tool: base / relative})
        except ToolSchemaError as exc:
            reason = exc.message.replace(str(base / relative), relative)
            yield Finding.of(GUARD_TOOL_SCHEMA, f"tool {tool!r}: {reason}",
                             manifest.locate("guard", "input", "tools", tool), key=tool,
                             evidence=relative)  # fmt: skip


def _report_mode(manifest: Manifest) -> Iterator[Finding]:
    if manifest.bot.environment != "production":
        return
    if manifest.bot.mode is Mode.REPORT:
        yield Finding.of(REPORT_MODE, "the whole bot runs in report-only mode",
                         manifest.locate("bot", "mode"), key="bot")  # fmt: skip
        return
    guards = manifest.guard
    sections: list[tuple[str, tuple[str | int, ...], Mode | None]] = [
        ("egress", ("egress",), manifest.egress.mode),
        ("breaker", ("breaker",), manifest.breaker.mode if manifest.breaker else None),
        ("guard.input", ("guard", "input"), guards.input.mode if guards.input else None),
        ("guard.output", ("guard", "output"), guards.output.mode if guards.output else None),
        *((f"capability {cap.name or i}", ("capability", i), cap.mode)
          for i, cap in enumerate(manifest.capability)),
        *((f'budget."{key}"', ("budget", key), budget.mode)
          for key, budget in manifest.budget.items()),
    ]  # fmt: skip
    for name, key, mode in sections:
        if mode is Mode.REPORT:
            yield Finding.of(REPORT_MODE, f"[{name}] runs in report-only mode",
                             manifest.locate(*key, "mode"), key=name)  # fmt: skip


_CHECKS = (_egress, _budgets, _breaker, _secrets, _capabilities, _guards, _report_mode)
