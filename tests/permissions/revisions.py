"""Reviewed-edit routes: providers' own changes (and withdrawal), assessors' queue, review, decision and feed."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.revisions.models import ProfileRevision, RevisionKind
from tests.permissions.roles import only

PROVIDERS = ("provider_a", "provider_b")

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("revisions.provider_changes", "GET"): only(*PROVIDERS),
    ("revisions.withdraw", "POST"): only(*PROVIDERS, status=400),  # the walk sends no CSRF token
    ("revisions.queue", "GET"): only("assessor"),
    ("revisions.feed", "GET"): only("assessor"),
    ("revisions.review", "GET"): only("assessor"),
    ("revisions.decide", "POST"): only("assessor", status=400),
}


def make_url_args(users: dict) -> dict:
    """A change of provider A's organisation waiting for review."""
    organisation = users["provider_a"].organisation
    revision = ProfileRevision(
        organisation=organisation,
        kind=RevisionKind.BASICS,
        proposed={"name": "Renamed"},
        changes=[{"field": "name", "label": "Organisation name", "before": organisation.name, "after": "Renamed"}],
    )
    db.session.add(revision)
    db.session.commit()
    return {"revision_id": revision.id}
