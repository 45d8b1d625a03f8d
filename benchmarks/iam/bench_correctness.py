"""IAM policy checks: botwarden vs parliament vs cloudsplaining on the tricky cases in cases/.

    .venv/bin/python benchmarks/iam/bench_correctness.py [-v] [--cases DIR] [CASE...]

Each directory in cases/ is one principal: its policy*.json files are that principal's identity
policies, and expected.json says, for the rules the case is about, whether each should fire
(with the AWS semantics that decide it). For every (case, rule) the table shows the expected
answer and each tool's: ✓ right, ✗ wrong, n/a the tool has no check for that rule (not counted
against it), err the tool crashed on the case (counted wrong), and "not available yet" for
botwarden while `botwarden iam check` is not in the build.

How each tool is asked:
  botwarden       `botwarden iam check policy-1.json policy-2.json --format json`: files given
                  together are ONE principal, so cross-policy Deny and escalation are in scope.
  parliament      its API on each file (as `parliament --files a,b --include-community-auditors
                  --minimum_severity INFO` does), issue codes of all files pooled.
  cloudsplaining  `scan_policy` on each file (as `scan-policy-file` does, default exclusions),
                  categories of all files pooled.
Neither peer has a notion of a principal spanning several files: pooling per-file results is the
best a user can do with them, and is what a multi-file case measures.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import (
    BENCH_PYTHON,
    CASES,
    NOT_AVAILABLE,
    PEERS,
    botwarden_iam_check,
    botwarden_version,
    ensure_bench_venv,
    machine,
    parse_botwarden,
    peer_versions,
    run,
    table,
)

RULES = (
    "iam.admin",
    "iam.service-wildcard",
    "iam.write-on-all-resources",
    "iam.permissions-management",
    "iam.privilege-escalation",
    "iam.data-exfiltration",
    "iam.credentials-exposure",
    "iam.resource-exposure",
    "iam.pass-role-unrestricted",
    "iam.unknown-action",
    "iam.resource-mismatch",
    "iam.prefix-leak",
    "iam.condition-mistake",
    "iam.invalid-policy",
)

# Peer findings that answer each botwarden rule. A rule missing here is n/a for that peer.
PARLIAMENT: dict[str, frozenset[str]] = {
    # community auditor (--include-community-auditors): Rhino Security Labs' method list
    "iam.privilege-escalation": frozenset({"PRIVILEGE_ESCALATION"}),
    # community auditor: any allowed action at the "Permissions management" access level,
    # which covers both identity (IAM) and resource-policy (bucket/key/queue policy) editing
    "iam.permissions-management": frozenset({"PERMISSIONS_MANAGEMENT_ACTIONS"}),
    "iam.resource-exposure": frozenset({"PERMISSIONS_MANAGEMENT_ACTIONS"}),
    "iam.credentials-exposure": frozenset({"CREDENTIALS_EXPOSURE"}),
    # RESOURCE_STAR: an action that supports resource ARNs is given "*" (reads too: broader
    # than ours, which is about writes); RESOURCE_EFFECTIVELY_STAR: every ARN format listed
    "iam.write-on-all-resources": frozenset({"RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR"}),
    "iam.unknown-action": frozenset({"UNKNOWN_ACTION", "UNKNOWN_PREFIX"}),
    "iam.resource-mismatch": frozenset({"RESOURCE_MISMATCH"}),
    "iam.condition-mistake": frozenset(
        {
            "MISMATCHED_TYPE",
            "MISMATCHED_TYPE_BUT_USABLE",
            "MISMATCHED_TYPE_OPERATION_TO_NULL",
            "UNKNOWN_OPERATOR",
            "UNKNOWN_CONDITION_FOR_ACTION",
            "BAD_PATTERN_FOR_MFA",
            "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE",
        }
    ),
    "iam.invalid-policy": frozenset(
        {"MALFORMED_JSON", "MALFORMED", "INVALID_VERSION", "INVALID_ARN", "EXCEPTION"}
    ),
}
CLOUDSPLAINING: dict[str, frozenset[str]] = {
    "iam.privilege-escalation": frozenset({"PrivilegeEscalation"}),
    "iam.data-exfiltration": frozenset({"DataExfiltration"}),
    # "Resource Exposure" = Permissions-management actions without resource constraints
    "iam.resource-exposure": frozenset({"ResourceExposure"}),
    "iam.permissions-management": frozenset({"ResourceExposure"}),
    "iam.credentials-exposure": frozenset({"CredentialsExposure"}),
    "iam.service-wildcard": frozenset({"ServiceWildcard"}),
    # "Infrastructure Modification" = Write/Tagging/Permissions actions without constraints
    "iam.write-on-all-resources": frozenset({"InfrastructureModification"}),
}
PEER_MAPS = {"parliament": PARLIAMENT, "cloudsplaining": CLOUDSPLAINING}
TOOLS = ("botwarden", "parliament", "cloudsplaining")


@dataclass(frozen=True)
class Case:
    name: str
    files: tuple[Path, ...]
    expect: dict[str, bool]
    description: str


@dataclass
class Answer:
    """What one tool said about one case: the rules it fired, or why it could not say."""

    rules: set[str]
    error: str | None = None
    unavailable: bool = False
    raw: tuple[str, ...] = ()  # the peer's own codes, for -v


def load_cases(names: list[str], root: Path = CASES) -> list[Case]:
    cases = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        if names and not any(n in directory.name for n in names):
            continue
        expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
        unknown = set(expected["expect"]) - set(RULES)
        if unknown:
            raise SystemExit(f"{directory.name}: unknown rule ids {sorted(unknown)}")
        files = tuple(sorted(directory.glob("policy*.json")))
        cases.append(Case(directory.name, files, expected["expect"], expected["description"]))
    return cases


def ask_botwarden(cases: list[Case]) -> dict[str, Answer]:
    prefix = botwarden_iam_check()
    if prefix is None:
        return {c.name: Answer(set(), unavailable=True) for c in cases}
    answers = {}
    for case in cases:
        result = run([*prefix, *map(str, case.files), "--format", "json"], timeout=120)
        report = parse_botwarden(result)
        if report is None:
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["timed out"]
            answers[case.name] = Answer(set(), error=f"exit {result.returncode}: {tail[0][:100]}")
            continue
        findings = report.get("findings")
        fired = {
            str(f.get("rule"))
            for f in (findings if isinstance(findings, list) else [])
            if isinstance(f, dict)
        }
        answers[case.name] = Answer(fired, raw=tuple(sorted(fired)))
    return answers


def ask_peers(cases: list[Case], allow_setup: bool) -> dict[str, dict[str, Answer]]:
    """parliament's and cloudsplaining's answers, from one bench-venv process over all files."""
    if not ensure_bench_venv(allow_setup):
        return {
            tool: {c.name: Answer(set(), error="peers' venv missing") for c in cases}
            for tool in PEER_MAPS
        }
    files = [str(f) for c in cases for f in c.files]
    result = run([str(BENCH_PYTHON), str(PEERS), "findings", *files], timeout=900)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["failed"])[-1]
        return {t: {c.name: Answer(set(), error=message) for c in cases} for t in PEER_MAPS}
    per_file = json.loads(result.stdout)
    answers: dict[str, dict[str, Answer]] = {tool: {} for tool in PEER_MAPS}
    for case in cases:
        for tool, mapping in PEER_MAPS.items():
            codes: set[str] = set()
            errors = []
            for path in case.files:
                entry = per_file[str(path)]
                codes.update(entry.get(tool, []))
                if f"{tool}_error" in entry:
                    errors.append(entry[f"{tool}_error"])
            fired = {rule for rule, wanted in mapping.items() if codes & wanted}
            error = "; ".join(errors)[:100] if errors else None
            answers[tool][case.name] = Answer(fired, error=error, raw=tuple(sorted(codes)))
    return answers


def verdict(tool: str, rule: str, expected: bool, answer: Answer) -> str:
    """✓ / ✗ / n/a / err / - (botwarden not available yet)."""
    if answer.unavailable:
        return "-"
    if tool in PEER_MAPS and rule not in PEER_MAPS[tool]:
        return "n/a"
    if answer.error:
        return "err"
    said = rule in answer.rules
    return "✓" if said == expected else f"✗ {'yes' if said else 'no'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="only cases whose name contains one of these")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each tool's codes")
    parser.add_argument("--no-setup", action="store_true", help="do not create the peers' venv")
    parser.add_argument(
        "--cases",
        dest="cases_dir",
        type=Path,
        default=CASES,
        metavar="DIR",
        help="directory of case directories (default: cases/; holdout/ is the held-out set)",
    )
    args = parser.parse_args(argv)

    if not args.cases_dir.is_dir():
        parser.error(f"--cases: {args.cases_dir} is not a directory")
    cases = load_cases(args.cases, args.cases_dir.resolve())
    answers = {"botwarden": ask_botwarden(cases), **ask_peers(cases, not args.no_setup)}
    print(f"machine: {machine()}")
    versions = ", ".join(f"{k} {v}" for k, v in peer_versions().items())
    print(f"botwarden {botwarden_version()}; {versions}")
    print()

    rows = []
    checks = {t: [0, 0, 0] for t in TOOLS}  # right, applicable, n/a
    whole = {t: [0, 0] for t in TOOLS}  # cases with every applicable rule right, applicable
    for case in cases:
        case_ok = dict.fromkeys(TOOLS, True)
        case_applicable = dict.fromkeys(TOOLS, False)
        for i, (rule, expected) in enumerate(case.expect.items()):
            cells = [case.name if i == 0 else "", rule, "yes" if expected else "no"]
            for tool in TOOLS:
                mark = verdict(tool, rule, expected, answers[tool][case.name])
                cells.append(mark)
                if mark == "n/a":
                    checks[tool][2] += 1
                elif mark != "-":
                    checks[tool][1] += 1
                    case_applicable[tool] = True
                    if mark == "✓":
                        checks[tool][0] += 1
                    else:
                        case_ok[tool] = False
            rows.append(cells)
        for tool in TOOLS:
            if case_applicable[tool]:
                whole[tool][1] += 1
                whole[tool][0] += case_ok[tool]

    print(table(rows, ["case", "rule", "expected", *TOOLS]))
    if args.verbose:
        print("\nwhat each tool said (its own rule ids / issue codes / categories):")
        for case in cases:
            print(f"  {case.name}")
            for tool in TOOLS:
                answer = answers[tool][case.name]
                said = answer.error or ", ".join(answer.raw) or "(nothing)"
                print(f"    {tool:<15} {NOT_AVAILABLE if answer.unavailable else said}")
    print()
    total_checks = sum(len(c.expect) for c in cases)
    print(f"{len(cases)} cases, {total_checks} (case, rule) checks")
    for tool in TOOLS:
        if all(answers[tool][c.name].unavailable for c in cases):
            print(f"  {tool:<15} {NOT_AVAILABLE}")
            continue
        right, applicable, na = checks[tool]
        ok, cases_applicable = whole[tool]
        print(
            f"  {tool:<15} cases right {ok}/{cases_applicable}, checks right {right}/{applicable}"
            f" ({na} n/a: no equivalent check)"
        )
    errors = [
        f"  {tool} on {name}: {a.error}"
        for tool in TOOLS
        for name, a in answers[tool].items()
        if a.error
    ]
    if errors:
        print("errors (counted wrong where the tool has a check for the rule):")
        print("\n".join(errors))
    print("✓ right, ✗ wrong (and what the tool said), n/a no equivalent check, err crashed,")
    print("- botwarden iam check not available yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
