"""The ``iam`` commands end their process: at exit they spare the collector's last passes over
the IAM index (``gc.freeze``), and change nothing before that."""

from __future__ import annotations

import gc
import subprocess
import sys

from botwarden import cli_iam

# An exit handler registered first runs last: it sees what the command's handler did.
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen"))
from botwarden import cli_iam
{call}
"""


def _exit_state(call: str) -> str:
    run = [sys.executable, "-c", PROBE.format(call=call)]
    return subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()


def test_loading_the_database_for_a_command_freezes_at_exit() -> None:
    assert _exit_state("cli_iam._database(None)") == "frozen"
    assert _exit_state("pass") == "not frozen"  # the probe can tell


def test_nothing_is_frozen_while_the_process_runs() -> None:
    before = gc.get_freeze_count()
    cli_iam._database(None)
    assert gc.get_freeze_count() == before
