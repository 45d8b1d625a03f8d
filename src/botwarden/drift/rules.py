"""The drift rules: what changed in a bot's deployed configuration since it was reviewed."""

from __future__ import annotations

from botwarden.findings import Rule, Severity

R = Rule
UNTRACKED = R("drift.untracked", Severity.INFO, "Drift is not tracked",
    "Review the deployed configuration, then run 'botwarden lock' and commit botwarden.lock.",
    "The manifest names deployed configuration but no botwarden.lock records the reviewed state, "
    "so nothing can say what changed since.")  # fmt: skip
LOCK_INVALID = R("drift.lock-invalid", Severity.HIGH, "The lock file cannot be read",
    "Recreate it from a reviewed tree with 'botwarden lock'.",
    "botwarden.lock is not valid JSON or not a lock this version understands; nothing it "
    "recorded can be compared.")  # fmt: skip
SIGNATURE = R("drift.lock-signature", Severity.CRITICAL, "The lock's signature does not verify",
    "Find out who changed the lock, then lock the reviewed tree again with the signing key.",
    "The lock was altered after it was signed, or signed by another key: the reviewed state it "
    "claims cannot be trusted.")  # fmt: skip
UNSIGNED = R("drift.lock-unsigned", Severity.HIGH, "The lock is not signed",
    "Sign it: 'botwarden lock --sign-key FILE'.",
    "A verification key is configured but the lock carries no signature, so anyone who can "
    "write the file can change the reviewed state.")  # fmt: skip
MANIFEST_CHANGED = R("drift.manifest-changed", Severity.MEDIUM,
    "The manifest changed since the lock",
    "Review the change, then run 'botwarden lock' again.",
    "What the bot declares is no longer what was reviewed and locked.")  # fmt: skip
FILE_CHANGED = R("drift.file-changed", Severity.MEDIUM, "Deployed configuration changed",
    "Review the change, then run 'botwarden lock' again; or restore the reviewed file.",
    "A file the manifest names as deployed configuration differs from the reviewed, locked "
    "one.")  # fmt: skip
FILE_ADDED = R("drift.file-added", Severity.MEDIUM, "Deployed configuration added",
    "Review the new file, then run 'botwarden lock' again; or remove it.",
    "A file matching the manifest's [deploy] files was not there when the lock was "
    "made.")  # fmt: skip
FILE_REMOVED = R("drift.file-removed", Severity.MEDIUM, "Deployed configuration removed",
    "Restore the file, or run 'botwarden lock' again if its removal was reviewed.",
    "A file the lock records is gone, or no longer matches [deploy] files.")  # fmt: skip
POLICY_CHANGED = R("drift.policy-changed", Severity.HIGH, "A deployed IAM policy's grants changed",
    "Review the grants added and removed, then run 'botwarden lock' again; or restore the "
    "policy.",
    "An IAM policy named as deployed configuration grants something other than it did when "
    "locked. Grants added are high; grants only removed are medium.")  # fmt: skip
GENERATED_CHANGED = R("drift.generated-policy-changed", Severity.MEDIUM,
    "The generated least-privilege policy changed",
    "Deploy the policy 'botwarden iam generate' writes now, then run 'botwarden lock' again.",
    "The policy generated from the manifest's AWS capabilities differs from the one generated "
    "when the lock was made: deployed policies written from the old one are out of "
    "date.")  # fmt: skip

RULES = (UNTRACKED, LOCK_INVALID, SIGNATURE, UNSIGNED, MANIFEST_CHANGED, FILE_CHANGED, FILE_ADDED,
         FILE_REMOVED, POLICY_CHANGED, GENERATED_CHANGED)  # fmt: skip
