"""Input text as a model will read it: NFKC, with invisible and control characters taken out.

Attackers hide instructions where a human reviewer cannot see them (the tag block spells ASCII
invisibly, variation selectors carry arbitrary bytes, bidi overrides reorder what is shown,
zero-width characters split keywords so filters miss them). :func:`normalize` removes every such
character *before* NFKC (so a removal cannot leave a non-normalised sequence behind, which keeps
the function idempotent) and reports each class once, with its count and the offset of its first
run in the text it was given. Nothing is dropped silently. :func:`check_limits` enforces the size
and the Unicode scripts (the Script property, as the ``regex`` module knows it) a text may use.

Decisions:

* Private-use characters are reported but kept: they are visible glyphs in icon fonts and carry
  no hidden ASCII, so removing them would damage legitimate text.
* C0/C1 controls that Python treats as whitespace (VT, FF, FS-US, NEL) become a space instead of
  vanishing, so ``ignore\\x0bprevious`` cannot turn into one word a pattern would not split.
* Lone surrogates and noncharacters are removed: they cannot be encoded as UTF-8 and would make a
  later step fail open.
* Words mixing scripts that have Latin look-alikes (``paypal`` spelt with a Cyrillic
  ``a``) are reported as ``confusable.mixed-script`` and kept: rewriting them would be a guess.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from botwarden.errors import UsageError
from botwarden.guards.finding import EVIDENCE_MAX, GuardFinding, excerpt

_KEEP = "keep"
_SPACE = "space"
_REMOVE = "remove"

# (first, last, kind), disjoint, sorted by first: Unicode's Default_Ignorable_Code_Point, every Cf
# and Cc (tests check this against the running Python's unicodedata), surrogates, noncharacters,
# private use.
_RANGES: tuple[tuple[int, int, str], ...] = tuple(
    sorted(
        (
            (0x0000, 0x0008, "control.c0"),
            (0x000B, 0x000C, "control.c0"),
            (0x000E, 0x001F, "control.c0"),
            (0x007F, 0x007F, "control.c0"),
            (0x0080, 0x009F, "control.c1"),
            (0x00AD, 0x00AD, "invisible.filler"),
            (0x034F, 0x034F, "invisible.filler"),
            (0x0600, 0x0605, "invisible.format"),
            (0x061C, 0x061C, "invisible.bidi"),
            (0x06DD, 0x06DD, "invisible.format"),
            (0x070F, 0x070F, "invisible.format"),
            (0x0890, 0x0891, "invisible.format"),
            (0x08E2, 0x08E2, "invisible.format"),
            (0x115F, 0x1160, "invisible.filler"),
            (0x17B4, 0x17B5, "invisible.filler"),
            (0x180B, 0x180D, "invisible.variation-selector"),
            (0x180E, 0x180E, "invisible.zero-width"),
            (0x180F, 0x180F, "invisible.variation-selector"),
            (0x200B, 0x200D, "invisible.zero-width"),
            (0x200E, 0x200F, "invisible.bidi"),
            (0x202A, 0x202E, "invisible.bidi"),
            (0x2060, 0x2064, "invisible.zero-width"),
            (0x2065, 0x2065, "invisible.format"),
            (0x2066, 0x2069, "invisible.bidi"),
            (0x206A, 0x206F, "invisible.format"),
            (0x3164, 0x3164, "invisible.filler"),
            (0xD800, 0xDFFF, "unicode.surrogate"),
            (0xE000, 0xF8FF, "unicode.private-use"),
            (0xFDD0, 0xFDEF, "unicode.noncharacter"),
            (0xFE00, 0xFE0F, "invisible.variation-selector"),
            (0xFEFF, 0xFEFF, "invisible.zero-width"),
            (0xFFA0, 0xFFA0, "invisible.filler"),
            (0xFFF0, 0xFFFB, "invisible.format"),
            *(
                (plane | 0xFFFE, plane | 0xFFFF, "unicode.noncharacter")
                for plane in range(0, 0xE0000, 0x10000)
            ),
            (0x110BD, 0x110BD, "invisible.format"),
            (0x110CD, 0x110CD, "invisible.format"),
            (0x13430, 0x1343F, "invisible.format"),
            (0x1BCA0, 0x1BCA3, "invisible.format"),
            (0x1D173, 0x1D17A, "invisible.format"),
            (0xE0000, 0xE007F, "invisible.tag-block"),
            (0xE0080, 0xE00FF, "invisible.format"),
            (0xE0100, 0xE01EF, "invisible.variation-selector"),
            (0xE01F0, 0xE0FFF, "invisible.format"),
            (0xEFFFE, 0xEFFFF, "unicode.noncharacter"),
            (0xF0000, 0xFFFFD, "unicode.private-use"),
            (0xFFFFE, 0xFFFFF, "unicode.noncharacter"),
            (0x100000, 0x10FFFD, "unicode.private-use"),
            (0x10FFFE, 0x10FFFF, "unicode.noncharacter"),
        )
    )
)
_STARTS = tuple(first for first, _, _ in _RANGES)

# Every kind normalize() can report, with how it is described; the order is the report order.
KINDS: dict[str, str] = {
    "invisible.tag-block": "Unicode tag character",
    "invisible.variation-selector": "variation selector",
    "invisible.bidi": "bidirectional control",
    "invisible.zero-width": "zero-width character",
    "invisible.filler": "invisible filler (soft hyphen, Hangul filler, ...)",
    "invisible.format": "other invisible format character",
    "control.c0": "C0 control character",
    "control.c1": "C1 control character",
    "unicode.surrogate": "lone surrogate",
    "unicode.noncharacter": "Unicode noncharacter",
    "unicode.private-use": "private-use character",
    "confusable.mixed-script": "word mixing look-alike scripts",
}

# Astral characters are all candidates (one range keeps the BMP part a fast lookup table); the
# ones outside _RANGES are ordinary and kept.
_SPECIAL_RE = re.compile(
    "["
    + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last, _ in _RANGES if last <= 0xFFFF)
    + "\\U00010000-\\U0010ffff]"
)
_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Scripts whose letters pass for each other (a small range table: the blocks that hold them).
_LOOKALIKES: dict[str, str] = {
    "Latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff\u2c60-\u2c7f"
    "\ua720-\ua7ff\uab30-\uab6f\uff21-\uff3a\uff41-\uff5a",
    "Greek": "\u0370-\u03ff\u1f00-\u1fff",
    "Cyrillic": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Armenian": "\u0531-\u058f\ufb13-\ufb17",
    "Cherokee": "\u13a0-\u13ff\uab70-\uabbf",
}
_LOOKALIKE_RES = {name: re.compile(f"[{chars}]") for name, chars in _LOOKALIKES.items()}
_NON_LATIN_LOOKALIKE_RE = re.compile(
    "[" + "".join(chars for name, chars in _LOOKALIKES.items() if name != "Latin") + "]"
)
# For each script, its look-alikes: found after one of its letters, they make a mix possible.
_OTHER_LOOKALIKE_RES = {
    name: re.compile(
        "[" + "".join(chars for other, chars in _LOOKALIKES.items() if other != name) + "]"
    )
    for name in _LOOKALIKES
}
_WORD_RE = re.compile(r"\w+")
_TAG_BASE = 0xE0000
_SHOWN_WORDS = 4
_DECODED_MAX = 4 * EVIDENCE_MAX
_SPELLING_KINDS = frozenset({"invisible.tag-block", "invisible.variation-selector"})
# Zero-width characters spell bytes eight at a time (two of them as bits), so more are kept for
# decoding: up to 1 KB of hidden text.
_ZERO_WIDTH_MAX = 8 * 1024
_ZERO_WIDTH_SHORTEST = 4 * 8  # four bytes' worth: fewer is no message
_KEPT = dict.fromkeys(_SPELLING_KINDS, _DECODED_MAX) | {"invisible.zero-width": _ZERO_WIDTH_MAX}


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text and what was removed (or noticed) on the way.

    ``hidden`` holds the texts invisible characters spelt, decoded (Unicode tag characters as
    ASCII, variation selectors as bytes, zero-width characters as bits), so that a detector can
    read what a reviewer could not see; only text that reads as text is kept."""

    text: str
    findings: tuple[GuardFinding, ...]
    hidden: tuple[str, ...] = ()


