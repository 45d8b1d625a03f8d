"""``botwarden iam``: check, generate, simulate and find unused grants. Wiring only."""

from __future__ import annotations

import atexit
import gc
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botwarden.audit.result import AuditResult
from botwarden.cli_support import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    FailOnOption,
    FormatOption,
    OutputOption,
    cpus,
    emit,
    exit_code,
)
from botwarden.errors import UsageError
from botwarden.findings import Finding, Severity
from botwarden.report import ReportFormat, render

if TYPE_CHECKING:
    from botwarden.iam.analyser import FoundFile, Unit
    from botwarden.iam.cloudtrail import Evidence
    from botwarden.iam.database import IamDatabase
    from botwarden.iam.generate import GeneratedPolicy
    from botwarden.manifest import Manifest

app = typer.Typer(
    help="AWS IAM: find over-privilege, generate least privilege.", no_args_is_help=True
)

IamDb = Annotated[
    Path | None,
    typer.Option(
        "--iam-db",
        help="IAM definition JSON to use instead of the packaged one (or BOTWARDEN_IAM_DB).",
    ),
]
BaselineFile = Annotated[
    Path | None, typer.Option("--baseline", help="Accept the findings listed in this baseline.")
]
FromLedger = Annotated[
    str | None,
    typer.Option(
        "--from-ledger",
        help="Use the decision ledger at this URL as evidence (a SQLite store's ledger is "
        "ledger.db beside it, as in sqlite:///.botwarden/ledger.db).",
    ),
]


def _manifest(path: Path) -> Manifest:
    from botwarden.manifest import find_manifest, load_manifest  # pydantic: only when asked

    return load_manifest(find_manifest(path))


def _database(path: Path | None) -> IamDatabase:
    from botwarden.iam.database import IamDatabase, default_database

    _spare_the_collector_at_exit()
    return IamDatabase.load(path) if path else default_database()


@cache
def _spare_the_collector_at_exit() -> None:
    """A command ends its process. At exit, freeze what is still alive, so the interpreter's last
    collections do not walk the IAM index and every finding (~50 ms, a twentieth of a run) only
    to free memory the process is handing back anyway. Nothing changes before exit, so callers
    running commands in-process (tests) see no difference."""
    atexit.register(gc.freeze)


def _folder_files(folder: Path) -> list[FoundFile]:
    """Files below ``folder``, found as the audit finds them (VCS, virtualenv and cache folders
    skipped); whether each looks like a policy file is decided when it is checked."""
    from botwarden.audit.target import Target
    from botwarden.iam.analyser import FoundFile

    return [FoundFile(file, file.as_posix()) for file in Target(folder).files()]


def _files(paths: list[Path]) -> list[Unit]:
    """Files named together form one principal; each file of a named folder is its own."""
    named: list[tuple[Path, str]] = []
    groups: list[Unit] = []
    for path in paths:
        if path.is_dir():
            groups.extend(_folder_files(path))
        elif path.is_file():
            named.append((path, path.as_posix()))
        else:
            raise UsageError(f"{path}: no such file or directory")
    return ([named] if named else []) + groups


def _result(paths: list[Path], findings: list[Finding], baseline: Path | None) -> AuditResult:
    """Findings with inline ``botwarden:ignore`` markers and the baseline applied, as in audit."""
    from botwarden.audit.baseline import Baseline
    from botwarden.audit.collect import collect_result
    from botwarden.audit.target import Target
    from botwarden.iam import rules as iam_rules

    return collect_result(
        findings,
        Target(Path.cwd()),
        rules=iam_rules.RULES,
        analysers=("permissions",),
        baseline=Baseline.read(baseline) if baseline else None,
        display_target=" ".join(p.as_posix() for p in paths),
    )


LedgerBot = Annotated[
    str | None, typer.Option("--bot", help="With --from-ledger: only this bot's calls.")
]


def _evidence(
    from_cloudtrail: list[Path] | None, from_ledger: str | None, bot: str | None
) -> Evidence:
    """The observed calls, from CloudTrail files or the ledger (exactly one of them)."""
    if bool(from_cloudtrail) == (from_ledger is not None):
        raise UsageError("give the evidence: --from-cloudtrail FILE... or --from-ledger URL")
    if from_ledger is not None:
        from botwarden.iam.ledger_evidence import read_ledger

        return read_ledger(from_ledger, bot=bot)
    from botwarden.iam.cloudtrail import read_cloudtrail

    return read_cloudtrail(from_cloudtrail or [])


@app.command("check")
def check(
    paths: Annotated[list[Path], typer.Argument(help="Policy files (one principal) or folders.")],
    manifest: Annotated[
        Path | None, typer.Option(help="Compare the grants with this manifest.")
    ] = None,
    principal: Annotated[
        str | None,
        typer.Option(
            help="ARN of the principal the policies belong to, to find self-modification."
        ),
    ] = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    iam_db: IamDb = None,
    baseline: BaselineFile = None,
    jobs: Annotated[int, typer.Option(help="Processes for many files (0: one per core).")] = 0,
) -> None:
    """Check IAM policies for over-privilege, escalation paths and mistakes."""
    from botwarden.iam.analyser import check_file_groups

    db = _database(iam_db)
    loaded = _manifest(manifest) if manifest else None
    findings = check_file_groups(
        _files(paths), db=db, manifest=loaded, principal_arn=principal, jobs=jobs or cpus()
    )
    result = _result(paths, findings, baseline)
    emit(render(result, output_format), output)
    raise typer.Exit(exit_code(result, fail_on))


