"""evidence views (to be written)."""

from marketplace.directory.evidence import bp  # noqa: F401
