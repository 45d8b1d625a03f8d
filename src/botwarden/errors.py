"""The botwarden exception tree.

Every error botwarden raises on purpose derives from :class:`Error`, so a caller can catch one type
and the CLI can tell a user's mistake (exit 2, one line) from a bug (exit 3)::

    Error                      root: a problem botwarden understood and can explain
    +-- UsageError             a bad argument or option combination
    +-- ManifestError          a manifest that cannot be read or is invalid (carries every issue)
    +-- BaselineError          a baseline file that cannot be read or written
    +-- ReportError            a report that cannot be written

Foreign exceptions are converted at the boundary (``raise ManifestError(...) from exc``) so that no
library's exception type leaks out of the public API.
"""

from __future__ import annotations

from dataclasses import dataclass


class Error(Exception):
    """Root of every error botwarden raises deliberately."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> list[str]:
        """One self-contained line per problem, as the CLI prints them."""
        return [self.message]


class UsageError(Error):
    """A command-line argument or API call that cannot be acted on."""


class BaselineError(Error):
    """A baseline file that is missing, unreadable or not a botwarden baseline."""


class ReportError(Error):
    """A report that cannot be produced or written."""


@dataclass(frozen=True, slots=True)
class ManifestIssue:
    """One problem in a manifest: where it is, which field, and what would be valid."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ManifestError(Error):
    """A manifest that could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: list[ManifestIssue], *, hint: str | None = None) -> None:
        if not issues:
            raise ValueError("ManifestError needs at least one issue")
        super().__init__(str(issues[0]), hint=hint)
        self.issues = issues

    def diagnostics(self) -> list[str]:
        return [str(issue) for issue in self.issues]
