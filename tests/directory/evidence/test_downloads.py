"""Document downloads: only members, staff and (for published organisations, documents a live record cites)
approved commissioners."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.directory.evidence import storage
from marketplace.directory.models import OrganisationStatus, SafeguardingRecord
from marketplace.extensions import db
from tests import factories
from tests.directory.evidence import files
from tests.forms import file_storage

PUBLISHED = {
    "owner_member": 200,
    "other_provider": 404,
    "approved_commissioner": 200,
    "pending_commissioner": 404,
    "assessor": 200,
    "admin": 200,
    "anonymous": 404,
}
DRAFT = {**PUBLISHED, "approved_commissioner": 404}


def _user(who: str, organisation):
    makers = {
        "owner_member": lambda: factories.make_provider(organisation, is_org_admin=False),
        "other_provider": lambda: factories.make_provider(
            factories.make_organisation(status=OrganisationStatus.PUBLISHED)
        ),
        "approved_commissioner": lambda: factories.make_commissioner(),
        "pending_commissioner": lambda: factories.make_commissioner(approved=False),
        "assessor": lambda: factories.make_user(Role.ASSESSOR),
        "admin": lambda: factories.make_user(Role.ADMIN),
    }
    return makers[who]() if who in makers else None


@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [(OrganisationStatus.PUBLISHED, who, code) for who, code in PUBLISHED.items()]
    + [(OrganisationStatus.DRAFT, who, code) for who, code in DRAFT.items()],
)
def test_who_may_download_a_document(client, status, who, expected):
    organisation = factories.make_organisation(status=status)
    document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation)
    db.session.add(SafeguardingRecord(organisation=organisation, policy_document=document))
    db.session.commit()
    user = _user(who, organisation)
    if user is not None:
        client.sign_in(user.email)

    response = client.get(f"/documents/{document.id}")

    assert response.status_code == expected
    if expected == 200:
        assert response.data == files.pdf()


def test_a_download_is_an_attachment_with_its_recorded_type_and_is_never_cached_or_sniffed(client):
    organisation = factories.make_organisation(status=OrganisationStatus.PUBLISHED)
    member = factories.make_provider(organisation)
    # A PNG uploaded under a .pdf name is served as the PNG it is.
    document = storage.store_upload(file_storage(files.png(), "Annual report 2025.pdf"), organisation, member)
    client.sign_in(member.email)

    response = client.get(f"/documents/{document.id}")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Annual report 2025.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_document_is_not_found(client):
    assert client.get("/documents/999999").status_code == 404


def test_a_document_whose_file_is_missing_is_not_found_rather_than_an_error(client, app):
    organisation = factories.make_organisation()
    member = factories.make_provider(organisation)
    document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, member)
    storage.document_path(document).unlink()
    client.sign_in(member.email)

    assert client.get(f"/documents/{document.id}").status_code == 404
