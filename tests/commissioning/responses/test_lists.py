"""Who sees which responses: the provider's own list, and the need's body's commissioners only."""

from __future__ import annotations

from marketplace.commissioning.models import ResponseStatus
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from tests.client import text_of
from tests.commissioning.responses.conftest import make_consortium, make_evidence
from tests.factories import make_body, make_commissioner, make_need, make_organisation, make_provider, make_response


def test_provider_lists_its_own_and_its_consortia_responses_only(client, world):
    other_need = make_need(world.body, title="Library outreach")
    led_elsewhere = make_consortium(make_organisation("Derby Theatre"), world.organisation, name="Theatre Alliance")
    make_response(world.need, world.organisation)
    make_response(other_need, led_elsewhere.lead_organisation, consortium=led_elsewhere)
    make_response(make_need(world.body, title="Someone else's need"), make_organisation("Nottingham Museums"))
    client.sign_in(world.provider.email)

    page = text_of(client.get("/provider/responses"))

    assert "2 responses" in page
    assert "Creative short breaks" in page and "Library outreach" in page and "Theatre Alliance" in page
    assert "Someone else's need" not in page


def test_provider_without_responses_sees_an_empty_list(client, world):
    client.sign_in(world.provider.email)
    assert "Your organisation has not responded to any needs yet" in text_of(client.get("/provider/responses"))


def test_commissioner_sees_the_needs_responses_with_price_outcomes_and_evidence(client, world):
    response = make_response(world.need, world.organisation, price_pence=812_500)
    response.evidence = [make_evidence(world.organisation)]
    db.session.commit()
    make_response(world.need, make_organisation("Gone Gallery"), status=ResponseStatus.WITHDRAWN, withdrawn_at=utcnow())
    client.sign_in(world.commissioner.email)

    listing = client.get(f"/commissioner/needs/{world.need.id}/responses")

    assert listing.status_code == 200
    page = text_of(listing)
    assert "1 response" in page and "Derby Museums" in page and "£8,125" in page
    assert "Withdrawn" in page and "Gone Gallery" in page
    assert f'href="/responses/{response.id}"' in listing.get_data(as_text=True)
    detail = text_of(client.get(f"/responses/{response.id}"))
    assert "Not kitemarked" in detail and "Safeguarding Not verified" in detail


def test_the_list_offers_add_to_shortlist(client, world):
    response = make_response(world.need, world.organisation)
    client.sign_in(world.commissioner.email)
    html = client.get(f"/commissioner/needs/{world.need.id}/responses").get_data(as_text=True)
    assert 'action="/commissioner/shortlists/add"' in html
    assert f'name="response_id" value="{response.id}"' in html
    assert f'name="organisation_id" value="{world.organisation.id}"' in html


def test_commissioners_of_another_body_cannot_see_the_responses(client, world):
    response = make_response(world.need, world.organisation)
    stranger = make_commissioner(make_body("Nottingham Children's Services"))
    client.sign_in(stranger.email)
    assert client.get(f"/commissioner/needs/{world.need.id}/responses").status_code == 404
    assert client.get(f"/responses/{response.id}").status_code == 404


def test_a_pending_commissioner_of_the_body_cannot_see_responses(client, world):
    response = make_response(world.need, world.organisation)
    pending = make_commissioner(world.body, approved=False, is_org_admin=False)
    client.sign_in(pending.email)
    assert client.get(f"/commissioner/needs/{world.need.id}/responses").status_code == 403
    assert client.get(f"/responses/{response.id}").status_code == 404


def test_other_providers_cannot_see_the_commissioner_list(client, world):
    make_response(world.need, world.organisation)
    client.sign_in(make_provider().email)
    assert client.get(f"/commissioner/needs/{world.need.id}/responses").status_code == 403
