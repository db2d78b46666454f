"""The directory import cannot hold an edit for review, so it refuses to change a trusted listing's material
fields (name, legal form, registration number); an untrusted listing is renamed by import as before."""

from __future__ import annotations

from marketplace.directory.importer import import_directory
from marketplace.extensions import db
from tests.directory.importing import samples
from tests.factories import make_ready_organisation


def test_an_import_renaming_a_trusted_listing_is_refused_with_the_reason_and_changes_nothing(app, trusted):
    organisation, _ = trusted
    organisation.ref = "peak-heritage-trust"
    db.session.commit()
    record = samples.organisation(ref=organisation.ref, name="Peak Heritage Trust (renamed)")

    report = import_directory({"organisations": [record]})

    db.session.expire_all()
    assert organisation.name == "Peak Heritage Trust"
    assert len(report.rejected) == 1
    assert "reviewed by an assessor: make it on the profile page" in str(report.rejected[0])


def test_an_import_renames_a_listing_that_is_not_trusted(app):
    organisation, _ = make_ready_organisation("Ashdale Archive")
    organisation.ref = "ashdale-archive"
    db.session.commit()
    record = samples.organisation(ref=organisation.ref, name="Ashdale Archive and Library")

    report = import_directory({"organisations": [record]})

    db.session.expire_all()
    assert report.rejected == []
    assert organisation.name == "Ashdale Archive and Library"
