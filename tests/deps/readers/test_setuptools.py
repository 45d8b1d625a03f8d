"""setup.cfg and setup.py (read, never run) and Pipfile: requirements with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.deps.readers import NOT_MATCHABLE, discover, read_file
from botwarden.deps.readers.setuptools import read_setup_cfg, read_setup_py

SETUP_CFG = """\
[metadata]
name = demo

[options]
install_requires =
    requests==2.19.0   # pinned
    flask>=1.0

    importlib-metadata; python_version<"3.8"
setup_requires = wheel; setuptools>=40
tests_require = file: requirements-test.txt
python_requires = >=3.8

[options.extras_require]
yaml = PyYAML==5.3
dev =
    pytest
"""

SETUP_PY = """\
from setuptools import setup

REQUIRES = ["urllib3==1.24.1", "jinja2>=2.10"]
EXTRAS = {"crypto": ["cryptography==2.1"], "x": [f"a{1}"]}
CHANGED = ["x==1"]
CHANGED += ["y==2"]


def read_reqs():
    return open("requirements.txt").read().splitlines()


setup(
    name="demo",
    install_requires=REQUIRES + ["six"],
    setup_requires=("setuptools_scm==1.0",),
    extras_require=EXTRAS,
    tests_require=read_reqs(),
    dependency_links=CHANGED,
)
"""

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
name = "pypi"

[packages]
requests = "==2.20.0"
django = {version = ">=3.2", extras = ["argon2"]}
mylib = {path = ".", editable = true}
flask = "*"

[dev-packages]
pytest = {version = "==6.0", markers = "python_version >= '3.8'"}

[requires]
python_version = "3.11"
"""


def test_setup_cfg(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    requirements, problems = read_file(tmp_path / "setup.cfg", tmp_path)
    got = [(r.name, r.version, r.specifier, r.line, r.source) for r in requirements]
    assert got == [
        ("requests", "2.19.0", "==2.19.0", 6, "setup.cfg"),
        ("flask", None, ">=1.0", 7, "setup.cfg"),
        ("importlib-metadata", None, "", 9, "setup.cfg"),
        ("wheel", None, "", 10, "setup.cfg"),
        ("setuptools", None, ">=40", 10, "setup.cfg"),
        ("pyyaml", "5.3", "==5.3", 15, "setup.cfg"),
        ("pytest", None, "", 17, "setup.cfg"),
    ]
    assert requirements[2].marker == 'python_version < "3.8"'
    assert [(p.line, p.message) for p in problems] == [
        (11, "[options] tests_require names another file ('file: requirements-test.txt'); not read")
    ]


def test_setup_py_is_read_not_run(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(SETUP_PY, encoding="utf-8")
    requirements, problems = read_file(tmp_path / "setup.py", tmp_path)
    got = [(r.name, r.version, r.line) for r in requirements]
    assert got == [
        ("urllib3", "1.24.1", 3),
        ("jinja2", None, 3),
        ("six", None, 15),
        ("setuptools-scm", "1.0", 16),
        ("cryptography", "2.1", 4),
    ]
    assert [(p.line, p.message.split(" is computed")[0]) for p in problems] == [
        (4, "an item of extras_require['x']"),
        (18, "tests_require"),
    ]


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("setup(", 1, "not valid Python"),
        ("setup(install_requires=[x for x in y])", 1, "is computed"),
        ("setup(install_requires=deps)", 1, "is computed"),
        ("setup(extras_require=make())", 1, "is computed"),
        ("import setuptools\nsetuptools.setup(install_requires=1)", 2, "is computed"),
    ],
)
def test_setup_py_that_cannot_be_read_says_where(source: str, line: int, reason: str) -> None:
    requirements, problems = read_setup_py(source, "setup.py")
    assert requirements == []
    assert [(p.line, reason in p.message) for p in problems] == [(line, True)]


def test_a_name_bound_twice_is_not_taken_for_a_literal() -> None:
    requirements, problems = read_setup_py(
        'R = ["a==1"]\nif x:\n    pass\nR = ["b==2"]\nsetup(install_requires=R)', "setup.py"
    )
    assert requirements == []
    assert len(problems) == 1


def test_pipfile(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text(PIPFILE, encoding="utf-8")
    requirements, problems = read_file(tmp_path / "Pipfile", tmp_path)
    got = [(r.name, r.version, r.specifier, r.line, r.marker) for r in requirements]
    assert got == [
        ("requests", "2.20.0", "==2.20.0", 6, ""),
        ("django", None, ">=3.2", 7, ""),
        ("flask", None, "", 9, ""),
        ("pytest", "6.0", "==6.0", 12, 'python_version >= "3.8"'),
    ]
    assert [(p.line, NOT_MATCHABLE in p.message) for p in problems] == [(8, True)]


def test_they_are_discovered(tmp_path: Path) -> None:
    for name in ("setup.cfg", "setup.py", "Pipfile", "Pipfile.lock", "tox.ini"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in discover(tmp_path)] == [
        "Pipfile",
        "Pipfile.lock",
        "setup.cfg",
        "setup.py",
    ]


@given(st.text(max_size=300))
def test_any_setup_cfg_reads_without_raising(text: str) -> None:
    read_setup_cfg(text, "setup.cfg")


@given(st.text(alphabet="setup(install_requires=[]'\"+,x)=\n #", max_size=120))
def test_any_setup_py_reads_without_raising(text: str) -> None:
    read_setup_py(text, "setup.py")
