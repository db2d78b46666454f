"""Providers can never import verified status (issue 12, item 4): the directory importer refuses any kitemark or
safeguarding-verification field with a reason that says so, and nothing is marked verified or kitemarked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.directory.importer import InterchangeFileError, import_csv, import_directory
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark
from tests.directory.importing import samples

REASON = "providers cannot import kitemark or verified status: only an assessor records it"


@pytest.mark.parametrize(
    "changes",
    [
        {"safeguarding_verified_on": "2026-01-10"},
        {"kitemark": True},
        {"verified": True},
        {"kitemark_expires_on": "2029-01-01", "Safeguarding_Verified": "yes"},
    ],
)
def test_a_directory_record_claiming_verified_status_is_refused_and_says_why(app, changes):
    report = import_directory({"organisations": [samples.organisation(**changes)]})

    assert len(report.rejected) == 1 and REASON in str(report.rejected[0])
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert db.session.scalar(select(func.count()).select_from(Kitemark)) == 0


def test_an_offer_claiming_verified_status_is_refused_too(app):
    record = samples.organisation()
    record["offers"][0]["verified"] = True

    report = import_directory({"organisations": [record]})

    assert REASON in str(report.rejected[0])


def test_a_directory_csv_with_a_verified_column_imports_nothing_and_says_why(app):
    with pytest.raises(InterchangeFileError, match=f"column\\(s\\) safeguarding_verified_on: {REASON}"):
        import_csv("ref,name,safeguarding_verified_on\npeak-heritage,Peak Heritage Trust,2026-01-10\n")
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
