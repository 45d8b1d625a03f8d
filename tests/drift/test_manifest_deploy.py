"""``[deploy] files`` in the manifest: globs that stay inside the manifest's folder."""

from __future__ import annotations

import pytest

from botwarden.errors import ManifestError
from botwarden.manifest import parse_manifest

BASE = 'schema_version = 1\n\n[bot]\nname = "x"\nowner = "y"\n\n[deploy]\n'


@pytest.mark.parametrize(
    "patterns", [[], ["config/settings.toml"], ["deploy/**/*.json", "Dockerfile", ".env.prod"]]
)
def test_valid_patterns(patterns: list[str]) -> None:
    listed = ", ".join(f'"{p}"' for p in patterns)
    manifest = parse_manifest(BASE + f"files = [{listed}]\n")
    assert manifest.deploy.files == patterns


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"../secrets.toml"', "must stay inside the manifest's folder"),
        ('"config/../../x"', "must stay inside the manifest's folder"),
        ('"/etc/passwd"', "is absolute"),
        ('"C:/bot/x.toml"', "is absolute"),
        ('"config\\\\x.toml"', "use '/' between folders"),
        ('"a//b"', "must stay inside"),
        ('""', "must not be an empty string"),
        ("3", "expected a string, got an integer"),
    ],
)
def test_invalid_patterns_name_file_line_and_field(value: str, message: str) -> None:
    text = BASE + f'files = [\n  "ok.toml",\n  {value},\n]\n'
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text, "bot/botwarden.toml")
    (issue,) = caught.value.issues
    assert (issue.path, issue.line, issue.field) == ("bot/botwarden.toml", 10, "deploy.files[1]")
    assert message in issue.message


def test_unknown_deploy_field_suggests_files() -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(BASE + 'file = ["x"]\n')
    assert "did you mean 'files'?" in caught.value.issues[0].message
