"""Responses to needs: submit, change and withdraw, each checked against the rules, audited and announced.

The rules:

- a provider responds as its own organisation, or as a consortium its organisation leads (only when the need
  welcomes consortia);
- only while the need is open and up to the end of its deadline day; later responses, changes and withdrawals
  are refused with the deadline in the message;
- one live (not withdrawn) response per organisation or consortium per need; after withdrawing, a new one may
  be submitted;
- linked evidence must be the responding organisation's own impact evidence.

Hard requirements of the need (verified safeguarding, kitemark, a named accreditation) are shown to the
provider as warnings; they do not block a response (matching checks them later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.commissioning.models import Need, NeedStatus, Response, ResponseStatus
from marketplace.core.clock import today, utcnow
from marketplace.core.links import external_url
from marketplace.core.roles import Role
from marketplace.core.templating import format_date
from marketplace.directory.models import (
    Accreditation,
    Consortium,
    ConsortiumMembership,
    ImpactEvidence,
    MembershipStatus,
    Organisation,
)
from marketplace.extensions import db
from marketplace.kitemark.status import is_kitemarked
from marketplace.notifications.services import notify, send_email
from marketplace.reference.models import Term, Vocabulary

CHANGEABLE_STATUSES = (ResponseStatus.SUBMITTED, ResponseStatus.SHORTLISTED)
NO_LONGER_ACCEPTING = "This need is no longer accepting responses"
NO_CONSORTIA = "This need does not accept responses from consortia. Respond as your organisation"


class ResponseRefused(Exception):
    """A rule refuses the response; ``message`` says why in words a provider understands."""

    def __init__(self, message: str, *, existing: Response | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.existing = existing


@dataclass
class ResponseDetails:
    """A response's content as validated by the form (ids already checked against the choices)."""

    approach: str
    outcomes_statement: str = ""
    price_pence: int | None = None
    outcome_ids: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)


# Reading ----------------------------------------------------------------------------------------------------------


def deadline_message(need: Need) -> str:
    return f"The deadline for responses was {format_date(need.response_deadline)}. Late responses cannot be accepted"


def deadline_passed(need: Need) -> bool:
    """Responses are accepted up to the end of the deadline day."""
    return need.response_deadline is not None and today() > need.response_deadline


def check_accepting_responses(need: Need) -> None:
    """Raise :class:`ResponseRefused` unless the need is open and its deadline has not passed."""
    if need.status != NeedStatus.OPEN:
        raise ResponseRefused(NO_LONGER_ACCEPTING)
    if deadline_passed(need):
        raise ResponseRefused(deadline_message(need))


def check_changeable(response: Response) -> None:
    """Raise :class:`ResponseRefused` unless ``response`` may still be changed or withdrawn."""
    if response.status == ResponseStatus.WITHDRAWN:
        raise ResponseRefused("This response has been withdrawn")
    check_accepting_responses(response.need)
    if response.status not in CHANGEABLE_STATUSES:
        raise ResponseRefused("This response can no longer be changed")


def is_changeable(response: Response) -> bool:
    try:
        check_changeable(response)
    except ResponseRefused:
        return False
    return True


def consortia_led_by(organisation: Organisation) -> list[Consortium]:
    query = select(Consortium).where(Consortium.lead_organisation_id == organisation.id).order_by(Consortium.name)
    return list(db.session.scalars(query))


def live_response(need: Need, organisation: Organisation, consortium: Consortium | None = None) -> Response | None:
    """The responder's current (not withdrawn) response to ``need``: the organisation alone, or the consortium."""
    query = select(Response).where(Response.need_id == need.id, Response.status != ResponseStatus.WITHDRAWN)
    if consortium is not None:
        query = query.where(Response.consortium_id == consortium.id)
    else:
        query = query.where(Response.organisation_id == organisation.id, Response.consortium_id.is_(None))
    return db.session.scalar(query.order_by(Response.id))


def own_live_responses(need: Need, organisation: Organisation) -> list[Response]:
    """Live responses to ``need`` submitted by ``organisation``, alone or for consortia it leads."""
    query = select(Response).where(
        Response.need_id == need.id,
        Response.organisation_id == organisation.id,
        Response.status != ResponseStatus.WITHDRAWN,
    )
    return list(db.session.scalars(query.order_by(Response.id)))


