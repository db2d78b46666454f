"""consortia views (to be written)."""

from marketplace.directory.consortia import bp  # noqa: F401
