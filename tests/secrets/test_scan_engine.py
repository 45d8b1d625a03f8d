"""The scan engine: keyword pre-filter, line numbers, overlaps, pairs, parallel scanning."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.secrets.scan_rules import (
    AWS_ID,
    GENERIC,
    GITHUB,
    RULES,
    aws_id,
    aws_secret,
    github_pat,
    token,
)

from botwarden.findings import Severity
from botwarden.secrets.scan import engine
from botwarden.secrets.scan.engine import SecretScanner
from botwarden.secrets.scan.files import walk

SCANNER = SecretScanner(RULES)
# The same rules with no keywords: every rule runs on every text, the reference for the filter.
EVERY_RULE = SecretScanner([dataclasses.replace(rule, keywords=()) for rule in RULES])

FRAGMENTS = st.sampled_from(
    ["AKIA", "aws_secret_access_key = ", "ghp_", "api_key: ", "TOKEN=", "password ", "\n",
     " ", "key", "Secret", "x = 1", "# comment", '"', "="]
)  # fmt: skip
VALUES = st.builds(lambda: None).flatmap(
    lambda _: st.sampled_from([aws_id(), aws_secret(), github_pat(), token(), token(12)])
)
TEXTS = st.lists(st.one_of(FRAGMENTS, VALUES), max_size=30).map("".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_prefilter_finds_what_running_every_rule_finds(text: str) -> None:
    assert SCANNER.scan_text(text) == [_keyworded(hit) for hit in EVERY_RULE.scan_text(text)]


def _keyworded(hit: Any) -> Any:
    """The hit (and its partner, for a pair) with the catalogue's rule, keywords and all."""
    rule = next(r for r in RULES if r.id == hit.rule.id)
    partner = _keyworded(hit.partner) if hit.partner is not None else None
    return dataclasses.replace(hit, rule=rule, partner=partner)


@settings(max_examples=100)
@given(text=TEXTS)
def test_a_rule_runs_only_where_its_keyword_is(text: str) -> None:
    lowered = text.lower()
    for index in SCANNER.candidate_rules(text):
        assert any(keyword in lowered for keyword in RULES[index].keywords)


@settings(max_examples=150)
@given(
    text=st.lists(
        st.one_of(FRAGMENTS, st.sampled_from(["é", "😀", "ключ", "İ", "ß", "ghp", "_"])),
        max_size=30,
    ).map("".join)
)
def test_keyword_ends_are_every_occurrence(text: str) -> None:
    """Every occurrence of every keyword, overlapping ones too, at character offsets (non-ASCII
    text included), as a plain search of the lower-cased text finds them."""
    lowered = text.lower()
    expected: dict[int, set[tuple[int, int]]] = {}
    for index, rule in enumerate(RULES):
        for keyword in {k.lower() for k in rule.keywords}:
            at = lowered.find(keyword)
            while at != -1:
                expected.setdefault(index, set()).add((at, at + len(keyword) - 1))
                at = lowered.find(keyword, at + 1)
    found = SCANNER._keyword_ends(text)
    assert {index: set(hits) for index, hits in found.items() if hits} == expected
    for hits in found.values():
        assert [end for _, end in hits] == sorted(end for _, end in hits)


