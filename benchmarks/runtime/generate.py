"""Seeded synthetic manifest, its Cedar translation, and a stream of labelled decisions.

    .venv/bin/python benchmarks/runtime/generate.py [--rules 1000] [--decisions 100000] [--seed 0]

Writes `generated/rules{N}-d{D}-seed{S}/` (gitignored):

  botwarden.toml    N rules: egress entries (exact hosts, `*.suffix`, host:port, IPv4 addresses,
                    IPv4 and IPv6 CIDR ranges), http capabilities (methods + URL patterns with path
                    wildcards) and aws capabilities (actions with `*` and `?`, ARNs with `*`)
  policies.cedar    the same rules as a Cedar policy set, one `permit` per rule
  requests.jsonl    D decisions, about half allowed: CONNECT tunnels (egress only), HTTP requests
                    and AWS calls, each labelled with the expected verdict and why; the denied ones
                    are mostly near-misses (wrong port, the wildcard's suffix itself, a sub-domain
                    of an exact host, wrong method, a path outside the pattern, a wrong ARN)

The expected verdicts come from a small reference evaluator here, written from the semantics in
docs/manifest.md and the engine's docstring (a host that some http capability names on that port
must match one of them; other hosts are decided by the egress allow-list alone). The benchmark
checks both engines against these labels, so a disagreement shows up as a count, not silently.
Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_RULES = 1000
DEFAULT_DECISIONS = 100_000
DEFAULT_SEED = 0
FORMAT = 3  # bump when the output changes, so stale directories are rebuilt

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
WORDS = (
    "orders", "billing", "reports", "ingest", "audit", "media", "users", "events", "cache",
    "backup", "search", "invoices", "logs", "exports", "profiles", "feeds", "streams", "items",
)  # fmt: skip
ACCOUNTS = ("123456789012", "210987654321", "111122223333")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1")
AWS_ACTIONS = {
    "s3": ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetObjectTagging",
           "PutObjectAcl", "GetBucketLocation", "GetObjectVersion"),
    "dynamodb": ("GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem",
                 "BatchGetItem", "BatchWriteItem"),
    "sqs": ("SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"),
    "sns": ("Publish", "Subscribe", "GetTopicAttributes"),
    "secretsmanager": ("GetSecretValue", "DescribeSecret", "PutSecretValue"),
    "kms": ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"),
    "lambda": ("InvokeFunction", "GetFunction", "UpdateFunctionCode"),
    "ssm": ("GetParameter", "GetParameters", "GetParametersByPath", "PutParameter"),
}  # fmt: skip


def default_dir(rules: int, decisions: int, seed: int) -> Path:
    return HERE / "generated" / f"rules{rules}-d{decisions}-seed{seed}"


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Egress:
    kind: str  # host | wildcard | address | network
    host: str  # name, suffix (wildcard), address, or network (compressed)
    port: int
    text: str


@dataclass(frozen=True)
class UrlPattern:
    scheme: str
    host: str  # name or "*.suffix"
    port: int
    path: str  # with * wildcards
    text: str


@dataclass(frozen=True)
class Http:
    methods: tuple[str, ...]  # "*" for any
    urls: tuple[UrlPattern, ...]


@dataclass(frozen=True)
class Aws:
    actions: tuple[str, ...]
    resources: tuple[str, ...]


@dataclass
class Rules:
    egress: list[Egress] = field(default_factory=list)
    http: list[Http] = field(default_factory=list)
    aws: list[Aws] = field(default_factory=list)


def _port_suffix(port: int) -> str:
    return "" if port == 443 else f":{port}"


def make_egress(rng: random.Random, i: int) -> Egress:
    word = WORDS[i % len(WORDS)]
    roll = rng.random()
    if roll < 0.35:
        host = f"api-{i}.{word}.example.com"
        return Egress("host", host, 443, host)
    if roll < 0.50:
        host, port = f"svc-{i}.{word}.example.org", rng.choice((80, 8080, 8443, 5432, 9200))
        return Egress("host", host, port, f"{host}:{port}")
    if roll < 0.75:
        suffix = f"{word}-{i}.example.net"
        port = 443 if rng.random() < 0.8 else rng.choice((80, 8443))
        return Egress("wildcard", suffix, port, f"*.{suffix}{_port_suffix(port)}")
    if roll < 0.83:
        address = f"198.18.{i // 250 % 256}.{i % 250 + 1}"
        port = 443 if rng.random() < 0.7 else 8443
        return Egress("address", address, port, f"{address}{_port_suffix(port)}")
    if roll < 0.95:
        network = f"10.{i // 256 % 256}.{i % 256}.0/24"
        port = 443 if rng.random() < 0.7 else 5432
        return Egress("network", network, port, f"{network}{_port_suffix(port)}")
    network = f"2001:db8:{i:x}::/48"
    port = 443 if rng.random() < 0.7 else 8443
    return Egress("network", network, port, network if port == 443 else f"[{network}]:{port}")


def _path_pattern(rng: random.Random) -> str:
    w1, w2 = rng.sample(WORDS, 2)
    version = rng.randint(1, 4)
    roll = rng.random()
    if roll < 0.40:
        return f"/v{version}/{w1}/*"
    if roll < 0.60:
        return f"/v{version}/{w1}/{w2}"
    if roll < 0.75:
        return f"/{w1}/*/{w2}"
    if roll < 0.85:
        return f"/files/{w1}/*.json"
    if roll < 0.90:
        return "/*"
    return f"/{w1}"


def make_http(rng: random.Random, names: list[Egress], i: int) -> Http:
    entry = rng.choice(names)
    if entry.kind == "wildcard":
        host = f"*.{entry.host}" if rng.random() < 0.5 else f"svc{i}.{entry.host}"
    else:
        host = entry.host
    scheme = "http" if entry.port in (80, 8080) else "https"
    default = 80 if scheme == "http" else 443
    netloc = host if entry.port == default else f"{host}:{entry.port}"
    urls = []
    for _ in range(rng.choice((1, 1, 2))):
        path = _path_pattern(rng)
        urls.append(UrlPattern(scheme, host, entry.port, path, f"{scheme}://{netloc}{path}"))
    if rng.random() < 0.1:
        methods: tuple[str, ...] = ("*",)
    else:
        methods = tuple(
            rng.sample(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"), rng.randint(1, 3))
        )
    return Http(methods, tuple(urls))


def _action_pattern(rng: random.Random, service: str) -> str:
    action = rng.choice(AWS_ACTIONS[service])
    roll = rng.random()
    if roll < 0.60:
        return f"{service}:{action}"
    if roll < 0.80:
        return f"{service}:{action[:3]}*"
    if roll < 0.92:  # '?' only in patterns without '*': see the README (Cedar has no '?')
        k = rng.randrange(len(action))
        return f"{service}:{action[:k]}?{action[k + 1 :]}"
    return f"{service}:*"


def _arn_pattern(rng: random.Random, service: str, i: int) -> str:
    """ARNs whose '*' ends a colon-separated segment (where IAM lets it run past colons)."""
    region, account, word = rng.choice(REGIONS), rng.choice(ACCOUNTS), rng.choice(WORDS)
    name = f"{word}-{i}"
    if service == "s3":
        return rng.choice(
            (f"arn:aws:s3:::{name}/{rng.choice(WORDS)}/*", f"arn:aws:s3:::{name}/*",
             f"arn:aws:s3:::{name}")
        )  # fmt: skip
    if service == "dynamodb":
        return rng.choice(
            (f"arn:aws:dynamodb:{region}:{account}:table/{name}",
             f"arn:aws:dynamodb:{region}:{account}:table/{name}/index/*",
             f"arn:aws:dynamodb:*:{account}:table/{name}")
        )  # fmt: skip
    if service in ("sqs", "sns"):
        return f"arn:aws:{service}:{region}:{account}:{name}" + rng.choice(("", "-*"))
    if service == "secretsmanager":
        return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-*"
    if service == "kms":
        return f"arn:aws:kms:{region}:{account}:key/{i:08x}-{word}"
    if service == "lambda":
        return f"arn:aws:lambda:{region}:{account}:function:{name}" + rng.choice(("", ":*"))
    return f"arn:aws:ssm:{region}:{account}:parameter/{name}/*"


def make_aws(rng: random.Random, i: int) -> Aws:
    service = rng.choice(sorted(AWS_ACTIONS))
    actions = tuple(dict.fromkeys(_action_pattern(rng, service) for _ in range(rng.randint(1, 3))))
    resources = tuple(
        dict.fromkeys(_arn_pattern(rng, service, i) for _ in range(rng.choice((1, 1, 2))))
    )
    return Aws(actions, resources)


def make_rules(rng: random.Random, count: int) -> Rules:
    """About half egress entries, 30% http capabilities, 20% aws capabilities."""
    n_http, n_aws = max(1, count * 3 // 10), max(1, count // 5)
    n_egress = max(1, count - n_http - n_aws)
    rules = Rules()
    rules.egress = [make_egress(rng, i) for i in range(n_egress)]
    names = [e for e in rules.egress if e.kind in ("host", "wildcard")]
    if not names:  # tiny manifests: make sure http capabilities have a host to name
        rules.egress[0] = Egress(
            "host", "api-0.orders.example.com", 443, "api-0.orders.example.com"
        )
        names = [rules.egress[0]]
    rules.http = [make_http(rng, names, i) for i in range(n_http)]
    rules.aws = [make_aws(rng, i) for i in range(n_aws)]
    return rules


# -- the reference evaluator -------------------------------------------------------------------


def _glob(pattern: str, question: bool = True) -> re.Pattern[str]:
    """'*' any run (colons and slashes included); '?' one character when ``question``."""
    parts = (re.escape(p) for p in pattern.split("*"))
    regex = ".*".join(parts)
    return re.compile(regex.replace(r"\?", ".") if question else regex, re.DOTALL)


def _suffixes(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[k:]) for k in range(1, len(labels))]


class Reference:
    """Indexed, so that labelling 100,000 decisions against 10,000 rules takes seconds."""

    def __init__(self, rules: Rules) -> None:
        self.exact: dict[str, set[int]] = {}
        self.wild: dict[str, set[int]] = {}
        self.nets: dict[tuple[int, int], set[tuple[int, int]]] = {}
        for e in rules.egress:
            if e.kind == "host":
                self.exact.setdefault(e.host, set()).add(e.port)
            elif e.kind == "wildcard":
                self.wild.setdefault(e.host, set()).add(e.port)
            else:
                net = ipaddress.ip_network(e.host)
                key = (net.version, net.prefixlen)
                self.nets.setdefault(key, set()).add((int(net.network_address), e.port))
        self.url_exact: dict[str, list[tuple[Http, UrlPattern, re.Pattern[str]]]] = {}
        self.url_wild: dict[str, list[tuple[Http, UrlPattern, re.Pattern[str]]]] = {}
        for cap in rules.http:
            for url in cap.urls:
                item = (cap, url, _glob(url.path, question=False))
                if url.host.startswith("*."):
                    self.url_wild.setdefault(url.host[2:], []).append(item)
                else:
                    self.url_exact.setdefault(url.host, []).append(item)
        self.aws: dict[str, list[tuple[list[re.Pattern[str]], list[re.Pattern[str]]]]] = {}
        for aws in rules.aws:
            actions = [_glob(a.lower()) for a in aws.actions]
            resources = [_glob(r) for r in aws.resources]
            for a in aws.actions:
                self.aws.setdefault(a.split(":")[0], []).append((actions, resources))

    def egress(self, host: str, port: int, is_ip: bool) -> bool:
        if is_ip:
            address = ipaddress.ip_address(host)
            number, bits = int(address), address.max_prefixlen
            for (version, prefix), members in self.nets.items():
                if version == address.version:
                    shift = bits - prefix
                    if (number >> shift << shift, port) in members:
                        return True
            return False
        if port in self.exact.get(host, ()):
            return True
        return any(port in self.wild.get(s, ()) for s in _suffixes(host))

    def scoping(self, host: str, port: int) -> list[tuple[Http, UrlPattern, re.Pattern[str]]]:
        """The URL patterns of http capabilities that name this host on this port."""
        found = [i for i in self.url_exact.get(host, ()) if i[1].port == port]
        for s in _suffixes(host):
            found += [i for i in self.url_wild.get(s, ()) if i[1].port == port]
        return found

    def http(self, method: str, scheme: str, host: str, port: int, path: str) -> bool:
        if not self.egress(host, port, False):
            return False
        scoping = self.scoping(host, port)
        if not scoping:
            return True
        return any(
            ("*" in cap.methods or method in cap.methods)
            and url.scheme == scheme
            and regex.fullmatch(path) is not None
            for cap, url, regex in scoping
        )

    def aws_call(self, action: str, resource: str) -> bool:
        service, lowered = action.split(":", maxsplit=1)[0], action.lower()
        for actions, resources in self.aws.get(service, ()):
            if any(a.fullmatch(lowered) for a in actions) and any(
                r.fullmatch(resource) for r in resources
            ):
                return True
        return False


# -- the request stream ------------------------------------------------------------------------


def _token(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))


def _fill(rng: random.Random, pattern: str) -> str:
    """A concrete string the pattern matches: each '*' a short token, each '?' a letter."""
    out = []
    for char in pattern:
        if char == "*":
            out.append(_token(rng))
        elif char == "?":
            out.append(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        else:
            out.append(char)
    return "".join(out)


def _host_of(rng: random.Random, e: Egress) -> str:
    if e.kind == "host":
        return e.host
    if e.kind == "wildcard":
        return f"{_token(rng)}.{e.host}" if rng.random() < 0.8 else f"a.{_token(rng)}.{e.host}"
    net = ipaddress.ip_network(e.host)
    if net.num_addresses == 1:
        return str(net.network_address)
    return str(net.network_address + rng.randrange(1, min(net.num_addresses, 1 << 16) - 1))


class Stream:
    def __init__(self, rng: random.Random, rules: Rules, ref: Reference) -> None:
        self.rng, self.rules, self.ref = rng, rules, ref
        self.names = [e for e in rules.egress if e.kind in ("host", "wildcard")]
        self.ips = [e for e in rules.egress if e.kind in ("address", "network")]

    # each maker returns a request dict, or None to try again
    def connect(self, want: bool) -> dict[str, object] | None:
        rng = self.rng
        e = rng.choice(self.rules.egress)
        host, port, why = _host_of(rng, e), e.port, "allowed"
        if not want:
            why = rng.choice(("wrong-port", "wrong-port", "unlisted-host", "sub-domain", "suffix"))
            if e.kind in ("address", "network") and why != "wrong-port":
                why = "outside-range"
                net = ipaddress.ip_network(e.host)
                host = str(net.broadcast_address + 1 + rng.randrange(200))
            elif why == "wrong-port":
                port = rng.choice((22, 80, 443, 444, 8080, 8443, 9000))
            elif why == "unlisted-host":
                host = f"{_token(rng)}.{rng.choice(WORDS)}.example.com"
            elif why == "sub-domain" and e.kind == "host":
                host = f"www.{e.host}"
            elif e.kind == "wildcard":
                host = e.host
            else:
                return None
        is_ip = e.kind in ("address", "network")
        if self.ref.egress(host, port, is_ip) != want:
            return None
        return {"k": "connect", "host": host, "port": port, "ip": is_ip, "why": why}

    def http(self, want: bool) -> dict[str, object] | None:
        rng = self.rng
        if rng.random() < 0.2:  # a host no capability names: the allow-list decides
            e = rng.choice(self.names)
            method, host, port = rng.choice(("GET", "POST")), _host_of(rng, e), e.port
            scheme = "http" if port in (80, 8080) else "https"
            path, why = f"/{rng.choice(WORDS)}/{_token(rng)}", "allowed-egress-only"
            if not want:
                port, why = rng.choice((22, 444, 9000)), "wrong-port"
        else:
            cap = rng.choice(self.rules.http)
            url = rng.choice(cap.urls)
            method = rng.choice(HTTP_METHODS if cap.methods == ("*",) else cap.methods)
            scheme, port = url.scheme, url.port
            host = url.host if not url.host.startswith("*.") else f"{_token(rng)}{url.host[1:]}"
            path, why = _fill(rng, url.path), "allowed"
            if not want:
                why = rng.choice(("wrong-method", "path-outside", "path-outside", "wrong-port",
                                  "suffix", "unlisted-host"))  # fmt: skip
                if why == "wrong-method":
                    method = rng.choice(HTTP_METHODS)
                elif why == "path-outside":
                    path = rng.choice((f"/admin{path}", f"/v9{path}", f"{path}/..x", "/"))
                elif why == "wrong-port":
                    port = rng.choice((444, 8081, 9443))
                elif why == "suffix" and url.host.startswith("*."):
                    host = url.host[2:]
                else:
                    why, host = "unlisted-host", f"{_token(rng)}.{rng.choice(WORDS)}.example.com"
        if self.ref.http(method, scheme, host, port, path) != want:
            return None
        default = 80 if scheme == "http" else 443
        netloc = host if port == default else f"{host}:{port}"
        return {
            "k": "http", "method": method, "url": f"{scheme}://{netloc}{path}",
            "scheme": scheme, "host": host, "port": port, "path": path, "why": why,
        }  # fmt: skip

    def aws(self, want: bool) -> dict[str, object] | None:
        rng = self.rng
        cap = rng.choice(self.rules.aws)
        pattern = rng.choice(cap.actions)
        service = pattern.split(":")[0]
        real = [f"{service}:{a}" for a in AWS_ACTIONS[service]]
        fits = [a for a in real if _glob(pattern.lower()).fullmatch(a.lower())]
        action = rng.choice(fits) if fits else _fill(rng, pattern)
        resource, why = _fill(rng, rng.choice(cap.resources)), "allowed"
        if not want:
            why = rng.choice(("wrong-arn", "wrong-arn", "wrong-action"))
            if why == "wrong-action":
                action = f"{service}:{rng.choice(AWS_ACTIONS[service])}"
                if rng.random() < 0.3:
                    action = f"{rng.choice(sorted(AWS_ACTIONS))}:{action.split(':')[1]}"
            else:
                resource = rng.choice((
                    resource.replace(":123456789012:", ":999999999999:"),
                    resource.replace("-", "_", 1),
                    resource + "x" if not resource.endswith("*") else resource[:-1],
                    resource.rsplit("/", 1)[0] + "/other/" + _token(rng),
                ))  # fmt: skip
        if self.ref.aws_call(action, resource) != want:
            return None
        return {"k": "aws", "action": action, "resource": resource, "why": why}

    def one(self) -> dict[str, object]:
        want = self.rng.random() < 0.5
        roll = self.rng.random()
        maker = self.connect if roll < 0.35 else self.http if roll < 0.70 else self.aws
        for _ in range(200):
            request = maker(want)
            if request is not None:
                request["expect"] = "allow" if want else "deny"
                return request
        raise RuntimeError("could not build a request of this kind: manifest too small?")


# -- output ------------------------------------------------------------------------------------


def to_toml(rules: Rules, seed: int) -> str:
    out = [
        f"# Synthetic benchmark manifest: {len(rules.egress)} egress entries, "
        f"{len(rules.http)} http and {len(rules.aws)} aws capabilities (seed {seed}).",
        "schema_version = 1",
        "",
        "[bot]",
        'name = "bench-bot"',
        'owner = "benchmarks"',
        'environment = "development"',
        "",
        "[egress]",
        "allow = [",
        *(f"  {json.dumps(e.text)}," for e in rules.egress),
        "]",
    ]
    for cap in rules.http:
        out += ["", "[[capability]]", 'provider = "http"',
                f"methods = {json.dumps(list(cap.methods))}",
                f"urls = {json.dumps([u.text for u in cap.urls])}"]  # fmt: skip
    for aws in rules.aws:
        out += ["", "[[capability]]", 'provider = "aws"',
                f"actions = {json.dumps(list(aws.actions))}",
                f"resources = {json.dumps(list(aws.resources))}"]  # fmt: skip
    return "\n".join(out) + "\n"


def write(directory: Path, rules_count: int, decisions: int, seed: int) -> Path:
    from cedar import to_cedar  # beside this file

    rng = random.Random(seed)
    rules = make_rules(rng, rules_count)
    ref = Reference(rules)
    stream = Stream(random.Random(seed + 1), rules, ref)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "botwarden.toml").write_text(to_toml(rules, seed), encoding="utf-8")
    (directory / "policies.cedar").write_text(to_cedar(rules), encoding="utf-8")
    with (directory / "requests.jsonl").open("w", encoding="utf-8") as out:
        for _ in range(decisions):
            out.write(json.dumps(stream.one(), separators=(",", ":")) + "\n")
    meta = {
        "format": FORMAT, "rules": rules_count, "decisions": decisions, "seed": seed,
        "egress": len(rules.egress), "http": len(rules.http), "aws": len(rules.aws),
    }  # fmt: skip
    (directory / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return directory


def ensure(rules_count: int, decisions: int, seed: int) -> Path:
    """The generated directory for these arguments, (re)built when missing or stale."""
    directory = default_dir(rules_count, decisions, seed)
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if meta.get("format") != FORMAT:
        print(f"generating {rules_count} rules, {decisions} decisions into "
              f"{directory.relative_to(HERE.parent.parent)}", flush=True)  # fmt: skip
        write(directory, rules_count, decisions, seed)
    return directory


def validate(directory: Path) -> str:
    """Load the manifest with botwarden's own loader (parse_manifest: no 1 MiB file limit)."""
    from botwarden.manifest import parse_manifest

    manifest = parse_manifest((directory / "botwarden.toml").read_text(encoding="utf-8"))
    return f"{len(manifest.egress.allow)} egress entries, {len(manifest.capability)} capabilities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=DEFAULT_RULES)
    parser.add_argument("--decisions", type=int, default=DEFAULT_DECISIONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or default_dir(args.rules, args.decisions, args.seed)
    write(out, args.rules, args.decisions, args.seed)
    print(f"wrote {out}: manifest valid ({validate(out)})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
