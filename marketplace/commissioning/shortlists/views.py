"""shortlists views (to be written)."""

from marketplace.commissioning.shortlists import bp  # noqa: F401
