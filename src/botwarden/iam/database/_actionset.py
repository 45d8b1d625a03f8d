"""Sets of IAM actions as bitsets over the database's action ids.

Policies are compared by set algebra (what a statement allows minus what a deny removes, what a
manifest declares versus what a policy grants), thousands of times per audit. With every action
numbered, a set is one Python int and union, intersection, difference and complement are single
big-int operations on ~20,000 bits (a few hundred machine words), independent of how many actions
the sets hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botwarden.iam.database._core import IamDatabase
    from botwarden.iam.database._model import ActionInfo


class ActionSet:
    """An immutable set of actions of one :class:`IamDatabase`, stored as an int bitset.

    Iteration yields canonical names (``s3:GetObject``) in id order: by service prefix, then
    case-insensitively by action name. Sets from different databases cannot be combined.
    """

    __slots__ = ("_bits", "_db")

    def __init__(self, db: IamDatabase, bits: int = 0) -> None:
        self._db = db
        self._bits = bits

    @property
    def bits(self) -> int:
        """The raw bitset: bit ``i`` is set when the action with id ``i`` is in the set."""
        return self._bits

    @property
    def database(self) -> IamDatabase:
        return self._db

    def _other(self, other: object) -> int:
        if not isinstance(other, ActionSet):
            raise TypeError(f"expected an ActionSet, got {type(other).__name__}")
        if other._db is not self._db:
            raise ValueError("ActionSets from different IAM databases cannot be combined")
        return other._bits

    def __or__(self, other: ActionSet) -> ActionSet:
        return ActionSet(self._db, self._bits | self._other(other))

    def __and__(self, other: ActionSet) -> ActionSet:
        return ActionSet(self._db, self._bits & self._other(other))

    def __sub__(self, other: ActionSet) -> ActionSet:
        return ActionSet(self._db, self._bits & ~self._other(other))

    def __xor__(self, other: ActionSet) -> ActionSet:
        return ActionSet(self._db, self._bits ^ self._other(other))

    def __invert__(self) -> ActionSet:
        """Every action of the database that is not in this set (NotAction)."""
        return ActionSet(self._db, self._db.universe.bits & ~self._bits)

    def __le__(self, other: ActionSet) -> bool:
        return self._bits & ~self._other(other) == 0

    def __ge__(self, other: ActionSet) -> bool:
        return self._other(other) & ~self._bits == 0

    def issubset(self, other: ActionSet) -> bool:
        return self <= other

    def isdisjoint(self, other: ActionSet) -> bool:
        return self._bits & self._other(other) == 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ActionSet):
            return NotImplemented
        return self._db is other._db and self._bits == other._bits

    def __hash__(self) -> int:
        return hash(self._bits)

    def __len__(self) -> int:
        return self._bits.bit_count()

    def __bool__(self) -> bool:
        return self._bits != 0

    def is_empty(self) -> bool:
        return self._bits == 0

    def __contains__(self, name: object) -> bool:
        """Whether the action ``name`` (case-insensitive, no wildcards) is in the set."""
        if not isinstance(name, str):
            return False
        index = self._db.action_id(name)
        return index is not None and (self._bits >> index) & 1 == 1

    def ids(self) -> Iterator[int]:
        """The ids of the members, ascending."""
        # One conversion to a string and str.find beat peeling bits off a 20,000-bit int.
        text = format(self._bits, "b")[::-1]
        index = text.find("1")
        while index >= 0:
            yield index
            index = text.find("1", index + 1)

    def __iter__(self) -> Iterator[str]:
        names = self._db.action_names
        for index in self.ids():
            yield names[index]

    def first(self, count: int) -> list[str]:
        """The first ``count`` names in order, without converting the whole set (cheap samples)."""
        names, bits = self._db.action_names, self._bits
        found: list[str] = []
        while bits and len(found) < count:
            low = bits & -bits
            found.append(names[low.bit_length() - 1])
            bits ^= low
        return found

    def names(self) -> tuple[str, ...]:
        """Canonical names, sorted by service prefix then case-insensitively by action."""
        return tuple(self)

    def infos(self) -> Iterator[ActionInfo]:
        """The :class:`ActionInfo` of each member, in id order."""
        for name in self:
            info = self._db.action(name)
            assert info is not None
            yield info

    def services(self) -> tuple[str, ...]:
        """The service prefixes that have at least one member, sorted."""
        return tuple(p for p in self._db.services if self._bits & self._db.by_service(p).bits)

    def __repr__(self) -> str:
        count = len(self)
        shown = ", ".join(name for name, _ in zip(self, range(5), strict=False))
        more = ", ..." if count > 5 else ""
        return f"ActionSet({count} actions: {shown}{more})"
