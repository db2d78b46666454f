"""``flask directory import/export``: bulk interchange of organisations and offers (to be written)."""

from marketplace.directory import bp  # noqa: F401
