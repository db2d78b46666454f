"""Admin reference pages and CLI: vocabularies and localities are visible, filterable and importable by CSV."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.client import error_summary, text_of

IMPORT_URL = "/admin/reference/localities/import"
HEADER = b"ons_code,name,tier,parent_ons_code,region\n"


@pytest.fixture
def admin_client(client):
    admin = factories.make_user(Role.ADMIN)
    client.sign_in(admin.email)
    return client


def _upload(client, content: bytes, filename: str = "localities.csv"):
    return client.submit(IMPORT_URL, {"csv_file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _locality(code: str) -> Locality | None:
    return db.session.scalar(select(Locality).where(Locality.ons_code == code))


# Pages ---------------------------------------------------------------------------------------------------------


def test_reference_index_lists_each_vocabulary_with_its_term_count(admin_client):
    response = admin_client.get("/admin/reference/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Every Child Matters outcomes" in html
    assert "Every Child Matters aims" in html
    assert '<a class="govuk-link" href="/admin/reference/vocabularies/service_area">' in html
    service_areas = len(terms_by_code("service_area"))
    assert (
        f'<code>service_area</code></td><td class="govuk-table__cell govuk-table__cell--numeric">{service_areas}<'
        in html
    )


def test_vocabulary_page_lists_its_terms_with_their_parent(admin_client):
    response = admin_client.get("/admin/reference/vocabularies/ecm_aim")

    assert response.status_code == 200
    page = text_of(response)
    assert "Physically healthy" in page
    assert "Ready for school" in page
    assert "Be healthy" in page  # the "Belongs to" column names the outcome


def test_unknown_vocabulary_is_not_found(admin_client):
    response = admin_client.get("/admin/reference/vocabularies/no_such_vocabulary")

    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_localities_can_be_filtered_by_region(admin_client):
    page = text_of(admin_client.get("/admin/reference/localities?region=North+West"))

    assert "Blackpool" in page
    assert "Lancaster" in page
    assert "Derby " not in page
    assert "Amber Valley" not in page


def test_localities_can_be_filtered_by_tier(admin_client):
    page = text_of(admin_client.get("/admin/reference/localities?tier=county"))

    assert "Derbyshire" in page
    assert "Lancashire" in page
    assert "Amber Valley" not in page
    assert "Blackpool" not in page


def test_localities_can_be_filtered_by_name_text(admin_client):
    page = text_of(admin_client.get("/admin/reference/localities?q=amber"))

    assert "Amber Valley" in page
    assert "Derbyshire" in page  # the county column of Amber Valley
    assert "1 localities" in page
    assert "Blackpool" not in page


def test_an_unknown_tier_filter_is_ignored_rather_than_an_error(admin_client):
    response = admin_client.get("/admin/reference/localities?tier=galaxy&q=derby")

    assert response.status_code == 200
    assert "Derbyshire" in text_of(response)


# CSV upload -----------------------------------------------------------------------------------------------------


def test_uploading_a_csv_imports_good_rows_and_lists_each_bad_line(admin_client):
    response = _upload(
        admin_client,
        HEADER + b"E06900101,Uploaded Unitary,unitary,,East Midlands\n" + b"BAD,Broken,unitary,,East Midlands\n",
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<p class="govuk-body" id="import-summary">1 created, 0 updated, 0 unchanged, 1 rejected</p>' in html
    assert "Line 3: ons_code &#39;BAD&#39; is not an English ONS code" in html
    assert _locality("E06900101").name == "Uploaded Unitary"


def test_uploading_a_clean_csv_reports_success(admin_client):
    response = _upload(admin_client, b"\xef\xbb\xbf" + HEADER + b"E06000015,Derby,unitary,,East Midlands\n")

    assert "0 created, 0 updated, 1 unchanged" in text_of(response)
    assert 'id="import-errors"' not in response.get_data(as_text=True)


def test_submitting_without_a_file_asks_for_one(admin_client):
    response = admin_client.submit(IMPORT_URL, {}, content_type="multipart/form-data")

    assert response.status_code == 200
    assert error_summary(response) == ["Select a CSV file"]
    assert "<title>Error: " in response.get_data(as_text=True)


def test_a_file_that_is_not_utf8_gets_a_field_error_and_imports_nothing(admin_client):
    response = _upload(admin_client, HEADER + b"E06900102,Caf\xe9 Town,unitary,,East Midlands\n")

    assert response.status_code == 200
    assert "The file must be a CSV file saved as UTF-8" in text_of(response)
    assert "import-summary" not in response.get_data(as_text=True)
    assert _locality("E06900102") is None


def test_a_request_bigger_than_the_limit_gets_the_styled_too_large_page(app, admin_client):
    app.config["MAX_CONTENT_LENGTH"] = 2048

    response = _upload(admin_client, HEADER + b"E06900103,Big,unitary,,East Midlands\n" * 200)

    assert response.status_code == 413
    page = text_of(response)
    assert "The file or form you sent is too large" in page
    assert "Files must be smaller than 2 KB" in page
    assert "Cultural Commissioning Marketplace" in page
    assert _locality("E06900103") is None


# CLI ------------------------------------------------------------------------------------------------------------


def test_reference_load_command_prints_counts_and_changes_nothing_when_rerun(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["reference", "load"])
    second = runner.invoke(args=["reference", "load"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    for name in ("vocabularies", "localities", "outcodes"):
        assert f"{name}: 0 created, 0 updated, " in second.output


def test_import_localities_command_fails_and_lists_errors_for_a_bad_file(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER + b"E06900104,Fine Place,unitary,,East Midlands\nE99,Bad,unitary,,East Midlands\n")

    result = app.test_cli_runner().invoke(args=["reference", "import-localities", str(path)])

    assert result.exit_code != 0
    assert "localities: 1 created, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert "Line 3: ons_code 'E99'" in result.output


def test_import_localities_command_succeeds_for_a_good_file(app, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(HEADER + b"E06900105,Fine Place,unitary,,East Midlands\n")

    result = app.test_cli_runner().invoke(args=["reference", "import-localities", str(path)])

    assert result.exit_code == 0, result.output
    assert "localities: 1 created" in result.output
    assert _locality("E06900105").name == "Fine Place"
