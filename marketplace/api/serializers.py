"""Our models in the shapes of the Open Referral UK (ORUK) standard, public fields only.

Mapping: a published organisation is an ORUK ``organization``; its offers are ``service``s; vocabulary terms
(ECM outcomes and aims, service areas, target groups, delivery modes, organisation types, indicators …) are
``taxonomy_term``s whose ``taxonomy_id`` is the vocabulary key; localities served are ``service_area``s
identified by ONS code; an offer's price is a ``cost_option``; its ages and target groups are ``eligibilitys``
(the ORUK 1.0 name). Fields follow ORUK 3.0 where it has them (``attributes`` link taxonomy terms,
``minimum_age``/``maximum_age`` on the service); the rest (outcome statements, kitemark, needs) are this
service's own, documented in the OpenAPI file.

What is public is what the public profile page shows (templates/directory/organisation.html and
templates/offers/offer.html without the "for commissioners" part): never safeguarding records, accreditations,
impact evidence, documents, value-for-money figures, members, drafts or timestamps of editing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask import current_app, g, url_for

from marketplace.api.services import Page, term_id
from marketplace.commissioning.models import Need
from marketplace.directory.models import Offer, Organisation
from marketplace.kitemark import status as kitemark
from marketplace.reference.models import Locality, Term

ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
# Registration numbers are public on the profile; these legal forms have a known UK identifier scheme.
IDENTIFIER_SCHEMES = {"charity": "GB-CHC", "cic": "GB-COH", "company": "GB-COH"}


def page_url(endpoint: str, **values: Any) -> str:
    """Absolute link to a public page, built from ``BASE_URL`` (never the request's Host header)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: str | None) -> str | None:
    return value or None


def _unique(terms: Iterable[Term | None]) -> list[Term]:
    seen: dict[int, Term] = {}
    for term in terms:
        if term is not None and term.id not in seen:
            seen[term.id] = term
    return list(seen.values())


def pounds(pence: int | None) -> float | None:
    return None if pence is None else pence / 100


def price_text(offer: Offer) -> str | None:
    """The price as the offer page says it ("Free", "£12.50 per participant")."""
    if offer.cost_basis is not None and offer.cost_basis.code == "free" and not offer.price_pence:
        return "Free"
    if offer.price_pence is None:
        return None
    whole, pence = divmod(offer.price_pence, 100)
    amount = f"£{whole:,}" if pence == 0 else f"£{whole:,}.{pence:02d}"
    return f"{amount} {offer.cost_basis.label.lower()}" if offer.cost_basis is not None else amount


# Reference data ---------------------------------------------------------------------------------------------------


def taxonomy_term(term: Term) -> dict[str, Any]:
    """A term as an ORUK 3.0 ``taxonomy_term`` (with the ORUK 1.0 ``name``/``vocabulary`` too)."""
    return {
        "id": term_id(term),
        "code": term.code,
        "term": term.label,
        "name": term.label,
        "description": _text(term.description),
        "taxonomy_id": term.vocabulary.key,
        "vocabulary": term.vocabulary.key,
        "taxonomy": term.vocabulary.label,
        "parent_id": term_id(term.parent) if term.parent is not None else None,
    }


def attributes(terms: Iterable[Term], *, link_id: str, link_entity: str) -> list[dict[str, Any]]:
    """ORUK 3.0 ``attribute`` rows linking a record to its taxonomy terms."""
    return [
        {
            "id": f"{link_entity}-{link_id}-{term_id(term)}",
            "link_id": link_id,
            "link_entity": link_entity,
            "link_type": term.vocabulary.key,
            "taxonomy_term": taxonomy_term(term),
        }
        for term in _unique(terms)
    ]


def service_area(locality: Locality) -> dict[str, Any]:
    """A locality served, as an ORUK ``service_area`` identified by its ONS code."""
    area: dict[str, Any] = {
        "id": locality.ons_code,
        "name": locality.name,
        "service_area": locality.name,
        "ons_code": locality.ons_code,
        "tier": locality.tier,
        "extent": None,
        "extent_type": None,
        "uri": ONS_URI.format(code=locality.ons_code),
    }
    if locality.districts:
        area["district_ons_codes"] = [district.ons_code for district in locality.districts]
    return area


def award_of(organisation: Organisation) -> kitemark.KitemarkAward | None:
    """The kitemark in force, asking ``current_award`` only for holders (one query per page, not per record)."""
    if "api_kitemarked_ids" not in g:
        g.api_kitemarked_ids = kitemark.kitemarked_organisation_ids()
    if organisation.id not in g.api_kitemarked_ids:
        return None
    return kitemark.current_award(organisation)


def kitemark_of(organisation: Organisation) -> dict[str, str] | None:
    award = award_of(organisation)
    if award is None:
        return None
    return {"awarded_on": award.awarded_on.isoformat(), "expires_on": award.expires_on.isoformat()}


# Organisations ----------------------------------------------------------------------------------------------------


def organisation_terms(organisation: Organisation) -> list[Term]:
    """The terms an organisation is filed under: type, target groups, indicators, outcomes and aims."""
    contributions = organisation.outcome_contributions
    return _unique(
        [
            organisation.organisation_type,
            *organisation.target_groups,
            *(contribution.outcome for contribution in contributions),
            *(aim for contribution in contributions for aim in contribution.aims),
            *organisation.indicators,
        ]
    )


def _identifiers(organisation: Organisation) -> list[dict[str, Any]]:
    legal_form = organisation.legal_form
    if legal_form is None or not organisation.registration_number:  # the profile shows it only with a legal form
        return []
    return [
        {
            "id": f"organization-{organisation.id}-registration",
            "identifier_scheme": IDENTIFIER_SCHEMES.get(legal_form.code),
            "identifier_type": legal_form.label,
            "identifier": organisation.registration_number,
        }
    ]


def _contacts(organisation: Organisation) -> list[dict[str, Any]]:
    if not organisation.contact_email:  # the profile page shows the contact only alongside an email address
        return []
    phones = [{"number": organisation.contact_phone}] if organisation.contact_phone else []
    return [
        {
            "id": f"organization-{organisation.id}-contact",
            "name": _text(organisation.contact_name),
            "email": organisation.contact_email,
            "phones": phones,
        }
    ]


def _locations(organisation: Organisation) -> list[dict[str, Any]]:
    if not (organisation.address or organisation.postcode):
        return []
    return [
        {
            "id": f"organization-{organisation.id}-address",
            "name": organisation.name,
            "location_type": "physical",
            "latitude": None,
            "longitude": None,
            "physical_addresses": [
                {"address_1": _text(organisation.address), "postal_code": _text(organisation.postcode), "country": "GB"}
            ],
        }
    ]


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": str(organisation.id),
        "name": organisation.name,
        "uri": page_url("directory.organisation", organisation_id=organisation.id),
    }


