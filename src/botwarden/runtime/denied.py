"""The exceptions an in-process enforcement point raises when a request is refused.

They carry the whole :class:`~botwarden.policy.decision.Decision`, so a bot (or its test) can see
which rule refused it and why, not just that it failed. Both derive from :class:`PermissionError`
as well, so code that already handles "not allowed" keeps working.
"""

from __future__ import annotations

from botwarden.errors import Error
from botwarden.policy.decision import Decision


class Denied(Error, PermissionError):  # noqa: N818 -- names fixed by the issue
    """A request the bot's manifest does not allow."""

    def __init__(self, decision: Decision, what: str) -> None:
        super().__init__(f"botwarden denied {what}: {decision.reason} [{decision.code}]")
        self.decision = decision


class EgressDenied(Denied):
    """A network request (URL, host or port) refused by the egress policy."""


class ActionDenied(Denied):
    """A cloud API call refused because no capability allows its action on its resource."""


__all__ = ["ActionDenied", "Denied", "EgressDenied"]
