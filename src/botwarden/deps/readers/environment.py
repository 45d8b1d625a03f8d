"""An installed environment: what ``importlib.metadata`` in that interpreter sees.

The interpreter is run as ``python -I -c SCRIPT`` with no shell and a timeout. ``-I`` keeps the
current directory (and ``PYTHON*`` variables) off its ``sys.path``, so a ``json.py`` lying in the
directory being scanned cannot run in place of the standard library; outside a virtual
environment the script adds the user site directory back, as ``pip list`` would show it. When
two copies of a distribution are on the path, the first (the one ``import`` finds) is reported.
"""

from __future__ import annotations

import json
import subprocess

from packaging.utils import canonicalize_name

from botwarden.deps.readers._pep508 import shorten
from botwarden.deps.readers.model import ReadProblem, Requirement

SOURCE = "environment"
TIMEOUT = 60.0
_MAX_OUTPUT = 50 * 1024 * 1024

# Runs in the target interpreter: it must work on any Python 3.8+, so no newer syntax.
SCRIPT = """\
import json, os, site, sys
if sys.prefix == getattr(sys, "base_prefix", sys.prefix):
    user = site.getusersitepackages()
    if os.path.isdir(user) and user not in sys.path:
        sys.path.append(user)
from importlib import metadata
out = []
for dist in metadata.distributions():
    name = dist.metadata.get("Name")
    version = dist.metadata.get("Version")
    if name:
        out.append([str(name), str(version) if version is not None else None])
json.dump(out, sys.stdout)
"""


def read_environment(
    python: str, *, timeout: float = TIMEOUT
) -> tuple[list[Requirement], list[ReadProblem]]:
    """Every distribution installed for the interpreter ``python``, pinned to its version."""
    try:
        done = subprocess.run(  # noqa: S603 -- an argument list, no shell; the user names python
            [python, "-I", "-c", SCRIPT],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [], [ReadProblem(python, 0, f"the interpreter did not answer within {timeout:g}s")]
    except OSError as exc:
        return [], [ReadProblem(python, 0, f"cannot run the interpreter: {exc.strerror or exc}")]
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return [], [
            ReadProblem(
                python,
                0,
                f"the interpreter exited with status {done.returncode} "
                f"(importlib.metadata needs Python 3.8+): {shorten(last[0], 200)}",
            )
        ]
    if len(done.stdout) > _MAX_OUTPUT:
        return [], [ReadProblem(python, 0, "the interpreter's answer is too large to be read")]
    try:
        listed = json.loads(done.stdout.decode("utf-8", "replace"))
    except json.JSONDecodeError as exc:
        return [], [ReadProblem(python, 0, f"the interpreter's answer is not JSON: {exc.msg}")]
    except RecursionError:
        return [], [ReadProblem(python, 0, "the interpreter's answer is nested too deeply")]
    return _requirements(python, listed)


def _requirements(python: str, listed: object) -> tuple[list[Requirement], list[ReadProblem]]:
    if not isinstance(listed, list):
        return [], [ReadProblem(python, 0, "the interpreter's answer is not a list")]
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    seen: set[str] = set()
    for item in listed:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            problems.append(ReadProblem(python, 0, f"unexpected entry {str(item)!r:.60}"))
            continue
        name, version = item
        key = canonicalize_name(name)
        if key in seen:
            continue  # shadowed by an earlier copy on sys.path
        seen.add(key)
        if not isinstance(version, str) or not version:
            problems.append(
                ReadProblem(
                    python, 0, f"{name!r:.60} is installed without a version in its metadata"
                )
            )
            continue
        requirements.append(
            Requirement(
                name=key,
                display_name=name,
                version=version,
                specifier="==" + version,
                path=python,
                line=0,
                source=SOURCE,
            )
        )
    return requirements, problems
