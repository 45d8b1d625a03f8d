"""``--history``: credentials added by any commit reachable from any ref, deleted or not.

A key deleted from the files is still in every clone, so the scan reads the whole history once,
as one stream from ``git log --all -m -p --unified=0``, and runs the scanner on each hunk's added
lines as one block (so a PEM key added in one hunk is found whole).

Choices, and why:

- ``--all`` walks every branch, tag, note and stash: a key pushed on a forgotten branch leaks too.
- ``-m`` diffs a merge against each of its parents. Without it ``git log -p`` shows no diff for a
  merge, and a key added while resolving a conflict (an "evil merge") would be missed;
  ``--first-parent`` would skip every commit of a merged side branch whose ref is gone. ``-m``
  repeats lines already seen on the other side of the merge; findings are deduplicated, so each
  key is reported once, at the oldest commit (by author date) that added it.
- ``-M`` (rename detection): a renamed file's lines are not "added" again; the key is reported
  where it was first added.
- Binary diffs ("Binary files ... differ") carry no lines and are skipped; paths and lines that
  are not UTF-8 are decoded with replacement characters, never refused.

A key still in the scanned files is reported once, as ``secrets.hardcoded``, with the commit that
added it noted in its message; a key only in the history is ``secrets.in-history``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from botwarden.errors import UsageError
from botwarden.findings import Finding, Location, fingerprint
from botwarden.secrets.scan.engine import SecretScanner
from botwarden.secrets.scan.files import IgnoreRules, is_minified
from botwarden.secrets.scan.findings import HARDCODED, IN_HISTORY, describe

COMMIT_MARK = b"\0\0commit "  # starts each commit header: no diff line starts with NUL
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_GIT_LOG = (
    "-c", "core.quotePath=true", "log", "--all", "-m", "-M", "-p", "--no-ext-diff",
    "--no-color", "--no-textconv", "--unified=0", "--format=%x00%x00commit %H %h %aI",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    short: str
    date: str  # author date, ISO 8601 with its offset

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.date)


@dataclass(frozen=True, slots=True)
class Added:
    """Lines one hunk of one commit added to ``path``, starting at ``line`` of the new file."""

    commit: Commit
    path: str  # relative to the repository's top level, POSIX
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class HistoryHit:
    """A credential as first added: the finding's parts, before it is known whether it is still
    in the files."""

    commit: Commit
    path: str
    line: int
    column: int
    kind: str
    evidence: str
    key: str


def repository_of(path: Path) -> tuple[Path, str]:
    """The top level of the git repository holding ``path``, and ``path`` below it ("" for all)."""
    folder = path if path.is_dir() else path.parent
    try:
        done = subprocess.run(  # noqa: S603 - git, found on PATH, with fixed arguments
            [_git(), "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True, check=False, text=True,
        )  # fmt: skip
    except OSError as exc:
        raise UsageError(f"--history: cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        raise UsageError(f"--history: {path} is not in a git repository")
    top = Path(done.stdout.strip())
    below = path.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if below == "." else below


def added_blocks(top: Path, below: str = "") -> Iterator[Added]:
    """Every hunk's added lines in the history of ``top`` (limited to ``below``), read once."""
    command = [_git(), "-C", str(top), *_GIT_LOG]
    if below:
        command += ["--", below]
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors) as process,  # noqa: S603
    ):
        assert process.stdout is not None
        yield from parse_log(process.stdout)
        process.wait()
        errors.seek(0)
        stderr = errors.read()
    if process.returncode != 0:
        why = stderr.decode("utf-8", "replace").strip().splitlines()
        if not (why and "does not have any commits" in why[-1]):
            raise UsageError(f"git log failed in {top}: {why[-1] if why else process.returncode}")


def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise UsageError("--history needs git, and git is not on PATH")
    return found


def parse_log(lines: Iterable[bytes]) -> Iterator[Added]:
    """The added blocks of a ``git log -p --unified=0`` stream in :data:`_GIT_LOG`'s format."""
    commit: Commit | None = None
    path: str | None = None
    start, block = 0, bytearray()
    in_hunk = False

    def flush() -> Iterator[Added]:
        if block and commit is not None and path is not None:
            yield Added(commit, path, start, block.decode("utf-8", "replace"))
        block.clear()

    for raw in lines:
        line = raw.rstrip(b"\n")
        if in_hunk and line.startswith(b"+"):
            block.extend(line[1:] + b"\n")
            continue
        if in_hunk and line.startswith((b"-", b"\\")):
            continue
        yield from flush()
        in_hunk = False
        if line.startswith(COMMIT_MARK):
            commit, path = _commit(line), None
        elif line.startswith(b"diff --git "):
            path = None
        elif line.startswith(b"+++ "):
            path = _path(line[4:])
        elif hunk := _HUNK.match(line):
            start, in_hunk = int(hunk.group(1)), path is not None
    yield from flush()


