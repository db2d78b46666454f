"""``flask directory send-reminders``: safeguarding review and accreditation expiry reminders (to be written)."""

from marketplace.directory import bp  # noqa: F401
