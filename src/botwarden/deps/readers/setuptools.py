"""setuptools metadata: ``setup.cfg`` and ``setup.py``, read without running anything.

``setup.cfg`` is INI. Its ``[options]`` ``install_requires``, ``setup_requires`` and
``tests_require`` and each key of ``[options.extras_require]`` hold requirements the way
setuptools splits them: a value spanning lines has one requirement per line; a value on one
line is split on ``;`` (so a marker needs the multi-line form, as setuptools also says).
``file:`` values name another file, which is reported, not followed.

``setup.py`` is a program, and a security tool does not execute the files it checks: its syntax
tree is read instead. The keywords above (and ``extras_require``) of a call to ``setup(...)``
are taken when they are literals (lists, tuples, a dict of them, strings, ``+`` of those), or
names bound once at module level to such literals. Anything computed (a comprehension, a
function reading a file) is a problem that says so, on its line; the requirements it would give
are not guessed.
"""

from __future__ import annotations

import ast
import re

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._lock import add
from botwarden.deps.readers.model import ReadProblem, Requirement

Result = tuple[list[Requirement], list[ReadProblem]]
SETUP_CFG = "setup.cfg"
SETUP_PY = "setup.py"
_LISTS = ("install_requires", "setup_requires", "tests_require")
_SECTION = re.compile(r"^\[\s*([^\]]+?)\s*\]\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")
_MAX_DEPTH = 50  # nesting of a setup.py expression the reader follows (deeper: not a literal)


# -- setup.cfg -----------------------------------------------------------------------------------


def read_setup_cfg(text: str, shown: str) -> Result:
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    for section, key, lines in _ini_values(text):
        wanted = (section == "options" and key in _LISTS) or section == "options.extras_require"
        if not wanted:
            continue
        where = f"[{section}] {key}"
        first = lines[0]
        if first[1].startswith("file:"):
            named = _pep508.shorten(first[1])
            problems.append(
                ReadProblem(shown, first[0], f"{where} names another file ({named}); not read")
            )
            continue
        items = (
            [(n, v) for n, v in lines if v] if len(lines) > 1 or not first[1] else
            [(first[0], part.strip()) for part in first[1].split(";") if part.strip()]
        )  # fmt: skip
        for line, item in items:
            add(
                _pep508.parse(item, path=shown, line=line, source=SETUP_CFG), requirements, problems
            )
    return requirements, problems


def _ini_values(text: str) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """(section, key, [(line, text)]) for each key: its first line's value, then each
    continuation line (indented), comments and blank lines left out. Section names lower-cased,
    as setuptools reads them."""
    found: list[tuple[str, str, list[tuple[int, str]]]] = []
    section = ""
    current: list[tuple[int, str]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if raw[:1] in (" ", "\t") and current is not None:
            current.append((number, _uncomment(stripped)))
            continue
        header = _SECTION.match(stripped)
        if header:
            section, current = header.group(1).lower(), None
            continue
        pair = _KEY.match(stripped)
        if pair is None:
            current = None
            continue
        current = [(number, _uncomment(pair.group(2).strip()))]
        found.append((section, pair.group(1).lower().replace("-", "_"), current))
    return found


def _uncomment(value: str) -> str:
    """A requirement line without its trailing `` # comment`` (a ``#`` after whitespace)."""
    return re.split(r"\s+#", value, maxsplit=1)[0].strip()


# -- setup.py ------------------------------------------------------------------------------------


def read_setup_py(text: str, shown: str) -> Result:
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        return [], [ReadProblem(shown, exc.lineno or 0, f"not valid Python: {exc.msg}")]
    except (ValueError, RecursionError, MemoryError):
        return [], [ReadProblem(shown, 0, "not readable as Python source")]
    names = _module_literals(tree)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_setup(node)]
    for call in calls:
        for keyword in call.keywords:
            if keyword.arg in _LISTS:
                strings = _strings(keyword.value, names, shown, keyword.arg, problems)
            elif keyword.arg == "extras_require":
                strings = _extras(keyword.value, names, shown, problems)
            else:
                continue
            for line, item in strings:
                add(
                    _pep508.parse(item, path=shown, line=line, source=SETUP_PY),
                    requirements,
                    problems,
                )
    return requirements, problems


def _is_setup(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup"
    )


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names bound exactly once, by a plain assignment: what a literal keyword
    value may refer to (``install_requires=REQUIRES``)."""
    bound: dict[str, list[ast.expr]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            bound.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            bound.setdefault(node.target.id, []).extend((node.value, node.value))  # changed
    return {name: values[0] for name, values in bound.items() if len(values) == 1}


def _resolve(node: ast.expr, names: dict[str, ast.expr]) -> ast.expr:
    seen = 0
    while isinstance(node, ast.Name) and node.id in names and seen < _MAX_DEPTH:
        node, seen = names[node.id], seen + 1
    return node


def _strings(
    node: ast.expr, names: dict[str, ast.expr], shown: str, what: str, problems: list[ReadProblem]
) -> list[tuple[int, str]]:
    node = _resolve(node, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # REQUIRES + ["six"]
        left = _strings(node.left, names, shown, what, problems)
        return left + _strings(node.right, names, shown, what, problems)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.lineno + n, line.strip())
                for n, line in enumerate(node.value.splitlines())
                if line.strip() and not line.strip().startswith("#")]  # fmt: skip
    if isinstance(node, ast.List | ast.Tuple):
        found: list[tuple[int, str]] = []
        for written in node.elts:
            element = _resolve(written, names)
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                found.append((element.lineno, element.value.strip()))
            else:
                problems.append(_computed(shown, element, f"an item of {what}"))
        return found
    problems.append(_computed(shown, node, what))
    return []


def _extras(
    node: ast.expr, names: dict[str, ast.expr], shown: str, problems: list[ReadProblem]
) -> list[tuple[int, str]]:
    node = _resolve(node, names)
    if not isinstance(node, ast.Dict):
        problems.append(_computed(shown, node, "extras_require"))
        return []
    found: list[tuple[int, str]] = []
    for key, value in zip(node.keys, node.values, strict=True):
        label = key.value if isinstance(key, ast.Constant) else "?"
        found.extend(_strings(value, names, shown, f"extras_require[{label!r}]", problems))
    return found


def _computed(shown: str, node: ast.AST, what: str) -> ReadProblem:
    return ReadProblem(
        shown,
        getattr(node, "lineno", 0),
        f"{what} is computed when setup.py runs ({type(node).__name__}), and setup.py is not "
        "run: its requirements are not read",
    )


__all__ = ["SETUP_CFG", "SETUP_PY", "read_setup_cfg", "read_setup_py"]