def _commit(line: bytes) -> Commit:
    """The header line; anything else is refused, never half-read (the scan would miss keys)."""
    parts = line[len(COMMIT_MARK) :].decode("ascii", "replace").split()
    try:
        commit = Commit(*parts)
        commit.when  # noqa: B018 - validates the date now, not at sorting time
    except (TypeError, ValueError):
        raise UsageError(f"git log: unexpected commit header {line[:80]!r}") from None
    return commit


def _path(field: bytes) -> str | None:
    """The new file's path from ``+++ b/PATH`` (C-quoted when odd), None for ``/dev/null``."""
    field = field.rstrip(b"\t")
    if field == b"/dev/null":
        return None
    if field.startswith(b'"') and field.endswith(b'"'):
        field = _unquote(field[1:-1])
    return field.removeprefix(b"b/").decode("utf-8", "replace")


_ESCAPES = {b"n": 10, b"t": 9, b'"': 34, b"\\": 92, b"a": 7, b"b": 8, b"f": 12, b"r": 13, b"v": 11}


def _unquote(text: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(text):
        if text[i : i + 1] == b"\\" and i + 1 < len(text):
            nxt = text[i + 1 : i + 2]
            if nxt.isdigit() and re.fullmatch(rb"[0-7]{3}", text[i + 1 : i + 4]):
                out.append(int(text[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt[0]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return bytes(out)


def history_hits(
    scanner: SecretScanner, blocks: Iterable[Added], ignore: IgnoreRules | None = None
) -> list[HistoryHit]:
    """Each credential once per (path, value), at the oldest commit that added it."""
    first: dict[tuple[str, str], HistoryHit] = {}
    for added in blocks:
        if (ignore and ignore.ignores(added.path)) or _minified(added):
            continue
        for hit in scanner.scan_text(added.text, added.path):
            said = describe(hit)
            found = HistoryHit(added.commit, added.path, added.line + said.line - 1, said.column,
                               said.kind, said.evidence, said.key)  # fmt: skip
            known = first.get((found.path, found.key))
            if known is None or found.commit.when < known.commit.when:
                first[(found.path, found.key)] = found
    return list(first.values())


def _minified(added: Added) -> bool:
    return is_minified(added.text.encode("utf-8", "replace"), added.path.rsplit("/", 1)[-1])


def merge_history(
    current: Sequence[Finding], hits: Iterable[HistoryHit], shown: str = ""
) -> list[Finding]:
    """``current`` (the files' findings) with the history noted on keys still there, plus a
    ``secrets.in-history`` finding for each key that is gone. ``shown`` prefixes history paths
    so they read like the files' (e.g. the repository's folder as given on the command line)."""
    noted = list(current)
    where = {f.fingerprint: i for i, f in enumerate(noted) if f.rule == HARDCODED.id}
    paths = {f.location.path for f in noted if f.rule == HARDCODED.id}
    ordered = sorted(hits, key=lambda h: (h.commit.when, h.path, h.line))
    oldest: dict[str, HistoryHit] = {}
    for hit in ordered:
        oldest.setdefault(hit.key, hit)
    for key, hit in oldest.items():
        for index in _still_there(where, paths, key):
            note = f" (in the history since commit {hit.commit.short}, {hit.commit.date})"
            noted[index] = replace(noted[index], message=noted[index].message + note)
    noted.extend(in_history(hit, _join(shown, hit.path)) for hit in ordered
                 if not _still_there(where, paths, hit.key))  # fmt: skip
    return noted


def _still_there(where: dict[str, int], paths: set[str], key: str) -> list[int]:
    """The files' findings of the same value, at any path."""
    found = (where.get(fingerprint(HARDCODED.id, path, key)) for path in sorted(paths))
    return [index for index in found if index is not None]


def in_history(hit: HistoryHit, path: str) -> Finding:
    """The ``secrets.in-history`` finding: commit and author date in message and evidence."""
    message = (
        f"{hit.kind} added in commit {hit.commit.short} ({hit.commit.date}) and no longer in "
        "the files: rotate it: it is in the history"
    )
    evidence = f"{hit.evidence} (commit {hit.commit.short}, {hit.commit.date})"
    return Finding.of(IN_HISTORY, message, Location(path, hit.line, hit.column), key=hit.key,
                      evidence=evidence)  # fmt: skip


def _join(prefix: str, path: str) -> str:
    return f"{prefix.rstrip('/')}/{path}" if prefix and prefix != "." else path


def scan_history(scanner: SecretScanner, path: Path) -> tuple[list[HistoryHit], str]:
    """The history hits of the repository holding ``path`` (limited to ``path``), and the prefix
    that makes their repository-relative paths read as the scan's (relative to the working
    directory when the repository is below it)."""
    top, below = repository_of(path)
    hits = history_hits(scanner, added_blocks(top, below), IgnoreRules.at(top))
    try:
        prefix = top.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        prefix = top.as_posix()
    return hits, prefix


__all__ = [
    "Added",
    "Commit",
    "HistoryHit",
    "added_blocks",
    "history_hits",
    "in_history",
    "merge_history",
    "parse_log",
    "repository_of",
    "scan_history",
]
