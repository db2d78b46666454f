"""The issue's "Done when", through the pages: award → contract with seed 003 measures → two quarterly returns
(one off track) → red by rule → challenge → roll-up and board report show it → close-out → track record."""

from __future__ import annotations

from tests.client import FormClient, error_summary, text_of


def _client(app, user) -> FormClient:
    client = FormClient(app.test_client())
    client.sign_in(user.email)
    return client


def _sdq(contract):
    return next(m for m in contract.measures if m.title.startswith("Children and young people"))


def _submit(client, contract, number, sdq_value, story, **extra):
    figures = {f"measure_{m.id}": (sdq_value if m is _sdq(contract) else "100") for m in contract.measures}
    return client.submit(
        f"/contracts/{contract.id}/periods/{number}/return", {**figures, "story": story, **extra}, follow_redirects=True
    )


def test_from_award_to_track_record(app, awarded, manager, challenger, provider):
    provider_client = _client(app, provider)
    assert "Short breaks for looked-after children" in text_of(provider_client.get("/provider/contracts"))

    page = text_of(provider_client.get(f"/contracts/{awarded.id}"))
    assert "Better health outcomes for looked after children" in page
    assert "Lower is better" in page and "Target 13" in page

    page = _submit(provider_client, awarded, 1, "12.8", "Settled placements; new key workers.")
    assert "Return for Q1 2026/27 submitted" in text_of(page)
    page = _submit(
        provider_client, awarded, 2, "14.6", "Two placement breakdowns.", needs_help="y", help_note="CAMHS waits"
    )
    assert "Return for Q2 2026/27 submitted" in text_of(page)

    manager_client = _client(app, manager)
    contract_page = text_of(manager_client.get(f"/contracts/{awarded.id}"))
    assert "Off track" in contract_page and "Help needed" in contract_page
    assert 'class="app-chart"' in manager_client.get(f"/contracts/{awarded.id}").get_data(as_text=True)

    challenger_client = _client(app, challenger)
    page = challenger_client.submit(
        f"/contracts/{awarded.id}/challenge",
        {"period": "2026-07-01", "verdict": "challenge", "note": "Is the SDQ drop a recording change?"},
        follow_redirects=True,
    )
    assert "Challenge recorded" in text_of(page)

    outcome = awarded.framework_outcomes[0]
    framework_id = outcome.aim.theme.framework_id
    roll_up = text_of(manager_client.get(f"/commissioner/frameworks/{framework_id}/outcomes/{outcome.id}/contracts"))
    assert "1 contract contributing" in roll_up and "Off track" in roll_up
    report = text_of(manager_client.get("/commissioner/contracts/report"))
    assert "Short breaks for looked-after children" in report
    assert "Is the SDQ drop a recording change?" in report and "Off track" in report

    page = manager_client.submit(
        f"/contracts/{awarded.id}/close-out", {"summary": "Stable placements for 18 children."}, follow_redirects=True
    )
    assert "closed out" in text_of(page)
    provider_client.submit(f"/contracts/{awarded.id}/close-out/consent", page_url=f"/contracts/{awarded.id}")
    profile = app.test_client().get(f"/organisations/{provider.organisation_id}").get_data(as_text=True)
    assert f'href="/providers/{provider.organisation_id}/track-record"' in profile
    record = text_of(app.test_client().get(f"/providers/{provider.organisation_id}/track-record"))
    assert (
        "Delivered Short breaks for looked-after children for Central Bedfordshire Council; 1 of 2 targets met"
        in record
    )


def test_another_provider_and_another_body_see_nothing(app, awarded):
    from tests import factories

    stranger = factories.make_provider(factories.make_organisation("Elsewhere"))
    other_body = factories.make_commissioner(factories.make_body("Luton"))
    for user in (stranger, other_body):
        client = _client(app, user)
        assert client.get(f"/contracts/{awarded.id}").status_code == 404
        assert client.get(f"/contracts/{awarded.id}/returns.csv").status_code == 404
    assert "Short breaks" not in text_of(_client(app, other_body).get("/commissioner/contracts"))


def test_the_portfolio_filters_and_downloads(app, awarded, manager, provider):
    provider_client = _client(app, provider)
    _submit(provider_client, awarded, 1, "14.6", "Off track")
    client = _client(app, manager)

    assert "Short breaks for looked-after children" in text_of(client.get("/commissioner/contracts?rating=red"))
    assert "No contracts." in text_of(client.get("/commissioner/contracts?rating=green&status=closed"))
    assert "No contracts." not in text_of(client.get("/commissioner/contracts?rating=nonsense&status=x"))
    csv = client.get("/commissioner/contracts?format=csv").get_data(as_text=True)
    header, row = csv.splitlines()[:2]
    assert header.startswith("contract,provider,status,value_pounds")
    assert row.startswith("Short breaks for looked-after children,Arts for All,active,45000.00")


def test_an_existing_contract_is_recorded_through_the_form(app, framework, manager, provider):
    client = _client(app, manager)
    page = client.submit(
        "/commissioner/contracts/new",
        {
            "title": "Museum outreach",
            "organisation_id": provider.organisation_id,
            "consortium_id": 0,
            "value": "12,000",
            "start_date": ["1", "4", "2026"],
            "end_date": ["31", "3", "2027"],
            "reporting_frequency": "quarterly",
        },
        follow_redirects=True,
    )
    assert "Recorded Museum outreach" in text_of(page), error_summary(page)
    assert "Q1 2026/27" in text_of(page)
