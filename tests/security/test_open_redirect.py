"""Open redirects: no ``next`` value sends a user off-site, on sign-in or on any form that takes a return path.

The routes that read ``next`` (grep ``safe_next_path``): sign-in (query string) and "Add to shortlist" (form field).
tests/accounts/test_sign_in.py covers sign-in's basic cases; these are the encodings browsers normalise.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from tests import factories
from tests.security.conftest import client_for

TARGETS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "http:evil.example",
    "https:/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "///evil.example",
    "http://localhost@evil.example",
]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    browser_view = location.replace("\\", "/").strip()
    return parts.scheme in {"", "http"} and parts.netloc in {"", "localhost"} and not browser_view.startswith("//")


@pytest.mark.parametrize("target", TARGETS)
def test_sign_in_never_sends_the_user_off_site(client, target):
    user = factories.make_provider()

    response = client.submit(
        f"/account/sign-in?next={quote(target, safe='')}",
        {"email": user.email, "password": factories.PASSWORD},
        page_url="/account/sign-in",
    )

    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"]), response.headers["Location"]


def test_adding_to_a_shortlist_never_returns_off_site(app, security_world):
    commissioner = client_for(app, security_world, "commissioner")
    published = security_world.users["provider_b"].organisation
    form = {"need_id": security_world.url_args["need_id"], "organisation_id": published.id}

    locations = {
        target: commissioner.submit(
            "/commissioner/shortlists/add", {**form, "next": target}, page_url="/commissioner"
        ).headers.get("Location", "")
        for target in TARGETS
    }

    assert {target: location for target, location in locations.items() if not _stays_on_site(location)} == {}
    assert set(locations.values()) != {""}


def test_the_sign_in_prompt_keeps_the_requested_page_on_site(client):
    response = client.get("//evil.example/account/")

    assert response.status_code in {302, 404}
    if response.status_code == 302:
        assert _stays_on_site(response.headers["Location"])
