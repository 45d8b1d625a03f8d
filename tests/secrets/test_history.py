"""``--history``: credentials in any commit of a real git repository, built in ``tmp_path``.

The small rule set of ``scan_rules`` pins the engine; the PEM test uses the packaged catalogue,
which knows private keys.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st
from tests.secrets.scan_rules import RULES, aws_id, aws_secret, github_pat

from botwarden import cli
from botwarden.errors import UsageError
from botwarden.secrets.scan import run as scan_run
from botwarden.secrets.scan.engine import SecretScanner, load_rules
from botwarden.secrets.scan.history import (
    Added,
    added_blocks,
    history_hits,
    merge_history,
    parse_log,
    scan_history,
)

SCANNER = SecretScanner(RULES)


class Repo:
    """A real git repository; each commit gets the author date it is given."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True,
                              check=True, env=env)  # fmt: skip
        return done.stdout.decode()

    def write(self, path: str, content: str | bytes) -> None:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        file.write_bytes(content)

    def commit(self, message: str, date: str = "2024-03-01T12:00:00+00:00") -> str:
        self.git("add", "-A")
        self.git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q",
                 "--allow-empty", "-m", message, "--date", date)  # fmt: skip
        return self.git("rev-parse", "--short", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture(autouse=True)
def _test_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_run, "load_rules", lambda: RULES)


def hits_of(repo: Repo, scanner: SecretScanner = SCANNER) -> list[tuple[str, str, int, str]]:
    hits, _ = scan_history(scanner, repo.root)
    return sorted((h.path, h.commit.short, h.line, h.commit.date) for h in hits)


def test_a_deleted_key_is_found_with_its_commit_and_date(repo: Repo) -> None:
    token = github_pat()
    repo.write("app.py", "import os\n")
    repo.commit("start", "2024-01-05T10:00:00+00:00")
    repo.write("app.py", f'import os\nTOKEN = "{token}"\n')
    added = repo.commit("add the token", "2024-02-06T11:00:00+02:00")
    repo.write("app.py", "import os\nTOKEN = os.environ['TOKEN']\n")
    repo.commit("remove it", "2024-02-07T09:00:00+00:00")
    assert hits_of(repo) == [("app.py", added, 2, "2024-02-06T11:00:00+02:00")]


def test_cli_reports_in_history_for_a_deleted_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = github_pat()
    repo.write("config/settings.ini", f"token = {token}\n")
    added = repo.commit("oops", "2024-02-06T11:00:00+00:00")
    repo.git("rm", "-q", "config/settings.ini")
    repo.commit("gone")
    monkeypatch.chdir(repo.root.parent)
    assert cli.run(["secrets", "scan", "repo", "--format", "json"]) == 0  # nothing in the files
    capsys.readouterr()
    assert cli.run(["secrets", "scan", "repo", "--history", "--format", "json"]) == 1
    out = capsys.readouterr().out
    (finding,) = json.loads(out)["findings"]
    assert finding["rule"] == "secrets.in-history"
    assert finding["location"] == {"path": "repo/config/settings.ini", "line": 1, "column": 9}
    assert "rotate it: it is in the history" in finding["message"]
    assert added in finding["message"] and "2024-02-06T11:00:00+00:00" in finding["evidence"]
    assert token not in out and token[4:-2] not in out