def kind_of(char: str) -> str | None:
    """The class :func:`normalize` puts ``char`` in, or ``None`` for an ordinary character."""
    code = ord(char)
    index = bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _RANGES[index][1]:
        return _RANGES[index][2]
    return None


def _action(kind: str, char: str) -> str:
    if kind == "unicode.private-use":
        return _KEEP
    if kind.startswith("control.") and char.isspace():
        return _SPACE
    return _REMOVE


@dataclass(slots=True)
class _Tally:
    """One class's count, first run and the details its evidence shows."""

    start: int
    end: int
    count: int = 0
    replaced: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    hidden: list[str] = field(default_factory=list)


def normalize(text: str) -> Normalized:
    """``text`` with invisible and control characters removed, then NFKC; each class reported."""
    if text.isascii():
        if _ASCII_CONTROL_RE.search(text) is None:
            return Normalized(text, ())
        stripped, tallies, _ = _strip(text)
        return Normalized(stripped, tuple(_report(tallies, {})))
    stripped, tallies, offsets = _strip(text)
    spelt = {kind: t for kind, tally in tallies.items() if (t := _spelt(kind, tally))}
    findings = _report(tallies, spelt)
    confusable = _mixed_script(stripped, offsets)
    if confusable is not None:
        findings.append(confusable)
    return Normalized(
        unicodedata.normalize("NFKC", stripped), tuple(findings), tuple(spelt.values())
    )


