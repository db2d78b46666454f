"""Monitoring records: commissioned services (contracts), their measures, returns, ratings, challenge, close-out.

A contract comes from an awarded need (``origin`` "award") or is recorded for an existing arrangement
("existing"). A return is one version of a provider's report for one reporting period: submitted → accepted
(locked), or returned for changes; a correction of an accepted return is a new version that supersedes it, with a
reason. Ratings are per measure per period: the rule's status, and the manager's override with its reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkMeasure,
    FrameworkOutcome,
    MeasureFields,
    Need,
)
from marketplace.core.clock import utcnow
from marketplace.core.tables import link_table
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Consortium, ImpactEvidence, Organisation

contract_framework_outcome = link_table("contract_framework_outcome", "contract_id", "framework_outcome_id")
return_evidence = link_table("return_evidence", "performance_return_id", "impact_evidence_id")


class ContractStatus:
    ACTIVE = "active"
    CLOSED = "closed"


class MeasureKind:
    """Results-Based Accountability's three kinds of performance measure."""

    HOW_MUCH = "how_much"
    HOW_WELL = "how_well"
    BETTER_OFF = "better_off"
    LABELS = {
        HOW_MUCH: "How much did we do?",
        HOW_WELL: "How well did we do it?",
        BETTER_OFF: "Is anyone better off?",
    }


class Contract(db.Model):
    """A commissioned service: who delivers what for which body, for how much, and what it should change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="SET NULL"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the accountable lead
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20), default="award")  # award | existing
    value_pence: Mapped[int | None]
    start_date: Mapped[date]
    end_date: Mapped[date]
    reporting_frequency: Mapped[str] = mapped_column(String(20), default="quarterly")
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.ACTIVE, index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    body: Mapped[CommissioningBody] = relationship()
    need: Mapped[Need | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    manager: Mapped[User | None] = relationship()
    framework_outcomes: Mapped[list[FrameworkOutcome]] = relationship(secondary=contract_framework_outcome)
    measures: Mapped[list[ContractMeasure]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractMeasure.position"
    )
    returns: Mapped[list[PerformanceReturn]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="PerformanceReturn.id"
    )
    challenges: Mapped[list[Challenge]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Challenge.created_at"
    )
    review: Mapped[CloseOutReview | None] = relationship(back_populates="contract", cascade="all, delete-orphan")

    @property
    def provider_name(self) -> str:
        return self.consortium.name if self.consortium is not None else self.organisation.name


class ContractMeasure(MeasureFields, db.Model):
    """A performance measure of one contract, of one RBA kind; may carry a framework measure it contributes to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    framework_measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_measure.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=MeasureKind.BETTER_OFF)
    title: Mapped[str] = mapped_column(String(500))
    baseline_text: Mapped[str] = mapped_column(String(300), default="")
    target_text: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    contract: Mapped[Contract] = relationship(back_populates="measures")
    framework_measure: Mapped[FrameworkMeasure | None] = relationship()
    ratings: Mapped[list[MeasureRating]] = relationship(back_populates="measure", cascade="all, delete-orphan")


class ReturnStatus:
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"


class PerformanceReturn(db.Model):
    """One version of a provider's return for one period (``period_start``…``period_end``, due ``due_on``)."""

    __table_args__ = (UniqueConstraint("contract_id", "period_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    period_label: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(index=True)
    period_end: Mapped[date]
    due_on: Mapped[date]
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=ReturnStatus.SUBMITTED, index=True)
    story: Mapped[str] = mapped_column(Text, default="")
    needs_help: Mapped[bool] = mapped_column(default=False)
    help_note: Mapped[str] = mapped_column(Text, default="")
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship(back_populates="returns")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    values: Mapped[list[ReturnValue]] = relationship(back_populates="performance_return", cascade="all, delete-orphan")
    evidence: Mapped[list[ImpactEvidence]] = relationship(secondary=return_evidence)

    @property
    def is_locked(self) -> bool:
        return self.status != ReturnStatus.SUBMITTED


class ReturnValue(db.Model):
    __table_args__ = (UniqueConstraint("performance_return_id", "measure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    performance_return_id: Mapped[int] = mapped_column(
        ForeignKey("performance_return.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int] = mapped_column(ForeignKey("contract_measure.id", ondelete="CASCADE"), index=True)
    value: Mapped[float | None]
    state: Mapped[str] = mapped_column(String(20), default="")  # "" or not_available
    note: Mapped[str] = mapped_column(String(500), default="")

    performance_return: Mapped[PerformanceReturn] = relationship(back_populates="values")
    measure: Mapped[ContractMeasure] = relationship()


class MeasureRating(db.Model):
    """A measure's status for one period: the rule's (``computed``) and, if the manager overrode it, theirs."""

    __table_args__ = (UniqueConstraint("measure_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("contract_measure.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    computed: Mapped[str] = mapped_column(String(20))
    override: Mapped[str] = mapped_column(String(20), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    measure: Mapped[ContractMeasure] = relationship(back_populates="ratings")
    overridden_by: Mapped[User | None] = relationship()

    @property
    def status(self) -> str:
        return self.override or self.computed


class Challenge(db.Model):
    """The challenger's verdict on a contract's ratings for a period (Champion and Challenger)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    challenger_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    verdict: Mapped[str] = mapped_column(String(20))  # agree | challenge
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="challenges")
    challenger: Mapped[User | None] = relationship()


class CloseOutReview(db.Model):
    """At contract end: outcomes achieved against targets; with the provider's consent, a public track record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    targets_met: Mapped[int] = mapped_column(default=0)
    targets_total: Mapped[int] = mapped_column(default=0)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    provider_consented_at: Mapped[datetime | None]
    consented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship(back_populates="review")

    @property
    def is_published(self) -> bool:
        return self.provider_consented_at is not None


class ReturnReminder(db.Model):
    """One reminder per contract, period and kind, so the daily command never sends the same one twice."""

    __table_args__ = (UniqueConstraint("contract_id", "period_start", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))  # due_soon | overdue
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
