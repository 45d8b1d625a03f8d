"""``python -m botwarden``: the same as the ``botwarden`` command."""

from botwarden.cli import main

main()
