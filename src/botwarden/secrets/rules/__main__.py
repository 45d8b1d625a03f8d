"""``python -m botwarden.secrets.rules``: print the catalogue table for docs/secret-rules.md."""

from __future__ import annotations

import sys

from botwarden.secrets.rules import markdown_table

sys.stdout.write(markdown_table())
