"""``botwarden ledger show|verify|export|keygen``: output, filters and exit codes, end to end
against a real SQLite ledger."""

from __future__ import annotations

import json
import sqlite3
import stat
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
import typer

from botwarden import cli
from botwarden.cli_ledger import app as ledger_app
from botwarden.ledger import open_ledger, write_key_pair

Run = Callable[..., tuple[int, str, str]]

RECORDS = [
    ("i-1", {"time": 1_795_685_400.0, "bot": "bibliobot", "verdict": "allow", "code": "allowed",
             "rule": "egress.allow[0]", "reason": "allowed", "method": "GET",
             "target": "https://api.feedly.com/v3/streams/x"}),
    ("i-1", {"time": 1_795_685_460.5, "bot": "bibliobot", "verdict": "deny",
             "code": "metadata-address", "rule": "default-deny",
             "reason": "metadata\nfake 2026-01-01T00:00:00.000Z allow line", "method": "GET",
             "target": "http://169.254.169.254/latest/"}),
    ("i-2", {"time": 1_795_685_520.25, "bot": "otherbot", "verdict": "deny",
             "code": "action-not-allowed", "rule": "capability[0]", "reason": "not declared",
             "action": "s3:PutObject", "resource": "arn:aws:s3:::biblio-data/x"}),
]  # fmt: skip


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``cli.run`` with the ``ledger`` group, mounted here if the root app does not have it."""
    if not any(group.name == "ledger" for group in cli.app.registered_groups):
        root = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
        root.callback()(lambda: None)
        root.add_typer(ledger_app, name="ledger")
        monkeypatch.setattr(cli, "app", root)
    monkeypatch.delenv("BOTWARDEN_STORE", raising=False)

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.run(["ledger", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The ledger a SQLite state store at ``tmp_path / "state.db"`` has beside it."""
    path = tmp_path / "ledger.db"
    ledgers = {name: open_ledger(f"sqlite:///{path}", instance=name) for name in ("i-1", "i-2")}
    for instance, record in RECORDS:
        ledgers[instance].append(record)
    for ledger in ledgers.values():
        ledger.close()
    return path


def store(path: Path) -> str:
    return f"sqlite:///{path}"


def test_show_text_is_one_line_per_entry(run: Run, db: Path) -> None:
    code, out, _ = run("show", "--store", store(db))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "2026-11-26T09:30:00.000Z allow bibliobot GET https://api.feedly.com/v3/streams/x "
        'rule=egress.allow[0] code=allowed reason="allowed" [i-1#1]'
    )
    assert 'reason="metadata\\nfake 2026' in lines[1]  # a record cannot forge a line
    assert lines[2].startswith("2026-11-26T09:32:00.250Z deny otherbot s3:PutObject arn:aws:s3")


