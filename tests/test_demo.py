"""``flask demo load``: the demo organisations, bodies and logins for every role, loadable repeatedly."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import today
from marketplace.demo.services import DEMO_FILE
from marketplace.directory.evidence.services import policy_is_out_of_date
from marketplace.directory.models import Accreditation, EvidenceDocument, Organisation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkApplication
from marketplace.kitemark.status import kitemarked_organisation_ids
from marketplace.matching.ranking import match_need, open_needs
from marketplace.search.index.documents import all_documents, organisation_doc_id
from marketplace.search.index.maintenance import check, rebuild
from marketplace.verification.models import RequestReason, SafeguardingVerification, VerificationStatus
from tests.client import text_of

DEMO_LOGINS = {
    "provider@derby-museums.example.org": "provider",
    "commissioner@derby.example.org": "commissioner",
    "pending@leicester.example.org": "commissioner",
    "assessor@artscouncil.example.org": "assessor",
    "admin@marketplace.example.org": "admin",
}
DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
EXPECTED_COUNTS = (len(DEMO["organisations"]), len(DEMO["commissioning_bodies"]), len(DEMO["users"]))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def demo_output(app) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_load_creates_organisations_bodies_and_users(app, demo_output):
    organisations, bodies, users = EXPECTED_COUNTS
    assert organisations >= 1 and bodies >= 1 and users >= len(DEMO_LOGINS)
    assert (_count(Organisation), _count(CommissioningBody), _count(User)) == EXPECTED_COUNTS
    assert f"Demo data: {organisations} organisations, {bodies} commissioning bodies, {users} new users." in demo_output
    derby_provider = _user("provider@derby-museums.example.org")
    assert derby_provider.organisation is not None
    assert derby_provider.is_org_admin is True
    assert _user("commissioner@derby.example.org").commissioning_body is not None


def test_loading_the_demo_again_creates_no_new_users_or_duplicates(app, demo_output):
    again = app.test_cli_runner().invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    assert ", 0 new users." in again.output
    assert (_count(Organisation), _count(CommissioningBody), _count(User)) == EXPECTED_COUNTS


@pytest.mark.parametrize(("email", "role"), DEMO_LOGINS.items())
def test_each_demo_login_has_its_role_and_signs_in_with_the_demo_password(app, client, demo_output, email, role):
    user = _user(email)
    assert user.role == role

    assert user.has_two_factor == (role in ("assessor", "admin"))
    if user.has_two_factor:  # enrolled through the service with the known demo key
        assert user.totp_secret == app.config["DEMO_TOTP_SECRET"]
    response = client.sign_in(email, app.config["DEMO_PASSWORD"])  # with the second step for assessors and admins

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_the_approved_commissioner_is_approved_and_the_pending_one_is_not(app, demo_output):
    assert _user("commissioner@derby.example.org").is_approved is True
    assert _user("pending@leicester.example.org").is_approved is False
    assert _user("pending@leicester.example.org").approved_at is None


def test_a_demo_login_does_not_sign_in_with_a_wrong_password(app, client, demo_output):
    response = client.submit(
        "/account/sign-in", {"email": "admin@marketplace.example.org", "password": "not the demo password"}
    )

    assert response.status_code == 200
    assert client.get("/admin").status_code == 302


def test_demo_load_prints_the_password_and_a_login_for_each_role(app, demo_output):
    assert f"password for all: {app.config['DEMO_PASSWORD']}" in demo_output
    for email, role in DEMO_LOGINS.items():
        line = next(line for line in demo_output.splitlines() if email in line)
        assert line.split()[0] == role
    assert "provider@peak-creative-arts.example.org" not in demo_output  # only highlighted logins by default
    assert f"authenticator app set up with the key {app.config['DEMO_TOTP_SECRET']}" in demo_output


def test_demo_load_with_all_logins_prints_every_user(app):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--all-logins"])

    assert result.exit_code == 0, result.output
    assert "provider@peak-creative-arts.example.org" in result.output
    assert "commissioner@derbyshire-camhs.example.org" in result.output


def test_every_open_demo_need_has_verified_providers_to_match(app, demo_output):
    """Most demo needs require verified safeguarding (some a kitemark or accreditation): the demo must satisfy them."""
    rebuild(app)
    needs = open_needs()
    assert len(needs) >= 8

    matched = {need.ref: [result.name for result in match_need(need)] for need in needs}

    assert {ref: names for ref, names in matched.items() if len(names) < 2} == {}
    derby = [need for need in needs if need.body.ref == "derby-cyps"]
    assert derby and all(len(matched[need.ref]) >= 3 for need in derby)  # the main demo login sees real choices


def test_demo_verification_follows_the_product_rules_and_loads_once(app, demo_output):
    assessor = _user("assessor@artscouncil.example.org")
    verified = list(db.session.scalars(select(SafeguardingRecord).where(SafeguardingRecord.verified_at.is_not(None))))
    assert len(verified) >= 10
    assert all(record.verified_by_id == assessor.id for record in verified)
    assert not any(policy_is_out_of_date(record) for record in verified)
    kitemarked = kitemarked_organisation_ids()
    assert len(kitemarked) >= 5
    assert kitemarked <= {record.organisation_id for record in verified}  # a kitemark review verifies safeguarding
    counts = (_count(Kitemark), _count(KitemarkApplication), _count(Accreditation), len(verified))

    again = app.test_cli_runner().invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    assert (_count(Kitemark), _count(KitemarkApplication), _count(Accreditation), counts[3]) == counts


def test_demo_load_on_a_fresh_site_indexes_as_it_goes_without_warnings(app, caplog):
    """``make run`` on a fresh clone: no index yet, so the demo load builds one first rather than queueing every
    commit's documents with a "Search index update failed" warning for the rebuild that follows."""
    app.config["SEARCH_SYNC"] = True
    with caplog.at_level(logging.WARNING):
        result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    report = check(app)
    assert report.queued == []
    assert report.is_clean and report.indexed == report.expected > 0


