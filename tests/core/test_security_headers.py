"""Every response carries the security headers, pages work under a strict CSP, and cookies are locked down."""

from __future__ import annotations

import re

import pytest

from tests import factories

PAGES = ["/", "/account/sign-in", "/account/register", "/organisations", "/no-such-page"]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: value for name, value in pairs}


@pytest.mark.parametrize("path", PAGES)
def test_responses_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)

    directives = _directives(response)
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", PAGES)
def test_responses_forbid_framing_and_sniffing_and_limit_the_referrer(client, path):
    response = client.get(path)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_that_the_policy_would_block(client, path):
    html = client.get(path).get_data(as_text=True)

    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "the layout loads its JavaScript from a file"
    for attributes, body in scripts:
        assert "src=" in attributes, attributes
        assert body.strip() == ""
    assert not INLINE_HANDLER.search(html)


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    user = factories.make_provider()

    response = client.sign_in(user.email)

    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("marketplace_session=")]
    assert cookies
    assert "HttpOnly" in cookies[-1]
    assert "SameSite=Lax" in cookies[-1]
