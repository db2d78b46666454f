"""Where an organisation's safeguarding verification stands, in words for its pages.

One answer for the provider's readiness checklist, its verification page and the public profile: verified (until
the policy's review date), requested / in review, verification lapsed (a material edit or the review date ended
it and re-verification is pending), not verified (with the assessor's reasons), or never asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from marketplace.commissioning.models import Need, NeedStatus
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.verification.models import SafeguardingVerification, VerificationStatus
from marketplace.verification.services import latest_decision, open_request


@dataclass(frozen=True)
class VerificationState:
    key: str  # verified | requested | in_review | lapsed | not_verified | not_requested
    label: str
    tag: str  # GOV.UK tag colour class suffix
    valid_until: date | None = None
    detail: str = ""

    @property
    def is_verified(self) -> bool:
        return self.key == "verified"


def _verified(organisation: Organisation, decided: SafeguardingVerification | None) -> VerificationState:
    until = decided.valid_until if decided is not None and decided.status == VerificationStatus.VERIFIED else None
    return VerificationState("verified", "Safeguarding verified", "green", until)


def verification_state(organisation: Organisation) -> VerificationState:
    record = organisation.safeguarding
    decided = latest_decision(organisation)
    if record is not None and record.verified_at is not None:
        return _verified(organisation, decided)
    pending = open_request(organisation)
    if decided is not None and decided.status == VerificationStatus.LAPSED:
        waiting = " Re-verification is with the assessors." if pending is not None else ""
        return VerificationState("lapsed", "Verification lapsed", "orange", detail=decided.lapse_reason + waiting)
    if pending is not None:
        return VerificationState(pending.status, pending.status_label, "blue")
    if decided is not None and decided.status == VerificationStatus.NOT_VERIFIED:
        return VerificationState("not_verified", "Not verified", "red", detail=decided.reasons)
    return VerificationState("not_requested", "Not verified", "grey")


def open_needs_requiring_verification() -> int:
    """How many open needs accept only providers with verified safeguarding (why verification matters)."""
    query = select(func.count(Need.id)).where(
        Need.status == NeedStatus.OPEN, Need.requires_safeguarding_verified.is_(True)
    )
    return db.session.scalar(query) or 0
