"""Bulk import of organisations, offers and consortia from the interchange format (JSON) or a basic CSV.

How it works, and why:

* Every record is validated completely before the database is touched, and every reason a record is wrong is
  reported (not just the first), so a provider or admin can fix a file in one pass.
* Records are matched by their stable ``ref`` (offers by their own ``ref``): a known ref updates, a new one
  creates. A key that a record leaves out is left as it is; a key that is present replaces what is stored —
  lists (localities, target groups, indicators, outcome contributions, framework statements, offers) are
  replaced to match the file, so importing a file again converges and changes nothing.
* A record is compared with the stored one in its exported form (:mod:`marketplace.directory.exporter`):
  if nothing differs it is counted as unchanged and not written at all.
* Each record is written inside its own savepoint, so one that the database refuses cannot undo the others,
  and records are committed in batches. Vocabularies and localities are read once into dictionaries.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.directory.exporter import (
    consortium_record,
    offer_record,
    organisation_load_options,
    organisation_record,
)
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    FrameworkStatement,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
)
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term, Vocabulary

BATCH_SIZE = 200
MAX_AGE = 120  # any age range: adult and older people's services state theirs too
STATUSES = (OrganisationStatus.DRAFT, OrganisationStatus.PUBLISHED)
REF = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
LONG_TEXT = 10_000

ORGANISATION_KEYS = (
    "ref",
    "name",
    "organisation_type",
    "legal_form",
    "registration_number",
    "description",
    "address",
    "postcode",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "localities",
    "age_min",
    "age_max",
    "adults_only",
    "target_groups",
    "outcomes",
    "framework_statements",
    "indicators",
    "value_for_money",
    "offers",
    "status",
)
OFFER_KEYS = (
    "ref",
    "title",
    "description",
    "delivery_modes",
    "venue",
    "age_min",
    "age_max",
    "group_size_min",
    "group_size_max",
    "capacity_per_year",
    "price_pence",
    "cost_basis",
    "localities",
    "outcomes",
    "aims",
    "service_areas",
    "send_suitable",
)
VALUE_FOR_MONEY_KEYS = (
    "full_cost_recovery",
    "unit_cost_pence",
    "unit_cost_basis",
    "social_return_ratio",
    "added_value",
)
CONSORTIUM_KEYS = ("ref", "name", "legal_form", "description", "lead", "members")
CSV_COLUMNS = ORGANISATION_KEYS[:15] + ("status",)
TEXT_LIMITS = {
    "name": 200,
    "registration_number": 40,
    "description": LONG_TEXT,
    "address": 300,
    "website": 300,
    "contact_name": 120,
    "contact_phone": 40,
    "title": 200,
    "venue": 200,
}
# The vocabulary each coded field draws on.
VOCABULARY_OF = {
    "organisation_type": "organisation_type",
    "legal_form": "legal_form",
    "target_groups": "target_group",
    "indicators": "national_indicator",
    "outcome": "ecm_outcome",
    "outcomes": "ecm_outcome",
    "aims": "ecm_aim",
    "framework": "contribution_framework",
    "delivery_modes": "delivery_mode",
    "cost_basis": "cost_basis",
    "service_areas": "service_area",
}


class InterchangeFileError(Exception):
    """The file cannot be read at all (missing, not UTF-8, not JSON/CSV, wrong shape): nothing was imported."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


@dataclass
class Rejection:
    """A record that was not imported, with every reason. ``where`` is ``organisations[3]`` or ``line 4``."""

    where: str
    index: int
    ref: str | None
    reasons: list[str]

    def __str__(self) -> str:
        name = f'ref "{self.ref}"' if self.ref else "(no ref)"
        return f"{self.where} {name}: " + "; ".join(self.reasons)


@dataclass
class ImportReport:
    organisations: Counts = field(default_factory=Counts)
    offers: Counts = field(default_factory=Counts)
    consortia: Counts = field(default_factory=Counts)
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        lines = [f"organisations: {self.organisations}", f"offers: {self.offers}", f"consortia: {self.consortia}"]
        lines.append(f"rejected: {len(self.rejected)} record(s); took {self.seconds:.1f} s")
        return lines


