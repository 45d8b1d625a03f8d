"""``botwarden secrets``: a value goes in only by stdin or a prompt, and out only by --reveal."""

from __future__ import annotations

import base64
import getpass
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from botwarden import cli
from botwarden.cli_secrets import app as secrets_app
from botwarden.secrets.local import KEY_ENV, LocalStore

SECRET = "ghp_Zx9Q2bW7rT4yU8iO0pL3kJ6hG5fD1sA"
Run = Callable[..., tuple[int, str, str]]


class Stdin(io.StringIO):
    def __init__(self, text: str = "", *, tty: bool = False) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """The real ``cli.run`` (its error mapping) over a root with ``secrets`` mounted."""
    root = typer.Typer(pretty_exceptions_enable=False, add_completion=False, rich_markup_mode=None)
    root.add_typer(secrets_app, name="secrets")
    monkeypatch.setattr(cli, "app", root)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(KEY_ENV, raising=False)

    def invoke(*argv: str, stdin: str | None = None, tty: bool = False) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", Stdin(stdin or "", tty=tty))
        code = cli.run(["secrets", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_set_then_get_reveal_round_trips_exactly(run: Run, tmp_path: Path) -> None:
    code, out, err = run("set", "token", "--value-stdin", stdin=SECRET + "\n")
    assert (code, err) == (0, "")
    assert out.startswith("stored token version 1 in ")
    assert (tmp_path / ".botwarden" / "secrets.json").exists()
    assert run("get", "token", "--reveal") == (0, SECRET, "")


def test_get_without_reveal_shows_metadata_and_a_redacted_value(run: Run) -> None:
    run("set", "token", "--value-stdin", stdin=SECRET)
    run("rotate", "token", "--value-stdin", stdin=SECRET + "-2")
    code, out, _ = run("get", "token")
    assert code == 0
    assert "version: 2 (kept: 1, 2)" in out
    assert "by: rotate" in out
    assert "value: ghp_…-2 (redacted; --reveal prints it)" in out
    assert SECRET not in out
    code, out, _ = run("get", "token", "--version", "1")
    assert "version: 1 (kept: 1, 2)" in out
    assert "by: set" in out
    assert run("get", "token", "--version", "1", "--reveal")[1] == SECRET


def test_list_is_a_table_without_values(run: Run) -> None:
    assert run("list") == (0, "no secrets stored\n", "")
    run("set", "feedly_token", "--value-stdin", stdin=SECRET)
    run("rotate", "feedly_token", "--value-stdin", stdin=SECRET + "x")
    run("set", "db", "--value-stdin", stdin="short")
    code, out, _ = run("list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["NAME", "VERSIONS", "CREATED", "ROTATED", "AGE"]
    assert [line.split()[0] for line in lines[1:]] == ["db", "feedly_token"]
    assert "never" in lines[1]
    assert "2 (kept 2)" in lines[2]
    assert lines[2].split()[-1].endswith("s")  # an age in seconds
    assert SECRET not in out
    assert "short" not in out
    listed = json.loads(run("list", "--format", "json")[1])
    assert [(s["name"], s["versions"], s["rotated"] is None) for s in listed] == [
        ("db", [1], True), ("feedly_token", [1, 2], False),
    ]  # fmt: skip


def test_interactive_prompt_asks_twice(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []
    answers = iter([SECRET, SECRET, SECRET, "typo"])

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert run("set", "token", tty=True)[0] == 0
    assert prompts == ["value for token: ", "again: "]
    code, out, err = run("rotate", "token", tty=True)
    assert (code, out) == (2, "")
    assert err == "botwarden: error: the two values typed do not match; nothing was stored\n"
    assert SECRET not in err
    assert run("get", "token")[1].count("version: 1") == 1


@pytest.mark.parametrize(
    ("argv", "stdin", "reason"),
    [
        (["set", "token"], SECRET, "stdin is not a terminal: pass --value-stdin"),
        (["set", "token", "--value-stdin"], "\n", "empty value; nothing was stored"),
        (["rotate", "nope", "--value-stdin"], SECRET, "no secret 'nope'"),
        (["get", "nope"], None, "no secret 'nope'"),
        (["get", "token", "--version", "9"], None, "no version 9"),
        (["list", "--format", "xml"], None, "--format 'xml': expected text or json"),
        (["set", "bad\tname", "--value-stdin"], SECRET, "is not valid"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_exit_2(
    run: Run, argv: list[str], stdin: str | None, reason: str
) -> None:
    run("set", "token", "--value-stdin", stdin=SECRET)
    code, out, err = run(*argv, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("botwarden: error: ")
    assert reason in err
    assert SECRET not in err


def test_value_is_never_an_argument(run: Run) -> None:
    code, _, _ = run("set", "token", SECRET)
    assert code == 2
    assert not Path(".botwarden/secrets.json").exists()


def test_open_store_permissions_are_refused(run: Run) -> None:
    run("set", "token", "--value-stdin", stdin=SECRET)
    Path(".botwarden/secrets.json").chmod(0o644)
    code, out, err = run("get", "token")
    assert (code, out) == (2, "")
    assert "open to group or others (mode 0644); run `chmod 600" in err
    assert err.count("\n") == 1


def test_wrong_key_file(run: Run, tmp_path: Path) -> None:
    run("set", "token", "--value-stdin", stdin=SECRET)
    other = tmp_path / "other.key"
    other.write_bytes(os.urandom(32))
    other.chmod(0o600)
    code, out, err = run("get", "token", "--key-file", str(other))
    assert (code, out) == (2, "")
    assert "cannot decrypt: wrong key or tampered store" in err
    assert "Traceback" not in err


def test_path_manifest_and_environment_key(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = tmp_path / "bot"
    bot.mkdir()
    (bot / "botwarden.toml").write_text("[bot]\nname = 'x'\n", encoding="utf-8")
    run("set", "a", "--value-stdin", "-m", str(bot / "botwarden.toml"), stdin=SECRET)
    assert (bot / ".botwarden" / "secrets.json").exists()
    assert run("get", "a", "--reveal", "-m", str(bot))[1] == SECRET

    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv(KEY_ENV, key)
    store = tmp_path / "elsewhere" / "s.json"
    assert run("set", "b", "--value-stdin", "--path", str(store), stdin=SECRET)[0] == 0
    assert not (store.parent / "secrets.key").exists()
    assert LocalStore(store).get("b").value.reveal() == SECRET


def test_keep_prunes_old_versions(run: Run) -> None:
    for index in range(4):
        run("set", "t", "--value-stdin", "--keep", "2", stdin=f"{SECRET}{index}")
    assert "version: 4 (kept: 3, 4)" in run("get", "t")[1]


def test_no_output_ever_holds_the_value_without_reveal(run: Run) -> None:
    outputs: list[str] = []
    for argv, stdin in [
        (["set", "token", "--value-stdin"], SECRET),
        (["rotate", "token", "--value-stdin"], SECRET * 2),
        (["get", "token"], None),
        (["get", "token", "--version", "1"], None),
        (["list"], None),
        (["list", "--format", "json"], None),
        (["rotate", "token"], SECRET),  # refused: not a terminal
        (["set", "", "--value-stdin"], SECRET),  # refused: bad name
    ]:
        _, out, err = run(*argv, stdin=stdin)
        outputs += [out, err]
    assert outputs
    for text in outputs:
        assert SECRET[:12] not in text


def test_docs_mention_every_command_and_option() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "secrets.md").read_text(encoding="utf-8")
    group = typer.main.get_command(secrets_app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        assert f"`{name} NAME" in doc or f"`{name} [" in doc, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in doc, f"docs/secrets.md does not mention {name} {opt}"
