"""Checking groups of files: found files are sniffed where they are checked, workers return the
same findings as one process, and JSON-only runs never import the YAML or HCL parsers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from botwarden.findings import Finding
from botwarden.iam import analyser
from botwarden.iam.analyser import PARALLEL_THRESHOLD, FoundFile, check_file_groups
from botwarden.iam.database import IamDatabase, default_database

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def db() -> IamDatabase:
    return default_database()


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


STATEMENTS: list[dict[str, Any]] = [
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b*"},
    {"Effect": "Allow", "Action": ["ec2:RunInstances", "iam:PassRole"], "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObjcet", "Resource": "*"},
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
]


def keys(findings: list[Finding]) -> list[tuple[str, str, int | None, str]]:
    return [(f.rule, f.location.path, f.location.line, f.message) for f in findings]


def test_found_files_that_are_not_policies_are_skipped(tmp_path: Path, db: IamDatabase) -> None:
    (tmp_path / "notes.txt").write_text("Statement Effect", encoding="utf-8")
    (tmp_path / "data.json").write_text('{"items": [1, 2]}', encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(b'{"Statement": "\0"}')
    (tmp_path / "policy.json").write_text(policy(STATEMENTS[0]), encoding="utf-8")
    units = [FoundFile(p, p.name) for p in sorted(tmp_path.iterdir())]
    found = check_file_groups(units, db=db)
    assert {f.location.path for f in found} == {"policy.json"}
    assert "iam.pass-role-unrestricted" in {f.rule for f in found}


def test_files_named_together_are_one_principal(tmp_path: Path, db: IamDatabase) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(policy(STATEMENTS[0]), encoding="utf-8")
    b.write_text(policy({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}))
    together = check_file_groups([[(a, "a.json"), (b, "b.json")]], db=db)
    apart = check_file_groups([FoundFile(a, "a.json"), FoundFile(b, "b.json")], db=db)
    assert "iam.privilege-escalation" in {f.rule for f in together}
    assert "iam.privilege-escalation" not in {f.rule for f in apart}


def test_workers_find_what_one_process_finds(tmp_path: Path, db: IamDatabase) -> None:
    units: list[Any] = []
    for index in range(PARALLEL_THRESHOLD + 6):
        path = tmp_path / f"p{index:03}.json"
        first, second = STATEMENTS[index % 6], STATEMENTS[(index * 5 + 1) % 6]
        path.write_text(policy(first, second), encoding="utf-8")
        units.append(FoundFile(path, path.name))
    (tmp_path / "skip.txt").write_text("not a policy", encoding="utf-8")
    units.insert(3, FoundFile(tmp_path / "skip.txt", "skip.txt"))
    units.insert(0, [(DATA / "bibliobot-policy.json", "x.json"), (units[1].path, "y.json")])
    serial = check_file_groups(units, db=db, jobs=1)
    parallel = check_file_groups(units, db=db, jobs=2)
    assert serial and keys(parallel) == keys(serial)
    assert parallel == serial


def test_json_runs_never_import_the_yaml_or_hcl_parsers(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(policy(STATEMENTS[3]), encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from botwarden.iam.analyser import FoundFile, check_file_groups\n"
        "from botwarden.iam.database import default_database\n"
        "files = [FoundFile(p, p.name) for p in sorted(Path(sys.argv[1]).iterdir())]\n"
        "assert check_file_groups(files, db=default_database())\n"
        "print(sorted(m for m in ('yaml', 'hcl2', 'lark') if m in sys.modules))\n"
    )
    run = [sys.executable, "-c", code, str(tmp_path)]
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    for name in ("bibliobot.tf", "bibliobot-stack.yaml"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['hcl2', 'lark', 'yaml']"  # the test can tell


def test_the_job_is_what_workers_inherit(tmp_path: Path, db: IamDatabase) -> None:
    path = tmp_path / "p.json"
    path.write_text(policy(STATEMENTS[0]), encoding="utf-8")
    check_file_groups([FoundFile(path, "p.json")], db=db, principal_arn="arn:aws:iam::1:role/r")
    assert analyser._job is not None and analyser._job.principal_arn == "arn:aws:iam::1:role/r"
