"""A labelled corpus of fake secrets and look-alike decoys in many file types, seeded.

    .venv/bin/python benchmarks/secrets/make_corpus.py [--files 1000] [--seed 0] [--out DIR]

Written from the issuers' public token formats (prefixes, lengths, alphabets, checksums where
documented) and from what real repositories hold that looks like a secret but is not. It does not
import or read botwarden's rules or its tests' samples, so the corpus is not tuned to the rules.

Every value is random (or a documented public example, for decoys); none is a live credential.
Output: DIR/files/... and DIR/labels.json:
    {"seed": 0, "files": {"app/settings.py": [{"kind": "aws-key-pair", "secret": true,
                                               "lines": [4, 5]}, ...]}}
`lines` is the inclusive span of 1-based lines the item occupies (a key pair or a PEM block spans
several). Decoys are labelled too (secret false) so the scorer can say which ones a tool reported.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import random
import shutil
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALNUM = string.ascii_letters + string.digits
UPPER_NUM = string.ascii_uppercase + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"


@dataclass
class Item:
    """One labelled thing: `lines` are (name, value) pairs rendered one per line in the file's
    syntax, or a raw block (`raw`) inserted as is."""

    kind: str
    secret: bool
    pairs: list[tuple[str, str]] = field(default_factory=list)
    raw: list[str] | None = None


def rs(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def base62(n: int, width: int) -> str:
    digits = string.digits + string.ascii_uppercase + string.ascii_lowercase
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = digits[r] + out
    return out.rjust(width, "0")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- secrets, from the issuers' published formats -------------------------------------------------


def aws_pair(rng: random.Random) -> Item:
    # access key id: AKIA/ASIA + 16 of base32's alphabet; secret: 40 of base64's
    kid = rng.choice(["AKIA", "ASIA"]) + rs(rng, string.ascii_uppercase + "234567", 16)
    secret = rs(rng, B64, 40)
    names = rng.choice(
        [
            ("aws_access_key_id", "aws_secret_access_key"),
            ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
            ("access_key", "secret_key"),
        ]
    )
    return Item("aws-key-pair", True, [(names[0], kid), (names[1], secret)])


def github(rng: random.Random) -> Item:
    if rng.random() < 0.6:  # classic: prefix + 30 random + base62 CRC32 of those 30 (6 chars)
        prefix = rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
        body = rs(rng, ALNUM, 30)
        value = prefix + body + base62(binascii.crc32(body.encode()), 6)
    else:  # fine-grained
        value = "github_pat_" + rs(rng, ALNUM, 22) + "_" + rs(rng, ALNUM, 59)
    return Item("github", True, [(rng.choice(["GITHUB_TOKEN", "gh_token", "token"]), value)])


def gitlab(rng: random.Random) -> Item:
    value = "glpat-" + rs(rng, ALNUM + "-_", 20)
    return Item("gitlab", True, [(rng.choice(["GITLAB_TOKEN", "private_token"]), value)])


def slack(rng: random.Random) -> Item:
    if rng.random() < 0.7:
        value = (
            rng.choice(["xoxb-", "xoxp-"])
            + rs(rng, string.digits, rng.choice([11, 12, 13]))
            + "-"
            + rs(rng, string.digits, rng.choice([12, 13]))
            + "-"
            + rs(rng, ALNUM, 24)
        )
        return Item("slack-token", True, [(rng.choice(["SLACK_BOT_TOKEN", "slack_token"]), value)])
    value = (
        "https://hooks.slack.com/services/T"
        + rs(rng, UPPER_NUM, 8)
        + "/B"
        + rs(rng, UPPER_NUM, 10)
        + "/"
        + rs(rng, ALNUM, 24)
    )
    return Item("slack-webhook", True, [(rng.choice(["SLACK_WEBHOOK_URL", "webhook"]), value)])


def stripe(rng: random.Random) -> Item:
    prefix = rng.choice(["sk_live_", "rk_live_"])
    value = prefix + rs(rng, ALNUM, rng.choice([24, 99]))
    return Item("stripe", True, [(rng.choice(["STRIPE_SECRET_KEY", "stripe_key"]), value)])


def openai(rng: random.Random) -> Item:
    if rng.random() < 0.7:
        value = "sk-proj-" + rs(rng, B64URL, 74) + "T3BlbkFJ" + rs(rng, B64URL, 74)
    else:
        value = "sk-" + rs(rng, ALNUM, 20) + "T3BlbkFJ" + rs(rng, ALNUM, 20)
    return Item("openai", True, [(rng.choice(["OPENAI_API_KEY", "openai_key"]), value)])


def anthropic(rng: random.Random) -> Item:
    value = "sk-ant-api03-" + rs(rng, B64URL, 93) + "AA"
    return Item("anthropic", True, [(rng.choice(["ANTHROPIC_API_KEY", "claude_key"]), value)])


def google(rng: random.Random) -> Item:
    value = "AIza" + rs(rng, B64URL, 35)
    return Item("google-api-key", True, [(rng.choice(["GOOGLE_API_KEY", "maps_key"]), value)])


def npm(rng: random.Random) -> Item:
    value = "npm_" + rs(rng, ALNUM, 36)
    return Item("npm", True, [(rng.choice(["NPM_TOKEN", "npm_token"]), value)])


def pypi(rng: random.Random) -> Item:
    # a macaroon: "pypi-" + base64url of a binary blob starting with the location "pypi.org"
    blob = b"\x02\x01\x08pypi.org\x02\x25\x00\x02" + rng.randbytes(rng.choice([60, 110, 150]))
    value = "pypi-AgEIcHlwaS5vcmc" + b64url(blob)[19:]
    return Item("pypi", True, [(rng.choice(["PYPI_TOKEN", "TWINE_PASSWORD"]), value)])


def jwt(rng: random.Random) -> Item:
    header = b64url(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    claims = {"sub": str(rng.randint(10**6, 10**9)), "iat": rng.randint(1.6e9, 1.8e9)}
    if rng.random() < 0.5:
        claims["name"] = rng.choice(["svc-bibliobot", "ingest", "Ada Byron"])
    payload = b64url(json.dumps(claims).encode())
    sig = b64url(rng.randbytes(32 if "HS" in header else 256))
    return Item(
        "jwt", True, [(rng.choice(["AUTH_TOKEN", "bearer", "jwt"]), f"{header}.{payload}.{sig}")]
    )


def pem(rng: random.Random) -> Item:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    size = {"RSA PRIVATE KEY": 1190, "PRIVATE KEY": 1218, "EC PRIVATE KEY": 121}.get(label, 400)
    blob = base64.b64encode(rng.randbytes(size)).decode()
    lines = [f"-----BEGIN {label}-----", *[blob[i : i + 64] for i in range(0, len(blob), 64)]]
    return Item("private-key", True, raw=[*lines, f"-----END {label}-----"])


def db_url(rng: random.Random) -> Item:
    user = rng.choice(["app", "bibliobot", "admin", "etl_user", "postgres"])
    password = rs(rng, ALNUM + "-_~", rng.randint(12, 24))
    host = rng.choice(["db.internal", "10.0.3.17", "prod-db.c9xk2.eu-west-1.rds.amazonaws.com"])
    scheme, port, path = rng.choice(
        [
            ("postgresql", 5432, "/app"),
            ("postgres", 5432, "/reports"),
            ("mysql", 3306, "/shop"),
            ("mongodb+srv", None, "/bots?retryWrites=true"),
            ("redis", 6379, "/0"),
            ("amqp", 5672, "/vhost"),
        ]
    )
    netloc = f"{host}:{port}" if port else f"cluster0.{rs(rng, 'abcdefghijklmnop', 5)}.mongodb.net"
    value = f"{scheme}://{user}:{password}@{netloc}{path}"
    return Item("db-url", True, [(rng.choice(["DATABASE_URL", "db_url", "BROKER_URL"]), value)])


def generic(rng: random.Random) -> Item:
    name = rng.choice(
        [
            "password",
            "db_password",
            "api_key",
            "apikey",
            "secret_key",
            "client_secret",
            "auth_token",
            "SMTP_PASSWORD",
            "ADMIN_PASSWORD",
            "api_secret",
            "access_token",
        ]
    )
    if "password" in name.lower():
        value = rs(rng, ALNUM + "!#%^*-_=+.", rng.randint(14, 22))
    elif rng.random() < 0.5:
        value = rs(rng, HEX, rng.choice([32, 40, 64]))
    else:
        value = rs(rng, ALNUM, rng.choice([24, 32, 40]))
    return Item("generic-assignment", True, [(name, value)])


def others(rng: random.Random) -> Item:
    kind, name, value = rng.choice(
        [
            ("sendgrid", "SENDGRID_API_KEY", f"SG.{rs(rng, B64URL, 22)}.{rs(rng, B64URL, 43)}"),
            ("twilio", "TWILIO_API_KEY", "SK" + rs(rng, HEX, 32)),
            ("huggingface", "HF_TOKEN", "hf_" + rs(rng, string.ascii_letters, 34)),
            ("digitalocean", "DO_TOKEN", "dop_v1_" + rs(rng, HEX, 64)),
            ("shopify", "SHOPIFY_TOKEN", "shpat_" + rs(rng, "abcdef0123456789", 32)),
            (
                "azure-storage",
                "AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=https;AccountName=biblio"
                f"{rs(rng, string.digits, 4)};AccountKey={rs(rng, B64, 86)}==;"
                "EndpointSuffix=core.windows.net",
            ),
        ]
    )
    return Item(kind, True, [(name, value)])


SECRETS: list[Callable[[random.Random], Item]] = [
    aws_pair,
    github,
    gitlab,
    slack,
    stripe,
    openai,
    anthropic,
    google,
    npm,
    pypi,
    jwt,
    pem,
    db_url,
    generic,
    generic,
    others,
]


# -- decoys: what real trees hold that looks like a secret and is not ------------------------------


def placeholder(rng: random.Random) -> Item:
    name = rng.choice(
        [
            "api_key",
            "password",
            "token",
            "OPENAI_API_KEY",
            "secret_key",
            "STRIPE_SECRET_KEY",
            "GITHUB_TOKEN",
            "db_password",
        ]
    )
    value = rng.choice(
        [
            "YOUR_API_KEY",
            "<your-token-here>",
            "changeme",
            "xxxxxxxxxxxxxxxxxxxxxxxx",
            "REPLACE_ME",
            "<token>",
            "your-secret-key",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "sk-...",
            "********",
            "TODO",
            "insert-key-here",
            "none",
            "<password>",
            "sk-ant-xxxxxxxx",
        ]
    )
    return Item("placeholder", False, [(name, value)])


def documented_example(rng: random.Random) -> Item:
    # published in the issuers' own documentation as examples
    pick = rng.randrange(3)
    if pick == 0:
        return Item(
            "documented-example",
            False,
            [
                ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
                ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ],
        )
    if pick == 1:
        return Item("documented-example", False, [("aws_access_key_id", "AKIAI44QH8DHBEXAMPLE")])
    return Item(
        "documented-example",
        False,
        [("postgres_url", "postgresql://user:password@localhost:5432/mydb")],
    )


def hash_value(rng: random.Random) -> Item:
    data = rng.randbytes(16)
    name, value = rng.choice(
        [
            ("sha256", hashlib.sha256(data).hexdigest()),
            ("checksum", hashlib.md5(data).hexdigest()),
            ("commit", hashlib.sha1(data).hexdigest()),
            ("digest", "sha256:" + hashlib.sha256(data).hexdigest()),
            ("etag", hashlib.md5(data).hexdigest()),
        ]
    )
    return Item("hash", False, [(name, value)])


def uuid_value(rng: random.Random) -> Item:
    name = rng.choice(["request_id", "tenant_id", "correlation_id", "project_id", "trace_id"])
    return Item("uuid", False, [(name, str(uuid.UUID(int=rng.getrandbits(128), version=4)))])


def integrity(rng: random.Random) -> Item:
    value = "sha512-" + base64.b64encode(rng.randbytes(64)).decode()
    return Item("lockfile-integrity", False, [("integrity", value)])


def blob(rng: random.Random) -> Item:
    data = base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.choice([45, 60, 90]))).decode()
    name = rng.choice(["icon", "logo_png", "thumbnail"])
    value = data if rng.random() < 0.5 else "data:image/png;base64," + data
    return Item("base64-blob", False, [(name, value)])


def reference(rng: random.Random) -> Item:
    name = rng.choice(["password", "api_key", "token", "DATABASE_URL", "secret"])
    value = rng.choice(
        [
            "${API_KEY}",
            "${DB_PASSWORD}",
            "{{ vault_db_password }}",
            "$SECRET_TOKEN",
            "%(SMTP_PASSWORD)s",
            "${{ secrets.GITHUB_TOKEN }}",
            "env:OPENAI_API_KEY",
            "vault:kv/bots/bibliobot/feedly#token",
            "postgresql://app:${DB_PASSWORD}@db:5432/app",
        ]
    )
    return Item("variable-reference", False, [(name, value)])


def test_value(rng: random.Random) -> Item:
    name = rng.choice(["password", "api_key", "token", "secret"])
    value = rng.choice(
        [
            "test",
            "dummy",
            "fake-token",
            "example",
            "testpassword",
            "secret",
            "password",
            "not-a-real-key",
            "foo",
            "test-api-key",
        ]
    )
    return Item("test-value", False, [(name, value)])


def public_id(rng: random.Random) -> Item:
    # identifiers that are public by design: publishable keys, account ids, key ids
    name, value = rng.choice(
        [
            ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + rs(rng, ALNUM, 24)),
            ("aws_account_id", rs(rng, string.digits, 12)),
            (
                "GOOGLE_CLIENT_ID",
                f"{rs(rng, string.digits, 12)}-"
                f"{rs(rng, string.ascii_lowercase + string.digits, 32)}.apps.googleusercontent.com",
            ),
            (
                "kms_key_arn",
                f"arn:aws:kms:eu-west-1:{rs(rng, string.digits, 12)}:key/"
                + str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            ),
        ]
    )
    return Item("public-identifier", False, [(name, value)])


def env_read(rng: random.Random) -> Item:
    var = rng.choice(["OPENAI_API_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY"])
    return Item("env-lookup", False, raw=[f"# read at run time: {var} from the environment"])


DECOYS: list[Callable[[random.Random], Item]] = [
    placeholder,
    placeholder,
    documented_example,
    hash_value,
    uuid_value,
    integrity,
    blob,
    reference,
    reference,
    test_value,
    public_id,
    env_read,
]


# -- rendering into file types -------------------------------------------------------------------

FILLER = {
    "py": [
        "import os",
        "import logging",
        "",
        "TIMEOUT = 30",
        'HOST = "api.example.org"',
        "def handler(event):",
        "    return {'ok': True}",
        "log = logging.getLogger(__name__)",
        "RETRIES = 3",
        'USER_AGENT = "bibliobot/1.4"',
    ],
    "js": [
        "'use strict';",
        "const http = require('http');",
        "const PORT = 8080;",
        "module.exports = { retries: 3 };",
        "",
        "function ok() { return true; }",
    ],
    "yaml": [
        "service: bibliobot",
        "replicas: 2",
        "log_level: info",
        "timeout: 30",
        "region: eu-west-1",
        "enabled: true",
    ],
    "toml": ['name = "bibliobot"', "timeout = 30", "debug = false", 'region = "eu-west-1"'],
    "ini": ["timeout = 30", "debug = false", "host = db.internal", "port = 5432"],
    "env": ["NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "REGION=eu-west-1"],
    "docker": [
        "RUN apt-get update && apt-get install -y curl",
        "WORKDIR /app",
        "COPY . /app",
        "EXPOSE 8080",
        "RUN pip install -r requirements.txt",
    ],
    "sh": [
        "set -euo pipefail",
        'echo "deploying"',
        'cd "$(dirname "$0")"',
        "make build",
        "REGION=eu-west-1",
    ],
    "md": [
        "# Setup",
        "",
        "Install the package and configure the bot.",
        "",
        "See the docs for more options.",
        "- step one",
        "- step two",
    ],
}


def ident(name: str, style: str) -> str:
    return name.upper() if style in ("env", "docker", "sh") else name


def render_pair(fmt: str, name: str, value: str, rng: random.Random) -> str:
    n = ident(name, fmt)
    if fmt == "py":
        return rng.choice([f'{n} = "{value}"', f"{n} = '{value}'", f'    {n.lower()}="{value}",'])
    if fmt == "js":
        return rng.choice([f'const {n} = "{value}";', f"  {n}: '{value}',"])
    if fmt == "yaml":
        return rng.choice([f"{n}: {value}", f'{n}: "{value}"', f"  {n}: '{value}'"])
    if fmt in ("toml",):
        return f'{n} = "{value}"'
    if fmt == "ini":
        return f"{n} = {value}"
    if fmt == "env":
        return rng.choice([f"{n}={value}", f'{n}="{value}"'])
    if fmt == "docker":
        return rng.choice([f"ENV {n}={value}", f"ARG {n}={value}", f'ENV {n}="{value}"'])
    if fmt == "sh":
        return rng.choice([f'export {n}="{value}"', f"{n}='{value}'"])
    if fmt == "md":
        return rng.choice([f"export {n.upper()}={value}", f'{n} = "{value}"'])
    raise ValueError(fmt)


def render_lines(fmt: str, items: list[Item], rng: random.Random) -> tuple[list[str], list[dict]]:
    """Line-oriented formats: filler with the items dropped in; the labels' spans."""
    lines: list[str] = []
    labels: list[dict] = []
    if fmt == "ini":
        lines.append(f"[{rng.choice(['default', 'database', 'service'])}]")
    if fmt == "docker":
        lines.append(f"FROM python:3.{rng.randint(9, 12)}-slim")
    if fmt == "sh":
        lines.append("#!/usr/bin/env bash")
    for item in items:
        for _ in range(rng.randint(1, 4)):
            lines.append(rng.choice(FILLER[fmt]))
        fenced = fmt == "md"
        if fenced:
            lines.append(rng.choice(["```sh", "```python", "```"]))
        start = len(lines) + 1
        if item.raw is not None:
            body = item.raw
            if fmt in ("py", "js") and item.kind == "private-key":
                body = ['KEY = """' + body[0], *body[1:-1], body[-1] + '"""']
            elif fmt == "yaml" and item.kind == "private-key":
                body = ["private_key: |", *("  " + b for b in body)]
            lines.extend(body)
        else:
            lines.extend(render_pair(fmt, n, v, rng) for n, v in item.pairs)
        labels.append({"kind": item.kind, "secret": item.secret, "lines": [start, len(lines)]})
        if fenced:
            lines.append("```")
    for _ in range(rng.randint(0, 3)):
        lines.append(rng.choice(FILLER[fmt]))
    return lines, labels


