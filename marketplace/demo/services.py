"""Load the demo organisations, commissioning bodies and users from ``demo/data/demo.json``.

Matching is by ``ref`` (organisations, bodies) and email (users), so loading twice changes nothing. Fields
that later parts of the product own (offers, outcomes, consortia, needs) are loaded by those domains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import utcnow
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
ORGANISATION_FIELDS = (
    "name",
    "registration_number",
    "description",
    "address",
    "postcode",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
)


@dataclass
class DemoReport:
    organisations: int = 0
    bodies: int = 0
    users_created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _by_ref(model, ref: str):
    return db.session.scalar(select(model).where(model.ref == ref))


def _load_organisations(records: list[dict]) -> dict[str, Organisation]:
    types, forms = terms_by_code("organisation_type"), terms_by_code("legal_form")
    organisations = {}
    for record in records:
        organisation = _by_ref(Organisation, record["ref"]) or Organisation(ref=record["ref"])
        for name in ORGANISATION_FIELDS:
            if name in record:
                setattr(organisation, name, record[name])
        organisation.organisation_type = types.get(record.get("organisation_type", ""))
        organisation.legal_form = forms.get(record.get("legal_form", ""))
        db.session.add(organisation)
        organisations[record["ref"]] = organisation
    return organisations


def _load_bodies(records: list[dict]) -> dict[str, CommissioningBody]:
    kinds = terms_by_code("commissioning_body_kind")
    bodies = {}
    for record in records:
        body = _by_ref(CommissioningBody, record["ref"]) or CommissioningBody(ref=record["ref"])
        body.name = record["name"]
        body.description = record.get("description", "")
        body.kind = kinds.get(record.get("kind", ""))
        body.locality = db.session.scalar(select(Locality).where(Locality.ons_code == record.get("locality")))
        db.session.add(body)
        bodies[record["ref"]] = body
    return bodies


def load_demo(password: str, path: Path = DEMO_FILE) -> DemoReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    report = DemoReport()
    organisations = _load_organisations(data.get("organisations", []))
    bodies = _load_bodies(data.get("commissioning_bodies", []))
    report.organisations, report.bodies = len(organisations), len(bodies)
    db.session.flush()
    password_hash = None
    for record in data.get("users", []):
        user = db.session.scalar(select(User).where(User.email == record["email"]))
        if user is None:
            password_hash = password_hash or hash_password(password)
            user = User(email=record["email"], password_hash=password_hash, password_changed_at=utcnow())
            db.session.add(user)
            report.users_created += 1
        user.name, user.role = record["name"], record["role"]
        user.organisation = organisations.get(record.get("organisation") or "")
        user.commissioning_body = bodies.get(record.get("commissioning_body") or "")
        user.is_org_admin = bool(record.get("is_org_admin"))
        if record["role"] == "commissioner":
            user.approved_at = (user.approved_at or utcnow()) if record.get("approved", True) else None
        report.logins.append((record["role"], record["email"], user.membership_name))
    db.session.commit()
    return report
