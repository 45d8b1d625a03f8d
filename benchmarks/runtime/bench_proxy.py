"""Forward-proxy throughput and latency on loopback: botwarden vs squid, tinyproxy, a bare relay.

    .venv/bin/python benchmarks/runtime/bench_proxy.py [--seconds 10] [--quick] [--pin]
        [--tunnel-bytes 1000000000] [--only PEER...] [--no-setup]

A private nginx (1 KB and 1 MB static files, no access log, keep-alive) is the upstream, and a
small TCP source (tunnel.py) the far end of CONNECT tunnels. Each peer runs in turn, started here
as a foreground child on a free loopback port with a config in a temporary directory, and stopped
afterwards:

  direct     wrk straight at nginx (origin-form): the ceiling
  squid      caching off, no logs, allow-list = the upstream's address and two ports
  squid-log  the same with its access log on (squid's native format, to a file): a record of
             every request, as botwarden's ledger keeps one (ratios stay against `squid`)
  tinyproxy  default-deny URL filter admitting the same, CONNECT only to the source's port
  relay      relay.py: a bare asyncio forward proxy with no checks (uvloop), the Python floor
  botwarden  `botwarden proxy --manifest M --listen 127.0.0.1:PORT`, the same two entries allowed
  botwarden-2w  the same with `--workers 2` (two processes accepting on one socket)
  botwarden-nl  the same with `--no-ledger`: what the ledger costs (not a configuration the
                issue's target counts)

Per peer: wrk (absolute-form requests through absolute.lua) with 50 connections x 2 threads for
--seconds on /1k and /1m, then one connection for unloaded latency, then one CONNECT tunnel that
pulls --tunnel-bytes. Before timing, each proxy must answer 200 for the upstream and refuse a
port that is not on its list (the "refuses" column). --pin puts wrk and the tunnel client on CPU 1,
nginx, the source and the proxy on CPU 0 (taskset). Each peer's CPU time (its process group, from
/proc) over the 1 KB run, divided by the requests served, gives CPU µs per request: steadier than
req/s when other work shares the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PEERS_DIR = HERE / "peers"
LUA = HERE / "absolute.lua"
PYTHON = sys.executable
BOTWARDEN = Path(sys.executable).parent / "botwarden"
ALL_PEERS = ("direct", "squid", "squid-log", "tinyproxy", "relay", "botwarden", "botwarden-2w",
             "botwarden-nl")  # fmt: skip
UNAVAILABLE = "botwarden: proxy not available"


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """SIGTERM the child's own process group (it may have forked workers), then SIGKILL."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:160] if lines else ""


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system, every thread) of the processes in group ``pgid``: a peer and
    whatever it forked (squid's helpers, botwarden's workers); 0 where /proc is missing."""
    total = 0
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / _TICK


def start(name: str, argv: list[str], workdir: Path, port: int, cpu: str | None) -> Child:
    """Start a foreground server in its own session; raise RuntimeError if it never listens."""
    if cpu is not None:
        argv = ["taskset", "-c", cpu, *argv]
    log = workdir / f"{name}.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=workdir, start_new_session=True,
        )  # fmt: skip
    child = Child(name, process, log)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited {process.returncode}: {child.tail()}")
        if listening(port):
            return child
        time.sleep(0.05)
    child.stop()
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within 15 s: {child.tail()}")


def render(template: str, target: Path, **values: object) -> Path:
    text = (PEERS_DIR / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    target.write_text(text, encoding="utf-8")
    return target


# -- the fixtures: upstream and tunnel source --------------------------------------------------


@dataclass
class Fixture:
    workdir: Path
    upstream: int
    closed: int  # a second nginx port that no allow-list admits
    source: int
    cpu: str | None
    children: list[Child] = field(default_factory=list)

    def url(self, path: str, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.upstream}{path}"


def start_fixture(workdir: Path, cpu: str | None) -> Fixture:
    fixture = Fixture(workdir, free_port(), free_port(), free_port(), cpu)
    www = workdir / "www"
    www.mkdir()
    (www / "1k").write_bytes(b"x" * 1024)
    (www / "1m").write_bytes(b"x" * (1 << 20))
    conf = render("nginx.conf", workdir / "nginx.conf", DIR=workdir, PORT=fixture.upstream)
    text = conf.read_text().replace(
        f"listen 127.0.0.1:{fixture.upstream} backlog=4096;",
        f"listen 127.0.0.1:{fixture.upstream} backlog=4096;\n"
        f"        listen 127.0.0.1:{fixture.closed};",
    )
    conf.write_text(text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    argv = [nginx, "-p", str(workdir), "-e", str(workdir / "nginx-error.log"), "-c", str(conf)]
    fixture.children.append(start("nginx", argv, workdir, fixture.upstream, cpu))
    argv = [PYTHON, str(HERE / "tunnel.py"), "serve", str(fixture.source)]
    fixture.children.append(start("source", argv, workdir, fixture.source, cpu))
    return fixture


# -- the peers ---------------------------------------------------------------------------------


def start_peer(name: str, fx: Fixture) -> tuple[Child | None, int]:
    """Start one peer; (None, upstream port) for direct."""
    if name == "direct":
        return None, fx.upstream
    port = free_port()
    values = {
        "DIR": fx.workdir,
        "PORT": port,
        "UPSTREAM_PORT": fx.upstream,
        "SOURCE_PORT": fx.source,
    }
    if name in ("squid", "squid-log"):
        conf = render("squid.conf", fx.workdir / f"{name}.conf", **values)
        if name == "squid-log":  # every request logged, as botwarden's ledger records each one
            log = fx.workdir / "squid-access.log"
            conf.write_text(
                conf.read_text().replace("access_log none", f"access_log stdio:{log} squid")
            )
        argv = [shutil.which("squid") or "/usr/sbin/squid", "-N", "-f", str(conf)]
    elif name == "tinyproxy":
        conf = render("tinyproxy.conf", fx.workdir / "tinyproxy.conf", **values)
        (fx.workdir / "tinyproxy-filter").write_text(
            f"^(http://)?127\\.0\\.0\\.1:({fx.upstream}|{fx.source})(/|$)\n"
        )
        argv = [shutil.which("tinyproxy") or "/usr/bin/tinyproxy", "-d", "-c", str(conf)]
    elif name == "relay":
        argv = [PYTHON, str(HERE / "relay.py"), "--listen", f"127.0.0.1:{port}"]
    else:
        manifest = render("botwarden.toml.in", fx.workdir / "botwarden.toml", **values)
        argv = [
            str(BOTWARDEN),
            "proxy",
            "--manifest",
            str(manifest),
            "--listen",
            f"127.0.0.1:{port}",
            *(["--workers", "2"] if name == "botwarden-2w" else []),
            *(["--no-ledger"] if name == "botwarden-nl" else []),
        ]
    return start(name, argv, fx.workdir, port, fx.cpu), port


def status_of(proxy: int, url: str) -> str:
    """The status a proxy answers for one absolute-form GET (or what went wrong)."""
    authority = url.split("/")[2]
    request = f"GET {url} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", proxy), timeout=5) as sock:
            sock.sendall(request.encode())
            head = sock.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as error:
        return f"error: {error}"
    parts = head.split()
    return parts[1] if len(parts) > 1 else f"bad reply {head[:40]!r}"


# -- wrk and the tunnel ------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    req_s: float
    p50_ms: float
    p99_ms: float
    mb_s: float
    errors: str  # "" when clean


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def parse_wrk(output: str) -> Load:
    req = re.search(r"Requests/sec:\s+([\d.]+)", output)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    errors = []
    if non2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors.append(f"{non2xx.group(1)} non-2xx")
    if sock := re.search(r"Socket errors: (.*)", output):
        errors.append(f"socket errors: {sock.group(1)}")
    mb_s = float(transfer.group(1)) * _BYTES.get(transfer.group(2), 1) / 1e6 if transfer else 0.0
    return Load(
        req_s=float(req.group(1)) if req else 0.0,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        mb_s=mb_s,
        errors="; ".join(errors),
    )


def wrk(port: int, url: str, direct: bool, conns: int, seconds: float, cpu: str | None) -> Load:
    threads = min(2, conns)
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    env = dict(os.environ)
    if direct:
        argv.append(url)
    else:
        env["TARGET_URL"] = url
        argv += ["-s", str(LUA), f"http://127.0.0.1:{port}/"]
    if cpu is not None:
        argv = ["taskset", "-c", cpu, *argv]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        return Load(
            0, float("nan"), float("nan"), 0, f"wrk exited {done.returncode}: {done.stderr[:120]}"
        )
    return parse_wrk(done.stdout)


def tunnel(proxy: int | None, fx: Fixture, count: int, cpu: str | None) -> tuple[float, str]:
    argv = [PYTHON, str(HERE / "tunnel.py"), "pull"]
    if proxy is not None:
        argv += ["--proxy", f"127.0.0.1:{proxy}"]
    argv += [f"127.0.0.1:{fx.source}", str(count)]
    if cpu is not None:
        argv = ["taskset", "-c", cpu, *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        return 0.0, f"tunnel client failed: {done.stderr.strip()[-120:]}"
    return (0.0, str(data["error"])[:120]) if "error" in data else (float(data["mb_s"]), "")


# -- one peer, all measurements ----------------------------------------------------------------


@dataclass
class Result:
    peer: str
    refuses: str = "-"
    small: Load | None = None
    small_cpu_us: float | None = None  # the peer's CPU per 1 KB request, all its processes
    large: Load | None = None
    single: Load | None = None
    tunnel_mb_s: float | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)


def measure(name: str, fx: Fixture, args: argparse.Namespace) -> Result:
    result = Result(name)
    load_cpu = "1" if args.pin else None
    try:
        child, port = start_peer(name, fx)
    except (RuntimeError, OSError) as error:
        result.error = UNAVAILABLE if name.startswith("botwarden") else f"{name} failed to start"
        result.notes.append(str(error))
        return result
    direct = name == "direct"
    try:
        if not direct:
            ok = status_of(port, fx.url("/1k"))
            if ok != "200":
                result.error = f"upstream through {name} answered {ok}"
                return result
            result.refuses = status_of(port, fx.url("/1k", fx.closed))
        print(f"  {name}: warm-up", end="", flush=True)
        wrk(port, fx.url("/1k"), direct, 50, 1, load_cpu)
        print(", 1 KB", end="", flush=True)
        before = group_cpu(child.process.pid) if child is not None else 0.0
        result.small = wrk(port, fx.url("/1k"), direct, 50, args.seconds, load_cpu)
        served = result.small.req_s * args.seconds
        if child is not None and served:
            result.small_cpu_us = (group_cpu(child.process.pid) - before) / served * 1e6
        print(", 1 MB", end="", flush=True)
        result.large = wrk(port, fx.url("/1m"), direct, 50, args.seconds, load_cpu)
        print(", 1 connection", end="", flush=True)
        result.single = wrk(port, fx.url("/1k"), direct, 1, args.seconds, load_cpu)
        print(", tunnel", end="", flush=True)
        mb_s, error = tunnel(None if direct else port, fx, args.tunnel_bytes, load_cpu)
        result.tunnel_mb_s = mb_s if not error else None
        if error:
            result.notes.append(f"tunnel: {error}")
        print(" done", flush=True)
        for label, load in (
            ("1 KB", result.small),
            ("1 MB", result.large),
            ("1 conn", result.single),
        ):
            if load and load.errors:
                result.notes.append(f"{label}: {load.errors}")
    finally:
        if child is not None:
            child.stop()
    return result


# -- the tables --------------------------------------------------------------------------------


def table(rows: list[list[str]], header: list[str], right: frozenset[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "-"


def ms(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def report(results: list[Result]) -> None:
    by = {r.peer: r for r in results}
    squid, direct = by.get("squid"), by.get("direct")

    def get(r: Result | None, attr: str, sub: str) -> float | None:
        load = getattr(r, attr, None) if r else None
        return getattr(load, sub) if load else None

    rows = []
    for r in results:
        if r.error:
            rows.append([r.peer, r.refuses, *["-"] * 10])
            continue
        rows.append([
            r.peer, r.refuses,
            f"{get(r, 'small', 'req_s'):,.0f}",
            ms(get(r, "small", "p50_ms")), ms(get(r, "small", "p99_ms")),
            ratio(get(r, "small", "req_s"), get(squid, "small", "req_s")),
            ratio(get(r, "small", "req_s"), get(direct, "small", "req_s")),
            f"{get(r, 'large', 'req_s'):,.0f}", f"{get(r, 'large', 'mb_s'):,.0f}",
            ms(get(r, "large", "p50_ms")), ms(get(r, "large", "p99_ms")),
            ratio(get(r, "large", "mb_s"), get(squid, "large", "mb_s")),
        ])  # fmt: skip
    print("\n50 connections x 2 threads (wrk; latency in ms):")
    header = ["peer", "refuses", "1KB req/s", "p50", "p99", "vs squid", "vs direct",
              "1MB req/s", "MB/s", "p50", "p99", "MB/s vs squid"]  # fmt: skip
    print(table(rows, header, frozenset(range(2, 12))))

    # CPU per request is steadier than req/s on a machine shared with other work: it is what a
    # proxy would need per request with a core of its own (squid's / this: the ratio then).
    squid_cpu = squid.small_cpu_us if squid else None
    rows = [
        [r.peer, f"{r.small_cpu_us:.1f}", ratio(squid_cpu, r.small_cpu_us)]
        for r in results
        if not r.error and r.small_cpu_us
    ]
    if rows:
        print("\nCPU per 1 KB request (the peer's processes, user + system, over the 1 KB run):")
        print(table(rows, ["peer", "CPU µs/request", "squid's / this"], frozenset({1, 2})))

    rows = []
    base50, base99 = get(direct, "single", "p50_ms"), get(direct, "single", "p99_ms")
    for r in results:
        if r.error:
            continue
        p50, p99 = get(r, "single", "p50_ms"), get(r, "single", "p99_ms")
        added50 = f"{(p50 - base50) * 1000:+.0f} µs" if p50 is not None and base50 else "-"
        added99 = f"{(p99 - base99) * 1000:+.0f} µs" if p99 is not None and base99 else "-"
        rows.append([
            r.peer, f"{get(r, 'single', 'req_s'):,.0f}", ms(p50), ms(p99), added50, added99,
            f"{r.tunnel_mb_s:,.0f}" if r.tunnel_mb_s else "-",
            ratio(r.tunnel_mb_s, squid.tunnel_mb_s if squid else None),
            ratio(r.tunnel_mb_s, direct.tunnel_mb_s if direct else None),
        ])  # fmt: skip
    print("\none connection (unloaded latency, 1 KB) and one CONNECT tunnel (bulk):")
    header = ["peer", "req/s", "p50 ms", "p99 ms", "added p50", "added p99",
              "tunnel MB/s", "vs squid", "vs direct"]  # fmt: skip
    print(table(rows, header, frozenset(range(1, 9))))
    notes = [f"  {r.peer}: {n}" for r in results for n in ([r.error] if r.error else []) + r.notes]
    if notes:
        print("\nnotes:\n" + "\n".join(notes))
    print(
        "\nrefuses: the status for a GET to an nginx port no allow-list admits (direct and relay "
        "have no list). MB/s = 10^6 bytes/s, from wrk's Transfer/sec (body and headers)."
    )


def versions() -> str:
    def first(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
        except OSError:
            return "missing"
        return (
            (done.stdout + done.stderr).strip().splitlines()[0]
            if (done.stdout + done.stderr).strip()
            else "?"
        )

    return "; ".join([
        first(["nginx", "-v"]).replace("nginx version: ", ""),
        first(["squid", "-v"]).replace("Squid Cache: Version ", "squid "),
        first(["tinyproxy", "-v"]),
        first(["wrk", "-v"]).split(" [")[0].replace("debian/", ""),
    ])  # fmt: skip


def ensure_tools(allow_setup: bool) -> list[str]:
    missing = [
        t
        for t in ("nginx", "squid", "tinyproxy", "wrk")
        if not (shutil.which(t) or Path(f"/usr/sbin/{t}").exists())
    ]
    if missing and allow_setup:
        print(
            f"missing {', '.join(missing)}: running bash {(HERE / 'setup.sh').relative_to(ROOT)}",
            flush=True,
        )
        subprocess.run(["bash", str(HERE / "setup.sh")], check=False)
        missing = [t for t in missing if not (shutil.which(t) or Path(f"/usr/sbin/{t}").exists())]
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per wrk run")
    parser.add_argument("--tunnel-bytes", type=int, default=1_000_000_000)
    parser.add_argument("--quick", action="store_true", help="3 s runs, 256 MB tunnel")
    parser.add_argument("--pin", action="store_true", help="wrk on CPU 1; servers on CPU 0")
    parser.add_argument("--only", nargs="*", choices=ALL_PEERS)
    parser.add_argument("--no-setup", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 3.0)
        args.tunnel_bytes = min(args.tunnel_bytes, 256_000_000)
    os.environ.setdefault("PATH", "")
    os.environ["PATH"] += ":/usr/sbin:/sbin"
    missing = ensure_tools(not args.no_setup)
    if "wrk" in missing or "nginx" in missing:
        print(f"cannot run: {', '.join(missing)} missing (bash benchmarks/runtime/setup.sh)")
        return 0
    peers = [p for p in ALL_PEERS if not args.only or p in args.only or p == "direct"]
    peers = [p for p in peers if p not in missing]
    print(f"{os.cpu_count()} cores; {versions()}")
    pinning = "pinned: wrk and the tunnel client on CPU 1, servers on CPU 0"
    print(f"wrk {args.seconds:g} s per run; tunnel {args.tunnel_bytes / 1e6:,.0f} MB; "
          + (pinning if args.pin else "not pinned"))  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="botwarden-bench-proxy-"))
    workdir.chmod(0o777)  # nginx workers, squid and tinyproxy drop to unprivileged users as root
    fixture = None
    results = []
    try:
        fixture = start_fixture(workdir, "0" if args.pin else None)
        for peer in peers:
            results.append(measure(peer, fixture, args))
    finally:
        for child in fixture.children if fixture else []:
            child.stop()
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "root", str(workdir)], check=False)
        shutil.rmtree(workdir, ignore_errors=True)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
