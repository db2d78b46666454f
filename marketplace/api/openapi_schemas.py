"""The schemas of the open-data API's OpenAPI document: the ORUK 3.0 profile's shapes as we fill them.

Optional properties (left out when we hold no value, never ``null``) are listed per schema; everything else is
required. Properties the profile does not have are marked "Extension". Schemas are composed in Python rather than
with ``allOf`` so each stays closed (``tests/api`` checks answers against them with no undocumented property).
"""

from __future__ import annotations

from typing import Any

ORUK_VERSION = "HSDS-UK-3.0"
ORUK_PROFILE_URL = "https://open-referral-uk-profile.readthedocs.io/"


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


def _object(properties: dict[str, Any], description: str = "", optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema; every property is required except ``optional`` ones (left out when we hold no value)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }
    if description:
        schema["description"] = description
    return schema


def _extend(base: dict[str, Any], properties: dict[str, Any], description: str, optional: tuple[str, ...] = ()):
    """``base`` with more properties (composed here rather than with ``allOf``, so each schema stays closed)."""
    merged = {**base["properties"], **properties}
    base_optional = tuple(name for name in base["properties"] if name not in base["required"])
    return _object(merged, description, (*base_optional, *optional))


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
UUID = {"type": "string", "format": "uuid"}
URI = {"type": "string", "format": "uri"}
EMAIL = {"type": "string", "format": "email"}
NULLABLE_NUMBER = _nullable("number")
NULLABLE_INTEGER = _nullable("integer")
NULLABLE_DATE = _nullable("string", format="date")
EXTENSION = "Extension (not in the ORUK profile). "
ADULTS_ONLY = {
    "type": "boolean",
    "description": EXTENSION + "The organization works with adults (18 and over) only: it never matches a need "
    "for under-18s.",
}