def render_json(items: list[Item], rng: random.Random) -> tuple[list[str], list[dict]]:
    lines = ["{", '  "name": "bibliobot",']
    labels = []
    for i, item in enumerate(items):
        start = len(lines) + 1
        if item.raw is not None and item.kind == "private-key":
            body = [f'  "private_key_{i}": "' + "\\n".join(item.raw) + '\\n",']
        elif item.raw is not None:
            body = [f'  "note_{i}": {json.dumps(item.raw[0])},']
        else:
            body = [f'  "{n}": {json.dumps(v)},' for n, v in item.pairs]
        lines.extend(body)
        labels.append({"kind": item.kind, "secret": item.secret, "lines": [start, len(lines)]})
        lines.append(f'  "timeout_{i}": {rng.randint(1, 90)},')
    lines.append('  "version": 1')
    lines.append("}")
    return lines, labels


def render_ipynb(items: list[Item], rng: random.Random) -> tuple[list[str], list[dict]]:
    code, labels_rel = render_lines("py", items, rng)
    source = [json.dumps(c + "\n") for c in code]
    head = [
        "{",
        ' "cells": [',
        "  {",
        '   "cell_type": "code",',
        '   "execution_count": 1,',
        '   "metadata": {},',
        '   "outputs": [],',
        '   "source": [',
    ]
    body = [f"    {s}," for s in source[:-1]] + [f"    {source[-1]}"]
    tail = [
        "   ]",
        "  }",
        " ],",
        ' "metadata": {"kernelspec": {"name": "python3"}},',
        ' "nbformat": 4,',
        ' "nbformat_minor": 5',
        "}",
    ]
    offset = len(head)
    labels = [
        {**lab, "lines": [lab["lines"][0] + offset, lab["lines"][1] + offset]} for lab in labels_rel
    ]
    return head + body + tail, labels


