"""Small, valid interchange records for the import tests (fresh copies each call, so tests can change them)."""

from __future__ import annotations

import copy
from typing import Any

DERBY = "E06000015"
DERBYSHIRE = "E10000007"
AMBER_VALLEY = "E07000032"

_ORGANISATION: dict[str, Any] = {
    "ref": "peak-heritage",
    "name": "Peak Heritage Trust",
    "organisation_type": "heritage-site",
    "legal_form": "charity",
    "registration_number": "1100001",
    "description": "A heritage trust running two historic mills.",
    "address": "Mill Lane, Belper",
    "postcode": "DE56 1YD",
    "website": "https://www.peak-heritage.example.org",
    "contact_name": "Asha Patel",
    "contact_email": "learning@peak-heritage.example.org",
    "contact_phone": "01773 000111",
    "localities": [DERBYSHIRE, AMBER_VALLEY],
    "age_min": 5,
    "age_max": 18,
    "target_groups": ["families", "young-carers"],
    "outcomes": [
        {
            "outcome": "enjoy-and-achieve",
            "aims": ["attend-and-enjoy-school", "personal-and-social-development-and-recreation"],
            "statement": "The trust contributes to Enjoy and achieve by bringing the mills' history to life.",
        },
        {
            "outcome": "make-a-positive-contribution",
            "aims": ["develop-self-confidence-and-deal-with-change"],
            "statement": "The trust contributes to Make a positive contribution by training young guides.",
        },
    ],
    "framework_statements": [
        {"framework": "national-indicators", "statement": "The trust contributes to NI 110 and NI 11."},
        {"framework": "extended-services", "statement": "The trust runs after-school clubs at the mills."},
    ],
    "indicators": ["ni-11", "ni-110"],
    "value_for_money": {
        "full_cost_recovery": True,
        "unit_cost_pence": 850,
        "unit_cost_basis": "per participant per session",
        "social_return_ratio": 3.5,
        "added_value": "Volunteer guides and free use of the mills.",
    },
    "offers": [
        {
            "ref": "peak-heritage-young-guides",
            "title": "Young Guides",
            "description": "Young people train as mill guides over a term.",
            "delivery_modes": ["at-our-venue"],
            "venue": "North Mill",
            "age_min": 13,
            "age_max": 18,
            "group_size_min": 6,
            "group_size_max": 12,
            "capacity_per_year": 48,
            "price_pence": 300000,
            "cost_basis": "per-project",
            "localities": [AMBER_VALLEY],
            "outcomes": ["make-a-positive-contribution"],
            "aims": ["develop-self-confidence-and-deal-with-change"],
            "service_areas": ["positive-activities", "integrated-youth-support"],
            "send_suitable": False,
        },
        {
            "ref": "peak-heritage-school-visits",
            "title": "Mill School Visits",
            "description": "Curriculum visits for Key Stage 2.",
            "delivery_modes": ["at-our-venue", "outreach"],
            "venue": "North Mill",
            "age_min": 7,
            "age_max": 11,
            "group_size_min": 15,
            "group_size_max": 32,
            "capacity_per_year": 2000,
            "price_pence": 12000,
            "cost_basis": "per-session",
            "localities": [DERBYSHIRE],
            "outcomes": ["enjoy-and-achieve"],
            "aims": ["attend-and-enjoy-school"],
            "service_areas": ["schools-support"],
            "send_suitable": True,
        },
    ],
    "status": "published",
}

_SECOND: dict[str, Any] = {
    "ref": "derby-story-house",
    "name": "Derby Story House",
    "organisation_type": "literature",
    "legal_form": "cic",
    "localities": [DERBY],
    "status": "draft",
}


def organisation(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(_ORGANISATION)
    record.update(changes)
    return record


def second_organisation(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(_SECOND)
    record.update(changes)
    return record


def consortium(**changes: Any) -> dict[str, Any]:
    record = {
        "ref": "derbyshire-heritage-consortium",
        "name": "Derbyshire Heritage Consortium",
        "legal_form": "unincorporated",
        "description": "Heritage and literature organisations bidding together.",
        "lead": "peak-heritage",
        "members": ["derby-story-house", "peak-heritage"],
    }
    record.update(changes)
    return record


def directory() -> dict[str, Any]:
    return {"organisations": [organisation(), second_organisation()], "consortia": [consortium()]}
