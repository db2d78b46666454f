"""Importing organisations' basic fields from CSV: per-row errors with line numbers; other fields are left alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.directory.importer import InterchangeFileError, import_csv, import_directory
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests.directory.importing import samples

HEADER = (
    "ref,name,organisation_type,legal_form,registration_number,description,address,postcode,website,"
    "contact_name,contact_email,contact_phone,localities,age_min,age_max,status\n"
)


def _organisation(ref: str) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.ref == ref))


def test_csv_rows_create_organisations_and_bad_rows_are_reported_with_line_numbers(app):
    content = HEADER + (
        'amber-arts,Amber Arts,combined-arts,cic,,"Arts for all, in Amber Valley",1 Mill St,de56 1aa,'
        "https://amber.example.org,Sam Lee,sam@amber.example.org,01773 1,E07000032;E10000007,5,16,published\n"
        "bad row,,musem,,,,,,,,not-an-email,,E99999999,x,16,live\n"
        "quiet-library,Quiet Library,library,,,,,,,,,,,,,\n"
    )

    report = import_csv(content)

    assert report.organisations.created == 2
    amber = _organisation("amber-arts")
    assert (amber.name, amber.organisation_type.code, amber.legal_form.code, amber.postcode) == (
        "Amber Arts",
        "combined-arts",
        "cic",
        "DE56 1AA",
    )
    assert amber.description == "Arts for all, in Amber Valley"
    assert sorted(locality.ons_code for locality in amber.localities) == [samples.AMBER_VALLEY, samples.DERBYSHIRE]
    assert (amber.age_min, amber.age_max, amber.status) == (5, 16, "published")
    assert _organisation("quiet-library").status == "draft"  # an empty status leaves a new organisation a draft
    assert [str(rejection) for rejection in report.rejected] == [
        'line 3 ref "bad row": ref must be 1 to 80 lowercase letters, digits and hyphens, starting with a letter or '
        'digit; name is missing; unknown organisation_type "musem"; contact_email must be an email address, like '
        'name@example.org; localities: unknown ONS code "E99999999"; age_min must be a whole number; '
        'status must be "draft" or "published", not "live"'
    ]


def test_line_numbers_count_the_lines_of_quoted_multi_line_cells(app):
    content = HEADER.replace(",status", "") + (
        'one,One,,,,"first line\nsecond line",,,,,,,,,\ntwo,Two,,,,,,,,,,,,130,\n'
    )

    report = import_csv(content)

    assert report.rejected[0].where == "line 4"
    assert "age_min must be between 0 and 120" in str(report.rejected[0])


def test_a_row_with_more_cells_than_the_header_is_rejected(app):
    report = import_csv("ref,name\nfine-org,Fine\nextra,Extra,surprise\n")

    assert report.organisations.created == 1
    assert str(report.rejected[0]) == "line 3 (no ref): has more cells than the header (2)"


def test_importing_csv_basic_fields_keeps_offers_and_outcomes(app):
    import_directory({"organisations": [samples.organisation()]})

    report = import_csv("ref,name,contact_phone\npeak-heritage,Peak Heritage Trust,01773 222333\n")

    assert report.organisations.updated == 1
    trust = _organisation("peak-heritage")
    assert trust.contact_phone == "01773 222333"
    assert len(trust.offers) == 2 and len(trust.outcome_contributions) == 2 and trust.status == "published"


def test_importing_the_same_csv_twice_leaves_it_unchanged(app):
    content = "ref,name,localities\namber-arts,Amber Arts,E07000032\n"
    import_csv(content)

    again = import_csv(content)

    assert (again.organisations.created, again.organisations.updated, again.organisations.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,website\nA,https://a.example.org\n", "missing column(s) ref"),
        ("ref,name,colour\na,A,blue\n", "unknown column(s) colour"),
        ("", "missing column(s) ref, name"),
    ],
)
def test_a_csv_with_the_wrong_columns_imports_nothing(app, content, message):
    with pytest.raises(InterchangeFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_csv(content)