@dataclass(frozen=True, slots=True)
class _Offsets:
    """Maps an offset in the stripped text back to the original: (stripped, original) anchors."""

    stripped: list[int]
    original: list[int]

    def __call__(self, position: int) -> int:
        index = bisect_right(self.stripped, position) - 1
        return self.original[index] + position - self.stripped[index]


# A subdivision flag (England, Scotland, Wales: black flag, a lower-case region code in tag
# characters, cancel tag) is the one benign use of the tag block; kept whole. Its code is too
# short to smuggle an instruction, and anything longer or otherwise spelled is removed.
_FLAG_TAGS_RE = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f")


# Invisible characters that spelling needs where they stand, kept there (elsewhere removed and
# reported as usual): a joiner inside an emoji sequence (family, profession, skin tone), a lone
# presentation selector (a heart shown as emoji, a keycap), and the zero-width (non-)joiner
# between letters of the scripts whose orthography uses them (Arabic and Persian, Indic
# scripts, Myanmar, Khmer). A joiner between Latin, Cyrillic or Greek letters still goes: that is
# how a keyword is split to dodge a filter.
_ZWNJ, _ZWJ, _TEXT_STYLE, _EMOJI_STYLE = "\u200c", "\u200d", "\ufe0e", "\ufe0f"
_CONTEXTUAL = frozenset((_ZWNJ, _ZWJ, _TEXT_STYLE, _EMOJI_STYLE))
_JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x1000, 0x109F), (0x1780, 0x17FF),
                    (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))  # fmt: skip
_EMOJI = ((0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F000, 0x1FAFF))


