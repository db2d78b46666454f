"""Needs: create and edit drafts, publish, close, cancel; the public opportunities board.

Lifecycle: draft → open (published) → closed → awarded (see shortlists), or cancelled from draft/open/closed.
Every transition commits with an audit record (``need.created``, ``need.updated``, ``need.published``,
``need.closed``, ``need.cancelled``). Cancelling tells everyone who responded (in-app and by email).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from marketplace.audit.services import record_event, record_status_change
from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkMeasure,
    FrameworkOutcome,
    Need,
    NeedStatus,
    ResponseStatus,
    need_locality,
    need_outcome,
)
from marketplace.core.clock import today, utcnow
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email
from marketplace.reference.geography import overlapping_ids
from marketplace.reference.models import Locality, Term

EDITABLE = (NeedStatus.DRAFT, NeedStatus.OPEN)
CANCELLABLE = (NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.CLOSED)
BOARD_PAGE_SIZE = 20
SCALAR_FIELDS = (
    "title",
    "summary",
    "description",
    "level_id",
    "kind_id",
    "service_area_id",
    "age_min",
    "age_max",
    "budget_min_pence",
    "budget_max_pence",
    "contract_start",
    "contract_end",
    "response_deadline",
    "requires_safeguarding_verified",
    "requires_kitemark",
    "required_accreditation_id",
    "consortium_welcome",
    "localities_required",
)
# relationship → the model its ids refer to
LINKS: dict[str, type] = {
    "localities": Locality,
    "target_groups": Term,
    "outcomes": Term,
    "aims": Term,
    "indicators": Term,
    "problem_areas": Term,
    "framework_outcomes": FrameworkOutcome,
    "framework_measures": FrameworkMeasure,
}


class NeedStateError(Exception):
    """The need cannot make this change; ``problems`` says why (one GOV.UK sentence each)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class NeedDetails:
    """Everything a commissioner can set on a need, already checked by the form or the importer."""

    title: str
    summary: str = ""
    description: str = ""
    level_id: int | None = None
    kind_id: int | None = None
    service_area_id: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    budget_min_pence: int | None = None
    budget_max_pence: int | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    response_deadline: date | None = None
    requires_safeguarding_verified: bool = False
    requires_kitemark: bool = False
    required_accreditation_id: int | None = None
    consortium_welcome: bool = True
    localities_required: bool = False
    links: dict[str, list[int]] = field(default_factory=dict)


def snapshot(need: Need) -> dict[str, Any]:
    """The need as plain values, for audit records."""
    values: dict[str, Any] = {name: getattr(need, name) for name in SCALAR_FIELDS}
    for name in ("contract_start", "contract_end", "response_deadline"):
        values[name] = values[name].isoformat() if values[name] else None
    for relation in LINKS:
        values[relation] = sorted(item.id for item in getattr(need, relation))
    values["status"] = need.status
    return values


def apply_details(need: Need, details: NeedDetails) -> None:
    """Copy ``details`` onto ``need`` (collections are replaced). Does not commit."""
    for name in SCALAR_FIELDS:
        setattr(need, name, getattr(details, name))
    for relation, model in LINKS.items():
        ids = details.links.get(relation, [])
        items = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
        setattr(need, relation, items)


def create_need(body: CommissioningBody, details: NeedDetails, *, actor: Any = None) -> Need:
    """A new draft need of ``body``. Commits and records ``need.created``."""
    need = Need(body=body, created_by_id=getattr(actor, "id", None), status=NeedStatus.DRAFT)
    apply_details(need, details)
    db.session.add(need)
    db.session.flush()
    record_event("need.created", obj=need, actor=actor, summary=f"Created need {need.title}", after=snapshot(need))
    db.session.commit()
    return need


