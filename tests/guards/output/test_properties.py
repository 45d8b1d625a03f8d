"""Properties over generated Markdown/HTML soup: sanitising never raises, sanitising twice
equals sanitising once, and a link or image to an allowed host is never lost."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.guards.output.oracle import allowed

from botwarden.guards.output import OutputPolicy, OutputSanitizer

GUARD = OutputSanitizer(OutputPolicy(link_allowed=allowed))

FRAGMENTS = st.sampled_from([
    "[", "]", "(", ")", "!", "<", ">", "\\", "&", ";", ":", "\n", "\n\n", " ", "\t", "`", "```",
    "*", "_", "#", '"', "'", "=", "/", "a", "Z", "0", "7", "@", ".", "-", "+",
    "https://", "http://", "www.", "javascript:", "data:", "evil.invalid", "allowed.invalid",
    "<a href=", "<img src=", "</a>", "<script>", "</script>", "<b>", "</b>", "<font>", "<!--",
    "-->", "onerror=", "&lt;", "&amp;", "&#58;", "[x]: ", "](", "![", "<https://",
    "jane@corp.invalid", "4111 1111 1111 1111", "+1 415 555 0132", "AKIAZ3MXQ2Y4N5P6R7TW",
    "\u200b", "\uff4a",
])  # fmt: skip
SOUP = st.lists(FRAGMENTS | st.text(max_size=3), max_size=40).map("".join)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(SOUP, st.sampled_from(["markdown", "html", "text"]))
@example("<b>&jane@corp.invalid", "markdown")  # the placeholder must not unescape the "&amp;"
@example("<a href=>&lt;4111 1111 1111 1111", "markdown")  # nor leave a "<" next escaped
@example("<b>&+1 415 555 0132", "markdown")
@example("<i>&lt;-----BEGIN RSA PRIVATE KEY-----", "text")
@example("<b>&lt;jane@corp.invalid", "text")
@example("AKIAZ3MXQ2Y4N5P6R7TW.jane@corp.invalid", "markdown")  # a key inside an address
@example("jane@corp.invalid+1 415 555 01320", "markdown")  # the placeholder frees the phone
@example("+1 415 555 0132jane@corp.invalid", "text")
@example("jane@corp.invalid" * 5, "markdown")  # chained addresses, all found in one pass
@example("<i>x</i> &lt;.jane@corp.invalid", "text")  # a local part starting with '.'
@example("<i>x</i> &amp;%jane@corp.invalid", "markdown")
@example("4111 1111 1111 1111[x]: @evil.invalid/?q=+1 415 555 0132", "markdown")  # joined digits
@example("!+4111 1111 1111 1111@evil.invalid", "text")
@example("GB82 WEST 1234 5698 7654 32\u212ahttps://evil.invalid/x", "markdown")  # K is a k
def test_idempotent(text: str, fmt: str) -> None:
    once = GUARD.sanitize(text, fmt).text  # type: ignore[arg-type]
    assert GUARD.sanitize(once, fmt).text == once  # type: ignore[arg-type]


WORDS = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=8)
PATHS = st.lists(WORDS, max_size=3).map("/".join)


@PROPERTY
@given(st.lists(st.tuples(st.booleans(), WORDS, PATHS, SOUP), min_size=1, max_size=4))
def test_allowed_links_are_kept(parts: list[tuple[bool, str, str, str]]) -> None:
    links = []
    text = ""
    for image, label, path, noise in parts:
        url = f"https://allowed.invalid/{path}"
        link = f"{'!' if image else ''}[{label}]({url})"
        links.append(link)
        text += f"{link}\n\n{noise.replace('[', '').replace(']', '')}\n\n"
    out = GUARD.sanitize(text, "markdown").text
    for link in links:
        assert link in out


@given(st.sampled_from(["markdown", "html", "text"]))
def test_nothing_to_do_is_untouched(fmt: str) -> None:
    text = "A plain answer: 3 items, version 1.2.3, on 2024-01-15."
    assert GUARD.sanitize(text, fmt).text == text  # type: ignore[arg-type]
