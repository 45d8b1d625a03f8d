"""``secrets.stale`` and ``secrets.due``: ages from the declared date and from the local store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden import cli
from botwarden.audit.runner import build_target, run_audit
from botwarden.errors import UsageError
from botwarden.findings import Finding
from botwarden.manifest import parse_manifest
from botwarden.secrets.local import KEY_ENV, LocalStore, default_paths
from botwarden.secrets.scan.analyser import SecretsAnalyser
from botwarden.secrets.staleness import credential_report, staleness

EXAMPLE = Path(__file__).parents[2] / "examples" / "bibliobot"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HEAD = 'schema_version = 1\n\n[bot]\nname = "t"\nowner = "o"\n\n'


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)


def check(body: str, base: Path, now: datetime = NOW) -> list[Finding]:
    manifest = parse_manifest(HEAD + body, "botwarden.toml")
    return list(staleness(manifest, base, now))


def declared(created: str, max_age: str = "30d") -> str:
    return (
        '[secret.feedly]\nsource = "vault:kv/bots/t/feedly#token"\n'
        f'max_age = "{max_age}"\ncreated = {created}\n'
    )


@pytest.mark.parametrize(
    ("created", "max_age", "expected"),
    [
        ("2025-01-10", "30d", "secrets.stale"),  # 50 days old
        ("2025-01-30", "30d", "secrets.stale"),  # expired on 2025-03-01 00:00, before NOW
        ("2025-02-01", "30d", "secrets.due"),  # expires 2025-03-03: within 7 days
        ("2025-02-06", "30d", "secrets.due"),  # expires 2025-03-08 00:00: 6.5 days left
        ("2025-02-07", "30d", None),  # expires 2025-03-09 00:00: 7.5 days left
        ("2025-02-09", "30d", None),  # expires 2025-03-11: not yet due
        ("2025-02-28", "90d", None),
        ("2026-01-01", "30d", None),  # declared in the future: not old
    ],
)
def test_declared_created(tmp_path: Path, created: str, max_age: str, expected: str | None) -> None:
    found = check(declared(created, max_age), tmp_path)
    assert [f.rule for f in found] == ([expected] if expected else [])


def test_finding_points_at_the_secret_table_and_says_why(tmp_path: Path) -> None:
    body = "# secrets\n\n" + declared("2025-01-10")
    (finding,) = check(body, tmp_path)
    assert finding.location.path == "botwarden.toml"
    assert finding.location.line == (HEAD + body).splitlines().index("[secret.feedly]") + 1
    assert finding.severity.value == "high"
    assert "50 days old" in finding.message and "max_age of 30d" in finding.message
    assert finding.evidence == "created 2025-01-10 (per its declared created date), max_age 30d"


def test_due_is_low(tmp_path: Path) -> None:
    (finding,) = check(declared("2025-02-01"), tmp_path)
    assert finding.severity.value == "low" and "in 1 days" in finding.message


def test_no_max_age_or_no_date_is_not_judged(tmp_path: Path) -> None:
    body = '[secret.a]\nsource = "env:A"\ncreated = 2020-01-01\n\n[secret.b]\nsource = "env:B"\n'
    body += 'max_age = "1d"\n'
    assert check(body, tmp_path) == []


def test_a_rotation_changes_the_fingerprint(tmp_path: Path) -> None:
    old = check(declared("2024-01-01"), tmp_path)[0]
    new = check(declared("2024-06-01"), tmp_path)[0]
    assert old.fingerprint != new.fingerprint


LOCAL = '[secret.token]\nsource = "local:api_token"\nmax_age = "30d"\ncreated = 2020-01-01\n'


def local_store(base: Path, created: datetime) -> LocalStore:
    path, key = default_paths(base)
    store = LocalStore(path, key, clock=lambda: created)
    store.set("api_token", "s3cr3t-value-for-the-test")
    return store


def test_local_store_metadata_wins_over_the_declared_date(tmp_path: Path) -> None:
    local_store(tmp_path, NOW - timedelta(days=2))
    assert check(LOCAL, tmp_path) == []  # the declared 2020 date would be stale
    store = local_store(tmp_path, NOW - timedelta(days=40))  # a second set, backdated
    (finding,) = check(LOCAL, tmp_path)
    assert finding.rule == "secrets.stale" and "per the local store)" in finding.evidence
    assert store.get("api_token").version == "2"


def test_local_store_without_its_key_is_read_as_unverified(tmp_path: Path) -> None:
    local_store(tmp_path, NOW - timedelta(days=27))
    default_paths(tmp_path)[1].unlink()
    (finding,) = check(LOCAL, tmp_path)
    assert finding.rule == "secrets.due" and "unverified" in finding.evidence


def test_a_missing_store_falls_back_and_is_never_created(tmp_path: Path) -> None:
    (finding,) = check(LOCAL, tmp_path)
    assert finding.rule == "secrets.stale" and "declared created date" in finding.evidence
    assert not (tmp_path / ".botwarden").exists()


def test_a_secret_missing_from_the_store_falls_back(tmp_path: Path) -> None:
    local_store(tmp_path, NOW)
    body = LOCAL.replace("local:api_token", "local:other")
    (finding,) = check(body, tmp_path)
    assert "declared created date" in finding.evidence


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=120))
def test_stale_exactly_when_older_than_max_age(days_old: int, max_days: int) -> None:
    created = (NOW - timedelta(days=days_old)).date().isoformat()
    found = check(declared(created, f"{max_days}d"), Path("/nonexistent"))
    age = NOW - datetime.fromisoformat(created).replace(tzinfo=UTC)
    rules = [f.rule for f in found]
    if age >= timedelta(days=max_days):
        assert rules == ["secrets.stale"]
    elif timedelta(days=max_days) - age <= timedelta(days=7):
        assert rules == ["secrets.due"]
    else:
        assert rules == []


def test_the_audit_reports_the_example_bots_stale_key() -> None:
    target = build_target(EXAMPLE)
    result = run_audit(target, [SecretsAnalyser(jobs=1, clock=lambda: NOW)])
    stale = [f for f in result.findings if f.rule == "secrets.stale"]
    assert [(f.location.path, f.message.split(" is ")[0]) for f in stale] == [
        ("botwarden.toml", "secret 'feedly_token'")
    ]
    assert "created 2025-01-10" in stale[0].evidence


# -- AWS IAM credential reports -----------------------------------------------------------------

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ROOT = (
    "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2025-02-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,"
    "N/A,N/A,N/A,false,N/A,false,N/A"
)


def user(
    name: str, key1: tuple[str, str, str], key2: tuple[str, str, str] = ("false", "N/A", "N/A")
) -> str:
    def key(active: str, rotated: str, used: str) -> str:
        region, service = ("N/A", "N/A") if used == "N/A" else ("us-east-1", "s3")
        return f"{active},{rotated},{used},{region},{service}"

    return (
        f"{name},arn:aws:iam::123456789012:user/{name},2021-01-01T00:00:00+00:00,false,N/A,N/A,"
        f"N/A,false,{key(*key1)},{key(*key2)},false,N/A,false,N/A"
    )


def report(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "credential-report.csv"
    path.write_text("\n".join((HEADER, ROOT, *rows)) + "\n", encoding="utf-8")
    return path


RECENT, OLD = "2025-02-20T08:00:00+00:00", "2024-10-01T08:00:00+00:00"


@pytest.mark.parametrize(
    ("key1", "expected"),
    [
        (("true", RECENT, RECENT), []),
        (("true", OLD, RECENT), ["secrets.aws-key-old"]),
        (("true", OLD, OLD), ["secrets.aws-key-old", "secrets.aws-key-unused"]),
        (("true", RECENT, "N/A"), ["secrets.aws-key-unused"]),  # never used
        (("false", OLD, OLD), []),  # inactive keys are not judged
        (("TRUE", OLD, RECENT), ["secrets.aws-key-old"]),
    ],
)
def test_credential_report_rules(
    tmp_path: Path, key1: tuple[str, str, str], expected: list[str]
) -> None:
    found = credential_report(report(tmp_path, user("bibliobot", key1)), NOW)
    assert [f.rule for f in found] == expected
    assert all(f.location.line == 3 for f in found)  # header, root, then the user


def test_credential_report_second_key_and_limits(tmp_path: Path) -> None:
    path = report(
        tmp_path, user("a", ("true", RECENT, RECENT), ("true", "2025-01-01T00:00:00Z", RECENT))
    )
    assert credential_report(path, NOW) == []  # 59 days: under the default 90
    (finding,) = credential_report(path, NOW, max_key_age=timedelta(days=30))
    assert (
        finding.rule == "secrets.aws-key-old" and "access key 2 is 59 days old" in finding.message
    )
    assert finding.evidence.startswith(
        "arn:aws:iam::123456789012:user/a access_key_2: issued 2025-01-01"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", ":1: empty"),
        ("user,arn\nx,y\n", ":1: not an IAM credential report: no column 'access_key_1_active'"),
        (f"{HEADER}\n{ROOT}\nshort,row\n", ":3: 2 fields, the header has 22"),
        (
            f"{HEADER}\n{ROOT.replace('true,false', 'true,maybe')}\n",
            ":2: access_key_1_active is 'maybe'",
        ),
        (
            f"{HEADER}\n" + user("u", ("true", "yesterday", RECENT)) + "\n",
            ":2: access_key_1_last_rotated",
        ),
        (f'{HEADER}\n"unterminated\n', ":2"),
    ],
)
def test_malformed_credential_report(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        credential_report(path, NOW)
    assert f"{path.as_posix()}{where}" in caught.value.message


def test_cli_credential_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    report(
        tmp_path, user("bot", ("true", "2020-01-01T00:00:00+00:00", "2020-02-01T00:00:00+00:00"))
    )
    argv = ["secrets", "scan", "src", "--credential-report", "credential-report.csv"]
    assert cli.run([*argv, "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert sorted(f["rule"] for f in found) == ["secrets.aws-key-old", "secrets.aws-key-unused"]
    assert {f["location"]["path"] for f in found} == {"credential-report.csv"}
    assert cli.run([*argv, "--max-key-age", "soon"]) == 2
    assert "--max-key-age" in capsys.readouterr().err
    (tmp_path / "credential-report.csv").write_text("user,arn\n", encoding="utf-8")
    assert cli.run(argv) == 2
    assert "credential-report.csv:1:" in capsys.readouterr().err
