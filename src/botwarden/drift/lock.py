"""``botwarden.lock``: the reviewed state of a bot's deployed configuration, as stable JSON.

JSON rather than TOML because the format has to be written as well as read, and sorted keys with a
fixed indent give byte-identical output for the same tree: a lock only changes in review when the
tree did. Reading checks every field and names the line of the first wrong one, so a hand-edited
or truncated lock is one clear finding, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botwarden.errors import Error
from botwarden.iam.jsonlines import Key, line_at, parse_json_with_lines
from botwarden.iam.parse import PolicyParseError

LOCK_NAME = "botwarden.lock"
LOCK_VERSION = 1
MAX_LOCK_BYTES = 16 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_KEY_DIGEST = re.compile(r"^sha256:[0-9a-f]{16}$")


class LockError(Error):
    """A lock file that cannot be read or is not a lock: ``path:line: reason``."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}", hint="recreate it with 'botwarden lock'")
        self.path, self.line, self.reason = path, line, reason


@dataclass(frozen=True, slots=True)
class Record:
    """One tracked thing: its digest, and where it applies, its config keys and IAM grants."""

    sha256: str
    keys: Mapping[str, str] | None = None
    grants: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sha256": self.sha256}
        if self.keys is not None:
            data["keys"] = dict(sorted(self.keys.items()))
        if self.grants is not None:
            data["grants"] = sorted(self.grants)
        return data


@dataclass(frozen=True, slots=True)
class Signature:
    key_id: str
    value: str  # base64 of the Ed25519 signature

    def to_json(self) -> dict[str, str]:
        return {"algorithm": "ed25519", "key_id": self.key_id, "value": self.value}


@dataclass(frozen=True, slots=True)
class Lock:
    """The recorded state; paths are relative to the manifest's folder, POSIX style."""

    manifest_path: str
    manifest: Record
    patterns: tuple[str, ...]
    files: Mapping[str, Record]
    generated: Record
    signature: Signature | None = None
    lines: Mapping[Key, int] = field(default_factory=dict, compare=False)

    def body(self) -> dict[str, Any]:
        """Everything but the signature: what a signature covers."""
        manifest = {"path": self.manifest_path, **self.manifest.to_json()}
        return {
            "lock_version": LOCK_VERSION,
            "manifest": manifest,
            "deploy_files": list(self.patterns),
            "files": {path: self.files[path].to_json() for path in sorted(self.files)},
            "generated_policy": self.generated.to_json(),
        }

    def to_text(self) -> str:
        data = self.body()
        if self.signature is not None:
            data["signature"] = self.signature.to_json()
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def line(self, *key: str | int) -> int | None:
        return line_at(self.lines, key)


def canonical_body(lock: Lock) -> bytes:
    """The exact bytes a signature covers: the body as compact, key-sorted JSON."""
    text = json.dumps(lock.body(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


# -- reading ---------------------------------------------------------------------------------


def parse_lock(text: str, path: str = LOCK_NAME) -> Lock:
    """Validate lock text; raise :class:`LockError` naming the line of the first problem."""
    try:
        data, lines = parse_json_with_lines(text, path=path)
    except PolicyParseError as exc:
        raise LockError(path, exc.line, exc.reason) from None
    return _Reader(path, lines).lock(data)


class _Reader:
    def __init__(self, path: str, lines: dict[Key, int]) -> None:
        self.path, self.lines = path, lines

    def fail(self, key: Key, reason: str) -> LockError:
        where = ".".join(str(part) for part in key) or "the lock"
        return LockError(self.path, line_at(self.lines, key), f"{where}: {reason}")

    def table(self, value: Any, key: Key, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "expected an object")
        for name in value:
            if name not in allowed:
                raise self.fail((*key, name), "unknown field")
        for name in sorted(required - set(value)):
            raise self.fail(key, f"missing field {name!r}")
        return value

    def string(self, value: Any, key: Key, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            what = "a string" if pattern is None else f"a string matching {pattern.pattern}"
            raise self.fail(key, f"expected {what}")
        return value

    def strings(self, value: Any, key: Key) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "expected an array of strings")
        return tuple(self.string(item, (*key, i)) for i, item in enumerate(value))

    def mapping(self, value: Any, key: Key) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "expected an object")
        return value

    def record(self, value: Any, key: Key, extra: frozenset[str] = frozenset()) -> Record:
        data = self.table(value, key, {"sha256", "keys", "grants", *extra}, {"sha256"})
        keys = None
        if "keys" in data:
            raw = self.mapping(data["keys"], (*key, "keys"))
            keys = {k: self.string(v, (*key, "keys", k), _KEY_DIGEST) for k, v in raw.items()}
        grants = self.strings(data["grants"], (*key, "grants")) if "grants" in data else None
        return Record(self.string(data["sha256"], (*key, "sha256"), _HEX64), keys, grants)

    def lock(self, data: Any) -> Lock:
        top = self.table(
            data,
            (),
            {"lock_version", "manifest", "deploy_files", "files", "generated_policy", "signature"},
            {"lock_version", "manifest", "deploy_files", "files", "generated_policy"},
        )
        version = top["lock_version"]
        if version != LOCK_VERSION or isinstance(version, bool):
            raise self.fail(("lock_version",), f"must be {LOCK_VERSION} (got {version!r})")
        manifest = self.record(top["manifest"], ("manifest",), frozenset({"path"}))
        manifest_path = self.string(top["manifest"].get("path"), ("manifest", "path"))
        files_data = self.mapping(top["files"], ("files",))
        files = {name: self.record(value, ("files", name)) for name, value in files_data.items()}
        return Lock(
            manifest_path=manifest_path,
            manifest=manifest,
            patterns=self.strings(top["deploy_files"], ("deploy_files",)),
            files=files,
            generated=self.record(top["generated_policy"], ("generated_policy",)),
            signature=self.signature(top.get("signature")),
            lines=self.lines,
        )

    def signature(self, value: Any) -> Signature | None:
        if value is None:
            return None
        key = ("signature",)
        data = self.table(value, key, {"algorithm", "key_id", "value"}, {"algorithm", "key_id",
                                                                         "value"})  # fmt: skip
        if data["algorithm"] != "ed25519":
            raise self.fail((*key, "algorithm"), "must be 'ed25519'")
        return Signature(self.string(data["key_id"], (*key, "key_id"), _HEX16),
                         self.string(data["value"], (*key, "value")))  # fmt: skip
