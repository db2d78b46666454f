"""Shared helpers for the account tests: strong passwords, links in emails, audit look-ups."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from tests.helpers import FormClient

NEW_PASSWORD = "velvet orbit lantern kestrel"
LINK = re.compile(r"https?://\S+")


def link_in(message: EmailMessage) -> str:
    links = LINK.findall(message.get_content())
    assert len(links) == 1, f"expected one link in {message['Subject']!r}, found {links}"
    return links[0]


def path_of(link: str) -> str:
    return urlsplit(link).path


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def new_client(app: Flask) -> FormClient:
    """A second browser: its own cookie jar."""
    return FormClient(app.test_client())


def page_title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), flags=re.S)
    assert match, "page has no <title>"
    return match.group(1).strip()
