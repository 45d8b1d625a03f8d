"""Text clean-up shared by the report formats.

Finding text comes from audited files, which the attacker may control. Two things in it can break a
report without being markup: lone surrogates (from bytes that did not decode) make UTF-8 output fail
to encode, and control characters (ANSI escapes, bidi overrides) can rewrite what a terminal or a
browser shows. Machine formats only need the first fix; human formats need both.
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")

# C0 and C1 controls except tab and newline, DEL, and the Unicode bidi embedding/override/isolate
# characters used in "Trojan Source" attacks.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def scrub(value: str) -> str:
    """Replace lone surrogates with U+FFFD so the report can always be written as UTF-8."""
    return _SURROGATES.sub("\ufffd", value)


def printable(value: str) -> str:
    """Show control and bidi characters as visible escapes (``\\x1b``, ``\\u202e``) for humans."""
    return _INVISIBLE.sub(_escape, scrub(value))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
