"""Verification test helpers: requests in each state, the decision form's data, the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.verification import services
from marketplace.verification.checks import ITEM_KEYS
from marketplace.verification.models import SafeguardingVerification


def in_review(organisation, provider, assessor) -> SafeguardingVerification:
    """A request assigned to ``assessor``, who has declared no conflict."""
    verification = services.request_verification(organisation, user=provider)
    services.assign_verification(verification, assessor=assessor, by=assessor)
    services.declare_no_conflict(verification, assessor=assessor)
    return verification


def all_met(note: str = "") -> dict[str, services.ItemResult]:
    return {key: services.ItemResult(True, note) for key in ITEM_KEYS}


def verified(organisation, provider, assessor) -> SafeguardingVerification:
    return services.decide_verification(
        in_review(organisation, provider, assessor),
        assessor=assessor,
        results=all_met(),
        decision=services.Decision.VERIFIED,
        reasons="",
    )


def decision_data(decision: str = "verified", reasons: str = "", **overrides: str) -> dict:
    data = {f"{key}_result": "met" for key in ITEM_KEYS}
    return {**data, "decision": decision, "reasons": reasons, **overrides}


def actions() -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.action.like("verification.%")).order_by(AuditEvent.id)
    return list(db.session.scalars(query))
