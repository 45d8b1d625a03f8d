"""Personal data in model output: e-mail addresses, phone numbers, payment cards, IBANs and
national identity numbers.

Speed comes from never running the detailed patterns over the whole text. Three cheap scans find
where personal data can be: ``@`` (``str.find``), runs of digits and separators, and two upper-case
letters before digits (patterns that start with a character class and have no look-behind run at
about 200 MB/s in :mod:`re`). Only a small window around each is tried against the detailed
patterns, and each candidate must pass its format's check digits (Luhn, mod-97, mod-11, Verhoeff,
check letters) and, for dates of birth inside ids, be a real date.

Identifiers whose check catches only about one random number in ten (the Dutch BSN, Polish PESEL,
Indian Aadhaar, and a Brazilian CPF written without its dots) are redacted only after a word that
names them; US Social Security numbers have no check digit and are recognised only in their
written ``AAA-GG-SSSS`` form with the SSA's rules; phone numbers only with an international ``+``
or a national layout (``(415) 555-0132``, ``020 7946 0958``, ``01 23 45 67 89``), so dates,
versions and plain counts are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from re import _parser as sre_parse
from typing import Any

from botwarden.guards.output import checksums

Check = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class PiiMatch:
    start: int
    end: int
    kind: str  # "email", "phone", "card", "iban", "us-ssn", ...


# How a datum must end: not before more of a word, number or path (``_E``), or of a word
_E = r"(?![\w\-/]|\.\d)"
_WORD_END = r"(?![\w\-])"


@dataclass(frozen=True, slots=True)
class _Detector:
    kind: str
    pattern: re.Pattern[str]
    check: Check
    context: re.Pattern[str] | None = None  # a word that must come shortly before
    digits: int = field(init=False)  # the fewest ASCII digits a match holds
    run: int = field(init=False)  # the longest run of digits every match holds, at least
    tail: re.Pattern[str] | None = field(init=False)  # the pattern's closing look-ahead, if any

    def __post_init__(self) -> None:
        parsed = sre_parse.parse(self.pattern.pattern, self.pattern.flags)
        object.__setattr__(self, "digits", _least_digits(list(parsed)))
        object.__setattr__(self, "run", _least_run(list(parsed)))
        tail = next((t for t in (_E, _WORD_END) if self.pattern.pattern.endswith(t)), None)
        object.__setattr__(self, "tail", None if tail is None else re.compile(tail))

    def accepts(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]``, which the pattern matches, passes the format's checks."""
        if not self.check(text[start:end]):
            return False
        if self.context is None:
            return True
        return self.context.search(text[max(0, start - _CONTEXT_REACH) : start]) is not None


_ASCII_DIGITS = range(ord("0"), ord("9") + 1)


def _least_digits(items: list[tuple[Any, Any]]) -> int:
    """The fewest ASCII digits any match of the parsed pattern holds (0 for what it cannot
    count, so the figure is never too high: a window with fewer digits cannot hold a match)."""
    total = 0
    for op, av in items:
        if op is sre_parse.LITERAL:
            total += av in _ASCII_DIGITS
        elif op is sre_parse.IN:
            total += all(_digit_item(o, a) for o, a in av)
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            total += av[0] * _least_digits(list(av[2]))
        elif op is sre_parse.SUBPATTERN:
            total += _least_digits(list(av[3]))
        elif op is sre_parse.BRANCH:
            total += min(_least_digits(list(alt)) for alt in av[1])
    return total


def _least_run(items: list[tuple[Any, Any]]) -> int:
    """A run of consecutive ASCII digits that every match of the parsed pattern holds: the
    longest stretch of single digits and repeated single digits (``[0-9]{6}``, ``[0-9]{1,4}``
    adds its least count: what it writes are digits too). Anything else ends a stretch, so the
    figure is never too high: a window whose longest run of digits is shorter holds no match."""
    best = current = 0
    for op, av in items:
        if _digit_only(op, av):
            current += 1
        elif (
            op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
            and len(av[2]) == 1
            and _digit_only(*av[2][0])
        ):
            current += av[0]
        else:
            best, current = max(best, current), 0
    return max(best, current)


def _digit_only(op: Any, av: Any) -> bool:
    return (op is sre_parse.LITERAL and av in _ASCII_DIGITS) or (
        op is sre_parse.IN and all(_digit_item(o, a) for o, a in av)
    )


def _digit_item(op: Any, av: Any) -> bool:
    if op is sre_parse.LITERAL:
        return av in _ASCII_DIGITS
    return op is sre_parse.RANGE and av[0] in _ASCII_DIGITS and av[1] in _ASCII_DIGITS


