"""What a secret-detection rule is: a kind of credential, written from its issuer's format.

A rule runs only on text that contains one of its ``keywords`` (a cheap literal pre-filter: most
files contain none, so most rules never run), then its regular expression, whose named group
``secret`` is the credential; then, where the format allows, a ``validate`` check (a checksum, a
structure such as a JWT's header) and a minimum ``entropy`` so that ``xxxx`` or ``your-key-here``
shaped like a key is not reported. ``examples`` are values the issuer documents as examples
(``AKIAIOSFODNN7EXAMPLE``): never reported.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from botwarden.findings import Severity


@dataclass(frozen=True, slots=True)
class SecretRule:
    id: str  # stable, lowercase, e.g. "aws-access-key-id"
    name: str  # for people: "AWS access key ID"
    keywords: tuple[str, ...]  # lower-case literals; at least one must occur (case-insensitive)
    pattern: re.Pattern[str]  # must define the named group "secret"
    severity: Severity = Severity.HIGH
    validate: Callable[[str], bool] | None = None  # True when the candidate has the right shape
    entropy: float | None = None  # minimum Shannon entropy (bits per character) of the secret
    pair: str | None = None  # the id of the rule whose match completes this one (key id + secret)
    examples: tuple[str, ...] = ()  # documented example values: never reported
    reference: str = ""  # where the format is documented (URL of the issuer's docs)
    tags: tuple[str, ...] = field(default=())  # e.g. ("cloud",), ("vcs",), ("llm",)

    def accepts(self, secret: str) -> bool:
        """Whether a candidate matched by ``pattern`` is reported (before context filters)."""
        if secret in self.examples:
            return False
        if self.entropy is not None and shannon_entropy(secret) < self.entropy:
            return False
        return self.validate is None or self.validate(secret)


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text`` as a sample of its own characters."""
    if not text:
        return 0.0
    counts = Counter(text)
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


__all__ = ["SecretRule", "shannon_entropy"]