def requirement_warnings(need: Need, organisation: Organisation) -> list[str]:
    """The need's hard requirements that ``organisation`` does not meet, in words (warnings, not refusals)."""
    warnings = []
    safeguarding = organisation.safeguarding
    if need.requires_safeguarding_verified and (safeguarding is None or safeguarding.verified_at is None):
        warnings.append("This need requires verified safeguarding. Your organisation's safeguarding is not verified")
    if need.requires_kitemark and not is_kitemarked(organisation):
        warnings.append("This need requires the kitemark. Your organisation is not kitemarked")
    scheme = need.required_accreditation
    if scheme is not None and not _holds_accreditation(organisation, scheme):
        warnings.append(f"This need requires {scheme.label}. Your organisation has no current {scheme.label}")
    return warnings


def _holds_accreditation(organisation: Organisation, scheme: Term) -> bool:
    query = select(Accreditation.id).where(
        Accreditation.organisation_id == organisation.id,
        Accreditation.scheme_id == scheme.id,
        or_(Accreditation.expires_on.is_(None), Accreditation.expires_on >= today()),
    )
    return db.session.scalar(query.limit(1)) is not None


def responses_for_provider(organisation: Organisation) -> list[Response]:
    """The organisation's responses: its own and those of consortia it belongs to (newest first)."""
    consortium_ids = select(ConsortiumMembership.consortium_id).where(
        ConsortiumMembership.organisation_id == organisation.id,
        ConsortiumMembership.status == MembershipStatus.ACCEPTED,
    )
    query = select(Response).where(
        or_(Response.organisation_id == organisation.id, Response.consortium_id.in_(consortium_ids))
    )
    return list(db.session.scalars(query.order_by(Response.submitted_at.desc(), Response.id.desc())))


def responses_for_need(need: Need) -> list[Response]:
    query = select(Response).where(Response.need_id == need.id)
    return list(db.session.scalars(query.order_by(Response.submitted_at, Response.id)))


# Changing ---------------------------------------------------------------------------------------------------------


def snapshot(response: Response) -> dict[str, Any]:
    """The response as plain data for the audit log."""
    return {
        "need_id": response.need_id,
        "organisation_id": response.organisation_id,
        "consortium_id": response.consortium_id,
        "approach": response.approach,
        "outcomes_statement": response.outcomes_statement,
        "price_pence": response.price_pence,
        "status": response.status,
        "outcomes": [term.code for term in response.outcomes],
        "evidence_ids": sorted(evidence.id for evidence in response.evidence),
    }


def _outcomes(ids: list[int]) -> list[Term]:
    if not ids:
        return []
    query = select(Term).join(Vocabulary).where(Vocabulary.key == "ecm_outcome", Term.id.in_(ids))
    outcomes = list(db.session.scalars(query))
    if len(outcomes) != len(set(ids)):
        raise ResponseRefused("Select outcomes from the list")
    return outcomes


def _evidence(organisation: Organisation, ids: list[int]) -> list[ImpactEvidence]:
    if not ids:
        return []
    query = select(ImpactEvidence).where(ImpactEvidence.id.in_(ids))
    evidence = list(db.session.scalars(query))
    if len(evidence) != len(set(ids)) or any(item.organisation_id != organisation.id for item in evidence):
        raise ResponseRefused("Select evidence from your organisation's impact evidence")
    return evidence


def _validated(organisation: Organisation, details: ResponseDetails) -> tuple[list[Term], list[ImpactEvidence]]:
    """Check ``details`` before anything changes; the linked outcomes and evidence."""
    if not details.approach.strip():
        raise ResponseRefused("Enter your approach")
    if details.price_pence is not None and details.price_pence < 0:
        raise ResponseRefused("Price must be £0 or more")
    return _outcomes(details.outcome_ids), _evidence(organisation, details.evidence_ids)


