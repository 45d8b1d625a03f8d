"""Report formats: text (rich), JSON, SARIF 2.1.0 and self-contained HTML.

Each format is one module with a ``render(result) -> str`` function; :func:`render` picks one by
:class:`ReportFormat`. Rendering never writes files or exits: the caller decides where output goes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from botwarden.audit.result import AuditResult
from botwarden.errors import ReportError
from botwarden.report import html_format, json_format, sarif_format, text_format

__all__ = ["ReportFormat", "render"]


class ReportFormat(StrEnum):
    """The closed set of output formats accepted by ``--format``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"


def render(result: AuditResult, fmt: ReportFormat, *, color: bool = False) -> str:
    """Render ``result`` as ``fmt``; ``color`` only affects the text format.

    A plain string such as ``"json"`` is accepted too; an unknown one raises :class:`ReportError`.
    """
    fmt = _coerce(fmt)
    match fmt:
        case ReportFormat.TEXT:
            return text_format.render(result, color=color)
        case ReportFormat.JSON:
            return json_format.render(result)
        case ReportFormat.SARIF:
            return sarif_format.render(result)
        case ReportFormat.HTML:
            return html_format.render(result)
        case _:
            assert_never(fmt)


def _coerce(fmt: ReportFormat | str) -> ReportFormat:
    try:
        return ReportFormat(fmt)
    except ValueError:
        choices = ", ".join(member.value for member in ReportFormat)
        raise ReportError(
            f"unknown report format {fmt!r}", hint=f"choose one of {choices}"
        ) from None
