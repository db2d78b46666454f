"""The open API exposes nothing of monitoring: no route, and no contract, return or review in its documents."""

from __future__ import annotations

from marketplace.api.serializers import organisation_uuid
from marketplace.monitoring import returns
from marketplace.monitoring.returns import Figure, ReturnDetails


def test_no_api_route_serves_monitoring_data(app):
    api_rules = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]
    assert api_rules and not any(word in rule for rule in api_rules for word in ("contract", "return", "review"))


def test_the_providers_api_record_says_nothing_of_its_contract(app, awarded, provider):
    measure = awarded.measures[0]
    returns.submit_return(
        awarded,
        returns.period_of(awarded, 1),
        ReturnDetails({measure.id: Figure(14.6)}, "Private story"),
        actor=provider,
    )
    client = app.test_client()
    record = client.get(f"/api/v1/organizations/{organisation_uuid(provider.organisation_id)}")
    assert record.status_code == 200
    for text in (record.get_data(as_text=True), client.get("/api/v1/needs").get_data(as_text=True)):
        assert "Private story" not in text and "14.6" not in text and "Off track" not in text
