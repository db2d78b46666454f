"""A checked record's values as the directory's services take them, and as its audit event keeps them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from marketplace.directory.importer.catalogue import Catalogue

TERM_FIELDS = ("organisation_type", "legal_form")
TERM_LIST_FIELDS = ("target_groups", "indicators", "problem_areas")


def profile_value(key: str, value: Any, catalogue: Catalogue) -> Any:
    """A record's value as the services take it: codes resolved to terms and localities."""
    if key in TERM_FIELDS:
        return catalogue.term(key, value) if value else None
    if key in TERM_LIST_FIELDS:
        return [catalogue.term(key, code) for code in value]
    if key == "localities":
        return [catalogue.localities[code] for code in value]
    return value


def value_for_money(value: dict) -> dict:
    ratio = value.get("social_return_ratio")
    return {**value, "social_return_ratio": Decimal(str(ratio)) if ratio is not None else None}


def audit_view(view: dict, keys: Iterable[str]) -> dict:
    """What the audit event keeps of a record: offers by ref only, so events stay small."""
    return {key: [offer["ref"] for offer in view[key]] if key == "offers" else view[key] for key in keys}
