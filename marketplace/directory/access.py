"""Who may see or change directory objects. Every directory view goes through these (never ad-hoc checks).

- Members of an organisation edit its profile, offers and evidence; its org-admin also publishes it and
  manages its consortia.
- Published profiles are public (public fields only); approved commissioners see the richer view (evidence
  summaries, documents); assessors and admins see everything, drafts included.
- Nobody else ever sees a draft, a private field or a document: views answer 404 so existence is not leaked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from marketplace.core.roles import Role
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Organisation,
    OrganisationStatus,
    SafeguardingRecord,
)
from marketplace.extensions import db


def is_member(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and user.organisation_id == organisation.id)


def is_org_admin(user: Any, organisation: Organisation) -> bool:
    return is_member(user, organisation) and bool(user.is_org_admin)


def is_staff(user: Any) -> bool:
    """Assessors and admins: they review every organisation, published or not."""
    return bool(user.is_authenticated and user.role_enum in (Role.ASSESSOR, Role.ADMIN))


def is_approved_commissioner(user: Any) -> bool:
    return bool(user.is_authenticated and user.role_enum is Role.COMMISSIONER and user.is_approved)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    return is_member(user, organisation)


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Published profiles are public; drafts and suspended ones only to members, assessors and admins."""
    if organisation.status == OrganisationStatus.PUBLISHED:
        return True
    return is_member(user, organisation) or is_staff(user)


def can_view_private(user: Any, organisation: Organisation) -> bool:
    """The richer profile (evidence, safeguarding detail, documents): members, staff, approved commissioners."""
    if is_member(user, organisation) or is_staff(user):
        return True
    return is_approved_commissioner(user) and organisation.status == OrganisationStatus.PUBLISHED


def is_document_in_use(document: EvidenceDocument) -> bool:
    """True when a live record (safeguarding policy, certificate, impact evidence) cites the document.

    A file uploaded with a change that waits for an assessor's review is cited by nothing yet, so only the
    organisation's members and staff can open it until the change is approved.
    """
    cited = or_(
        exists().where(SafeguardingRecord.policy_document_id == document.id),
        exists().where(Accreditation.certificate_document_id == document.id),
        exists().where(ImpactEvidence.document_id == document.id),
    )
    return bool(db.session.scalar(select(cited)))


def can_download_document(user: Any, document: EvidenceDocument) -> bool:
    if is_member(user, document.organisation) or is_staff(user):
        return True
    return can_view_private(user, document.organisation) and is_document_in_use(document)
