"""Consortia: organisations that work and respond to needs together.

A provider's org-admin creates a consortium (their organisation leads it and is its first accepted member),
invites other organisations, whose org-admins accept or decline; members (not the lead) can leave. Every
transition is audited and the other side is told (in-app notification and email).

What the public sees is built from *published* accepted members only, so a member's draft profile never leaks
through a consortium page: its offers, localities and outcomes are left out until it publishes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.directory import access
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
)
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email
from marketplace.reference.models import Locality, Term

CURRENT = (MembershipStatus.INVITED, MembershipStatus.ACCEPTED)


class ConsortiumError(Exception):
    """A rule refused the change; ``field`` names the form field to show the message on, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Who may do what ----------------------------------------------------------------------------------------------


def is_lead_admin(user: Any, consortium: Consortium) -> bool:
    return access.is_org_admin(user, consortium.lead_organisation)


def _belongs(user: Any, consortium: Consortium) -> bool:
    """The user's organisation is in the consortium or invited to it."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    return any(m.organisation_id == user.organisation_id and m.status in CURRENT for m in consortium.memberships)


def can_view_consortium(user: Any, consortium: Consortium) -> bool:
    """Public once its lead is published; before that, only to the organisations in it (invited too) and staff."""
    return access.can_view_organisation(user, consortium.lead_organisation) or _belongs(user, consortium)


def is_insider(user: Any, consortium: Consortium) -> bool:
    """Staff and the organisations in the consortium: they may know that unpublished members exist."""
    return access.is_staff(user) or _belongs(user, consortium)


# Reading ------------------------------------------------------------------------------------------------------


@dataclass
class ProviderConsortia:
    """A provider organisation's consortia (led or joined) and the invitations waiting for an answer."""

    memberships: list[ConsortiumMembership] = field(default_factory=list)
    invitations: list[ConsortiumMembership] = field(default_factory=list)


def consortia_of(organisation: Organisation) -> ProviderConsortia:
    query = (
        select(ConsortiumMembership)
        .join(Consortium)
        .where(ConsortiumMembership.organisation_id == organisation.id)
        .where(ConsortiumMembership.status.in_(CURRENT))
        .order_by(Consortium.name)
    )
    result = ProviderConsortia()
    for membership in db.session.scalars(query):
        if membership.status == MembershipStatus.ACCEPTED:
            result.memberships.append(membership)
        else:
            result.invitations.append(membership)
    return result


def invitable_organisations(consortium: Consortium) -> list[Organisation]:
    """Published organisations that are neither the lead nor already invited or members.

    Drafts are not offered: another organisation's draft profile (even its name) stays private.
    """
    taken = {m.organisation_id for m in consortium.memberships if m.status in CURRENT}
    taken.add(consortium.lead_organisation_id)
    query = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED).order_by(Organisation.name)
    return [organisation for organisation in db.session.scalars(query) if organisation.id not in taken]


def accepted_members(consortium: Consortium) -> list[Organisation]:
    members = [m.organisation for m in consortium.memberships if m.status == MembershipStatus.ACCEPTED]
    return sorted(members, key=lambda org: (org.id != consortium.lead_organisation_id, org.name))


@dataclass
class OutcomeSummary:
    outcome: Term
    members: list[Organisation]


@dataclass
class ConsortiumProfile:
    """What a consortium page shows, from its published accepted members only."""

    consortium: Consortium
    members: list[Organisation]
    unpublished_member_count: int
    counties: list[Locality]
    other_localities: list[Locality]
    outcomes: list[OutcomeSummary]
    offers: list[Offer]


def _combined_localities(members: list[Organisation]) -> tuple[list[Locality], list[Locality]]:
    """Counties (each implying its districts), then the places not already inside one of those counties."""
    served: dict[int, Locality] = {}
    for member in members:
        for locality in [*member.localities, *(loc for offer in member.offers for loc in offer.localities)]:
            served[locality.id] = locality
    counties = sorted((loc for loc in served.values() if loc.tier == "county"), key=lambda loc: loc.name)
    county_ids = {county.id for county in counties}
    others = sorted(
        (loc for loc in served.values() if loc.tier != "county" and loc.parent_id not in county_ids),
        key=lambda loc: loc.name,
    )
    return counties, others