# Reference data, read once ------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """Vocabularies, localities and existing refs, loaded once so validating a record needs no queries."""

    terms: dict[str, dict[str, Term]]
    aims_of: dict[str, set[str]]
    localities: dict[str, Locality]
    organisation_refs: set[str]
    offer_owners: dict[str, str | None]

    @classmethod
    def load(cls) -> Catalogue:
        terms: dict[str, dict[str, Term]] = {}
        by_id: dict[int, Term] = {}
        for term, key in db.session.execute(select(Term, Vocabulary.key).join(Term.vocabulary)):
            terms.setdefault(key, {})[term.code] = term
            by_id[term.id] = term
        aims_of: dict[str, set[str]] = {}
        for aim in terms.get("ecm_aim", {}).values():
            if aim.parent_id in by_id:
                aims_of.setdefault(by_id[aim.parent_id].code, set()).add(aim.code)
        owners = db.session.execute(
            select(Offer.ref, Organisation.ref).join(Offer.organisation).where(Offer.ref.is_not(None))
        )
        return cls(
            terms=terms,
            aims_of=aims_of,
            localities={locality.ons_code: locality for locality in db.session.scalars(select(Locality))},
            organisation_refs=set(db.session.scalars(select(Organisation.ref).where(Organisation.ref.is_not(None)))),
            offer_owners={offer_ref: organisation_ref for offer_ref, organisation_ref in owners},
        )

    def term(self, field_name: str, code: str) -> Term:
        return self.terms[VOCABULARY_OF[field_name]][code]

    def known(self, field_name: str, code: str) -> str | None:
        """Why ``code`` cannot be used for ``field_name``, or None when it can."""
        term = self.terms.get(VOCABULARY_OF[field_name], {}).get(code)
        if term is None:
            return f'unknown {VOCABULARY_OF[field_name]} "{code}"'
        if not term.is_active:
            return f'{VOCABULARY_OF[field_name]} "{code}" is no longer in use'
        return None


# Validation ---------------------------------------------------------------------------------------------------


