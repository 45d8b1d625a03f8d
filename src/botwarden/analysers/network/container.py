"""The ``container`` check of ``botwarden audit``: Dockerfiles.

Files named ``Dockerfile``, ``Containerfile``, ``*.Dockerfile`` or ``Dockerfile.*`` are read with
:mod:`.dockerfile`. The image's user and health check are those of the final stage (a stage built
``FROM`` an earlier one inherits its ``USER``); base images are judged in every stage, after
substituting the ``ARG`` defaults declared before the first ``FROM``. A base image whose name is
still a variable after that, ``scratch``, and earlier stages are not judged. The user and health
check a base image sets are not known: a stage without ``USER`` is reported even when its base image
sets one (suppress it then), and a missing ``HEALTHCHECK`` likewise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from botwarden.analysers.network import rules
from botwarden.analysers.network.dockerfile import Instruction, parse_dockerfile, split_words
from botwarden.analysers.network.secretish import looks_like_secret_name, sighting
from botwarden.audit.target import Target
from botwarden.findings import Finding, Location, Rule, Severity

_NOT_DOCKERFILES = (".dockerignore", ".md", ".txt", ".json", ".yaml", ".yml", ".sh", ".py")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_ROOT_USERS = frozenset({"root", "0"})
_FETCH = r"(?:curl|wget)\b"
_SHELL = r"(?:sudo\s+(?:-\S+\s+)*)?(?:/usr)?(?:/bin/)?(?:ba|z|da|a|k|fi)?sh\b"
CURL_PIPE = re.compile(
    rf"{_FETCH}[^|;&\n]*\|\s*{_SHELL}"  # curl ... | sh
    rf"|{_SHELL}\s+(?:-\S+\s+)*-c\s+[\"']?\$\(\s*{_FETCH}"  # sh -c "$(curl ...)"
    rf"|{_SHELL}\s+<\(\s*{_FETCH}",  # bash <(curl ...)
    re.IGNORECASE,
)


def is_dockerfile(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith(_NOT_DOCKERFILES):
        return False
    return (lowered in ("dockerfile", "containerfile") or lowered.endswith(".dockerfile")
            or lowered.startswith(("dockerfile.", "containerfile.")))  # fmt: skip


@dataclass
class Stage:
    """One ``FROM`` and what follows it up to the next."""

    start: Instruction
    base: str
    name: str | None
    user: Instruction | None = None  # the last USER
    healthcheck: Instruction | None = None  # the last HEALTHCHECK
    instructions: list[Instruction] = field(default_factory=list)


class ContainerAnalyser:
    """Reports unpinned base images, images that run as root, secrets in ENV/ARG, ADD from URLs,
    a missing HEALTHCHECK and remote scripts piped into a shell."""

    name = rules.CONTAINER
    rules: tuple[Rule, ...] = rules.DOCKER_RULES

    def analyse(self, target: Target) -> Iterator[Finding]:
        for path in target.files():
            if not is_dockerfile(path.name):
                continue
            text = target.read_text(path)
            if text is not None:
                yield from check_dockerfile(text, target.relative(path), target.root)


def check_dockerfile(text: str, path: str, root: Path) -> Iterator[Finding]:
    instructions = parse_dockerfile(text)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in instructions:
        keyword = instruction.keyword
        if keyword == "FROM":
            stage = _stage(instruction, global_args)
            yield from _base_image(stage, stages, path)
            stages.append(stage)
            continue
        if keyword in ("ENV", "ARG"):
            yield from _variables(instruction, path, root)
            if keyword == "ARG" and not stages:
                global_args.update(_arg_defaults(instruction))
        if not stages:
            continue
        stage = stages[-1]
        stage.instructions.append(instruction)
        if keyword == "USER":
            stage.user = instruction
        elif keyword == "HEALTHCHECK":
            stage.healthcheck = instruction
        elif keyword == "ADD":
            yield from _add(instruction, path)
        elif keyword == "RUN":
            yield from _curl_pipe(instruction, path)
    if stages:
        yield from _final_stage(stages, path)


def _stage(instruction: Instruction, args: dict[str, str]) -> Stage:
    words = [w for w in split_words(instruction.args) if not w.startswith("--")]
    base = _substitute(words[0], args) if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return Stage(instruction, base, name)


def _substitute(text: str, args: dict[str, str]) -> str:
    """``$NAME``/``${NAME}`` replaced by ARG defaults; unknown variables stay as written."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return args.get(name, match.group(0))

    return _VARIABLE.sub(value, text)


def _arg_defaults(instruction: Instruction) -> dict[str, str]:
    found = {}
    for word in split_words(instruction.args):
        name, equals, default = word.partition("=")
        if equals:
            found[name] = default
    return found