TAXONOMY_TERM = _object(
    {
        "id": UUID,
        "name": STRING,
        "description": {"type": "string", "description": "The term's description, or its name when it has none."},
        "term": STRING,
        "code": {"type": "string", "description": EXTENSION + "The term's code in its vocabulary."},
        "key": {
            "type": "string",
            "description": EXTENSION + "`vocabulary:code`, also accepted as `taxonomy_term_id`.",
        },
        "taxonomy": {"type": "string", "description": "The vocabulary's name."},
        "taxonomy_id": UUID,
        "vocabulary": {"type": "string", "description": EXTENSION + "The vocabulary's key."},
        "parent_id": {"type": "string", "format": "uuid", "description": "The parent term (an ECM aim's outcome)."},
    },
    "A term of one of the marketplace's vocabularies (ORUK taxonomy_term).",
    optional=("parent_id",),
)
ORGANIZATION_SUMMARY = _object(
    {
        "id": UUID,
        "name": STRING,
        "description": STRING,
        "email": EMAIL,
        "website": URI,
        "uri": {"type": "string", "format": "uri", "description": "The public profile page."},
    },
    "An organization's one-to-one fields.",
    optional=("email", "website"),
)
LOCATION = _object(
    {
        "id": UUID,
        "location_type": {"type": "string", "const": "physical"},
        "name": STRING,
        "latitude": {
            "type": "number",
            "description": "WGS84, of the centre of the postcode district (e.g. DE1): good to a few kilometres, "
            "not the address itself. Left out when the postcode is unknown or the location is a named venue.",
        },
        "longitude": {"type": "number", "description": "WGS84, as `latitude`."},
        "addresses": _array("Address"),
    },
    "Where a service happens: an offer's venue (a name only) or its organization's address.",
    optional=("latitude", "longitude", "addresses"),
)
SERVICE_LIST_ITEM = _object(
    {
        "id": UUID,
        "organization_id": UUID,
        "name": STRING,
        "description": STRING,
        "url": {"type": "string", "format": "uri", "description": "The public offer page."},
        "email": EMAIL,
        "status": {"type": "string", "const": "active"},
        "fees": {"type": "string", "description": 'The price in words ("Free", "£12.50 per participant").'},
        "accreditations": {"type": "string", "description": "The kitemark in words, when one is in force."},
        "assured_date": {"type": "string", "format": "date", "description": "When the kitemark was awarded."},
        "minimum_age": {"type": "integer", "description": "The offer's, else its organization's."},
        "maximum_age": {"type": "integer", "description": "The offer's, else its organization's."},
        "organization": _ref("OrganizationSummary"),
        "adults_only": {
            "type": "boolean",
            "description": EXTENSION + "Its organization works with adults (18 and over) only.",
        },
    },
    "An offer's one-to-one fields and its organization (ORUK service_list item).",
    optional=("email", "fees", "accreditations", "assured_date", "minimum_age", "maximum_age"),
)
SERVICE_AT_LOCATION = _object(
    {"id": UUID, "service_id": UUID, "location_id": UUID, "location": _ref("Location")},
    "An offer at its location, one per offer (ORUK service_at_location).",
)
NESTED_SERVICE = _object(
    {"id": UUID, "organization_id": UUID, "name": STRING, "description": STRING, "url": URI, "status": STRING},
    "A service of an organization, in brief.",
)

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {
                "type": "object",
                "properties": {
                    "status": INTEGER,
                    "title": STRING,
                    "detail": STRING,
                    "parameters": {
                        "type": "array",
                        "description": "400 only: each bad parameter and what is wrong with it.",
                        "items": _object({"name": STRING, "problem": STRING}),
                    },
                },
                "required": ["status", "title", "detail"],
            }
        },
        "Every error under /api/v1 (400, 404, 405, 500 …).",
    ),
    "Page": _object(
        {
            "total_items": INTEGER,
            "total_pages": INTEGER,
            "page_number": INTEGER,
            "size": {"type": "integer", "description": "Items on this page."},
            "first_page": BOOLEAN,
            "last_page": BOOLEAN,
            "empty": {"type": "boolean", "description": "True when nothing matched at all."},
        },
        "The Open Referral UK 3.0 page envelope; the items are in `contents`. A page past the end is empty.",
    ),
    "Root": _object(
        {
            "version": {"type": "string", "const": ORUK_VERSION},
            "profile": {"type": "string", "format": "uri", "description": "The ORUK 3.0 profile."},
            "openapi_url": {"type": "string", "format": "uri", "description": "This document."},
        },
        "Which standard this API follows (read first by the ORUK validator).",
    ),
    "Taxonomy": _object(
        {
            "id": UUID,
            "name": STRING,
            "description": STRING,
            "key": {"type": "string", "description": EXTENSION + "The vocabulary's key (accepted as `taxonomy_id`)."},
            "taxonomy_terms": {**_array("TaxonomyTerm"), "description": "Active terms; on /taxonomies/{id} only."},
        },
        "A vocabulary (ORUK taxonomy).",
        optional=("taxonomy_terms",),
    ),
    "TaxonomyTerm": TAXONOMY_TERM,
    "Attribute": _object(
        {
            "id": UUID,
            "link_id": UUID,
            "link_entity": {"type": "string", "enum": ["organization", "service"]},
            "link_type": {"type": "string", "description": "The vocabulary key."},
            "taxonomy_term_id": UUID,
            "taxonomy_term": _ref("TaxonomyTerm"),
        },
        "Links a record to a taxonomy term (ORUK 3.0 attribute); target groups say who a service is for.",
    ),
    "ServiceArea": _object(
        {
            "id": UUID,
            "service_id": UUID,
            "name": STRING,
            "service_area": STRING,
            "ons_code": {"type": "string", "description": EXTENSION + "The local authority's ONS code."},
            "tier": {
                "type": "string",
                "enum": ["county", "district", "unitary", "metropolitan_district", "london_borough"],
                "description": EXTENSION,
            },
            "uri": URI,
            "district_ons_codes": {"type": "array", "items": STRING, "description": EXTENSION + "Counties only."},
        },
        "An English local authority area served; a county includes its districts.",
        optional=("service_id", "district_ons_codes"),
    ),
    "Kitemark": _nullable(
        "object",
        properties={
            "awarded_on": {"type": "string", "format": "date"},
            "expires_on": {"type": "string", "format": "date"},
        },
        description=EXTENSION + "The kitemark in force today, or null (never awarded, expired, lapsed or suspended).",
    ),
    "OrganizationSummary": ORGANIZATION_SUMMARY,
    "Address": _object(
        {
            "id": UUID,
            "location_id": UUID,
            "address_1": {"type": "string", "description": "The address as the organization gives it."},
            "city": {"type": "string", "description": "Always empty: we hold no separate town."},
            "state_province": {"type": "string", "description": "Always empty: we hold no separate county."},
            "postal_code": STRING,
            "country": {"type": "string", "const": "GB"},
            "address_type": {"type": "string", "const": "physical"},
        }
    ),
    "Location": LOCATION,
    "NestedService": NESTED_SERVICE,
    "Organization": _extend(
        ORGANIZATION_SUMMARY,
        {
            "organization_identifiers": {
                "type": "array",
                "items": _object(
                    {
                        "id": UUID,
                        "organization_id": UUID,
                        "identifier_scheme": STRING,
                        "identifier_type": STRING,
                        "identifier": STRING,
                    },
                    optional=("identifier_scheme",),
                ),
            },
            "contacts": {
                "type": "array",
                "items": _object(
                    {
                        "id": UUID,
                        "organization_id": UUID,
                        "name": STRING,
                        "email": EMAIL,
                        "phones": {
                            "type": "array",
                            "items": _object({"id": UUID, "contact_id": UUID, "number": STRING}),
                        },
                    },
                    optional=("name",),
                ),
            },
            "locations": _array("Location"),
            "minimum_age": INTEGER,
            "maximum_age": INTEGER,
            "adults_only": ADULTS_ONLY,
            "service_areas": _array("ServiceArea"),
            "attributes": _array("Attribute"),
            "outcome_statements": {
                "type": "array",
                "description": EXTENSION + "Contribution to each Every Child Matters outcome: aims and a statement.",
                "items": _object(
                    {"outcome": _ref("TaxonomyTerm"), "aims": _array("TaxonomyTerm"), "statement": STRING},
                    optional=("statement",),
                ),
            },
            "framework_statements": {
                "type": "array",
                "description": EXTENSION,
                "items": _object({"framework": _ref("TaxonomyTerm"), "statement": STRING}),
            },
            "kitemark": _ref("Kitemark"),
            "services": {
                "type": "array",
                "description": "In brief, or in full with `full_service=true`.",
                "items": {"oneOf": [_ref("NestedService"), _ref("Service")]},
            },
        },
        "A published organisation (ORUK organization). Only what its public profile shows.",
        optional=("minimum_age", "maximum_age"),
    ),
    "OrganizationListItem": _extend(
        ORGANIZATION_SUMMARY,
        {
            "minimum_age": INTEGER,
            "maximum_age": INTEGER,
            "adults_only": ADULTS_ONLY,
            "services": {"oneOf": [_array("NestedService"), _array("Service")]},
            "kitemark": _ref("Kitemark"),
        },
        "An organization in a page of /organizations (the nested arrays are on /organizations/{id}).",
        optional=("minimum_age", "maximum_age"),
    ),
    "KitemarkedOrganization": _extend(
        ORGANIZATION_SUMMARY, {"kitemark": _ref("Kitemark")}, "A kitemarked organization and its award."
    ),
    "CostOption": _object(
        {
            "id": UUID,
            "service_id": UUID,
            "option": STRING,
            "amount": {"type": "number", "description": "Pounds sterling."},
            "currency": {"type": "string", "const": "GBP"},
            "amount_description": STRING,
        },
        optional=("amount_description",),
    ),
    "ServiceListItem": SERVICE_LIST_ITEM,
    "Service": _extend(
        SERVICE_LIST_ITEM,
        {
            "service_areas": _array("ServiceArea"),
            "cost_options": _array("CostOption"),
            "service_at_locations": _array("ServiceAtLocation"),
            "attributes": _array("Attribute"),
            "group_size_min": {"type": "integer", "description": EXTENSION},
            "group_size_max": {"type": "integer", "description": EXTENSION},
            "capacity_per_year": {"type": "integer", "description": EXTENSION},
            "send_suitable": {"type": "boolean", "description": EXTENSION + "Suitable for children with SEND."},
        },
        "An offer of a published organisation, fully nested (ORUK service).",
        optional=("group_size_min", "group_size_max", "capacity_per_year"),
    ),
    "ServiceAtLocation": SERVICE_AT_LOCATION,
    "ServiceAtLocationListItem": _extend(
        SERVICE_AT_LOCATION, {"service": _ref("ServiceListItem")}, "An item of /service_at_locations."
    ),
    "ServiceAtLocationDetail": _extend(
        SERVICE_AT_LOCATION,
        {"name": STRING, "status": {"type": "string", "const": "active"}, "service": _ref("Service")},
        "/service_at_locations/{id}: the profile checks this against its service schema, so `name` and `status` "
        "repeat the service's.",
    ),
    "Need": _object(
        {
            "id": {"type": "string", "description": EXTENSION + "Needs keep their own ids."},
            "title": STRING,
            "summary": STRING,
            "description": STRING,
            "url": {"type": "string", "format": "uri"},
            "status": {"type": "string", "const": "open"},
            "commissioning_body": _object({"name": STRING}),
            "kind": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "commissioning_level": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "service_area": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
            "localities": _array("ServiceArea"),
            "target_groups": _array("TaxonomyTerm"),
            "minimum_age": NULLABLE_INTEGER,
            "maximum_age": NULLABLE_INTEGER,
            "budget": _object(
                {"minimum": _nullable("number"), "maximum": _nullable("number"), "currency": {"const": "GBP"}}
            ),
            "contract_start": NULLABLE_DATE,
            "contract_end": NULLABLE_DATE,
            "response_deadline": NULLABLE_DATE,
            "outcomes": _array("TaxonomyTerm"),
            "aims": _array("TaxonomyTerm"),
            "indicators": _array("TaxonomyTerm"),
            "problem_areas": {
                "type": "array",
                "items": _ref("TaxonomyTerm"),
                "description": EXTENSION + "Problem areas the need should help address (teenage pregnancy, NEET …).",
            },
            "framework_outcomes": {"type": "array", "items": STRING},
            "framework_measures": {"type": "array", "items": STRING},
            "requirements": _object(
                {
                    "safeguarding_verified": BOOLEAN,
                    "kitemark": BOOLEAN,
                    "accreditation": {"oneOf": [_ref("TaxonomyTerm"), {"type": "null"}]},
                    "consortium_welcome": BOOLEAN,
                    "localities_required": {
                        "type": "boolean",
                        "description": EXTENSION + "True: providers must serve the localities. False (the default): "
                        "providers serving them are preferred, then those nearby.",
                    },
                }
            ),
        },
        "A commissioner's need open for responses.",
    ),
}