def update_need(need: Need, details: NeedDetails, *, actor: Any = None) -> Need:
    """Change a draft or open need (an open need stays open). Commits and records ``need.updated``."""
    if need.status not in EDITABLE:
        raise NeedStateError([f"A {need.status} need cannot be changed"])
    if need.status == NeedStatus.OPEN:
        problems = open_deadline_problems(details.response_deadline, previous=need.response_deadline)
        if problems:
            raise NeedStateError(problems)
    before = snapshot(need)
    apply_details(need, details)
    record_event(
        "need.updated", obj=need, actor=actor, summary=f"Changed need {need.title}", before=before, after=snapshot(need)
    )
    db.session.commit()
    return need


def open_deadline_problems(deadline: date | None, *, previous: date | None = None) -> list[str]:
    """Why an open need cannot have this deadline: it needs one, and a changed one cannot be in the past."""
    if deadline is None:
        return ["Enter a deadline for responses: the need is open"]
    if deadline != previous and deadline < today():
        return ["The deadline for responses must be today or in the future: the need is open"]
    return []


def publication_problems(need: Need) -> list[str]:
    """What must be added or fixed before the need can be published (empty when it is ready)."""
    problems = []
    if not (need.title or "").strip():
        problems.append("Enter a title")
    if not (need.summary or "").strip():
        problems.append("Enter a summary")
    if need.kind_id is None:
        problems.append("Select the kind of need")
    if need.service_area_id is None:
        problems.append("Select a service area")
    if not need.localities:
        problems.append("Select at least one locality")
    if need.response_deadline is None:
        problems.append("Enter a deadline for responses")
    elif need.response_deadline <= today():
        problems.append("The deadline for responses must be in the future")
    return problems


def mark_open(need: Need) -> None:
    """Draft → open, stamped, without the checks, audit or commit (the caller has checked
    :func:`publication_problems` and audits and commits: :func:`publish_need`, the importer)."""
    need.status = NeedStatus.OPEN
    need.published_at = utcnow()


def publish_need(need: Need, *, actor: Any = None) -> Need:
    """Draft → open, if complete. Raises :class:`NeedStateError` listing what is missing. Commits."""
    if need.status != NeedStatus.DRAFT:
        raise NeedStateError([f"Only a draft need can be published; this need is {need.status}"])
    problems = publication_problems(need)
    if problems:
        raise NeedStateError(problems)
    mark_open(need)
    record_event(
        "need.published",
        obj=need,
        actor=actor,
        summary=f"Published need {need.title}",
        before={"status": NeedStatus.DRAFT},
        after={"status": NeedStatus.OPEN},
    )
    db.session.commit()
    return need


def close_need(need: Need, *, actor: Any = None, reason: str = "Closed early") -> Need:
    """Open → closed: no more responses. Commits and records ``need.closed``."""
    if need.status != NeedStatus.OPEN:
        raise NeedStateError([f"Only an open need can be closed; this need is {need.status}"])
    _close(need, actor=actor, reason=reason)
    db.session.commit()
    return need


def _close(need: Need, *, actor: Any, reason: str) -> None:
    summary = f"{reason}: {need.title}"
    record_status_change(need, NeedStatus.CLOSED, "need.closed", actor=actor, summary=summary, stamp="closed_at")


def cancel_need(need: Need, *, actor: Any = None) -> Need:
    """Draft/open/closed → cancelled; everyone who responded is told. Commits and records ``need.cancelled``."""
    if need.status not in CANCELLABLE:
        raise NeedStateError([f"A {need.status} need cannot be cancelled"])
    summary = f"Cancelled need {need.title}"
    record_status_change(
        need, NeedStatus.CANCELLED, "need.cancelled", actor=actor, summary=summary, stamp="cancelled_at"
    )
    _tell_responders(need)
    db.session.commit()
    return need


def _tell_responders(need: Need) -> None:
    link = url_for("needs.need", need_id=need.id) if has_request_context() else f"/needs/{need.id}"
    message = f"{need.body.name} has cancelled the need “{need.title}”. Thank you for responding."
    body = (
        f"{need.body.name} has cancelled the need “{need.title}”, which you responded to.\n\n"
        "No contract will be awarded for it. Thank you for the time you spent on your response.\n"
    )
    told: set[int] = set()
    for response in need.responses:
        if response.status == ResponseStatus.WITHDRAWN:
            continue
        for user in response.organisation.members:
            if user.id in told or not getattr(user, "is_active", True):
                continue
            told.add(user.id)
            notify(user.id, message, link)
            send_email(user.email, f"Need cancelled: {need.title}", body)


