"""The directory interchange format carries an organisation's problem areas, in and out."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.exporter import organisation_record
from marketplace.directory.importer import import_directory
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests.directory.importing import samples


def _organisation() -> Organisation:
    db.session.expire_all()
    return db.session.scalar(select(Organisation))


def test_problem_areas_are_imported_replaced_and_exported(app):
    import_directory({"organisations": [samples.organisation(problem_areas=["obesity", "teenage-pregnancy"])]})
    assert [term.code for term in _organisation().problem_areas] == ["teenage-pregnancy", "obesity"]

    import_directory({"organisations": [samples.organisation(problem_areas=["substance-misuse"])]})

    organisation = _organisation()
    assert [term.code for term in organisation.problem_areas] == ["substance-misuse"]
    assert organisation_record(organisation)["problem_areas"] == ["substance-misuse"]


def test_a_record_without_problem_areas_keeps_them_and_exports_without_the_key(app):
    import_directory({"organisations": [samples.organisation(problem_areas=["neet"])]})
    report = import_directory({"organisations": [samples.organisation()]})

    assert report.organisations.unchanged == 1
    assert [term.code for term in _organisation().problem_areas] == ["neet"]
    import_directory({"organisations": [samples.organisation(problem_areas=[])]})
    assert "problem_areas" not in organisation_record(_organisation())


def test_an_unknown_problem_area_rejects_the_record_with_its_reason(app):
    report = import_directory({"organisations": [samples.organisation(problem_areas=["boredom"])]})

    assert report.organisations.created == 0
    assert 'unknown problem_area "boredom"' in str(report.rejected[0])
