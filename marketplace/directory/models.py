"""The directory's records: organisations and their profile, offers, evidence and consortia.

Vocabulary values (types, outcomes, aims, target groups …) are :class:`Term` rows, never enums. Evidence
files are :class:`EvidenceDocument` rows pointing at files stored outside the web root under random names.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.core.tables import link_table
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term

if TYPE_CHECKING:
    from marketplace.accounts.models import User


organisation_locality = link_table("organisation_locality", "organisation_id", "locality_id", index_right=True)
organisation_target_group = link_table("organisation_target_group", "organisation_id", "term_id")
organisation_indicator = link_table("organisation_indicator", "organisation_id", "term_id")
organisation_problem_area = link_table("organisation_problem_area", "organisation_id", "term_id")
contribution_aim = link_table("contribution_aim", "outcome_contribution_id", "term_id")
contribution_evidence = link_table("contribution_evidence", "outcome_contribution_id", "impact_evidence_id")
offer_locality = link_table("offer_locality", "offer_id", "locality_id", index_right=True)
offer_outcome = link_table("offer_outcome", "offer_id", "term_id")
offer_aim = link_table("offer_aim", "offer_id", "term_id")
offer_service_area = link_table("offer_service_area", "offer_id", "term_id")
offer_delivery_mode = link_table("offer_delivery_mode", "offer_id", "term_id")


class OrganisationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUSPENDED = "suspended"


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_type_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    legal_form_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    registration_number: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    adults_only: Mapped[bool] = mapped_column(default=False)  # works with adults (18 and over) only
    # Value for money
    full_cost_recovery: Mapped[bool | None]
    unit_cost_pence: Mapped[int | None]
    unit_cost_basis: Mapped[str] = mapped_column(String(120), default="")
    social_return_ratio: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    added_value: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Freshness (see ``directory.freshness``): when the account manager last confirmed the listing accurate, and
    # whether 12 months passed without that (a stale listing leaves search and matching until confirmed).
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_stale: Mapped[bool] = mapped_column(default=False)
    # A fingerprint of the record last imported as it is stored (``directory.importer.fingerprint``): a re-import of
    # the same record skips it. Any other change to the listing clears it, so the next import compares in full.
    import_hash: Mapped[str | None] = mapped_column(String(64))

    organisation_type: Mapped[Term | None] = relationship(foreign_keys=[organisation_type_id])
    legal_form: Mapped[Term | None] = relationship(foreign_keys=[legal_form_id])
    members: Mapped[list[User]] = relationship(back_populates="organisation", order_by="User.name")
    localities: Mapped[list[Locality]] = relationship(secondary=organisation_locality, order_by="Locality.name")
    target_groups: Mapped[list[Term]] = relationship(secondary=organisation_target_group, order_by="Term.position")
    indicators: Mapped[list[Term]] = relationship(secondary=organisation_indicator, order_by="Term.position")
    problem_areas: Mapped[list[Term]] = relationship(secondary=organisation_problem_area, order_by="Term.position")
    outcome_contributions: Mapped[list[OutcomeContribution]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    framework_statements: Mapped[list[FrameworkStatement]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    offers: Mapped[list[Offer]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Offer.title"
    )
    safeguarding: Mapped[SafeguardingRecord | None] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    accreditations: Mapped[list[Accreditation]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    impact_evidence: Mapped[list[ImpactEvidence]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    documents: Mapped[list[EvidenceDocument]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == OrganisationStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class OutcomeContribution(db.Model):
    """What the organisation contributes to one ECM outcome: the aims, a statement and linked evidence."""

    __table_args__ = (UniqueConstraint("organisation_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    statement: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="outcome_contributions")
    outcome: Mapped[Term] = relationship()
    aims: Mapped[list[Term]] = relationship(secondary=contribution_aim, order_by="Term.position")
    evidence: Mapped[list[ImpactEvidence]] = relationship(secondary=contribution_evidence)


class FrameworkStatement(db.Model):
    """An "articulate your contribution" statement for one contribution framework (LAA, CYPP, NIs …)."""

    __table_args__ = (UniqueConstraint("organisation_id", "framework_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    statement: Mapped[str] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(back_populates="framework_statements")
    framework: Mapped[Term] = relationship()


class Offer(db.Model):
    """A service or activity an organisation offers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    group_size_min: Mapped[int | None]
    group_size_max: Mapped[int | None]
    capacity_per_year: Mapped[int | None]
    price_pence: Mapped[int | None]
    cost_basis_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    send_suitable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="offers")
    cost_basis: Mapped[Term | None] = relationship()
    delivery_modes: Mapped[list[Term]] = relationship(secondary=offer_delivery_mode, order_by="Term.position")
    localities: Mapped[list[Locality]] = relationship(secondary=offer_locality, order_by="Locality.name")
    outcomes: Mapped[list[Term]] = relationship(secondary=offer_outcome, order_by="Term.position")
    aims: Mapped[list[Term]] = relationship(secondary=offer_aim, order_by="Term.position")
    service_areas: Mapped[list[Term]] = relationship(secondary=offer_service_area, order_by="Term.position")


class EvidenceDocument(db.Model):
    """An uploaded file: type sniffed from content, stored outside the web root under a random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()


class SafeguardingRecord(db.Model):
    """One per organisation. A policy reviewed more than 12 months ago is out of date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    policy_document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_document.id", ondelete="SET NULL"))
    policy_reviewed_on: Mapped[date | None]
    lead_name: Mapped[str] = mapped_column(String(120), default="")
    lead_trained_on: Mapped[date | None]
    dbs_coverage_percent: Mapped[int | None]
    training: Mapped[str] = mapped_column(Text, default="")
    reporting_procedure: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="safeguarding")
    policy_document: Mapped[EvidenceDocument | None] = relationship()
    verified_by: Mapped[User | None] = relationship()


class Accreditation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    scheme_other_name: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    awarded_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    certificate_document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_document.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="accreditations")
    scheme: Mapped[Term] = relationship()
    certificate_document: Mapped[EvidenceDocument | None] = relationship()


class ImpactEvidence(db.Model):
    """A case study or evaluation showing an outcome achieved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="case_study")  # case_study | evaluation
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    method: Mapped[str] = mapped_column(Text, default="")
    baseline: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    sample_size: Mapped[int | None]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_document.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="impact_evidence")
    outcome: Mapped[Term | None] = relationship()
    document: Mapped[EvidenceDocument | None] = relationship()


class MembershipStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"


class Consortium(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_form_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    legal_form: Mapped[Term | None] = relationship()
    lead_organisation: Mapped[Organisation] = relationship()
    memberships: Mapped[list[ConsortiumMembership]] = relationship(
        back_populates="consortium", cascade="all, delete-orphan"
    )


class ConsortiumMembership(db.Model):
    __table_args__ = (UniqueConstraint("consortium_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(ForeignKey("consortium.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MembershipStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    consortium: Mapped[Consortium] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class ReminderSent(db.Model):
    """Remembers which reminders went out, so a daily job never sends the same one twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
