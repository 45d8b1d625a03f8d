# ruff: noqa: RUF003 - look-alike letters are what the module maps
"""Canonical text for matching: one character out for each character in, so offsets survive.

Patterns and the model read the canonical form, evidence is cut from the text the caller gave
(after normalisation) at the same offsets. Keeping the length fixed is what makes that free:
lower-casing, accent folding, leetspeak undoing and punctuation-to-space are all one-for-one
maps. Accents are folded (é to e) because attackers and careless typists both drop them, so
"regles de securite" and "règles de sécurité" must read the same.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# Digits and symbols that stand for letters in leetspeak. Only mapped next to a letter, so
# "2024" and "$5" stay numbers while "1gn0r3" and "pr0mpt" become words.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "i"}
)
# A run of them after a letter, or before one. The run's first character comes first and the
# look-behind after it: ``re`` then skips to the next digit or symbol instead of trying the
# look-behind at every position (six times faster on prose; the same matches).
_LEET_RUN = re.compile(r"[013457@$|](?:(?<=[^\W\d_].)[013457@$|]*|[013457@$|]*(?=[^\W\d_]))")


def _marks() -> str:
    """Combining marks as a character-class body: ``re``'s ``\\w`` leaves them out, and the
    vowel signs of Devanagari, Bengali or Thai are marks, so words of those scripts fell apart
    into letters at every vowel ("निर्देश" read as "न र द श")."""
    ranges: list[tuple[int, int]] = []
    blocks = (range(0x300, 0x1E00), range(0x20D0, 0x2100), range(0x302A, 0x309B),
              range(0xFE20, 0xFE30))  # fmt: skip
    for point in itertools.chain(*blocks):
        if unicodedata.category(chr(point))[0] != "M":
            continue
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_NOT_WORD = re.compile(f"[^\\w{_marks()}]|_")
# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables), lower case: in a word
# that also holds Latin letters they are read as those ("Dіsrеgаrd уоur" with Cyrillic і, е, а,
# у, о). A word of one script is left as it is, so Russian and Greek stay Russian and Greek.
_LOOK_ALIKES = "аеорсухіјѕԁһӏԛԝүοανικρτυεχ"
_CONFUSABLE = str.maketrans(dict(zip(_LOOK_ALIKES, "aeopcyxijsdhlqwyoavikptuex", strict=True)))
_CONFUSABLE_CHAR = re.compile(f"[{_LOOK_ALIKES}]")
_MIXED_WORD = re.compile(
    rf"[^\W\d_]*(?:[a-z][^\W\d_]*[{_LOOK_ALIKES}]|[{_LOOK_ALIKES}][^\W\d_]*[a-z])[^\W\d_]*"
)
_ASCII_NOT_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def _base(char: str) -> str:
    first = unicodedata.normalize("NFD", char)[0]
    return first if first.isascii() and first.isalpha() else char


# Latin letters with diacritics (Latin-1 Supplement and Latin Extended-A/B) to their base letter.
_FOLD = str.maketrans({c: b for c in map(chr, range(0xC0, 0x250)) if (b := _base(c)) != c})


def fold(text: str) -> str:
    """Accents off, one character for one; patterns are written and compiled through it too."""
    return text.translate(_FOLD)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (such as U+0130) grow when lower-cased: keep those as they are.
    return "".join(low_c if len(low_c := c.lower()) == 1 else c for c in text)


def canonical(text: str) -> str:
    """Lower-case, leetspeak undone, Cyrillic and Greek look-alikes inside Latin words read as
    Latin, every non-word character (combining marks are word characters) a space; same length
    as ``text``."""
    low = fold(_lower(text))
    low = _LEET_RUN.sub(lambda m: m.group().translate(_LEET), low)
    if low.isascii():
        return low.translate(_ASCII_NOT_WORD)
    if _CONFUSABLE_CHAR.search(low):
        low = _MIXED_WORD.sub(lambda m: m.group().translate(_CONFUSABLE), low)
    return _NOT_WORD.sub(" ", low)