def test_no_keyword_no_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text without any keyword runs no regex at all."""
    assert SCANNER.candidate_rules("nothing to see here\n" * 50) == []


def test_hits_carry_line_and_column() -> None:
    pat = github_pat()
    hits = SCANNER.scan_text(f"first\nsecond\n  x = '{pat}'\n")
    assert [(h.rule.id, h.line, h.column, h.secret) for h in hits] == [("github-pat", 3, 8, pat)]


def test_specific_rule_wins_over_generic_on_the_same_value() -> None:
    pat = github_pat()
    (hit,) = SCANNER.scan_text(f"github_token = {pat}\n")
    assert hit.rule is GITHUB


def test_generic_rule_reports_an_unknown_token() -> None:
    (hit,) = SCANNER.scan_text(f"feedly_api_key = '{token(40)}'\n")
    assert hit.rule is GENERIC


@pytest.mark.parametrize("gap", [0, 1, 4])
def test_aws_pair_is_one_finding(gap: int) -> None:
    key_id, secret = aws_id(), aws_secret()
    text = (
        f'aws_access_key_id = "{key_id}"\n' + "\n" * gap + f'aws_secret_access_key = "{secret}"\n'
    )
    (hit,) = SCANNER.scan_text(text)
    assert hit.partner is not None
    assert (hit.partner.secret, hit.secret, hit.line, hit.partner.line) == (
        key_id, secret, 2 + gap, 1
    )  # fmt: skip


def test_pair_halves_too_far_apart_are_reported_apart() -> None:
    text = f"id = {aws_id()}\n" + "\n" * 10 + f"aws_secret = {aws_secret()}\n"
    hits = SCANNER.scan_text(text)
    assert [h.rule.id for h in hits] == ["aws-access-key-id", "aws-secret-access-key"]
    assert all(h.partner is None for h in hits)


def test_two_pairs_pair_with_their_nearest_halves() -> None:
    ids, secrets = [aws_id(), aws_id()], [aws_secret(), aws_secret()]
    text = "".join(
        f"AWS_ACCESS_KEY_ID={i}\nAWS_SECRET_ACCESS_KEY={s}\n\n"
        for i, s in zip(ids, secrets, strict=True)
    )
    hits = SCANNER.scan_text(text)
    assert [(h.partner.secret if h.partner else None, h.secret) for h in hits] == list(
        zip(ids, secrets, strict=True)
    )


def test_documented_example_is_not_reported() -> None:
    assert SCANNER.scan_text("id = AKIAIOSFODNN7EXAMPLE\n") == []
    assert AWS_ID.examples == ("AKIAIOSFODNN7EXAMPLE",)


def test_rule_without_secret_group_is_refused() -> None:
    import re

    bad = dataclasses.replace(GITHUB, pattern=re.compile("ghp_[a-z]+"))
    with pytest.raises(engine.ScanError, match="no 'secret' group"):
        SecretScanner([bad])


def _tree(root: Path, count: int) -> None:
    for n in range(count):
        folder = root / f"pkg{n % 7}"
        folder.mkdir(exist_ok=True)
        body = f"value = {n}\n" if n % 3 else f"token = '{token(30)}'\ngh = {github_pat()}\n"
        (folder / f"mod{n}.py").write_text(body, encoding="utf-8")
    (root / "blob.bin").write_bytes(b"\0" * 100 + b"ghp_" + b"a" * 36)


def test_jobs_1_and_2_give_identical_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 40)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 8)
    files = walk([tmp_path])
    seen: list[str] = []
    one = SCANNER.scan_files(files, jobs=1)
    two = SCANNER.scan_files(files, jobs=2, progress=seen.append)
    assert one == two
    assert len(one.findings) == 2 * 14
    assert one.skipped == [f"{tmp_path.as_posix()}/blob.bin"]
    assert sorted(seen) == sorted(f.shown for f in files)


def test_severity_comes_from_the_secret_rule(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text(f"GH={github_pat()}\napi_key={token()}\n", encoding="utf-8")
    outcome = SCANNER.scan_files(walk([tmp_path]))
    assert [f.severity for f in outcome.findings] == [Severity.HIGH, Severity.MEDIUM]
    assert {f.rule for f in outcome.findings} == {"secrets.hardcoded"}
    assert "GitHub personal access token" in outcome.findings[0].message


def test_missing_catalogue_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "botwarden.secrets.rules", None)
    with pytest.raises(engine.ScanError, match="catalogue"):
        engine.load_rules()


def test_keyword_windows_find_what_whole_text_scans_find() -> None:
    """Rules run only near their keywords; on the real catalogue that must lose nothing."""
    import random

    from botwarden.secrets.rules import RULES as CATALOGUE

    windowed = SecretScanner(CATALOGUE)
    whole = SecretScanner(CATALOGUE)
    whole._reach = [None] * len(CATALOGUE)  # the reference: every rule over the whole text
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    def key(size: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(size))

    pem_body = "\n".join(key(64) for _ in range(12))
    pieces = [
        f'password = "{key(8)}#{key(8)}"',
        f"aws_access_key_id = AKIA{key(16).upper()}",
        f"aws_secret_access_key = {key(40)}",
        f"-----BEGIN RSA PRIVATE KEY-----\n{pem_body}\n-----END RSA PRIVATE KEY-----",
        f"- name: API_TOKEN\n  value: {key(40)}",
        f"ENV SECRET_TOKEN {key(32)}",
        f"url = postgres://bot:{key(20)}@db.example.com/app",
    ]
    for _ in range(20):
        lines = [f"# {key(rng.randint(0, 90))}" for _ in range(rng.randint(50, 400))]
        for piece in pieces:
            lines.insert(rng.randint(0, len(lines)), piece)
        text = "\n".join(lines)
        found = [(h.rule.id, h.secret, h.line) for h in windowed.scan_text(text)]
        assert found == [(h.rule.id, h.secret, h.line) for h in whole.scan_text(text)]
        assert len(found) >= len(pieces) - 1  # the pair is one finding


@pytest.mark.parametrize("marker", ["example", "dummy", "fake", "test"])
def test_line_markers_hide_keys_in_files_but_not_in_model_output(marker: str) -> None:
    """A word on the line marks a fixture in a repository; in text an attacker may word (a
    model's output), it must not hide the key: ``line_markers=False`` ignores such words."""
    text = f"this is only a {marker} key: {aws_id()}\n"
    assert SCANNER.scan_text(text) == []
    unmarked = SecretScanner(RULES, line_markers=False).scan_text(text)
    assert [hit.rule.id for hit in unmarked] == [AWS_ID.id]
