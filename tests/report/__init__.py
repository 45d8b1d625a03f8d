"""Tests for botwarden.report."""