@app.command("generate")
def generate(
    manifest: Annotated[Path | None, typer.Option(help="Generate from this manifest.")] = None,
    from_cloudtrail: Annotated[
        list[Path] | None,
        typer.Option(
            "--from-cloudtrail", help="Generate from the calls in these CloudTrail files."
        ),
    ] = None,
    from_ledger: FromLedger = None,
    bot: LedgerBot = None,
    principal: Annotated[str | None, typer.Option(help="Only calls made by this ARN.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="json or terraform.")] = "json",
    output: OutputOption = None,
) -> None:
    """Write the least-privilege policy for a manifest, or for observed use."""
    if output_format not in ("json", "terraform"):
        raise UsageError(f"--format must be json or terraform, not {output_format!r}")
    if (manifest is None) == (not from_cloudtrail and from_ledger is None):
        raise UsageError("give exactly one of --manifest, --from-cloudtrail or --from-ledger")
    from botwarden.iam.generate import (
        generate_from_manifest,
        generate_from_observations,
        to_terraform,
    )

    policy: GeneratedPolicy
    if manifest is not None:
        loaded = _manifest(manifest)
        policy, name = generate_from_manifest(loaded), loaded.bot.name
        if not policy.grants:
            raise UsageError(
                f"{loaded.path}: declares no AWS capability, so the bot needs no IAM policy",
                hint='detach any policy it has, or declare [[capability]] provider = "aws"',
            )
    else:
        evidence = _evidence(from_cloudtrail, from_ledger, bot).for_principal(principal)
        policy, name = generate_from_observations(evidence.observed()), bot or "observed"
        if not policy.grants:
            raise UsageError("the evidence holds no allowed AWS call to generate a policy from")
    emit(policy.to_json() if output_format == "json" else to_terraform(policy, name), output)


@app.command("unused")
def unused(
    policies: Annotated[list[Path], typer.Argument(help="The principal's policy files.")],
    from_cloudtrail: Annotated[
        list[Path] | None,
        typer.Option("--from-cloudtrail", help="CloudTrail files with the principal's calls."),
    ] = None,
    from_ledger: FromLedger = None,
    bot: LedgerBot = None,
    principal: Annotated[str | None, typer.Option(help="Only calls made by this ARN.")] = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    iam_db: IamDb = None,
    baseline: BaselineFile = None,
) -> None:
    """Report grants that the evidence shows were not used."""
    from botwarden.iam.analyser import load_documents
    from botwarden.iam.analysis import PrincipalView
    from botwarden.iam.compare import unused as unused_grants

    evidence = _evidence(from_cloudtrail, from_ledger, bot).for_principal(principal)
    documents, problems = load_documents((p, p.as_posix()) for p in policies)
    view = PrincipalView(_database(iam_db), documents)
    result = _result(policies, problems + list(unused_grants(view, evidence)), baseline)
    emit(render(result, output_format), output)
    raise typer.Exit(exit_code(result, fail_on))


@app.command("simulate")
def simulate(
    policies: Annotated[list[Path], typer.Argument(help="The principal's policy files.")],
    action: Annotated[str, typer.Option(help="The API action, e.g. s3:GetObject.")],
    resource: Annotated[str, typer.Option(help="The resource ARN.")] = "*",
    context: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE; repeat for more values.")
    ] = None,
    principal: Annotated[str | None, typer.Option(help="The calling principal's ARN.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Answer like the AWS policy simulator: allow, explicit-deny or implicit-deny."""
    from botwarden.iam.analyser import load_documents
    from botwarden.iam.evaluate import Request, evaluate

    documents, problems = load_documents((p, p.as_posix()) for p in policies)
    if problems:
        raise UsageError(f"{problems[0].location}: {problems[0].message}")
    values: dict[str, tuple[str, ...]] = {}
    for item in context or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--context {item!r}: expected KEY=VALUE")
        values[key] = (*values.get(key, ()), value)
    result = evaluate(documents, Request(action, resource, values, principal))
    if output_format == "json":
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        typer.echo(_simulation_text(result.decision, result.to_json()))
    raise typer.Exit(EXIT_CLEAN if result.decision == "allow" else EXIT_FINDINGS)


def _simulation_text(decision: str, data: dict[str, object]) -> str:
    lines = [decision]
    statements = data.get("statements")
    for item in statements if isinstance(statements, list) else []:
        lines.append(
            f"  {item['effect']}: {item['policy']} statement {item['index']}"
            + (f" ({item['sid']})" if item.get("sid") else "")
        )
    return "\n".join(lines)


__all__ = ["app"]
