"""needs views (to be written)."""

from marketplace.commissioning.needs import bp  # noqa: F401
