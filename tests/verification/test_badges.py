"""The public verify page and the embeddable badge: always the current status, suspension at once, honest caching."""

from __future__ import annotations

from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark import services as kitemark
from marketplace.verification.badge import code_for
from tests import factories
from tests.client import text_of
from tests.factories import awarded


def test_the_verify_page_shows_kitemark_scheme_dates_and_safeguarding(client, ready, assessor):
    organisation, provider = ready
    mark = awarded(organisation, provider, assessor)
    code = code_for(organisation)

    page = text_of(client.get(f"/verify/{code}"))

    assert f"Verification code {code}" in page
    assert "Kitemarked awarded" in page and "Cultural commissioning kitemark" in page
    assert f"/verify/{code}/badge.svg" in client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Safeguarding verified until" in page  # the award verified it
    assert mark.expires_on.year == int(page.split("expires ")[1].split(" ")[2])


def test_the_badge_changes_at_once_on_suspension_and_is_never_served_stale(client, ready, assessor):
    organisation, provider = ready
    awarded(organisation, provider, assessor)
    url = f"/verify/{code_for(organisation)}/badge.svg"

    before = client.get(url)
    etag = before.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": etag})
    kitemark.suspend_kitemark(organisation, assessor=assessor, reasons="Safeguarding complaint under investigation")
    after = client.get(url, headers={"If-None-Match": etag})

    assert before.mimetype == "image/svg+xml" and "Kitemarked until" in before.get_data(as_text=True)
    assert before.headers["Cache-Control"] == "public, no-cache"
    assert unchanged.status_code == 304
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "Kitemark suspended" in after.get_data(as_text=True)
    assert "Suspended since" in text_of(client.get(f"/verify/{code_for(organisation)}"))


def test_the_snippet_links_absolute_urls_and_names_escape(app, client):
    organisation = factories.make_organisation('Arts <script>"x"</script>', status=OrganisationStatus.PUBLISHED)
    app.config["BASE_URL"] = "https://marketplace.example.org"
    code = code_for(organisation)

    page = client.get(f"/verify/{code}").get_data(as_text=True)
    svg = client.get(f"/verify/{code}/badge.svg").get_data(as_text=True)

    assert f"https://marketplace.example.org/verify/{code}/badge.svg" in page
    assert "<script>" not in page and "<script>" not in svg
    assert "Not kitemarked" in svg


def test_drafts_and_bad_codes_are_not_found(client):
    draft = factories.make_organisation("Draft Arts", status=OrganisationStatus.DRAFT)
    db.session.commit()

    assert client.get(f"/verify/{code_for(draft)}").status_code == 404
    assert client.get("/verify/CCM99999/badge.svg").status_code == 404
    assert client.get("/verify/<script>").status_code == 404
    assert client.get("/verify/CCM1").status_code == 404


def test_a_suspended_listing_shows_suspended_whatever_its_kitemark(client, ready, assessor):
    organisation, provider = ready
    awarded(organisation, provider, assessor)
    organisation.status = OrganisationStatus.SUSPENDED
    db.session.commit()

    page = text_of(client.get(f"/verify/{code_for(organisation)}"))

    assert "This organisation's listing is suspended." in page and "Kitemarked awarded" not in page
    assert "Suspended since" not in page  # the kitemark itself was never suspended: no invented date


def test_the_provider_finds_its_badge_snippet(client, ready):
    organisation, provider = ready
    client.sign_in(provider.email)

    page = client.get("/provider/verification").get_data(as_text=True)

    assert f"/verify/{code_for(organisation)}/badge.svg" in page
