"""Verification routes: providers' own request page, assessors' queue, review and the policy document."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core.clock import today
from marketplace.directory.models import SafeguardingRecord
from marketplace.extensions import db
from marketplace.verification.badge import code_for
from marketplace.verification.models import SafeguardingVerification
from tests.permissions.roles import everyone, only

PROVIDERS = ("provider_a", "provider_b")
ASSESSOR_POST = only("assessor", status=400)  # the walk sends no CSRF token

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("verification.provider_page", "GET"): only(*PROVIDERS),
    ("verification.request_verification", "POST"): only(*PROVIDERS, status=400),
    ("verification.queue", "GET"): only("assessor"),
    ("verification.review", "GET"): only("assessor"),
    ("verification.assign", "POST"): ASSESSOR_POST,
    ("verification.conflict", "POST"): ASSESSOR_POST,
    ("verification.decide", "POST"): ASSESSOR_POST,
    ("verification.policy_document", "GET"): only("assessor"),
    ("verification.verify_page", "GET"): everyone(200),
    ("verification.badge_svg", "GET"): everyone(200),
}


def make_url_args(users: dict) -> dict:
    """A verification request of provider A's organisation, whose safeguarding record holds a policy document."""
    from marketplace.directory.evidence import storage
    from tests.directory.evidence import files
    from tests.forms import file_storage

    organisation = users["provider_a"].organisation
    record = organisation.safeguarding or SafeguardingRecord(organisation=organisation)
    db.session.add(record)
    if record.policy_document is None:
        record.policy_document = storage.store_upload(
            file_storage(files.pdf(), "policy.pdf"), organisation, users["provider_a"]
        )
    record.policy_reviewed_on = record.policy_reviewed_on or today() - timedelta(days=10)
    verification = SafeguardingVerification(organisation=organisation)
    db.session.add(verification)
    db.session.commit()
    return {"verification_id": verification.id, "code": code_for(users["provider_b"].organisation)}
