"""Monitoring routes. The walk's contract is the commissioner's body's, delivered by provider A's organisation:
only they see it (provider B, other roles and admins get 404: contracts are private to the two sides)."""

from __future__ import annotations

from marketplace.monitoring.returns import Figure, ReturnDetails, period_of, submit_return
from tests.factories import make_contract
from tests.permissions.roles import everyone, only, signed_in

PROVIDERS = ("provider_a", "provider_b")
BOTH_SIDES = signed_in(404, provider_a=200, commissioner=200)
PROVIDER_A = only(*PROVIDERS, status=404) | {"provider_a": 200}

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("monitoring.provider_contracts", "GET"): only(*PROVIDERS),
    ("monitoring.contract", "GET"): BOTH_SIDES,
    ("monitoring.period", "GET"): BOTH_SIDES,
    ("monitoring.export", "GET"): BOTH_SIDES,
    ("monitoring.new_contract", "GET"): only("commissioner"),
    ("monitoring.new_contract", "POST"): only("commissioner", status=400),
    ("monitoring.add_measure", "GET"): only("commissioner"),
    ("monitoring.add_measure", "POST"): only("commissioner", status=400),
    ("monitoring.submit_return", "GET"): PROVIDER_A,
    ("monitoring.submit_return", "POST"): only(*PROVIDERS, status=400),
    ("monitoring.correct_return", "GET"): PROVIDER_A,
    ("monitoring.correct_return", "POST"): only(*PROVIDERS, status=400),
    ("monitoring.import_returns", "GET"): PROVIDER_A,
    ("monitoring.import_returns", "POST"): only(*PROVIDERS, status=400),
    ("monitoring.accept_return", "POST"): only("commissioner", status=400),
    ("monitoring.override", "GET"): only("commissioner"),
    ("monitoring.override", "POST"): only("commissioner", status=400),
    ("monitoring.challenge", "GET"): only("commissioner"),
    ("monitoring.challenge", "POST"): only("commissioner", status=400),
    ("monitoring.close_out", "GET"): only("commissioner"),
    ("monitoring.close_out", "POST"): only("commissioner", status=400),
    ("monitoring.consent", "POST"): only(*PROVIDERS, status=400),
    ("monitoring.portfolio", "GET"): only("commissioner"),
    ("monitoring.board_report", "GET"): only("commissioner"),
    ("monitoring.outcome_roll_up", "GET"): only("commissioner"),
    # Provider A's organisation is a draft: no public page, so no public track record either.
    ("monitoring.track_record", "GET"): everyone(404),
}


def make_url_args(users: dict) -> dict:
    contract = make_contract(users["commissioner"].commissioning_body, users["provider_a"].organisation)
    measure = contract.measures[0]
    ret = submit_return(
        contract,
        period_of(contract, 1),
        ReturnDetails(figures={measure.id: Figure(value=24)}, story="Steady start."),
        actor=users["provider_a"],
    )
    return {
        "contract_id": contract.id,
        "number": 1,
        "return_id": ret.id,
        "rating_id": measure.ratings[0].id,
        "kind": "returns",
        "fmt": "csv",
    }