@pytest.mark.parametrize(
    ("options", "seqs"),
    [
        ([], [("i-1", 1), ("i-1", 2), ("i-2", 1)]),
        (["--bot", "bibliobot"], [("i-1", 1), ("i-1", 2)]),
        (["--verdict", "deny"], [("i-1", 2), ("i-2", 1)]),
        (["--instance", "i-2"], [("i-2", 1)]),
        (["--since", "2026-11-26T09:31:00Z"], [("i-1", 2), ("i-2", 1)]),
        (["--since", "1d"], []),  # the records are dated 2026-11-26; "now" is later in tests
        (["--bot", "bibliobot", "--verdict", "deny"], [("i-1", 2)]),
    ],
)
def test_show_json_and_filters(
    run: Run,
    db: Path,
    options: list[str],
    seqs: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setattr(time, "time", lambda: 1_795_685_520.25 + 2 * 86400)
    code, out, _ = run("show", "--store", store(db), "--format", "json", *options)
    assert code == 0
    entries = [json.loads(line) for line in out.splitlines()]
    assert [(e["instance"], e["seq"]) for e in entries] == seqs
    assert all(
        set(e) == {"instance", "seq", "time", "record", "prev_hash", "hash"} for e in entries
    )


def test_show_is_a_table_on_a_terminal(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run("show", "--store", store(db), "--bot", "otherbot")
    assert code == 0
    assert "verdict" in out.splitlines()[0]
    assert "s3:PutObject" in out


def test_store_defaults_to_the_environment(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTWARDEN_STORE", store(db))
    code, out, _ = run("show")
    assert (code, len(out.splitlines())) == (0, 3)


def test_store_defaults_to_the_current_folder(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(db.parent)
    code, _, err = run("verify")
    assert code == 2
    expected = db.parent.resolve() / ".botwarden" / "ledger.db"
    assert f"no ledger database at {expected}" in err
    (db.parent / ".botwarden").mkdir()
    db.rename(db.parent / ".botwarden" / "ledger.db")
    assert run("verify")[0] == 0


def _bot_folder(db: Path) -> Path:
    """A bot's folder with a manifest, holding ``db`` where ``run`` writes its ledger."""
    folder = db.parent / "bot"
    (folder / ".botwarden").mkdir(parents=True)
    (folder / "botwarden.toml").write_text('[bot]\nname = "bibliobot"\n')
    db.rename(folder / ".botwarden" / "ledger.db")
    return folder


@pytest.mark.parametrize("named", ["manifest", "folder"])
def test_manifest_option_reads_the_ledger_run_writes_beside_it(
    run: Run, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    folder = _bot_folder(db)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run("verify")[0] == 2  # nothing in the current folder
    target = folder / "botwarden.toml" if named == "manifest" else folder
    code, out, _ = run("show", "--manifest", str(target))
    assert (code, len(out.splitlines())) == (0, 3)
    assert run("verify", "-m", str(target))[0] == 0


def test_a_redis_store_ledger_is_beside_the_manifest(run: Run, db: Path) -> None:
    """Redis holds no ledger: ``run`` writes it to ``.botwarden/ledger.db`` by the manifest."""
    folder = _bot_folder(db)
    code, out, _ = run("show", "--store", "redis://127.0.0.1:6379/0", "-m", str(folder))
    assert (code, len(out.splitlines())) == (0, 3)


def test_ledger_option_names_the_ledger_itself(run: Run, db: Path) -> None:
    elsewhere = db.rename(db.parent / "audit.db")
    assert run("verify", "--store", store(db.parent / "state.db"))[0] == 2  # none beside it
    code, out, _ = run("show", "--ledger", f"sqlite:///{elsewhere}")
    assert (code, len(out.splitlines())) == (0, 3)


def test_verify_ok_then_tampered(run: Run, db: Path) -> None:
    code, out, _ = run("verify", "--store", store(db))
    assert code == 0
    assert out.startswith("ok: 3 entries in 2 instance chains; 0 checkpoints matched")
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE ledger_entries SET verdict = 'allow' WHERE seq = 2")
    code, out, _ = run("verify", "--store", store(db))
    assert code == 1
    assert out.startswith("FAILED: instance 'i-1' seq 2: the verdict column ('allow') does not")
    assert "before it: 1 entries in 1 instance chains" in out


def test_verify_with_a_public_key(run: Run, tmp_path: Path) -> None:
    key = tmp_path / "ledger.key"
    public, _ = write_key_pair(key)
    ledger = open_ledger(store(tmp_path / "l.db"), signing_key=key)
    ledger.append({"bot": "b"})
    ledger.close()
    code, out, _ = run("verify", "--ledger", store(tmp_path / "l.db"), "--public-key", str(public))
    assert (code, out.strip()) == (
        0,
        "ok: 1 entries in 1 instance chains; 1 signed checkpoints verified",
    )
    other, _ = write_key_pair(tmp_path / "other.key")
    code, out, _ = run("verify", "--ledger", store(tmp_path / "l.db"), "--public-key", str(other))
    assert code == 1
    assert "checkpoint signed by key" in out


@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_export(run: Run, db: Path, tmp_path: Path, output_format: str) -> None:
    target = tmp_path / f"out.{output_format}"
    code, out, err = run("export", "--store", store(db), "--format", output_format, "-o",
                         str(target), "--verdict", "deny")  # fmt: skip
    assert (code, out) == (0, "")
    assert "exported 2 entries" in err
    text = target.read_text(encoding="utf-8")
    assert len(text.splitlines()) == (
        2 if output_format == "jsonl" else 4
    )  # csv: header, \n in a cell
    code, out, _ = run(
        "export", "--store", store(db), "--format", output_format, "--verdict", "deny"
    )
    assert (code, out) == (0, text)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "--since", "yesterday"], "--since: 'yesterday' is neither an ISO 8601 time"),
        (["show", "--format", "xml"], "--format 'xml': expected text or json"),
        (["export", "--format", "xml"], "--format 'xml': expected jsonl or csv"),
        (["verify", "--public-key", "/nonexistent/key.pub"], "cannot read key file"),
        (["export", "--format", "csv", "-o", "/nonexistent/dir/x.csv"], "cannot be written"),
    ],
)
def test_bad_input_exits_2(run: Run, db: Path, argv: list[str], message: str) -> None:
    code, out, err = run(*argv, "--store", store(db))
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_bad_stores_exit_2(run: Run, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database, but it is long enough to look like one" * 20)
    cases = [
        (store(tmp_path / "missing.db"), "no ledger database at"),
        (store(corrupt), "file is not a database"),
        ("redis://127.0.0.1:6379/0", "cannot live in Redis"),
        ("sqlite://relative.db", "three slashes"),
    ]
    for url, message in cases:
        code, _, err = run("verify", "--ledger", url)
        assert code == 2, url
        assert message in err
        assert len(err.strip().splitlines()) <= 2  # the error, and maybe a hint
    assert not (tmp_path / "missing.db").exists()  # reading never creates a database


def test_a_database_without_ledger_tables_is_an_empty_ledger(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE budgets (key TEXT)")
    code, out, _ = run("verify", "--ledger", store(path))
    assert (code, out.split(";")[0]) == (0, "ok: 0 entries in 0 instance chains")
    assert run("show", "--ledger", store(path)) == (0, "", "")


def test_keygen(run: Run, tmp_path: Path) -> None:
    key = tmp_path / "ledger.key"
    code, out, _ = run("keygen", str(key))
    assert code == 0
    assert f"wrote {key} (private key, mode 0600) and {key}.pub (public key); key id " in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    code, _, err = run("keygen", str(key))
    assert (code, "already exists" in err) == (2, True)
    assert run("keygen", str(key), "--force")[0] == 0


def test_docs_describe_every_option_of_every_command() -> None:
    import re

    doc = (Path(__file__).parents[1] / "docs" / "ledger.md").read_text(encoding="utf-8")
    commands = typer.main.get_command(ledger_app).commands  # type: ignore[attr-defined]
    assert set(commands) == {"show", "verify", "export", "keygen"}
    for name, command in commands.items():
        heading = f"### `botwarden ledger {name}"
        assert heading in doc, name
        section = doc.split(heading, 1)[1].split("\n### ", 1)[0]
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert re.search(rf"`{re.escape(option)}\b", section), (name, option)


def test_a_manifest_that_does_not_exist_is_an_error(run: Run, tmp_path: Path) -> None:
    code, _, err = run("show", "--manifest", str(tmp_path / "no-such-bot"))
    assert code == 2
    assert "--manifest" in err and "no such file or folder" in err
