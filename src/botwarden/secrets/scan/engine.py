"""The scan engine: one keyword pass picks the rules that can match, then only those run.

Every rule names literal keywords, at least one of which occurs in any text it matches. One
Aho-Corasick automaton over all rules' keywords finds, in a single pass over the lower-cased text,
which rules can match; most files contain no keyword of most rules, so most regexes never run.
A rule whose every match begins with one of its keywords (``(?<![a-z])(?i:token)...``: most
generic rules) is tried only where those keywords start, instead of at every position of a
window: ``re`` cannot skip ahead to a pattern that opens with a look-behind, so this is where a
scan spends its time on prose full of words such as "token". Matches then go through the rule's
own checks and :mod:`.context`'s filters; overlapping matches keep the most specific rule; a key
id and its secret near each other become one pair.

Files are scanned in parallel by forked workers that inherit the compiled scanner from the parent,
so rules are compiled once per run, not once per worker.
"""

from __future__ import annotations

import bisect
import functools
import multiprocessing as mp
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from re import _parser as sre_parse
from typing import Any

import ahocorasick_rs

from botwarden.errors import Error
from botwarden.findings import Finding, Location
from botwarden.regex_heads import literal_heads
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import (
    FILTERS,
    UNMARKED_FILTERS,
    Candidate,
    ScanConfig,
    is_generic,
    rejection,
)
from botwarden.secrets.scan.files import DEFAULT_MAX_BYTES, ScanFile, read_text
from botwarden.secrets.scan.findings import Hit, to_finding

PAIR_WINDOW = 5  # lines: a key id and its secret further apart than this are reported apart
PARALLEL_THRESHOLD = 64  # below this many files a pool costs more than it saves

Progress = Callable[[str], None]


class ScanError(Error):
    """The scanner cannot run (no rule catalogue, a rule without a ``secret`` group)."""


def load_rules() -> tuple[SecretRule, ...]:
    """The packaged rule catalogue, imported when first needed."""
    try:
        from botwarden.secrets.rules import RULES  # type: ignore[import-not-found,attr-defined,unused-ignore]
    except ImportError as exc:
        if exc.name not in ("botwarden.secrets.rules", None):
            raise
        raise ScanError(
            "the secret rule catalogue (botwarden.secrets.rules) is not installed",
            hint="reinstall botwarden; the scanner cannot run without its rules",
        ) from None
    rules: tuple[SecretRule, ...] = tuple(RULES)
    return rules


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """Findings in file order, and how many files were read and skipped."""

    findings: list[Finding]
    scanned: int = 0
    skipped: list[str] = field(default_factory=list)  # binary, minified, oversized, unreadable


