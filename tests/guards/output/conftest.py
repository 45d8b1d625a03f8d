"""The output guard under the test policy: egress allows one host (see ``oracle``)."""

from __future__ import annotations

import pytest
from tests.guards.output.oracle import allowed

from botwarden.guards.output import OutputPolicy, OutputSanitizer


@pytest.fixture(scope="session")
def sanitizer() -> OutputSanitizer:
    return OutputSanitizer(OutputPolicy(link_allowed=allowed))