def _within(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def _orthographic(text: str, position: int, char: str) -> bool:
    before = text[position - 1] if position else ""
    after = text[position + 1] if position + 1 < len(text) else ""
    if char in (_TEXT_STYLE, _EMOJI_STYLE):  # one selector after a visible character, not a run
        follows = after == _ZWJ or kind_of(after or "a") is None  # or an emoji sequence goes on
        return bool(before.strip()) and kind_of(before) is None and follows
    if not before or not after:
        return False
    if char == _ZWJ and _within(after, _EMOJI):
        return _within(before, _EMOJI) or before == _EMOJI_STYLE
    # letters on both sides: U+FEFF (a zero-width no-break space) lies in a presentation-forms
    # block, and "ig<FEFF><ZWNJ><FEFF>nore" must not keep the ZWNJ that splits the word
    return (
        _within(before, _JOINING_SCRIPTS)
        and _within(after, _JOINING_SCRIPTS)
        and kind_of(before) is None
        and kind_of(after) is None
    )


def _flag_spans(text: str) -> list[tuple[int, int]]:
    if "\U0001f3f4" not in text:
        return []
    return [match.span() for match in _FLAG_TAGS_RE.finditer(text)]


def _strip(text: str) -> tuple[str, dict[str, _Tally], _Offsets]:
    pieces: list[str] = []
    tallies: dict[str, _Tally] = {}
    anchors = _Offsets([0], [0])
    last = 0
    out_len = 0
    flags = _flag_spans(text)
    for match in _SPECIAL_RE.finditer(text):
        char = match.group()
        kind = kind_of(char)
        if kind is None:  # an ordinary astral character
            continue
        position = match.start()
        if flags and any(start < position < end for start, end in flags):
            continue  # a tag character of a subdivision flag
        if char in _CONTEXTUAL and _orthographic(text, position, char):
            continue
        tally = tallies.get(kind)
        if tally is None:
            tally = tallies[kind] = _Tally(position, position)
        if tally.end == position:
            tally.end = position + 1
        tally.count += 1
        tally.codes[ord(char)] += 1
        if len(tally.hidden) < _KEPT.get(kind, 0):
            tally.hidden.append(char)
        action = _action(kind, char)
        if action == _KEEP:
            continue
        pieces.append(text[last:position])
        out_len += position - last
        last = position + 1
        if action == _SPACE:
            tally.replaced += 1
            pieces.append(" ")
            out_len += 1
        else:
            anchors.stripped.append(out_len)
            anchors.original.append(last)
    if last == 0:
        return text, tallies, anchors
    pieces.append(text[last:])
    return "".join(pieces), tallies, anchors


def _report(tallies: dict[str, _Tally], spelt: dict[str, str]) -> list[GuardFinding]:
    """One finding per class; ``spelt``: the text each class spelt (:func:`_spelt`), by kind."""
    findings = []
    for kind, description in KINDS.items():
        tally = tallies.get(kind)
        if tally is None:
            continue
        plural = "s" if tally.count != 1 else ""
        if kind == "unicode.private-use":
            what = "kept"
        elif tally.replaced == tally.count:
            what = "replaced by spaces"
        elif tally.replaced:
            what = f"removed ({tally.replaced} replaced by spaces)"
        else:
            what = "removed"
        findings.append(
            GuardFinding(
                kind=kind,
                message=f"{tally.count} {description}{plural} {what}, "
                f"first at offset {tally.start}",
                evidence=_evidence(kind, tally, spelt.get(kind)),
                start=tally.start,
                end=tally.end,
            )
        )
    return findings


def _evidence(kind: str, tally: _Tally, spelt: str | None) -> str:
    """What the hidden characters say where they can spell something, else which they were."""
    if spelt and kind in ("invisible.tag-block", "invisible.zero-width"):
        return "hidden text: " + excerpt(spelt)
    if kind == "invisible.variation-selector" and not set(tally.codes) <= {0xFE0E, 0xFE0F}:
        return "hidden bytes: " + excerpt(decode_variation_selectors("".join(tally.hidden)))
    listed = ", ".join(f"U+{code:04X}x{count}" for code, count in tally.codes.most_common())
    return excerpt(listed, limit=EVIDENCE_MAX)


def _tag_text(tags: list[str]) -> str:
    return "".join(
        chr(ord(char) - _TAG_BASE) for char in tags if 0x20 <= ord(char) - _TAG_BASE < 0x7F
    )


def _spelt(kind: str, tally: _Tally) -> str | None:
    """The text a class of removed characters spelt, when it reads as text."""
    if kind == "invisible.tag-block":
        return _tag_text(tally.hidden) or None
    if kind == "invisible.variation-selector" and not set(tally.codes) <= {0xFE0E, 0xFE0F}:
        return reads_as_text(decode_variation_selectors("".join(tally.hidden)))
    if kind == "invisible.zero-width":
        return decode_zero_width("".join(tally.hidden))
    return None


def reads_as_text(text: str) -> str | None:
    """``text`` when it reads as text (nearly all printable, half of it letters), else None: the
    test that tells a decoded message from the noise a wrong decoding gives."""
    if not text:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    letters = sum(1 for c in text if c.isalpha())
    if printable < 0.9 * len(text) or letters < 0.5 * len(text.replace(" ", "")):
        return None
    return text


def decode_zero_width(chars: str) -> str | None:
    """The text a run of zero-width characters spells as bits, or None.

    The published schemes write each byte as eight characters, one of two zero-width characters
    for each bit (most significant first), sometimes with a third between the bytes. Each choice
    of which character is 0, and of which (if any) separates bytes, is tried; the first decoding
    that is UTF-8 and reads as text wins. A random or watermark pattern almost never does: eight
    printable bytes in a row from random bits have odds of about 1 in 3,000.
    """
    symbols = sorted(set(chars))
    if len(chars) < _ZERO_WIDTH_SHORTEST or not 2 <= len(symbols) <= 3:
        return None
    layouts: list[tuple[list[str], str, str]] = []  # (groups of bits, zero, one)
    if len(symbols) == 2:
        stream = [chars[i : i + 8] for i in range(0, len(chars) - len(chars) % 8, 8)]
        layouts += [(stream, symbols[0], symbols[1]), (stream, symbols[1], symbols[0])]
    else:
        for separator in symbols:
            groups = [g for g in chars.split(separator) if g]
            if not groups or any(len(g) != 8 for g in groups):
                continue
            zero, one = (c for c in symbols if c != separator)
            layouts += [(groups, zero, one), (groups, one, zero)]
    for groups, zero, one in layouts:
        table = str.maketrans({zero: "0", one: "1"})
        try:
            data = bytes(int(group.translate(table), 2) for group in groups)
            text = data.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if len(text) >= _ZERO_WIDTH_SHORTEST // 8 and reads_as_text(text):
            return text
    return None


def decode_variation_selectors(selectors: str) -> str:
    """The bytes a run of variation selectors encodes (VS1-16 = 0-15, VS17-256 = 16-255), as text.

    This is the published way to smuggle data after an emoji; decoding it shows a reviewer what
    was hidden. Characters other than VS1-VS256 are skipped.
    """
    data = bytearray()
    for char in selectors:
        code = ord(char)
        if 0xFE00 <= code <= 0xFE0F:
            data.append(code - 0xFE00)
        elif 0xE0100 <= code <= 0xE01EF:
            data.append(code - 0xE0100 + 16)
    return data.decode("utf-8", errors="replace")


@lru_cache(maxsize=32)
def _mixed_re(scripts: tuple[str, ...]) -> re.Pattern[str]:
    """A letter of one of ``scripts`` followed, in the same word, by a letter of another."""
    every = "".join(_LOOKALIKES[name] for name in scripts)
    return re.compile(
        "|".join(
            f"[{_LOOKALIKES[name]}][^\\W{every}]*"
            f"[{''.join(_LOOKALIKES[other] for other in scripts if other != name)}]"
            for name in scripts
        )
    )


def _mixed_script(stripped: str, offsets: _Offsets) -> GuardFinding | None:
    first = _NON_LATIN_LOOKALIKE_RE.search(stripped)
    if first is None:
        return None
    found = next(name for name, pattern in _LOOKALIKE_RES.items() if pattern.match(first.group()))
    if _OTHER_LOOKALIKE_RES[found].search(stripped) is None:
        return None
    present = tuple(name for name, pattern in _LOOKALIKE_RES.items() if pattern.search(stripped))
    if len(present) < 2:
        return None
    mixed = _mixed_re(present)
    words: list[tuple[int, int, str]] = []
    count = 0
    search_from = 0
    while (match := mixed.search(stripped, search_from)) is not None:
        word = _enclosing_word(stripped, match.start(), match.end())
        count += 1
        if len(words) < _SHOWN_WORDS:
            words.append(word)
        search_from = word[1]
    if not count:
        return None
    first_start, first_end, _ = words[0]
    shown = ", ".join(f"{stripped[start:end]} ({scripts})" for start, end, scripts in words)
    plural = "s" if count != 1 else ""
    return GuardFinding(
        kind="confusable.mixed-script",
        message=f"{count} word{plural} mixing look-alike scripts, first at offset "
        f"{offsets(first_start)}",
        evidence=excerpt(shown),
        start=offsets(first_start),
        end=offsets(first_end - 1) + 1,
    )


def _enclosing_word(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The word around text[start:end] and the look-alike scripts it mixes (``Latin+Cyrillic``)."""
    word_start = start
    while word_start > 0 and _WORD_RE.match(text, word_start - 1, word_start):
        word_start -= 1
    found = _WORD_RE.match(text, end)
    word_end = found.end() if found else end
    word = text[word_start:word_end]
    scripts = "+".join(name for name, pattern in _LOOKALIKE_RES.items() if pattern.search(word))
    return word_start, word_end, scripts


@lru_cache(maxsize=64)
def _script_pattern(name: str) -> regex.Pattern[str]:
    try:
        return regex.compile(f"\\p{{sc={name}}}")
    except regex.error as exc:
        raise UsageError(
            f"unknown Unicode script {name!r}", hint="use names such as Latin, Cyrillic, Han"
        ) from exc


# Scripts named in limit.script findings; a character in none of them is counted as "other".
_NAMED_SCRIPTS = (
    "Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Syriac", "Thaana", "Nko",
    "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada",
    "Malayalam", "Sinhala", "Thai", "Lao", "Tibetan", "Myanmar", "Georgian", "Hangul", "Ethiopic",
    "Cherokee", "Canadian_Aboriginal", "Ogham", "Runic", "Khmer", "Mongolian", "Hiragana",
    "Katakana", "Bopomofo", "Han", "Yi", "Tifinagh", "Braille", "Unknown",
)  # fmt: skip


@lru_cache(maxsize=4096)
def _script_name(char: str) -> str:
    for name in _NAMED_SCRIPTS:
        if _script_pattern(name).match(char):
            return name
    return "other"


@lru_cache(maxsize=64)
def _outside(scripts: frozenset[str]) -> tuple[regex.Pattern[str], bool]:
    """A pattern for one character outside ``scripts``, and whether all of ASCII is inside."""
    allowed = sorted(scripts | {"Common", "Inherited"})
    for name in allowed:
        _script_pattern(name)  # an unknown name is a usage error, not a silent non-match
    pattern = regex.compile("[^" + "".join(f"\\p{{sc={name}}}" for name in allowed) + "]")
    return pattern, pattern.search("".join(map(chr, range(128)))) is None


def check_limits(
    text: str, *, max_chars: int, scripts: frozenset[str] | None = None
) -> list[GuardFinding]:
    """Size and character-set limits: ``limit.max-chars``, ``limit.script`` (one per script).

    ``scripts`` names the Unicode scripts text may use (``Latin``, ``Cyrillic``, ``Han``...);
    ``Common`` (digits, punctuation) and ``Inherited`` (combining marks) are always allowed.
    ``None`` means no character-set limit.
    """
    if max_chars < 1:
        raise UsageError(f"max_chars must be at least 1, not {max_chars}")
    findings = []
    if len(text) > max_chars:
        findings.append(
            GuardFinding(
                kind="limit.max-chars",
                message=f"{len(text)} characters, over the limit of {max_chars}",
                start=max_chars,
                end=len(text),
            )
        )
    if scripts is None:
        return findings
    outside, ascii_allowed = _outside(scripts)
    if ascii_allowed and text.isascii():
        return findings
    tallies: dict[str, _Tally] = {}
    for match in outside.finditer(text):
        position = match.start()
        name = _script_name(match.group())
        tally = tallies.get(name)
        if tally is None:
            tally = tallies[name] = _Tally(position, position)
        if tally.end == position:
            tally.end = position + 1
        tally.count += 1
    allowed = ", ".join(sorted(scripts | {"Common", "Inherited"}))
    for name, tally in tallies.items():
        plural = "s" if tally.count != 1 else ""
        findings.append(
            GuardFinding(
                kind="limit.script",
                message=f"{tally.count} {name} character{plural} outside the allowed scripts "
                f"({allowed}), first at offset {tally.start}",
                evidence=excerpt(text, tally.start, tally.end),
                start=tally.start,
                end=tally.end,
            )
        )
    return findings
