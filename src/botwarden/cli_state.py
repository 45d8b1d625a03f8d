"""``botwarden kill``, ``revive`` and ``status``, and where every command finds its store. Wiring.

The store URL comes from ``--store``, else ``$BOTWARDEN_STORE``, else the SQLite file
``.botwarden/state.db`` beside the manifest. The ledger lives in a PostgreSQL store itself, in
``ledger.db`` beside a SQLite store (a file of its own: see :func:`~botwarden.ledger.
ledger_url_beside`), and for a Redis store in ``.botwarden/ledger.db`` beside the manifest.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.ledger import Ledger
    from botwarden.manifest import Manifest
    from botwarden.stores import StateStore

STORE_ENV = "BOTWARDEN_STORE"

Store = Annotated[
    str | None,
    typer.Option(help="State store URL; default $BOTWARDEN_STORE, then .botwarden/state.db."),
]
ManifestOption = Annotated[
    Path, typer.Option("--manifest", "-m", help="The bot's manifest (or its folder).")
]


def store_url_for(option: str | None, base: Path) -> str:
    if option:
        return option
    from_env = os.environ.get(STORE_ENV, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{(base / '.botwarden' / 'state.db').resolve()}"


def ledger_url_for(option: str | None, store_url: str, base: Path) -> str:
    """``--ledger``, else the ledger beside the state store (``ledger.db`` in a SQLite store's
    folder), else, for a store that cannot hold one (Redis), ``.botwarden/ledger.db``."""
    from botwarden.ledger import ledger_url_beside

    if option:
        return option
    if store_url.startswith(("sqlite:", "postgresql:", "postgres:", "memory:")):
        return ledger_url_beside(store_url)
    return f"sqlite:///{(base / '.botwarden' / 'ledger.db').resolve()}"


def open_store_at(url: str, *, lease: bool = False) -> StateStore:
    """The store at ``url``; with ``lease`` (the runtime's store), budgets are taken in small
    leases (stores.md), so that most checks need no round trip to the store (a fleet still never
    exceeds a budget), and a store that stops answering fails at once until it answers again."""
    from botwarden.stores import FailFastStore, LeasingStore, StoreError, open_state_store

    try:
        store = open_state_store(url)
    except StoreError as exc:
        raise UsageError(f"--store: {exc.message}") from None
    except ValueError as exc:
        raise UsageError(f"--store: {exc}") from None
    if lease and not url.startswith("memory:"):
        return LeasingStore(FailFastStore(store))
    return store


def open_ledger_at(url: str, signing_key: Path | None = None) -> Ledger:
    from botwarden.ledger import LedgerError, open_ledger

    try:
        return open_ledger(url, signing_key=signing_key)
    except LedgerError as exc:
        raise UsageError(f"--ledger: {exc.message}") from None


def manifest_folder(manifest: Path) -> Path:
    """The folder whose ``.botwarden/`` holds the state of the bot of ``--manifest``; a path
    that does not exist is a usage error (a typo must not read another bot's state)."""
    from botwarden.manifest import find_manifest

    if not manifest.exists():
        raise UsageError(f"--manifest {manifest}: no such file or folder")
    try:
        return find_manifest(manifest).parent
    except Exception:  # noqa: BLE001 -- no manifest here: the store sits in this folder
        return manifest if manifest.is_dir() else manifest.parent


def _operator() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def kill(
    bot: Annotated[str, typer.Argument(help="The bot to stop everywhere.")],
    reason: Annotated[str, typer.Option(help="Why: shown in every refusal.")] = "",
    store: Store = None,
    manifest: ManifestOption = Path(),
) -> None:
    """Refuse every request of BOT, in every process that shares the store, within a second."""
    opened = open_store_at(store_url_for(store, manifest_folder(manifest)))
    try:
        opened.kill(bot, reason, _operator())
    finally:
        opened.close()
    typer.echo(f"botwarden: killed {bot}" + (f" ({reason})" if reason else ""))


def revive(
    bot: Annotated[str, typer.Argument(help="The bot to let run again.")],
    store: Store = None,
    manifest: ManifestOption = Path(),
) -> None:
    """Lift the kill switch of BOT."""
    opened = open_store_at(store_url_for(store, manifest_folder(manifest)))
    try:
        was_killed = opened.revive(bot)
    finally:
        opened.close()
    typer.echo(f"botwarden: revived {bot}" if was_killed else f"botwarden: {bot} was not killed")


def status(
    bot: Annotated[str | None, typer.Argument(help="Only this bot.")] = None,
    store: Store = None,
    manifest: ManifestOption = Path(),
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show kill state, and for the manifest's bot its budgets used and breaker states."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r}: expected text or json")
    loaded = _manifest_or_none(manifest)
    opened = open_store_at(store_url_for(store, manifest_folder(manifest)))
    try:
        report = collect_status(opened, loaded, bot)
    finally:
        opened.close()
    if output_format == "json":
        typer.echo(json.dumps(report, indent=2))
    else:
        _print_status(report)


def _manifest_or_none(path: Path) -> Manifest | None:
    from botwarden.errors import ManifestError
    from botwarden.manifest import find_manifest, load_manifest

    try:
        found = find_manifest(path)
    except (ManifestError, OSError):  # no manifest here: status shows the kill switch alone
        return None
    return load_manifest(found)  # an invalid manifest is still an error (exit 2)


def collect_status(
    store: StateStore, manifest: Manifest | None, only: str | None
) -> dict[str, Any]:
    """What ``status`` shows, as data: kills, and budgets and breakers of the manifest's bot."""
    from botwarden.runtime.breaker import BreakerBook
    from botwarden.runtime.budgets import BudgetBook

    kills = [
        {"bot": k.bot, "reason": k.reason, "by": k.by, "at": k.at}
        for k in store.killed_bots()
        if only is None or k.bot == only
    ]
    report: dict[str, Any] = {"store": store.url, "killed": kills, "budgets": [], "breakers": []}
    if manifest is None or (only is not None and manifest.bot.name != only):
        return report
    report["bot"] = manifest.bot.name
    book = BudgetBook(manifest, store)
    for budget in book._budgets:
        spec = budget.budget
        for kind, window in (
            ("requests", spec.requests),
            ("bytes", spec.bytes),
            ("cost", spec.cost),
        ):
            if window is None:
                continue
            limit = book.limit(budget, kind, window)
            if kind == "requests":
                take = store.rate(limit.key, int(window.amount), window.window_seconds, cost=0)
            else:
                take = store.volume(limit.key, 0, window.amount, window.window_seconds)
            report["budgets"].append({
                "budget": budget.key, "kind": kind, "limit": window.text,
                "used": round(take.used, 6), "remaining": round(take.remaining, 6),
            })  # fmt: skip
    breakers = BreakerBook.from_manifest(manifest, store)
    if breakers is not None:
        prefix = f"k:{manifest.bot.name}:breaker:"
        for key in store.keys(prefix):
            state = store.breaker(
                key, None, breakers.settings.threshold, breakers.settings.cool_down.seconds
            )
            report["breakers"].append({
                "upstream": key.removeprefix(prefix), "state": state.state,
                "failures": state.failures, "retry_after": round(state.retry_after, 1),
            })  # fmt: skip
    return report


def _print_status(report: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"store: {report['store']}")
    if report["killed"]:
        table = Table("killed bot", "by", "at", "reason", title="kill switch")
        for k in report["killed"]:
            when = datetime.fromtimestamp(k["at"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            table.add_row(k["bot"], k["by"], when, k["reason"])
        console.print(table)
    else:
        console.print("kill switch: no bot is killed")
    if "bot" not in report:
        return
    if report["budgets"]:
        table = Table(
            "budget", "kind", "limit", "used", "remaining", title=f"{report['bot']}: budgets"
        )
        for b in report["budgets"]:
            table.add_row(
                b["budget"], b["kind"], b["limit"], f"{b['used']:g}", f"{b['remaining']:g}"
            )
        console.print(table)
    if report["breakers"]:
        table = Table("upstream", "state", "failures", "half-opens in", title="breakers")
        for b in report["breakers"]:
            table.add_row(b["upstream"], b["state"], str(b["failures"]), f"{b['retry_after']} s")
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("kill")(kill)
    app.command("revive")(revive)
    app.command("status")(status)


__all__ = ["ledger_url_for", "open_ledger_at", "open_store_at", "register", "store_url_for"]
