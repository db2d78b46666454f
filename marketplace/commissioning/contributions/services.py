"""Contribution statements per commissioning body: save, remove, and who sees which on a profile or comparison.

A statement written for a body is shown to that body's approved commissioners first and marked as written for
them; other readers see it as part of the profile only if the provider made it public. The general MLA statements
are saved through the directory's own profile service, so there is one write path for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.commissioning.contributions.models import BodyContribution
from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkOutcome,
    FrameworkTheme,
    OutcomesFramework,
)
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.models import ImpactEvidence, Offer, Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.models import Term


class ContributionError(Exception):
    """A statement that cannot be saved as asked; the message says what to change."""


@dataclass(frozen=True)
class Target:
    """The framework item a statement is written for: a theme, or an aim or outcome within it."""

    theme: FrameworkTheme
    aim: FrameworkAim | None = None
    outcome: FrameworkOutcome | None = None


@dataclass
class Citations:
    offers: list[Offer]
    ecm_outcomes: list[Term]
    evidence: list[ImpactEvidence]


def bodies_with_frameworks() -> list[CommissioningBody]:
    """Listed bodies that have imported at least one framework: the ones a provider can write for."""
    return list(
        db.session.scalars(
            select(CommissioningBody)
            .where(CommissioningBody.is_listed.is_(True), CommissioningBody.frameworks.any())
            .order_by(CommissioningBody.name)
        )
    )


def frameworks_of(body: CommissioningBody) -> list[OutcomesFramework]:
    return sorted(body.frameworks, key=lambda framework: framework.name)


def target_from_choice(body: CommissioningBody, choice: str) -> Target | None:
    """ "t12", "a5" or "o9" (from the composer's list) as a target inside ``body``'s frameworks, else None."""
    kinds = {"t": FrameworkTheme, "a": FrameworkAim, "o": FrameworkOutcome}
    if len(choice) < 2 or choice[0] not in kinds or not choice[1:].isdigit() or len(choice) > 20:
        return None
    item = db.session.get(kinds[choice[0]], int(choice[1:]))
    if item is None:
        return None
    outcome = item if isinstance(item, FrameworkOutcome) else None
    aim = outcome.aim if outcome else item if isinstance(item, FrameworkAim) else None
    theme = aim.theme if aim else item
    if theme.framework.body_id != body.id:
        return None
    return Target(theme=theme, aim=aim, outcome=outcome)


def target_choice(contribution: BodyContribution) -> str:
    if contribution.outcome_id:
        return f"o{contribution.outcome_id}"
    return f"a{contribution.aim_id}" if contribution.aim_id else f"t{contribution.theme_id}"


def _snapshot(contribution: BodyContribution) -> dict[str, Any]:
    return {
        "body_id": contribution.body_id,
        "target": contribution.target_title,
        "statement": contribution.statement,
        "is_public": contribution.is_public,
        "offers": [offer.id for offer in contribution.offers],
        "ecm_outcomes": [term.code for term in contribution.ecm_outcomes],
        "evidence": [item.id for item in contribution.evidence],
    }


def save_body_contribution(
    organisation: Organisation,
    contribution: BodyContribution | None,
    *,
    body: CommissioningBody,
    target: Target,
    statement: str,
    is_public: bool,
    citations: Citations,
    actor: Any,
) -> BodyContribution:
    """Create or update the organisation's statement for ``body``. Commits; audits ``contribution.saved``."""
    statement = statement.strip()
    if not statement:
        raise ContributionError("Enter your statement")
    if any(offer.organisation_id != organisation.id for offer in citations.offers) or any(
        item.organisation_id != organisation.id for item in citations.evidence
    ):
        raise ContributionError("Cite your own offers and evidence only")
    before = _snapshot(contribution) if contribution is not None else None
    if contribution is None:
        contribution = BodyContribution(organisation=organisation, body=body)
        db.session.add(contribution)
    contribution.theme, contribution.aim, contribution.outcome = target.theme, target.aim, target.outcome
    contribution.statement, contribution.is_public = statement, is_public
    contribution.offers, contribution.evidence = list(citations.offers), list(citations.evidence)
    contribution.ecm_outcomes = list(citations.ecm_outcomes)
    db.session.flush()
    record_event(
        "contribution.saved",
        obj=contribution,
        actor=actor,
        summary=f"{organisation.name}: contribution to {body.name}'s {contribution.target_title}",
        before=before,
        after=_snapshot(contribution),
    )
    db.session.commit()
    return contribution


def remove_body_contribution(contribution: BodyContribution, *, actor: Any) -> None:
    record_event(
        "contribution.removed",
        obj=contribution,
        actor=actor,
        summary=f"{contribution.organisation.name}: removed the contribution to {contribution.body.name}",
        before=_snapshot(contribution),
    )
    db.session.delete(contribution)
    db.session.commit()


def contributions_of(organisation: Organisation) -> list[BodyContribution]:
    return list(
        db.session.scalars(
            select(BodyContribution)
            .where(BodyContribution.organisation_id == organisation.id)
            .order_by(BodyContribution.body_id, BodyContribution.id)
        )
    )


def _viewer_body_id(user: Any) -> int | None:
    """The body whose statements are highlighted for this reader: an approved commissioner's own."""
    if user.is_authenticated and user.role_enum is Role.COMMISSIONER and user.is_approved:
        return user.commissioning_body_id
    return None


@dataclass(frozen=True)
class ShownContribution:
    contribution: BodyContribution
    is_for_viewer: bool  # written for the reader's own body: shown first, marked


def visible_contributions(organisation: Organisation, user: Any) -> list[ShownContribution]:
    """What ``user`` sees on the profile: their own body's statements first and marked; others only if public
    (members, assessors and admins see everything, unmarked)."""
    if organisation.status != OrganisationStatus.PUBLISHED and not access.can_view_organisation(user, organisation):
        return []
    sees_all = access.is_member(user, organisation) or access.is_staff(user)
    body_id = _viewer_body_id(user)
    shown = [
        ShownContribution(item, is_for_viewer=item.body_id == body_id)
        for item in contributions_of(organisation)
        if sees_all or item.is_public or item.body_id == body_id
    ]
    return sorted(shown, key=lambda item: not item.is_for_viewer)


def for_body(organisations: list[Organisation], body_id: int) -> list[BodyContribution]:
    """The statements these organisations wrote for one body (the comparison's row for that body's need)."""
    ids = [organisation.id for organisation in organisations]
    return list(
        db.session.scalars(
            select(BodyContribution)
            .where(BodyContribution.organisation_id.in_(ids), BodyContribution.body_id == body_id)
            .order_by(BodyContribution.id)
        )
    )
