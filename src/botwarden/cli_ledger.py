"""``botwarden ledger``: show, verify and export the decision ledger; make a signing key.

Wiring only: the library is :mod:`botwarden.ledger`. Every command reads the ledger that
``botwarden run`` and ``botwarden proxy`` write for the same options: the one named by
``--ledger``, else the one beside the state store named by ``--store``, else by
``$BOTWARDEN_STORE``, else ``.botwarden/state.db`` beside the manifest (``--manifest``, by
default the one in the current folder; a SQLite store's ledger is ``ledger.db`` in its folder,
a Redis store's ``.botwarden/ledger.db`` beside the manifest). It opens the ledger read-only: a
missing database is an input error (exit 2), not an empty ledger.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from botwarden.cli_state import ManifestOption, ledger_url_for, manifest_folder, store_url_for
from botwarden.cli_support import EXIT_CLEAN, EXIT_FINDINGS, err
from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.ledger import Entry, Ledger, Verification

app = typer.Typer(help="The decision ledger: show, verify, export.", no_args_is_help=True)

Store = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="State store URL whose ledger to read (default: $BOTWARDEN_STORE, then "
        ".botwarden/state.db beside the manifest; a SQLite store's ledger is ledger.db beside "
        "it, a Redis store's .botwarden/ledger.db beside the manifest).",
    ),
]
LedgerOption = Annotated[
    str | None,
    typer.Option("--ledger", help="The ledger's own URL, as given to --ledger of proxy or run."),
]
Bot = Annotated[str | None, typer.Option("--bot", help="Only this bot's entries.")]
Since = Annotated[
    str | None,
    typer.Option("--since", help="Only entries since an ISO 8601 time or a duration ago (15m)."),
]
VerdictOption = Annotated[
    str | None, typer.Option("--verdict", help="Only entries with this verdict (allow, deny...).")
]
Instance = Annotated[str | None, typer.Option("--instance", help="Only this instance's chain.")]


def open_for_reading(store: str | None, ledger: str | None, manifest: Path) -> Ledger:
    """The ledger ``run`` and ``proxy`` write with these options, opened read-only."""
    from botwarden.ledger import open_ledger

    base = manifest_folder(manifest)
    return open_ledger(ledger_url_for(ledger, store_url_for(store, base), base), read_only=True)


def filters(
    bot: str | None, since: str | None, verdict: str | None, instance: str | None
) -> dict[str, Any]:
    from botwarden.ledger.timespec import parse_since

    start = None
    if since is not None:
        try:
            start = parse_since(since, time.time())
        except ValueError as exc:
            raise UsageError(f"--since: {exc}") from None
    return {"bot": bot, "since": start, "verdict": verdict, "instance": instance}


@app.command("show")
def show(
    store: Store = None,
    ledger: LedgerOption = None,
    manifest: ManifestOption = Path(),
    bot: Bot = None,
    since: Since = None,
    verdict: VerdictOption = None,
    instance: Instance = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text (a table on a terminal) or json (JSON Lines).")
    ] = "text",
) -> None:
    """List recorded decisions, oldest first."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r}: expected text or json")
    entries = open_for_reading(store, ledger, manifest).entries(
        **filters(bot, since, verdict, instance)
    )
    with _stdout_may_close():
        if output_format == "json":
            _write(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in entries)
        elif sys.stdout.isatty():
            _table(entries)
        else:
            _write(describe(entry) + "\n" for entry in entries)


@app.command("verify")
def verify(
    store: Store = None,
    ledger: LedgerOption = None,
    manifest: ManifestOption = Path(),
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key", help="PEM public key (or the key file) that signed the checkpoints."
        ),
    ] = None,
) -> None:
    """Check every chain and checkpoint; exit 1 naming the first bad entry."""
    result = open_for_reading(store, ledger, manifest).verify(public_key)
    typer.echo(summary(result))
    raise typer.Exit(EXIT_CLEAN if result.ok else EXIT_FINDINGS)