def _digits(text: str) -> str:
    """The digits of a match (the patterns admit ASCII digits only)."""
    return _NON_DIGIT.sub("", text)


def _card(text: str) -> bool:
    digits = _digits(text)
    if not 13 <= len(digits) <= 19 or not checksums.luhn(digits):
        return False
    return any(len(digits) in _IIN_SIZES.get(digits[:length], ()) for length in (1, 2, 3, 4))


def _iin_range(first: int, last: int, sizes: tuple[int, ...]) -> list[tuple[str, tuple[int, ...]]]:
    return [(str(prefix), sizes) for prefix in range(first, last + 1)]


_IINS: list[tuple[str, tuple[int, ...]]] = [
    ("4", (13, 16, 19)),  # Visa
    *_iin_range(51, 55, (16,)), *_iin_range(2221, 2720, (16,)),  # Mastercard
    ("34", (15,)), ("37", (15,)),  # American Express
    ("6011", (16, 19)), ("65", (16, 19)), *_iin_range(644, 649, (16, 19)),  # Discover
    *_iin_range(300, 305, (14, 16, 19)), ("36", (14, 16, 19)), ("38", (14, 16, 19)),  # Diners
    *_iin_range(3528, 3589, (16, 17, 18, 19)),  # JCB
    ("62", (16, 17, 18, 19)),  # UnionPay
    ("50", (12, 13, 16, 19)), *_iin_range(56, 58, (12, 13, 16, 19)),  # Maestro
]  # fmt: skip


def _sizes_by_prefix(iins: list[tuple[str, tuple[int, ...]]]) -> dict[str, frozenset[int]]:
    table: dict[str, frozenset[int]] = {}
    for prefix, sizes in iins:
        table[prefix] = table.get(prefix, frozenset()) | frozenset(sizes)
    return table


_IIN_SIZES = _sizes_by_prefix(_IINS)  # a card number's first 1 to 4 digits -> its lengths


def _phone(text: str) -> bool:
    count = len(_digits(text))
    return 8 <= count <= 15 if text.startswith("+") else 9 <= count <= 12


def _ssn(text: str) -> bool:
    area, group, serial = text.split("-")
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def _dni(text: str) -> bool:
    return checksums.dni_letter(int(text[:8])) == text[-1]


def _nie(text: str) -> bool:
    compact = text.replace("-", "")
    return checksums.dni_letter(int(str("XYZ".index(compact[0])) + compact[1:8])) == compact[-1]


def _iban(text: str) -> bool:
    return checksums.iban(text.replace(" ", ""))


def _nino(text: str) -> bool:
    return text[:2] not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _compact(check: Check) -> Check:
    return lambda text: check(re.sub(r"[ .\-]", "", text))


