"""bibliobot: a content-curation bot that reproduces botwarden's founding incident.

It fetches RSS and Atom feeds, caches far more than it needs, summarises each item and writes the
summaries to object storage. It is *deliberately flawed*: the key lives in a config file, one broad
key goes to every service, the cache follows every link it sees, and a newly added service is called
although the bot's manifest never declared it. See ``README.md`` for the list of mistakes and which
botwarden check reports each. Do not copy it as an example of good practice.
"""

from __future__ import annotations

__version__ = "0.3.1"
