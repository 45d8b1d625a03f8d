"""``secrets.stale`` and ``secrets.due``: secrets older than their ``max_age``, or nearly.

A secret's age is that of its current value. The best witness is the provider that holds it: for
a ``local:`` source, the store's creation time of the current version (authenticated: it is part
of the ciphertext's associated data, so ``get`` refuses a forged time). Without the store's key,
the store's unauthenticated metadata is still better than nothing and is named as such. Failing
both, the manifest's declared ``created`` date. Remote providers (Vault, AWS) are not contacted
by an audit; their secrets are aged by ``created``.

The audit never creates a store: a missing ``.botwarden/secrets.json`` means "no metadata".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from botwarden.errors import UsageError
from botwarden.findings import Finding, Location
from botwarden.manifest import Manifest
from botwarden.manifest.model import Secret
from botwarden.secrets.scan.findings import AWS_KEY_OLD, AWS_KEY_UNUSED, DUE, STALE
from botwarden.secrets.value import SecretError

DUE_WITHIN = timedelta(days=7)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Age:
    """When a secret's current value was created, and who says so."""

    created: datetime
    witness: str  # "the local store", "the declared created date", ...


def age_of(secret: Secret, base: Path) -> Age | None:
    """The secret's creation time: the local store's, else the declared date, else unknown."""
    if secret.source.scheme == "local":
        found = _from_local_store(secret.source.locator, base)
        if found is not None:
            return found
    if secret.created is not None:
        return Age(_midnight(secret.created), "its declared created date")
    return None


def _from_local_store(name: str, base: Path) -> Age | None:
    from botwarden.secrets.local import LocalStore, default_paths

    path, key = default_paths(base)
    if not path.is_file():
        return None  # never create a store just to look in it
    store = LocalStore(path, key)
    try:
        fetched = store.get(name)
    except SecretError:
        try:
            kept = store.history(name)
        except SecretError:
            return None
        return Age(kept[-1].created, "the local store (unverified: its key is not available)")
    return None if fetched.created is None else Age(fetched.created, "the local store")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def staleness(
    manifest: Manifest, base: Path, now: datetime, due_within: timedelta = DUE_WITHIN
) -> Iterator[Finding]:
    """A ``secrets.stale`` or ``secrets.due`` finding for each aged secret with a ``max_age``."""
    for name, secret in manifest.secret.items():
        if secret.max_age is None:
            continue
        age = age_of(secret, base)
        if age is None:
            continue
        finding = _judge(manifest, name, secret, age, now=now, due_within=due_within)
        if finding is not None:
            yield finding


def _judge(
    manifest: Manifest,
    name: str,
    secret: Secret,
    age: Age,
    *,
    now: datetime,
    due_within: timedelta,
) -> Finding | None:
    assert secret.max_age is not None
    expires = age.created + timedelta(seconds=secret.max_age.seconds)
    created = age.created.astimezone(UTC).date().isoformat()
    evidence = f"created {created} (per {age.witness}), max_age {secret.max_age}"
    key = f"{name}:{age.created.isoformat()}"  # a rotated secret is a new finding
    where = manifest.locate("secret", name)
    if now >= expires:
        days = (now - age.created).days
        message = (
            f"secret '{name}' is {days} days old, past its max_age of {secret.max_age}: "
            f"stale since {expires.date().isoformat()}"
        )
        return Finding.of(STALE, message, where, key=key, evidence=evidence)
    if expires - now <= due_within:
        left = expires - now
        when = f"in {left.days} days" if left.days else "within a day"
        message = f"secret '{name}' reaches its max_age of {secret.max_age} {when}: rotate it"
        return Finding.of(DUE, message, where, key=key, evidence=evidence)
    return None


# -- AWS IAM credential reports -----------------------------------------------------------------
#
# The CSV of ``aws iam get-credential-report`` (its Content, base64-decoded): one row per user,
# with ``access_key_N_active``, ``access_key_N_last_rotated`` and ``access_key_N_last_used_date``
# for N in 1 and 2; times are ISO 8601, and "N/A" means never (or no key).