_B = r"(?<![\w.\-/+])"  # not inside a longer word, number, version or path
_NUMERIC = (
    _Detector("card", re.compile(_B + r"[0-9](?:[ \-]?[0-9]){11,18}" + _E), _card),
    _Detector("fr-nir", re.compile(
        _B + r"[12] ?[0-9]{2} ?(?:0[1-9]|1[0-2]|[2-9][0-9]) ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?"
        r"[0-9]{3} ?[0-9]{2}" + _E), _compact(checksums.nir)),
    _Detector("cn-resident-id", re.compile(
        _B + r"[1-9][0-9]{5}(?:18|19|20)[0-9]{9}[0-9Xx]" + _E), checksums.chinese_id),
    _Detector("us-ssn", re.compile(_B + r"[0-9]{3}-[0-9]{2}-[0-9]{4}" + _E), _ssn),
    _Detector("br-cpf", re.compile(_B + r"[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}" + _E),
              _compact(checksums.cpf)),
    _Detector("br-cpf", re.compile(_B + r"[0-9]{11}" + _E), checksums.cpf,
              re.compile(r"\bcpf\b", re.IGNORECASE)),
    _Detector("se-personnummer", re.compile(_B + r"(?:[0-9]{2})?[0-9]{6}[\-+][0-9]{4}" + _E),
              lambda t: checksums.personnummer(_digits(t)[-10:])),
    _Detector("fi-hetu", re.compile(_B + r"[0-9]{6}[\-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y]" + _E),
              checksums.hetu),
    _Detector("es-dni", re.compile(_B + r"[0-9]{8}-?[A-HJ-NP-TV-Z]" + _E),
              lambda t: _dni(t.replace("-", ""))),
    _Detector("nl-bsn", re.compile(_B + r"[0-9]{4}\.?[0-9]{2}\.?[0-9]{3}" + _E),
              _compact(checksums.eleven_proof),
              re.compile(r"\b(?:bsn|burgerservicenummer|sofi-?nummer)\b", re.IGNORECASE)),
    _Detector("pl-pesel", re.compile(_B + r"[0-9]{11}" + _E), checksums.pesel,
              re.compile(r"\bpesel\b", re.IGNORECASE)),
    _Detector("in-aadhaar", re.compile(_B + r"[2-9][0-9]{3} ?[0-9]{4} ?[0-9]{4}" + _E),
              _compact(checksums.verhoeff),
              re.compile(r"\b(?:aadhaa?r|uidai)\b|\u0906\u0927\u093e\u0930", re.IGNORECASE)),
    _Detector("phone", re.compile(
        r"(?<![\w.\-/])\+[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]{1,4}\)?)(?:[ .\-]?[0-9]{2,5}){1,5}"
        + _E), _phone),
    _Detector("phone", re.compile(
        _B + r"(?:1[ .\-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .\-])[2-9][0-9]{2}[ .\-][0-9]{4}"
        + _E), _phone),
    _Detector("phone", re.compile(
        _B + r"(?:\(0[1-9][0-9]{1,3}\) ?|0[1-9][0-9]{1,3}[ \-])[0-9]{3,4}[ \-]?[0-9]{3,4}" + _E),
        _phone),
    _Detector("phone", re.compile(_B + r"0[1-9](?:[ .\-][0-9]{2}){4}" + _E), _phone),
    _Detector("phone", re.compile(_B + r"0[1-9][0-9]{1,4}[ /\-][0-9]{4,8}" + _E), _phone),
)  # fmt: skip
_LETTERED = (
    _Detector("iban", re.compile(r"(?<![\w\-])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}"), _iban),
    _Detector("uk-nino", re.compile(
        r"(?<![\w\-])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]"
        r"(?![\w\-])"), _nino),
    _Detector("it-codice-fiscale", re.compile(
        r"(?<![\w\-])[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]"
        r"(?![\w\-])"), checksums.codice_fiscale),
    _Detector("es-nie", re.compile(r"(?<![\w\-])[XYZ]-?[0-9]{7}-?[A-HJ-NP-TV-Z](?![\w\-])"), _nie),
)  # fmt: skip
# Where personal data can start. Both scans run over the text's class codes (below), where each
# opens with a literal ('0', 'A'): ``re`` finds a literal with a tight loop, where a character
# class at the start is tested at every position, about five times slower.
_NUMBER_RUN = re.compile(r"[+(0-9](?:(?<=[+(])[0-9]|(?<=[0-9]))[0-9 .\-/()+A-FU-Y]{6,}[0-9A-Z]")
_LETTERS_THEN_DIGITS = re.compile(r"[A-Z](?:[A-Z][ \-]?[0-9]{2}|(?<=[XYZ])-?[0-9]{7})")


def _class_codes() -> bytes:
    """The table that writes the scans' text as one byte per character (after
    ``text.encode("ascii", "replace")``, which writes one '?' per other character, so offsets
    hold): an ASCII digit as '0', a capital as 'A', the separators a number run may hold as
    themselves, anything else as '_'."""
    table = bytearray(b"_" * 256)
    for char in "0123456789":
        table[ord(char)] = ord("0")
    for char in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(char)] = ord("A")
    for char in " .-/()+":
        table[ord(char)] = ord(char)
    return bytes(table)


_CODES = _class_codes()
# A window holds a run of n digits when its codes hold this for n (n = 0: every window does)
_DIGITS_IN_A_ROW = [b"0" * n for n in range(max(d.run for d in (*_NUMERIC, *_LETTERED)) + 1)]
# Every character of a number run is one of these (a capital outside A-F and U-Y too: a superset),
# and its first digit has 7 more after it: so it lies in one stretch of them, from the stretch's
# first digit (or the '+' or '(' just before it) to the stretch's end. Each such stretch:
_RUN_STRETCH = re.compile(rb"0[0 .\-/()+A]{7,}")
# The lettered scan with every capital as 'A' (X, Y and Z too): it starts wherever the real one
# does; where the real one does not, what it stepped over holds no capital, so no start is lost.
_LETTERED_CODES = re.compile(rb"A(?:A[ \-]?00|-?0000000)")
# An address is found from its '@': the local part read backwards (at most 64 characters, never
# into the address before it), the domain matched forwards. Searching for the whole pattern from
# some way before each '@' instead segmented chained addresses ("a@b.coa@b.co...") differently
# at each '@' and missed every third one, so a second pass found more: not idempotent.
_LOCAL_TAIL = re.compile(r"[A-Za-z0-9._%+\-]+$")  # searched with endpos at the '@'
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}(?![\w\-])"
)
_NON_DIGIT = re.compile(r"[^0-9]+")
_CONTEXT_REACH = 40  # characters before a weak id in which its name must appear
_LAST_OF_WORD = re.compile(r"[^\W_](?![^\W_])")  # a letter or digit (str.isalnum) ending a word
_WINDOW = 48  # characters around a lettered hit in which an IBAN or fiscal code can lie