@app.command("export")
def export(
    output_format: Annotated[str, typer.Option("--format", help="jsonl or csv.")],
    store: Store = None,
    ledger: LedgerOption = None,
    manifest: ManifestOption = Path(),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    bot: Bot = None,
    since: Since = None,
    verdict: VerdictOption = None,
    instance: Instance = None,
) -> None:
    """Write entries as JSON Lines (lossless) or CSV."""
    from botwarden.ledger import EXPORT_FORMATS

    if output_format not in EXPORT_FORMATS:
        raise UsageError(f"--format {output_format!r}: expected jsonl or csv")
    reader = open_for_reading(store, ledger, manifest)
    chosen = filters(bot, since, verdict, instance)
    if output is None:
        with _stdout_may_close():
            count = reader.export(sys.stdout, output_format, **chosen)
    else:
        try:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = reader.export(handle, output_format, **chosen)
        except OSError as exc:
            raise UsageError(f"{output}: cannot be written: {exc.strerror or exc}") from None
    err.print(f"botwarden: exported {count} entries", markup=False)


@app.command("keygen")
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the private key (mode 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key file.")] = False,
) -> None:
    """Make an Ed25519 key for signing checkpoints: PATH (private) and PATH.pub (public)."""
    from botwarden.ledger import write_key_pair

    public, key_id = write_key_pair(path, force=force)
    typer.echo(f"wrote {path} (private key, mode 0600) and {public} (public key); key id {key_id}")


# -- output ------------------------------------------------------------------------------------


def summary(result: Verification) -> str:
    chains = f"{result.entries} entries in {result.instances} instance chains"
    if result.signatures_checked:
        signed = f"{result.checkpoints} signed checkpoints verified"
    else:
        signed = (
            f"{result.checkpoints} checkpoints matched (signatures not checked: no --public-key)"
        )
    if result.ok:
        return f"ok: {chains}; {signed}"
    return f"FAILED: {result.problem}\n  before it: {chains}; {signed}"


def describe(entry: Entry) -> str:
    """One line per entry; every text field escaped so that a record cannot forge lines."""
    from botwarden.ledger.timespec import iso

    record = entry.record
    parts = [
        iso(entry.time),
        _clean(record.get("verdict") or "-"),
        _clean(record.get("bot") or "-"),
    ]
    what = _what(record)
    if what:
        parts.append(what)
    for name in ("rule", "code"):
        if record.get(name) is not None:
            parts.append(f"{name}={_clean(record[name])}")
    if record.get("reason"):
        parts.append(f"reason={json.dumps(str(record['reason']), ensure_ascii=False)}")
    parts.append(f"[{_clean(entry.instance)}#{entry.seq}]")
    return " ".join(parts)


def _what(record: dict[str, Any]) -> str:
    if record.get("target"):
        return _clean(f"{record.get('method') or ''} {record['target']}".strip())
    if record.get("action"):
        return _clean(f"{record['action']} {record.get('resource') or ''}".strip())
    if record.get("host"):
        port = record.get("port")
        return _clean(f"{record['host']}:{port}" if port is not None else record["host"])
    return ""


def _clean(value: object) -> str:
    """``value`` as text with control characters escaped (a newline shows as ``\\n``)."""
    text = str(value)
    if text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _table(entries: Iterable[Entry]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from botwarden.ledger.timespec import iso

    styles = {"deny": "red", "allow": "green", "report": "yellow"}
    table = Table(box=None, pad_edge=False)
    for column in ("time (UTC)", "bot", "verdict"):
        table.add_column(column, no_wrap=True)
    for column in ("request", "rule", "reason"):
        table.add_column(column, overflow="fold", ratio=2 if column != "rule" else 1)
    table.add_column("instance#seq", no_wrap=True)
    for entry in entries:
        record = entry.record
        verdict = str(record.get("verdict") or "-")
        table.add_row(
            Text(iso(entry.time)), Text(_clean(record.get("bot") or "-")),
            Text(_clean(verdict), style=styles.get(verdict, "")), Text(_what(record)),
            Text(_clean(record.get("rule") or "")), Text(_clean(record.get("reason") or "")),
            Text(f"{_clean(entry.instance)}#{entry.seq}"),
        )  # fmt: skip
    Console(highlight=False).print(table)


def _write(lines: Iterable[str]) -> None:
    write = sys.stdout.write
    for line in lines:
        write(line)
    sys.stdout.flush()


@contextmanager
def _stdout_may_close() -> Iterator[None]:
    """``botwarden ledger show | head`` ends quietly when ``head`` stops reading."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_CLEAN) from None


__all__ = ["app", "describe", "export", "keygen", "show", "summary", "verify"]
