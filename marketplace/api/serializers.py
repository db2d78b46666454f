"""Our models in the shapes of the Open Referral UK 3.0 profile (HSDS-UK-3.0), public fields only.

Mapping: a published organisation is an ORUK ``organization``; its offers are ``service``s; each vocabulary is a
``taxonomy`` and its terms (ECM outcomes and aims, service areas, target groups, delivery modes, organisation
types, indicators …) are ``taxonomy_term``s; localities served are ``service_area``s (with their ONS codes); an
offer's price is a ``cost_option``; who a service is for is ``minimum_age``/``maximum_age`` on the service and
target-group ``attributes`` (the ORUK 3.0 shape, not 1.0's ``eligibilitys``); an offer at its venue (or, without
one, at its organisation's address) is a ``service_at_location``. Every ``id`` and ``*_id`` is a UUID derived
from the record (:mod:`marketplace.api.ids`). Optional fields we do not hold are left out, never ``null`` (the
profile types them as plain strings and numbers). Fields the profile does not have (outcome statements, kitemark,
ONS codes, group sizes …) are this service's extensions, documented in the OpenAPI file.

List items are lean, as the profile's list schemas are: one-to-one fields and the organisation, never the nested
arrays (those are on ``/{id}``).

What is public is what the public profile page shows (templates/directory/organisation.html and
templates/offers/offer.html without the "for commissioners" part): never safeguarding records, accreditations,
impact evidence, documents, value-for-money figures, members, drafts or timestamps of editing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask import current_app, g, url_for

from marketplace.api import coordinates
from marketplace.api.ids import uuid_for
from marketplace.api.services import Page, term_id
from marketplace.commissioning.models import Need
from marketplace.directory.models import Offer, Organisation
from marketplace.kitemark import status as kitemark
from marketplace.reference.models import Locality, Term, Vocabulary

ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
# Registration numbers are public on the profile; these legal forms have a known UK identifier scheme.
IDENTIFIER_SCHEMES = {"charity": "GB-CHC", "cic": "GB-COH", "company": "GB-COH"}


def page_url(endpoint: str, **values: Any) -> str:
    """Absolute link to a public page, built from ``BASE_URL`` (never the request's Host header)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def compact(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` without its ``None`` values: ORUK wants an optional field left out, not ``null``."""
    return {key: value for key, value in record.items() if value is not None}


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


def organisation_uuid(organisation_id: int) -> str:
    return uuid_for("organization", organisation_id)


def service_uuid(offer_id: int) -> str:
    return uuid_for("service", offer_id)


def taxonomy_uuid(vocabulary_key: str) -> str:
    return uuid_for("taxonomy", vocabulary_key)


def term_uuid(term: Term) -> str:
    return uuid_for("taxonomy_term", term_id(term))


# Reference data ---------------------------------------------------------------------------------------------------


def taxonomy(vocabulary: Vocabulary, *, with_terms: bool = False) -> dict[str, Any]:
    """A vocabulary as an ORUK ``taxonomy`` (its active terms too on ``/taxonomies/{id}``)."""
    record: dict[str, Any] = {
        "id": taxonomy_uuid(vocabulary.key),
        "name": vocabulary.label,
        "description": vocabulary.description or vocabulary.label,
        "key": vocabulary.key,
    }
    if with_terms:
        record["taxonomy_terms"] = [taxonomy_term(term) for term in vocabulary.terms if term.is_active]
    return record


def taxonomy_term(term: Term) -> dict[str, Any]:
    """A term as an ORUK 3.0 ``taxonomy_term``; ``key`` (``vocabulary:code``) and ``code`` are extensions."""
    return compact(
        {
            "id": term_uuid(term),
            "name": term.label,
            "description": term.description or term.label,
            "term": term.label,
            "code": term.code,
            "key": term_id(term),
            "taxonomy": term.vocabulary.label,
            "taxonomy_id": taxonomy_uuid(term.vocabulary.key),
            "vocabulary": term.vocabulary.key,
            "parent_id": term_uuid(term.parent) if term.parent is not None else None,
        }
    )


def attributes(terms: Iterable[Term], *, link_id: str, link_entity: str) -> list[dict[str, Any]]:
    """ORUK 3.0 ``attribute`` rows linking a record (``link_id``, a UUID) to its taxonomy terms."""
    return [
        {
            "id": uuid_for("attribute", f"{link_id}:{term_id(term)}"),
            "link_id": link_id,
            "link_entity": link_entity,
            "link_type": term.vocabulary.key,
            "taxonomy_term_id": term_uuid(term),
            "taxonomy_term": taxonomy_term(term),
        }
        for term in _unique(terms)
    ]


def service_area(locality: Locality, *, owner: str, service_id: str | None = None) -> dict[str, Any]:
    """A locality served, as an ORUK ``service_area``; ``ons_code``, ``tier`` and the districts are extensions."""
    area: dict[str, Any] = compact(
        {
            "id": uuid_for("service_area", f"{owner}:{locality.ons_code}"),
            "service_id": service_id,
            "name": locality.name,
            "service_area": locality.name,
            "ons_code": locality.ons_code,
            "tier": locality.tier,
            "uri": ONS_URI.format(code=locality.ons_code),
        }
    )
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
    """The terms an organisation is filed under: type, target groups, indicators, problem areas, outcomes, aims."""
    contributions = organisation.outcome_contributions
    return _unique(
        [
            organisation.organisation_type,
            *organisation.target_groups,
            *(contribution.outcome for contribution in contributions),
            *(aim for contribution in contributions for aim in contribution.aims),
            *organisation.indicators,
            *organisation.problem_areas,
        ]
    )


def _identifiers(organisation: Organisation, identifier: str) -> list[dict[str, Any]]:
    legal_form = organisation.legal_form
    if legal_form is None or not organisation.registration_number:  # the profile shows it only with a legal form
        return []
    return [
        compact(
            {
                "id": uuid_for("organization_identifier", organisation.id),
                "organization_id": identifier,
                "identifier_scheme": IDENTIFIER_SCHEMES.get(legal_form.code),
                "identifier_type": legal_form.label,
                "identifier": organisation.registration_number,
            }
        )
    ]


def _contacts(organisation: Organisation, identifier: str) -> list[dict[str, Any]]:
    if not organisation.contact_email:  # the profile page shows the contact only alongside an email address
        return []
    contact = uuid_for("contact", f"organization:{organisation.id}")
    phones = (
        [{"id": uuid_for("phone", contact), "contact_id": contact, "number": organisation.contact_phone}]
        if organisation.contact_phone
        else []
    )
    return [
        compact(
            {
                "id": contact,
                "organization_id": identifier,
                "name": _text(organisation.contact_name),
                "email": organisation.contact_email,
                "phones": phones,
            }
        )
    ]


def has_address(organisation: Organisation) -> bool:
    return bool(organisation.address or organisation.postcode)


def organisation_location(organisation: Organisation, *, with_address: bool = True) -> dict[str, Any]:
    """The organisation's address as an ORUK ``location``, placed at its postcode's outcode centre.

    Latitude and longitude are the centre of the postcode district (e.g. DE1), not of the address: good to a few
    kilometres. We hold no town or county apart from the free-text address, so the required ``city`` and
    ``state_province`` of the ``address`` are empty strings.
    """
    location_id = uuid_for("location", f"organization:{organisation.id}")
    position = coordinates.position(organisation.postcode)
    location: dict[str, Any] = {"id": location_id, "location_type": "physical", "name": organisation.name}
    if position is not None:
        location["latitude"], location["longitude"] = position
    if with_address:
        location["addresses"] = [
            {
                "id": uuid_for("address", location_id),
                "location_id": location_id,
                "address_1": organisation.address,
                "city": "",
                "state_province": "",
                "postal_code": organisation.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return location


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """The one-to-one fields of an ORUK ``organization``: what a service or a list item carries."""
    return compact(
        {
            "id": organisation_uuid(organisation.id),
            "name": organisation.name,
            "description": organisation.description,
            "email": _text(organisation.contact_email),
            "website": _text(organisation.website),
            "uri": page_url("directory.organisation", organisation_id=organisation.id),
        }
    )


def _nested_service(offer: Offer, organisation_id: str) -> dict[str, Any]:
    return {
        "id": service_uuid(offer.id),
        "organization_id": organisation_id,
        "name": offer.title,
        "description": offer.description,
        "url": page_url("offers.offer", offer_id=offer.id),
        "status": "active",
    }


def organisation(organisation: Organisation, *, full_service: bool = False) -> dict[str, Any]:
    """A published organisation as an ORUK ``organization`` with its services (in full with ``full_service``)."""
    identifier = organisation_uuid(organisation.id)
    contributions = sorted(organisation.outcome_contributions, key=lambda item: item.outcome.position)
    return compact(
        {
            **organisation_summary(organisation),
            "organization_identifiers": _identifiers(organisation, identifier),
            "contacts": _contacts(organisation, identifier),
            "locations": [organisation_location(organisation)] if has_address(organisation) else [],
            "minimum_age": organisation.age_min,
            "maximum_age": organisation.age_max,
            "adults_only": bool(organisation.adults_only),
            "service_areas": [service_area(locality, owner=identifier) for locality in organisation.localities],
            "attributes": attributes(organisation_terms(organisation), link_id=identifier, link_entity="organization"),
            "outcome_statements": [
                compact(
                    {
                        "outcome": taxonomy_term(contribution.outcome),
                        "aims": [taxonomy_term(aim) for aim in contribution.aims],
                        "statement": _text(contribution.statement),
                    }
                )
                for contribution in contributions
            ],
            "framework_statements": [
                {"framework": taxonomy_term(item.framework), "statement": item.statement}
                for item in sorted(organisation.framework_statements, key=lambda item: item.framework.position)
            ],
            "services": [
                service(offer) if full_service else _nested_service(offer, identifier) for offer in organisation.offers
            ],
        }
    ) | {"kitemark": kitemark_of(organisation)}


def organisation_list_item(organisation: Organisation) -> dict[str, Any]:
    """An organisation in a page of ``/organizations``: its one-to-one fields and its services' names."""
    identifier = organisation_uuid(organisation.id)
    return compact(
        {
            **organisation_summary(organisation),
            "minimum_age": organisation.age_min,
            "maximum_age": organisation.age_max,
            "adults_only": bool(organisation.adults_only),
            "services": [_nested_service(offer, identifier) for offer in organisation.offers],
        }
    ) | {"kitemark": kitemark_of(organisation)}


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


def _cost_options(offer: Offer, identifier: str) -> list[dict[str, Any]]:
    text = price_text(offer)
    if text is None:
        return []
    return [
        compact(
            {
                "id": uuid_for("cost_option", offer.id),
                "service_id": identifier,
                "option": text,
                "amount": pounds(offer.price_pence) if offer.price_pence is not None else 0,
                "currency": "GBP",
                "amount_description": offer.cost_basis.label if offer.cost_basis is not None else None,
            }
        )
    ]


def has_location(offer: Offer) -> bool:
    """An offer is at a location when it names a venue or its organisation has an address."""
    return bool(offer.venue) or has_address(offer.organisation)


def offer_location(offer: Offer, *, with_address: bool = True) -> dict[str, Any]:
    """Where the offer happens: its venue (a name only, no coordinates) or else its organisation's address."""
    if offer.venue:
        return {"id": uuid_for("location", f"service:{offer.id}"), "location_type": "physical", "name": offer.venue}
    return organisation_location(offer.organisation, with_address=with_address)


def service_at_location(offer: Offer, *, full: bool = False) -> dict[str, Any]:
    """The offer at its location (one per offer), as an ORUK ``service_at_location``."""
    location = offer_location(offer, with_address=full)
    return {
        "id": uuid_for("service_at_location", offer.id),
        "service_id": service_uuid(offer.id),
        "location_id": location["id"],
        "location": location,
    }


def service_at_location_list_item(offer: Offer) -> dict[str, Any]:
    """A page item of ``/service_at_locations``: the link, its location and the service's one-to-one fields."""
    return {**service_at_location(offer), "service": service_list_item(offer)}


def service_at_location_detail(offer: Offer) -> dict[str, Any]:
    """``/service_at_locations/{id}``: the link with its location and full service.

    The profile validates this answer against the *service* schema, so ``name`` and ``status`` repeat the
    service's (harmless for clients reading it as a ``service_at_location``).
    """
    return {
        **service_at_location(offer, full=True),
        "name": offer.title,
        "status": "active",
        "service": service(offer),
    }


def service_list_item(offer: Offer) -> dict[str, Any]:
    """An offer's one-to-one fields and its organisation: an item of the profile's ``service_list``."""
    organisation = offer.organisation
    low, high = offer_ages(offer)
    award = award_of(organisation)
    return compact(
        {
            "id": service_uuid(offer.id),
            "organization_id": organisation_uuid(organisation.id),
            "name": offer.title,
            "description": offer.description,
            "url": page_url("offers.offer", offer_id=offer.id),
            "email": _text(organisation.contact_email),
            "status": "active",
            "fees": price_text(offer),
            "accreditations": kitemark.kitemark_status(organisation) if award is not None else None,
            "assured_date": _iso(award.awarded_on) if award is not None else None,
            "minimum_age": low,
            "maximum_age": high,
            "organization": organisation_summary(organisation),
            "adults_only": bool(organisation.adults_only),
        }
    )


def service(offer: Offer) -> dict[str, Any]:
    """An offer of a published organisation as a fully nested ORUK ``service``."""
    identifier = service_uuid(offer.id)
    localities = offer.localities or offer.organisation.localities
    return compact(
        {
            **service_list_item(offer),
            "service_areas": [
                service_area(locality, owner=identifier, service_id=identifier) for locality in localities
            ],
            "cost_options": _cost_options(offer, identifier),
            "service_at_locations": [service_at_location(offer, full=True)] if has_location(offer) else [],
            "attributes": attributes(offer_terms(offer), link_id=identifier, link_entity="service"),
            "group_size_min": offer.group_size_min,
            "group_size_max": offer.group_size_max,
            "capacity_per_year": offer.capacity_per_year,
            "send_suitable": offer.send_suitable,
        }
    )


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
        "localities": [service_area(locality, owner=f"need:{need.id}") for locality in need.localities],
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
        "problem_areas": [taxonomy_term(term) for term in need.problem_areas],
        "framework_outcomes": [item.title for item in need.framework_outcomes],
        "framework_measures": [item.title for item in need.framework_measures],
        "requirements": {
            "safeguarding_verified": need.requires_safeguarding_verified,
            "kitemark": need.requires_kitemark,
            "accreditation": _maybe_term(need.required_accreditation),
            "consortium_welcome": need.consortium_welcome,
            "localities_required": need.localities_required,
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