def test_a_key_still_in_the_files_is_reported_once_as_hardcoded(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = github_pat()
    repo.write("app.py", f'TOKEN = "{token}"\n')
    added = repo.commit("add", "2024-01-01T00:00:00+00:00")
    repo.write("moved/app.py", f'TOKEN = "{token}"\n')  # copied elsewhere: still the same key
    repo.commit("copy", "2024-01-02T00:00:00+00:00")
    monkeypatch.chdir(repo.root)
    assert cli.run(["secrets", "scan", ".", "--history", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["rule"] for f in findings} == {"secrets.hardcoded"}
    assert len(findings) == 2  # one per file holding it, none for the history
    assert all(f"in the history since commit {added}" in f["message"] for f in findings)


def test_branches_tags_and_side_commits_are_scanned(repo: Repo) -> None:
    repo.write("README", "hello\n")
    repo.commit("start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", f'KEY = "{github_pat()}"\n')
    side = repo.commit("side", "2024-04-01T00:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "feature")
    repo.git("tag", "kept", side)  # only a tag reaches the commit now
    assert [h[:2] for h in hits_of(repo)] == [("feature.py", side)]


def test_a_key_added_in_a_merge_resolution_is_found(repo: Repo) -> None:
    repo.write("a.txt", "base\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "other")
    repo.write("a.txt", "other\n")
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write("a.txt", "mine\n")
    repo.commit("mine")
    subprocess.run(["git", "-C", str(repo.root), "merge", "-q", "other"], capture_output=True,
                   check=False)  # fmt: skip  # a conflict, resolved by hand with a key
    repo.write("a.txt", f"resolved {github_pat()}\n")
    merge = repo.commit("merge", "2024-05-01T00:00:00+00:00")
    assert [h[:2] for h in hits_of(repo)] == [("a.txt", merge)]


def test_each_key_is_reported_at_its_oldest_commit(repo: Repo) -> None:
    token = github_pat()
    repo.write("a.py", f'T = "{token}"\n')
    first = repo.commit("one", "2023-06-01T00:00:00+00:00")
    repo.write("a.py", "")
    repo.commit("drop", "2023-06-02T00:00:00+00:00")
    repo.write("a.py", f'T = "{token}"\n')
    repo.commit("again", "2023-06-03T00:00:00+00:00")
    assert [h[1] for h in hits_of(repo)] == [first]


def test_renames_binary_files_and_odd_names(repo: Repo) -> None:
    token = github_pat()
    repo.write("old name.py", f'T = "{token}"\n')
    first = repo.commit("add", "2024-01-01T00:00:00+00:00")
    repo.git("mv", "old name.py", "new\tname.py")
    repo.write("blob.bin", b"\0\1\2" + token.encode() + b"\0")
    repo.write("latin1.txt", b"caf\xe9 " + f"T={github_pat()}\n".encode())
    second = repo.commit("rename and binaries", "2024-01-02T00:00:00+00:00")
    assert [h[:3] for h in hits_of(repo)] == [("latin1.txt", second, 1), ("old name.py", first, 1)]


def test_a_pem_key_in_history_is_found_as_a_block(repo: Repo) -> None:
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    repo.write("deploy/key.pem", b"# deploy key\n" + key)
    added = repo.commit("key")
    repo.git("rm", "-q", "deploy/key.pem")
    repo.commit("rm")
    (hit,) = hits_of(repo, SecretScanner(load_rules()))
    assert hit[:3] == ("deploy/key.pem", added, 2)


def test_the_pair_of_a_key_is_one_hit(repo: Repo) -> None:
    repo.write(".env", f"AWS_ACCESS_KEY_ID={aws_id()}\nAWS_SECRET_ACCESS_KEY={aws_secret()}\n")
    repo.commit("env")
    hits, _ = scan_history(SCANNER, repo.root)
    assert len(hits) == 1 and "(a key pair)" in hits[0].kind


def test_an_ignored_path_is_not_scanned(repo: Repo) -> None:
    repo.write(".botwarden-ignore", "fixtures/\n")
    repo.write("fixtures/token.txt", github_pat() + "\n")
    repo.commit("fixtures")
    assert hits_of(repo) == []


def test_a_subfolder_limits_the_history(repo: Repo) -> None:
    repo.write("a/x.py", f'T = "{github_pat()}"\n')
    repo.write("b/y.py", f'T = "{github_pat()}"\n')
    repo.commit("both")
    hits, _ = scan_history(SCANNER, repo.root / "b")
    assert [h.path for h in hits] == ["b/y.py"]


def test_an_empty_repository_has_no_history(repo: Repo) -> None:
    assert list(added_blocks(repo.root)) == []


def test_outside_a_repository_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").mkdir()
    assert cli.run(["secrets", "scan", str(tmp_path / "plain"), "--history"]) == 2
    assert "not in a git repository" in capsys.readouterr().err


# -- the parser on its own ----------------------------------------------------------------------

LOG = b"""\0\0commit 0123456789abcdef 0123456 2024-01-02T03:04:05+00:00

diff --git a/x.py b/x.py
index 1..2 100644
--- a/x.py
+++ b/x.py
@@ -1 +1,2 @@
-old
+new one
+++ looks like a header
\\ No newline at end of file
@@ -10,0 +12 @@ def f():
+later
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git "a/q\\"t\\303\\251.py" "b/q\\"t\\303\\251.py"
--- "a/q\\"t\\303\\251.py"
+++ "b/q\\"t\\303\\251.py"
@@ -0,0 +1 @@
+quoted
"""


def test_parse_log() -> None:
    blocks = [(a.path, a.line, a.text) for a in parse_log(LOG.splitlines(keepends=True))]
    assert blocks == [
        ("x.py", 1, "new one\n++ looks like a header\n"),
        ("x.py", 12, "later\n"),
        ('q"t\u00e9.py', 1, "quoted\n"),
    ]


@given(st.lists(st.binary(max_size=40), max_size=30))
def test_parse_log_fails_only_with_a_usage_error(lines: list[bytes]) -> None:
    try:
        for added in parse_log(line + b"\n" for line in lines):
            assert isinstance(added, Added)
    except UsageError as exc:
        assert "unexpected commit header" in exc.message


def test_a_bad_commit_header_is_refused() -> None:
    with pytest.raises(UsageError, match="unexpected commit header"):
        list(parse_log([b"\0\0commit abc def not-a-date\n"]))


def test_merge_keeps_findings_without_history() -> None:
    assert merge_history([], []) == []
    hits = history_hits(SCANNER, [])
    assert hits == []
