"""Check digits of the identifiers :mod:`.pii` redacts: a random run of digits rarely passes,
so numbers that merely look like an id (order numbers, timestamps) are left alone."""

from __future__ import annotations

import datetime

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CF_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
           24, 23)  # fmt: skip
_CF_OMOCODE = str.maketrans("LMNPQRSTUV", "0123456789")
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def verhoeff(digits: str) -> bool:
    check = 0
    for index, char in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[index % 8][int(char)]]
    return check == 0


def iban(compact: str) -> bool:
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def dni_letter(number: int) -> str:
    return _DNI_LETTERS[number % 23]


def eleven_proof(digits: str) -> bool:
    """The Dutch BSN: 9x1 + 8x2 + ... + 2x8 - 1x9 is a multiple of 11."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0 and \
        digits != "000000000"  # fmt: skip


def cpf(digits: str) -> bool:
    if len(set(digits)) == 1:
        return False
    for size in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits[:size], range(size + 1, 1, -1), strict=True))
        if (total * 10 % 11) % 10 != int(digits[size]):
            return False
    return True


def pesel(digits: str) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(w * int(d) for w, d in zip(weights, digits, strict=False))
    if (10 - total % 10) % 10 != int(digits[10]):
        return False
    month = int(digits[2:4])
    century = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}.get((month - 1) // 20 * 20)
    if century is None:
        return False
    return is_date(century + int(digits[:2]), (month - 1) % 20 + 1, int(digits[4:6]))


def personnummer(digits: str) -> bool:
    """Swedish personal (or co-ordination, day + 60) number, 10 digits YYMMDDNNNC."""
    day = int(digits[4:6])
    day = day - 60 if day > 60 else day
    return luhn(digits) and is_date(2000, int(digits[2:4]), day)


def hetu(text: str) -> bool:
    """Finnish personal identity code DDMMYYCNNNQ."""
    century = {"+": 1800, "-": 1900, "A": 2000}.get(text[6], 1900 if text[6] in "UVWXY" else 2000)
    if not is_date(century + int(text[4:6]), int(text[2:4]), int(text[:2])):
        return False
    return _HETU_CHECK[int(text[:6] + text[7:10]) % 31] == text[10]


def codice_fiscale(code: str) -> bool:
    total = 0
    for index, char in enumerate(code[:15]):
        value = int(char) if char.isdigit() else ord(char) - ord("A")
        total += _CF_ODD[value] if index % 2 == 0 else value
    if chr(ord("A") + total % 26) != code[15]:
        return False
    month = "ABCDEHLMPRST".find(code[8])
    day = int(code[9:11].translate(_CF_OMOCODE))
    return is_date(2000, month + 1, day - 40 if day > 40 else day)


def chinese_id(code: str) -> bool:
    if not is_date(int(code[6:10]), int(code[10:12]), int(code[12:14])):
        return False
    total = sum(w * int(d) for w, d in zip(_CN_WEIGHTS, code[:17], strict=True))
    return "10X98765432"[total % 11] == code[17].upper()


def nir(compact: str) -> bool:
    """French social security number: 13 characters (Corsica: 2A, 2B) and a 2-digit key."""
    body = compact[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(compact[13:])


def is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
