"""Suppression, baselines and fingerprints: accepted findings stay accepted as files change."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.helpers import MINIMAL

from botwarden.audit.baseline import Baseline, write_baseline
from botwarden.audit.registry import default_analysers, select_analysers
from botwarden.audit.runner import audit
from botwarden.errors import BaselineError, UsageError
from botwarden.findings import Severity

WILD = MINIMAL + '[egress]\nallow = ["*", "*.com"]\n'


def rules_of(path: Path, **kwargs: object) -> list[str]:
    return sorted(f.rule for f in audit(path, **kwargs).findings)  # type: ignore[arg-type]


def test_audit_finds_and_sorts(write_manifest: Callable[..., Path]) -> None:
    path = write_manifest(WILD)
    result = audit(path.parent)
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, reverse=True)
    assert severities[0] is Severity.CRITICAL
    assert result.summary()["critical"] == 1
    assert result.analysers[:4] == ("manifest", "permissions", "secrets", "drift")


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# botwarden:ignore", {"manifest.egress-any", "manifest.egress-public-suffix-wildcard",
                                "manifest.budget-host-missing"}),
        ("# botwarden:ignore[manifest.egress-any]", {"manifest.egress-any"}),
        ("# botwarden:ignore[manifest.egress-any, manifest.budget-host-missing]",
         {"manifest.egress-any", "manifest.budget-host-missing"}),
        ("# botwarden:ignore[manifest.*]", {"manifest.egress-any",
                                            "manifest.egress-public-suffix-wildcard",
                                            "manifest.budget-host-missing"}),
        ("# botwarden:ignore[secrets.hardcoded]", set()),
        ("# unrelated comment", set()),
    ],
)  # fmt: skip
def test_inline_suppression_on_the_same_line(
    write_manifest: Callable[..., Path], comment: str, suppressed: set[str]
) -> None:
    path = write_manifest(MINIMAL + f'[egress]\nallow = ["*"]  {comment}\n')
    result = audit(path.parent)
    remaining = {f.rule for f in result.findings if f.location.line == 6}
    expected = {"manifest.egress-any", "manifest.budget-host-missing"} - suppressed
    assert remaining == expected
    assert result.suppressed.inline == 2 - len(expected)


def test_suppression_on_the_comment_line_above(write_manifest: Callable[..., Path]) -> None:
    text = MINIMAL + '[egress]\nallow = [\n  # botwarden:ignore[manifest.egress-any]\n  "*",\n]\n'
    result = audit(write_manifest(text).parent)
    assert "manifest.egress-any" not in {f.rule for f in result.findings}
    assert result.suppressed.inline == 1


def test_code_line_above_does_not_suppress(write_manifest: Callable[..., Path]) -> None:
    text = MINIMAL + '[egress]\nallow = ["x.com",  # botwarden:ignore\n  "*",\n]\n'
    result = audit(write_manifest(text).parent)
    assert "manifest.egress-any" in {f.rule for f in result.findings}


def test_fingerprints_survive_lines_added_above(tmp_path: Path) -> None:
    (tmp_path / "botwarden.toml").write_text(WILD, encoding="utf-8")
    before = {(f.rule, f.fingerprint, f.location.line) for f in audit(tmp_path).findings}
    shifted = WILD.replace("[bot]", "# a comment\n# another\n[bot]\ndescription = 'x'")
    (tmp_path / "botwarden.toml").write_text(shifted, encoding="utf-8")
    after = {(f.rule, f.fingerprint, f.location.line) for f in audit(tmp_path).findings}
    assert {(r, fp) for r, fp, _ in before} == {(r, fp) for r, fp, _ in after}
    assert {line for *_, line in before} != {line for *_, line in after}


def test_baseline_accepts_known_findings_only(tmp_path: Path) -> None:
    manifest = tmp_path / "botwarden.toml"
    manifest.write_text(MINIMAL + '[egress]\nallow = ["*"]\n', encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, audit(tmp_path).findings)
    assert audit(tmp_path, baseline=baseline).findings == ()
    manifest.write_text("# moved\n" + MINIMAL + '[egress]\nallow = ["*", "*.com"]\n',
                        encoding="utf-8")  # fmt: skip
    result = audit(tmp_path, baseline=baseline)
    assert [f.rule for f in result.findings] == [
        "manifest.egress-public-suffix-wildcard", "manifest.budget-host-missing"]  # fmt: skip
    assert result.suppressed.baseline == 4  # egress-any, its budget, total budget, breaker


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such baseline"), ("{", "not valid JSON"), ("[]", "not a botwarden baseline"),
     ('{"version": 2, "findings": []}', "not a botwarden baseline")],
)  # fmt: skip
def test_bad_baselines(tmp_path: Path, content: str | None, reason: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=reason):
        Baseline.read(path)


def test_baseline_file_is_stable_and_readable(tmp_path: Path) -> None:
    (tmp_path / "botwarden.toml").write_text(WILD, encoding="utf-8")
    path = tmp_path / "b.json"
    write_baseline(path, audit(tmp_path).findings)
    first = path.read_text(encoding="utf-8")
    write_baseline(path, reversed(audit(tmp_path).findings))
    assert path.read_text(encoding="utf-8") == first
    assert json.loads(first)["version"] == 1


def test_only_selects_checks_and_refuses_unknown() -> None:
    assert [a.name for a in select_analysers(default_analysers(), ["manifest"])] == ["manifest"]
    with pytest.raises(UsageError, match="unknown check 'nope'"):
        select_analysers(default_analysers(), ["nope"])


def test_directory_without_manifest(tmp_path: Path) -> None:
    assert rules_of(tmp_path) == ["manifest.missing"]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        audit(tmp_path / "nope")
