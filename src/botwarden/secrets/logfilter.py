"""A logging filter that takes every secret the resolver has handed out out of log records.

``SecretValue`` already refuses to print itself; this catches the value once revealed, when a
library logs a request's headers or an exception quotes a URL with a key in it. Install it on
the root logger's handlers (:func:`install`) or on any logger.
"""

from __future__ import annotations

import logging

from botwarden.secrets.resolver import SecretResolver
from botwarden.secrets.value import redact


class RedactSecrets(logging.Filter):
    """Replace each value ``resolver`` holds, wherever it appears in a record, by its redaction."""

    def __init__(self, resolver: SecretResolver) -> None:
        super().__init__()
        self.resolver = resolver

    def filter(self, record: logging.LogRecord) -> bool:
        values = self.resolver.revealed_values()
        if not values:
            return True
        message = record.getMessage()
        cleaned = message
        for value in values:
            if value in cleaned:
                cleaned = cleaned.replace(value, redact(value))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for value in values:
                text = text.replace(value, redact(value))
            record.exc_text, record.exc_info = text, None
        return True


def install(resolver: SecretResolver, logger: logging.Logger | None = None) -> RedactSecrets:
    """Add the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    redactor = RedactSecrets(resolver)
    for handler in target.handlers:
        handler.addFilter(redactor)
    target.addFilter(redactor)
    return redactor


__all__ = ["RedactSecrets", "install"]