def _apply(response: Response, details: ResponseDetails, links: tuple[list[Term], list[ImpactEvidence]]) -> None:
    response.approach = details.approach
    response.outcomes_statement = details.outcomes_statement
    response.price_pence = details.price_pence
    response.outcomes, response.evidence = links


def check_responder(need: Need, organisation: Organisation, consortium: Consortium | None) -> None:
    """Raise :class:`ResponseRefused` unless ``organisation`` (or ``consortium``) may respond to ``need`` now."""
    if consortium is not None:
        if not need.consortium_welcome:
            raise ResponseRefused(NO_CONSORTIA)
        if consortium.lead_organisation_id != organisation.id:
            raise ResponseRefused(f"Only the lead organisation of {consortium.name} can respond for it")
    existing = live_response(need, organisation, consortium)
    if existing is not None:
        raise _already_responded(organisation, consortium, existing)


def _already_responded(
    organisation: Organisation, consortium: Consortium | None, existing: Response | None
) -> ResponseRefused:
    name = consortium.name if consortium is not None else organisation.name
    return ResponseRefused(f"{name} has already responded to this need", existing=existing)


def submit_response(
    need: Need,
    organisation: Organisation,
    details: ResponseDetails,
    *,
    actor: User,
    consortium: Consortium | None = None,
) -> Response:
    """Record ``organisation``'s response (or its consortium's) to ``need`` and tell the body's commissioners."""
    check_accepting_responses(need)
    check_responder(need, organisation, consortium)
    links = _validated(organisation, details)
    response = Response(need=need, organisation=organisation, consortium=consortium, submitted_by=actor)
    _apply(response, details, links)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError as error:  # a concurrent submission landed between the check and this insert
        db.session.rollback()
        existing = live_response(need, organisation, consortium)
        raise _already_responded(organisation, consortium, existing) from error
    record_event("response.submitted", obj=response, actor=actor, summary=_summary(response), after=snapshot(response))
    _tell_commissioners(response, f"{response.responder_name} responded to ‘{need.title}’", "New response")
    db.session.commit()
    return response


def update_response(response: Response, details: ResponseDetails, *, actor: User) -> Response:
    """Change a response's content before the deadline; ``response.updated`` keeps before and after."""
    check_changeable(response)
    links = _validated(response.organisation, details)
    before = snapshot(response)
    _apply(response, details, links)
    db.session.flush()
    record_event(
        "response.updated",
        obj=response,
        actor=actor,
        summary=_summary(response),
        before=before,
        after=snapshot(response),
    )
    db.session.commit()
    return response


def withdraw_response(response: Response, *, actor: User) -> Response:
    """Withdraw a response before the deadline (it stays visible to its owners) and tell the commissioners."""
    check_changeable(response)
    before = snapshot(response)
    response.status = ResponseStatus.WITHDRAWN
    response.withdrawn_at = utcnow()
    db.session.flush()
    record_event(
        "response.withdrawn",
        obj=response,
        actor=actor,
        summary=_summary(response),
        before=before,
        after=snapshot(response),
    )
    message = f"{response.responder_name} withdrew its response to ‘{response.need.title}’"
    _tell_commissioners(response, message, "Response withdrawn")
    db.session.commit()
    return response


def _summary(response: Response) -> str:
    return f"{response.responder_name} to {response.need.title}"


def body_commissioners(need: Need) -> list[User]:
    """The approved, active commissioners of the need's body."""
    query = select(User).where(
        User.commissioning_body_id == need.body_id,
        User.role == Role.COMMISSIONER.value,
        User.approved_at.is_not(None),
        User.is_active.is_(True),
    )
    return list(db.session.scalars(query.order_by(User.id)))


def _tell_commissioners(response: Response, message: str, subject: str) -> None:
    """Notify (in-app) and email each approved commissioner of the need's body. The caller commits."""
    link = external_url("responses.response", response_id=response.id)
    service = current_app.config["SERVICE_NAME"]
    for user in body_commissioners(response.need):
        notify(user.id, message, urlsplit(link).path)
        send_email(
            user.email,
            f"{subject}: {response.need.title}"[:200],
            f"Hello {user.name},\n\n{message}.\n\nSee it on the {service}:\n\n{link}\n",
        )
