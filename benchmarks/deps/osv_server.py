"""A local, OSV-API-compatible ``POST /v1/query`` server on loopback, for pip-audit.

It answers as OSV.dev does for PyPI: the records of the package (names compared after PEP 503
normalisation) whose enumerated ``versions`` hold the queried version. It never walks ranges,
so the pip-audit side of the comparison does not share botwarden's matching code.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


def _norm(version: str) -> str:
    try:
        return str(Version(version))
    except InvalidVersion:
        return version


class OSVServer:
    def __init__(self, records: list[dict[str, object]]) -> None:
        self.index: dict[str, list[tuple[frozenset[str], dict[str, object]]]] = {}
        for record in records:
            for affected in record["affected"]:  # type: ignore[attr-defined]
                name = canonicalize_name(affected["package"]["name"])
                versions = frozenset(_norm(v) for v in affected.get("versions", []))
                self.index.setdefault(name, []).append((versions, record))
        self.queries = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                query = json.loads(self.rfile.read(length))
                server.queries += 1
                name = canonicalize_name(query["package"]["name"])
                version = _norm(query["version"])
                vulns = [r for vs, r in server.index.get(name, []) if version in vs]
                body = json.dumps({"vulns": vulns} if vulns else {}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1/query"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> OSVServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
