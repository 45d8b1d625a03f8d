"""The commented manifest ``botwarden init`` writes: safe defaults, every section explained."""

from __future__ import annotations

import re

TEMPLATE = """\
# botwarden.toml: what this bot needs, and nothing more.
# Reference: docs/manifest.md. Check it with `botwarden validate`, audit with `botwarden audit`.
schema_version = 1

[bot]
name = "{name}"                 # lowercase letters, digits, - and _
owner = "{owner}"               # who answers for this bot
description = ""
environment = "production"      # production | staging | development
llm = false                     # true if the bot passes text to a language model
mode = "enforce"                # enforce | report (report: allow, but record what would be denied)

[egress]                        # default deny. "host" allows port 443 only; "host:port" for others;
allow = [                       # "*.suffix" matches hosts below suffix. Private, loopback,
  # "api.example.com",          # link-local and metadata addresses are refused unless listed.
]

# A cloud permission the bot needs (least-privilege policies are generated from these):
# [[capability]]
# name = "read-input"
# provider = "aws"
# actions = ["s3:GetObject"]
# resources = ["arn:aws:s3:::my-bucket/input/*"]

# An HTTP API the bot calls:
# [[capability]]
# name = "example-api"
# provider = "http"
# methods = ["GET"]
# urls = ["https://api.example.com/v1/*"]

# A secret, fetched at run time; never in code or config files:
# [secret.api_token]
# source = "vault:kv/bots/{name}/example#token"   # local: | env: | file: | vault: | aws-sm:
# max_age = "30d"

[budget.total]                  # caps across every host
requests = "1000/hour"
bytes = "500MB/day"

# [budget."api.example.com"]    # per host; cost needs cost_per_request or cost_per_mb
# requests = "60/minute"
# bytes = "50MB/day"

[breaker]                       # stop calling an upstream that keeps refusing
trip_after_status = [429, 401, 403]
threshold = 5
cool_down = "15m"

[guard.input]                   # for text from outside (web pages, mail, chat, tool results)
max_chars = 20000
prompt_injection = "block"      # block | flag | off

[guard.output]
html = "sanitize"               # sanitize | escape | off
links = "egress-only"           # egress-only | any | none
redact = ["secrets", "pii"]
"""


def render_template(name: str, owner: str = "your-team") -> str:
    """The template for a bot called ``name`` (made into a valid slug)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")[:63] or "my-bot"
    if not slug[0].isalnum():
        slug = "bot-" + slug
    return TEMPLATE.format(name=slug, owner=owner.replace('"', "'"))