def organisation(organisation: Organisation) -> dict[str, Any]:
    """A published organisation as an ORUK ``organization`` with its services listed."""
    identifier = str(organisation.id)
    contributions = sorted(organisation.outcome_contributions, key=lambda item: item.outcome.position)
    return {
        **organisation_summary(organisation),
        "description": organisation.description,
        "email": _text(organisation.contact_email),
        "url": _text(organisation.website),
        "website": _text(organisation.website),
        "logo": None,
        "organization_identifiers": _identifiers(organisation),
        "contacts": _contacts(organisation),
        "locations": _locations(organisation),
        "minimum_age": organisation.age_min,
        "maximum_age": organisation.age_max,
        "service_areas": [service_area(locality) for locality in organisation.localities],
        "attributes": attributes(organisation_terms(organisation), link_id=identifier, link_entity="organization"),
        "outcome_statements": [
            {
                "outcome": taxonomy_term(contribution.outcome),
                "aims": [taxonomy_term(aim) for aim in contribution.aims],
                "statement": _text(contribution.statement),
            }
            for contribution in contributions
        ],
        "framework_statements": [
            {"framework": taxonomy_term(item.framework), "statement": item.statement}
            for item in sorted(organisation.framework_statements, key=lambda item: item.framework.position)
        ],
        "kitemark": kitemark_of(organisation),
        "services": [
            {"id": str(offer.id), "name": offer.title, "url": page_url("offers.offer", offer_id=offer.id)}
            for offer in organisation.offers
        ],
    }


def kitemarked_organisation(organisation: Organisation) -> dict[str, Any]:
    """An entry of the kitemarked list: who, and the award in force."""
    return {**organisation_summary(organisation), "kitemark": kitemark_of(organisation)}


# Offers -----------------------------------------------------------------------------------------------------------


def offer_terms(offer: Offer) -> list[Term]:
    """The terms an offer is filed under: its outcomes, aims, service areas, delivery and its target groups."""
    return _unique(
        [
            *offer.outcomes,
            *offer.aims,
            *offer.service_areas,
            *offer.delivery_modes,
            *offer.organisation.target_groups,
        ]
    )


def offer_ages(offer: Offer) -> tuple[int | None, int | None]:
    """The offer's ages, each bound falling back to its organisation's."""
    organisation = offer.organisation
    low = offer.age_min if offer.age_min is not None else organisation.age_min
    high = offer.age_max if offer.age_max is not None else organisation.age_max
    return low, high