class SecretScanner:
    """Compiled once: the rules, their keyword automaton and the false-positive config."""

    def __init__(
        self,
        rules: Sequence[SecretRule],
        config: ScanConfig | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        line_markers: bool = True,
    ) -> None:
        """``line_markers=False`` for text an attacker may word (a model's output): then
        ``example``, ``test`` or ``dummy`` written on a line no longer hides a key there."""
        self.rules = tuple(rules)
        self.config = config or ScanConfig()
        self.max_bytes = max_bytes
        self._filters = FILTERS if line_markers else UNMARKED_FILTERS
        self._always = [i for i, rule in enumerate(self.rules) if not rule.keywords]
        owners: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            if "secret" not in rule.pattern.groupindex:
                raise ScanError(f"secret rule {rule.id!r}: its pattern has no 'secret' group")
            for keyword in rule.keywords:
                owners.setdefault(keyword.lower(), []).append(index)
        # (length, rule indices) of each keyword, in the automaton's pattern order
        self._keywords = [(len(keyword), tuple(indices)) for keyword, indices in owners.items()]
        # A DFA: three times faster than a trie automaton (pyahocorasick) over prose, where
        # nearly every character is a letter some keyword starts with (benchmarks/guards_output).
        # ASCII text, the usual case, is searched as bytes, where a byte offset is a character
        # offset: the str automaton spends about a fifth of its time converting offsets. Other
        # text has a str automaton of its own, built when first needed.
        self._keyword_texts = list(owners)
        self._ascii_automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [keyword.encode() for keyword in owners],
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.DFA,
            )
            if owners
            else None
        )
        self._text_automaton: ahocorasick_rs.AhoCorasick | None = None
        self._reach = [_reach(rule) for rule in self.rules]
        self._anchored = [_starts_with_keyword(rule) for rule in self.rules]

    def candidate_rules(self, text: str) -> list[int]:
        """Indices of the rules with a keyword in ``text`` (and those without keywords)."""
        return sorted(self._keyword_ends(text))

    def _keyword_ends(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """For each rule that can match, where its keywords start and end (the last character) in
        ``text`` (none: no keywords)."""
        found: dict[int, list[tuple[int, int]]] = {index: [] for index in self._always}
        if self._ascii_automaton is None:
            return found
        keywords = self._keywords
        lowered = text.lower()
        # overlapping: every occurrence of every keyword, as the rules' windows need, reported in
        # order of their ends (so each rule's list is in that order, as _windows needs); ``end``
        # is exclusive, in characters
        if lowered.isascii():
            matches = self._ascii_automaton.find_matches_as_indexes(
                lowered.encode("ascii"), overlapping=True
            )
        else:
            matches = self._unicode_automaton().find_matches_as_indexes(lowered, overlapping=True)
        for keyword, _, end in matches:
            length, indices = keywords[keyword]
            hit = (end - length, end - 1)
            for index in indices:
                hits = found.get(index)
                if hits is None:
                    found[index] = [hit]
                else:
                    hits.append(hit)
        return found

    def _unicode_automaton(self) -> ahocorasick_rs.AhoCorasick:
        if self._text_automaton is None:  # two threads may both build it: either one will do
            self._text_automaton = ahocorasick_rs.AhoCorasick(
                self._keyword_texts,
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.DFA,
            )
        return self._text_automaton

    def scan_text(self, text: str, path: str = "") -> list[Hit]:
        """Every reported credential in ``text``, pairs joined, in order of position.

        A rule runs only near its keywords: a match holds one, and no match is longer than the
        rule's pattern allows, so windows that wide around each keyword see every match (rules
        whose matches are unbounded, or have no keywords, run over the whole text). In an ASCII
        text, where lower-casing moves no offset and a ``(?i)`` letter matches only its two ASCII
        cases, an anchored rule (see :func:`_starts_with_keyword`) is tried only where its
        keywords start: a match anywhere else would not begin with a keyword.
        """
        lines = _Lines(text)
        spans: list[tuple[int, int, Hit]] = []
        size = len(text)
        ascii_only = text.isascii()
        for index, hits in sorted(self._keyword_ends(text).items()):
            rule, reach = self.rules[index], self._reach[index]
            accept = functools.partial(self._hit, rule, text, lines, path)
            if hits and ascii_only and self._anchored[index]:
                # every match begins at a keyword and is no longer than the rule allows, so the
                # windows around the keywords add nothing to matching at each keyword's start
                starts = sorted({start for start, _ in hits})
                spans.extend(_accepted_from(rule.pattern, text, starts, accept))
            else:
                ends = [end for _, end in hits]
                windows = [(0, size)] if reach is None or not ends else _windows(text, ends, reach)
                for start, end in windows:
                    spans.extend(_accepted_in(rule.pattern, text, start, end, accept))
        return _pair(_without_overlaps(spans))

    def _hit(
        self, rule: SecretRule, text: str, lines: _Lines, path: str, match: re.Match[str]
    ) -> tuple[int, int, Hit] | None:
        """The finding a match makes, or None when its secret is empty or a filter rejects it."""
        secret = match.group("secret")
        if not secret:
            return None
        start = match.start("secret")
        number, line_start, line = lines.at(start)
        candidate = Candidate(rule, secret, line, start - line_start, path)
        if rejection(candidate, self.config, self._filters) is not None:
            return None
        return start, start + len(secret), Hit(rule, secret, number, start - line_start + 1)

    def scan_file(self, file: ScanFile) -> list[Finding] | None:
        """The file's findings, or None when it is skipped (binary, minified, too big)."""
        text = read_text(file.path, self.max_bytes)
        if text is None:
            return None
        return [to_finding(hit, file.shown) for hit in self.scan_text(text, file.below_root)]

    def scan_files(
        self, files: Sequence[ScanFile], *, jobs: int = 1, progress: Progress | None = None
    ) -> ScanOutcome:
        """Scan ``files`` on ``jobs`` processes; results come back in input order."""
        global _job  # noqa: PLW0603 - the state forked workers inherit
        _job = _Job(self, files)
        advance = progress or (lambda _name: None)
        if jobs <= 1 or len(files) < PARALLEL_THRESHOLD or "fork" not in mp.get_all_start_methods():
            results = []
            for file in files:
                results.append(self.scan_file(file))
                advance(file.shown)
        else:
            results = _in_parallel(files, jobs, advance)
        _job = None
        findings = [f for found in results if found is not None for f in found]
        skipped = [file.shown for file, found in zip(files, results, strict=True) if found is None]
        return ScanOutcome(findings, len(files) - len(skipped), skipped)


Accept = Callable[[re.Match[str]], "tuple[int, int, Hit] | None"]  # a match's finding, if any


def _accepted_from(
    pattern: re.Pattern[str], text: str, starts: list[int], accept: Accept
) -> list[tuple[int, int, Hit]]:
    """What :func:`_accepted_in` finds when only ``starts`` (sorted) can begin a match: each
    tried with ``match`` (its look-behinds see the text before it)."""
    found: list[tuple[int, int, Hit]] = []
    pos = 0
    for start in starts:
        if (
            start >= pos
            and (match := pattern.match(text, start)) is not None
            and (hit := accept(match)) is not None
        ):
            found.append(hit)
            pos = match.end()
    return found


def _accepted_in(
    pattern: re.Pattern[str], text: str, start: int, end: int, accept: Accept
) -> list[tuple[int, int, Hit]]:
    """The accepted matches between ``start`` and ``end``, each search resuming after the last
    accepted match. A rejected match does not hide what starts inside it: a value that a filter
    refuses may run on into the next assignment (``password: x@y.invalid:password: hunter2``
    is one match up to the space), whose secret is still a secret."""
    found: list[tuple[int, int, Hit]] = []
    pos = start
    while (match := pattern.search(text, pos, end)) is not None:
        if (hit := accept(match)) is not None:
            found.append(hit)
            pos = max(match.end(), match.start() + 1)
        else:
            pos = match.start() + 1
    return found


def _starts_with_keyword(rule: SecretRule) -> bool:
    """Whether every match of ``rule`` begins with one of its keywords (lower-cased): the
    pattern opens, after look-arounds only, with literal text (through groups and alternations,
    case-insensitive or not) whose every variant starts with a keyword. Anything the analysis
    does not know ends the literal text, so a doubt leaves the rule unanchored."""
    keywords = tuple(keyword.lower() for keyword in rule.keywords)
    if not keywords or not all(keywords):
        return False
    heads = literal_heads(rule.pattern, max(map(len, keywords)))
    return heads is not None and all(head.startswith(keywords) for head, _ in heads)


_NEWLINE = re.compile("\n")
_MAX_REACH = 4096  # longer possible matches: the rule runs over the whole text


def _reach(rule: SecretRule) -> int | None:
    """How far from a keyword a match can reach, or None when that is unbounded or too far."""
    try:
        _, widest = sre_parse.parse(rule.pattern.pattern, rule.pattern.flags).getwidth()
    except (re.error, OverflowError):
        return None
    return widest + 1 if widest < _MAX_REACH else None


def _windows(text: str, ends: list[int], reach: int) -> list[tuple[int, int]]:
    """Merged ranges from ``reach`` before each keyword end, moved back to the start of its line,
    to ``reach`` after it. A search starting at ``pos`` treats ``pos`` as the start of the text
    (``\\b`` and lookbehinds cannot see before it), so a window starts where a line starts."""
    size = len(text)
    merged: list[tuple[int, int]] = []
    for end in ends:  # the automaton reports ends in increasing order
        start = text.rfind("\n", 0, max(0, end - reach)) + 1
        stop = min(size, end + reach)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


class _Lines:
    """Line numbers of offsets, found by bisecting the newline positions (built on first use)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[int] | None = None

    def at(self, offset: int) -> tuple[int, int, str]:
        """(1-based line number, offset where the line starts, the line's text)."""
        if self._ends is None:
            self._ends = [match.start() for match in _NEWLINE.finditer(self.text)]
        index = bisect.bisect_left(self._ends, offset)
        start = self._ends[index - 1] + 1 if index else 0
        end = self._ends[index] if index < len(self._ends) else len(self.text)
        return index + 1, start, self.text[start:end]


def _without_overlaps(spans: list[tuple[int, int, Hit]]) -> list[Hit]:
    """One hit per stretch of text: specific rules before generic ones, then the most severe."""

    def priority(span: tuple[int, int, Hit]) -> tuple[bool, int, int]:
        return (is_generic(span[2].rule), -span[2].rule.severity.rank, span[0])

    kept: list[tuple[int, int, Hit]] = []
    for start, end, hit in sorted(spans, key=priority):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, hit))
    return [hit for _, _, hit in sorted(kept, key=lambda span: span[0])]


