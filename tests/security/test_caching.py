"""Private pages and downloads (responses, shortlists, CSVs, the team page…) are never stored by a browser or a
proxy; public pages keep their caching (``/health`` sets its own). Walks every page and file each role reaches."""

from __future__ import annotations

import pytest

from marketplace.core.permissions import permission_for
from tests.security.conftest import client_for
from tests.security.crawl import crawl, endpoint_of

ROLES = ["anonymous", "provider_a", "commissioner", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_pages_that_need_sign_in_send_no_store_and_public_pages_do_not(app, security_world, role):
    client = client_for(app, security_world, role)
    found = crawl(app, client, [security_world.url_args], follow_links=False)
    adapter = app.url_map.bind("localhost")

    private, public, problems = [], [], []
    for url in [*found.pages, *found.other]:
        response = client.get(url)
        endpoint = endpoint_of(adapter, url.split("?")[0])
        needs_sign_in = endpoint is not None and permission_for(endpoint[0]).requires_sign_in
        stored = "no-store" not in response.headers.get("Cache-Control", "")
        (private if needs_sign_in else public).append(url)
        if needs_sign_in and stored:
            problems.append(f"{url}: Cache-Control {response.headers.get('Cache-Control')!r}")
        response.close()

    assert problems == []
    assert public
    if role != "anonymous":
        assert private
    for url in ("/", "/kitemarked", "/account/sign-in"):  # public pages keep their caching as it was
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def test_a_private_csv_download_is_not_stored(app, security_world):
    client = client_for(app, security_world, "commissioner")
    need_id = security_world.url_args["need_id"]

    response = client.get(f"/commissioner/needs/{need_id}/shortlist.csv")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
