"""Resource types and ARN patterns: which resources an ARN pattern in a policy can name.

Built lazily: a run that never asks about ARNs never tokenises a format. Answers are memoised per
(service, resource type, pattern), because a policy set repeats the same few resource patterns for
many actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from botwarden.iam.database import _arn
from botwarden.iam.database._model import ResourceTypeInfo, Service, bits_of

CACHE_LIMIT = 65_536  # entries per memo table; cleared when full, a bound for long-lived processes

TypeKey = tuple[str, str]  # (service prefix, lower-cased resource type name)


class ResourceIndex:
    """The resource types of every service, and the actions that accept each one."""

    def __init__(self, services: Mapping[str, Service], size: int) -> None:
        self._services = services
        self._size = size
        self._infos: dict[TypeKey, ResourceTypeInfo | None] = {}
        self._matches: dict[tuple[str, str, str], bool] = {}
        self._by_service: dict[str, dict[str, int]] = {}

    def derived(self) -> tuple[int, dict[str, list[TypeKey]]]:
        """What :meth:`adopt` takes back: the indexes every ARN question needs first, kept with
        the cached database index so that no process (or forked worker) rebuilds them."""
        return self._undefined_type_actions, self._by_field

    def adopt(self, derived: tuple[int, dict[str, list[TypeKey]]]) -> None:
        undefined, by_field = derived
        if not isinstance(undefined, int) or not isinstance(by_field, dict):
            raise TypeError("derived resource indexes of the wrong shape")
        self.__dict__["_undefined_type_actions"] = undefined
        self.__dict__["_by_field"] = {
            field: [tuple(k) for k in keys] for field, keys in by_field.items()
        }

    def resource_type(self, prefix: str, name: str) -> ResourceTypeInfo | None:
        key = (prefix.lower(), name.lower())
        if key not in self._infos:
            self._infos[key] = self._build(*key)
        return self._infos[key]

    def _build(self, prefix: str, name: str) -> ResourceTypeInfo | None:
        service = self._services.get(prefix)
        found = service.resources.get(name) if service is not None and name else None
        if found is None:
            return None
        actual, arn_format, keys = found
        return ResourceTypeInfo.of(prefix, actual, arn_format, keys)

    def type_matches(self, prefix: str, name: str, pattern: str) -> bool:
        """Whether ``pattern`` can name a resource of this type; memoised."""
        key = (prefix, name.lower(), pattern)
        found = self._matches.get(key)
        if found is None:
            info = self.resource_type(prefix, name)
            # A type the file references but does not define: no grounds to say "never".
            found = info is None or info.can_match(pattern)
            if len(self._matches) >= CACHE_LIMIT:
                self._matches.clear()
            self._matches[key] = found
        return found

    def actions_for_arn(self, pattern: str, within: int) -> int:
        """Bits of the actions in ``within`` with a resource type ``pattern`` (not all stars)
        can name."""
        wanted = _arn.service_field(pattern)
        fields = (wanted, "") if wanted is not None else tuple(self._by_field)
        bits = self._undefined_type_actions & within
        for field in fields:
            for key in self._by_field.get(field, ()):
                actions = self._type_actions(key[0]).get(key[1], 0) & within
                if actions and bits & actions != actions and self.type_matches(*key, pattern):
                    bits |= actions
        return bits

    def _type_actions(self, prefix: str) -> dict[str, int]:
        """For each resource type of one service (lower-cased), the bits of the actions that
        accept it; built per service, for the services patterns reach."""
        found = self._by_service.get(prefix)
        if found is None:
            service = self._services[prefix]
            ids: dict[str, list[int]] = {}
            for index, rows in enumerate(service.rows, start=service.start):
                for row in rows:
                    if row[0]:
                        ids.setdefault(row[0].lower(), []).append(index)
            found = self._by_service[prefix] = {t: bits_of(i, self._size) for t, i in ids.items()}
        return found

    @cached_property
    def _by_field(self) -> dict[str, list[TypeKey]]:
        """Resource types by the literal service field of their ARN format ('' = not literal).

        Read from the format strings, so nothing is tokenised for services a pattern cannot reach.
        """
        found: dict[str, list[TypeKey]] = {}
        for prefix, service in self._services.items():
            for lower, (_, arn_format, _) in service.resources.items():
                found.setdefault(_arn.format_service_field(arn_format), []).append((prefix, lower))
        return found

    @cached_property
    def _undefined_type_actions(self) -> int:
        """Actions naming a resource type their service does not define: always kept."""
        ids = []
        for service in self._services.values():
            defined = service.resources
            for index, rows in enumerate(service.rows, start=service.start):
                if any(row[0] and row[0].lower() not in defined for row in rows):
                    ids.append(index)
        return bits_of(ids, self._size)
