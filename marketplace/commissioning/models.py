"""Commissioning records: bodies, their outcomes frameworks, needs, responses and shortlists.

Lifecycle of a need: draft → open (published) → closed (deadline passed or closed early) → awarded, or
cancelled from draft/open/closed. A response: submitted → shortlisted → awarded / unsuccessful, or withdrawn.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.core.tables import link_table
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Consortium, ImpactEvidence, Organisation


framework_outcome_ecm = link_table("framework_outcome_ecm", "framework_outcome_id", "term_id")
need_locality = link_table("need_locality", "need_id", "locality_id")
need_target_group = link_table("need_target_group", "need_id", "term_id")
need_outcome = link_table("need_outcome", "need_id", "term_id")
need_aim = link_table("need_aim", "need_id", "term_id")
need_indicator = link_table("need_indicator", "need_id", "term_id")
need_problem_area = link_table("need_problem_area", "need_id", "term_id")
need_framework_outcome = link_table("need_framework_outcome", "need_id", "framework_outcome_id")
need_framework_measure = link_table("need_framework_measure", "need_id", "framework_measure_id")
response_outcome = link_table("response_outcome", "response_id", "term_id")
response_evidence = link_table("response_evidence", "response_id", "impact_evidence_id")


class CommissioningBody(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # False while the body is only named by a self-registrant nobody has approved: it is not listed publicly
    # (the registration list included) until an admin approves that commissioner. Bodies made by admins,
    # imports and the demo are listed at once.
    is_listed: Mapped[bool] = mapped_column(default=True)

    kind: Mapped[Term | None] = relationship()
    locality: Mapped[Locality | None] = relationship()
    members: Mapped[list[User]] = relationship(back_populates="commissioning_body", order_by="User.name")
    frameworks: Mapped[list[OutcomesFramework]] = relationship(back_populates="body", cascade="all, delete-orphan")
    email_domains: Mapped[list[BodyEmailDomain]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="BodyEmailDomain.domain"
    )

    def __repr__(self) -> str:
        return f"<CommissioningBody {self.name}>"


class BodyEmailDomain(db.Model):
    """An email domain of a body (``derby.gov.uk``): a commissioner who registers for this body with a confirmed
    address in it is approved without an admin. A domain belongs to one body at most."""

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)

    body: Mapped[CommissioningBody] = relationship(back_populates="email_domains")


# Outcomes frameworks: themes → aims → outcomes → measures -----------------------------------------------------


class OutcomesFramework(db.Model):
    __table_args__ = (UniqueConstraint("body_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cross_cutting: Mapped[str] = mapped_column(Text, default="")  # one priority per line
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    body: Mapped[CommissioningBody] = relationship(back_populates="frameworks")
    themes: Mapped[list[FrameworkTheme]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="FrameworkTheme.position"
    )


class FrameworkTheme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("outcomes_framework.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[OutcomesFramework] = relationship(back_populates="themes")
    aims: Mapped[list[FrameworkAim]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="FrameworkAim.position"
    )
    key_actions: Mapped[list[FrameworkKeyAction]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="FrameworkKeyAction.position"
    )


class FrameworkKeyAction(db.Model):
    """What partners will do towards a theme's outcomes (the seed frameworks list them per theme)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("framework_theme.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    theme: Mapped[FrameworkTheme] = relationship(back_populates="key_actions")


