"""Structure checks that a regular expression cannot make: checksums, decodings, plausibility.

Each takes the matched secret and answers whether it has the issuer's structure; they never
raise on odd input (a scanner meets every kind of text) and never look anything up.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import string
import zlib

from botwarden.secrets.rule import shannon_entropy

_BASE62 = (
    string.digits + string.ascii_uppercase + string.ascii_lowercase,
    string.digits + string.ascii_lowercase + string.ascii_uppercase,
)


def _base62(number: int, alphabet: str) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = alphabet[rest] + digits
    return digits.rjust(6, "0")


def crc32_base62(token: str) -> bool:
    """GitHub's and npm's token formats: the last 6 characters are the CRC32 of the 30 before.

    https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ documents a
    32-bit checksum in base62 without the digit order, so both base62 orders are accepted.
    """
    body = token.rpartition("_")[2]
    if len(body) != 36:
        return False
    random, check = body[:30], body[30:]
    crc = zlib.crc32(random.encode())
    return any(_base62(crc, alphabet) == check for alphabet in _BASE62)


def _b64url_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, RecursionError):
        return None


def jwt(token: str) -> bool:
    """A JWS: a base64url JSON header with ``alg``, a JSON payload and a signature part."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    header = _b64url_json(parts[0])
    payload = _b64url_json(parts[1])
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


def basic_auth(value: str) -> bool:
    """``Authorization: Basic`` carries base64 of ``user:password`` with a real password."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep and user and decoded.isprintable() and plausible_password(password))


_PEM_LINE = re.compile(r"^[A-Za-z0-9+/=]{16,}$")


def pem_body(block: str) -> bool:
    """A PEM or PuTTY block holds real key material: enough varied base64, not ``...``."""
    text = block.replace("\\n", "\n").replace("\\r", "")
    lines = [line.strip() for line in text.splitlines()]
    material = "".join(line for line in lines if _PEM_LINE.match(line))
    return len(material) >= 64 and shannon_entropy(material) >= 4.5


# Values that are not secrets even where a secret is expected: placeholders, templates and
# references to where the real value lives.
_PLACEHOLDER = re.compile(
    r"(?i)(?:^[<{\[(%$@*]|[>}\])]$|\$\{|\{\{|%\(|<[a-z_-]+>|xxxx|\*\*\*|\.\.\.|your[_-]?|"
    r"example|placeholder|changeme|change[_-]me|redacted|dummy|sample|replace|insert|"
    r"^(?:none|null|nil|true|false|undefined|empty|secret|password|token|string|required)$|"
    r"getenv|environ|process\.env|os\.|secrets\.|vault:|aws-sm:|env:|file:|local:|"
    r"^!|\(\)$)"
)
_WEAK = frozenset(
    {
        "123456",
        "12345678",
        "123456789",
        "1234567890",
        "abc123",
        "admin",
        "administrator",
        "bar",
        "baz",
        "changeme",
        "default",
        "foo",
        "foobar",
        "guest",
        "hunter2",
        "iloveyou",
        "letmein",
        "master",
        "mongo",
        "mysecret",
        "mysql",
        "notasecret",
        "oracle",
        "pass",
        "passw0rd",
        "passwd",
        "password",
        "postgres",
        "qwerty",
        "rabbitmq",
        "redis",
        "root",
        "s3cret",
        "sa",
        "secret",
        "supersecret",
        "test",
        "testing",
        "toor",
        "topsecret",
        "user",
        "username",
        "welcome",
    }
)
_LEET = str.maketrans("0134578@$", "oieastbas")


def placeholder(value: str) -> bool:
    """``YOUR_API_KEY``, ``<token>``, ``${VAR}``, ``xxxx``, ``changeme``, ``os.environ[...]``."""
    if _PLACEHOLDER.search(value):
        return True
    folded = re.sub(r"[^a-z0-9]", "", value.lower().translate(_LEET))
    return folded in _WEAK or len(set(value)) <= 2


def _classes(value: str) -> int:
    kinds = (str.islower, str.isupper, str.isdigit)
    found = sum(any(test(c) for c in value) for test in kinds)
    return found + any(not c.isalnum() for c in value)


def plausible_password(value: str) -> bool:
    """A value that reads as a password someone chose or generated, not a word or a reference.

    Per-charset thresholds: a hex value (a generated key) needs 16+ characters and 3.0 bits per
    character; a base62/base64 value of 20+ characters needs 3.5; anything shorter needs three
    kinds of character (lower, upper, digit, symbol) and most of the entropy its length allows.
    """
    if not value or placeholder(value):
        return False
    size = len(value)
    entropy = shannon_entropy(value)
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return size >= 16 and entropy >= 3.0 and not value.isdigit()
    if size >= 20 and re.fullmatch(r"[A-Za-z0-9+/=_.~-]+", value):
        return entropy >= 3.5 and _classes(value) >= 2
    if size < 8:
        return False
    return _classes(value) >= 3 and entropy >= 0.8 * math.log2(size)


def webhook_url(url: str) -> bool:
    """A webhook URL whose ids and token are real, not ``T00000000/Bxxxxxxx/XXXXXXXX``."""
    return not placeholder(url) and "00000000" not in url


def url_password(value: str) -> bool:
    """The password of ``scheme://user:password@host``: anything but a placeholder or a default.

    Connection strings hold chosen passwords (often short and wordy), so no entropy floor: only
    templates, ``*`` masks and the well-known defaults (``postgres``, ``guest``, ...) are refused.
    """
    return len(value) >= 3 and not placeholder(value) and not value.startswith("%")


__all__ = [
    "basic_auth",
    "crc32_base62",
    "jwt",
    "pem_body",
    "placeholder",
    "plausible_password",
    "url_password",
    "webhook_url",
]
