"""Which listings are trusted, so their material edits wait for an assessor's review.

A listing is trusted once it holds a kitemark in force or an assessor has verified its safeguarding (a decision of
the verification room, whose rows are the record of it: a bare ``verified_at`` mark is not enough), and it stays
trusted while that verification has only lapsed (an edit, or the policy's review date, ended it: the listing is
still the one commissioners were told to rely on) or a reviewed change of it is pending. A verification decided
"not verified" since, or never asked for, leaves an untrusted listing that edits directly, as before.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.status import is_kitemarked
from marketplace.revisions.models import ProfileRevision, RevisionStatus
from marketplace.verification.models import VerificationStatus
from marketplace.verification.services import latest_decision

TRUSTED_DECISIONS = (VerificationStatus.VERIFIED, VerificationStatus.LAPSED)


def has_pending_revision(organisation: Organisation) -> bool:
    query = select(
        exists().where(
            ProfileRevision.organisation_id == organisation.id, ProfileRevision.status == RevisionStatus.PENDING
        )
    )
    return bool(db.session.scalar(query))


def is_trusted(organisation: Organisation) -> bool:
    """Kitemarked, verified (or lapsed since), or with a reviewed change pending."""
    if organisation is None or organisation.id is None:
        return False
    decided = latest_decision(organisation)
    if decided is not None and decided.status in TRUSTED_DECISIONS:
        return True
    return is_kitemarked(organisation) or has_pending_revision(organisation)
