"""What a principal's policies allow, as action sets, computed once and shared by every check.

Checks ask two questions: which actions are allowed on every resource, and which are allowed at
all. Both subtract the actions an unconditional Deny on every resource takes back; narrower or
conditional Denies may not apply to a given request, so they cannot be counted on to remove a
grant (they are honoured by the evaluator, which answers for concrete requests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from botwarden.iam.database import ActionSet, IamDatabase
from botwarden.iam.model import Effect, PolicyDocument, PolicyKind, Statement

# A resource pattern made only of 'arn', colons and wildcards matches every resource.
_EVERYTHING = re.compile(r"^(\*|arn(:\*)+:?\*?)$")
# An ARN whose resource part is only a wildcard, or a type and a wildcard, names every resource
# of its kind: every role ('arn:aws:iam::*:role/*'), every function ('...:function:*'). S3 has
# no type in its resource part ('bucket/key'), so there only '*' and '*/*' name every bucket or
# object; 'media/*' is one bucket's objects.
_EVERY_OF_TYPE = re.compile(
    r"^arn:[^:]*:(?:s3:[^:]*:[^:]*:\*(?:/\*)?|(?!s3:)[^:]*:[^:]*:[^:]*:(?:\*|[A-Za-z0-9_.-]+[/:]\*))$"
)


@dataclass(frozen=True, slots=True)
class StatementGrant:
    """One Allow or Deny statement with its actions expanded."""

    document: PolicyDocument
    statement: Statement
    actions: ActionSet
    all_resources: bool
    conditional: bool
    every_of_type: tuple[str, ...] = ()  # resources naming every resource of a kind

    @property
    def key(self) -> str:
        """A name for the statement that survives edits elsewhere in the file."""
        label = self.statement.sid or f"Statement[{self.statement.index}]"
        return f"{self.document.name}#{label}"


def statement_actions(db: IamDatabase, statement: Statement) -> ActionSet:
    named = db.expand_all(statement.action_values)
    return db.universe - named if statement.not_action else named


def covers_every_resource(statement: Statement) -> bool:
    """Resource '*' (or an ARN of only wildcards), or NotResource: all but a few exclusions."""
    if statement.not_resource:
        return True
    return any(_EVERYTHING.match(value) for value in statement.resource_values)


def grant_of(db: IamDatabase, document: PolicyDocument, statement: Statement) -> StatementGrant:
    everything = covers_every_resource(statement)
    of_type = (
        () if everything else tuple(r for r in statement.resource_values if _EVERY_OF_TYPE.match(r))
    )
    return StatementGrant(
        document,
        statement,
        statement_actions(db, statement),
        everything,
        bool(statement.conditions),
        of_type,
    )


class PrincipalView:
    """The identity policies of one principal, taken together."""

    def __init__(self, db: IamDatabase, documents: Sequence[PolicyDocument]) -> None:
        self.db = db
        self.documents = [d for d in documents if d.kind is PolicyKind.IDENTITY]
        grants = [grant_of(db, d, s) for d in self.documents for s in d.statements]
        self.allows = [g for g in grants if g.statement.effect is Effect.ALLOW]
        self.denies = [g for g in grants if g.statement.effect is Effect.DENY]

    @cached_property
    def denied_everywhere(self) -> ActionSet:
        """Actions an unconditional Deny on every resource takes back, whatever else allows."""
        return _union(
            self.db,
            (
                g.actions
                for g in self.denies
                if g.all_resources and not g.conditional and not g.statement.not_resource
            ),
        )

    def contribution(self, grant: StatementGrant) -> ActionSet:
        return grant.actions - self.denied_everywhere

    @cached_property
    def on_every_resource(self) -> ActionSet:
        return _union(self.db, (self.contribution(g) for g in self.allows if g.all_resources))

    @cached_property
    def anywhere(self) -> ActionSet:
        return _union(self.db, (self.contribution(g) for g in self.allows))

    def granting(self, action: str) -> list[StatementGrant]:
        """The Allow statements that grant ``action`` (and are not cancelled)."""
        return [g for g in self.allows if action in self.contribution(g)]


def _union(db: IamDatabase, sets: Iterable[ActionSet]) -> ActionSet:
    result = db.empty
    for item in sets:
        result = result | item
    return result
