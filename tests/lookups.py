"""Database look-ups for tests: reference terms and localities, users, audit events and stored evidence.

Read-only: nothing here adds rows (builders of rows live in ``tests.factories``).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEvent
from marketplace.directory.models import EvidenceDocument
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term
from marketplace.reference.services import terms_by_code

DERBYSHIRE = "E10000007"  # a county
AMBER_VALLEY = "E07000032"  # one of Derbyshire's districts
DERBY = "E06000015"  # a unitary authority
NOTTINGHAM = "E06000018"


def term(vocabulary: str, code: str) -> Term:
    return terms_by_code(vocabulary)[code]


def term_id(vocabulary: str, code: str) -> int:
    return terms_by_code(vocabulary)[code].id


def aim_id(outcome_code: str, position: int = 0) -> int:
    return terms_by_code("ecm_outcome")[outcome_code].children[position].id


def locality(ons_code: str) -> Locality:
    """The locality with this ONS code (the full locality list is loaded in tests)."""
    found = db.session.scalar(select(Locality).where(Locality.ons_code == ons_code))
    assert found is not None, f"no locality {ons_code}"
    return found


def localities(*codes: str) -> list:
    return [locality(code) for code in codes]


def locality_id(name: str) -> int:
    return db.session.scalar(select(Locality.id).where(Locality.name == name))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceDocument))


def stored_files() -> list[str]:
    folder = Path(current_app.config["UPLOAD_DIR"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []
