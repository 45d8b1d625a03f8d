"""Small shared test data (fixtures live in conftest.py)."""

MINIMAL = """\
schema_version = 1
[bot]
name = "testbot"
owner = "team"
"""
