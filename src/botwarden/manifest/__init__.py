"""The bot manifest: schema, loading with located errors, and the template ``init`` writes."""

from botwarden.manifest.egress import EgressEntry, EntryKind, parse_egress_entry
from botwarden.manifest.loader import MANIFEST_NAME, find_manifest, load_manifest, parse_manifest
from botwarden.manifest.model import SCHEMA_VERSION, Manifest, Mode

__all__ = [
    "MANIFEST_NAME",
    "SCHEMA_VERSION",
    "EgressEntry",
    "EntryKind",
    "Manifest",
    "Mode",
    "find_manifest",
    "load_manifest",
    "parse_egress_entry",
    "parse_manifest",
]
