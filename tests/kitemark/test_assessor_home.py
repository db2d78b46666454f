"""The assessor's landing page starts with the work: the applications waiting for review, oldest first, each one
click from its review (issue 17: the assessor's task is one page shorter)."""

from __future__ import annotations

from marketplace.kitemark import dashboard, services
from tests.client import text_of
from tests.factories import make_ready_organisation


def test_the_landing_page_lists_waiting_applications_linked_to_their_review(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)

    page = client.get("/assessor")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/assessor/kitemark/applications/{application.id}">Peak Heritage Trust</a>' in html
    assert "Not assigned" in text_of(page)


def test_the_landing_page_shows_the_oldest_and_says_how_many_wait(client, assessor, monkeypatch):
    monkeypatch.setattr(dashboard, "SHOWN_ON_LANDING", 1)
    for name in ("Older Heritage Trust", "Newer Heritage Trust"):
        organisation, provider = make_ready_organisation(name)
        services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)

    text = text_of(client.get("/assessor"))

    assert "Older Heritage Trust" in text and "Newer Heritage Trust" not in text
    assert "The oldest 1 of 2 are shown" in text


def test_an_empty_queue_says_nothing_is_waiting(client, assessor):
    client.sign_in(assessor.email)

    assert "No applications are waiting for review." in text_of(client.get("/assessor"))