def close_expired_needs(on: date | None = None) -> int:
    """Close every open need whose response deadline was before ``on`` (default today). Returns how many."""
    on = on or today()
    expired = db.session.scalars(
        select(Need).where(
            Need.status == NeedStatus.OPEN, Need.response_deadline.is_not(None), Need.response_deadline < on
        )
    ).all()
    for need in expired:
        _close(need, actor=None, reason="Deadline passed")
    db.session.commit()
    return len(expired)


def shortlistable_needs(body: CommissioningBody | None) -> list[Need]:
    """The body's needs whose shortlist can still change (not awarded or cancelled), newest first."""
    if body is None:
        return []
    query = (
        select(Need)
        .where(Need.body_id == body.id, Need.status.in_([NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.CLOSED]))
        .order_by(Need.created_at.desc())
    )
    return list(db.session.scalars(query))


def needs_of(body: CommissioningBody) -> dict[str, list[Need]]:
    """The body's needs by status (every status present, newest first)."""
    grouped: dict[str, list[Need]] = {
        status: []
        for status in (NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.CLOSED, NeedStatus.AWARDED, NeedStatus.CANCELLED)
    }
    for need in db.session.scalars(select(Need).where(Need.body_id == body.id).order_by(Need.created_at.desc())):
        grouped.setdefault(need.status, []).append(need)
    return grouped


# The opportunities board -------------------------------------------------------------------------------------


@dataclass
class BoardFilters:
    """Cleaned board filters: anything unrecognised has already been dropped."""

    text: str = ""
    kind: Term | None = None
    service_area: Term | None = None
    locality: Locality | None = None
    outcome: Term | None = None
    age: int | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values (codes), for links that keep them."""
        args = {
            "text": self.text,
            "kind": self.kind.code if self.kind else "",
            "service_area": self.service_area.code if self.service_area else "",
            "locality": self.locality.ons_code if self.locality else "",
            "outcome": self.outcome.code if self.outcome else "",
            "age": "" if self.age is None else str(self.age),
        }
        return {key: value for key, value in args.items() if value}


def board_query(filters: BoardFilters) -> Select:
    """Open needs matching ``filters``, latest deadline first."""
    query = select(Need).where(Need.status == NeedStatus.OPEN)
    if filters.text:
        pattern = f"%{filters.text.lower()}%"
        query = query.where(
            or_(*(func.lower(column).like(pattern) for column in (Need.title, Need.summary, Need.description)))
        )
    if filters.kind:
        query = query.where(Need.kind_id == filters.kind.id)
    if filters.service_area:
        query = query.where(Need.service_area_id == filters.service_area.id)
    if filters.locality:
        query = query.where(
            Need.id.in_(
                select(need_locality.c.need_id).where(
                    need_locality.c.locality_id.in_(overlapping_ids(filters.locality))
                )
            )
        )
    if filters.outcome:
        query = query.where(
            Need.id.in_(select(need_outcome.c.need_id).where(need_outcome.c.term_id == filters.outcome.id))
        )
    if filters.age is not None:
        query = query.where(
            or_(Need.age_min.is_(None), Need.age_min <= filters.age),
            or_(Need.age_max.is_(None), Need.age_max >= filters.age),
        )
    return query.order_by(Need.response_deadline.desc(), Need.id.desc())


def recent_open_needs(limit: int = 5) -> list[Need]:
    """The latest needs published and still open, with their bodies (one query), for the home page."""
    query = (
        select(Need)
        .where(Need.status == NeedStatus.OPEN)
        .options(joinedload(Need.body))
        .order_by(Need.published_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def opportunities(filters: BoardFilters, page: int = 1) -> Any:
    """One page (20 needs) of the board."""
    return db.paginate(board_query(filters), page=page, per_page=BOARD_PAGE_SIZE, error_out=False)
