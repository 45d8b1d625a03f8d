"""The decision engine: a manifest compiled once into indexes, then asked per request.

Every question is answered by hashing, not by scanning the rules, so a decision costs the same
with ten rules or ten thousand:

- **hosts**: exact names in a dict; ``*.suffix`` entries in a dict keyed by suffix, looked up once
  per label of the asked name (a name has few labels); IP addresses in a dict; CIDR ranges in one
  dict per prefix length, keyed by the masked address.
- **HTTP capabilities**: URL patterns grouped by the host they name (same three indexes), then by
  method; within a group, one compiled regular expression per pattern.
- **AWS capabilities**: action patterns grouped by service prefix.

A request that names a host no HTTP capability mentions is decided by the egress allow-list alone;
once any capability names a host, every request to it must match one (see docs/enforcement.md).
Each decision names the manifest entry that decided it, and rules in report mode turn their
denials into allow-with-report.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from botwarden.iam.matching import action_matcher, arn_matcher
from botwarden.manifest.egress import EgressEntry, EntryKind, normalise_host
from botwarden.manifest.model import AwsCapability, HttpCapability, Manifest, Mode
from botwarden.policy.addresses import only_refused
from botwarden.policy.decision import Code, Decision, Verdict, deny, report
from botwarden.policy.paths import path_forms, query_forms
from botwarden.policy.request import Target

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
T = TypeVar("T")

DEFAULT_PORTS = {"http": 80, "https": 443}
_ALLOW, _ALLOWED = Verdict.ALLOW, Code.ALLOWED  # module globals: the hot path looks them up fast
_MEMO_SIZE = 4096  # distinct AWS actions remembered; IAM defines about 20,000


class HostIndex(Generic[T]):
    """Values filed under host patterns: exact names, ``*.suffix``, ``*``, addresses, ranges.

    A wildcard matches one or more labels below its suffix, never the suffix itself; ``*``
    matches every *name*; addresses and ranges match only IP literals and resolved addresses.
    """

    __slots__ = ("_any", "_exact", "_networks", "_prefixes", "_suffix")

    def __init__(self) -> None:
        self._exact: dict[str, list[T]] = {}
        self._suffix: dict[str, list[T]] = {}
        self._any: list[T] = []
        self._networks: dict[tuple[int, int], dict[int, list[T]]] = {}
        self._prefixes: list[tuple[int, int]] = []  # (version, prefix length), longest first

    def add_name(self, pattern: str, value: T) -> None:
        """``pattern`` is a normalised name, ``*.`` + normalised suffix, or ``*``."""
        if pattern == "*":
            self._any.append(value)
        elif pattern.startswith("*."):
            self._suffix.setdefault(pattern[2:], []).append(value)
        else:
            self._exact.setdefault(pattern, []).append(value)

    def add_network(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network, value: T) -> None:
        key = (network.version, network.prefixlen)
        if key not in self._networks:
            self._networks[key] = {}
            self._prefixes = sorted(self._networks, key=lambda k: -k[1])
        self._networks[key].setdefault(int(network.network_address), []).append(value)

    def names(self, host: str) -> Iterator[T]:
        """Values whose name pattern covers ``host``, most specific first."""
        exact = self._exact.get(host)
        if exact:
            yield from exact
        if self._suffix:
            dot = host.find(".")
            while dot >= 0:
                found = self._suffix.get(host[dot + 1 :])
                if found:
                    yield from found
                dot = host.find(".", dot + 1)
        yield from self._any

    def addresses(self, address: IPAddress) -> Iterator[T]:
        """Values whose address or range contains ``address``, longest prefix first."""
        number = int(address)
        version = address.version
        bits = address.max_prefixlen
        for key in self._prefixes:
            if key[0] != version:
                continue
            shift = bits - key[1]
            found = self._networks[key].get(number >> shift << shift)
            if found:
                yield from found


@dataclass(frozen=True, slots=True)
class _EgressRule:
    index: int
    entry: EgressEntry
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class _UrlRule:
    capability: int
    name: str
    rule: str
    scheme: str
    port: int
    methods: frozenset[str]
    path: re.Pattern[str]
    query: re.Pattern[str] | None
    reason: str

    def admits(self, scheme: str, method: str, path: str, query: str) -> bool:
        if not ("*" in self.methods or method in self.methods):
            return False
        return self.admits_url(scheme, path, query)

    def admits_url(self, scheme: str, path: str, query: str) -> bool:
        if scheme != self.scheme:
            return False
        if not all(self.path.fullmatch(form) for form in path_forms(path)):
            return False
        return self.query is None or all(self.query.fullmatch(q) for q in query_forms(query))


@dataclass(frozen=True, slots=True)
class _AwsRule:
    capability: int
    name: str
    rule: str
    action: str
    resources: tuple[str, ...]
    report: bool
    reason: str


class _ResourceIndex:
    """ARN patterns of the rules that grant one action, filed by their literal prefix.

    Only patterns whose literal prefix (the text before the first wildcard) starts the asked ARN
    can match it, so each distinct prefix length costs one dict lookup, and only those few
    patterns are matched in full.
    """

    __slots__ = ("_by_prefix", "_lengths", "rules")

    def __init__(self) -> None:
        self._by_prefix: dict[int, dict[str, list[tuple[_AwsRule, Callable[[str], bool]]]]] = {}
        self._lengths: list[int] = []
        self.rules: list[_AwsRule] = []

    def add(self, rule: _AwsRule) -> None:
        self.rules.append(rule)
        for pattern in rule.resources:
            cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=None)
            literal = pattern if cut is None else pattern[:cut]
            self._by_prefix.setdefault(len(literal), {}).setdefault(literal, []).append(
                (rule, arn_matcher(pattern))
            )
        self._lengths = sorted(self._by_prefix)

    def find(self, resource: str) -> _AwsRule | None:
        size = len(resource)
        for length in self._lengths:
            if length > size:
                break
            hits = self._by_prefix[length].get(resource[:length])
            if hits:
                for rule, matcher in hits:
                    if matcher(resource):
                        return rule
        return None


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


class Policy:
    """A manifest compiled for deciding. Build with :meth:`compile`; immutable afterwards."""

    def __init__(self, manifest: Manifest) -> None:
        self.bot = manifest.bot.name
        bot_mode = manifest.bot.mode
        self._bot_report = bot_mode is Mode.REPORT
        self._egress_report = (manifest.egress.mode or bot_mode) is Mode.REPORT
        self._egress: HostIndex[_EgressRule] = HostIndex()
        for index, entry in enumerate(manifest.egress.allow):
            self._add_egress(index, entry)
        self._urls: HostIndex[_UrlRule] = HostIndex()
        self._aws_exact: dict[str, _ResourceIndex] = {}  # lower-case action without wildcards
        # actions with wildcards, by service prefix (never wild: see check_action); "*" alone
        self._aws_patterns: dict[str, list[tuple[str, Callable[[str], bool], _ResourceIndex]]] = {}
        self._aws_memo: dict[str, tuple[_ResourceIndex, ...]] = {}
        self._cap_report: list[bool] = []
        for index, cap in enumerate(manifest.capability):
            self._cap_report.append((cap.mode or bot_mode) is Mode.REPORT)
            if isinstance(cap, HttpCapability):
                self._add_http(index, cap)
            else:
                self._add_aws(index, cap, self._cap_report[-1])

    @classmethod
    def compile(cls, manifest: Manifest) -> Policy:
        return cls(manifest)

    @property
    def egress_in_report_mode(self) -> bool:
        return self._egress_report

    # -- compiling ---------------------------------------------------------------------------

    def _add_egress(self, index: int, entry: EgressEntry) -> None:
        rule = f"egress.allow[{index}]"
        compiled = _EgressRule(index, entry, rule, f"allowed by {rule} ({entry.text!r})")
        if entry.kind is EntryKind.ADDRESS:
            address = ipaddress.ip_address(entry.host)
            self._egress.add_network(ipaddress.ip_network(address), compiled)
        elif entry.kind is EntryKind.NETWORK:
            assert entry.network is not None
            self._egress.add_network(entry.network, compiled)
        else:
            pattern = "*." + entry.host if entry.kind is EntryKind.WILDCARD else entry.host
            self._egress.add_name(pattern, compiled)

    def _add_http(self, index: int, cap: HttpCapability) -> None:
        label = f"capability[{index}]"
        name = cap.name or label
        for url in cap.urls:
            parts = urlsplit(url)
            scheme = parts.scheme
            host = parts.hostname or ""
            port = parts.port or DEFAULT_PORTS[scheme]
            written = url.split("#", 1)[0]
            raw_path, _, query = written.partition("://")[2].partition("/")[2].partition("?")
            path = "/" + raw_path
            compiled = _UrlRule(
                capability=index,
                name=name,
                rule=label,
                scheme=scheme,
                port=port,
                methods=frozenset(cap.methods),
                path=_glob(path),
                query=_glob(query) if "?" in written else None,
                reason=f"allowed by {label} ({name!r}: {url})",
            )
            self._add_url_host(host, compiled)

    def _add_url_host(self, host: str, rule: _UrlRule) -> None:
        if host == "*":
            self._urls.add_name("*", rule)
            return
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            self._urls.add_network(ipaddress.ip_network(address), rule)
            return
        if host.startswith("*."):
            self._urls.add_name("*." + normalise_host(host[2:]), rule)
        else:
            self._urls.add_name(normalise_host(host), rule)

    def _add_aws(self, index: int, cap: AwsCapability, in_report: bool) -> None:
        label = f"capability[{index}]"
        name = cap.name or label
        for action in cap.actions:
            service = action.split(":", 1)[0].lower() if action != "*" else "*"
            compiled = _AwsRule(
                index, name, label, action, tuple(cap.resources), in_report,
                f"allowed by {label} ({name!r}: {action})",
            )  # fmt: skip
            if "*" in action or "?" in action:
                patterns = self._aws_patterns.setdefault(service, [])
                resources = next((r for a, _, r in patterns if a == action), None)
                if resources is None:
                    resources = _ResourceIndex()
                    patterns.append((action, action_matcher(action), resources))
            else:
                resources = self._aws_exact.setdefault(action.lower(), _ResourceIndex())
            resources.add(compiled)

    def _resource_indexes(self, action: str) -> tuple[_ResourceIndex, ...]:
        """The indexes of every action pattern covering ``action``; remembered per action."""
        known = self._aws_memo.get(action)
        if known is not None:
            return known
        lower = action.lower()
        found = [self._aws_exact[lower]] if lower in self._aws_exact else []
        patterns = self._aws_patterns.get(lower.split(":", 1)[0], []) + self._aws_patterns.get(
            "*", []
        )
        found += [index for _, matcher, index in patterns if matcher(action)]
        if len(self._aws_memo) >= _MEMO_SIZE:
            self._aws_memo.clear()  # a bounded memory, whatever callers ask
        self._aws_memo[action] = indexes = tuple(found)
        return indexes

    # -- deciding ----------------------------------------------------------------------------

    def destination(self, target: Target) -> Decision:
        """May the bot open a connection to ``target.host:target.port`` at all?"""
        host, port = target.host, target.port
        if target.host_is_ip:
            rules: Iterable[_EgressRule] = self._egress.addresses(ipaddress.ip_address(host))
        else:
            rules = self._egress.names(host)
        other_ports: list[_EgressRule] = []
        for compiled in rules:
            if compiled.entry.port == port:
                return Decision(_ALLOW, _ALLOWED, compiled.reason, compiled.rule, host, port)
            other_ports.append(compiled)
        if other_ports:
            ports = ", ".join(sorted({str(r.entry.port) for r in other_ports}))
            first = other_ports[0]
            denial = deny(
                Code.PORT_NOT_ALLOWED,
                f"{target.authority}: {first.rule} ({first.entry.text!r}) allows port {ports} "
                f"only; list '{host}:{port}' to allow this port",
                first.rule, host=host, port=port,
            )  # fmt: skip
        else:
            kind = "address" if target.host_is_ip else "host"
            hint = (
                "an IP address is reachable only when listed as an address or range"
                if target.host_is_ip
                else "no [egress].allow entry names it"
            )
            denial = deny(
                Code.NOT_ALLOWED, f"{kind} {host} is not in the allow-list: {hint}",
                "egress.default-deny", host=host, port=port,
            )  # fmt: skip
        return report(denial) if self._egress_report else denial

    def lists_address(self, address: IPAddress, port: int) -> EgressEntry | None:
        """The entry that lists ``address`` explicitly on ``port``: the exception to SSRF rules.

        The address itself, or a range that holds no public address (``10.0.0.0/8``): a range
        that does (``0.0.0.0/0``, "any public IPv4 address") opens no refused address with it."""
        for compiled in self._egress.addresses(address):
            entry = compiled.entry
            if entry.port == port and (entry.network is None or only_refused(entry.network)):
                return entry
        return None

    def request(self, method: str, target: Target) -> Decision:
        """An HTTP request: the destination first, then the capabilities naming its host."""
        decision = self.destination(target)
        if decision.verdict is Verdict.DENY or not target.scheme:
            return decision
        if target.host_is_ip:
            candidates = list(self._urls.addresses(ipaddress.ip_address(target.host)))
        else:
            candidates = list(self._urls.names(target.host))
        candidates = [c for c in candidates if c.port == target.port]
        if not candidates:
            return decision  # no capability scopes this host: the allow-list decides
        method = method.upper()
        path, _, query = target.path.partition("?")
        for compiled in candidates:
            if compiled.admits(target.scheme, method, path, query):
                if decision.verdict is Verdict.REPORT:
                    return decision
                return Decision(
                    _ALLOW, _ALLOWED, compiled.reason, compiled.rule, target.host, target.port
                )
        return self._http_denial(method, target, candidates)

    def _http_denial(self, method: str, target: Target, candidates: list[_UrlRule]) -> Decision:
        names = ", ".join(dict.fromkeys(f"{c.rule} ({c.name!r})" for c in candidates))
        path, _, query = target.path.partition("?")
        if any(c.admits_url(target.scheme, path, query) for c in candidates):
            code = Code.METHOD_NOT_ALLOWED
            why = f"{method} is not a method the capabilities for {target.host} allow ({names})"
        else:
            code = Code.URL_NOT_ALLOWED
            why = f"{method} {target.url} matches no URL of the capabilities for it ({names})"
        denial = deny(code, why, candidates[0].rule, host=target.host, port=target.port)
        in_report = all(self._cap_report[c.capability] for c in candidates)
        return report(denial) if in_report else denial

    def aws(self, action: str, resource: str) -> Decision:
        """An AWS API call: is ``action`` on ``resource`` inside some capability?"""
        for index in self._resource_indexes(action):
            compiled = index.find(resource)
            if compiled is not None:
                return Decision(_ALLOW, _ALLOWED, compiled.reason, compiled.rule)
        actions = sorted(
            (rule for index in self._resource_indexes(action) for rule in index.rules),
            key=lambda rule: rule.capability,
        )
        if actions:
            names = ", ".join(dict.fromkeys(f"{c.rule} ({c.name!r})" for c in actions))
            denial = deny(
                Code.RESOURCE_NOT_ALLOWED,
                f"{action} is allowed by {names}, but not on {resource}",
                actions[0].rule,
            )
            in_report = all(c.report for c in actions)
        else:
            denial = deny(
                Code.ACTION_NOT_ALLOWED,
                f"no capability allows {action}",
                "aws.default-deny",
            )
            in_report = self._bot_report
        return report(denial) if in_report else denial


__all__ = ["HostIndex", "Policy"]
