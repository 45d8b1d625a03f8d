"""Run the peer tools' Python APIs in ONE process. Executed by benchmarks/.bench-venv's python.

    benchmarks/.bench-venv/bin/python benchmarks/iam/peers.py cloudsplaining-scan DIR
    benchmarks/.bench-venv/bin/python benchmarks/iam/peers.py findings FILE [FILE...]

Imports nothing from botwarden and nothing outside the standard library at module level, so the
project venv can import this file (for its constants) without the peers installed.

`cloudsplaining-scan` is what `cloudsplaining scan-policy-file` does per file (default exclusions,
`scan_policy`), looped in one interpreter: the fair way to time cloudsplaining on many policies,
since its CLI pays ~1-2 s of imports per file. It prints one JSON object on stdout.

`findings` prints, per file, the parliament issue codes (all severities, community auditors on,
as `parliament --include-community-auditors --minimum_severity INFO` would report) and the
cloudsplaining result categories that have findings (as `scan-policy-file` reports them).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

# cloudsplaining result categories, as `scan_policy` returns them; ServicesAffected is a summary
# of the others (the services the policy lets one modify), not a finding of its own.
CLOUDSPLAINING_CATEGORIES = (
    "PrivilegeEscalation",
    "DataExfiltration",
    "ResourceExposure",
    "CredentialsExposure",
    "ServiceWildcard",
    "InfrastructureModification",
)


def cloudsplaining_categories(results: dict[str, Any]) -> list[str]:
    found = []
    for category in CLOUDSPLAINING_CATEGORIES:
        entry = results.get(category) or {}
        if entry.get("findings"):
            found.append(category)
    return found


def cloudsplaining_scan(directory: Path) -> dict[str, Any]:
    start = time.perf_counter()
    from cloudsplaining.command.scan_policy_file import scan_policy
    from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG

    imported = time.perf_counter()
    flagged = errors = 0
    files = sorted(directory.glob("*.json"))
    for path in files:
        try:
            policy = json.loads(path.read_text(encoding="utf-8"))
            results = scan_policy(policy, DEFAULT_EXCLUSIONS_CONFIG)
        except Exception:  # a peer crashing on one policy must not stop the run
            errors += 1
            continue
        if cloudsplaining_categories(results):
            flagged += 1
    done = time.perf_counter()
    return {
        "policies": len(files),
        "flagged": flagged,
        "errors": errors,
        "import_seconds": imported - start,
        "scan_seconds": done - imported,
    }


def parliament_codes(path: Path) -> list[str]:
    import parliament
    from parliament import analyze_policy_string, enhance_finding

    text = path.read_text(encoding="utf-8")
    policy = analyze_policy_string(
        text, str(path), include_community_auditors=True, config=parliament.config
    )
    return sorted({enhance_finding(f).issue for f in policy.findings})


def findings(paths: list[Path]) -> dict[str, Any]:
    from pathlib import Path as _Path

    import parliament
    from cloudsplaining.command.scan_policy_file import scan_policy
    from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG

    override = _Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"
    parliament.override_config(str(override))  # what --include-community-auditors does

    out: dict[str, Any] = {}
    for path in paths:
        entry: dict[str, Any] = {}
        try:
            entry["parliament"] = parliament_codes(path)
        except Exception as error:
            entry["parliament_error"] = f"{type(error).__name__}: {error}"
        try:
            policy = json.loads(path.read_text(encoding="utf-8"))
            entry["cloudsplaining"] = cloudsplaining_categories(
                scan_policy(policy, DEFAULT_EXCLUSIONS_CONFIG)
            )
        except Exception as error:
            entry["cloudsplaining_error"] = f"{type(error).__name__}: {error}"
        out[str(path)] = entry
    return out


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "cloudsplaining-scan":
        print(json.dumps(cloudsplaining_scan(Path(argv[1]))))
        return 0
    if len(argv) >= 2 and argv[0] == "findings":
        print(json.dumps(findings([Path(a) for a in argv[1:]])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
