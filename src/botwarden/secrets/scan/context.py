"""False-positive control: matches that have a key's shape but are not a key anyone can use.

Each filter is a plain function of the candidate and where it was found, returning the reason it
is not reported (or None), so tests name the reason they expect. Filters that look only at the
value's shape (UUIDs, hex digests) apply to the generic rules alone: an issuer's format with a
fixed prefix is a key even when its body is hex (a Datadog key) or a UUID (a Heroku key).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from botwarden.errors import UsageError
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.files import IgnoreRules

CONFIG_FILE = ".botwarden-secrets.toml"

_PLACEHOLDER = re.compile(
    "|".join((
        r"\$\{[^}]*\}?", r"\{\{.*?\}\}", r"\$\(", r"%\([a-z_]+\)",  # ${VAR} {{ var }} $( %(x)
        r"^\$[A-Za-z_]\w*$", r"^%[A-Za-z_]\w*%$", r"^<[^>]*>?$", r"<[a-z_\- ]+>",  # $VAR <token>
        r"(?-i:x{4,}|X{4,})", r"\*{3,}", r"\.{3}", "\u2026", r"\#{4,}", r"0{8,}", "12345678",
        "abcdefgh", r"change[_\-]?me", r"replace[_\-]?me", r"not[_\-]?a[_\-]?real", "^your",
        r"[_\-]your[_\-]", r"insert[_\-]", "^todo$", "^fixme$", "^null$", "^none$", "^secret$",
        "^password$", "^token$",
    )),
    re.IGNORECASE,
)  # fmt: skip
# Words that mark a made-up value. Inside a value they count only as a word of their own (a
# one-case letter run that is the word, e.g. ``sk-fake-1``, ``MyFakeKey``, ``...7EXAMPLE``) or
# inside a long one-case run of words (``myfaketoken``, ``EXAMPLEKEY``): a random key holds
# ``FakE`` or ``xfakeQ`` by chance (one 40-character key in ~30,000 holds "fake" in some case),
# and dropping a real key for that is a missed leak.
_PLACEHOLDER_WORDS = ("placeholder", "redacted", "example", "sample", "dummy", "fake")
_LETTER_RUN = re.compile(r"[A-Z][a-z]+|[a-z]+|[A-Z]+")
_WORDED_RUN = 3  # letters beyond the word that make a run read as words, not chance
_LINE_MARKER = re.compile(r"\b(?:example|examples|dummy|fake|sample|placeholder|mock|test)\b",
                          re.IGNORECASE)  # fmt: skip
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_HEX_DIGEST = re.compile(r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}"
                         r"|[0-9a-f]{128})", re.IGNORECASE)  # fmt: skip
_HASH_PREFIX = re.compile(r"(?:sha(?:1|224|256|384|512)|md5|blake2b?)[-:=]$", re.IGNORECASE)
_HASH_LINE = re.compile(r"integrity|checksum|digest|--hash|shasum|\bsha(?:1|256|384|512)\b|"
                        r"\bmd5\b|\bcommit\b|\betag\b", re.IGNORECASE)  # fmt: skip
LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
     "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "go.sum", "composer.lock",
     "Gemfile.lock", "packages.lock.json", "flake.lock", "mix.lock", "pubspec.lock"}
)  # fmt: skip
_ID_NAME = re.compile(r"hash|sha\d*|md5|digest|checksum|fingerprint|uuid|guid|nonce|salt|"
                      r"(?:\b|_|-)ids?\b|[a-z]Ids?\b", re.IGNORECASE)  # fmt: skip
GENERIC_TAGS = frozenset({"generic", "entropy"})


def is_generic(rule: SecretRule) -> bool:
    """A rule matching by context (``password = ...``) or randomness rather than a fixed prefix."""
    return rule.id.startswith("generic") or bool(GENERIC_TAGS.intersection(rule.tags))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A match to judge: the value, its line, and where on the line it starts."""

    rule: SecretRule
    secret: str
    line: str
    column: int  # 0-based offset of the secret in ``line``
    path: str


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Per-rule allow-lists and test-fixture globs, from ``.botwarden-secrets.toml``: a
    top-level ``fixtures`` list of globs (files holding test keys on purpose) and an ``[allow]``
    table of secret rule id (or ``"*"``) to regexes searched in the value and in its line."""

    allow: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    fixtures: tuple[str, ...] = ()

    @classmethod
    def read(cls, path: Path) -> ScanConfig:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path}: no such scan config file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot be read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: not valid TOML: {exc}") from None
        except RecursionError:
            raise UsageError(f"{path}: TOML nested too deeply to be a scan config") from None
        return cls.from_data(data, path.as_posix())

    @classmethod
    def at(cls, root: Path) -> ScanConfig:
        """``root/.botwarden-secrets.toml`` when there is one, else the empty config."""
        path = root / CONFIG_FILE
        return cls.read(path) if path.is_file() else cls()

    @classmethod
    def from_data(cls, data: Mapping[str, object], source: str) -> ScanConfig:
        unknown = set(data) - {"allow", "fixtures"}
        if unknown:
            first = sorted(unknown)[0]
            raise UsageError(f"{source}: unknown key {first!r}: expected allow, fixtures")
        allow = data.get("allow", {})
        fixtures = data.get("fixtures", [])
        if not isinstance(allow, dict):
            raise UsageError(f"{source}: allow: expected a table of rule id = [regex, ...]")
        if not isinstance(fixtures, list) or not all(isinstance(g, str) for g in fixtures):
            raise UsageError(f"{source}: fixtures: expected a list of glob strings")
        return cls({rule: _regexes(source, rule, items) for rule, items in allow.items()},
                   tuple(fixtures))  # fmt: skip

    def allows(self, rule_id: str, secret: str, line: str) -> bool:
        patterns = (*self.allow.get("*", ()), *self.allow.get(rule_id, ()))
        return any(p.search(secret) or p.search(line) for p in patterns)

    def is_fixture(self, path: str) -> bool:
        return bool(self.fixtures) and IgnoreRules.parse("\n".join(self.fixtures)).ignores(path)


def _regexes(source: str, rule: str, items: object) -> tuple[re.Pattern[str], ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{source}: allow.{rule}: expected a list of regular expressions")
    compiled = []
    for item in items:
        try:
            compiled.append(re.compile(item))
        except re.error as exc:
            reason = f"bad regular expression {item!r}: {exc}"
            raise UsageError(f"{source}: allow.{rule}: {reason}") from None
    return tuple(compiled)


Filter = Callable[[Candidate], str | None]


def placeholder(candidate: Candidate) -> str | None:
    if _PLACEHOLDER.search(candidate.secret) or _placeholder_word(candidate.secret):
        return "a placeholder, not a value"
    return None


def _placeholder_word(value: str) -> bool:
    for run in _LETTER_RUN.findall(value):
        folded = run.lower()
        for word in _PLACEHOLDER_WORDS:
            if word in folded and (folded == word or len(folded) >= len(word) + _WORDED_RUN):
                return True
    return False


def marked_line(candidate: Candidate) -> str | None:
    """``example``/``dummy``/``fake``/``test`` written on the line, outside the value itself."""
    end = candidate.column + len(candidate.secret)
    rest = candidate.line[: candidate.column] + " " + candidate.line[end:]
    return "the line marks it as an example" if _LINE_MARKER.search(rest) else None


def hash_like(candidate: Candidate) -> str | None:
    before = candidate.line[max(0, candidate.column - 8) : candidate.column]
    if _HASH_PREFIX.search(before):
        return "a hash (sha/md5 prefix)"
    if PurePosixPath(candidate.path).name in LOCK_FILES and _HASH_LINE.search(candidate.line):
        return "a lock file's integrity hash"
    if not is_generic(candidate.rule):
        return None
    if _HASH_LINE.search(candidate.line):
        return "a hash on a hash line"
    # A UUID or hex value under a secret's own name (client_secret, auth_token, SECRET_KEY) is
    # the secret: many issuers hand out hex or UUID keys. Under a name that says hash or id
    # (secret_hash, token_id, api_key_sha256) it is a digest or an identifier.
    if not _ID_NAME.search(candidate.line[: candidate.column]):
        return None
    if _UUID.fullmatch(candidate.secret):
        return "a UUID under an identifier's name"
    if _HEX_DIGEST.fullmatch(candidate.secret):
        return "a hex digest under a hash's name"
    return None


FILTERS = (placeholder, marked_line, hash_like)
UNMARKED_FILTERS = (placeholder, hash_like)
"""For text whose author may be an attacker (a model's output): a word such as ``example`` on
the line must not hide a key there."""


def rejection(
    candidate: Candidate, config: ScanConfig, filters: tuple[Filter, ...] = FILTERS
) -> str | None:
    """Why ``candidate`` is not reported, or None when it is a finding."""
    if not candidate.rule.accepts(candidate.secret):
        return "the rule's own checks (documented example, entropy, structure)"
    if config.is_fixture(candidate.path):
        return "a file marked as a test fixture"
    if config.allows(candidate.rule.id, candidate.secret, candidate.line):
        return "allowed by the scan config"
    for check in filters:
        if (reason := check(candidate)) is not None:
            return reason
    return None
