"""Absolute links for emails, always built from ``BASE_URL``.

Never from the request's Host header: a forged Host would otherwise put an attacker's domain into
password-reset emails (host header poisoning).
"""

from flask import current_app, url_for


def external_url(endpoint: str, **values: object) -> str:
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
