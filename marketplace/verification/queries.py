"""Lists and pre-filled forms for the assessor's pages (no state changes here)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.verification import forms
from marketplace.verification.checks import PreAssessment
from marketplace.verification.models import SafeguardingVerification, VerificationStatus

RECENT_DAYS = 30


def waiting() -> list[SafeguardingVerification]:
    """Open requests, oldest first (re-verifications join the same queue)."""
    query = select(SafeguardingVerification).where(SafeguardingVerification.status.in_(VerificationStatus.OPEN))
    return list(db.session.scalars(query.order_by(SafeguardingVerification.requested_at, SafeguardingVerification.id)))


def recently_decided() -> list[SafeguardingVerification]:
    query = select(SafeguardingVerification).where(
        SafeguardingVerification.decided_at >= utcnow() - timedelta(days=RECENT_DAYS)
    )
    return list(db.session.scalars(query.order_by(SafeguardingVerification.decided_at.desc())))


def prefilled_form(findings: dict[str, PreAssessment]) -> forms.DecisionForm:
    """The decision form with each rule-judged item set to the rule's finding (the assessor sees it as such)."""
    form = forms.DecisionForm(formdata=None)
    for key, found in findings.items():
        form[f"{key}_result"].data = forms.MET if found.met else forms.NOT_MET
    return form
