"""The language-model step, stood in for by a small extractive summariser.

In the real bot, ``summarize`` is where the item's text goes to a language model (the manifest's
``llm = true``). Everything passed here is untrusted web content: feed descriptions and the pages
the crawler downloaded. With ``--guard MANIFEST`` the step runs between botwarden's text guards
(:class:`LanguageModelStep`): the item's text is checked as a document first (an item the input
guard blocks gets no summary) and the summary is sanitised before it is stored. The shipped
manifest sets ``[guard.input] prompt_injection = "off"``, one of the mistakes botwarden reports,
so with it only normalisation and the output guard apply.

The stand-in keeps the example offline and deterministic: it scores sentences by how many of the
text's frequent words they contain and returns the best ones in their original order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

from bibliobot.pages import html_to_text

log = logging.getLogger(__name__)

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


class LanguageModelStep:
    """``summarize``, optionally between botwarden's input and output guards.

    botwarden is imported only when a guard manifest is given: the bot itself needs nothing but
    the standard library.
    """

    def __init__(self, guard_manifest: Path | None = None) -> None:
        self.guard: Any = None
        if guard_manifest is not None:
            from botwarden import load_manifest
            from botwarden.guards import TextGuard

            self.guard = TextGuard(load_manifest(guard_manifest))

    def summarize(self, text: str) -> tuple[str, list[str]]:
        """The summary, and the kinds of what the guards found (empty without a guard)."""
        if self.guard is None:
            return summarize(text), []
        verdict = self.guard.check_input(text, kind="document")
        found = sorted({finding.kind for finding in verdict.findings})
        if verdict.blocked:
            log.warning("item text blocked by the input guard: %s", ", ".join(found))
            return "", found
        if verdict.verdict == "flag":
            log.warning("item text flagged by the input guard: %s", ", ".join(found))
        cleaned = self.guard.sanitize_output(summarize(verdict.text), fmt="markdown")
        return cleaned.text, sorted(set(found) | {finding.kind for finding in cleaned.findings})
