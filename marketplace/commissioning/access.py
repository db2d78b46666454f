"""Who may see or change commissioning objects. Every commissioning view goes through these.

- An approved commissioner acts for their own body only: its frameworks, needs (drafts included),
  shortlists and the responses to its needs. Another body's drafts, shortlists and responses are invisible
  (views answer 404).
- Published needs (anything but a draft) are public on the opportunities board.
- A response is seen by the responding organisation's members (for a consortium: the lead organisation's and
  the members'), the need's body's approved commissioners, and admins. Never by other providers.
"""

from __future__ import annotations

from typing import Any

from marketplace.commissioning.models import CommissioningBody, Need, NeedStatus, Response, Shortlist
from marketplace.core.roles import Role
from marketplace.directory.models import MembershipStatus


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.role_enum is Role.ADMIN)


def acts_for_body(user: Any, body: CommissioningBody | None) -> bool:
    """An approved commissioner who is a member of ``body``."""
    return bool(
        body is not None
        and user.is_authenticated
        and user.role_enum is Role.COMMISSIONER
        and user.is_approved
        and user.commissioning_body_id == body.id
    )


def can_view_need(user: Any, need: Need) -> bool:
    if need.status != NeedStatus.DRAFT:
        return True
    return acts_for_body(user, need.body) or is_admin(user)


def can_manage_need(user: Any, need: Need) -> bool:
    return acts_for_body(user, need.body)


def speaks_for_response(user: Any, response: Response) -> bool:
    """A member of the responding organisation, or of an accepted member of the responding consortium."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if response.organisation_id == user.organisation_id:
        return True
    if response.consortium is None:
        return False
    return any(
        membership.organisation_id == user.organisation_id and membership.status == MembershipStatus.ACCEPTED
        for membership in response.consortium.memberships
    )


def can_view_response(user: Any, response: Response) -> bool:
    return speaks_for_response(user, response) or acts_for_body(user, response.need.body) or is_admin(user)


def can_manage_shortlist(user: Any, shortlist: Shortlist) -> bool:
    return acts_for_body(user, shortlist.body)
