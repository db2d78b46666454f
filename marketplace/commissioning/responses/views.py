"""responses views (to be written)."""

from marketplace.commissioning.responses import bp  # noqa: F401