def _base_image(stage: Stage, earlier: list[Stage], path: str) -> Iterator[Finding]:
    image = stage.base
    lowered = image.lower()
    names = {s.name.lower() for s in earlier if s.name}
    if not image or "$" in image or lowered == "scratch" or lowered in names:
        return
    if "@" in image:
        return  # pinned by digest, whatever the tag says
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is not None and tag != "latest":
        return
    said = "the 'latest' tag" if tag else "no tag (so 'latest')"
    where = Location(path, stage.start.line)
    yield Finding.of(rules.DOCKER_LATEST, f"FROM {image}: {said} and no digest", where,
                     key=image, evidence=f"FROM {image}")  # fmt: skip


def _variables(instruction: Instruction, path: str, root: Path) -> Iterator[Finding]:
    keyword = instruction.keyword
    for name, value in _pairs(instruction):
        where = Location(path, instruction.line)
        if value is None:
            if keyword == "ARG" and looks_like_secret_name(name):
                yield Finding.of(
                    rules.DOCKER_SECRET,
                    f"ARG {name} names a secret: build argument values are kept in the image "
                    "history",
                    where, key=f"ARG:{name}", evidence=f"ARG {name}", severity=Severity.LOW,
                )  # fmt: skip
            continue
        seen = sighting(name, value, root=root, path=path)
        if seen is not None:
            yield Finding.of(rules.DOCKER_SECRET, f"{keyword} {name}: {seen.reason}", where,
                             key=f"{keyword}:{seen.key}", evidence=f"{keyword} {seen.evidence}",
                             severity=seen.severity)  # fmt: skip


def _pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``ENV A=1 B=2``, the legacy ``ENV A 1 2`` (value: the rest), ``ARG A`` or ``ARG A=1``."""
    words = split_words(instruction.args)
    if not words:
        return []
    if instruction.keyword == "ENV" and "=" not in words[0]:
        rest = instruction.args.strip()[len(words[0]) :].strip()
        return [(words[0], rest)]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, equals, value = word.partition("=")
        if name:
            pairs.append((name, value if equals else None))
    return pairs


def _add(instruction: Instruction, path: str) -> Iterator[Finding]:
    words = split_words(instruction.args)
    if any(word.startswith("--checksum=") for word in words):
        return
    sources = [w for w in words if not w.startswith("--")][:-1]
    for source in sources:
        if source.lower().startswith(("http://", "https://")):
            yield Finding.of(rules.DOCKER_ADD_URL, f"ADD {source} downloads at build time, "
                             "unverified", Location(path, instruction.line), key=source,
                             evidence=f"ADD {source}")  # fmt: skip


def _curl_pipe(instruction: Instruction, path: str) -> Iterator[Finding]:
    scripts = [(instruction.args, instruction.line)]
    scripts += [(heredoc.body, heredoc.line) for heredoc in instruction.heredocs]
    for script, first_line in scripts:
        match = CURL_PIPE.search(script)
        if match is not None:
            line = first_line + script.count("\n", 0, match.start())
            shown = " ".join(match.group(0).split())
            yield Finding.of(rules.DOCKER_CURL_PIPE, f"RUN pipes a download into a shell: {shown}",
                             Location(path, line), key=shown, evidence=shown)  # fmt: skip
            return


def _final_stage(stages: list[Stage], path: str) -> Iterator[Finding]:
    final = stages[-1]
    user = _effective(final, stages, "user")
    if user is None:
        yield Finding.of(rules.DOCKER_ROOT, "the final stage has no USER: the container runs as "
                         "root unless its base image sets a user", Location(path, final.start.line),
                         key="final:no-user")  # fmt: skip
    else:
        name = (split_words(user.args) or [""])[0].split(":", 1)[0]
        if name.lower() in _ROOT_USERS:
            yield Finding.of(rules.DOCKER_ROOT, f"the final USER is {name}",
                             Location(path, user.line), key="final:root",
                             evidence=f"USER {user.args}", severity=Severity.HIGH)  # fmt: skip
    check = _effective(final, stages, "healthcheck")
    if check is None or check.args.strip().upper().startswith("NONE"):
        said = "HEALTHCHECK NONE" if check is not None else "no HEALTHCHECK"
        line = check.line if check is not None else final.start.line
        yield Finding.of(rules.DOCKER_NO_HEALTHCHECK, f"the final stage has {said}",
                         Location(path, line), key="final:healthcheck")  # fmt: skip


def _effective(stage: Stage, stages: list[Stage], what: str) -> Instruction | None:
    """The stage's own USER/HEALTHCHECK, else that of the earlier stage it is built from."""
    seen: set[int] = set()
    current: Stage | None = stage
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found: Instruction | None = getattr(current, what)
        if found is not None:
            return found
        base = current.base.lower()
        current = next((s for s in stages if s.name and s.name.lower() == base
                        and s is not current), None)  # fmt: skip
    return None
