"""Safeguarding verification: a provider asks, an assessor checks the safeguarding record item by item and decides.

``SafeguardingRecord.verified_at`` (what search, matching, responses and comparisons read) is written only here:
by an assessor's decision, by a kitemark award (whose checklist includes safeguarding), and cleared here when a
material edit or the policy's review date ends a verification.
"""

from flask import Blueprint

bp = Blueprint("verification", __name__)

from marketplace.verification import badge_views, cli, receivers, views  # noqa: E402, F401
