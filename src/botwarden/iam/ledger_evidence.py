"""Observed AWS calls from botwarden's own ledger: the second source of evidence beside CloudTrail.

The boto3 hook of the in-process guard records every call it decides, with its IAM action and
resource ARN. A call counts as *used* when it was allowed (or let through in report mode): a
refused call never reached AWS. Unlike CloudTrail, the ledger sees data events (``s3:GetObject``)
whenever the bot made them through the guard, so it can say an S3 read grant was never used.
"""

from __future__ import annotations

from datetime import UTC, datetime

from botwarden.iam.cloudtrail import Event, Evidence

_USED = frozenset({"allow", "report"})


def read_ledger(url: str, *, bot: str | None = None) -> Evidence:
    """The AWS calls a bot (or every bot) made through the guard, from the ledger at ``url``."""
    from botwarden.ledger import open_ledger

    ledger = open_ledger(url, read_only=True)
    try:
        events = [
            Event(
                action=str(record["action"]),
                resources=(str(record.get("resource") or "*"),),
                time=datetime.fromtimestamp(float(record.get("time", 0)), UTC).isoformat(),
                principal=None,
                data_event=True,
            )
            for entry in ledger.entries(bot=bot)
            if (record := entry.record).get("action") and record.get("verdict") in _USED
        ]
    finally:
        ledger.close()
    return Evidence(events)


__all__ = ["read_ledger"]
