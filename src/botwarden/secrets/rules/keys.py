"""Private keys: PEM blocks (PKCS#1, SEC1, PKCS#8, encrypted), OpenSSH, PuTTY, PGP, age, WireGuard.

A PEM rule takes the whole block, ``BEGIN`` to ``END``, also when it sits in a JSON string with
``\\n`` escapes; ``pem_body`` then asks for real key material so that a documentation stub
(``-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----``) is not reported.
"""

from __future__ import annotations

import re

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules._build import prefixed
from botwarden.secrets.rules.validators import pem_body

_T = ("private-key",)
_C = Severity.CRITICAL
_RFC7468 = "https://www.rfc-editor.org/rfc/rfc7468"
# base64 lines, PEM headers (Proc-Type: 4,ENCRYPTED / DEK-Info: AES-128-CBC,HEX), real or
# escaped line breaks
_PEM = r"[A-Za-z0-9+/=\s:,\\-]{64,16000}?"


def _pem(rid: str, name: str, label: str, reference: str = _RFC7468) -> SecretRule:
    return prefixed(
        rid,
        name,
        f"-----BEGIN {label}-----{_PEM}-----END {label}-----",
        keywords=(f"begin {label.lower()}",),
        tags=_T,
        severity=_C,
        validate=pem_body,
        entropy=None,
        left="",
        right="",
        reference=reference,
    )


RULES = (
    _pem(
        "private-key-rsa",
        "RSA private key (PKCS#1 PEM)",
        "RSA PRIVATE KEY",
        "https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2",
    ),
    _pem(
        "private-key-ec",
        "EC private key (SEC1 PEM)",
        "EC PRIVATE KEY",
        "https://www.rfc-editor.org/rfc/rfc5915",
    ),
    _pem("private-key-dsa", "DSA private key (PEM)", "DSA PRIVATE KEY"),
    _pem(
        "private-key-openssh",
        "OpenSSH private key",
        "OPENSSH PRIVATE KEY",
        "https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key",
    ),
    _pem(
        "private-key-pkcs8",
        "Private key (PKCS#8 PEM)",
        "PRIVATE KEY",
        "https://www.rfc-editor.org/rfc/rfc5208",
    ),
    _pem(
        "private-key-pkcs8-encrypted",
        "Encrypted private key (PKCS#8 PEM)",
        "ENCRYPTED PRIVATE KEY",
        "https://www.rfc-editor.org/rfc/rfc5958",
    ),
    _pem(
        "private-key-pgp",
        "PGP private key block",
        "PGP PRIVATE KEY BLOCK",
        "https://www.rfc-editor.org/rfc/rfc9580#name-forming-ascii-armor",
    ),
    _pem(
        "private-key-ssh2-encrypted",
        "SSH.com (SSH2) encrypted private key",
        "SSH2 ENCRYPTED PRIVATE KEY",
        "https://www.rfc-editor.org/rfc/rfc4716",
    ),
    prefixed(
        "private-key-putty",
        "PuTTY private key (PPK)",
        r"PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\r?\n[^\n]{0,200}\n(?:[^\n]{0,200}\n){0,40}?"
        r"Private-Lines: \d{1,3}\r?\n[A-Za-z0-9+/=\r\n]{40,8000}",
        keywords=("putty-user-key-file",),
        tags=_T,
        severity=_C,
        validate=pem_body,
        entropy=None,
        left="",
        right="",
        reference="https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",
    ),
    prefixed(
        "age-secret-key",
        "age secret key",
        "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        keywords=("age-secret-key-1",),
        tags=_T,
        severity=_C,
        entropy=3.5,
        reference="https://github.com/C2SP/C2SP/blob/main/age.md",
    ),
    SecretRule(
        id="wireguard-private-key",
        name="WireGuard private key",
        keywords=("privatekey",),
        pattern=re.compile(
            r"(?i:PrivateKey)\s{0,4}=\s{0,4}(?P<secret>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=)"
            r"(?![A-Za-z0-9+/=])"
        ),
        severity=_C,
        entropy=3.5,
        reference="https://www.wireguard.com/quickstart/",
        tags=_T,
    ),
    prefixed(
        "minisign-secret-key",
        "minisign secret key",
        r"untrusted comment: minisign encrypted secret key\r?\n"
        r"RWRTY0Iy[A-Za-z0-9+/]{150,200}={0,2}",
        keywords=("minisign encrypted secret key",),
        tags=_T,
        severity=_C,
        entropy=None,
        validate=pem_body,
        left="",
        right="",
        reference="https://jedisct1.github.io/minisign/",
    ),
)