class FrameworkAim(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("framework_theme.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    theme: Mapped[FrameworkTheme] = relationship(back_populates="aims")
    outcomes: Mapped[list[FrameworkOutcome]] = relationship(
        back_populates="aim", cascade="all, delete-orphan", order_by="FrameworkOutcome.position"
    )


class FrameworkOutcome(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    aim_id: Mapped[int] = mapped_column(ForeignKey("framework_aim.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    aim: Mapped[FrameworkAim] = relationship(back_populates="outcomes")
    ecm_outcomes: Mapped[list[Term]] = relationship(secondary=framework_outcome_ecm, order_by="Term.position")
    measures: Mapped[list[FrameworkMeasure]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="FrameworkMeasure.position"
    )


class MeasureFields:
    """How a measure is judged, shared by framework measures and contract measures (monitoring).

    ``current_position``/``target`` keep the words as written; the structured columns are what the rating rule
    reads. A baseline is a value with its period, or a state (``new_measure``, ``baseline_year``,
    ``to_be_confirmed``, ``not_available`` until ``baseline_available_from``); a target likewise.
    """

    unit: Mapped[str] = mapped_column(String(40), default="")
    direction: Mapped[str] = mapped_column(String(10), default="")  # higher | lower | "" (not set)
    baseline_value: Mapped[float | None]
    baseline_period: Mapped[str] = mapped_column(String(40), default="")
    baseline_state: Mapped[str] = mapped_column(String(30), default="")
    baseline_available_from: Mapped[str] = mapped_column(String(40), default="")
    target_value: Mapped[float | None]
    target_period: Mapped[str] = mapped_column(String(40), default="")
    target_reference: Mapped[str] = mapped_column(String(200), default="")
    target_state: Mapped[str] = mapped_column(String(30), default="")
    tolerance: Mapped[float | None]


class FrameworkMeasure(MeasureFields, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("framework_outcome.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(500))
    current_position: Mapped[str] = mapped_column(String(300), default="")
    target: Mapped[str] = mapped_column(String(300), default="")
    timescale: Mapped[str] = mapped_column(String(120), default="")
    lead: Mapped[str] = mapped_column(String(200), default="")  # lead agency
    lead_officer: Mapped[str] = mapped_column(String(200), default="")
    data_source: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[int] = mapped_column(default=0)

    outcome: Mapped[FrameworkOutcome] = relationship(back_populates="measures")


# Needs ------------------------------------------------------------------------------------------------------------


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class Need(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    level_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    budget_min_pence: Mapped[int | None]
    budget_max_pence: Mapped[int | None]
    contract_start: Mapped[date | None]
    contract_end: Mapped[date | None]
    response_deadline: Mapped[date | None]  # responses accepted up to the end of this day
    requires_safeguarding_verified: Mapped[bool] = mapped_column(default=False)
    requires_kitemark: Mapped[bool] = mapped_column(default=False)
    required_accreditation_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    consortium_welcome: Mapped[bool] = mapped_column(default=True)
    # False (the default): prefer providers serving the need's areas, then nearby ones; True: only those serving.
    localities_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    awarded_at: Mapped[datetime | None]
    awarded_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL", use_alter=True)
    )
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    body: Mapped[CommissioningBody] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    level: Mapped[Term | None] = relationship(foreign_keys=[level_id])
    kind: Mapped[Term | None] = relationship(foreign_keys=[kind_id])
    service_area: Mapped[Term | None] = relationship(foreign_keys=[service_area_id])
    required_accreditation: Mapped[Term | None] = relationship(foreign_keys=[required_accreditation_id])
    localities: Mapped[list[Locality]] = relationship(secondary=need_locality, order_by="Locality.name")
    target_groups: Mapped[list[Term]] = relationship(secondary=need_target_group, order_by="Term.position")
    outcomes: Mapped[list[Term]] = relationship(secondary=need_outcome, order_by="Term.position")
    aims: Mapped[list[Term]] = relationship(secondary=need_aim, order_by="Term.position")
    indicators: Mapped[list[Term]] = relationship(secondary=need_indicator, order_by="Term.position")
    problem_areas: Mapped[list[Term]] = relationship(secondary=need_problem_area, order_by="Term.position")
    framework_outcomes: Mapped[list[FrameworkOutcome]] = relationship(secondary=need_framework_outcome)
    framework_measures: Mapped[list[FrameworkMeasure]] = relationship(secondary=need_framework_measure)
    responses: Mapped[list[Response]] = relationship(
        back_populates="need",
        foreign_keys="Response.need_id",
        cascade="all, delete-orphan",
        order_by="Response.submitted_at",
    )
    awarded_response: Mapped[Response | None] = relationship(foreign_keys=[awarded_response_id], post_update=True)
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.OPEN

    @property
    def is_call_for_input(self) -> bool:
        """A call for input to a needs assessment asks what people know, not what they would charge."""
        return self.kind is not None and self.kind.code == "call-for-input"

    @property
    def has_budget(self) -> bool:
        """Whether there is a budget worth showing ("Budget £0 to £0" tells a reader nothing)."""
        return not self.is_call_for_input and bool(self.budget_min_pence or self.budget_max_pence)


# Responses --------------------------------------------------------------------------------------------------------


class ResponseStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    UNSUCCESSFUL = "unsuccessful"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"


# One live (not withdrawn) response per organisation per need, and per consortium per need, enforced by the
# database (partial unique indexes, on SQLite and PostgreSQL alike) so two concurrent submissions cannot both land.
LIVE_RESPONSE = "status <> 'withdrawn'"
LIVE_ORGANISATION_RESPONSE = text(f"consortium_id IS NULL AND {LIVE_RESPONSE}")
LIVE_CONSORTIUM_RESPONSE = text(f"consortium_id IS NOT NULL AND {LIVE_RESPONSE}")


class Response(db.Model):
    """A provider's (or a consortium's, through its lead organisation) expression of interest or proposal."""

    __table_args__ = (
        Index(
            "uq_response_live_organisation",
            "need_id",
            "organisation_id",
            unique=True,
            sqlite_where=LIVE_ORGANISATION_RESPONSE,
            postgresql_where=LIVE_ORGANISATION_RESPONSE,
        ),
        Index(
            "uq_response_live_consortium",
            "need_id",
            "consortium_id",
            unique=True,
            sqlite_where=LIVE_CONSORTIUM_RESPONSE,
            postgresql_where=LIVE_CONSORTIUM_RESPONSE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approach: Mapped[str] = mapped_column(Text)
    outcomes_statement: Mapped[str] = mapped_column(Text, default="")
    price_pence: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=ResponseStatus.SUBMITTED, index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None]

    need: Mapped[Need] = relationship(back_populates="responses", foreign_keys=[need_id])
    organisation: Mapped[Organisation] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    outcomes: Mapped[list[Term]] = relationship(secondary=response_outcome, order_by="Term.position")
    evidence: Mapped[list[ImpactEvidence]] = relationship(secondary=response_evidence)

    @property
    def responder_name(self) -> str:
        return self.consortium.name if self.consortium is not None else self.organisation.name


# Shortlists -------------------------------------------------------------------------------------------------------


class Shortlist(db.Model):
    """A commissioner's list of providers for a need (or a named list not tied to a need)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("commissioning_body.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    body: Mapped[CommissioningBody] = relationship()
    need: Mapped[Need | None] = relationship()
    entries: Mapped[list[ShortlistEntry]] = relationship(
        back_populates="shortlist", cascade="all, delete-orphan", order_by="ShortlistEntry.rank"
    )


class ShortlistEntry(db.Model):
    __table_args__ = (UniqueConstraint("shortlist_id", "organisation_id", "consortium_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlist.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    rank: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]

    shortlist: Mapped[Shortlist] = relationship(back_populates="entries")
    organisation: Mapped[Organisation] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    response: Mapped[Response | None] = relationship()
