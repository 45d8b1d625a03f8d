"""``python -m bibliobot``: run the bot once."""

from __future__ import annotations

from bibliobot.cli import main

raise SystemExit(main())
