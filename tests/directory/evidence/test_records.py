"""Safeguarding, accreditations and impact evidence: validation, status, deletion with audit, and IDOR."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.core.clock import today, utcnow
from marketplace.core.roles import Role
from marketplace.directory.evidence import services
from marketplace.directory.models import Accreditation, ImpactEvidence, OrganisationStatus, SafeguardingRecord
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.client import error_summary, text_of
from tests.directory.evidence import files
from tests.forms import date_parts, file_storage, upload
from tests.lookups import audit_events, document_count, stored_files

SAFEGUARDING = "/provider/evidence/safeguarding"
NEW_ACCREDITATION = "/provider/evidence/accreditations/new"
NEW_IMPACT = "/provider/evidence/impact/new"
MULTIPART = {"content_type": "multipart/form-data"}


def safeguarding_form(document=None, **overrides) -> dict:
    data = {
        "policy_reviewed_on": date_parts(today() - timedelta(days=60)),
        "lead_name": "Asha Patel",
        "lead_trained_on": date_parts(today() - timedelta(days=100)),
        "dbs_coverage_percent": "85",
        "training": "Annual level 2 training for all staff and volunteers",
        "reporting_procedure": "Concerns go to the DSL the same day, then to the LADO",
    }
    if document is not None:
        data["document"] = document
    data.update(overrides)
    return data


def scheme(code: str) -> str:
    return str(terms_by_code("accreditation_scheme")[code].id)


def accreditation_form(document=None, **overrides) -> dict:
    data = {
        "scheme_id": scheme("museum-accreditation"),
        "reference": "MA-1234",
        "awarded_on": date_parts(today() - timedelta(days=400)),
        "expires_on": date_parts(today() + timedelta(days=400)),
    }
    if document is not None:
        data["document"] = document
    data.update(overrides)
    return data


def impact_form(**overrides) -> dict:
    data = {
        "title": "Archive detectives",
        "kind": "evaluation",
        "outcome_id": str(terms_by_code("ecm_outcome")["enjoy-and-achieve"].id),
        "sample_size": "30",
        "period_start": date_parts(today() - timedelta(days=200)),
        "period_end": date_parts(today() - timedelta(days=20)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def accreditation(organisation, provider):
    return services.save_accreditation(
        organisation,
        user=provider,
        data={
            "scheme_id": terms_by_code("accreditation_scheme")["museum-accreditation"].id,
            "reference": "MA-1",
            "awarded_on": today() - timedelta(days=300),
            "expires_on": today() + timedelta(days=300),
        },
        upload=file_storage(files.pdf(), "certificate.pdf"),
    )


@pytest.fixture
def impact(organisation, provider):
    return services.save_impact_evidence(
        organisation,
        user=provider,
        data={"title": "Reading rooms for young carers", "kind": "case_study", "sample_size": 12},
        upload=file_storage(files.docx(), "case-study.docx"),
    )


# --- Safeguarding -------------------------------------------------------------------------------------------


def test_a_provider_saves_the_safeguarding_record_with_its_policy(provider_client, organisation):
    response = provider_client.submit(SAFEGUARDING, safeguarding_form(upload(files.pdf(), "policy.pdf")), **MULTIPART)

    assert response.status_code == 302
    record = db.session.get(SafeguardingRecord, organisation.safeguarding.id)
    assert record.lead_name == "Asha Patel"
    assert record.dbs_coverage_percent == 85
    assert record.policy_document.original_filename == "policy.pdf"
    assert audit_events("evidence.safeguarding_created")[0].after["lead_name"] == "Asha Patel"


def test_the_first_safeguarding_record_needs_a_policy_document(provider_client):
    response = provider_client.submit(SAFEGUARDING, safeguarding_form(), **MULTIPART)

    assert error_summary(response) == ["Select your safeguarding policy document"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SafeguardingRecord)) == 0


def test_a_policy_review_date_in_the_future_is_refused_and_nothing_is_stored(provider_client):
    future = date_parts(today() + timedelta(days=1))

    response = provider_client.submit(
        SAFEGUARDING, safeguarding_form(upload(files.pdf(), "policy.pdf"), policy_reviewed_on=future), **MULTIPART
    )

    assert "The date the policy was last reviewed must be today or in the past" in error_summary(response)
    assert text_of(response).startswith("Error:")
    assert db.session.scalar(db.select(db.func.count()).select_from(SafeguardingRecord)) == 0
    assert document_count() == 0 and stored_files() == []


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "3", "2025"], "Enter a complete date"),
        (["12", "", ""], "Enter a complete date"),
        (["31", "2", "2025"], "Enter a real date"),
        (["a", "b", "cccc"], "Enter a real date"),
        (["1", "1", "25"], "Enter a real date"),
        (["1", "13", "2025"], "Enter a real date"),
        (["1", "1", "2025", "extra", "parts"], None),  # extra parts are ignored, never a 500
        (["", "", ""], "Enter the date the policy was last reviewed"),
        ([], "Enter the date the policy was last reviewed"),
    ],
)
def test_malformed_or_partial_dates_get_a_clear_message_never_a_crash(provider_client, parts, message):
    data = safeguarding_form(upload(files.pdf(), "policy.pdf"), policy_reviewed_on=parts)
    if not parts:
        del data["policy_reviewed_on"]

    response = provider_client.submit(SAFEGUARDING, data, **MULTIPART)

    if message is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert message in error_summary(response)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "DBS coverage must be a whole number, like 80"),
        ("101", "DBS coverage must be between 0 and 100"),
        ("-1", "DBS coverage must be between 0 and 100"),
        ("", "Enter the percentage of staff and volunteers with enhanced DBS checks"),
    ],
)
def test_dbs_coverage_must_be_a_percentage(provider_client, value, message):
    response = provider_client.submit(
        SAFEGUARDING, safeguarding_form(upload(files.pdf(), "p.pdf"), dbs_coverage_percent=value), **MULTIPART
    )

    assert message in error_summary(response)


def test_editing_safeguarding_clears_verification_and_keeps_the_policy(provider_client, organisation, provider):
    record = services.save_safeguarding(
        organisation,
        user=provider,
        data={"policy_reviewed_on": today() - timedelta(days=10), "lead_name": "A", "dbs_coverage_percent": 90},
        upload=file_storage(files.pdf(), "policy.pdf"),
    )
    record.verified_at = utcnow()
    record.verified_by = factories.make_user(Role.ASSESSOR)
    db.session.commit()

    page = provider_client.get(SAFEGUARDING)
    assert "an assessor must verify your safeguarding record again" in text_of(page)
    response = provider_client.submit(SAFEGUARDING, safeguarding_form(lead_name="Ben Jones"), **MULTIPART)

    assert response.status_code == 302
    db.session.refresh(record)
    assert record.lead_name == "Ben Jones"
    assert record.verified_at is None and record.verified_by_id is None
    assert record.policy_document.original_filename == "policy.pdf"
    event = audit_events("evidence.safeguarding_updated")[0]
    assert event.before["lead_name"] == "A" and event.after["lead_name"] == "Ben Jones"


def test_replacing_the_policy_deletes_the_old_document_and_file(provider_client, organisation, provider):
    record = services.save_safeguarding(
        organisation,
        user=provider,
        data={"policy_reviewed_on": today(), "lead_name": "A", "dbs_coverage_percent": 90},
        upload=file_storage(files.pdf(), "old.pdf"),
    )
    old_name = record.policy_document.stored_name

    provider_client.submit(SAFEGUARDING, safeguarding_form(upload(files.png(), "new.png")), **MULTIPART)

    db.session.refresh(record)
    assert record.policy_document.original_filename == "new.png"
    assert document_count() == 1
    assert stored_files() == [record.policy_document.stored_name] != [old_name]
    assert audit_events("evidence.document_deleted")[0].before["filename"] == "old.pdf"


def test_a_policy_reviewed_more_than_12_months_ago_shows_as_out_of_date(provider_client, organisation, provider):
    services.save_safeguarding(
        organisation,
        user=provider,
        data={"policy_reviewed_on": services.months_before(today(), 13), "lead_name": "A", "dbs_coverage_percent": 90},
        upload=file_storage(files.pdf(), "policy.pdf"),
    )

    assert "out of date" in text_of(provider_client.get(SAFEGUARDING))
    assert "Out of date" in text_of(provider_client.get("/provider/evidence"))


def test_policy_age_boundary(organisation):
    record = SafeguardingRecord(policy_reviewed_on=date(2024, 3, 15))

    assert not services.policy_is_out_of_date(record, on=date(2025, 3, 15))
    assert services.policy_is_out_of_date(record, on=date(2025, 3, 16))
    assert services.policy_is_out_of_date(None)
    assert services.months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)


# --- Accreditations -----------------------------------------------------------------------------------------


def test_a_provider_adds_an_accreditation_with_its_certificate(provider_client, organisation):
    response = provider_client.submit(
        NEW_ACCREDITATION, accreditation_form(upload(files.jpeg(), "certificate.jpg")), **MULTIPART
    )

    assert response.status_code == 302
    accreditation = db.session.scalars(db.select(Accreditation)).one()
    assert accreditation.scheme.code == "museum-accreditation"
    assert accreditation.certificate_document.content_type == "image/jpeg"
    assert audit_events("evidence.accreditation_created")


def test_a_new_accreditation_needs_its_certificate(provider_client):
    response = provider_client.submit(NEW_ACCREDITATION, accreditation_form(), **MULTIPART)

    assert error_summary(response) == ["Select the certificate"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Accreditation)) == 0


def test_an_expiry_date_before_the_award_date_is_refused(provider_client):
    data = accreditation_form(
        upload(files.pdf(), "c.pdf"),
        awarded_on=date_parts(today() - timedelta(days=10)),
        expires_on=date_parts(today() - timedelta(days=20)),
    )

    response = provider_client.submit(NEW_ACCREDITATION, data, **MULTIPART)

    assert "The expiry date must be after the date awarded" in error_summary(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Accreditation)) == 0
    assert stored_files() == []


def test_an_award_date_in_the_future_is_refused(provider_client):
    data = accreditation_form(upload(files.pdf(), "c.pdf"), awarded_on=date_parts(today() + timedelta(days=5)))

    response = provider_client.submit(NEW_ACCREDITATION, data, **MULTIPART)

    assert "The date awarded must be today or in the past" in error_summary(response)


def test_the_other_scheme_needs_a_name(provider_client):
    response = provider_client.submit(
        NEW_ACCREDITATION, accreditation_form(upload(files.pdf(), "c.pdf"), scheme_id=scheme("other")), **MULTIPART
    )

    assert error_summary(response) == ["Enter the name of the scheme"]


def test_the_other_scheme_is_shown_by_its_name(provider_client):
    data = accreditation_form(upload(files.pdf(), "c.pdf"), scheme_id=scheme("other"), scheme_other_name="Quality Mark")

    provider_client.submit(NEW_ACCREDITATION, data, **MULTIPART)

    assert "Quality Mark" in text_of(provider_client.get("/provider/evidence/accreditations"))


@pytest.mark.parametrize(("value", "message"), [("", "Select an accreditation scheme"), ("999999", "from the list")])
def test_the_scheme_must_be_chosen_from_the_list(provider_client, value, message):
    response = provider_client.submit(
        NEW_ACCREDITATION, accreditation_form(upload(files.pdf(), "c.pdf"), scheme_id=value), **MULTIPART
    )

    assert any(message in error for error in error_summary(response))


def test_an_expired_accreditation_can_be_recorded_and_shows_as_expired(provider_client):
    data = accreditation_form(
        upload(files.pdf(), "c.pdf"),
        awarded_on=date_parts(today() - timedelta(days=800)),
        expires_on=date_parts(today() - timedelta(days=1)),
    )

    assert provider_client.submit(NEW_ACCREDITATION, data, **MULTIPART).status_code == 302

    assert "Expired" in text_of(provider_client.get("/provider/evidence/accreditations"))
    assert "Expired" in text_of(provider_client.get("/provider/evidence"))


def test_accreditation_status_is_expired_expires_soon_or_current():
    on = date(2025, 6, 1)

    assert services.accreditation_status(Accreditation(expires_on=date(2025, 5, 31)), on) == "expired"
    assert services.accreditation_status(Accreditation(expires_on=date(2025, 7, 1)), on) == "expires_soon"
    assert services.accreditation_status(Accreditation(expires_on=date(2025, 7, 2)), on) == "current"
    assert services.accreditation_status(Accreditation(expires_on=None), on) == "current"


def test_an_accreditation_expiring_within_30_days_shows_expires_soon(provider_client, organisation, provider):
    services.save_accreditation(
        organisation,
        user=provider,
        data={
            "scheme_id": int(scheme("artsmark-partner")),
            "awarded_on": today() - timedelta(days=300),
            "expires_on": today() + timedelta(days=10),
        },
    )

    assert "Expires soon" in text_of(provider_client.get("/provider/evidence/accreditations"))


def test_editing_an_accreditation_keeps_its_certificate(provider_client, accreditation):
    url = f"/provider/evidence/accreditations/{accreditation.id}"

    response = provider_client.submit(url, accreditation_form(reference="MA-2"), **MULTIPART)

    assert response.status_code == 302
    db.session.refresh(accreditation)
    assert accreditation.reference == "MA-2"
    assert accreditation.certificate_document.original_filename == "certificate.pdf"
    assert audit_events("evidence.accreditation_updated")[0].before["reference"] == "MA-1"


def test_deleting_an_accreditation_deletes_its_document_and_keeps_an_audit_entry(provider_client, accreditation):
    sha256 = accreditation.certificate_document.sha256
    url = f"/provider/evidence/accreditations/{accreditation.id}/delete"

    response = provider_client.submit(url, {})

    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Accreditation)) == 0
    assert document_count() == 0 and stored_files() == []
    event = audit_events("evidence.accreditation_deleted")[0]
    assert event.before["reference"] == "MA-1"
    assert event.before["document"] == {"filename": "certificate.pdf", "sha256": sha256, "size_bytes": len(files.pdf())}
    assert audit_events("evidence.document_deleted")[0].before["sha256"] == sha256


# --- Impact evidence ----------------------------------------------------------------------------------------


def test_a_provider_adds_impact_evidence(provider_client):
    response = provider_client.submit(NEW_IMPACT, impact_form(), **MULTIPART)

    assert response.status_code == 302
    evidence = db.session.scalars(db.select(ImpactEvidence)).one()
    assert (evidence.title, evidence.kind, evidence.sample_size) == ("Archive detectives", "evaluation", 30)
    assert evidence.outcome.code == "enjoy-and-achieve"
    assert "Archive detectives" in text_of(provider_client.get("/provider/evidence/impact"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"period_end": date_parts(today() - timedelta(days=300))}, "The end of the period must be"),
        ({"period_start": date_parts(today() + timedelta(days=3))}, "The start of the period must be today or"),
        ({"sample_size": "-1"}, "Sample size must be between 0 and 10,000,000"),
        ({"sample_size": "lots"}, "Sample size must be a whole number, like 40"),
        ({"sample_size": "99999999999999999999999"}, "Sample size must be between 0 and 10,000,000"),
        ({"kind": "rumour"}, "Select whether it is a case study or an evaluation"),
        ({"kind": ""}, "Select whether it is a case study or an evaluation"),
        ({"outcome_id": "not-a-number"}, "Select the outcome measured from the list"),
        ({"outcome_id": ""}, "Select the outcome measured"),
        ({"title": "  "}, "Enter a title"),
    ],
)
def test_bad_impact_evidence_is_refused_with_a_message(provider_client, overrides, message):
    response = provider_client.submit(NEW_IMPACT, impact_form(**overrides), **MULTIPART)

    assert response.status_code == 200
    assert any(message in error for error in error_summary(response)), error_summary(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(ImpactEvidence)) == 0


def test_deleting_impact_evidence_deletes_its_document_and_keeps_an_audit_entry(provider_client, impact):
    sha256 = impact.document.sha256

    response = provider_client.submit(f"/provider/evidence/impact/{impact.id}/delete", {})

    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(ImpactEvidence)) == 0
    assert document_count() == 0 and stored_files() == []
    event = audit_events("evidence.impact_deleted")[0]
    assert event.before["title"] == "Reading rooms for young carers"
    assert event.before["document"]["sha256"] == sha256


def test_the_evidence_overview_lists_every_document_with_a_download_link(provider_client, accreditation, impact):
    response = provider_client.get("/provider/evidence")

    html = response.get_data(as_text=True)
    assert f'href="/documents/{accreditation.certificate_document_id}"' in html
    assert f'href="/documents/{impact.document_id}"' in html
    assert "Certificate: Museum Accreditation" in text_of(response)


# --- Another organisation's records (IDOR) ------------------------------------------------------------------


@pytest.fixture
def other_provider_client(app):
    from tests.client import FormClient

    intruder = factories.make_provider(factories.make_organisation(status=OrganisationStatus.PUBLISHED))
    other = FormClient(app.test_client())
    other.sign_in(intruder.email)
    return other


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_provider_cannot_see_or_change_an_accreditation(other_provider_client, accreditation, action):
    url = f"/provider/evidence/accreditations/{accreditation.id}" + ("/delete" if action == "delete" else "")
    files_before = stored_files()

    assert other_provider_client.get(url).status_code == 404
    response = other_provider_client.submit(
        url, accreditation_form(reference="HACKED"), page_url=NEW_ACCREDITATION, **MULTIPART
    )

    assert response.status_code == 404
    db.session.refresh(accreditation)
    assert accreditation.reference == "MA-1"
    assert accreditation.certificate_document is not None
    assert stored_files() == files_before
    assert audit_events("evidence.accreditation_updated") == audit_events("evidence.accreditation_deleted") == []


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_provider_cannot_see_or_change_impact_evidence(other_provider_client, impact, action):
    url = f"/provider/evidence/impact/{impact.id}" + ("/delete" if action == "delete" else "")
    files_before = stored_files()

    assert other_provider_client.get(url).status_code == 404
    response = other_provider_client.submit(url, impact_form(title="HACKED"), page_url=NEW_IMPACT, **MULTIPART)

    assert response.status_code == 404
    db.session.refresh(impact)
    assert impact.title == "Reading rooms for young carers"
    assert impact.document is not None
    assert stored_files() == files_before


def test_another_providers_overview_does_not_show_these_documents(other_provider_client, accreditation):
    html = other_provider_client.get("/provider/evidence").get_data(as_text=True)

    assert f"/documents/{accreditation.certificate_document_id}" not in html
    assert other_provider_client.get(f"/documents/{accreditation.certificate_document_id}").status_code == 404


def test_a_provider_without_an_organisation_gets_not_found(client):
    lone = factories.make_user(Role.PROVIDER)
    client.sign_in(lone.email)

    assert client.get("/provider/evidence").status_code == 404
    assert client.get(SAFEGUARDING).status_code == 404


def test_the_edit_page_shows_the_saved_values_and_saves_changes(provider_client, impact):
    impact.period_start = date(2024, 9, 2)
    db.session.commit()
    url = f"/provider/evidence/impact/{impact.id}"

    html = provider_client.get(url).get_data(as_text=True)
    assert 'value="Reading rooms for young carers"' in html
    assert 'id="period_start-day" name="period_start" type="text" value="02"' in html
    assert 'value="2024"' in html
    response = provider_client.submit(url, impact_form(title="Reading rooms, year two"), **MULTIPART)

    assert response.status_code == 302
    db.session.refresh(impact)
    assert impact.title == "Reading rooms, year two"
    assert impact.document.original_filename == "case-study.docx"  # kept: no new file chosen
    assert audit_events("evidence.impact_updated")[0].before["title"] == "Reading rooms for young carers"
