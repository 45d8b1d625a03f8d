"""The language-model step, stood in for by a small extractive summariser.

In the real bot, ``summarize`` is where the item's text goes to a language model (the manifest's
``llm = true``). Everything passed here is untrusted web content: feed descriptions and the pages
the crawler downloaded. Nothing checks it for prompt injection first (the manifest sets
``[guard.input] prompt_injection = "off"``), which is one of the mistakes botwarden reports.

The stand-in keeps the example offline and deterministic: it scores sentences by how many of the
text's frequent words they contain and returns the best ones in their original order.
"""

from __future__ import annotations

import re
from collections import Counter

from bibliobot.pages import html_to_text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_COMMON_WORDS = """
    about after also been from have into more only other over said some such than that their them
    then there these they this were what when which while with would your
"""
_STOP_WORDS = frozenset(_COMMON_WORDS.split())


def summarize(text: str, *, max_sentences: int = 2, max_chars: int = 280) -> str:
    """Return a short summary of ``text`` (plain text or HTML); empty when there is no text."""
    plain = html_to_text(text) if "<" in text else " ".join(text.split())
    sentences = [s for s in _SENTENCE_END.split(plain) if s.strip()]
    if not sentences:
        return ""
    weights = Counter(w for w in _WORD.findall(plain.lower()) if w not in _STOP_WORDS)
    ranked = sorted(range(len(sentences)), key=lambda i: -_score(sentences[i], weights))
    chosen = sorted(ranked[:max_sentences])
    return _shorten(" ".join(sentences[i] for i in chosen), max_chars)


def _score(sentence: str, weights: Counter[str]) -> float:
    words = [w for w in _WORD.findall(sentence.lower()) if w not in _STOP_WORDS]
    return sum(weights[w] for w in words) / (len(words) + 1)


def _shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
