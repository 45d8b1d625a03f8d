"""Secrets: providers that give a bot its secrets at run time, and (coming) the secrets scanner."""
