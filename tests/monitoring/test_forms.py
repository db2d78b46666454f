"""Every monitoring form refuses bad input with GOV.UK messages, and nothing is saved."""

from __future__ import annotations

import io

import pytest

from marketplace.extensions import db
from marketplace.monitoring.models import Contract, PerformanceReturn
from tests.client import FormClient, error_summary, text_of


def _client(app, user) -> FormClient:
    client = FormClient(app.test_client())
    client.sign_in(user.email)
    return client


def _figures(contract, value="13") -> dict:
    return {f"measure_{m.id}": value for m in contract.measures}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {},
            ["Enter the service name", "Select the accountable provider", "Enter the start date", "Enter the end date"],
        ),
        (
            {"title": "X" * 201, "value": "lots", "start_date": ["31", "2", "2026"], "end_date": ["1", "1", "2026"]},
            [
                "Service name must be 200 characters or fewer",
                "Select the accountable provider",
                "Contract value must be an amount in pounds, like 5000 or 5000.00",
                "Enter a real date",
            ],
        ),
    ],
)
def test_record_contract_refuses_bad_input(app, framework, manager, data, expected):
    page = _client(app, manager).submit("/commissioner/contracts/new", {"reporting_frequency": "quarterly", **data})
    for message in expected:
        assert message in error_summary(page)
    assert page.status_code == 200 and db.session.query(Contract).count() == 0


def test_record_contract_refuses_an_end_before_the_start(app, framework, manager, provider):
    page = _client(app, manager).submit(
        "/commissioner/contracts/new",
        {
            "title": "X",
            "organisation_id": provider.organisation_id,
            "consortium_id": 0,
            "start_date": ["1", "4", "2026"],
            "end_date": ["1", "3", "2026"],
            "reporting_frequency": "weekly",
        },
    )
    assert "The end date must be the same as or after the start date" in error_summary(page)
    assert "Not a valid choice." in error_summary(page) or len(error_summary(page)) == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"framework_measure_id": 0},
            ["Select what the measure tells you", "Select a framework measure or enter the measure"],
        ),
        (
            {"kind": "how_much", "title": "Sessions", "baseline": "lots", "target_period": "soon", "tolerance": "-1"},
            [
                "Baseline must be a figure like 81.8% or 604 days, or New measure, Baseline year or To be confirmed",
                "Target period must be written like Q2 2013/14, 2013/14, 2014 or March 2014",
                "Tolerance must be a number of 0 or more, like 2 or 2.5",
            ],
        ),
    ],
)
def test_add_measure_refuses_bad_input(app, awarded, manager, data, expected):
    before = len(awarded.measures)
    page = _client(app, manager).submit(f"/contracts/{awarded.id}/measures/new", {"framework_measure_id": 0, **data})
    assert error_summary(page) == expected
    assert len(awarded.measures) == before


def test_add_measure_reads_labels(app, awarded, manager):
    page = _client(app, manager).submit(
        f"/contracts/{awarded.id}/measures/new",
        {
            "kind": "how_much",
            "framework_measure_id": 0,
            "title": "Short break sessions",
            "direction": "higher",
            "baseline": "New measure",
            "target": "480",
            "target_period": "2026/27",
            "tolerance": "20",
        },
        follow_redirects=True,
    )
    assert "Measure added" in text_of(page)
    added = awarded.measures[-1]
    assert (added.baseline_state, added.target_value, added.target_period, added.tolerance) == (
        "new_measure",
        480,
        "2026/27",
        20,
    )


def test_a_return_refuses_words_for_figures_a_missing_story_and_help_without_a_note(app, awarded, provider):
    page = _client(app, provider).submit(
        f"/contracts/{awarded.id}/periods/1/return", {**_figures(awarded, "about twelve"), "needs_help": "y"}
    )
    errors = error_summary(page)
    assert "Enter the story behind the numbers" in errors
    assert "Enter what you need the commissioner's help with" in errors
    assert any(e.endswith("must be a number, like 81.8 or 604, or ‘not available’") for e in errors)
    assert db.session.query(PerformanceReturn).count() == 0


def test_not_available_is_a_figure(app, awarded, provider):
    page = _client(app, provider).submit(
        f"/contracts/{awarded.id}/periods/1/return",
        {**_figures(awarded, "not available"), "story": "Data system down"},
        follow_redirects=True,
    )
    assert "Not available" in text_of(page)


def test_a_correction_needs_a_reason(app, awarded, provider):
    page = _client(app, provider).submit(
        f"/contracts/{awarded.id}/periods/1/correction", {**_figures(awarded), "story": "Fixed"}
    )
    assert "Enter the reason for the correction" in error_summary(page)


