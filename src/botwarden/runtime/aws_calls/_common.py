"""What every service's mapping is built from: the call being mapped, and the shapes of rules.

A rule turns one call into the authorisations AWS evaluates for it. Most operations fit one of
three shapes (``prefix:Operation`` on the one resource the call names, a differently named action
on that resource, an action with no resource-level permissions granted on ``"*"``), so each
service's module lists operations by shape and writes out only the calls that need more. The
accessors of :class:`_Call` fail with the parameter's name and the reason, so a refused call
says why. The public types live here because the accessors raise them and the rules build them;
the package re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botwarden.errors import Error

ANY = "*"
"""The resource of an action that names none (``s3:ListAllMyBuckets``) or of a guessed mapping."""


@dataclass(frozen=True, slots=True)
class AwsRequest:
    """One authorisation AWS evaluates: ``action`` on each of ``resources`` (at least one).

    ``approximate`` marks the fallback for a call this module does not know: ``prefix:Operation``
    on ``"*"``, which may not even be a real IAM action; only a capability on ``"*"`` allows it.
    """

    action: str
    resources: tuple[str, ...]
    approximate: bool = False


class AwsCallError(Error):
    """An API call whose parameters do not name the resource it acts on; it must be refused."""


class UnknownAccountError(AwsCallError):
    """The resource's ARN needs the caller's account id, and it was not supplied."""


class _UnmappedError(Exception):
    """A form of a known call that has no exact mapping: use the approximate fallback."""


@dataclass(frozen=True, slots=True)
class _Call:
    """One call's parameters and the context ARNs are built in; accessors fail with a reason."""

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str
    account: str | None
    partition: str

    def fail(self, why: str) -> AwsCallError:
        return AwsCallError(f"{self.service}.{self.operation}: {why}")

    def text(self, name: str, source: Mapping[str, Any] | None = None) -> str:
        value = (self.params if source is None else source).get(name)
        if not isinstance(value, str) or not value:
            raise self.fail(f"parameter {name} is missing or not a non-empty string")
        return value

    def optional(self, name: str, source: Mapping[str, Any] | None = None) -> str | None:
        present = (self.params if source is None else source).get(name) is not None
        return self.text(name, source) if present else None

    def number(self, name: str) -> int:
        value = self.params.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"parameter {name} is missing or not an integer")
        return value

    def mapping(self, name: str, source: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.params if source is None else source).get(name)
        if not isinstance(value, Mapping):
            raise self.fail(f"parameter {name} is missing or not a structure")
        return value

    def items(self, name: str, source: Mapping[str, Any] | None = None) -> list[Any]:
        """A non-empty list: an empty batch names no resource, so it cannot be authorised."""
        value = (self.params if source is None else source).get(name)
        if not isinstance(value, list) or not value:
            raise self.fail(f"parameter {name} is missing, empty or not a list")
        return value

    def structures(
        self, name: str, source: Mapping[str, Any] | None = None
    ) -> list[Mapping[str, Any]]:
        found = self.items(name, source)
        if not all(isinstance(item, Mapping) for item in found):
            raise self.fail(f"parameter {name} holds something other than structures")
        return found

    def texts(self, name: str) -> list[str]:
        found = self.items(name)
        if not all(isinstance(item, str) and item for item in found):
            raise self.fail(f"parameter {name} holds something other than non-empty strings")
        return found

    def owner(self) -> str:
        if self.account is None:
            raise UnknownAccountError(f"{self.service}.{self.operation}: the account id is needed")
        return self.account

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        """An ARN in this call's partition; region and account default to the caller's."""
        owner = self.owner() if account is None else account
        where = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{where}:{owner}:{resource}"

    def arn_param(self, name: str, service: str, source: Mapping[str, Any] | None = None) -> str:
        """A parameter that must hold an ARN of ``service`` (the resource, named in full)."""
        value = self.text(name, source)
        parts = value.split(":", 5)
        if len(parts) < 6 or parts[0] != "arn" or parts[2] != service:
            raise self.fail(f"parameter {name} is not an ARN of {service}: {value!r}")
        return value


Rule = Callable[[_Call], list[AwsRequest]]
Resolve = Callable[[_Call], str]


def _req(action: str, *resources: str) -> AwsRequest:
    return AwsRequest(action, tuple(dict.fromkeys(resources)))


def _grouped(pairs: Iterable[tuple[str, str]]) -> list[AwsRequest]:
    """One request per action, in first-seen order, each with its resources in order."""
    by_action: dict[str, dict[str, None]] = {}
    for action, resource in pairs:
        by_action.setdefault(action, {})[resource] = None
    return [AwsRequest(action, tuple(found)) for action, found in by_action.items()]


def _anything(_: _Call) -> str:
    return ANY


def _one(action: str, resolve: Resolve) -> Rule:
    return lambda call: [_req(action, resolve(call))]


def _same(prefix: str, resolve: Resolve, operations: str) -> dict[str, Rule]:
    """Operations authorised as ``prefix:Operation`` on the one resource ``resolve`` names."""
    return {op: _one(f"{prefix}:{op}", resolve) for op in operations.split()}


def _renamed(prefix: str, resolve: Resolve, table: Mapping[str, str]) -> dict[str, Rule]:
    """Operations whose IAM action has another name, on the one resource ``resolve`` names."""
    return {op: _one(f"{prefix}:{action}", resolve) for op, action in table.items()}


def _star(prefix: str, operations: str) -> dict[str, Rule]:
    """Operations whose action supports no resource-level permissions: granted on ``"*"``."""
    return _same(prefix, _anything, operations)


# an AWS region name, as SQS hosts and Lambda ARNs spell it
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