def _eligibility(offer: Offer) -> list[dict[str, Any]]:
    low, high = offer_ages(offer)
    rows: list[dict[str, Any]] = []
    if low is not None or high is not None:
        rows.append({"id": f"service-{offer.id}-age", "eligibility": "age", "minimum_age": low, "maximum_age": high})
    for group in offer.organisation.target_groups:
        rows.append(
            {
                "id": f"service-{offer.id}-{term_id(group)}",
                "eligibility": group.label,
                "minimum_age": None,
                "maximum_age": None,
                "taxonomy_term": taxonomy_term(group),
            }
        )
    return rows


def _cost_options(offer: Offer) -> list[dict[str, Any]]:
    text = price_text(offer)
    if text is None:
        return []
    basis = offer.cost_basis.label if offer.cost_basis is not None else None
    return [
        {
            "id": f"service-{offer.id}-price",
            "service_id": str(offer.id),
            "option": text,
            "amount": pounds(offer.price_pence) if offer.price_pence is not None else 0,
            "currency": "GBP",
            "amount_description": basis,
            "valid_from": None,
            "valid_to": None,
        }
    ]


def _service_at_locations(offer: Offer) -> list[dict[str, Any]]:
    if not offer.venue:
        return []
    return [
        {
            "id": f"service-{offer.id}-venue",
            "location": {"id": f"service-{offer.id}-venue", "name": offer.venue, "location_type": "physical"},
        }
    ]


def service(offer: Offer) -> dict[str, Any]:
    """An offer of a published organisation as an ORUK ``service``."""
    organisation = offer.organisation
    identifier = str(offer.id)
    low, high = offer_ages(offer)
    award = award_of(organisation)
    return {
        "id": identifier,
        "organization_id": str(organisation.id),
        "organization": organisation_summary(organisation),
        "name": offer.title,
        "description": offer.description,
        "url": page_url("offers.offer", offer_id=offer.id),
        "email": _text(organisation.contact_email),
        "status": "active",
        "fees": price_text(offer),
        "fees_description": price_text(offer),
        "accreditations": kitemark.kitemark_status(organisation) if award is not None else None,
        "assured_date": _iso(award.awarded_on) if award is not None else None,
        "minimum_age": low,
        "maximum_age": high,
        "eligibilitys": _eligibility(offer),
        "service_areas": [service_area(locality) for locality in offer.localities or organisation.localities],
        "cost_options": _cost_options(offer),
        "service_at_locations": _service_at_locations(offer),
        "attributes": attributes(offer_terms(offer), link_id=identifier, link_entity="service"),
        "group_size_min": offer.group_size_min,
        "group_size_max": offer.group_size_max,
        "capacity_per_year": offer.capacity_per_year,
        "send_suitable": offer.send_suitable,
    }


# Needs ------------------------------------------------------------------------------------------------------------


def _maybe_term(term: Term | None) -> dict[str, Any] | None:
    return taxonomy_term(term) if term is not None else None


def need(need: Need) -> dict[str, Any]:
    """An open need with the fields its public page shows (never responses, decisions or who wrote it)."""
    return {
        "id": str(need.id),
        "title": need.title,
        "summary": need.summary,
        "description": need.description,
        "url": page_url("needs.need", need_id=need.id),
        "status": need.status,
        "commissioning_body": {"name": need.body.name},
        "kind": _maybe_term(need.kind),
        "commissioning_level": _maybe_term(need.level),
        "service_area": _maybe_term(need.service_area),
        "localities": [service_area(locality) for locality in need.localities],
        "target_groups": [taxonomy_term(term) for term in need.target_groups],
        "minimum_age": need.age_min,
        "maximum_age": need.age_max,
        "budget": {
            "minimum": pounds(need.budget_min_pence),
            "maximum": pounds(need.budget_max_pence),
            "currency": "GBP",
        },
        "contract_start": _iso(need.contract_start),
        "contract_end": _iso(need.contract_end),
        "response_deadline": _iso(need.response_deadline),
        "outcomes": [taxonomy_term(term) for term in need.outcomes],
        "aims": [taxonomy_term(term) for term in need.aims],
        "indicators": [taxonomy_term(term) for term in need.indicators],
        "framework_outcomes": [item.title for item in need.framework_outcomes],
        "framework_measures": [item.title for item in need.framework_measures],
        "requirements": {
            "safeguarding_verified": need.requires_safeguarding_verified,
            "kitemark": need.requires_kitemark,
            "accreditation": _maybe_term(need.required_accreditation),
            "consortium_welcome": need.consortium_welcome,
        },
    }


def page_envelope(page: Page, serialise: Callable[[Any], dict]) -> dict[str, Any]:
    """The Open Referral UK page envelope around ``page``'s items."""
    return {
        "total_items": page.total,
        "total_pages": page.pages,
        "page_number": page.number,
        "size": len(page.items),
        "first_page": page.number == 1,
        "last_page": page.number >= page.pages,
        "empty": page.total == 0,
        "contents": [serialise(item) for item in page.items],
    }