def test_a_period_outside_the_schedule_is_not_found(app, awarded, provider):
    assert _client(app, provider).get(f"/contracts/{awarded.id}/periods/99/return").status_code == 404


def _rated(app, awarded, provider):
    _client(app, provider).submit(
        f"/contracts/{awarded.id}/periods/1/return", {**_figures(awarded, "14.6"), "story": "S"}
    )
    return awarded.measures[0].ratings[0]


def test_override_needs_a_status_and_a_reason(app, awarded, manager, provider):
    measure_rating = _rated(app, awarded, provider)
    page = _client(app, manager).submit(
        f"/contracts/{awarded.id}/ratings/{measure_rating.id}/override", {"status": "purple"}
    )
    assert error_summary(page) == ["Not a valid choice.", "Enter the reason for the change"] or (
        "Enter the reason for the change" in error_summary(page)
    )
    assert measure_rating.override == ""


def test_challenge_needs_a_verdict_and_a_note_to_challenge(app, awarded, challenger, provider):
    _rated(app, awarded, provider)
    client = _client(app, challenger)
    assert "Select whether you agree or challenge" in error_summary(
        client.submit(f"/contracts/{awarded.id}/challenge", {"period": "2026-04-01"})
    )
    page = client.submit(f"/contracts/{awarded.id}/challenge", {"period": "2026-04-01", "verdict": "challenge"})
    assert error_summary(page) == ["Enter what you are challenging and why"]
    assert awarded.challenges == []


def test_the_manager_cannot_challenge_their_own_ratings(app, awarded, manager, provider):
    _rated(app, awarded, provider)
    page = _client(app, manager).submit(
        f"/contracts/{awarded.id}/challenge", {"period": "2026-04-01", "verdict": "agree"}
    )
    assert "The challenger must be someone in your body other than the contract manager" in error_summary(page)


def test_close_out_needs_a_summary(app, awarded, manager):
    page = _client(app, manager).submit(f"/contracts/{awarded.id}/close-out", {"summary": " "})
    assert error_summary(page) == ["Enter a summary of the outcomes achieved"]
    assert awarded.review is None


def test_import_returns_refuses_a_missing_file_and_reports_each_bad_row(app, awarded, provider):
    client = _client(app, provider)
    assert error_summary(client.submit(f"/contracts/{awarded.id}/returns/import", {})) == ["Select a CSV or JSON file"]
    sdq = awarded.measures[0]
    content = (
        "period,measure_id,value,story\n"
        f"Q9 2026/27,{sdq.id},13,Story\n"
        f"Q1 2026/27,999,13,Story\n"
        f"Q1 2026/27,{sdq.id},about 13,Story\n"
        f"Q2 2026/27,{sdq.id},13,\n"
    ).encode()
    page = client.submit(
        f"/contracts/{awarded.id}/returns/import",
        {"returns_file": (io.BytesIO(content), "returns.csv")},
        content_type="multipart/form-data",
    )
    text = text_of(page)
    assert "The file has 4 problems and was not imported" in error_summary(page)
    assert "Line 2: “Q9 2026/27” is not one of this contract's reporting periods" in text
    assert "Line 3: measure_id '999' is not a measure of this contract" in text
    assert "Line 4: " in text and "must be a number" in text
    assert "Q2 2026/27: enter the story behind the numbers (the story column)" in text
    assert db.session.query(PerformanceReturn).count() == 0


def test_import_returns_round_trips_the_export(app, awarded, provider):
    client = _client(app, provider)
    rows = ["period,measure_id,value,story,needs_help,help_note"]
    rows += [f"q1 26/27,{m.id},13,Imported from our spreadsheet,no," for m in awarded.measures]
    page = client.submit(
        f"/contracts/{awarded.id}/returns/import",
        {"returns_file": (io.BytesIO("\n".join(rows).encode()), "returns.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Imported 1 return" in text_of(page)
    exported = client.get(f"/contracts/{awarded.id}/returns.json").get_json()
    assert [row["value"] for row in exported["returns"]] == [13.0, 13.0]
    assert exported["returns"][0]["period"] == "Q1 2026/27"


def test_import_returns_is_refused_once_the_contract_is_closed(app, awarded, manager, provider):
    from marketplace.monitoring.reviews import close_out

    close_out(awarded, summary="Ended early", actor=manager)
    content = f"period,measure_id,value,story\nQ1 2026/27,{awarded.measures[0].id},13,Story\n".encode()
    page = _client(app, provider).submit(
        f"/contracts/{awarded.id}/returns/import",
        {"returns_file": (io.BytesIO(content), "returns.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "This contract is closed: returns can no longer be submitted" in text_of(page)
    assert db.session.query(PerformanceReturn).count() == 0
