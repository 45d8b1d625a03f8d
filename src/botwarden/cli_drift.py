"""``botwarden lock`` and ``botwarden drift``: record the reviewed state, report what changed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from botwarden.audit.target import Target
from botwarden.cli_support import FailOnOption, FormatOption, OutputOption, emit, err, exit_code
from botwarden.errors import UsageError
from botwarden.findings import Severity
from botwarden.report import ReportFormat, render

Directory = Annotated[Path, typer.Argument(help="The bot's folder.")]
ManifestOption = Annotated[
    Path | None, typer.Option("--manifest", help="Manifest (default: DIR/botwarden.toml).")
]


def lock(
    directory: Directory = Path(),
    manifest: ManifestOption = None,
    sign_key: Annotated[
        Path | None,
        typer.Option(
            "--sign-key",
            help="Ed25519 private key to sign the lock with (default: $BOTWARDEN_LOCK_SIGN_KEY; "
            "'botwarden ledger keygen' makes one).",
        ),
    ] = None,
) -> None:
    """Record digests of the manifest, its deployed files and generated policy in botwarden.lock."""
    from botwarden.drift.sign import signing_key
    from botwarden.drift.snapshot import deployed_files
    from botwarden.drift.write import write_lock

    target = _target(directory, manifest)
    assert target.manifest is not None
    assert target.manifest_path is not None
    key = signing_key(sign_key)
    base = target.manifest_path.parent
    for pattern in target.manifest.deploy.files:
        if not deployed_files(base, [pattern]):
            err.print(f"botwarden: warning: [deploy] files: {pattern!r} matches no file",
                      markup=False)  # fmt: skip
    written = write_lock(target.manifest, target.manifest_path, key)
    policies = sum(1 for record in written.files.values() if record.grants is not None)
    signed = f"signed by key {written.signature.key_id}" if written.signature else "unsigned"
    typer.echo(
        f"wrote {base / 'botwarden.lock'}: the manifest, {len(written.files)} deployed files "
        f"({policies} with IAM policies), the generated policy "
        f"({len(written.generated.grants or ())} grants); {signed}"
    )


def drift(
    directory: Directory = Path(),
    manifest: ManifestOption = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    verify_key: Annotated[
        Path | None,
        typer.Option(
            "--verify-key",
            help="Public key the lock must be signed by (default: $BOTWARDEN_LOCK_VERIFY_KEY).",
        ),
    ] = None,
    baseline: Annotated[Path | None, typer.Option(help="Accept the findings listed here.")] = None,
) -> None:
    """Report what changed since botwarden.lock, and deployed IAM policies that differ from the
    generated one."""
    from botwarden.audit.baseline import Baseline
    from botwarden.audit.collect import collect_result
    from botwarden.drift.check import DriftOptions, drift_findings
    from botwarden.drift.rules import RULES
    from botwarden.drift.sign import verify_key as load_verify_key
    from botwarden.iam.rules import OVER_PRIVILEGED, UNDER_PRIVILEGED

    target = _target(directory, manifest)
    assert target.manifest is not None
    assert target.manifest_path is not None
    options = DriftOptions(load_verify_key(verify_key), always_track=True, compare_policies=True)
    found = list(drift_findings(target.manifest, target.manifest_path, target.relative, options))
    result = collect_result(
        found,
        target,
        rules=(*RULES, OVER_PRIVILEGED, UNDER_PRIVILEGED),
        analysers=("drift",),
        baseline=Baseline.read(baseline) if baseline else None,
        display_target=directory.as_posix(),
    )
    color = output is None and output_format is ReportFormat.TEXT and sys.stdout.isatty()
    emit(render(result, output_format, color=color), output)
    raise typer.Exit(exit_code(result, fail_on))


def _target(directory: Path, manifest: Path | None) -> Target:
    from botwarden.audit.runner import build_target

    target = build_target(directory, manifest)
    if target.manifest is None:
        raise UsageError(
            f"{directory}: no botwarden.toml here",
            hint="name it with --manifest, or create one with 'botwarden init'",
        )
    return target


def register(app: typer.Typer) -> None:
    """Add the ``lock`` and ``drift`` commands to ``app``."""
    app.command("lock")(lock)
    app.command("drift")(drift)


__all__ = ["register"]