def find_pii(text: str) -> list[PiiMatch]:
    """Every personal datum in ``text``; may overlap (the caller keeps one per stretch)."""
    found: list[PiiMatch] = []
    if "@" in text:
        found.extend(_emails(text))
    codes = text.encode("ascii", "replace").translate(_CODES)
    if b"0" not in codes:  # every number run and lettered hit holds a digit
        return found
    for start, end in _number_runs(text, codes):
        found.extend(_detect(text, codes, _NUMERIC, max(0, start - 1), end + 1))
    for start in _lettered_starts(text, codes):
        found.extend(_detect(text, codes, _LETTERED, max(0, start - 8), start + _WINDOW))
    return found


def _number_runs(text: str, codes: bytes) -> Iterator[tuple[int, int]]:
    """The spans ``_NUMBER_RUN.finditer(text)`` yields: a run cannot leave its stretch (see
    ``_RUN_STRETCH``), so searching each stretch alone finds the same runs."""
    for stretch in _RUN_STRETCH.finditer(codes):
        for run in _NUMBER_RUN.finditer(text, max(0, stretch.start() - 1), stretch.end()):
            yield run.span()


def _lettered_starts(text: str, codes: bytes) -> Iterator[int]:
    """Where the matches of ``_LETTERS_THEN_DIGITS.finditer(text)`` start."""
    for hit in _LETTERED_CODES.finditer(codes):
        if _LETTERS_THEN_DIGITS.match(text, hit.start()) is not None:
            yield hit.start()


def _emails(text: str) -> Iterator[PiiMatch]:
    floor = 0  # where the last address ended: the next local part starts at or after it
    at = text.find("@")
    while at != -1:
        local = _LOCAL_TAIL.search(text, max(floor, at - 64), at)
        domain = _DOMAIN.match(text, at + 1, at + 256) if local is not None else None
        if local is not None and domain is not None:
            yield PiiMatch(local.start(), domain.end(), "email")
            floor = domain.end()
            at = text.find("@", floor)
        else:
            at = text.find("@", at + 1)


def _accepted_end(detector: _Detector, text: str, start: int, end: int) -> int | None:
    """Where the longest match of ``detector`` from ``start`` that passes its checks ends, or
    None. ``end`` is where the pattern's match ends in the window: the longest, but its closing
    look-ahead saw the window's end as the text's end, so it is checked again on the whole text.
    When it fails, a shorter match may not: a card number followed by its security code
    (``4111 1111 1111 1111 123``) matches as one 19-digit number that fails the Luhn check, but
    its first 16 digits are the card. Every match ends with a letter or digit (a test checks it),
    and is not cut inside a word."""
    tail, pattern = detector.tail, detector.pattern
    if (tail is None or tail.match(text, end) is not None) and detector.accepts(text, start, end):
        return end
    word_ends = [m.end() for m in _LAST_OF_WORD.finditer(text, start, end)]
    for stop in reversed(word_ends):
        if stop >= end:
            continue  # the longest match, judged above
        if (
            (tail is None or tail.match(text, stop) is not None)
            and pattern.fullmatch(text, start, stop) is not None
            and detector.accepts(text, start, stop)
        ):
            return stop
    return None


def _detect(
    text: str, codes: bytes, detectors: tuple[_Detector, ...], start: int, end: int
) -> list[PiiMatch]:
    window = codes[start:end]
    digits = window.count(b"0")
    found = []
    for detector in detectors:
        if detector.digits > digits or _DIGITS_IN_A_ROW[detector.run] not in window:
            continue  # too few digits here for this format, or not enough of them in a row
        pattern, pos = detector.pattern, start
        while (match := pattern.search(text, pos, end)) is not None:
            at = match.start()
            stop = _accepted_end(detector, text, at, match.end())
            if stop is None:  # nothing from here passes: a datum may still start inside
                pos = at + 1
                continue
            found.append(PiiMatch(at, stop, detector.kind))
            pos = stop
    return found
