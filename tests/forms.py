"""What tests post: complete, valid form submissions, form-shaped dates and term ids, and uploads.

Each ``*_form`` builder fills every field validly, so a test overrides only the field it is about.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from werkzeug.datastructures import FileStorage

from marketplace.core.clock import today
from tests.lookups import aim_id, locality, locality_id, term_id


def term_value(vocabulary: str, code: str) -> str:
    """A term's id as a form posts it (text)."""
    return str(term_id(vocabulary, code))


def date_parts(value: date) -> list[str]:
    """A date as the day, month and year inputs of one date field."""
    return [str(value.day), str(value.month), str(value.year)]


def date_fields(name: str, value: date) -> dict[str, list[str]]:
    """A date field named ``name``, ready to splat into a form dict."""
    return {name: date_parts(value)}


def upload(data: bytes, filename: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), filename


def file_storage(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="application/octet-stream")


def offer_form(**overrides: object) -> dict:
    """Every field of the offer form filled in validly; ``overrides`` replace (or, with None, remove) fields."""
    data: dict = {
        "title": "Object handling for looked-after children",
        "description": "Weekly sessions handling museum objects.",
        "delivery_modes": [term_value("delivery_mode", "at-our-venue"), term_value("delivery_mode", "outreach")],
        "venue": "Derby Museum and Art Gallery",
        "age_min": "8",
        "age_max": "14",
        "group_size_min": "4",
        "group_size_max": "12",
        "capacity_per_year": "240",
        "cost_basis_id": term_value("cost_basis", "per-session"),
        "price": "250.00",
        "localities": [str(locality_id("Derbyshire")), str(locality_id("Derby"))],
        "outcomes": [term_value("ecm_outcome", "enjoy-and-achieve")],
        "aims": [str(aim_id("enjoy-and-achieve", 3))],
        "service_areas": [term_value("service_area", "children-in-care")],
        "send_suitable": "yes",
    }
    return _overridden(data, overrides)


def need_form(**overrides) -> dict:
    """A complete, valid need form (publishable once saved)."""
    deadline = today() + timedelta(days=30)
    data = {
        "title": "Short breaks for disabled children in Derby",
        "summary": "Creative weekend short breaks for disabled children.",
        "description": "Sessions at a museum or gallery.",
        "level_id": term_value("commissioning_level", "locality"),
        "kind_id": term_value("need_kind", "short-breaks"),
        "service_area_id": term_value("service_area", "short-breaks-for-disabled-children"),
        "localities": [str(locality("E06000015").id)],
        "target_groups": [term_value("target_group", "disabled-children-send")],
        "age_min": "5",
        "age_max": "18",
        "outcomes": [term_value("ecm_outcome", "enjoy-and-achieve")],
        "aims": [term_value("ecm_aim", "attend-and-enjoy-school")],
        "indicators": [term_value("national_indicator", "ni-58")],
        "budget_min": "5,000",
        "budget_max": "£10000.50",
        **date_fields("contract_start", deadline + timedelta(days=30)),
        **date_fields("contract_end", deadline + timedelta(days=395)),
        **date_fields("response_deadline", deadline),
        "requires_safeguarding_verified": "y",
        "required_accreditation_id": term_value("accreditation_scheme", "arts-award-centre"),
        "consortium_welcome": "y",
    }
    return _overridden(data, overrides)


def _overridden(data: dict, overrides: dict) -> dict:
    """``data`` with ``overrides`` applied; an override of None removes the field."""
    merged = {**data, **overrides}
    return {key: value for key, value in merged.items() if value is not None}
