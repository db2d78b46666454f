"""frameworks views (to be written)."""

from marketplace.commissioning.frameworks import bp  # noqa: F401
