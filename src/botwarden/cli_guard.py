"""``botwarden guard input|output``: the text guards of an LLM bot, from the command line.

``guard input`` prints one JSON verdict and exits 1 when the text is blocked; with ``--jsonl``
it reads one JSON object per line (a ``text`` field, and optionally ``kind``, ``tool`` and an
``id`` that is echoed back) and writes one verdict per line, in order, so that datasets and batch
pipelines can be checked in one process. A line that cannot be read gets an ``error`` object in
its place (nothing is skipped, the order holds) and makes the exit code 2.

``guard output`` writes the sanitised text to stdout and a JSON report of what was removed to
stderr (or ``--report FILE``); it exits 0, since what it prints is safe to show.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from botwarden.cli_support import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE
from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.guards.textguard import TextGuard

app = typer.Typer(
    help="Guards for LLM bots: check text going in, sanitise text coming out.",
    no_args_is_help=True,
)

ManifestOption = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        "-m",
        help="The bot's manifest (or its folder); default: ./botwarden.toml if there is one, "
        "else the guards' defaults (block injections; keep no links).",
    ),
]
Source = Annotated[str, typer.Argument(help="The text's file, or - for standard input.")]


def text_guard(manifest: Path | None) -> TextGuard:
    from botwarden.guards.textguard import TextGuard
    from botwarden.manifest import MANIFEST_NAME, find_manifest, load_manifest

    if manifest is None:
        here = Path(MANIFEST_NAME)
        return TextGuard(load_manifest(here) if here.is_file() else None)
    return TextGuard(load_manifest(find_manifest(manifest)))


def read_source(source: str) -> str:
    """The whole text of FILE or stdin, as UTF-8; a clear error otherwise."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UsageError(f"{source}: cannot read: {exc.strerror or exc}") from None
        name = source
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (bad byte at offset {exc.start})") from None


@app.command("input")
def check_input(
    source: Source = "-",
    manifest: ManifestOption = None,
    kind: Annotated[
        str,
        typer.Option(
            help="prompt (from a user), document (web page, mail, tool result) "
            "or tool-args (a tool call's JSON arguments; needs --tool)."
        ),
    ] = "prompt",
    tool: Annotated[
        str | None, typer.Option(help="The tool whose JSON arguments the text is.")
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(help='Read JSON lines ({"text": ...}) from FILE (or -); one verdict each.'),
    ] = None,
) -> None:
    """Check text going to a model: limits, invisible characters, tool schemas, injections."""
    from botwarden.guards.textguard import KINDS

    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "tool-args" and tool is None and jsonl is None:
        raise UsageError("--kind tool-args needs --tool NAME (the tool the arguments are for)")
    guard = text_guard(manifest)
    if jsonl is not None:
        raise typer.Exit(_check_lines(guard, jsonl, kind, tool))
    verdict = guard.check_input(read_source(source), kind=kind, tool=tool)
    typer.echo(json.dumps(verdict.to_json(), ensure_ascii=False))
    raise typer.Exit(EXIT_FINDINGS if verdict.blocked else EXIT_CLEAN)


def _lines(source: str) -> Iterator[bytes]:
    if source == "-":
        yield from sys.stdin.buffer
        return
    try:
        with Path(source).open("rb") as handle:
            yield from handle
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror or exc}") from None


def _check_lines(guard: TextGuard, source: str, kind: str, tool: str | None) -> int:
    blocked = failed = False
    out = sys.stdout
    for number, raw in enumerate(_lines(source), start=1):
        if not raw.strip():
            continue
        try:
            item = _item(raw, number, kind, tool)
            verdict = guard.check_input(item["text"], kind=item["kind"], tool=item["tool"])
        except UsageError as exc:
            failed = True
            _write(out, {"line": number, "error": exc.message})
            continue
        result = verdict.to_json()
        if "id" in item:
            result = {"id": item["id"], **result}
        blocked = blocked or verdict.blocked
        _write(out, result)
    return EXIT_USAGE if failed else EXIT_FINDINGS if blocked else EXIT_CLEAN


def _item(raw: bytes, number: int, kind: str, tool: str | None) -> dict[str, Any]:
    from botwarden.guards.textguard import KINDS

    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"line {number}: not a JSON object ({exc})") from None
    except RecursionError:
        raise UsageError(f"line {number}: JSON nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise UsageError(f'line {number}: expected an object with a string "text" field')
    item: dict[str, Any] = {"text": data["text"], "kind": data.get("kind", kind),
                            "tool": data.get("tool", tool)}  # fmt: skip
    if item["kind"] not in KINDS:
        raise UsageError(
            f"line {number}: kind {item['kind']!r}: expected one of {', '.join(KINDS)}"
        )
    if item["tool"] is not None and not isinstance(item["tool"], str):
        raise UsageError(f'line {number}: "tool" must be a string')
    if "id" in data:
        item["id"] = data["id"]
    return item


def _write(out: IO[str], obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


@app.command("output")
def sanitize_output(
    source: Source = "-",
    manifest: ManifestOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="markdown, html or text: what the model wrote.")
    ] = "markdown",
    report: Annotated[
        Path | None,
        typer.Option(help="Write the JSON report of what was removed here, not to stderr."),
    ] = None,
) -> None:
    """Make a model's output safe to show: HTML, links and images, secrets, personal data."""
    from botwarden.guards.output.policy import check_format

    try:
        fmt = check_format(output_format)
    except UsageError as exc:
        raise UsageError(f"--format: {exc.message}") from None
    guard = text_guard(manifest)
    result = guard.sanitize_output(read_source(source), fmt=fmt)
    sys.stdout.write(result.text)
    sys.stdout.flush()
    document = {
        "format": fmt,
        "mode": "report" if guard.output_report else "enforce",
        "removed": len(result.findings),
        "findings": [finding.to_json() for finding in result.findings],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if report is None:
        sys.stderr.write(text)
    else:
        try:
            report.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--report {report}: cannot write: {exc.strerror or exc}") from None
    raise typer.Exit(EXIT_CLEAN)


__all__ = ["app"]
