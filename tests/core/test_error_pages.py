"""Every error gets a styled page in the service's layout (or JSON under /api), never a bare or leaky one."""

from __future__ import annotations

from marketplace.core.permissions import public
from tests import factories
from tests.client import text_of

SERVICE_HEADER = '<a class="app-header__service-name" href="/">Cultural Commissioning Marketplace</a>'


def test_an_unknown_address_gets_the_styled_not_found_page(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert SERVICE_HEADER in html
    assert "<title>Page not found – Cultural Commissioning Marketplace</title>" in html
    assert "check it is correct" in text_of(response)


def test_a_form_posted_without_its_csrf_token_says_the_form_expired(client):
    response = client.post("/account/sign-in", data={"email": "a@example.org", "password": "whatever-it-is"})

    assert response.status_code == 400
    page = text_of(response)
    assert "Sorry, there is a problem with your request" in page
    assert "Your form had expired" in page
    assert SERVICE_HEADER in response.get_data(as_text=True)


def test_a_wrong_method_gets_the_styled_not_allowed_page(client):
    response = client.get("/account/sign-out")

    assert response.status_code == 405
    assert "Sorry, that action is not allowed here" in text_of(response)
    assert SERVICE_HEADER in response.get_data(as_text=True)


def test_an_exception_in_a_view_gets_the_styled_error_page_without_a_traceback(app, client):
    @public
    def explode():
        raise ValueError("secret internals: database password is hunter2")

    app.add_url_rule("/test-explode", "test_explode", explode)

    response = client.get("/test-explode")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in text_of(response)
    assert SERVICE_HEADER in html
    assert "Traceback" not in html
    assert "hunter2" not in html
    assert "ValueError" not in html


def test_an_unknown_api_address_gets_a_json_error(client):
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.is_json
    error = response.get_json()["error"]
    assert error["status"] == 404
    assert error["title"] == "Page not found"
    assert error["detail"]


def test_a_forbidden_page_gets_the_styled_permission_page(client):
    provider = factories.make_provider()
    client.sign_in(provider.email)

    response = client.get("/admin")

    assert response.status_code == 403
    assert "You do not have permission to see this page" in text_of(response)