def _pair(hits: list[Hit]) -> list[Hit]:
    """Join each hit whose rule names a ``pair`` with the nearest unjoined hit of that rule;
    the pair is reported once, where its first half is."""
    used: set[int] = set()
    joined: dict[int, Hit] = {}
    for i, hit in enumerate(hits):
        if i in used or not hit.rule.pair:
            continue
        partner = _nearest_partner(hits, i, used)
        if partner is not None:
            used.update((i, partner))
            shown, hidden = sorted((hit, hits[partner]), key=lambda h: (len(h.secret), h.line))
            pair = Hit(hidden.rule, hidden.secret, hidden.line, hidden.column, partner=shown)
            joined[min(i, partner)] = pair
    return [joined.get(i, hit) for i, hit in enumerate(hits) if i not in used or i in joined]


def _nearest_partner(hits: list[Hit], i: int, used: set[int]) -> int | None:
    hit = hits[i]
    near = [
        (abs(other.line - hit.line), j)
        for j, other in enumerate(hits)
        if j != i and j not in used and other.rule.id == hit.rule.pair
        and abs(other.line - hit.line) <= PAIR_WINDOW
    ]  # fmt: skip
    return min(near)[1] if near else None


@dataclass(frozen=True, slots=True)
class _Job:
    scanner: SecretScanner
    files: Sequence[ScanFile]


