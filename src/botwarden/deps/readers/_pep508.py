"""PEP 508 strings to :class:`Requirement`: the name, the specifier as written, the pin.

``packaging`` parses; what it loses is kept here. Its ``SpecifierSet`` sorts its parts, so the
specifier is cut from the text as written (whitespace removed) and checked against the parse.
A requirement is pinned when one exact version is named: ``== X`` without a wildcard, or
``=== X`` (arbitrary equality, whose X need not be a PEP 440 version).
"""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

_WRITTEN = re.compile(r"^\s*[A-Za-z0-9._-]+\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;]*)")
_NAMED_URL = re.compile(r"^\s*[A-Za-z0-9._-]+\s*(?:\[[^\]]*\])?\s*@")
_VCS = re.compile(r"^(?:git|hg|svn|bzr)\+", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")


def shorten(text: str, limit: int = 100) -> str:
    """``text`` for a message: URL credentials masked, cut to ``limit`` characters, quoted."""
    masked = _USERINFO.sub("***@", text.strip())
    if len(masked) > limit:
        masked = masked[: limit - 3] + "..."
    return repr(masked)


def pinned(specifier: SpecifierSet) -> str | None:
    """The one exact version the specifier allows by ``==`` or ``===``, else ``None``."""
    pins = {
        s.version
        for s in specifier
        if s.operator == "===" or (s.operator == "==" and not s.version.endswith(".*"))
    }
    return pins.pop() if len(pins) == 1 else None


def written_specifier(text: str, parsed: Pep508) -> str:
    found = _WRITTEN.match(text)
    if found:
        spec = re.sub(r"\s+", "", found.group("spec"))
        if spec.startswith("(") and spec.endswith(")"):
            spec = spec[1:-1]
        try:
            if SpecifierSet(spec) == parsed.specifier:
                return spec
        except InvalidSpecifier:
            pass
    return str(parsed.specifier)


def looks_like_location(text: str) -> bool:
    """Whether pip would take ``text`` as a URL, an archive or a directory rather than a name."""
    head = text.split(";", 1)[0].strip()
    return bool(
        "://" in head
        or _VCS.match(head)
        or head.lower().startswith("file:")
        or "/" in head
        or "\\" in head
        or head.startswith((".", "~"))
        or head.lower().endswith(_ARCHIVES)
    )


def location_kind(location: str) -> str:
    if _VCS.match(location.strip()):
        return "a VCS checkout"
    if location.strip().lower().startswith("file:") or not _SCHEME.match(location.strip()):
        return "a local path"
    return "a URL"


def unmatchable(what: str, location: str) -> str:
    """The message for a requirement installed from somewhere that is not a PyPI release."""
    return (
        f"{what} {NOT_MATCHABLE}: it is installed from {location_kind(location)}, not a release "
        "on an index, so which advisories apply cannot be told from a version"
    )


def parse(
    text: str,
    *,
    path: str,
    line: int,
    source: str,
    hashes: tuple[str, ...] = (),
) -> Requirement | ReadProblem:
    """One PEP 508 string as a requirement, or the problem that says why it is not one."""
    if not _NAMED_URL.match(text) and looks_like_location(text):
        # pip reads these as archives, directories or URLs, even "pkg-1.0.tar.gz", which
        # PEP 508 would take for a name
        return ReadProblem(path, line, unmatchable(f"requirement {shorten(text)}", text))
    try:
        parsed = Pep508(text)
    except InvalidRequirement as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
        return ReadProblem(
            path, line, f"requirement {shorten(text)} is not PEP 508: {reason}; it is skipped"
        )
    if parsed.url:
        return ReadProblem(
            path, line, unmatchable(f"{parsed.name} @ {shorten(parsed.url)}", parsed.url)
        )
    return Requirement(
        name=canonicalize_name(parsed.name),
        display_name=parsed.name,
        version=pinned(parsed.specifier),
        specifier=written_specifier(text, parsed),
        path=path,
        line=line,
        source=source,
        hashes=hashes,
        marker=str(parsed.marker) if parsed.marker is not None else "",
    )
