"""Shared helpers for need tests: a complete form submission and term/locality ids."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.core.clock import today
from marketplace.reference.services import terms_by_code
from tests.commissioning.factories import locality


def term_id(vocabulary: str, code: str) -> str:
    return str(terms_by_code(vocabulary)[code].id)


def date_parts(name: str, value: date) -> dict[str, list[str]]:
    return {name: [str(value.day), str(value.month), str(value.year)]}


def need_form(**overrides) -> dict:
    """A complete, valid need form (publishable once saved)."""
    deadline = today() + timedelta(days=30)
    data = {
        "title": "Short breaks for disabled children in Derby",
        "summary": "Creative weekend short breaks for disabled children.",
        "description": "Sessions at a museum or gallery.",
        "level_id": term_id("commissioning_level", "locality"),
        "kind_id": term_id("need_kind", "short-breaks"),
        "service_area_id": term_id("service_area", "short-breaks-for-disabled-children"),
        "localities": [str(locality("E06000015").id)],
        "target_groups": [term_id("target_group", "disabled-children-send")],
        "age_min": "5",
        "age_max": "18",
        "outcomes": [term_id("ecm_outcome", "enjoy-and-achieve")],
        "aims": [term_id("ecm_aim", "attend-and-enjoy-school")],
        "indicators": [term_id("national_indicator", "ni-58")],
        "budget_min": "5,000",
        "budget_max": "£10000.50",
        **date_parts("contract_start", deadline + timedelta(days=30)),
        **date_parts("contract_end", deadline + timedelta(days=395)),
        **date_parts("response_deadline", deadline),
        "requires_safeguarding_verified": "y",
        "required_accreditation_id": term_id("accreditation_scheme", "arts-award-centre"),
        "consortium_welcome": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
