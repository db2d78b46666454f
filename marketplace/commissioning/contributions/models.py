"""A provider's contribution statement written for one commissioning body's outcomes framework.

The MLA guide's "articulate your contribution" statements (``FrameworkStatement``) are general; commissioners
asked to see how a provider contributes to *their* plan ("Derby's CYPP priority X"). So a statement can name a
body's framework theme, and optionally one of its aims or outcomes, and cite the organisation's own offers, ECM
outcomes and impact evidence. It lives in commissioning because it refers to a body's framework. Re-importing a
framework keeps items by code, so a statement stays attached while its theme, aim or outcome is still there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.commissioning.models import CommissioningBody, FrameworkAim, FrameworkOutcome, FrameworkTheme
from marketplace.core.clock import utcnow
from marketplace.core.tables import link_table
from marketplace.directory.models import ImpactEvidence, Offer, Organisation
from marketplace.extensions import db
from marketplace.reference.models import Term

body_contribution_offer = link_table("body_contribution_offer", "body_contribution_id", "offer_id")
body_contribution_evidence = link_table("body_contribution_evidence", "body_contribution_id", "impact_evidence_id")
body_contribution_outcome = link_table("body_contribution_outcome", "body_contribution_id", "term_id")


class BodyContribution(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("framework_theme.id", ondelete="CASCADE"), index=True)
    aim_id: Mapped[int | None] = mapped_column(ForeignKey("framework_aim.id", ondelete="CASCADE"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("framework_outcome.id", ondelete="CASCADE"))
    statement: Mapped[str] = mapped_column(Text)
    # Unticked: only the body's own commissioners (and the organisation, assessors, admins) read it.
    is_public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    body: Mapped[CommissioningBody] = relationship()
    theme: Mapped[FrameworkTheme] = relationship()
    aim: Mapped[FrameworkAim | None] = relationship()
    outcome: Mapped[FrameworkOutcome | None] = relationship()
    offers: Mapped[list[Offer]] = relationship(secondary=body_contribution_offer, order_by="Offer.title")
    evidence: Mapped[list[ImpactEvidence]] = relationship(
        secondary=body_contribution_evidence, order_by="ImpactEvidence.title"
    )
    ecm_outcomes: Mapped[list[Term]] = relationship(secondary=body_contribution_outcome, order_by="Term.position")

    @property
    def target_title(self) -> str:
        """The framework item it is written for, most specific last: "Theme › Aim › Outcome"."""
        parts = [self.theme.title, self.aim.title if self.aim else "", self.outcome.title if self.outcome else ""]
        return " › ".join(part for part in parts if part)