FORMATS = [
    ("py", "app/{}.py"),
    ("js", "web/src/{}.js"),
    ("yaml", "deploy/{}.yaml"),
    ("json", "config/{}.json"),
    ("toml", "config/{}.toml"),
    ("ini", "config/{}.ini"),
    ("env", "env/{}.env"),
    ("docker", "docker/{}/Dockerfile"),
    ("sh", "scripts/{}.sh"),
    ("ipynb", "notebooks/{}.ipynb"),
    ("md", "docs/{}.md"),
]


def make(files: int, seed: int, out: Path) -> dict:
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    labels: dict[str, list[dict]] = {}
    for i in range(files):
        fmt, pattern = FORMATS[i % len(FORMATS)]
        n_secrets = rng.choice([0, 0, 1, 1, 1, 2])
        n_decoys = rng.choice([1, 1, 2, 2, 3])
        items = [rng.choice(SECRETS)(rng) for _ in range(n_secrets)]
        items += [rng.choice(DECOYS)(rng) for _ in range(n_decoys)]
        rng.shuffle(items)
        if fmt == "json":
            lines, labs = render_json(items, rng)
        elif fmt == "ipynb":
            lines, labs = render_ipynb(items, rng)
        else:
            lines, labs = render_lines(fmt, items, rng)
        rel = pattern.format(f"f{i:05d}")
        path = out / "files" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        labels[rel] = labs
    data = {"seed": seed, "files": labels}
    (out / "labels.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "generated" / "corpus")
    args = parser.parse_args()
    data = make(args.files, args.seed, args.out)
    items = [lab for labs in data["files"].values() for lab in labs]
    secrets = sum(lab["secret"] for lab in items)
    print(
        f"{len(data['files'])} files, {secrets} secrets, {len(items) - secrets} decoys"
        f" -> {args.out}"
    )


if __name__ == "__main__":
    main()