KEY_SLOTS = (1, 2)
UNUSED_AFTER = timedelta(days=90)
_COLUMNS = ("active", "last_rotated", "last_used_date")
_NEEDED = ("user", "arn", *(f"access_key_{n}_{what}" for n in KEY_SLOTS for what in _COLUMNS))


def credential_report(
    path: Path,
    now: datetime,
    *,
    max_key_age: timedelta = UNUSED_AFTER,
    unused_after: timedelta = UNUSED_AFTER,
    shown: str | None = None,
) -> list[Finding]:
    """``secrets.aws-key-old`` and ``secrets.aws-key-unused`` for the report's active keys.

    Raises :class:`UsageError` naming the line for a report that cannot be read: a missing
    column, a row of the wrong width, a value that is not a time or a boolean."""
    import csv
    import io

    name = shown or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot be read as a credential report: {exc}") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        raise UsageError(f"{name}:1: empty, not an IAM credential report") from None
    missing = [column for column in _NEEDED if column not in header]
    if missing:
        raise UsageError(f"{name}:1: not an IAM credential report: no column {missing[0]!r}")
    found: list[Finding] = []
    try:
        for row in rows:
            line = rows.line_num
            if not row:
                continue
            if len(row) != len(header):
                raise UsageError(f"{name}:{line}: {len(row)} fields, the header has {len(header)}")
            record = dict(zip(header, row, strict=True))
            for slot in KEY_SLOTS:
                where = Location(name, line)
                found.extend(_judge_key(record, slot, where, now=now, max_key_age=max_key_age,
                                        unused_after=unused_after))  # fmt: skip
    except csv.Error as exc:
        raise UsageError(f"{name}:{rows.line_num}: {exc}") from None
    return found


def _judge_key(
    record: dict[str, str],
    slot: int,
    where: Location,
    *,
    now: datetime,
    max_key_age: timedelta,
    unused_after: timedelta,
) -> Iterator[Finding]:
    prefix = f"access_key_{slot}_"
    if not _flag(record[prefix + "active"], where, prefix + "active"):
        return
    rotated = _time(record[prefix + "last_rotated"], where, prefix + "last_rotated")
    used = _time(record[prefix + "last_used_date"], where, prefix + "last_used_date")
    who = f"{record['user']}'s access key {slot}"
    key = f"{record['arn']}:{slot}:{record[prefix + 'last_rotated']}"
    issued = "issued at an unknown time" if rotated is None else f"issued {_day(rotated)}"
    evidence = f"{record['arn']} access_key_{slot}: {issued}, " + (
        "never used" if used is None else f"last used {_day(used)}"
    )
    if rotated is not None and now - rotated > max_key_age:
        yield Finding.of(
            AWS_KEY_OLD,
            f"{who} is {(now - rotated).days} days old (limit {max_key_age.days} days)",
            where, key=key, evidence=evidence,
        )  # fmt: skip
    if used is None or now - used > unused_after:
        said = (
            "has never been used" if used is None else f"was last used {(now - used).days} days ago"
        )
        yield Finding.of(AWS_KEY_UNUSED, f"{who} is active and {said}", where, key=key,
                         evidence=evidence)  # fmt: skip


def _flag(value: str, where: Location, column: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise UsageError(f"{where.path}:{where.line}: {column} is {value[:40]!r}, not true or false")


def _time(value: str, where: Location, column: str) -> datetime | None:
    """A report time; None for "N/A", "no_information" and empty (never, or unknown)."""
    text = value.strip()
    if text.lower() in ("n/a", "no_information", "not_supported", ""):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{where.path}:{where.line}: {column} is {value[:40]!r}, not an ISO 8601 time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


__all__ = [
    "DUE_WITHIN",
    "UNUSED_AFTER",
    "Age",
    "Clock",
    "age_of",
    "credential_report",
    "staleness",
    "utc_now",
]
