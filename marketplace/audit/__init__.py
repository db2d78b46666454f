"""Audit: an append-only record of who did what to which object, with before/after values."""
