"""Drift on real files: a bot folder in tmp_path, locked, then changed as deployments drift."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from botwarden import cli
from botwarden.audit.registry import default_analysers, select_analysers
from botwarden.audit.runner import build_target, run_audit
from botwarden.drift import LOCK_NAME, make_lock, parse_lock, write_lock
from botwarden.drift.sign import VERIFY_KEY_ENV
from botwarden.findings import Finding, Severity
from botwarden.ledger.keys import write_key_pair
from botwarden.manifest import load_manifest

MANIFEST = """schema_version = 1

[bot]
name = "driftbot"
owner = "platform-team"
environment = "development"

[[capability]]
name = "read-input"
provider = "aws"
actions = ["s3:GetObject"]
resources = ["arn:aws:s3:::bucket/input/*"]

[deploy]
files = ["config/*.toml", "config/*.json", "deploy/**/*.json", "deploy/*.tf", "Dockerfile"]
"""
SETTINGS = (
    'api_url = "https://api.example.com"\napi_token = "s3cr3t-Value-0001"\n[retry]\ncount = 3\n'
)
APP_JSON = '{"log": {"level": "info"}, "hosts": ["a.example.com"]}\n'
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/input/*"}
    ],
}
TERRAFORM = """resource "aws_iam_policy" "bot" {
  name = "bot"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket/input/*"
    }]
  })
}
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    folder = tmp_path / "bot"
    write(folder / "botwarden.toml", MANIFEST)
    write(folder / "config" / "settings.toml", SETTINGS)
    write(folder / "config" / "app.json", APP_JSON)
    write(folder / "deploy" / "iam" / "policy.json", json.dumps(POLICY, indent=2))
    write(folder / "deploy" / "main.tf", TERRAFORM)
    write(folder / "Dockerfile", "FROM python:3.12-slim\nUSER 10001\n")
    write(folder / "README.md", "not deployed configuration\n")
    return folder


def lock(folder: Path, key: Path | None = None) -> None:
    from botwarden.ledger.keys import load_signing_key

    manifest = folder / "botwarden.toml"
    write_lock(load_manifest(manifest), manifest, load_signing_key(key) if key else None)


def drift(folder: Path) -> list[Finding]:
    analysers = select_analysers(default_analysers(), ["drift"])
    return list(run_audit(build_target(folder), analysers).findings)


def rules_of(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)


# -- lock ------------------------------------------------------------------------------------


def test_lock_is_deterministic_sorted_and_versioned(bot: Path) -> None:
    lock(bot)
    first = (bot / LOCK_NAME).read_bytes()
    lock(bot)
    assert (bot / LOCK_NAME).read_bytes() == first
    data = json.loads(first)
    assert data["lock_version"] == 1
    assert list(data["files"]) == sorted(data["files"])
    assert set(data["files"]) == {"Dockerfile", "config/app.json", "config/settings.toml",
                                  "deploy/iam/policy.json", "deploy/main.tf"}  # fmt: skip
    assert data["files"]["config/settings.toml"]["keys"].keys() == {
        "api_url", "api_token", "retry.count"}  # fmt: skip
    assert data["files"]["deploy/iam/policy.json"]["grants"] == [
        "Allow s3:getobject on arn:aws:s3:::bucket/input/*"
    ]
    assert data["files"]["deploy/main.tf"]["grants"] == [
        "Allow s3:getobject on arn:aws:s3:::bucket/input/*"
    ]
    assert "Allow s3:listbucket" in " ".join(data["generated_policy"]["grants"])
    assert "s3cr3t" not in first.decode()


def test_a_freshly_locked_tree_has_no_drift(bot: Path) -> None:
    lock(bot)
    assert drift(bot) == []


# -- what changed ----------------------------------------------------------------------------

Change = Callable[[Path], None]


def _edit(relative: str, old: str, new: str) -> Change:
    def change(folder: Path) -> None:
        path = folder / relative
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return change


def _policy_with(statement: dict[str, object]) -> Change:
    def change(folder: Path) -> None:
        data = {**POLICY, "Statement": [*POLICY["Statement"], statement]}  # type: ignore[list-item]
        write(folder / "deploy" / "iam" / "policy.json", json.dumps(data, indent=2))

    return change


def _remove(relative: str) -> Change:
    return lambda folder: (folder / relative).unlink()


def _add(relative: str, text: str) -> Change:
    return lambda folder: write(folder / relative, text)


CASES = [
    pytest.param(_edit("config/settings.toml", "s3cr3t-Value-0001", "n3w-S3cret-0002"),
                 "drift.file-changed", "config/settings.toml", "keys changed: api_token",
                 Severity.MEDIUM, id="toml-key-changed"),
    pytest.param(_edit("config/settings.toml", "count = 3", "count = 3\ndelay = 2"),
                 "drift.file-changed", "config/settings.toml", "keys added: retry.delay",
                 Severity.MEDIUM, id="toml-key-added"),
    pytest.param(_edit("config/app.json", '"info"', '"debug"'),
                 "drift.file-changed", "config/app.json", "keys changed: log.level",
                 Severity.MEDIUM, id="json-key-changed"),
    pytest.param(_edit("config/app.json", '"hosts": ["a.example.com"]', '"other": 1'),
                 "drift.file-changed", "config/app.json", "keys added: other; keys removed: hosts",
                 Severity.MEDIUM, id="json-key-renamed"),
    pytest.param(_edit("config/settings.toml", "count = 3", "# tuned\ncount = 3"),
                 "drift.file-changed", "config/settings.toml", "no key changed",
                 Severity.MEDIUM, id="toml-comment-only"),
    pytest.param(_edit("Dockerfile", "USER 10001", "USER root"),
                 "drift.file-changed", "Dockerfile", "its content changed", Severity.MEDIUM,
                 id="dockerfile-changed"),
    pytest.param(_add("config/extra.toml", "x = 1\n"), "drift.file-added", "config/extra.toml",
                 "added since the lock", Severity.MEDIUM, id="added-file-matching-a-glob"),
    pytest.param(_add("deploy/iam/nested/more.json", "{}\n"), "drift.file-added",
                 "deploy/iam/nested/more.json", "added since the lock", Severity.MEDIUM,
                 id="added-file-matching-a-double-star"),
    pytest.param(_remove("config/app.json"), "drift.file-removed", "config/app.json",
                 "is gone", Severity.MEDIUM, id="missing-file"),
    pytest.param(_policy_with({"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}),
                 "drift.policy-changed", "deploy/iam/policy.json",
                 "grants added: Allow s3:deleteobject on *", Severity.HIGH, id="policy-widened"),
    pytest.param(_edit("deploy/main.tf", '"s3:GetObject"', '"s3:*"'),
                 "drift.policy-changed", "deploy/main.tf",
                 "grants added: Allow s3:* on arn:aws:s3:::bucket/input/*; grants removed: "
                 "Allow s3:getobject", Severity.HIGH, id="terraform-policy-widened"),
    pytest.param(lambda folder: write(folder / "deploy" / "iam" / "policy.json",
                                      json.dumps({**POLICY, "Statement": []})),
                 "drift.policy-changed", "deploy/iam/policy.json", "grants removed:",
                 Severity.MEDIUM, id="policy-narrowed"),
    pytest.param(lambda folder: write(folder / "deploy" / "iam" / "policy.json",
                                      json.dumps(POLICY)),
                 "drift.file-changed", "deploy/iam/policy.json", "IAM grants are the same",
                 Severity.LOW, id="policy-reformatted"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "rule", "path", "says", "severity"), CASES)
def test_each_change_is_one_finding(
    bot: Path, change: Change, rule: str, path: str, says: str, severity: Severity
) -> None:
    lock(bot)
    change(bot)
    (finding,) = drift(bot)
    assert (finding.rule, finding.location.path, finding.severity) == (rule, path, severity)
    assert says in finding.message


def test_changed_keys_never_show_values(bot: Path) -> None:
    lock(bot)
    _edit("config/settings.toml", "s3cr3t-Value-0001", "n3w-S3cret-0002")(bot)
    (finding,) = drift(bot)
    shown = finding.message + finding.evidence
    assert "api_token" in shown
    assert "s3cr3t" not in shown
    assert "n3w-S3cret" not in shown


def test_a_manifest_change_names_keys_and_the_generated_policy_change(bot: Path) -> None:
    lock(bot)
    _edit("botwarden.toml", 'actions = ["s3:GetObject"]', 'actions = ["s3:GetObject", '
          '"s3:PutObject"]')(bot)  # fmt: skip
    findings = {f.rule: f for f in drift(bot)}
    assert set(findings) == {"drift.manifest-changed", "drift.generated-policy-changed"}
    assert "keys changed: capability[0].actions" in findings["drift.manifest-changed"].message
    generated = findings["drift.generated-policy-changed"]
    assert "now also grants Allow s3:abortmultipartupload" in generated.message
    assert generated.location.path == "botwarden.toml"
    assert generated.location.line == 8  # the [[capability]] line


def test_a_baselined_change_is_reported_again_when_the_file_changes_again(bot: Path) -> None:
    lock(bot)
    _edit("config/app.json", '"info"', '"debug"')(bot)
    (first,) = drift(bot)
    _edit("config/app.json", '"debug"', '"trace"')(bot)
    (second,) = drift(bot)
    assert first.fingerprint != second.fingerprint


# -- no lock, bad lock -----------------------------------------------------------------------


def test_no_lock_is_one_info_finding(bot: Path) -> None:
    (finding,) = drift(bot)
    assert (finding.rule, finding.severity, finding.location.path) == (
        "drift.untracked",
        Severity.INFO,
        LOCK_NAME,
    )


def test_a_bot_without_deploy_section_is_not_asked_to_lock(bot: Path) -> None:
    manifest = bot / "botwarden.toml"
    manifest.write_text(MANIFEST.split("[deploy]", maxsplit=1)[0], encoding="utf-8")
    assert drift(bot) == []


@pytest.mark.parametrize(
    ("edit", "line", "says"),
    [
        (lambda t: t[:-20], None, "not valid JSON"),
        (lambda t: t.replace('"lock_version": 1', '"lock_version": 2'), None, "must be 1"),
        (lambda t: t.replace('"lock_version": 1', '"lock_version": true'), None, "must be 1"),
        (lambda t: t.replace('"sha256"', '"sha265"', 1), None, "unknown field"),
        (lambda t: t.replace('"deploy_files"', '"deploy"'), 2, "unknown field"),
        (lambda t: "[]", 1, "expected an object"),
        (lambda t: t.replace('"keys": {', '"keys": {"x": 1, ', 1), None, "expected a string"),
        (lambda t: t.replace("\n", "\n\u00ff", 1).encode("latin-1", "replace").decode("latin-1"),
         None, "not valid JSON"),
    ],
)  # fmt: skip
def test_a_malformed_lock_is_one_finding_with_its_line(
    bot: Path, edit: Callable[[str], str], line: int | None, says: str
) -> None:
    lock(bot)
    path = bot / LOCK_NAME
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    (finding,) = drift(bot)
    assert finding.rule == "drift.lock-invalid"
    assert finding.location.path == LOCK_NAME
    assert finding.location.line is not None
    if line is not None:
        assert finding.location.line == line
    assert says in finding.message


def test_a_lock_that_is_not_utf8_is_a_finding(bot: Path) -> None:
    lock(bot)
    (bot / LOCK_NAME).write_bytes(b'{\n"x": "\xff"}\n')
    (finding,) = drift(bot)
    assert (finding.rule, finding.location.line) == ("drift.lock-invalid", 2)


# -- signatures ------------------------------------------------------------------------------


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A signing key, its public key, and another key's public key."""
    private, _ = write_key_pair(tmp_path / "lock.key")
    other, _ = write_key_pair(tmp_path / "other.key")
    return tmp_path / "lock.key", private, other


def test_a_signed_lock_verifies(
    bot: Path, keys: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    signing, public, _ = keys
    lock(bot, signing)
    assert parse_lock((bot / LOCK_NAME).read_text(encoding="utf-8")).signature is not None
    monkeypatch.setenv(VERIFY_KEY_ENV, str(public))
    assert drift(bot) == []


@pytest.mark.parametrize(
    ("tamper", "rule", "says"),
    [
        ("digest", "drift.lock-signature", "altered after signing"),
        ("wrong-key", "drift.lock-signature", "not by the verification key"),
        ("bad-base64", "drift.lock-signature", "altered after signing"),
        ("unsigned", "drift.lock-unsigned", "not signed"),
    ],
)
def test_signature_problems(
    bot: Path,
    keys: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    tamper: str,
    rule: str,
    says: str,
) -> None:
    signing, public, other = keys
    lock(bot, None if tamper == "unsigned" else signing)
    path = bot / LOCK_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    if tamper == "digest":  # make the lock agree with a widened policy: drift would be hidden
        _policy_with({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})(bot)
        manifest = bot / "botwarden.toml"
        forged = make_lock(load_manifest(manifest), manifest, None).body()
        data = {**forged, "signature": data["signature"]}
    elif tamper == "bad-base64":
        data["signature"]["value"] = "not base64!"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    monkeypatch.setenv(VERIFY_KEY_ENV, str(other if tamper == "wrong-key" else public))
    findings = drift(bot)
    assert rules_of(findings) == [rule]
    (finding,) = findings
    assert says in finding.message
    assert finding.severity == (Severity.CRITICAL if rule == "drift.lock-signature"
                                else Severity.HIGH)  # fmt: skip


def test_a_signed_lock_without_a_verify_key_is_not_checked(
    bot: Path, keys: tuple[Path, Path, Path]
) -> None:
    lock(bot, keys[0])
    assert drift(bot) == []


# -- the command -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lock_and_drift_commands(
    bot: Path, keys: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    signing, public, other = keys
    code, out, _ = run(capsys, "lock", str(bot), "--sign-key", str(signing))
    assert code == 0
    assert "5 deployed files (2 with IAM policies)" in out
    assert "signed by key" in out
    code, out, _ = run(capsys, "drift", str(bot), "--verify-key", str(public))
    assert (code, "No findings." in out) == (0, True)
    _edit("config/app.json", '"info"', '"debug"')(bot)
    code, out, _ = run(capsys, "drift", str(bot), "--verify-key", str(public), "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["drift.file-changed"]
    code, _, _ = run(capsys, "drift", str(bot), "--fail-on", "high")
    assert code == 0
    code, out, _ = run(capsys, "drift", str(bot), "--verify-key", str(other), "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"drift.lock-signature", "drift.file-changed"}


def test_drift_command_compares_policies_with_the_generated_one(
    bot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deployed policies are compared with the manifest's by the command, and in an audit by the
    permissions check only: each finding once."""
    _policy_with({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"})(bot)
    lock(bot)
    code, out, _ = run(capsys, "drift", str(bot), "--format", "json")
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert code == 1
    assert rules.count("iam.over-privileged") == 1
    result = run_audit(build_target(bot), default_analysers())
    assert [f.rule for f in result.findings].count("iam.over-privileged") == 1
    assert not [f for f in result.findings if f.category == "drift"]


def test_drift_command_without_lock_or_deploy_says_untracked(
    bot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bot / "botwarden.toml").write_text(MANIFEST.split("[deploy]", maxsplit=1)[0], encoding="utf-8")
    code, out, _ = run(capsys, "drift", str(bot), "--format", "json")
    assert code == 0  # info is below the default --fail-on low
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["drift.untracked"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["drift", "{empty}"], "no botwarden.toml here"),
        (["lock", "{empty}"], "no botwarden.toml here"),
        (["drift", "{bot}", "--verify-key", "{bot}/nope.pub"], "cannot read key file"),
        (["lock", "{bot}", "--sign-key", "{bot}/Dockerfile"], "signing key is accessible"),
        (["drift", "{bot}", "--format", "pdf"], "pdf"),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    bot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    (bot / "Dockerfile").chmod(0o644)
    args = [a.format(bot=bot, empty=tmp_path / "empty") for a in argv]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_malformed_lock_in_the_command_is_a_finding_not_a_traceback(
    bot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock(bot)
    (bot / LOCK_NAME).write_text('{\n  "lock_version": 1,\n  oops\n}\n', encoding="utf-8")
    code, out, err = run(capsys, "drift", str(bot))
    assert code == 1
    assert "botwarden.lock:3  drift.lock-invalid" in out
    assert "Traceback" not in out + err


def test_lock_warns_about_patterns_matching_nothing(
    bot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(bot / "deploy")
    code, _, err = run(capsys, "lock", str(bot))
    assert code == 0
    assert "'deploy/**/*.json' matches no file" in err


def test_the_secrets_check_does_not_take_key_digests_for_secrets(bot: Path) -> None:
    """A digest under a key named api_token must not look like the token itself."""
    lock(bot)
    analysers = select_analysers(default_analysers(), ["secrets"])
    found = run_audit(build_target(bot), analysers).findings
    assert [f for f in found if f.location.path == LOCK_NAME] == []
    assert "config/settings.toml" in {f.location.path for f in found}  # the real one is found
