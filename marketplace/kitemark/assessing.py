"""Assessor work shared by the kitemark and safeguarding verification queues.

Both queues follow the same rules (only assessors assign and decide, never a member of the organisation) and
write to providers and assessors the same way, so the pieces live here once; the verification room imports them
(the kitemark room must not import verification: packages form no cycle).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email


def is_member_of(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` belongs to ``organisation`` (a conflict that no declaration can clear)."""
    return user is not None and user.organisation_id is not None and user.organisation_id == organisation.id


def eligible_assessors(organisation: Organisation) -> list[User]:
    """Active assessors who may be assigned the organisation's work (never its members)."""
    query = select(User).where(User.role == Role.ASSESSOR.value, User.is_active.is_(True)).order_by(User.name)
    return [user for user in db.session.scalars(query) if not is_member_of(user, organisation)]


def provider_recipients(organisation: Organisation) -> list[User]:
    """The organisation's account managers; if it has none, every active member."""
    members = [user for user in organisation.members if user.is_active]
    return [user for user in members if user.is_org_admin] or members


def send_with_link(recipients: Iterable[User], subject: str, body: str, link: str) -> None:
    """Email (through the outbox) and notify each recipient, the email ending with ``link``."""
    for user in recipients:
        send_email(user.email, subject, f"Dear {user.name},\n\n{body}\n\n{link}\n")
        notify(user.id, subject, urlsplit(link).path)


def assessor_problem(user: Any, organisation: Organisation, activity: str) -> str | None:
    """Why ``user`` may not do assessor work on ``organisation`` (None when they may); ``activity`` names it."""
    if user is None or user.role_enum is not Role.ASSESSOR:
        return "Only assessors can do this."
    if is_member_of(user, organisation):
        return f"You are a member of {organisation.name}, so you cannot {activity}."
    return None


def assignee_problem(assessor: Any, organisation: Organisation, activity: str) -> str | None:
    """Why ``assessor`` may not be given the organisation's work (None when they may); ``activity`` names it."""
    if assessor.role_enum is not Role.ASSESSOR or not assessor.is_active:
        return "Select an assessor from the list"
    if is_member_of(assessor, organisation):
        return f"{assessor.name} is a member of {organisation.name}, so cannot {activity} it."
    return None


def set_assignee(work: Any, assessor: Any, status: str, when: Any = None) -> None:
    """Give ``work`` (an application or request) to ``assessor``, or with None back to the queue.

    Either way any earlier no-conflict declaration goes: the assessor now assigned has to declare afresh.
    """
    work.assessor = assessor
    work.assessor_id = assessor.id if assessor is not None else None  # the id too: the audit event reads it
    work.assigned_at = when
    work.no_conflict_declared_at = None
    work.status = status
