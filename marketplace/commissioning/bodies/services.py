"""A body's email domains: which confirmed addresses join it without waiting for an administrator."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.commissioning.models import BodyEmailDomain, CommissioningBody
from marketplace.extensions import db

DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Anyone can have an address at these: listing one would approve anyone who registers.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "mail.com",
    }
)


class DomainError(ValueError):
    """The list of domains has a problem (message in GOV.UK wording)."""


def parse_domains(text: str) -> list[str]:
    """One domain per line (or separated by commas or spaces), lower case, without a leading ``@``; sorted."""
    domains = []
    for word in re.split(r"[\s,;]+", text or ""):
        domain = word.strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        if not DOMAIN.match(domain):
            raise DomainError(f"“{domain[:60]}” is not an email domain: enter domains like council.gov.uk")
        if domain in PUBLIC_MAIL_DOMAINS:
            raise DomainError(f"{domain} is a public email service: anyone can have an address there")
        domains.append(domain)
    return sorted(set(domains))


def set_email_domains(body: CommissioningBody, domains: list[str], *, admin: User) -> None:
    """Replace the body's email domains (audited); a domain listed by another body is refused."""
    taken = db.session.scalars(
        select(BodyEmailDomain).where(BodyEmailDomain.domain.in_(domains), BodyEmailDomain.body_id != body.id)
    ).all()
    if taken:
        raise DomainError(f"{taken[0].domain} is already listed by {taken[0].body.name}")
    before = [item.domain for item in body.email_domains]
    if before == domains:
        return
    body.email_domains = [item for item in body.email_domains if item.domain in domains]
    db.session.flush()
    body.email_domains.extend(BodyEmailDomain(domain=domain) for domain in domains if domain not in before)
    record_event(
        "commissioning_body.email_domains_changed",
        obj=body,
        actor=admin,
        summary=f"Email domains of {body.name}",
        before={"email_domains": before},
        after={"email_domains": domains},
    )
    db.session.commit()


def email_domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def body_lists_domain_of(body: CommissioningBody | None, email: str) -> bool:
    """Whether ``body`` lists the domain of ``email`` (exactly: a subdomain is a different organisation)."""
    if body is None or body.id is None:
        return False
    domain = email_domain_of(email)
    return any(item.domain == domain for item in body.email_domains)


def list_bodies() -> list[CommissioningBody]:
    return list(db.session.scalars(select(CommissioningBody).order_by(CommissioningBody.name)))