def _combined_outcomes(members: list[Organisation]) -> list[OutcomeSummary]:
    by_outcome: dict[int, OutcomeSummary] = {}
    contributors: dict[int, dict[int, Organisation]] = defaultdict(dict)
    for member in members:
        outcomes = [c.outcome for c in member.outcome_contributions]
        outcomes += [outcome for offer in member.offers for outcome in offer.outcomes]
        for outcome in outcomes:
            by_outcome.setdefault(outcome.id, OutcomeSummary(outcome, []))
            contributors[outcome.id][member.id] = member
    for outcome_id, summary in by_outcome.items():
        summary.members = sorted(contributors[outcome_id].values(), key=lambda org: org.name)
    return sorted(by_outcome.values(), key=lambda summary: (summary.outcome.position, summary.outcome.label))


def consortium_profile(consortium: Consortium) -> ConsortiumProfile:
    """The consortium's members and their combined localities, outcomes and offers (published members only)."""
    accepted = accepted_members(consortium)
    published = [member for member in accepted if member.is_published]
    counties, others = _combined_localities(published)
    return ConsortiumProfile(
        consortium=consortium,
        members=published,
        unpublished_member_count=len(accepted) - len(published),
        counties=counties,
        other_localities=others,
        outcomes=_combined_outcomes(published),
        offers=sorted((offer for member in published for offer in member.offers), key=lambda offer: offer.title),
    )


def consortium_directory() -> list[tuple[Consortium, int]]:
    """Consortia whose lead is published, each with its number of published accepted members."""
    query = (
        select(Consortium)
        .join(Organisation, Consortium.lead_organisation_id == Organisation.id)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .order_by(Consortium.name)
    )
    return [
        (consortium, sum(1 for member in accepted_members(consortium) if member.is_published))
        for consortium in db.session.scalars(query)
    ]


# Changing -----------------------------------------------------------------------------------------------------


def _org_admins(organisation: Organisation) -> list[User]:
    query = select(User).where(
        User.organisation_id == organisation.id, User.is_org_admin.is_(True), User.is_active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.id)))


def _tell(organisation: Organisation, subject: str, message: str, endpoint: str, **values: object) -> None:
    """Notify (in-app) and email each org-admin of ``organisation``. The caller commits."""
    link = external_url(endpoint, **values)
    for admin in _org_admins(organisation):
        notify(admin.id, message, urlsplit(link).path)
        send_email(
            admin.email,
            subject,
            f"Hello {admin.name},\n\n{message}.\n\nSee it on the {current_app.config['SERVICE_NAME']}:\n\n{link}\n",
        )


def _state(membership: ConsortiumMembership) -> dict[str, Any]:
    return {
        "consortium_id": membership.consortium_id,
        "organisation_id": membership.organisation_id,
        "status": membership.status,
    }


def create_consortium(
    lead: Organisation, *, name: str, legal_form_id: int | None, description: str, actor: User
) -> Consortium:
    """Create a consortium led by ``lead``; the lead is its first (accepted) member."""
    consortium = Consortium(
        name=name, legal_form_id=legal_form_id, description=description, lead_organisation=lead, created_by_id=actor.id
    )
    now = utcnow()
    consortium.memberships.append(
        ConsortiumMembership(organisation=lead, status=MembershipStatus.ACCEPTED, invited_at=now, responded_at=now)
    )
    db.session.add(consortium)
    db.session.flush()
    after = {"name": name, "legal_form_id": legal_form_id, "description": description, "lead_organisation_id": lead.id}
    record_event("consortium.created", obj=consortium, actor=actor, summary=name, after=after)
    db.session.commit()
    return consortium


def apply_members(consortium: Consortium, members: Iterable[Organisation]) -> None:
    """Make ``members`` the accepted members (accepted at once) and let accepted members not listed leave.

    For writers that state the membership outright (imports); it does not commit. The pages use invitations.
    """
    now = utcnow()
    wanted = {organisation.id: organisation for organisation in members}
    current = {membership.organisation_id: membership for membership in consortium.memberships}
    for organisation_id, organisation in sorted(wanted.items()):
        membership = current.get(organisation_id)
        if membership is None:
            membership = ConsortiumMembership(organisation=organisation, invited_at=now)
            consortium.memberships.append(membership)
        if membership.status != MembershipStatus.ACCEPTED:
            membership.status, membership.responded_at, membership.left_at = MembershipStatus.ACCEPTED, now, None
    for organisation_id, membership in current.items():
        if organisation_id not in wanted and membership.status == MembershipStatus.ACCEPTED:
            membership.status, membership.left_at = MembershipStatus.LEFT, now


