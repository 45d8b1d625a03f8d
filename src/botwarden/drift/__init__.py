"""Drift: what changed in a bot's deployed configuration since it was reviewed.

``botwarden lock`` records digests of the manifest, of every file its ``[deploy] files`` names and
of the least-privilege policy generated from it, in ``botwarden.lock`` (signed with an Ed25519 key
when one is configured). ``botwarden drift`` and the ``drift`` check of ``botwarden audit``
compare the tree with that record. See ``docs/drift.md``.
"""

from botwarden.drift.analyser import DriftAnalyser
from botwarden.drift.check import DriftOptions, drift_findings, read_lock
from botwarden.drift.lock import LOCK_NAME, Lock, LockError, parse_lock
from botwarden.drift.write import make_lock, write_lock

__all__ = [
    "LOCK_NAME",
    "DriftAnalyser",
    "DriftOptions",
    "Lock",
    "LockError",
    "drift_findings",
    "make_lock",
    "parse_lock",
    "read_lock",
    "write_lock",
]
