"""Command line: ``python -m bibliobot [--config F] [--out T] [--max-fetches N] [--guard M] [-v]``.

Exit codes: 0 when at least one feed was processed, 1 when none was, 2 for unusable settings or
output target. Logs go to stderr and never contain the API key.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from bibliobot import __version__
from bibliobot.bot import Bot
from bibliobot.llm import LanguageModelStep
from bibliobot.settings import Settings, SettingsError
from bibliobot.storage import StorageError, SummaryStore, store_from_target

log = logging.getLogger("bibliobot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bibliobot", description="Summarise RSS and Atom feeds into object storage."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("config/settings.toml"),
        help="settings file (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        help="s3://bucket/prefix (needs boto3) or a local directory; default: 'out' in settings",
    )
    parser.add_argument(
        "--max-fetches",
        type=_count,
        default=200,
        help="most pages the cache may download in one run (default: %(default)s)",
    )
    parser.add_argument(
        "--guard",
        type=Path,
        metavar="MANIFEST",
        help="run the language-model step between botwarden's text guards (needs botwarden)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class GuardSetupError(Exception):
    """The guard manifest cannot be used (botwarden missing, or the manifest invalid)."""


def _language_model(manifest: Path | None) -> LanguageModelStep:
    try:
        return LanguageModelStep(manifest)
    except ImportError:
        raise GuardSetupError("--guard needs botwarden: pip install botwarden") from None
    except Exception as exc:  # botwarden's own errors say where and why
        raise GuardSetupError(f"--guard {manifest}: {exc}") from None


def _open_store(target: str | None, settings: Settings) -> SummaryStore:
    if not target:
        raise StorageError("no output: pass --out or set 'out' in the settings file")
    return store_from_target(target, settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_toml(args.config)
        store = _open_store(args.out or settings.out, settings)
        llm = _language_model(args.guard)
    except (SettingsError, StorageError, GuardSetupError) as exc:
        log.error("%s", exc)  # noqa: TRY400 - a usage error, not a fault: no traceback
        return 2
    report = Bot(settings, store, max_fetches=args.max_fetches, llm=llm).run()
    log.info(
        "done: %d feeds processed, %d failed, %d items, %d summaries written, %d pages fetched",
        report.feeds_processed,
        report.feeds_failed,
        report.items,
        report.summaries_written,
        report.pages_fetched,
    )
    return 0 if report.feeds_processed else 1
