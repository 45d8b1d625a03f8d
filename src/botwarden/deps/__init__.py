"""Dependencies: requirement and lock-file readers, the offline OSV database, version matching."""
