"""record_status_change: one way for a status change to reach the audit log, with the status before and after."""

from __future__ import annotations

from marketplace.audit.services import record_status_change
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests import factories


def test_it_sets_the_status_and_the_stamp_and_records_before_and_after(app):
    organisation = factories.make_organisation("Status Trust")
    db.session.commit()

    event = record_status_change(
        organisation,
        OrganisationStatus.PUBLISHED,
        "organisation.published",
        actor=None,
        summary="Status Trust published",
        stamp="published_at",
    )
    db.session.commit()

    assert organisation.status == "published" and organisation.published_at is not None
    assert (event.action, event.object_type, event.object_id) == (
        "organisation.published",
        "Organisation",
        str(organisation.id),
    )
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "published"})


def test_without_a_stamp_only_the_status_changes(app):
    organisation = factories.make_organisation("Quiet Trust", status=OrganisationStatus.PUBLISHED)
    db.session.commit()
    published_at = organisation.published_at

    record_status_change(organisation, OrganisationStatus.DRAFT, "organisation.unpublished", actor=None, summary="")
    db.session.commit()

    assert (organisation.status, organisation.published_at) == ("draft", published_at)