def test_demo_states_are_reached_through_the_services_with_real_documents(app, demo_output):
    """Every verified demo record has a verified verification decided by the demo assessor, with a PDF policy; the
    demo also shows one lapsed verification (back with the assessors) and one request waiting."""
    assessor = _user("assessor@artscouncil.example.org")
    verified = list(db.session.scalars(select(SafeguardingRecord).where(SafeguardingRecord.verified_at.is_not(None))))
    assert len(verified) == 19
    verifications = list(db.session.scalars(select(SafeguardingVerification)))
    decided = {v.organisation_id for v in verifications if v.status == VerificationStatus.VERIFIED}
    assert decided == {record.organisation_id for record in verified}
    assert all(v.decided_by_id == assessor.id for v in verifications if v.status == VerificationStatus.VERIFIED)
    assert all(record.policy_document.content_type == "application/pdf" for record in verified)
    lapsed = [v for v in verifications if v.status == VerificationStatus.LAPSED]
    assert [v.organisation.ref for v in lapsed] == ["lincolnshire-libraries-heritage"]
    waiting = {v.organisation.ref: v.reason for v in verifications if v.status == VerificationStatus.REQUESTED}
    assert waiting == {
        "lincolnshire-libraries-heritage": RequestReason.REVERIFICATION,
        "rutland-county-museum": RequestReason.PROVIDER,
    }
    documents = _count(EvidenceDocument)
    assert documents > 19

    again = app.test_cli_runner().invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    assert (_count(SafeguardingVerification), _count(EvidenceDocument)) == (len(verifications), documents)


def test_the_demo_shows_one_stale_listing_reached_through_the_freshness_sweep(app, client, demo_output):
    """Leicestershire Museums was confirmed accurate 13 months before the load day (by its account manager, with
    the demo's clock) and the day's freshness sweep marked it out of date: out of search, still reachable by link."""
    stale = db.session.scalar(select(Organisation).where(Organisation.ref == "leicestershire-museums"))
    assert stale.is_stale and (today() - stale.confirmed_at.date()).days >= 366
    others = db.session.scalars(select(Organisation).where(Organisation.id != stale.id, Organisation.is_stale))
    assert list(others) == []
    events = {
        event.action: event
        for event in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(stale.id)))
        if event.object_type == "Organisation"
    }
    confirmed = events["organisation.confirmed_accurate"]
    assert confirmed.actor_email == "provider@leicestershire-museums.example.org"
    assert confirmed.occurred_at.date() == stale.confirmed_at.date()
    assert events["organisation.marked_stale"].actor_id is None  # the sweep, not a person
    assert organisation_doc_id(stale.id) not in {document["id"] for document in all_documents(db.session)}
    page = text_of(client.get(f"/organisations/{stale.id}"))
    assert "Out of date" in page and "not shown in search or matching" in page

    again = app.test_cli_runner().invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    marked = select(func.count()).where(AuditEvent.action == "organisation.marked_stale")
    assert db.session.scalar(marked) == 1


def test_every_kitemarked_or_verified_demo_organisation_holds_evidence_documents(app, demo_output):
    verified = {
        record.organisation_id: record
        for record in db.session.scalars(select(SafeguardingRecord).where(SafeguardingRecord.verified_at.is_not(None)))
    }
    trusted = kitemarked_organisation_ids() | set(verified)
    holding = set(db.session.scalars(select(EvidenceDocument.organisation_id)))
    assert trusted and trusted <= holding
    assert all(verified[org_id].policy_document is not None for org_id in verified)
    for organisation_id in kitemarked_organisation_ids():  # the award's snapshot named the documents it judged
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation.safeguarding.policy_document is not None
        assert any(accreditation.certificate_document_id for accreditation in organisation.accreditations)
