"""offers views (to be written)."""

from marketplace.directory.offers import bp  # noqa: F401