class Checker:
    """Collects every reason a record is invalid while building its normalised (exported) form."""

    def __init__(self, catalogue: Catalogue, prefix: str = "") -> None:
        self.catalogue = catalogue
        self.prefix = prefix
        self.reasons: list[str] = []

    def fail(self, message: str) -> None:
        self.reasons.append(self.prefix + message)

    def unknown_keys(self, data: dict, allowed: Iterable[str]) -> None:
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            self.fail("unknown field " + ", ".join(f'"{key}"' for key in unknown))

    def ref(self, data: dict) -> str:
        value = data.get("ref")
        if value is None or value == "":
            self.fail("ref is missing")
            return ""
        if not isinstance(value, str) or not REF.match(value):
            self.fail("ref must be 1 to 80 lowercase letters, digits and hyphens, starting with a letter or digit")
            return str(value)
        return value

    def text(self, data: dict, key: str, limit: int = LONG_TEXT, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{key} must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(f"{key} is missing")
        elif len(value) > limit:
            self.fail(f"{key} must be {limit} characters or fewer")
        return value

    def integer(self, data: dict, key: str, *, high: int | None = None, unit: str = "") -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{key} must be a whole number" + (f" of {unit}" if unit else ""))
            return None
        if value < 0 or (high is not None and value > high):
            self.fail(f"{key} must be between 0 and {high}" if high is not None else f"{key} must not be negative")
            return None
        return value

    def boolean(self, data: dict, key: str, *, nullable: bool = False) -> bool | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{key} must be true or false")
            return None
        return value

    def code(self, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.fail(f"{key} must be a code")
            return None
        problem = self.catalogue.known(key, value)
        if problem:
            self.fail(problem)
        return value

    def string_list(self, data: dict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(f"{key} must be a list of codes")
            return []
        return sorted(set(value))

    def codes(self, data: dict, key: str) -> list[str]:
        values = self.string_list(data, key)
        for value in values:
            problem = self.catalogue.known(key, value)
            if problem:
                self.fail(problem)
        return values

    def ons_codes(self, data: dict, key: str = "localities") -> list[str]:
        values = self.string_list(data, key)
        for value in values:
            if value not in self.catalogue.localities:
                self.fail(f'{key}: unknown ONS code "{value}"')
        return values

    def ages(self, data: dict, clean: dict) -> None:
        for key in ("age_min", "age_max"):
            if key in data:
                clean[key] = self.integer(data, key, high=MAX_AGE)
        self.in_order(clean, "age_min", "age_max")

    def in_order(self, clean: dict, low: str, high: str) -> None:
        if clean.get(low) is not None and clean.get(high) is not None and clean[low] > clean[high]:
            self.fail(f"{low} must not be more than {high}")

    def email(self, data: dict, key: str) -> str:
        value = self.text(data, key, 254)
        if value and not EMAIL.match(value):
            self.fail(f"{key} must be an email address, like name@example.org")
        return value

    def url(self, data: dict, key: str) -> str:
        value = self.text(data, key, TEXT_LIMITS[key])
        parts = urlsplit(value) if value else None
        if parts is not None and (parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in value):
            self.fail(f"{key} must be a web address starting http:// or https://")
        return value

    def postcode(self, data: dict, key: str) -> str:
        value = self.text(data, key, 10).upper()
        match = POSTCODE.match(value) if value else None
        if value and not match:
            self.fail(f"{key} must be a UK postcode, like DE1 1BS")
        return f"{match.group(1)} {match.group(2)}" if match else value

    def object_list(self, data: dict, key: str) -> list[tuple[int, dict]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{key} must be a list")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append((index, item))
            else:
                self.fail(f"{key}[{index}] must be an object")
        return items

    def sub(self, prefix: str) -> Checker:
        return Checker(self.catalogue, self.prefix + prefix)

    def absorb(self, other: Checker) -> None:
        self.reasons.extend(other.reasons)


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
    allowed_aims = set().union(*(check.catalogue.aims_of.get(o, set()) for o in clean["outcomes"]))
    for aim in clean["aims"]:
        if aim in check.catalogue.terms.get("ecm_aim", {}) and aim not in allowed_aims:
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
class Candidate:
    """One record of the file on its way in: where it was, its normalised form and what is wrong with it."""

    where: str
    index: int
    record: dict
    reasons: list[str]

    @property
    def ref(self) -> str:
        return self.record.get("ref") or ""

    def rejection(self) -> Rejection:
        return Rejection(self.where, self.index, self.ref or None, self.reasons)


def _check_duplicates(candidates: list[Candidate], catalogue: Catalogue) -> None:
    """Refs must be unique in the file, and an offer ref may not belong to another organisation already."""
    first_seen: dict[str, str] = {}
    offer_seen: dict[str, str] = {}
    for candidate in candidates:
        if candidate.ref in first_seen:
            candidate.reasons.append(
                f'ref "{candidate.ref}" appears more than once (first at {first_seen[candidate.ref]})'
            )
        first_seen.setdefault(candidate.ref, candidate.where)
        for offer in candidate.record.get("offers", []):
            ref = offer["ref"]
            owner = catalogue.offer_owners.get(ref)
            if ref in offer_seen:
                candidate.reasons.append(f'offer ref "{ref}" appears more than once (first at {offer_seen[ref]})')
            elif ref in catalogue.offer_owners and owner != candidate.ref:
                candidate.reasons.append(f'offer ref "{ref}" already belongs to organisation "{owner}"')
            offer_seen.setdefault(ref, candidate.where)


def _check_consortium_duplicates(candidates: list[Candidate]) -> None:
    first_seen: dict[str, str] = {}
    for candidate in candidates:
        if candidate.ref in first_seen:
            candidate.reasons.append(
                f'ref "{candidate.ref}" appears more than once (first at {first_seen[candidate.ref]})'
            )
        first_seen.setdefault(candidate.ref, candidate.where)


# Writing ------------------------------------------------------------------------------------------------------


def _set(name: str) -> Callable[[Organisation, Any, Catalogue], None]:
    return lambda organisation, value, catalogue: setattr(organisation, name, value)


def _set_term(name: str) -> Callable[[Organisation, Any, Catalogue], None]:
    return lambda organisation, value, catalogue: setattr(
        organisation, name, catalogue.term(name, value) if value else None
    )


def _set_terms(name: str) -> Callable[[Organisation, Any, Catalogue], None]:
    return lambda organisation, value, catalogue: setattr(
        organisation, name, [catalogue.term(name, code) for code in value]
    )


def _set_localities(obj: Organisation | Offer, value: list[str], catalogue: Catalogue) -> None:
    obj.localities = [catalogue.localities[code] for code in value]


def _set_outcomes(organisation: Organisation, value: list[dict], catalogue: Catalogue) -> None:
    """Keep the contribution row of an outcome still listed (and so its linked evidence); drop the others."""
    existing = {c.outcome.code: c for c in organisation.outcome_contributions}
    contributions = []
    for item in value:
        contribution = existing.get(item["outcome"]) or OutcomeContribution(
            outcome=catalogue.term("outcome", item["outcome"])
        )
        contribution.statement = item["statement"]
        contribution.aims = [catalogue.term("aims", code) for code in item["aims"]]
        contributions.append(contribution)
    organisation.outcome_contributions = contributions


def _set_framework_statements(organisation: Organisation, value: list[dict], catalogue: Catalogue) -> None:
    existing = {s.framework.code: s for s in organisation.framework_statements}
    statements = []
    for item in value:
        statement = existing.get(item["framework"]) or FrameworkStatement(
            framework=catalogue.term("framework", item["framework"])
        )
        statement.statement = item["statement"]
        statements.append(statement)
    organisation.framework_statements = statements


def _set_value_for_money(organisation: Organisation, value: dict, catalogue: Catalogue) -> None:
    for name, item in value.items():
        if name == "social_return_ratio" and item is not None:
            item = Decimal(str(item))
        setattr(organisation, name, item)


def _set_status(organisation: Organisation, value: str, catalogue: Catalogue) -> None:
    organisation.status = value
    if value == OrganisationStatus.PUBLISHED and organisation.published_at is None:
        organisation.published_at = utcnow()


ORGANISATION_SETTERS: dict[str, Callable[[Organisation, Any, Catalogue], None]] = {
    "name": _set("name"),
    "organisation_type": _set_term("organisation_type"),
    "legal_form": _set_term("legal_form"),
    **{name: _set(name) for name in ORGANISATION_KEYS[4:12] + ("age_min", "age_max", "adults_only")},
    "localities": _set_localities,
    "target_groups": _set_terms("target_groups"),
    "outcomes": _set_outcomes,
    "framework_statements": _set_framework_statements,
    "indicators": _set_terms("indicators"),
    "value_for_money": _set_value_for_money,
    "status": _set_status,
}
OFFER_TERM_LISTS = ("delivery_modes", "outcomes", "aims", "service_areas")


def _write_offer(offer: Offer, record: dict, catalogue: Catalogue) -> None:
    for name in ("title", "description", "venue", "age_min", "age_max", "group_size_min", "group_size_max"):
        setattr(offer, name, record[name])
    offer.capacity_per_year, offer.price_pence = record["capacity_per_year"], record["price_pence"]
    offer.send_suitable = record["send_suitable"]
    offer.cost_basis = catalogue.term("cost_basis", record["cost_basis"]) if record["cost_basis"] else None
    for name in OFFER_TERM_LISTS:
        setattr(offer, name, [catalogue.term(name, code) for code in record[name]])
    _set_localities(offer, record["localities"], catalogue)


def _set_offers(organisation: Organisation, records: list[dict], catalogue: Catalogue, counts: Counts) -> None:
    """Update offers by ref, create new ones, remove those no longer in the file."""
    existing = {offer.ref: offer for offer in organisation.offers}
    offers = []
    for record in records:
        offer = existing.pop(record["ref"], None)
        if offer is None:
            offer = Offer(ref=record["ref"])
            counts.created += 1
        elif offer_record(offer) == record:
            counts.unchanged += 1
            offers.append(offer)
            continue
        else:
            counts.updated += 1
        _write_offer(offer, record, catalogue)
        offers.append(offer)
    counts.removed += len(existing)
    organisation.offers = offers


def _audit_view(view: dict, keys: Iterable[str]) -> dict:
    """What the audit event keeps of a record: offers by ref only, so events stay small."""
    return {key: [offer["ref"] for offer in view[key]] if key == "offers" else view[key] for key in keys}


def _changed_keys(organisation: Organisation, record: dict) -> list[str]:
    stored = organisation_record(organisation)
    changed = [key for key in record if key != "ref" and record[key] != stored[key]]
    if organisation.status == OrganisationStatus.SUSPENDED and "status" in changed:
        changed.remove("status")  # suspension is an assessor's decision, which an import does not undo
    return changed


def _import_organisation(
    record: dict, organisation: Organisation | None, catalogue: Catalogue, report: ImportReport
) -> Organisation:
    is_new = organisation is None
    if organisation is None:
        organisation = Organisation(ref=record["ref"])
        db.session.add(organisation)
        before, changed = None, [key for key in record if key != "ref"]
    else:
        before = organisation_record(organisation)
        changed = _changed_keys(organisation, record)
    if not changed:
        report.organisations.unchanged += 1
        report.offers.unchanged += len(record.get("offers", []))
        return organisation
    for key in changed:
        if key == "offers":
            _set_offers(organisation, record[key], catalogue, report.offers)
        else:
            ORGANISATION_SETTERS[key](organisation, record[key], catalogue)
    db.session.flush()
    record_event(
        "organisation.imported",
        obj=organisation,
        summary=f"{'Created' if is_new else 'Updated'} {organisation.name} from an import file",
        before=_audit_view(before, changed) if before else None,
        after=_audit_view(record, changed),
    )
    counts = report.organisations
    counts.created, counts.updated = counts.created + is_new, counts.updated + (not is_new)
    return organisation


def _start_transaction() -> None:
    """Open the outer transaction before the first savepoint.

    pysqlite only begins a transaction before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first becomes the
    outermost transaction and every record would commit on its own (slow, and not one batch). A no-op UPDATE
    makes the driver begin.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE organisation SET id = id WHERE 1 = 0"))


def _write_in_savepoint(candidate: Candidate, write: Callable[[], Any], report: ImportReport) -> bool:
    try:
        with db.session.begin_nested():
            write()
    except SQLAlchemyError as error:
        candidate.reasons.append(f"the database refused it: {getattr(error, 'orig', error)}")
        report.rejected.append(candidate.rejection())
        return False
    return True


def _write_organisations(candidates: list[Candidate], catalogue: Catalogue, report: ImportReport) -> None:
    for start in range(0, len(candidates), BATCH_SIZE):
        batch = candidates[start : start + BATCH_SIZE]
        _start_transaction()
        query = (
            select(Organisation)
            .where(Organisation.ref.in_([c.ref for c in batch]))
            .options(*organisation_load_options())
        )
        stored = {organisation.ref: organisation for organisation in db.session.scalars(query)}
        for candidate in batch:
            _write_in_savepoint(
                candidate,
                partial(_import_organisation, candidate.record, stored.get(candidate.ref), catalogue, report),
                report,
            )
        db.session.commit()


def _set_memberships(
    consortium: Consortium, member_refs: Iterable[str], organisations: dict[str, Organisation]
) -> None:
    """Members listed become accepted members; accepted members no longer listed have left."""
    now = utcnow()
    wanted = set(member_refs)
    by_ref = {m.organisation.ref: m for m in consortium.memberships}
    for ref in sorted(wanted):
        membership = by_ref.get(ref)
        if membership is None:
            membership = ConsortiumMembership(organisation=organisations[ref], invited_at=now)
            consortium.memberships.append(membership)
        if membership.status != MembershipStatus.ACCEPTED:
            membership.status, membership.responded_at, membership.left_at = MembershipStatus.ACCEPTED, now, None
    for ref, membership in by_ref.items():
        if ref not in wanted and membership.status == MembershipStatus.ACCEPTED:
            membership.status, membership.left_at = MembershipStatus.LEFT, now


def _import_consortium(
    record: dict,
    consortium: Consortium | None,
    organisations: dict[str, Organisation],
    report: ImportReport,
    catalogue: Catalogue,
) -> None:
    is_new = consortium is None
    stored = consortium_record(consortium) if consortium is not None else {}
    changed = [key for key in record if key != "ref" and record[key] != stored.get(key)]
    if not changed:
        report.consortia.unchanged += 1
        return
    if consortium is None:
        consortium = Consortium(ref=record["ref"])
        db.session.add(consortium)
    consortium.name, consortium.lead_organisation = record["name"], organisations[record["lead"]]
    if "legal_form" in record:
        consortium.legal_form = catalogue.term("legal_form", record["legal_form"]) if record["legal_form"] else None
    if "description" in record:
        consortium.description = record["description"]
    _set_memberships(consortium, record.get("members", [record["lead"]]), organisations)
    db.session.flush()
    record_event(
        "consortium.imported",
        obj=consortium,
        summary=f"{'Created' if is_new else 'Updated'} consortium {consortium.name} from an import file",
        before={key: stored[key] for key in changed} if stored else None,
        after={key: record[key] for key in changed},
    )
    counts = report.consortia
    counts.created, counts.updated = counts.created + is_new, counts.updated + (not is_new)


def _write_consortia(candidates: list[Candidate], catalogue: Catalogue, report: ImportReport) -> None:
    if not candidates:
        return
    refs = {c.record["lead"] for c in candidates} | {ref for c in candidates for ref in c.record.get("members", [])}
    organisations = {o.ref: o for o in db.session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))}
    query = select(Consortium).where(Consortium.ref.in_([c.ref for c in candidates]))
    stored = {
        c.ref: c
        for c in db.session.scalars(
            query.options(selectinload(Consortium.memberships).selectinload(ConsortiumMembership.organisation))
        )
    }
    _start_transaction()
    for candidate in candidates:
        missing = [
            ref for ref in [candidate.record["lead"], *candidate.record.get("members", [])] if ref not in organisations
        ]
        if missing:  # an organisation it names was rejected when written
            candidate.reasons.extend(f'organisation "{ref}" was not imported' for ref in dict.fromkeys(missing))
            report.rejected.append(candidate.rejection())
            continue
        _write_in_savepoint(
            candidate,
            partial(_import_consortium, candidate.record, stored.get(candidate.ref), organisations, report, catalogue),
            report,
        )
    db.session.commit()


# Entry points -------------------------------------------------------------------------------------------------


def _records(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InterchangeFileError(f'"{key}" must be a list of records')
    return value


def _candidates(
    items: Iterable[tuple[str, int, Any]], check: Callable[[dict], tuple[dict, list[str]]]
) -> list[Candidate]:
    candidates = []
    for where, index, item in items:
        if not isinstance(item, dict):
            candidates.append(Candidate(where, index, {}, ["must be an object with a ref and a name"]))
            continue
        record, reasons = check(item)
        candidates.append(Candidate(where, index, record, reasons))
    return candidates


def _run(organisation_items: list[tuple[str, int, Any]], consortium_items: list[tuple[str, int, Any]]) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport()
    catalogue = Catalogue.load()
    organisations = _candidates(organisation_items, lambda item: check_organisation(item, catalogue))
    _check_duplicates(organisations, catalogue)
    valid = [c for c in organisations if not c.reasons]
    known_refs = catalogue.organisation_refs | {c.ref for c in valid}
    consortia = _candidates(consortium_items, lambda item: check_consortium(item, catalogue, known_refs))
    _check_consortium_duplicates(consortia)
    report.rejected.extend(c.rejection() for c in organisations + consortia if c.reasons)
    _write_organisations(valid, catalogue, report)
    _write_consortia([c for c in consortia if not c.reasons], catalogue, report)
    report.rejected.sort(key=lambda r: (r.where.startswith("consortia"), r.index))
    report.seconds = time.perf_counter() - started
    return report


def import_directory(data: dict) -> ImportReport:
    """Import ``{"organisations": [...], "consortia": [...]}``; valid records are written, invalid ones reported.

    Raises :class:`InterchangeFileError` when the data is not that shape at all (nothing is imported).
    """
    if not isinstance(data, dict) or not ({"organisations", "consortia"} & set(data)):
        raise InterchangeFileError(
            'The file must be a JSON object with an "organisations" list (and optionally "consortia")'
        )
    organisations = [(f"organisations[{i}]", i, item) for i, item in enumerate(_records(data, "organisations"))]
    consortia = [(f"consortia[{i}]", i, item) for i, item in enumerate(_records(data, "consortia"))]
    return _run(organisations, consortia)


def _csv_value(column: str, value: str | None) -> Any:
    value = (value or "").strip()
    if column == "localities":
        return [code.strip() for code in value.split(";") if code.strip()]
    if column in ("age_min", "age_max"):
        return int(value) if value.isdigit() else (value or None)
    if column in ("organisation_type", "legal_form"):
        return value or None
    return value


def _csv_items(content: str) -> list[tuple[str, int, Any]]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ("ref", "name") if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if missing or unknown:
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        )
        raise InterchangeFileError(
            f"The CSV header must use the columns {', '.join(CSV_COLUMNS)}: {'; '.join(problems)}"
        )
    reader.fieldnames = header
    items: list[tuple[str, int, Any]] = []
    line = reader.line_num + 1
    for row in reader:
        if None in row:
            items.append((f"line {line}", line, f"has more cells than the header ({len(header)})"))
        else:
            record = {column: _csv_value(column, value) for column, value in row.items()}
            if record.get("status") == "":
                del record["status"]  # an empty status leaves it as it is (a new organisation is a draft)
            items.append((f"line {line}", line, record))
        line = reader.line_num + 1
    return items


def import_csv(content: str) -> ImportReport:
    """Import organisations' basic fields from CSV text (see ``CSV_COLUMNS``); other fields stay as they are."""
    try:
        items = _csv_items(content)
    except csv.Error as error:
        raise InterchangeFileError(f"The CSV file cannot be read: {error}") from error
    report = _run([item for item in items if isinstance(item[2], dict)], [])
    report.rejected.extend(
        Rejection(where, index, None, [str(item)]) for where, index, item in items if isinstance(item, str)
    )
    report.rejected.sort(key=lambda r: r.index)
    return report


def read_text(path: Path) -> str:
    """The file's text, or :class:`InterchangeFileError` saying clearly why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as error:
        raise InterchangeFileError(f"File not found: {path}") from error
    except IsADirectoryError as error:
        raise InterchangeFileError(f"{path} is a folder, not a file") from error
    except OSError as error:
        raise InterchangeFileError(f"{path} cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8 and try again"
        ) from error


def import_file(path: Path) -> ImportReport:
    """Import a ``.csv`` file (basic fields) or a JSON interchange file (anything else)."""
    content = read_text(path)
    if path.suffix.lower() == ".csv":
        return import_csv(content)
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    return import_directory(data)