def invite_organisation(consortium: Consortium, organisation: Organisation, *, actor: User) -> ConsortiumMembership:
    """Invite ``organisation`` (again, if it declined or left); its org-admins are notified and emailed."""
    if organisation.id == consortium.lead_organisation_id:
        raise ConsortiumError("Select an organisation other than the lead organisation", "organisation_id")
    membership = db.session.scalar(
        select(ConsortiumMembership).filter_by(consortium_id=consortium.id, organisation_id=organisation.id)
    )
    if membership is not None and membership.status == MembershipStatus.ACCEPTED:
        raise ConsortiumError(f"{organisation.name} is already a member of this consortium", "organisation_id")
    if membership is not None and membership.status == MembershipStatus.INVITED:
        raise ConsortiumError(f"{organisation.name} has already been invited", "organisation_id")
    before = _state(membership) if membership is not None else None
    if membership is None:
        membership = ConsortiumMembership(consortium=consortium, organisation=organisation)
        db.session.add(membership)
    membership.status = MembershipStatus.INVITED
    membership.invited_at = utcnow()
    membership.responded_at = membership.left_at = None
    db.session.flush()
    after = _state(membership)
    record_event(
        "consortium.member_invited", obj=membership, actor=actor, summary=consortium.name, before=before, after=after
    )
    _tell(
        organisation,
        f"Invitation to join the consortium {consortium.name}",
        f"{consortium.lead_organisation.name} has invited {organisation.name} to join the consortium {consortium.name}",
        "consortia.index",
    )
    db.session.commit()
    return membership


def _respond(membership: ConsortiumMembership, status: str, action: str, verb: str, *, actor: User) -> None:
    if membership.status != MembershipStatus.INVITED:
        raise ConsortiumError("This invitation has already been answered")
    before = _state(membership)
    membership.status = status
    membership.responded_at = utcnow()
    record_event(action, obj=membership, actor=actor, before=before, after=_state(membership))
    consortium = membership.consortium
    _tell(
        consortium.lead_organisation,
        f"{membership.organisation.name} {verb} the invitation to {consortium.name}",
        f"{membership.organisation.name} {verb} the invitation to join the consortium {consortium.name}",
        "consortia.consortium",
        consortium_id=consortium.id,
    )
    db.session.commit()


def accept_invitation(membership: ConsortiumMembership, *, actor: User) -> None:
    """The invited organisation joins; the lead's org-admins are told."""
    _respond(membership, MembershipStatus.ACCEPTED, "consortium.invitation_accepted", "accepted", actor=actor)


def decline_invitation(membership: ConsortiumMembership, *, actor: User) -> None:
    """The invited organisation says no (the lead may invite it again later); the lead's org-admins are told."""
    _respond(membership, MembershipStatus.DECLINED, "consortium.invitation_declined", "declined", actor=actor)


def leave_consortium(membership: ConsortiumMembership, *, actor: User) -> None:
    """A member (never the lead) leaves; the lead's org-admins are told."""
    consortium = membership.consortium
    if membership.organisation_id == consortium.lead_organisation_id:
        raise ConsortiumError("The lead organisation cannot leave the consortium it leads")
    if membership.status != MembershipStatus.ACCEPTED:
        raise ConsortiumError(f"{membership.organisation.name} is not a member of this consortium")
    before = _state(membership)
    membership.status = MembershipStatus.LEFT
    membership.left_at = utcnow()
    record_event("consortium.member_left", obj=membership, actor=actor, before=before, after=_state(membership))
    _tell(
        consortium.lead_organisation,
        f"{membership.organisation.name} has left {consortium.name}",
        f"{membership.organisation.name} has left the consortium {consortium.name}",
        "consortia.consortium",
        consortium_id=consortium.id,
    )
    db.session.commit()
