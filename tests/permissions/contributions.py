"""The contribution composer: providers, each for their own organisation's statements."""

from __future__ import annotations

from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("contributions.index", "GET"): only("provider_a", "provider_b"),
    ("contributions.compose_template", "GET"): only("provider_a", "provider_b"),
    ("contributions.compose_template", "POST"): only("provider_a", "provider_b", status=400),
    ("contributions.compose_for_body", "GET"): only("provider_a", "provider_b"),
    ("contributions.compose_for_body", "POST"): only("provider_a", "provider_b", status=400),
    # Provider A's statement: another organisation's is a 404 (a POST without a CSRF token stops at 400 first).
    ("contributions.edit_statement", "GET"): {**only("provider_a"), "provider_b": 404},
    ("contributions.edit_statement", "POST"): only("provider_a", "provider_b", status=400),
    ("contributions.remove_statement", "POST"): only("provider_a", "provider_b", status=400),
}


def make_url_args(users: dict) -> dict:
    from marketplace.commissioning.contributions.models import BodyContribution
    from marketplace.extensions import db
    from tests.factories import make_framework

    body = users["commissioner"].commissioning_body
    framework = make_framework(body, name="Children and Young People's Plan")
    contribution = BodyContribution(
        organisation=users["provider_a"].organisation, body=body, theme=framework.themes[0], statement="We help."
    )
    db.session.add(contribution)
    db.session.commit()
    return {"template_code": "local-area-agreement", "body_id": body.id, "contribution_id": contribution.id}
