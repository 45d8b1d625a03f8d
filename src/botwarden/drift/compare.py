"""The recorded state against the current one: one finding per item added, removed or changed.

Items are the manifest, each deployed file and the generated least-privilege policy. For a
changed TOML, JSON or YAML file the finding names the keys that changed, never their values; for an
IAM policy it names the grants added and removed. Fingerprints use the item and its current
digest, so a baseline accepts one reviewed change and a later change is reported again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from botwarden.drift import rules
from botwarden.drift.lock import Lock, Record
from botwarden.findings import Finding, Location, Severity
from botwarden.manifest import Manifest

SAMPLE = 5
PREFIX = 12  # digest characters shown: enough to tell versions apart, short enough to read

Shown = Callable[[str], str]  # a path relative to the manifest's folder -> a finding's path


def short(digest: str) -> str:
    return digest[:PREFIX]


def listed(items: list[str], sample: int = SAMPLE) -> str:
    more = len(items) - sample
    return ", ".join(items[:sample]) + (f" (+{more} more)" if more > 0 else "")


def compare(recorded: Lock, current: Lock, manifest: Manifest, shown: Shown) -> Iterator[Finding]:
    """Every difference between ``recorded`` and ``current``, most telling first."""
    yield from _manifest(recorded.manifest, current.manifest, manifest, shown)
    yield from _generated(recorded.generated, current.generated, manifest)
    for path in sorted(set(recorded.files) | set(current.files)):
        yield from _file(path, recorded.files.get(path), current.files.get(path), shown)


def _manifest(old: Record, new: Record, manifest: Manifest, shown: Shown) -> Iterator[Finding]:
    if old.sha256 == new.sha256:
        return
    what = _key_changes(old.keys, new.keys)
    message = (f"the manifest changed since the lock ({short(old.sha256)} -> "
               f"{short(new.sha256)}): {what}")  # fmt: skip
    where = Location(manifest.path, None)
    yield Finding.of(rules.MANIFEST_CHANGED, message, where, key=f"manifest:{new.sha256}",
                     evidence=f"{short(old.sha256)} -> {short(new.sha256)}")  # fmt: skip


def _generated(old: Record, new: Record, manifest: Manifest) -> Iterator[Finding]:
    added, removed = _grant_changes(old.grants or (), new.grants or ())
    if not added and not removed:
        return
    parts = []
    if added:
        parts.append(f"now also grants {listed(added)}")
    if removed:
        parts.append(f"no longer grants {listed(removed)}")
    message = ("the least-privilege policy the manifest generates changed since the lock: "
               + "; ".join(parts))  # fmt: skip
    aws = [i for i, cap in enumerate(manifest.capability) if cap.provider == "aws"]
    where = manifest.locate("capability", aws[0]) if aws else manifest.locate("bot")
    yield Finding.of(rules.GENERATED_CHANGED, message, where, key=f"generated:{new.sha256}",
                     evidence=f"{short(old.sha256)} -> {short(new.sha256)}")  # fmt: skip


def _file(path: str, old: Record | None, new: Record | None, shown: Shown) -> Iterator[Finding]:
    where = Location(shown(path), None)
    if old is None and new is not None:
        yield Finding.of(rules.FILE_ADDED, f"{path} is deployed configuration added since the "
                         f"lock (sha256 {short(new.sha256)})", where,
                         key=f"{path}:{new.sha256}", evidence=short(new.sha256))  # fmt: skip
    elif new is None and old is not None:
        yield Finding.of(rules.FILE_REMOVED, f"{path} was locked (sha256 {short(old.sha256)}) "
                         "and is gone", where, key=f"{path}:gone",
                         evidence=short(old.sha256))  # fmt: skip
    elif old is not None and new is not None and old.sha256 != new.sha256:
        digests = f"{short(old.sha256)} -> {short(new.sha256)}"
        if old.grants is not None or new.grants is not None:
            yield _policy(path, old, new, where, digests)
            return
        message = f"{path} changed since the lock ({digests}): {_key_changes(old.keys, new.keys)}"
        yield Finding.of(rules.FILE_CHANGED, message, where, key=f"{path}:{new.sha256}",
                         evidence=digests)  # fmt: skip


def _policy(path: str, old: Record, new: Record, where: Location, digests: str) -> Finding:
    added, removed = _grant_changes(old.grants or (), new.grants or ())
    key = f"{path}:{new.sha256}"
    if not added and not removed:
        return Finding.of(rules.FILE_CHANGED, f"{path} changed since the lock ({digests}); its "
                          "IAM grants are the same", where, key=key, evidence=digests,
                          severity=Severity.LOW)  # fmt: skip
    parts = []
    if added:
        parts.append(f"grants added: {listed(added)}")
    if removed:
        parts.append(f"grants removed: {listed(removed)}")
    message = f"{path}: its IAM grants changed since the lock ({digests}): " + "; ".join(parts)
    severity = rules.POLICY_CHANGED.severity if added else Severity.MEDIUM
    return Finding.of(rules.POLICY_CHANGED, message, where, key=key, evidence=digests,
                      severity=severity)  # fmt: skip


def _grant_changes(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[list[str], list[str]]:
    before, after = set(old), set(new)
    return sorted(after - before), sorted(before - after)


def _key_changes(old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> str:
    """Which keys changed, by name only: values may be secrets."""
    if old is None or new is None:
        return (
            "its content changed (not a TOML, JSON or YAML file botwarden could read, so no keys)"
        )
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    parts = [f"{label} {listed(keys)}" for label, keys in
             (("keys changed:", changed), ("keys added:", added), ("keys removed:", removed))
             if keys]  # fmt: skip
    return "; ".join(parts) or "no key changed (comments or layout only)"
