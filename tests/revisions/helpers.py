"""Reviewed-edit test helpers: the pages' forms, and the latest revision."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.revisions.models import ProfileRevision
from tests.directory.evidence.test_records import MULTIPART, safeguarding_form
from tests.directory.profiles.test_profile_steps import basics

SAFEGUARDING = "/provider/evidence/safeguarding"


def latest_revision() -> ProfileRevision | None:
    return db.session.scalars(select(ProfileRevision).order_by(ProfileRevision.id.desc()).limit(1)).first()


def rename(client, organisation, name: str = "Peak Heritage Trust Limited", **changes: str):
    """Post the basics step with the organisation's current details, a new name and any other ``changes``."""
    current = {
        "name": name,
        "registration_number": organisation.registration_number,
        "description": organisation.description or "Heritage for families",
        "postcode": "DE1 1AA",
        "contact_email": "hello@peak.example.org",
        "legal_form": str(organisation.legal_form_id or ""),
    }
    data = basics(**{**current, **changes})
    return client.submit("/provider/profile/basics", data)


def edit_safeguarding(client, **changes):
    return client.submit(SAFEGUARDING, safeguarding_form(**changes), **MULTIPART)


def decide(client, revision, **data):
    url = f"/assessor/changes/{revision.id}"
    return client.submit(f"{url}/decision", data, page_url=url)


def approve(client, revision):
    return decide(client, revision, no_conflict="y", decision="approve")
