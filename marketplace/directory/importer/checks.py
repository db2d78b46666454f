"""Checking whole records: organisations (with their offers, outcomes and statements) and consortia.

Every record is checked completely before the database is touched, and every reason it is wrong is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.checker import Checker
from marketplace.directory.importer.schema import (
    CONSORTIUM_KEYS,
    LONG_TEXT,
    OFFER_KEYS,
    ORGANISATION_KEYS,
    STATUSES,
    TEXT_LIMITS,
    VALUE_FOR_MONEY_KEYS,
    Candidate,
)


def _check_outcomes(check: Checker, data: dict) -> list[dict]:
    contributions: dict[str, dict] = {}
    for index, item in check.object_list(data, "outcomes"):
        sub = check.sub(f"outcomes[{index}] ")
        sub.unknown_keys(item, ("outcome", "aims", "statement"))
        if not item.get("outcome"):
            sub.fail("outcome is missing")
        outcome = sub.code(item, "outcome") or f"?{index}"
        aims = sub.codes(item, "aims")
        known_aims = check.catalogue.terms.get("ecm_aim", {})
        for aim in aims:
            if outcome in check.catalogue.aims_of and aim in known_aims and aim not in check.catalogue.aims_of[outcome]:
                sub.fail(f'aim "{aim}" is not an aim of outcome "{outcome}"')
        if outcome in contributions:
            sub.fail(f'outcome "{outcome}" appears more than once')
        contributions[outcome] = {"outcome": outcome, "aims": aims, "statement": sub.text(item, "statement")}
        check.absorb(sub)
    return sorted(contributions.values(), key=lambda c: c["outcome"])


def _check_framework_statements(check: Checker, data: dict) -> list[dict]:
    statements: dict[str, dict] = {}
    for index, item in check.object_list(data, "framework_statements"):
        sub = check.sub(f"framework_statements[{index}] ")
        sub.unknown_keys(item, ("framework", "statement"))
        framework = sub.code(item, "framework")
        if not item.get("framework"):
            sub.fail("framework is missing")
        if framework in statements:
            sub.fail(f'framework "{framework}" appears more than once')
        statement = sub.text(item, "statement", required=True)
        check.absorb(sub)
        statements[framework or f"?{index}"] = {"framework": framework, "statement": statement}
    return sorted(statements.values(), key=lambda s: s["framework"] or "")


def _check_value_for_money(check: Checker, data: dict) -> dict:
    value = data.get("value_for_money")
    if value is None:
        value = {}
    if not isinstance(value, dict):
        check.fail("value_for_money must be an object")
        value = {}
    sub = check.sub("value_for_money ")
    sub.unknown_keys(value, VALUE_FOR_MONEY_KEYS)
    ratio = value.get("social_return_ratio")
    if ratio is not None and (isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio < 10_000):
        sub.fail("social_return_ratio must be a number between 0 and 9999.99")
        ratio = None
    clean = {
        "full_cost_recovery": sub.boolean(value, "full_cost_recovery", nullable=True),
        "unit_cost_pence": sub.integer(value, "unit_cost_pence", unit="pence"),
        "unit_cost_basis": sub.text(value, "unit_cost_basis", 120),
        "social_return_ratio": round(float(ratio), 2) if ratio is not None else None,
        "added_value": sub.text(value, "added_value"),
    }
    check.absorb(sub)
    return clean


def _check_offer(check: Checker, item: dict) -> dict:
    clean: dict[str, Any] = {"ref": check.ref(item), "title": check.text(item, "title", 200, required=True)}
    check.unknown_keys(item, OFFER_KEYS)
    clean["description"] = check.text(item, "description")
    clean["delivery_modes"] = check.codes(item, "delivery_modes")
    clean["venue"] = check.text(item, "venue", 200)
    check.ages(item, clean)
    clean.setdefault("age_min", None)
    clean.setdefault("age_max", None)
    for key in ("group_size_min", "group_size_max", "capacity_per_year"):
        clean[key] = check.integer(item, key)
    check.in_order(clean, "group_size_min", "group_size_max")
    clean["price_pence"] = check.integer(item, "price_pence", unit="pence")
    clean["cost_basis"] = check.code(item, "cost_basis")
    clean["localities"] = check.ons_codes(item)
    clean["outcomes"] = check.codes(item, "outcomes")
    clean["aims"] = check.codes(item, "aims")
    allowed_aims: set[str] = set()
    for outcome in clean["outcomes"]:
        allowed_aims |= check.catalogue.aims_of.get(outcome, set())
    known_aims = check.catalogue.terms.get("ecm_aim", {})
    for aim in clean["aims"]:
        if aim in known_aims and aim not in allowed_aims:
            check.fail(f'aim "{aim}" is not an aim of the offer\'s outcomes')
    clean["service_areas"] = check.codes(item, "service_areas")
    clean["send_suitable"] = bool(check.boolean(item, "send_suitable"))
    return {key: clean[key] for key in OFFER_KEYS}


def _check_offers(check: Checker, data: dict) -> list[dict]:
    offers: list[dict] = []
    for index, item in check.object_list(data, "offers"):
        sub = check.sub(f'offers[{index}] ref "{item.get("ref")}" ' if item.get("ref") else f"offers[{index}] ")
        offers.append(_check_offer(sub, item))
        check.absorb(sub)
    return sorted(offers, key=lambda offer: offer["ref"])


def _check_status(check: Checker, data: dict) -> str:
    value = data.get("status")
    if value not in STATUSES:
        check.fail(f'status must be "draft" or "published", not "{value}"')
    return value


def _text_field(key: str) -> Callable[[Checker, dict], Any]:
    return lambda check, data: check.text(data, key, TEXT_LIMITS.get(key, LONG_TEXT))


# How each optional organisation key is checked and normalised (ages are checked together).
ORGANISATION_CHECKS: dict[str, Callable[[Checker, dict], Any]] = {
    "organisation_type": lambda check, data: check.code(data, "organisation_type"),
    "legal_form": lambda check, data: check.code(data, "legal_form"),
    "registration_number": _text_field("registration_number"),
    "description": _text_field("description"),
    "address": _text_field("address"),
    "postcode": lambda check, data: check.postcode(data, "postcode"),
    "website": lambda check, data: check.url(data, "website"),
    "contact_name": _text_field("contact_name"),
    "contact_email": lambda check, data: check.email(data, "contact_email"),
    "contact_phone": _text_field("contact_phone"),
    "localities": lambda check, data: check.ons_codes(data),
    "adults_only": lambda check, data: bool(check.boolean(data, "adults_only")),
    "target_groups": lambda check, data: check.codes(data, "target_groups"),
    "outcomes": _check_outcomes,
    "framework_statements": _check_framework_statements,
    "indicators": lambda check, data: check.codes(data, "indicators"),
    "problem_areas": lambda check, data: check.codes(data, "problem_areas"),
    "value_for_money": _check_value_for_money,
    "offers": _check_offers,
    "status": _check_status,
}


def check_organisation(data: dict, catalogue: Catalogue) -> tuple[dict, list[str]]:
    """Validate one organisation record: its normalised form (only the keys it gives) and every problem."""
    check = Checker(catalogue)
    check.unknown_keys(data, ORGANISATION_KEYS)
    clean: dict[str, Any] = {"ref": check.ref(data), "name": check.text(data, "name", 200, required=True)}
    for key in ORGANISATION_KEYS[2:]:  # in file order, so reasons read in the order of the record
        if key == "age_min":
            check.ages(data, clean)
        elif key in data and key in ORGANISATION_CHECKS:
            clean[key] = ORGANISATION_CHECKS[key](check, data)
    return {key: clean[key] for key in ORGANISATION_KEYS if key in clean}, check.reasons


def check_consortium(data: dict, catalogue: Catalogue, organisation_refs: set[str]) -> tuple[dict, list[str]]:
    """Validate one consortium; ``organisation_refs`` are the organisations in the database or the file."""
    check = Checker(catalogue)
    check.unknown_keys(data, CONSORTIUM_KEYS)
    clean: dict[str, Any] = {"ref": check.ref(data), "name": check.text(data, "name", 200, required=True)}
    if "legal_form" in data:
        clean["legal_form"] = check.code(data, "legal_form")
    if "description" in data:
        clean["description"] = check.text(data, "description")
    lead = data.get("lead")
    if not lead:
        check.fail("lead is missing")
    elif lead not in organisation_refs:
        check.fail(f'lead "{lead}" is not an organisation in the file or the directory')
    clean["lead"] = lead
    if "members" in data:
        members = check.string_list(data, "members")
        for member in members:
            if member not in organisation_refs:
                check.fail(f'member "{member}" is not an organisation in the file or the directory')
        clean["members"] = sorted(set(members) | ({lead} if isinstance(lead, str) else set()))
    return {key: clean[key] for key in CONSORTIUM_KEYS if key in clean}, check.reasons


@dataclass
class SeenRefs:
    """Where each ref was first seen in the file so far (small: refs only), for the duplicate checks."""

    organisations: dict[str, str] = field(default_factory=dict)
    offers: dict[str, str] = field(default_factory=dict)
    valid: set[str] = field(default_factory=set)  # organisations that passed every check (consortia may name them)


def check_duplicates(candidates: list[Candidate], catalogue: Catalogue, seen: SeenRefs) -> None:
    """Refs must be unique in the file, and an offer ref may not belong to another organisation already.

    Called batch by batch, in file order; ``seen`` carries the refs of the batches before. Whom the batch's offer
    refs belong to in the database is one query.
    """
    # An unchanged record's offers are its own: any change to them since its import would have cleared its fingerprint.
    offer_refs = {offer["ref"] for c in candidates if not c.unchanged for offer in c.record.get("offers", [])}
    owners = catalogue.offer_owners(offer_refs) if offer_refs else {}
    for candidate in candidates:
        if candidate.ref in seen.organisations:
            candidate.reasons.append(
                f'ref "{candidate.ref}" appears more than once (first at {seen.organisations[candidate.ref]})'
            )
        seen.organisations.setdefault(candidate.ref, candidate.where)
        for offer in candidate.record.get("offers", []):
            ref = offer["ref"]
            owner = owners.get(ref)
            if ref in seen.offers:
                candidate.reasons.append(f'offer ref "{ref}" appears more than once (first at {seen.offers[ref]})')
            elif ref in owners and owner != candidate.ref:
                candidate.reasons.append(f'offer ref "{ref}" already belongs to organisation "{owner}"')
            seen.offers.setdefault(ref, candidate.where)
        if not candidate.reasons:
            seen.valid.add(candidate.ref)


def check_consortium_duplicates(candidates: list[Candidate]) -> None:
    """Consortium refs must be unique in the file."""
    first_seen: dict[str, str] = {}
    for candidate in candidates:
        if candidate.ref in first_seen:
            candidate.reasons.append(
                f'ref "{candidate.ref}" appears more than once (first at {first_seen[candidate.ref]})'
            )
        first_seen.setdefault(candidate.ref, candidate.where)
