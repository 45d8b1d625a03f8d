"""The HTML report: self-contained, escaped, filterable."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser

import pytest

from botwarden.report import html_format

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href"}


class Document(HTMLParser):
    """Every start tag with its attributes, all text, and the content of each script element."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag
            and all(attrs.get(key.replace("_", "-")) == value for key, value in wanted.items())
        ]

    @property
    def body_text(self) -> str:
        return "".join(self.text)


@pytest.fixture
def page(result) -> str:
    return html_format.render(result)


@pytest.fixture
def document(page) -> Document:
    return Document(page)


def test_no_external_references(any_result) -> None:
    document = Document(html_format.render(any_result))
    for tag, attrs in document.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES:
                assert value is not None, (tag, name)
                assert "http" not in value, (tag, name)
                assert "//" not in value, (tag, name)


def test_report_skeleton_has_no_url_at_all(empty_result) -> None:
    page = html_format.render(empty_result)
    assert not re.search(r"https?:|//|url\(|@import", page)


def test_single_inline_script_pinned_by_csp(document) -> None:
    assert all("src" not in attrs for tag, attrs in document.tags if tag == "script")
    [script] = document.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    [csp] = document.all("meta", http_equiv="Content-Security-Policy")
    policy = csp["content"] or ""
    assert "default-src 'none'" in policy
    assert f"script-src 'sha256-{digest}'" in policy
    assert "unsafe-eval" not in policy


def test_hostile_message_is_only_text(page, document, hostile) -> None:
    assert hostile not in page
    assert html.escape(hostile, quote=True) in page
    assert hostile in document.body_text
    assert len(document.scripts) == 1
    for _, attrs in document.tags:
        assert not any(name.startswith("on") for name in attrs)


def test_every_finding_has_a_row(result, document) -> None:
    rows = [attrs for tag, attrs in document.tags if tag == "tr" and "data-fingerprint" in attrs]
    assert [row["data-fingerprint"] for row in rows] == [f.fingerprint for f in result.findings]
    assert [row["data-severity"] for row in rows] == [f.severity.value for f in result.findings]
    assert [row["data-category"] for row in rows] == [f.category for f in result.findings]
    for finding in result.findings:
        assert finding.rule in document.body_text
        assert str(finding.location) in document.body_text
        assert finding.remediation in document.body_text


@pytest.mark.parametrize("kind", ["severity", "category"])
def test_a_checked_filter_for_each_value_present(kind, result, document) -> None:
    boxes = document.all("input", type="checkbox", data_filter=kind)
    expected = {
        getattr(f, kind) if kind == "category" else f.severity.value for f in result.findings
    }
    assert {box["value"] for box in boxes} == expected
    assert all("checked" in box for box in boxes)


def test_free_text_filter_present(document) -> None:
    assert document.all("input", type="search", id="filter-text")


@pytest.mark.parametrize(
    ("severity", "count"),
    [("critical", 1), ("high", 2), ("medium", 1), ("low", 1), ("info", 1)],
)
def test_summary_counts(severity, count, page) -> None:
    assert (
        f'<li class="badge sev-{severity}"><span class="count">{count}</span> {severity}</li>'
        in page
    )


def test_header_shows_target_and_version(document) -> None:
    assert "examples/bibliobot" in document.body_text
    assert "botwarden 0.1.0" in document.body_text


def test_unicode_kept_and_controls_made_visible(document, unicode_text) -> None:
    assert unicode_text in document.body_text
    assert "\\x1b[31mopen\\u202e" in document.body_text
    assert "\x1b" not in document.body_text


def test_zero_findings(empty_result) -> None:
    document = Document(html_format.render(empty_result))
    assert "No findings." in document.body_text
    assert not document.all("table")
    assert not document.all("input")
    assert "Suppressed: 2 by baseline, 0 inline." in document.body_text


def test_is_one_html5_document(page) -> None:
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.rstrip().endswith("</html>")
    assert re.search(r'<meta charset="utf-8">', page)
