"""False-positive control: each filter's reason, on real lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.secrets.scan_rules import AWS_ID, GENERIC, GITHUB, RULES, github_pat, token

from botwarden.errors import UsageError
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import Candidate, ScanConfig, rejection
from botwarden.secrets.scan.engine import SecretScanner

SCANNER = SecretScanner(RULES)
PAT = github_pat()


@pytest.mark.parametrize(
    "line",
    [
        "api_key = YOUR_API_KEY_GOES_HERE_1234",
        "api_key = 'your-api-key-here-please'",
        "token = ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "api_key: <token-from-the-console>",
        "password = ${DATABASE_PASSWORD_FROM_ENV}",
        "token: {{ vault_bot_token_value }}",
        "secret = changeme_before_deploy_2024",
        "api_key = 'sk-example-0123456789abcdefgh'",
        "password = '****************'",
        'token = "abc...def1234567890xyz"',
    ],
)
def test_placeholders_are_not_reported(line: str) -> None:
    assert SCANNER.scan_text(line + "\n") == []


@pytest.mark.parametrize(
    "value",
    [
        "ghp_RajEBQjkl1k4X3BFFakEVSMHt36PsFm5fz8S",  # a key that drew "FakE" by chance
        "ghp_Q7xfakeQ2mZ9kLp0rT4vW8yB1nC6dF3gH5jK",
        "ghp_9dUmMyk2LqZ8xW4vT0rP6nB1mC3fG5hJ7kXx",
        "ghp_a8XxXx2LqZ8xW4vT0rP6nB1mC3fG5hJ7kSaM",
    ],
)
def test_placeholder_words_met_by_chance_inside_a_key_do_not_hide_it(value: str) -> None:
    assert [f.rule.id for f in SCANNER.scan_text(f"token = {value}\n")] == ["github-pat"]


@pytest.mark.parametrize(
    "line",
    [
        "token = ghp_fakefakefakefakefakefakefakefakefake",
        "token = ghp_MyFakeToken0123456789abcdABCDzzzzzzz",
        "aws = AKIAIOSFODNN7EXAMPLE",
        "token = ghp_0123456789QWRTZPDUMMY012345678901234",
    ],
)
def test_placeholder_words_as_words_mark_a_made_up_value(line: str) -> None:
    assert GITHUB.pattern.search(line) or AWS_ID.pattern.search(line)  # the shape alone matches
    assert SCANNER.scan_text(line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        f"api_key = {token(32)}  # example only",
        f"token = '{token(32)}'  // dummy value",
        f"FAKE token = {token(32)}",
        f"password = {token(24)}  # test",
    ],
)
def test_marked_lines_are_not_reported(line: str) -> None:
    assert SCANNER.scan_text(line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        "api_key_id = 3f2504e0-4f89-11d3-9a0c-0305e82c3301",  # an identifier
        "token_hash = 9e107d9d372bb6826bd81d3542a419d6",  # md5
        "secret_digest = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",  # sha1
        "tokenSha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "token: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  # checksum",
    ],
)
def test_uuids_and_hex_digests_under_hash_or_id_names_are_not_secrets(line: str) -> None:
    assert SCANNER.scan_text(line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        "api_key = 3f2504e0-4f89-11d3-9a0c-0305e82c3301",  # issuers hand out UUID keys
        "client_secret = 9e107d9d372bb6826bd81d3542a419d6",
        "SECRET_KEY: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ],
)
def test_hex_and_uuid_values_under_a_secrets_own_name_are_secrets(line: str) -> None:
    assert SCANNER.scan_text(line + "\n") != []


def test_a_specific_rule_is_not_dismissed_for_looking_like_hex() -> None:
    """Shape filters apply to generic rules only: a prefixed key stays a key."""
    candidate = Candidate(GITHUB, PAT, f"x = {PAT}", 4, "a.py")
    assert rejection(candidate, ScanConfig()) is None


def test_lock_file_integrity_hashes_are_not_reported(tmp_path: Path) -> None:
    lock = tmp_path / "package-lock.json"
    digest = token(86) + "=="
    lock.write_text(
        f'{{"node_modules/x": {{"integrity": "sha512-{digest}", "token_hash": "{token(40)}"}}}}\n',
        encoding="utf-8",
    )
    assert SCANNER.scan_text(lock.read_text("utf-8"), "package-lock.json") == []
    assert SCANNER.scan_text(f"api_key = sha256:{token(64)}\n") == []


def test_real_looking_values_are_reported() -> None:
    text = f"feedly_api_key = '{token(48)}'\nGH = {PAT}\n"
    assert [h.rule.id for h in SCANNER.scan_text(text)] == ["generic-api-key", "github-pat"]


def test_reasons_are_named() -> None:
    def reason(secret: str, line: str, rule: SecretRule = GENERIC) -> str | None:
        candidate = Candidate(rule, secret, line, line.index(secret), "a.py")
        return rejection(candidate, ScanConfig())

    placeholder = "ghp_" + "x" * 36
    assert reason(placeholder, f"k = {placeholder}", GITHUB) == "a placeholder, not a value"
    value, uuid = token(30), "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    assert reason(value, f"k = {value} # example") == "the line marks it as an example"
    assert reason(uuid, f"k_id = {uuid}") == "a UUID under an identifier's name"
    assert reason(uuid, f"k = {uuid}") is None
    assert reason("abc", "k = abc").startswith("the rule's own checks")
    assert reason(value, f"k = {value}") is None


def test_allow_list_and_fixtures_from_config(tmp_path: Path) -> None:
    allowed, other = "Zq" + token(30), token(32)
    config_file = tmp_path / "scan.toml"
    config_file.write_text(
        'fixtures = ["tests/fixtures/**"]\n[allow]\n"generic-api-key" = ["^Zq"]\n', encoding="utf-8"
    )
    config = ScanConfig.read(config_file)
    scanner = SecretScanner(RULES, config)
    text = f"api_key = {allowed}\napi_key = {other}\n"
    assert [h.secret for h in scanner.scan_text(text, "src/a.py")] == [other]
    assert scanner.scan_text(text, "tests/fixtures/keys/a.env") == []
    assert [h.secret for h in SecretScanner(RULES).scan_text(text)] == [allowed, other]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("allow = 3\n", "allow: expected a table"),
        ('[allow]\nx = ["("]\n', "bad regular expression"),
        ("nope = 1\n", "unknown key 'nope'"),
        ("fixtures = [1]\n", "fixtures: expected a list"),
        ("[allow\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        ScanConfig.read(path)
