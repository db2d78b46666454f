"""An import publishes only what the publish button would: the same check, the same reasons, nothing lost."""

from __future__ import annotations

import json

from sqlalchemy import select

from marketplace.directory.importer import import_csv, import_directory
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.directory.services import ProfileError, publish_organisation
from marketplace.extensions import db
from tests.directory.importing import samples


def _organisation(ref: str) -> Organisation:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.ref == ref))


def _page_reasons(organisation: Organisation) -> list[str]:
    try:
        publish_organisation(organisation, actor=None)
    except ProfileError as error:
        db.session.rollback()
        return error.problems
    raise AssertionError("the page published it")


def test_a_record_asking_to_be_published_that_fails_the_check_is_imported_as_a_draft_with_the_reasons(app):
    record = samples.second_organisation(status="published", description="A storytelling centre for Derby.")

    report = import_directory({"organisations": [record]})

    story_house = _organisation("derby-story-house")
    assert story_house.status == OrganisationStatus.DRAFT and story_house.published_at is None
    assert story_house.description == "A storytelling centre for Derby."  # the rest of the record is kept
    assert report.organisations.created == 1 and report.rejected == []
    (notice,) = report.drafted
    assert notice.reasons == ["Enter your postcode", "Enter a contact email address"]
    assert notice.reasons == _page_reasons(story_house)  # the same reasons the page gives
    assert str(notice) == (
        'organisations[0] ref "derby-story-house": Enter your postcode; Enter a contact email address'
    )


def test_a_complete_record_is_published(app):
    report = import_directory({"organisations": [samples.organisation()]})

    trust = _organisation("peak-heritage")
    assert trust.status == OrganisationStatus.PUBLISHED and trust.published_at is not None
    assert report.drafted == []


def test_once_the_missing_details_arrive_a_later_import_publishes_it(app):
    incomplete = samples.organisation(status="published")
    del incomplete["postcode"]
    incomplete["contact_email"] = ""
    first = import_directory({"organisations": [incomplete]})
    assert _organisation("peak-heritage").status == OrganisationStatus.DRAFT
    assert first.drafted[0].reasons == ["Enter your postcode", "Enter a contact email address"]

    again = import_directory({"organisations": [incomplete]})
    assert (again.organisations.unchanged, again.organisations.updated) == (1, 0)  # still refused: nothing written
    assert len(again.drafted) == 1

    complete = import_directory({"organisations": [samples.organisation()]})
    assert complete.drafted == []
    assert _organisation("peak-heritage").status == OrganisationStatus.PUBLISHED


def test_a_csv_row_asking_to_be_published_without_a_type_stays_a_draft(app):
    content = "ref,name,description,postcode,contact_email,status\nbare-arts,Bare Arts,Arts,DE1 1BS,a@b.org,published\n"

    report = import_csv(content)

    assert _organisation("bare-arts").status == OrganisationStatus.DRAFT
    assert str(report.drafted[0]) == 'line 2 ref "bare-arts": Select your organisation type'


def test_the_command_lists_records_imported_as_drafts_and_still_exits_0(app, tmp_path):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps({"organisations": [samples.second_organisation(status="published")]}))

    result = app.test_cli_runner().invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "imported as drafts (could not be published): 1" in result.stdout
    assert result.stderr == (
        'Imported as a draft, not published, organisations[0] ref "derby-story-house": Enter a description of your '
        "organisation; Enter your postcode; Enter a contact email address\n"
    )


def test_a_partial_record_breaking_a_rule_with_the_stored_values_is_rejected_and_changes_nothing(app):
    import_directory({"organisations": [samples.organisation()]})  # ages 5 to 18

    report = import_directory({"organisations": [{"ref": "peak-heritage", "name": "Peak Heritage", "age_min": 21}]})

    assert [str(rejection) for rejection in report.rejected] == [
        'organisations[0] ref "peak-heritage": Oldest age must be the same as or more than the youngest age'
    ]
    trust = _organisation("peak-heritage")
    assert (trust.name, trust.age_min, trust.age_max) == ("Peak Heritage Trust", 5, 18)