_job: _Job | None = None


def _in_parallel(
    files: Sequence[ScanFile], jobs: int, advance: Progress
) -> list[list[Finding] | None]:
    """Slices of ``files`` on a forked pool, advancing the progress bar as each slice returns."""
    size = max(1, len(files) // (jobs * 8))
    slices = [(i, min(i + size, len(files))) for i in range(0, len(files), size)]
    results: list[list[Finding] | None] = []
    with mp.get_context("fork").Pool(jobs) as pool:
        for (first, last), chunk in zip(slices, pool.imap(_scan_slice, slices), strict=True):
            results.extend(None if c is None else [_unpack(p) for p in c] for c in chunk)
            for file in files[first:last]:
                advance(file.shown)
    return results


def _scan_slice(bounds: tuple[int, int]) -> list[list[tuple[Any, ...]] | None]:
    assert _job is not None
    results = []
    for file in _job.files[bounds[0] : bounds[1]]:
        found = _job.scanner.scan_file(file)
        results.append(None if found is None else [_pack(f) for f in found])
    return results


# Findings cross the process boundary as plain tuples: the rules (with their compiled patterns and
# validators) stay in the parent and are never pickled.
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_AT = _FINDING_FIELDS.index("location")


def _pack(finding: Finding) -> tuple[Any, ...]:
    values = [getattr(finding, name) for name in _FINDING_FIELDS]
    at = finding.location
    values[_AT] = (at.path, at.line, at.column)
    return tuple(values)


def _unpack(packed: tuple[Any, ...]) -> Finding:
    values = list(packed)
    values[_AT] = Location(*values[_AT])
    return Finding(*values)
