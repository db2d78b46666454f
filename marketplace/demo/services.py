"""Load the demo data: ``demo.json`` (organisations, consortia, bodies, users), the council outcomes framework
(``framework_council.json``, for Derby's body) and the needs (``needs.json``).

Organisations (with their offers, outcomes, statements …) and consortia go through the directory importer,
exactly like ``flask directory import``; needs through ``flask commissioning import-needs``'s importer; bodies and
users are loaded here; then the assessor-checked evidence that lets the demo needs match providers
(``demo.verification``: verified safeguarding, accreditations; ``demo.kitemark``: kitemarks and a waiting
application; ``demo.freshness``: one listing out of date, through the freshness sweep). Matching is by ``ref``
(organisations, offers, consortia, bodies, needs), framework name and email (users), so loading twice changes
nothing.

Every date in the demo is relative to the day it is loaded: evidence and kitemarks are counted back from today
and the needs' deadlines and contracts forward (``demo.needs``), so a demo loaded on any day is current.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from marketplace.accounts import two_factor
from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.commissioning.frameworks.services import import_framework
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import today, utcnow
from marketplace.demo.freshness import load_freshness_demo
from marketplace.demo.kitemark import load_kitemark_demo
from marketplace.demo.needs import load_demo_needs
from marketplace.demo.verification import demo_assessor, load_verification_demo
from marketplace.directory.importer import Rejection, import_directory
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_FILE = DATA_DIR / "demo.json"
FRAMEWORK_FILE = DATA_DIR / "framework_council.json"
FRAMEWORK_BODY_REF = "derby-cyps"


@dataclass
class DemoReport:
    organisations: int = 0
    bodies: int = 0
    users_created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    needs: str = ""
    needs_rejected: list[tuple[str, list[str]]] = field(default_factory=list)


def _by_ref(model, ref: str):
    return db.session.scalar(select(model).where(model.ref == ref))


def _load_organisations(data: dict, report: DemoReport) -> dict[str, Organisation]:
    """Import the demo organisations and consortia; any record the importer rejects is reported, not loaded."""
    records = data.get("organisations", [])
    result = import_directory({"organisations": records, "consortia": data.get("consortia", [])})
    report.rejected = result.rejected
    refs = [record["ref"] for record in records]
    organisations = {o.ref: o for o in db.session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))}
    report.organisations = len(organisations)
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
    """Load or refresh the demo data from ``path``; safe to run repeatedly."""
    data = json.loads(path.read_text(encoding="utf-8"))
    report = DemoReport()
    organisations = _load_organisations(data, report)
    bodies = _load_bodies(data.get("commissioning_bodies", []))
    report.bodies = len(bodies)
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
    _enrol_staff_two_factor(report)
    _load_framework(bodies.get(FRAMEWORK_BODY_REF))
    on, assessor = today(), demo_assessor()
    load_verification_demo(assessor, on)
    load_kitemark_demo(assessor, on)
    needs_report = load_demo_needs(on)
    report.needs, report.needs_rejected = needs_report.summary, needs_report.rejected
    load_freshness_demo(on)
    return report


def _enrol_staff_two_factor(report: DemoReport) -> None:
    """Demo assessors and admins must use two-factor like real ones: enrol them through the real service with the
    known DEMO_TOTP_SECRET (printed by ``flask demo load``), so anyone can add it to an authenticator app."""
    secret = current_app.config["DEMO_TOTP_SECRET"]
    for _role, email, _membership in report.logins:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and two_factor.is_required(user) and not user.has_two_factor:
            two_factor.enable(user, secret)


def _load_framework(body: CommissioningBody | None) -> None:
    """Give Derby's body the council framework from the seeds, once (a re-import would only repeat the audit)."""
    data = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    if body is None or any(framework.name == data["name"] for framework in body.frameworks):
        return
    import_framework(body, data)
